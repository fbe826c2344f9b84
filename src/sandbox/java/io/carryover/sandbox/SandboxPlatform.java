package io.carryover.sandbox;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.Deque;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.smallrye.mutiny.Uni;

/**
 * The emulated Genesys Platform API: OAuth client credentials, message details, message conversations and
 * participant attributes, over the conversations {@link GuestSessions} keeps. On top of the Genesys behaviour
 * it adds what makes a client's resilience testable: a per-token rate limit, scripted faults (status storms,
 * latency), a visibility lag for new messages, and a log of every request received. Thread-safe; nothing here
 * blocks, so the HTTP layer may call it on the event loop. Logs never contain tokens, secrets or message text.
 *
 * <p>Request pipeline: the first pending fault that targets the endpoint is consumed (its latency is waited
 * out with a timer, its status if any is the answer); then the bearer token is checked (401), then the
 * token's rate limit (429), then the endpoint itself. Like Genesys (PROTOCOL.md 5.5), the limit is counted per
 * access token, so every token issued starts with a window of its own. Injected faults, 401s and 429s do not
 * count against the rate limit; token requests never do (Genesys limits the login service separately).
 */
@ApplicationScoped
public class SandboxPlatform {

    /** The four emulated endpoints, named as fault injection targets them. */
    public enum Endpoint {
        TOKEN, DETAILS, CONVERSATION, ATTRIBUTES;

        static final Set<Endpoint> API = EnumSet.of(DETAILS, CONVERSATION, ATTRIBUTES);

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Runtime behaviour; starts at the configured defaults. */
    public record Settings(long detailsLagMs, int requestsPerMinute, long tokenLifetimeSeconds) {
    }

    /** Body of PUT settings: only the fields present change. */
    public record SettingsChange(Long detailsLagMs, Integer requestsPerMinute, Long tokenLifetimeSeconds) {
    }

    /** Body of POST faults. */
    public record FaultRequest(Integer status, Integer count, Long latencyMs, Integer retryAfterSeconds,
            String endpoint, String path) {
    }

    /** A pending fault as GET/POST faults show it; {@code remaining} counts down per request it hits. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record FaultView(Integer status, int remaining, long latencyMs, Integer retryAfterSeconds,
            List<String> endpoints, String path) {
    }

    /** One Platform API request as the request log keeps it; {@code body} only for PATCH. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record LoggedRequest(long time, String method, String path, String endpoint, int status,
            long durationMs, String clientId, String fault, JsonNode body) {
    }

    /** What the resource knows about a request before the pipeline runs. */
    public record Call(Endpoint endpoint, String method, String path, String authorization, JsonNode loggedBody) {
    }

    static final int LOG_CAPACITY = 10_000;
    static final int MAX_TOKENS = 10_000;
    static final long WINDOW_MS = 60_000;
    static final int MAX_LATENCY_MS = 120_000;

