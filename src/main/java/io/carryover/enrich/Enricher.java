package io.carryover.enrich;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.carryover.platform.PlatformClient;
import io.carryover.platform.PlatformException;
import io.carryover.platform.PlatformTypes;
import io.carryover.platform.CallPriority;
import io.carryover.platform.RegionClient;

/**
 * Works one outbox job: correlate the archived conversation with Genesys (inbound echo id → message details →
 * conversation → customer participant), then, for a verified customer with prior conversations, PATCH the summary
 * onto the customer participant. Guests and first-time customers are correlated but not enriched.
 */
@ApplicationScoped
class Enricher {

    private static final Logger LOG = Logger.getLogger(Enricher.class);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
    /** Message details can lag the echo by a moment: until this long after it, a 404 is retried quickly. */
    private static final Duration QUICK_RETRIES = Duration.ofSeconds(2);
    private static final Duration QUICK_RETRY_MIN = Duration.ofMillis(250);

    private final PlatformClient platform;
    private final EnrichmentJobs jobs;
    private final HistoryReader history;
    private final SummaryService summaries;
    private final EnrichMetrics metrics;
    private final Duration notFoundCutoff;
    /** Until when the request budget or Genesys asked this instance to make no call. */
    private volatile Instant throttledUntil = Instant.EPOCH;

    Enricher(PlatformClient platform, EnrichmentJobs jobs, HistoryReader history, SummaryService summaries,
            EnrichMetrics metrics, EnrichConfig config) {
        this.platform = platform;
        this.jobs = jobs;
        this.history = history;
        this.summaries = summaries;
        this.metrics = metrics;
        this.notFoundCutoff = config.notFoundCutoff();
    }

    void process(EnrichmentJob job) throws SQLException {
        RegionClient platform = this.platform.forDeployment(job.deploymentId()).orElse(null);
        if (platform == null) {
            // The deployment's region has no OAuth client: nothing to correlate with, now or later.
            finish(job, "no-platform", null);
            return;
        }
        if (Instant.now().isAfter(job.deadlineAt())) {
            jobs.failed(job, "deadline", "deadline passed");
            gaveUp(job, "deadline", "deadline passed");
            return;
        }
        // Retries spend only what first attempts and agent lookups leave of the request budget.
        CallPriority priority = job.attempts() <= 1 ? CallPriority.FIRST_ATTEMPT : CallPriority.RETRY;
        try {
            String conversationId = job.genesysConversationId();
            String participantId = job.genesysParticipantId();
            if (conversationId == null || participantId == null) {
                conversationId = platform.conversationIdOfMessage(job.firstMessageId(), priority);
                PlatformTypes.Participant customer = platform.messageConversation(conversationId, priority).customer();
                if (customer == null) {
                    retry(job, Duration.ofMillis(500), "no customer participant yet");
                    return;
                }
                participantId = customer.id();
                jobs.correlated(job, conversationId, participantId);
                job = job.correlatedTo(conversationId, participantId);
            }
            if (jobs.heldByAnotherCustomer(job, conversationId)) {
                // Two customers on one Genesys conversation (e.g. one thread token signed in by both): sending
                // either's history would show it to the other's agent.
                LOG.warnf("enrichment of conversation %s skipped: Genesys conversation %s is archived for another"
                        + " customer", job.conversationId(), conversationId);
                finish(job, "conflict", null);
                return;
            }
            if (job.guest()) {
                finish(job, "guest", null);
                return;
            }
            CustomerHistory prior = history.priorTo(job.customerId(), job.conversationId(), job.startedAt());
            if (prior.conversations().isEmpty()) {
                finish(job, "no-history", null);
                return;
            }
            SummaryService.Prepared prepared = summaries.prepare(prior, conversationId);
            if (prepared.fingerprint().equals(job.patchedHash())) {
                finish(job, "unchanged", null);
                return;
            }
            jobs.saveSummary(job.conversationId(), prepared.summary().headline(),
                    SummaryService.json(prepared.summary().lines()), SummaryService.json(prepared.attributes()));
            platform.patchParticipantAttributes(conversationId, participantId, prepared.attributes(), priority);
            metrics.patched(Duration.between(job.firstEchoAt(), Instant.now()));
            finish(job, "patched", prepared.fingerprint());
        } catch (PlatformException.NotFound e) {
            notFound(job, e);
        } catch (PlatformException.Throttled e) {
            throttled(job, e);
        } catch (PlatformException.Unavailable e) {
            retry(job, backoff(job.attempts()), "unavailable");
        } catch (PlatformException.Rejected e) {
            if (e.status() == 403) {
                // Missing permission or another org's conversation: retrying cannot help.
                jobs.parked(job, "forbidden", e.getMessage());
                gaveUp(job, "forbidden", e.getMessage());
            } else {
                jobs.failed(job, "rejected", e.getMessage());
                gaveUp(job, "rejected", e.getMessage());
            }
        }
    }

