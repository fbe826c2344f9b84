package io.carryover.archive;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/** Read model of {@code message}; order a conversation by {@code channelTime, id}. */
@Entity
@Table(name = "message")
public class Message extends PanacheEntityBase {
    @Id
    public Long id;
    public String genesysMessageId;
    public UUID conversationId;
    public String direction;
    public String messageType;
    public String eventType;
    public String text;
    public String senderName;
    public String originatingEntity;
    public Instant channelTime;
    public Instant receivedAt;
    @JdbcTypeCode(SqlTypes.JSON)
    @Column(columnDefinition = "jsonb")
    public String original;
}