    private static final Logger LOG = Logger.getLogger(SandboxPlatform.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    /** An access token's client, expiry and rate-limit window (accepted API request times, ms; its own lock). */
    private record Issued(String clientId, long expiresAtMillis, Deque<Long> window) {
    }

    /** Mutable only under the faults lock. */
    private static final class Fault {
        final Integer status;
        final long latencyMs;
        final Integer retryAfterSeconds;
        final Set<Endpoint> endpoints;
        /** Only requests for exactly this raw path, when set (so a test's fault is not used up by other callers). */
        final String path;
        int remaining;

        Fault(Integer status, long latencyMs, Integer retryAfterSeconds, Set<Endpoint> endpoints, String path,
                int remaining) {
            this.status = status;
            this.latencyMs = latencyMs;
            this.retryAfterSeconds = retryAfterSeconds;
            this.endpoints = endpoints;
            this.path = path;
            this.remaining = remaining;
        }

        boolean hits(Call call) {
            return endpoints.contains(call.endpoint()) && (path == null || path.equals(call.path()));
        }

        FaultView view() {
            return new FaultView(status, remaining, latencyMs, retryAfterSeconds,
                    endpoints.stream().map(Endpoint::label).toList(), path);
        }

        String label() {
            return status != null ? "status " + status : "latency " + latencyMs + "ms";
        }
    }

    /** A Genesys-shaped error answer, thrown from inside the pipeline. */
    static final class PlatformError extends RuntimeException {
        final transient Response response;

        PlatformError(Response response) {
            super(null, null, false, false);
            this.response = response;
        }
    }

    private final GuestSessions sessions;
    private final ObjectMapper mapper;
    private final SandboxConfig.Platform config;

    private volatile Settings settings;
    private final Map<String, Issued> tokens = new ConcurrentHashMap<>();
    private final List<Fault> faults = new ArrayList<>();
    private final Deque<LoggedRequest> requestLog = new ArrayDeque<>();

    SandboxPlatform(GuestSessions sessions, ObjectMapper mapper, SandboxConfig config) {
        this.sessions = sessions;
        this.mapper = mapper;
        this.config = config.platform();
        this.settings = defaults();
    }

    // =====================================================================================
    // Pipeline

    /** Runs one Platform request through faults, auth, rate limit and {@code work}; logs the outcome. */
    public Uni<Response> serve(Call call, Function<String, Response> work) {
        long received = System.currentTimeMillis();
        Fault fault = takeFault(call);
        String[] clientId = new String[1];
        Uni<Void> start = Uni.createFrom().voidItem();
        if (fault != null && fault.latencyMs > 0) {
            start = start.onItem().delayIt().by(Duration.ofMillis(fault.latencyMs));
        }
        return start.map(ignored -> {
            Response response;
            try {
                if (fault != null && fault.status != null) {
                    response = injected(fault);
                } else if (call.endpoint() == Endpoint.TOKEN) {
                    response = work.apply(null);
                } else {
                    Issued issued = authenticate(call.authorization());
                    clientId[0] = issued.clientId();
                    admit(issued.window());
                    response = work.apply(clientId[0]);
                }
            } catch (PlatformError e) {
                response = e.response;
            } catch (RuntimeException e) {
                LOG.warnf("sandbox platform %s failed: %s", call.endpoint().label(), e.getClass().getName());
                response = error(500, "internal.server.error", "The sandbox failed to process the request");
            }
            log(new LoggedRequest(received, call.method(), call.path(), call.endpoint().label(),
                    response.getStatus(), System.currentTimeMillis() - received, clientId[0],
                    fault == null ? null : fault.label(), call.loggedBody()));
            return response;
        });
    }

    private Issued authenticate(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)
                || authorization.substring(7).isBlank()) {
            throw new PlatformError(error(401, "bad.credentials",
                    "No authentication bearer token specified in authorization header."));
        }
        Issued issued = tokens.get(authorization.substring(7).trim());
        if (issued == null || issued.expiresAtMillis() <= System.currentTimeMillis()) {
            throw new PlatformError(error(401, "bad.credentials", "Invalid login credentials."));
        }
        return issued;
    }

    /** Rolling-window limit per token; rejected requests are not counted, so honouring Retry-After works. */
    private void admit(Deque<Long> window) {
        int limit = settings.requestsPerMinute();
        long retryAfterMs;
        synchronized (window) {
            long now = System.currentTimeMillis();
            while (!window.isEmpty() && now - window.peekFirst() >= WINDOW_MS) {
                window.removeFirst();
            }
            if (window.size() < limit) {
                window.addLast(now);
                return;
            }
            // The slot frees when the request (size - limit + 1) places from the oldest leaves the window.
            Iterator<Long> oldest = window.iterator();
            long freeing = oldest.next();
            for (int i = 0; i < window.size() - limit; i++) {
                freeing = oldest.next();
            }
            retryAfterMs = freeing + WINDOW_MS - now;
        }
        long retryAfter = Math.max(1, (retryAfterMs + 999) / 1000);
        throw new PlatformError(error(429, "too.many.requests",
                "Rate limit exceeded the maximum. [" + limit + "] requests for [60] seconds", retryAfter));
    }