    /** How long this instance should claim no job: its request budget is spent, or Genesys answered 429. */
    Duration throttledFor() {
        Duration left = Duration.between(Instant.now(), throttledUntil);
        return left.isNegative() ? Duration.ZERO : left;
    }

    /**
     * When to try again after a 404 ({@code sinceEcho} after the first message): quick retries while details may
     * lag the echo, then a wait of three times the time since the echo, the last attempt at the cut-off. Each
     * attempt is at least twice as far from the echo as the one before, so a message Genesys never knows costs at
     * most 8 calls with the 2 min default cut-off (5 + log4(cut-off / 2 s), rounded up, in general).
     */
    static Duration notFoundDelay(Duration sinceEcho, Duration cutoff) {
        Duration delay = sinceEcho.compareTo(QUICK_RETRIES) < 0
                ? (sinceEcho.compareTo(QUICK_RETRY_MIN) < 0 ? QUICK_RETRY_MIN : sinceEcho)
                : sinceEcho.multipliedBy(3);
        Duration untilCutoff = cutoff.minus(sinceEcho);
        return delay.compareTo(untilCutoff) > 0 ? untilCutoff : delay;
    }

    private void notFound(EnrichmentJob job, PlatformException.NotFound e) throws SQLException {
        Duration sinceEcho = Duration.between(job.firstEchoAt(), Instant.now());
        if (sinceEcho.compareTo(notFoundCutoff) >= 0) {
            String reason = e.getMessage() + " " + notFoundCutoff.toSeconds() + " s after the first message";
            jobs.parked(job, "not-found", reason);
            gaveUp(job, "not-found", reason);
            return;
        }
        retry(job, notFoundDelay(sinceEcho, notFoundCutoff), "not found yet");
    }

    /** The job goes back untried and this instance pauses, so the budget frees up for the newest jobs first. */
    private void throttled(EnrichmentJob job, PlatformException.Throttled e) throws SQLException {
        Instant until = Instant.now().plus(e.retryAfter());
        if (throttledFor().isZero()) {
            LOG.infof("enrichment paused: %s", e.getMessage());
        }
        if (until.isAfter(throttledUntil)) {
            throttledUntil = until;
        }
        metrics.retried("throttled");
        jobs.release(List.of(job), "throttled");
    }

    private void finish(EnrichmentJob job, String outcome, String fingerprint) throws SQLException {
        if (jobs.done(job, outcome, fingerprint)) {
            metrics.outcome(outcome);
            LOG.infof("enrichment %s: conversation %s, Genesys conversation %s, attempt %d", outcome,
                    job.conversationId(), genesysIdOf(job), job.attempts());
        } else {
            gaveUp(job, "lost-lease", "another instance took the job over");
        }
    }

    /** Ids and our own reasons only: never message text, tokens or the customer's subject. */
    private void gaveUp(EnrichmentJob job, String outcome, String reason) {
        metrics.outcome(outcome);
        LOG.warnf("enrichment %s (%s): conversation %s, Genesys conversation %s, attempt %d", outcome, reason,
                job.conversationId(), genesysIdOf(job), job.attempts());
    }

    private static String genesysIdOf(EnrichmentJob job) {
        return job.genesysConversationId() == null ? "unknown" : job.genesysConversationId();
    }

    private void retry(EnrichmentJob job, Duration delay, String reason) throws SQLException {
        metrics.retried(reason.replace(' ', '-'));
        jobs.reschedule(job, delay, reason);
    }

    private static Duration backoff(int attempts) {
        Duration delay = Duration.ofMillis(500L << Math.min(attempts, 10));
        return delay.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : delay;
    }
}
