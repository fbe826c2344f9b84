package io.carryover.protocol;

import java.io.IOException;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Iterator;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * Pure parsing of Genesys Web Messaging guest frames (see PROTOCOL.md §1-2 and the published guest schema).
 * No I/O and no state: the archive's session tracker decides what the events mean for a conversation.
 */
public final class GuestProtocol {

    private static final ObjectMapper JSON = new ObjectMapper();
    /**
     * For security decisions: a frame another parser could read differently (a key twice, trailing content) is not
     * readable at all.
     */
    private static final ObjectMapper STRICT = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private GuestProtocol() {
    }

    /**
     * The {@code action} of a client request as any JSON parser reads it (escapes resolved), or null if it has none.
     * Fails on anything a parser might read another way: invalid JSON, duplicate keys at any depth, trailing content.
     */
    public static String strictAction(String frame) throws MalformedFrameException {
        JsonNode root;
        try {
            root = STRICT.readTree(frame);
        } catch (JsonProcessingException e) {
            throw new MalformedFrameException("not strictly readable JSON");
        }
        return action(root);
    }

    /** {@link #strictAction(String)} on a frame's UTF-8 bytes as received. */
    public static String strictAction(byte[] frame) throws MalformedFrameException {
        if (readAsAnotherEncoding(frame)) {
            throw new MalformedFrameException("not strictly readable JSON");
        }
        JsonNode root;
        try {
            root = STRICT.readTree(frame);
        } catch (IOException e) {
            throw new MalformedFrameException("not strictly readable JSON");
        }
        return action(root);
    }

    /**
     * Whether Jackson's byte reading would not read these bytes as plain UTF-8: it skips a UTF-8 BOM and guesses
     * UTF-16/32 from zero bytes among the first four (or a UTF-16 BOM). The frame is UTF-8 text, where none of these
     * starts JSON, so the text reading refuses them; the byte reading must too.
     */
    private static boolean readAsAnotherEncoding(byte[] frame) {
        if (frame.length > 0 && (frame[0] == (byte) 0xEF || frame[0] == (byte) 0xFE || frame[0] == (byte) 0xFF)) {
            return true;
        }
        for (int i = 0; i < Math.min(4, frame.length); i++) {
            if (frame[i] == 0) {
                return true;
            }
        }
        return false;
    }

    private static String action(JsonNode root) throws MalformedFrameException {
        if (root == null || !root.isObject()) {
            throw new MalformedFrameException("not a JSON object");
        }
        JsonNode action = root.get("action");
        if (action != null && !action.isTextual()) {
            throw new MalformedFrameException("action is not a string");
        }
        return action == null ? null : action.asText();
    }

    /**
     * Whether a frame's UTF-8 bytes may carry {@code word} (ASCII) anywhere once JSON escapes are resolved: it does
     * when it contains the word or any backslash. Frames without either need no parse to rule it out.
     */
    public static boolean mayContain(byte[] frame, String word) {
        for (int i = 0; i < frame.length; i++) {
            if (frame[i] == '\\' || startsWith(frame, i, word)) {
                return true;
            }
        }
        return false;
    }

    private static boolean startsWith(byte[] frame, int at, String ascii) {
        if (at + ascii.length() > frame.length) {
            return false;
        }
        for (int j = 0; j < ascii.length(); j++) {
            if (frame[at + j] != ascii.charAt(j)) {
                return false;
            }
        }
        return true;
    }

    public static ClientRequest parseClient(String frame) throws MalformedFrameException {
        JsonNode root = readObject(frame);
        String action = text(root, "action");
        if (action == null) {
            throw new MalformedFrameException("request without action");
        }
        return switch (action) {
            case "configureSession", "configureAuthenticatedSession" -> {
                String token = text(root, "token");
                if (token == null || token.isEmpty()) {
                    throw new MalformedFrameException(action + " without token");
                }
                yield new ClientRequest.Configure(token, text(root, "deploymentId"),
                        action.equals("configureAuthenticatedSession"), root.path("startNew").asBoolean(false));
            }
            default -> new ClientRequest.Other(action);
        };
    }

    public static ServerEvent parseServer(String frame) throws MalformedFrameException {
        JsonNode root = readObject(frame);
        String frameClass = text(root, "class");
        if (frameClass == null) {
            throw new MalformedFrameException("frame without class");
        }
        int code = root.path("code").asInt(200);
        if (code != 200) {
            return new ServerEvent.Error(code, frameClass);
        }
        JsonNode body = root.path("body");
        return switch (frameClass) {
            case "SessionResponse" -> new ServerEvent.SessionResponse(body.path("connected").asBoolean(false),
                    body.path("newSession").asBoolean(false), body.path("readOnly").asBoolean(false));
            case "StructuredMessage" -> "message".equals(text(root, "type"))
                    ? message(body, frame)
                    : new ServerEvent.Ignored(frameClass);
            case "SessionExpiredEvent" -> new ServerEvent.SessionNotice(ServerEvent.SessionNotice.Kind.SESSION_EXPIRED, frame);
            case "SessionClearedEvent" -> new ServerEvent.SessionNotice(ServerEvent.SessionNotice.Kind.SESSION_CLEARED, frame);
            case "ConnectionClosedEvent" -> new ServerEvent.SessionNotice(ServerEvent.SessionNotice.Kind.CONNECTION_CLOSED, frame);
            case "LogoutEvent" -> new ServerEvent.SessionNotice(ServerEvent.SessionNotice.Kind.LOGOUT, frame);
            case "TooManyRequestsErrorMessage", "Error", "GenerateUrlError" -> new ServerEvent.Error(code, frameClass);
            default -> new ServerEvent.Ignored(frameClass);
        };
    }