    private Response injected(Fault fault) {
        int status = fault.status;
        String code = switch (status) {
            case 400 -> "bad.request";
            case 401 -> "bad.credentials";
            case 403 -> "missing.any.permissions";
            case 404 -> "not.found";
            case 429 -> "too.many.requests";
            case 500 -> "internal.server.error";
            case 502 -> "bad.gateway";
            case 503 -> "service.unavailable";
            case 504 -> "gateway.timeout";
            default -> "sandbox.fault";
        };
        String message = status == 429 ? "Rate limit exceeded the maximum. (injected fault)"
                : "Injected fault: " + code;
        Integer retryAfter = fault.retryAfterSeconds != null ? fault.retryAfterSeconds : status == 429 ? 1 : null;
        return error(status, code, message, retryAfter == null ? null : retryAfter.longValue());
    }

    // =====================================================================================
    // Endpoints (called through serve)

    /** POST oauth/token: Basic client credentials, form body grant_type=client_credentials. */
    public Response token(String authorization, String contentType, String body) {
        String clientId = basicClient(authorization);
        if (clientId == null) {
            ObjectNode error = mapper.createObjectNode().put("error", "invalid_client")
                    .put("description", "client authentication failed")
                    .put("error_description", "client authentication failed");
            return Response.status(401).entity(error).type(MediaType.APPLICATION_JSON).build();
        }
        String grant = contentType != null && contentType.toLowerCase(Locale.ROOT)
                .startsWith(MediaType.APPLICATION_FORM_URLENCODED) ? formValue(body, "grant_type") : null;
        if (!"client_credentials".equals(grant)) {
            return Response.status(400).entity(mapper.createObjectNode().put("error", "unsupported_grant_type"))
                    .type(MediaType.APPLICATION_JSON).build();
        }
        long lifetime = settings.tokenLifetimeSeconds();
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        long now = System.currentTimeMillis();
        tokens.values().removeIf(t -> t.expiresAtMillis() <= now);
        while (tokens.size() >= MAX_TOKENS) {
            // Bounded: past the cap the token closest to expiry goes first.
            tokens.entrySet().stream().min(Map.Entry.comparingByValue(
                    Comparator.comparingLong(Issued::expiresAtMillis)))
                    .ifPresent(oldest -> tokens.remove(oldest.getKey()));
        }
        tokens.put(token, new Issued(clientId, now + lifetime * 1000, new ArrayDeque<>()));
        ObjectNode answer = mapper.createObjectNode().put("access_token", token).put("token_type", "bearer")
                .put("expires_in", lifetime);
        return Response.ok(answer).type(MediaType.APPLICATION_JSON).build();
    }

    /** GET api/v2/conversations/messages/{messageId}/details. */
    public Response details(String messageId) {
        long lag = settings.detailsLagMs();
        Instant now = Instant.now();
        Optional<SandboxConversation> conversation = sessions.conversationIdOfMessage(messageId)
                .flatMap(sessions::platformConversation);
        SandboxConversation.Message message = conversation.flatMap(c -> c.messages.stream()
                .filter(m -> m.id().equals(messageId)).findFirst()).orElse(null);
        if (message == null || !visible(message, lag, now)) {
            return error(404, "not.found", "Unable to find message with id " + messageId);
        }
        ObjectNode data = mapper.createObjectNode().put("id", message.id())
                .put("conversationId", conversation.get().id)
                .put("direction", message.direction().toLowerCase(Locale.ROOT))
                .put("messengerType", "webmessaging");
        if (message.text() != null) {
            data.put("textBody", message.text());
        }
        // Values of the official MessageData.status enum: what a guest sent was received, what an agent sent was sent.
        data.put("timestamp", GuestFrames.channelTime(message.time()))
                .put("status", "Inbound".equals(message.direction()) ? "received" : "sent");
        return Response.ok(data).type(MediaType.APPLICATION_JSON).build();
    }

