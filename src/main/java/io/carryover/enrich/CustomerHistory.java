package io.carryover.enrich;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** What a summarizer may read: a customer's prior conversations, newest first, each with its messages in order. */
public record CustomerHistory(List<PriorConversation> conversations) {

    public record PriorConversation(UUID id, Instant startedAt, Instant endedAt, String state,
            List<PriorMessage> messages) {
    }

    /**
     * @param id        the archived message id ({@code message.id}), which summary lines cite
     * @param direction Inbound (customer) or Outbound (agent, bot, system)
     * @param eventType e.g. {@code Presence:Join}, {@code Presence:Disconnect}; null for text
     */
    public record PriorMessage(long id, String direction, String type, String eventType, String text,
            String senderName, String originatingEntity, Instant at) {
    }
}
