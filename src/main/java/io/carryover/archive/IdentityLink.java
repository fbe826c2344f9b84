package io.carryover.archive;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/** Read model of {@code identity_link}: a guest conversation a customer took along at sign-in (ids only). */
@Entity
@Table(name = "identity_link")
public class IdentityLink extends PanacheEntityBase {
    @Id
    public Long id;
    public UUID conversationId;
    public UUID fromCustomerId;
    public UUID toCustomerId;
    public UUID fromSessionId;
    public UUID toSessionId;
    public Instant linkedAt;
}