    /** GET api/v2/conversations/messages/{conversationId}. */
    public Response conversation(String conversationId) {
        return sessions.platformConversation(conversationId)
                .map(c -> Response.ok(conversationJson(c, settings.detailsLagMs(), false))
                        .type(MediaType.APPLICATION_JSON).build())
                .orElseGet(() -> error(404, "not.found", "Unable to find conversation with id " + conversationId));
    }

    /**
     * PATCH .../participants/{participantId}/attributes: merges into the participant's attributes; a key whose
     * value is null or "" is removed. The body must be {"attributes": {string: string|null}}.
     */
    public Response patchAttributes(String conversationId, String participantId, JsonNode body) {
        JsonNode attributes = body == null ? null : body.get("attributes");
        if (attributes == null || !attributes.isObject()) {
            return error(400, "bad.request", "The request body must be {\"attributes\": {...}}");
        }
        Map<String, String> changes = new HashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = attributes.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().isEmpty() || !(e.getValue().isTextual() || e.getValue().isNull())) {
                return error(400, "bad.request", "Attribute values must be strings");
            }
            changes.put(e.getKey(), e.getValue().isNull() ? "" : e.getValue().asText());
        }
        SandboxConversation conversation = sessions.platformConversation(conversationId).orElse(null);
        if (conversation == null) {
            return error(404, "not.found", "Unable to find conversation with id " + conversationId);
        }
        Map<String, String> target = participantAttributes(conversation, participantId);
        if (target == null) {
            return error(404, "not.found", "Unable to find participant with id " + participantId);
        }
        synchronized (target) {
            changes.forEach((key, value) -> {
                if (value.isEmpty()) {
                    target.remove(key);
                } else {
                    target.put(key, value);
                }
            });
        }
        return Response.status(202).build();
    }

    // =====================================================================================
    // Control API

    /** The conversation as the agent's side sees it: every message, no lag, plus sandbox details. */
    public Optional<ObjectNode> agentView(String conversationId) {
        return sessions.platformConversation(conversationId).map(c -> conversationJson(c, 0, true));
    }

    public Settings settings() {
        return settings;
    }

    /** Applies the fields present; a new requestsPerMinute also empties the rate-limit windows. */
    public synchronized Settings changeSettings(SettingsChange change) {
        if (change == null) {
            return settings;
        }
        Settings current = settings;
        long lag = change.detailsLagMs() == null ? current.detailsLagMs() : change.detailsLagMs();
        int perMinute = change.requestsPerMinute() == null ? current.requestsPerMinute() : change.requestsPerMinute();
        long lifetime = change.tokenLifetimeSeconds() == null
                ? current.tokenLifetimeSeconds() : change.tokenLifetimeSeconds();
        if (lag < 0 || perMinute < 1 || lifetime < 0) {
            throw new SandboxApiException(400,
                    "detailsLagMs and tokenLifetimeSeconds must be >= 0, requestsPerMinute >= 1");
        }
        settings = new Settings(lag, perMinute, lifetime);
        if (change.requestsPerMinute() != null) {
            clearWindows();
        }
        return settings;
    }

    /** Back to the configured defaults, with empty rate-limit windows. Issued tokens stay valid. */
    public synchronized Settings resetSettings() {
        settings = defaults();
        clearWindows();
        return settings;
    }

    private void clearWindows() {
        for (Issued issued : tokens.values()) {
            synchronized (issued.window()) {
                issued.window().clear();
            }
        }
    }

    public List<FaultView> addFault(FaultRequest request) {
        if (request == null || (request.status() == null && request.latencyMs() == null)) {
            throw new SandboxApiException(400, "a fault needs a status, a latencyMs, or both");
        }
        if (request.status() != null && (request.status() < 400 || request.status() > 599)) {
            throw new SandboxApiException(400, "status must be 400-599");
        }
        long latency = request.latencyMs() == null ? 0 : request.latencyMs();
        if (latency < 0 || latency > MAX_LATENCY_MS) {
            throw new SandboxApiException(400, "latencyMs must be 0-" + MAX_LATENCY_MS);
        }
        int count = request.count() == null ? 1 : request.count();
        if (count < 1) {
            throw new SandboxApiException(400, "count must be >= 1");
        }
        if (request.retryAfterSeconds() != null && request.retryAfterSeconds() < 0) {
            throw new SandboxApiException(400, "retryAfterSeconds must be >= 0");
        }
        Set<Endpoint> endpoints = endpoints(request.endpoint());
        synchronized (faults) {
            faults.add(new Fault(request.status(), latency, request.retryAfterSeconds(), endpoints,
                    request.path() == null || request.path().isBlank() ? null : request.path(), count));
            return faultViews();
        }
    }

    public List<FaultView> faults() {
        synchronized (faults) {
            return faultViews();
        }
    }

    public void clearFaults() {
        synchronized (faults) {
            faults.clear();
        }
    }

    /** Logged requests received at or after {@code since} (epoch ms), oldest first. */
    public List<LoggedRequest> requests(long since) {
        synchronized (requestLog) {
            return requestLog.stream().filter(r -> r.time() >= since).toList();
        }
    }

    public void clearRequests() {
        synchronized (requestLog) {
            requestLog.clear();
        }
    }

    // =====================================================================================
    // helpers

    private Settings defaults() {
        return new Settings(config.detailsLag().toMillis(), config.requestsPerMinute(),
                config.tokenLifetime().toSeconds());
    }

    private Fault takeFault(Call call) {
        synchronized (faults) {
            for (Iterator<Fault> it = faults.iterator(); it.hasNext();) {
                Fault fault = it.next();
                if (fault.hits(call)) {
                    if (--fault.remaining <= 0) {
                        it.remove();
                    }
                    return fault;
                }
            }
            return null;
        }
    }

    private List<FaultView> faultViews() {
        return faults.stream().map(Fault::view).toList();
    }

    private static Set<Endpoint> endpoints(String name) {
        if (name == null || name.isBlank()) {
            return Endpoint.API;
        }
        if (name.equals("all")) {
            return EnumSet.allOf(Endpoint.class);
        }
        for (Endpoint endpoint : Endpoint.values()) {
            if (endpoint.label().equals(name)) {
                return EnumSet.of(endpoint);
            }
        }
        throw new SandboxApiException(400, "endpoint must be details, conversation, attributes, token or all");
    }

    private void log(LoggedRequest request) {
        synchronized (requestLog) {
            if (requestLog.size() >= LOG_CAPACITY) {
                requestLog.removeFirst();
            }
            requestLog.addLast(request);
        }
    }

    private static boolean visible(SandboxConversation.Message message, long lagMs, Instant now) {
        return !message.time().plusMillis(lagMs).isAfter(now);
    }

    private ObjectNode conversationJson(SandboxConversation c, long lagMs, boolean agentView) {
        Instant now = Instant.now();
        boolean agent = c.agentJoined;
        String state = c.ended ? "disconnected" : "connected";
        ObjectNode conversation = mapper.createObjectNode().put("id", c.id);
        if (agentView) {
            conversation.put("startTime", GuestFrames.channelTime(c.startTime)).put("ended", c.ended)
                    .put("deploymentId", c.deploymentId);
        }
        ArrayNode participants = conversation.putArray("participants");

        ObjectNode customer = participants.addObject().put("id", c.customerParticipantId)
                .put("purpose", "customer").put("state", state).put("authenticated", c.authenticated)
                .put("type", "webmessaging");
        customer.set("attributes", attributesJson(c.customerAttributes));
        customer.set("messages", messagesJson(c, "Inbound", lagMs, now));

        ObjectNode acd = participants.addObject().put("id", c.acdParticipantId).put("purpose", "acd")
                .put("state", agent || c.ended ? "disconnected" : "connected");
        acd.putObject("queue").put("id", SandboxConversation.QUEUE_ID);
        acd.set("attributes", attributesJson(c.acdAttributes));

        if (agent) {
            ObjectNode agentNode = participants.addObject().put("id", c.agentParticipantId).put("purpose", "agent")
                    .put("state", state);
            agentNode.putObject("user").put("id", SandboxConversation.AGENT_USER_ID);
            agentNode.set("attributes", attributesJson(c.agentAttributes));
            agentNode.set("messages", messagesJson(c, "Outbound", lagMs, now));
        }
        return conversation;
    }

    private ObjectNode attributesJson(Map<String, String> attributes) {
        Map<String, String> sorted;
        synchronized (attributes) {
            sorted = new TreeMap<>(attributes);
        }
        ObjectNode node = mapper.createObjectNode();
        sorted.forEach(node::put);
        return node;
    }

    private ArrayNode messagesJson(SandboxConversation c, String direction, long lagMs, Instant now) {
        ArrayNode messages = mapper.createArrayNode();
        for (SandboxConversation.Message m : c.messages) {
            if (m.direction().equals(direction) && visible(m, lagMs, now)) {
                messages.addObject().put("messageId", m.id());
            }
        }
        return messages;
    }

    /** The participant's attribute map, or null if there is no such participant (yet). */
    private static Map<String, String> participantAttributes(SandboxConversation c, String participantId) {
        if (participantId.equals(c.customerParticipantId)) {
            return c.customerAttributes;
        }
        if (participantId.equals(c.acdParticipantId)) {
            return c.acdAttributes;
        }
        if (participantId.equals(c.agentParticipantId) && c.agentJoined) {
            return c.agentAttributes;
        }
        return null;
    }

    /** The client id if the Basic credentials match a configured client, else null. */
    private String basicClient(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return null;
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(authorization.substring(6).trim()),
                    StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
        int colon = decoded.indexOf(':');
        if (colon < 0) {
            return null;
        }
        String id = decoded.substring(0, colon);
        String secret = decoded.substring(colon + 1);
        String expected = id.equals(config.clientId()) ? config.clientSecret() : config.additionalClients().get(id);
        return expected != null && MessageDigest.isEqual(secret.getBytes(StandardCharsets.UTF_8),
                expected.getBytes(StandardCharsets.UTF_8)) ? id : null;
    }

    private static String formValue(String body, String name) {
        if (body == null) {
            return null;
        }
        try {
            for (String pair : body.split("&")) {
                int eq = pair.indexOf('=');
                String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                if (key.equals(name)) {
                    return eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                }
            }
        } catch (IllegalArgumentException e) {
            // malformed %-escape: treated as no value
        }
        return null;
    }

    Response error(int status, String code, String message) {
        return error(status, code, message, null);
    }

    /** {"message","code","status","contextId","details":[],"errors":[]}, with Retry-After if given. */
    Response error(int status, String code, String message, Long retryAfterSeconds) {
        ObjectNode body = mapper.createObjectNode().put("message", message).put("code", code).put("status", status)
                .put("contextId", UUID.randomUUID().toString());
        body.putArray("details");
        body.putArray("errors");
        Response.ResponseBuilder response = Response.status(status).entity(body).type(MediaType.APPLICATION_JSON);
        if (retryAfterSeconds != null) {
            response.header("Retry-After", Long.toString(retryAfterSeconds));
        }
        return response.build();
    }
}
