package io.carryover.enrich;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.carryover.platform.PlatformClient;
import io.carryover.platform.PlatformException;
import io.carryover.platform.PlatformTypes;
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

    private final PlatformClient platform;
    private final EnrichmentJobs jobs;
    private final HistoryReader history;
    private final SummaryService summaries;
    private final EnrichMetrics metrics;

    Enricher(PlatformClient platform, EnrichmentJobs jobs, HistoryReader history, SummaryService summaries,
            EnrichMetrics metrics) {
        this.platform = platform;
        this.jobs = jobs;
        this.history = history;
        this.summaries = summaries;
        this.metrics = metrics;
    }

    void process(EnrichmentJob job) throws SQLException {
        RegionClient platform = this.platform.forDeployment(job.deploymentId()).orElse(null);
        if (platform == null) {
            // The deployment's region has no OAuth client: nothing to correlate with, now or later.
            finish(job, "no-platform", null);
            return;
        }
        if (Instant.now().isAfter(job.deadlineAt())) {
            LOG.warnf("enrichment of conversation %s failed: deadline passed after %d attempts",
                    job.conversationId(), job.attempts() - 1);
            jobs.failed(job, "deadline", "deadline passed");
            metrics.outcome("deadline");
            return;
        }
        try {
            String conversationId = job.genesysConversationId();
            String participantId = job.genesysParticipantId();
            if (conversationId == null || participantId == null) {
                conversationId = platform.conversationIdOfMessage(job.firstMessageId());
                PlatformTypes.Participant customer = platform.messageConversation(conversationId).customer();
                if (customer == null) {
                    retry(job, Duration.ofMillis(500), "no customer participant yet");
                    return;
                }
                participantId = customer.id();
                jobs.correlated(job, conversationId, participantId);
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
            SummaryService.Prepared prepared = summaries.prepare(prior, job.conversationId());
            if (prepared.fingerprint().equals(job.patchedHash())) {
                finish(job, "unchanged", null);
                return;
            }
            jobs.saveSummary(job.conversationId(), prepared.summary().headline(),
                    SummaryService.json(prepared.summary().lines()), SummaryService.json(prepared.attributes()));
            platform.patchParticipantAttributes(conversationId, participantId, prepared.attributes());
            metrics.patched(Duration.between(job.firstEchoAt(), Instant.now()));
            finish(job, "patched", prepared.fingerprint());
        } catch (PlatformException.NotFound e) {
            // Message details can lag the echo by a moment.
            retry(job, Duration.ofMillis(Math.min(2000, 100L * job.attempts())), "not found yet");
        } catch (PlatformException.Throttled e) {
            retry(job, e.retryAfter(), "throttled");
        } catch (PlatformException.Unavailable e) {
            retry(job, backoff(job.attempts()), "unavailable");
        } catch (PlatformException.Rejected e) {
            LOG.errorf("enrichment of conversation %s failed: %s", job.conversationId(), e.getMessage());
            jobs.failed(job, "rejected", e.getMessage());
            metrics.outcome("rejected");
        }
    }

    private void finish(EnrichmentJob job, String outcome, String fingerprint) throws SQLException {
        metrics.outcome(jobs.done(job, outcome, fingerprint) ? outcome : "lost-lease");
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