    private static ServerEvent.Message message(JsonNode body, String frame) throws MalformedFrameException {
        if (!body.isObject()) {
            throw new MalformedFrameException("StructuredMessage without body");
        }
        JsonNode channel = body.path("channel");
        String eventType = null;
        String presenceType = null;
        Iterator<JsonNode> events = body.path("events").elements();
        if (events.hasNext()) {
            JsonNode event = events.next();
            eventType = text(event, "eventType");
            presenceType = event.path("presence").path("type").asText(null);
        }
        boolean readOnlyDisconnect = "Disconnect".equals(presenceType)
                && "true".equalsIgnoreCase(body.path("metadata").path("readOnly").asText(""));
        return new ServerEvent.Message(
                text(body, "id"),
                text(body, "type"),
                text(body, "direction"),
                text(body, "text"),
                presenceType != null ? eventType + ":" + presenceType : eventType,
                senderName(channel.path("from")),
                text(body, "originatingEntity"),
                time(channel.path("time").asText(null)),
                readOnlyDisconnect,
                frame);
    }

    private static String senderName(JsonNode from) {
        String nickname = text(from, "nickname");
        if (nickname != null && !nickname.isBlank()) {
            return nickname;
        }
        String first = text(from, "firstName");
        String last = text(from, "lastName");
        if (first == null && last == null) {
            return null;
        }
        return ((first == null ? "" : first) + " " + (last == null ? "" : last)).trim();
    }

    /**
     * A message's {@code channel.time}, as {@link Instant#parse} reads it, or null. Genesys sends UTC with a fraction
     * ({@code 2026-12-07T18:00:00.123Z}); that shape is read directly, as {@code Instant.parse} allocates about 1.8 KB
     * per call (a third of the archive's garbage per frame). Any other shape goes to {@code Instant.parse}.
     */
    static Instant time(String value) {
        if (value == null) {
            return null;
        }
        Instant plain = plainUtc(value);
        if (plain != null) {
            return plain;
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** {@code yyyy-MM-ddTHH:mm:ss[.f{1,9}]Z} with ASCII digits and a valid date and time, else null. */
    private static Instant plainUtc(String value) {
        int length = value.length();
        if (length < 20 || length > 30 || value.charAt(4) != '-' || value.charAt(7) != '-' || value.charAt(10) != 'T'
                || value.charAt(13) != ':' || value.charAt(16) != ':' || value.charAt(length - 1) != 'Z') {
            return null;
        }
        int year = digits(value, 0, 4);
        int month = digits(value, 5, 7);
        int day = digits(value, 8, 10);
        int hour = digits(value, 11, 13);
        int minute = digits(value, 14, 16);
        int second = digits(value, 17, 19);
        int nanos = 0;
        if (length > 20) {
            int fraction = length - 21;
            if (value.charAt(19) != '.' || fraction < 1 || fraction > 9) {
                return null;
            }
            nanos = digits(value, 20, length - 1);
            for (int i = fraction; i < 9 && nanos >= 0; i++) {
                nanos *= 10;
            }
        }
        if (year < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59
                || second < 0 || second > 59 || nanos < 0) {
            return null; // a leap second (60) and the rest are Instant.parse's to judge
        }
        long days;
        try {
            days = LocalDate.of(year, month, day).toEpochDay();
        } catch (DateTimeException e) {
            return null;
        }
        return Instant.ofEpochSecond(days * 86_400 + hour * 3_600L + minute * 60L + second, nanos);
    }

    /** The ASCII digits in [from, to) as a number, or -1 if any is not one. */
    private static int digits(String value, int from, int to) {
        int number = 0;
        for (int i = from; i < to; i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            number = number * 10 + (c - '0');
        }
        return number;
    }

    private static JsonNode readObject(String frame) throws MalformedFrameException {
        JsonNode root;
        try {
            root = JSON.readTree(frame);
        } catch (JsonProcessingException e) {
            throw new MalformedFrameException("not JSON");
        }
        if (root == null || !root.isObject()) {
            throw new MalformedFrameException("not a JSON object");
        }
        return root;
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value != null && value.isTextual() ? value.asText() : null;
    }
}
