package io.carryover.enrich;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.carryover.identity.TokenHash;
import io.quarkus.arc.DefaultBean;

/**
 * From history to what leaves Carryover: summarize, redact, then bound into attributes. Used by the PATCH path and
 * by the Architect data action, so both show the same thing.
 */
@ApplicationScoped
public class SummaryService {

    /** A redacted summary, the attributes made from it, and their fingerprint for idempotent delivery. */
    public record Prepared(Summary summary, Map<String, String> attributes, String fingerprint) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Summarizer summarizer;
    private final Redactor redactor;
    private final AttributeMapper mapper;
    /** The data action's flat fields: same bounds, plain names (headline, summary.1, ...). */
    private final AttributeMapper flatMapper;
    private final Optional<String> agentPageUrl;

    SummaryService(Summarizer summarizer, EnrichConfig config) {
        this.summarizer = summarizer;
        this.redactor = new Redactor(config.redactPatterns().orElse(List.of()));
        EnrichConfig.Attributes a = config.attributes();
        AttributeMapper.Limits limits = new AttributeMapper.Limits(a.maxAttributes(), a.maxValueChars(),
                a.maxTotalBytes());
        this.mapper = new AttributeMapper(a.naming(), a.prefix(), limits);
        this.flatMapper = new AttributeMapper(AttributeMapper.Naming.PREFIX, "", limits);
        this.agentPageUrl = config.agentPageUrl();
    }

    /** @param genesysConversationId the conversation the summary goes onto: the link opens the agent page there */
    public Prepared prepare(CustomerHistory history, String genesysConversationId) {
        Summary redacted = redactedSummary(history);
        Map<String, String> attributes = mapper.attributes(redacted, link(genesysConversationId));
        return new Prepared(redacted, attributes, fingerprint(attributes));
    }

    /** The same summary as flat fields for Architect: {@code summary.N} becomes {@code summaryN}. */
    public Map<String, String> flatFields(CustomerHistory history, String genesysConversationId) {
        Map<String, String> flat = new java.util.LinkedHashMap<>();
        flatMapper.attributes(redactedSummary(history), link(genesysConversationId))
                .forEach((key, value) -> flat.put(key.replace(".", ""), value));
        return flat;
    }

    /** The summary exactly as the agent would get it: summarized, then redacted. */
    public Summary redactedSummary(CustomerHistory history) {
        return redactor.redact(summarizer.summarize(history));
    }

    /**
     * One customer text as a summary line would quote it (one line, at most {@value Texts#LINE_LIMIT}
     * chars, cut between numbers, then redacted), for lists that show a conversation's opening line.
     */
    public String redactedLine(String text) {
        return redactor.redact(Texts.truncate(Texts.oneLine(text), Texts.LINE_LIMIT));
    }

    /** A whole text (a transcript message, a search candidate) redacted as summaries are. */
    public String redactedText(String text) {
        return text == null ? null : redactor.redact(text);
    }

    /** The agent page takes the Genesys conversation id, as the interaction widget passes it. */
    private Optional<String> link(String genesysConversationId) {
        return agentPageUrl.map(url -> url.replace("{conversationId}",
                URLEncoder.encode(genesysConversationId, StandardCharsets.UTF_8)));
    }

    static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("summary is not serialisable", e);
        }
    }

    private static String fingerprint(Map<String, String> attributes) {
        return TokenHash.of(json(attributes));
    }

    /** The local summarizer, unless another {@link Summarizer} bean (e.g. LLM-backed) is present. */
    @Produces
    @DefaultBean
    @ApplicationScoped
    Summarizer deterministicSummarizer(EnrichConfig config) {
        return new DeterministicSummarizer(config.priorConversations(), Clock.systemUTC(),
                config.cannedReplies().orElse(List.of()));
    }
}
