package io.carryover.enrich;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/**
 * Read model of {@code conversation_summary}: what was sent to the agent of a conversation, already redacted. Written
 * by {@link EnrichmentJobs#saveSummary} (JDBC) just before the PATCH, so whether it reached Genesys is the job's
 * outcome ({@code patched} or {@code unchanged}), not this row's existence.
 */
@Entity
@Table(name = "conversation_summary")
public class ConversationSummary extends PanacheEntityBase {
    @Id
    public UUID conversationId;
    public String headline;
    /** JSON array of {@link Summary.Line}: kind, text and the archived message ids it cites. */
    @JdbcTypeCode(SqlTypes.JSON)
    @Column(columnDefinition = "jsonb")
    public String lines;
    @JdbcTypeCode(SqlTypes.JSON)
    @Column(columnDefinition = "jsonb")
    public String attributes;
    public Instant createdAt;
}
