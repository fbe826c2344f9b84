package io.carryover.enrich;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/**
 * Read model of {@code enrichment_job}, validated against the schema at start; the outbox itself claims and updates
 * rows with JDBC ({@link EnrichmentJobs}, {@code SKIP LOCKED}).
 */
@Entity
@Table(name = "enrichment_job")
public class EnrichmentJobRow extends PanacheEntityBase {
    @Id
    public UUID conversationId;
    public String firstMessageId;
    public Instant firstEchoAt;
    public String state;
    public String outcome;
    public int attempts;
    public Instant nextAttemptAt;
    public Instant lockedUntil;
    public Instant deadlineAt;
    public Instant createdAt;
    public Instant completedAt;
    public String lastError;
    public String patchedHash;

    /** What the History API and the demo show for this job. */
    public EnrichmentStatus status() {
        return EnrichmentStatus.of(state, outcome, lastError, attempts,
                "PENDING".equals(state) ? nextAttemptAt : completedAt);
    }
}
