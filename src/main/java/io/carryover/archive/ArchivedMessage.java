package io.carryover.archive;

import java.time.Instant;

/** One message or event as it is stored; {@code original} is the frame exactly as Genesys sent it. */
public record ArchivedMessage(String genesysMessageId, String direction, String messageType, String eventType,
        String text, String senderName, String originatingEntity, Instant channelTime, Instant receivedAt,
        String original) {
}
