package io.carryover.enrich;

import java.time.Instant;
import java.util.Locale;

/**
 * What became of one conversation's enrichment, for the demo page and the history API. {@code value} is one of:
 * {@code pending} (waiting for its next attempt; {@code reason} says why it is not done yet, e.g. "not found yet"),
 * {@code throttled} (waiting for the Platform request budget or a Genesys Retry-After), a completed job's outcome
 * ({@code patched}, {@code unchanged}, {@code no-history}, {@code guest}, and whatever other outcomes the enricher
 * records, such as {@code conflict} or {@code no-platform}), {@code parked} (given up until an operator looks:
 * {@code reason} starts with {@code forbidden} or {@code not-found}) or {@code failed} ({@code reason} starts with
 * {@code deadline} or {@code rejected}). {@code at}: the next attempt while pending or throttled, else when the job
 * ended.
 */
public record EnrichmentStatus(String value, String reason, int attempts, Instant at) {

    /** Derived from the outbox row: state, outcome and last error. */
    static EnrichmentStatus of(String state, String outcome, String lastError, int attempts, Instant at) {
        return switch (state) {
            case "PENDING" -> "throttled".equals(lastError)
                    ? new EnrichmentStatus("throttled", null, attempts, at)
                    : new EnrichmentStatus("pending", lastError, attempts, at);
            case "DONE" -> new EnrichmentStatus(outcome, null, attempts, at);
            default -> new EnrichmentStatus(state.toLowerCase(Locale.ROOT),
                    lastError == null ? outcome : outcome + ": " + lastError, attempts, at);
        };
    }
}
