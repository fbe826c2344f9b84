package io.carryover.archive;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/** Read model of {@code conversation}: Carryover's id, and Genesys's once it is known. */
@Entity
@Table(name = "conversation")
public class Conversation extends PanacheEntityBase {
    @Id
    public UUID id;
    public String genesysConversationId;
    /** The customer participant on the Genesys conversation, learned with the conversation id by correlation. */
    public String genesysParticipantId;
    public String deploymentId;
    public UUID customerId;
    public UUID sessionId;
    public Instant startedAt;
    public Instant endedAt;
    @Enumerated(EnumType.STRING)
    public ConversationState state;
}
