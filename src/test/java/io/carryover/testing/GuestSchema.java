package io.carryover.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;

/**
 * Checks frames against Genesys' published guest-socket model ({@code ../shared/genesys/webmessaging-guest-schema.json},
 * a Swagger 2 file whose {@code definitions} are draft-4 JSON schemas).
 *
 * <pre>
 * GuestSchema.assertValidServerFrame(frame);   // anything the server (or the relay) sends a guest
 * GuestSchema.assertValidClientRequest(json);  // anything a guest sends
 * </pre>
 *
 * Two deliberate deviations from the file, both matching the real service and real clients:
 * <ul>
 * <li>{@code class:"string"} frames carry a plain-text body (BaseMessage declares body as an object);</li>
 * <li>{@code onMessage} requests may omit {@code time}, which SendMessageRequest lists as required but no
 * real client sends.</li>
 * </ul>
 */
public final class GuestSchema {

    /** Where the schema lives, relative to the project directory tests run in. */
    public static final Path SCHEMA_FILE = Path.of("..", "shared", "genesys", "webmessaging-guest-schema.json");

    /** Envelope class → body definition; StructuredMessage bodies must satisfy both listed definitions. */
    private static final Map<String, List<String>> BODY_DEFINITIONS = Map.ofEntries(
            Map.entry("SessionResponse", List.of("SessionResponse")),
            Map.entry("StructuredMessage", List.of("CleanMessage", "StructuredMessage")),
            Map.entry("PresignedUrlResponse", List.of("PresignedUrlResponse")),
            Map.entry("AttachmentDeletedResponse", List.of("AttachmentDeletedResponse")),
            Map.entry("UploadFailureEvent", List.of("UploadFailureEvent")),
            Map.entry("UploadSuccessEvent", List.of("UploadSuccessEvent")),
            Map.entry("ConnectionClosedEvent", List.of("ConnectionClosedEvent")),
            Map.entry("LogoutEvent", List.of("LogoutEvent")),
            Map.entry("SessionExpiredEvent", List.of("SessionExpiredEvent")),
            Map.entry("JwtResponse", List.of("JwtResponse")),
            Map.entry("GetConfigurationResponse", List.of("GetConfigurationResponse")),
            Map.entry("GenerateUrlError", List.of("GenerateUrlError")),
            Map.entry("TooManyRequestsErrorMessage", List.of("TooManyRequestsErrorMessage")),
            Map.entry("ResumeTokenResponse", List.of("ResumeTokenResponse")),
            Map.entry("SessionClearedEvent", List.of("SessionClearedEvent")),
            Map.entry("Error", List.of("ErrorMessage")));

    /** Request action → request definition. */
    private static final Map<String, String> REQUEST_DEFINITIONS = Map.of(
            "configureSession", "ConfigureSessionRequest",
            "configureAuthenticatedSession", "ConfigureAuthenticatedSessionRequest",
            "onMessage", "SendMessageRequest",
            "echo", "SendEchoRequest",
            "closeSession", "CloseSessionRequest",
            "getJwt", "GetJwtRequest",
            "getConfiguration", "GetConfigurationRequest",
            "onAttachment", "GenerateUploadUrlRequest",
            "getAttachment", "GenerateDownloadUrlRequest",
            "deleteAttachment", "DeleteAttachmentRequest");

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Map<String, JsonSchema> SCHEMAS = new ConcurrentHashMap<>();
    private static volatile JsonNode definitions;

    private GuestSchema() {
    }

    /** Fails unless {@code json} is a valid server → guest frame: envelope and class-specific body. */
    public static void assertValidServerFrame(String json) {
        JsonNode frame = parse(json);
        if (!frame.isObject()) {
            throw new AssertionError("frame is not a JSON object: " + json);
        }
        String dataClass = frame.path("class").asText(null);
        JsonNode body = frame.get("body");
        if ("string".equals(dataClass)) {
            // The real service sends error text here although BaseMessage declares an object.
            if (body == null || !body.isTextual()) {
                throw new AssertionError("class \"string\" frame must carry a text body: " + json);
            }
            ObjectNode envelope = ((ObjectNode) frame.deepCopy());
            envelope.set("body", MAPPER.createObjectNode());
            check("BaseMessage", envelope, json);
            return;
        }
        check("BaseMessage", frame, json);
        List<String> bodyDefinitions = BODY_DEFINITIONS.get(dataClass);
        if (bodyDefinitions == null) {
            throw new AssertionError("no body definition for class " + dataClass + ": " + json);
        }
        for (String definition : bodyDefinitions) {
            check(definition, body, json);
        }
    }

    /** Fails unless {@code json} is a valid guest → server request for its {@code action}. */
    public static void assertValidClientRequest(String json) {
        JsonNode request = parse(json);
        String action = request.path("action").asText(null);
        String definition = REQUEST_DEFINITIONS.get(action);
        if (definition == null) {
            throw new AssertionError("unknown or missing action " + action + ": " + json);
        }
        if (action.equals("onMessage") && !request.has("time")) {
            // Tolerated: the schema requires time, real clients never send it.
            request = ((ObjectNode) request.deepCopy()).put("time", "1970-01-01T00:00:00.000Z");
        }
        check(definition, request, json);
    }

    private static void check(String definition, JsonNode node, String original) {
        Set<ValidationMessage> errors = schema(definition).validate(node == null ? MAPPER.nullNode() : node);
        if (!errors.isEmpty()) {
            throw new AssertionError("not a valid " + definition + " " + errors + ": " + original);
        }
    }

    private static JsonSchema schema(String definition) {
        return SCHEMAS.computeIfAbsent(definition, name -> {
            JsonNode all = definitions();
            if (!all.has(name)) {
                throw new IllegalStateException("schema has no definition " + name);
            }
            // A root that points at one definition and carries all of them, so #/definitions/... refs resolve.
            ObjectNode root = MAPPER.createObjectNode();
            root.put("$schema", "http://json-schema.org/draft-04/schema#");
            root.put("$ref", "#/definitions/" + name);
            root.set("definitions", all);
            return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4).getSchema(root);
        });
    }

    private static JsonNode definitions() {
        JsonNode loaded = definitions;
        if (loaded == null) {
            synchronized (GuestSchema.class) {
                if (definitions == null) {
                    Path file = SCHEMA_FILE.toAbsolutePath().normalize();
                    if (!Files.isRegularFile(file)) {
                        throw new IllegalStateException("Genesys guest schema not found at " + file
                                + " (expected ../shared/genesys/webmessaging-guest-schema.json next to the project dir)");
                    }
                    try {
                        definitions = MAPPER.readTree(file.toFile()).get("definitions");
                    } catch (IOException e) {
                        throw new IllegalStateException("cannot read " + file, e);
                    }
                }
                loaded = definitions;
            }
        }
        return loaded;
    }

    private static JsonNode parse(String json) {
        try {
            return MAPPER.readTree(json);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + json, e);
        }
    }
}
