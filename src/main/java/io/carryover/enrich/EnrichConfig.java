package io.carryover.enrich;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "carryover.enrich")
public interface EnrichConfig {

    /** Correlate and enrich new conversations (needs Platform credentials, see carryover.platform). */
    @WithDefault("true")
    boolean enabled();

    /** How many prior conversations the summary covers, newest first. */
    @WithDefault("5")
    int priorConversations();

    /** How far back prior conversations are considered. */
    @WithDefault("180d")
    Duration window();

    /** After this long a job that could not complete is marked failed (logged and counted). */
    @WithDefault("10m")
    Duration deadline();

    /**
     * How long a Platform 404 (the first message's details, the conversation) is retried before the job is parked:
     * quick retries in the first 2 s after the echo (details lag it), then each wait three times the time since.
     */
    @WithDefault("2m")
    Duration notFoundCutoff();

    /** While PostgreSQL is unreachable, how often the outbox worker logs that it still is. */
    @WithDefault("1m")
    Duration outageSummaryInterval();

    /** Outbox worker threads in this instance. */
    @WithDefault("2")
    int workers();

    /** How long a claimed job is reserved for its worker; a crashed worker's jobs are taken over after it. */
    @WithDefault("30s")
    Duration lease();

    /** How often workers look for due jobs when nobody wakes them. */
    @WithDefault("1s")
    Duration pollInterval();

    Attributes attributes();

    /** Extra regular expressions whose matches are redacted, besides cards, e-mails, phones and IBANs. */
    Optional<List<String>> redactPatterns();

    /**
     * Regular expressions (any case) for the org's own auto-replies and closing notices, besides the built-in ones:
     * the summary never quotes a matching text as the outcome nor names its sender as an agent.
     */
    Optional<List<String>> cannedReplies();

    /** Agent page for a conversation, with {conversationId} (the Genesys id); added as a link attribute when set. */
    Optional<String> agentPageUrl();

    DataAction dataAction();

    interface Attributes {
        /** {@code prefix}: keys like carryover.headline; {@code participant-data}: conversationDetails.participantData.*. */
        @WithDefault("prefix")
        AttributeMapper.Naming naming();

        @WithDefault("carryover.")
        String prefix();

        @WithDefault("10")
        int maxAttributes();

        @WithDefault("1000")
        int maxValueChars();

        @WithDefault("8192")
        int maxTotalBytes();
    }

    /** The Architect data-action endpoint (pull mode); its Basic user is a Quarkus embedded user with role data-action. */
    interface DataAction {
        /** OIDC issuer of the {@code sub} Architect passes; default: the only configured identity issuer. */
        Optional<String> issuer();
    }
}
