package io.carryover.sandbox;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Builds the frames the emulated Genesys guest socket sends, in the shapes of the published
 * web messaging schema: envelope {type, class, code, body, tracingId} around a class-specific body.
 */
@ApplicationScoped
public class GuestFrames {

    /** Genesys writes channel.time as UTC with exactly three fraction digits. */
    private static final DateTimeFormatter CHANNEL_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private final ObjectMapper mapper;
    private final SandboxConfig config;

    GuestFrames(ObjectMapper mapper, SandboxConfig config) {
        this.mapper = mapper;
        this.config = config;
    }

    // ---- ids and times

    /** Ids Genesys gives guest (Inbound) messages: dashed UUIDs. */
    static String inboundId() {
        return UUID.randomUUID().toString();
    }

    /** Ids Genesys gives agent/bot (Outbound) messages: 32 lowercase hex characters. */
    static String outboundId() {
        byte[] bytes = new byte[16];
        ThreadLocalRandom.current().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    static String channelTime(Instant instant) {
        return CHANNEL_TIME.format(instant);
    }

    // ---- envelopes

    /** A pushed frame (type "message", code 200). */
    String message(String dataClass, JsonNode body, String tracingId) {
        return envelope("message", dataClass, 200, body, tracingId);
    }

    /** A direct answer to a request (type "response", code 200). */
    String response(String dataClass, JsonNode body, String tracingId) {
        return envelope("response", dataClass, 200, body, tracingId);
    }

    /**
     * An error the way Genesys sends most of them: class "string" and a plain-text body. The schema's
     * BaseMessage declares body as an object, but the real service sends text here; clients expect it.
     */
    String error(int code, String text, String tracingId) {
        return envelope("response", "string", code, mapper.getNodeFactory().textNode(text), tracingId);
    }

    String tooManyRequests(String tracingId) {
        ObjectNode body = mapper.createObjectNode()
                .put("name", "TooManyRequests")
                .put("message", "Too many requests")
                .put("errorCode", 4029)
                .put("errorMessage", "Message rate too high for this session")
                .put("retryAfter", 1);
        return envelope("response", "TooManyRequestsErrorMessage", 429, body, tracingId);
    }

    private String envelope(String type, String dataClass, int code, JsonNode body, String tracingId) {
        ObjectNode frame = mapper.createObjectNode()
                .put("type", type)
                .put("class", dataClass)
                .put("code", code);
        frame.set("body", body);
        if (tracingId != null) {
            frame.put("tracingId", tracingId);
        }
        return write(frame);
    }

    // ---- bodies

    ObjectNode sessionResponse(boolean newSession, boolean readOnly) {
        ObjectNode body = mapper.createObjectNode()
                .put("connected", true)
                .put("newSession", newSession)
                .put("readOnly", readOnly)
                .put("clearedExistingSession", false)
                .put("maxCustomDataBytes", config.maxCustomDataBytes());
        body.set("allowedMedia", allowedMedia());
        body.set("blockedExtensions", blockedExtensions());
        return body;
    }

    ObjectNode disconnectedSessionResponse() {
        return mapper.createObjectNode().put("connected", false);
    }

    ObjectNode configuration() {
        ObjectNode body = mapper.createObjectNode();
        body.set("allowedMedia", allowedMedia());
        body.set("blockedExtensions", blockedExtensions());
        body.put("maxCustomDataBytes", config.maxCustomDataBytes());
        body.put("messageRoutingEnabled", true);
        return body;
    }

    ObjectNode empty() {
        return mapper.createObjectNode();
    }

    ObjectNode connectionClosed(String reasonCode) {
        ObjectNode body = mapper.createObjectNode();
        if (reasonCode != null) {
            body.put("reasonCode", reasonCode);
        }
        return body;
    }

    ObjectNode jwt(String jwt, long expEpochSeconds) {
        return mapper.createObjectNode().put("jwt", jwt).put("exp", expEpochSeconds);
    }

    /** The echo of a guest text, as every socket of the session receives it. */
    ObjectNode inboundText(String id, String text, Instant time) {
        ObjectNode body = mapper.createObjectNode()
                .put("id", id)
                .put("type", "Text")
                .put("direction", "Inbound")
                .put("text", text);
        body.set("channel", inboundChannel(id, time));
        body.set("metadata", mapper.createObjectNode().put("correlationId", UUID.randomUUID().toString()));
        return body;
    }

    /** The echo of a guest Presence event (autostart Join). */
    ObjectNode inboundPresence(String id, String presenceType, Instant time) {
        ObjectNode body = mapper.createObjectNode()
                .put("id", id)
                .put("type", "Event")
                .put("direction", "Inbound");
        body.set("channel", inboundChannel(id, time));
        body.set("events", mapper.createArrayNode().add(presenceEvent(presenceType)));
        body.set("metadata", mapper.createObjectNode().put("correlationId", UUID.randomUUID().toString()));
        return body;
    }

    /** Answer to the echo action: Genesys sends the text back as an Inbound Text. */
    ObjectNode echo(String text, Instant time) {
        ObjectNode body = mapper.createObjectNode()
                .put("type", "Text")
                .put("direction", "Inbound");
        if (text != null) {
            body.put("text", text);
        }
        body.put("id", inboundId());
        body.set("channel", mapper.createObjectNode().put("time", channelTime(time)));
        return body;
    }

    ObjectNode outboundText(String id, String text, String nickname, boolean bot, Instant time) {
        ObjectNode body = mapper.createObjectNode()
                .put("id", id)
                .put("type", "Text")
                .put("direction", "Outbound")
                .put("text", text)
                .put("originatingEntity", bot ? "Bot" : "Human");
        ObjectNode channel = mapper.createObjectNode()
                .put("time", channelTime(time))
                .put("type", "Private");
        channel.set("from", mapper.createObjectNode().put("nickname", nickname));
        body.set("channel", channel);
        return body;
    }

    ObjectNode outboundPresence(String id, String presenceType, String nickname, boolean readOnly, Instant time) {
        ObjectNode body = mapper.createObjectNode()
                .put("id", id)
                .put("type", "Event")
                .put("direction", "Outbound");
        body.set("events", mapper.createArrayNode().add(presenceEvent(presenceType)));
        ObjectNode channel = mapper.createObjectNode().put("time", channelTime(time));
        if (nickname != null) {
            channel.set("from", mapper.createObjectNode().put("nickname", nickname));
        }
        body.set("channel", channel);
        if (readOnly) {
            // Clients switch to read-only mode on this flag, not on the Disconnect itself.
            body.set("metadata", mapper.createObjectNode().put("readOnly", "true"));
        }
        return body;
    }

    ObjectNode outboundTyping(String id, Instant time) {
        ObjectNode typing = mapper.createObjectNode().put("type", "On").put("duration", 5000);
        ObjectNode event = mapper.createObjectNode().put("eventType", "Typing");
        event.set("typing", typing);
        ObjectNode body = mapper.createObjectNode()
                .put("id", id)
                .put("type", "Event")
                .put("direction", "Outbound");
        body.set("events", mapper.createArrayNode().add(event));
        body.set("channel", mapper.createObjectNode().put("time", channelTime(time)));
        return body;
    }

    private ObjectNode presenceEvent(String presenceType) {
        ObjectNode event = mapper.createObjectNode().put("eventType", "Presence");
        event.set("presence", mapper.createObjectNode().put("type", presenceType));
        return event;
    }

    private ObjectNode inboundChannel(String id, Instant time) {
        return mapper.createObjectNode().put("time", channelTime(time)).put("messageId", id);
    }

    private ObjectNode allowedMedia() {
        ObjectNode inbound = mapper.createObjectNode();
        inbound.set("fileTypes", mapper.createArrayNode()
                .add(mapper.createObjectNode().put("type", "image/png"))
                .add(mapper.createObjectNode().put("type", "image/jpeg"))
                .add(mapper.createObjectNode().put("type", "application/pdf")));
        inbound.put("maxFileSizeKB", 10240);
        ObjectNode media = mapper.createObjectNode();
        media.set("inbound", inbound);
        return media;
    }

    private JsonNode blockedExtensions() {
        return mapper.createArrayNode().add(".exe").add(".bat").add(".js");
    }

    String write(JsonNode node) {
        try {
            return mapper.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise a sandbox frame", e);
        }
    }
}
