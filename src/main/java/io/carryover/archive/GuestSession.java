package io.carryover.archive;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/**
 * Read model of {@code guest_session}: one archive thread per deployment, hashed thread token and customer (a token
 * that several customers used has one thread each).
 */
@Entity
@Table(name = "guest_session")
public class GuestSession extends PanacheEntityBase {
    @Id
    public UUID id;
    public String deploymentId;
    @Column(columnDefinition = "bpchar(64)")
    public String tokenHash;
    public UUID customerId;
    public UUID currentConversationId;
    public Instant createdAt;
    public Instant lastSeenAt;
}
