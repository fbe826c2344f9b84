package io.carryover.sandbox;

import java.time.Instant;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The emulated Genesys Platform API endpoints: OAuth client credentials, message details, message conversations,
 * participant attributes, {@code users/me} and {@code organizations/me}, over the conversations {@link GuestSessions}
 * keeps (plus Platform-only ones the control API registers, with agent participants of its choosing). Called through
 * {@link PlatformPipeline}, which adds faults, auth, the rate limit and the request log. Thread-safe and non-blocking.
 */
@ApplicationScoped
public class SandboxPlatform {

    /** An agent's time on a conversation, as the control API adds it (a transfer, an earlier shift). */
    record AgentParticipation(String participantId, String userId, Instant connectedTime, Instant endTime) {
    }

    /** Body of POST conversations (control API): a Platform-only conversation and its agents. */
    public record ConversationRequest(String deploymentId, List<ParticipationRequest> agents) {
    }

    /**
     * One agent of it: a sandbox user key (bob, carol, sam, olga) or id, and when they joined and left;
     * {@code offeredOnly}: alerted but never answered (declined, missed), so no {@code connectedTime}.
     */
    public record ParticipationRequest(String user, Instant connectedTime, Instant endTime, Boolean offeredOnly) {
    }

    static final int MAX_REGISTERED = 10_000;

    private final GuestSessions sessions;
    private final PlatformTokens tokens;
    private final PlatformPipeline pipeline;
    private final ObjectMapper mapper;
    private final Map<String, SandboxConversation> registered = new ConcurrentHashMap<>();
    private final Map<String, List<AgentParticipation>> participations = new ConcurrentHashMap<>();

    SandboxPlatform(GuestSessions sessions, PlatformTokens tokens, PlatformPipeline pipeline, ObjectMapper mapper) {
        this.sessions = sessions;
        this.tokens = tokens;
        this.pipeline = pipeline;
        this.mapper = mapper;
    }

    /** POST oauth/token for a confidential client: Basic client credentials, grant_type=client_credentials. */
    public Response clientCredentials(String authorization, String grantType) {
        String clientId = tokens.basicClient(authorization);
        if (clientId == null) {
            return PlatformErrors.oauth(401, "invalid_client", "client authentication failed");
        }
        if (!"client_credentials".equals(grantType)) {
            return Response.status(400).entity(mapper.createObjectNode().put("error", "unsupported_grant_type"))
                    .type(MediaType.APPLICATION_JSON).build();
        }
        long lifetime = pipeline.settings().tokenLifetimeSeconds();
        ObjectNode answer = mapper.createObjectNode().put("access_token", tokens.issue(clientId, null, lifetime))
                .put("token_type", "bearer").put("expires_in", lifetime);
        return Response.ok(answer).type(MediaType.APPLICATION_JSON).build();
    }

    /** GET api/v2/users/me: the token's user; a client-credentials token has none. */
    public Response usersMe(PlatformTokens.Issued token, String expand) {
        if (token.userId() == null) {
            return PlatformErrors.error(400, "bad.request",
                    "This request requires a user context. Client credentials cannot be used for requests to this"
                            + " resource.");
        }
        SandboxUsers.User user = SandboxUsers.byId(token.userId()).orElseThrow();
        List<String> expanded = expand == null ? List.of() : List.of(expand.split(","));
        ObjectNode me = mapper.createObjectNode().put("id", user.id()).put("name", user.name())
                .put("email", user.email()).put("state", "active").put("username", user.email());
        if (expanded.contains("organization")) {
            organization(me.putObject("organization"), user.orgId());
        }
        if (expanded.contains("authorization")) {
            ArrayNode roles = me.putObject("authorization").putArray("roles");
            for (String role : user.roles()) {
                roles.addObject().put("id", UUID.nameUUIDFromBytes(role.getBytes()).toString()).put("name", role);
            }
        }
        me.put("selfUri", "/api/v2/users/" + user.id());
        return Response.ok(me).type(MediaType.APPLICATION_JSON).build();
    }

    /** GET api/v2/organizations/me: the org of the token's user, or of any client (all belong to the sandbox org). */
    public Response organizationsMe(PlatformTokens.Issued token) {
        String org = token.userId() == null ? SandboxUsers.ORG_ID
                : SandboxUsers.byId(token.userId()).map(SandboxUsers.User::orgId).orElse(SandboxUsers.ORG_ID);
        return Response.ok(organization(mapper.createObjectNode(), org)).type(MediaType.APPLICATION_JSON).build();
    }

    private static ObjectNode organization(ObjectNode node, String orgId) {
        return node.put("id", orgId)
                .put("name", SandboxUsers.ORG_ID.equals(orgId) ? SandboxUsers.ORG_NAME : "Another Org")
                .put("state", "active").put("selfUri", "/api/v2/organizations/" + orgId);
    }

    /** The conversation a message belongs to, whether or not its details are visible yet. */
    public Optional<String> conversationIdOfMessage(String messageId) {
        return sessions.conversationIdOfMessage(messageId);
    }

    /** GET api/v2/conversations/messages/{messageId}/details. */
    public Response details(String messageId) {
        long lag = pipeline.settings().detailsLagMs();
        Instant now = Instant.now();
        Optional<SandboxConversation> conversation = conversationIdOfMessage(messageId)
                .flatMap(this::conversationById);
        SandboxConversation.Message message = conversation.flatMap(c -> c.messages.stream()
                .filter(m -> m.id().equals(messageId)).findFirst()).orElse(null);
        if (message == null || !visible(message, lag, now)) {
            return PlatformErrors.error(404, "not.found", "Unable to find message with id " + messageId);
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
        return conversationById(conversationId)
                .map(c -> Response.ok(conversationJson(c, pipeline.settings().detailsLagMs(), false))
                        .type(MediaType.APPLICATION_JSON).build())
                .orElseGet(() -> PlatformErrors.error(404, "not.found",
                        "Unable to find conversation with id " + conversationId));
    }

    /**
     * PATCH .../participants/{participantId}/attributes: merges into the participant's attributes; a key whose
     * value is null or "" is removed. The body must be {"attributes": {string: string|null}}.
     */
    public Response patchAttributes(String conversationId, String participantId, JsonNode body) {
        JsonNode attributes = body == null ? null : body.get("attributes");
        if (attributes == null || !attributes.isObject()) {
            return PlatformErrors.error(400, "bad.request", "The request body must be {\"attributes\": {...}}");
        }
        Map<String, String> changes = new HashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = attributes.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().isEmpty() || !(e.getValue().isTextual() || e.getValue().isNull())) {
                return PlatformErrors.error(400, "bad.request", "Attribute values must be strings");
            }
            changes.put(e.getKey(), e.getValue().isNull() ? "" : e.getValue().asText());
        }
        SandboxConversation conversation = conversationById(conversationId).orElse(null);
        if (conversation == null) {
            return PlatformErrors.error(404, "not.found", "Unable to find conversation with id " + conversationId);
        }
        Map<String, String> target = participantAttributes(conversation, participantId);
        if (target == null) {
            return PlatformErrors.error(404, "not.found", "Unable to find participant with id " + participantId);
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
        return conversationById(conversationId).map(c -> conversationJson(c, 0, true));
    }

    /** Registers a Platform-only conversation (no guest) with the agents given; answers its agent view. */
    public ObjectNode register(ConversationRequest request) {
        if (registered.size() >= MAX_REGISTERED) {
            throw new SandboxApiException(409, "too many registered conversations");
        }
        SandboxConversation c = new SandboxConversation(
                request == null || request.deploymentId() == null ? "sandbox-registered" : request.deploymentId(),
                true);
        registered.put(c.id, c);
        if (request != null && request.agents() != null) {
            for (ParticipationRequest agent : request.agents()) {
                addAgent(c.id, agent);
            }
        }
        return conversationJson(c, 0, true);
    }

    /** Adds an agent participant to any conversation (e.g. a transfer); answers the agent view. */
    public ObjectNode addAgent(String conversationId, ParticipationRequest request) {
        SandboxConversation c = conversationById(conversationId)
                .orElseThrow(() -> new SandboxApiException(404, "unknown conversation"));
        if (request == null || request.user() == null) {
            throw new SandboxApiException(400, "user is required (bob, carol, sam, olga or a user id)");
        }
        SandboxUsers.User user = SandboxUsers.byKey(request.user()).or(() -> SandboxUsers.byId(request.user()))
                .orElseThrow(() -> new SandboxApiException(400, "unknown user " + request.user()));
        Instant connected = Boolean.TRUE.equals(request.offeredOnly()) ? null
                : request.connectedTime() == null ? Instant.now() : request.connectedTime();
        participations.computeIfAbsent(c.id, k -> new CopyOnWriteArrayList<>()).add(new AgentParticipation(
                UUID.randomUUID().toString(), user.id(), connected, request.endTime()));
        return conversationJson(c, 0, true);
    }

    /** A conversation of a guest session, or one the control API registered. */
    private Optional<SandboxConversation> conversationById(String conversationId) {
        return sessions.platformConversation(conversationId)
                .or(() -> Optional.ofNullable(registered.get(conversationId)));
    }

    private static Optional<Instant> firstOutbound(SandboxConversation c) {
        return c.messages.stream().filter(m -> "Outbound".equals(m.direction()) && "Text".equals(m.type()))
                .map(SandboxConversation.Message::time).findFirst();
    }

    private static Optional<Instant> lastMessage(SandboxConversation c) {
        return c.messages.stream().map(SandboxConversation.Message::time).reduce((a, b) -> b);
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

        if (agent || c.autoReplied) {
            // The simulated agent is Bob, a real sandbox user: joined with its first answer, gone at the end.
            ObjectNode agentNode = participants.addObject().put("id", c.agentParticipantId).put("purpose", "agent")
                    .put("state", state);
            agentNode.putObject("user").put("id", SandboxConversation.AGENT_USER_ID);
            agentNode.put("connectedTime", GuestFrames.channelTime(firstOutbound(c).orElse(c.startTime)));
            if (c.ended) {
                agentNode.put("endTime", GuestFrames.channelTime(lastMessage(c).orElse(c.startTime)));
            }
            agentNode.set("attributes", attributesJson(c.agentAttributes));
            agentNode.set("messages", messagesJson(c, "Outbound", lagMs, now));
        }
        for (AgentParticipation extra : participations.getOrDefault(c.id, List.of())) {
            ObjectNode extraNode = participants.addObject().put("id", extra.participantId()).put("purpose", "agent")
                    .put("state", extra.endTime() != null ? "disconnected"
                            : extra.connectedTime() == null ? "alerting" : "connected");
            extraNode.putObject("user").put("id", extra.userId());
            if (extra.connectedTime() != null) {
                extraNode.put("connectedTime", GuestFrames.channelTime(extra.connectedTime()));
            }
            if (extra.endTime() != null) {
                extraNode.put("endTime", GuestFrames.channelTime(extra.endTime()));
            }
            extraNode.putObject("attributes");
            extraNode.putArray("messages");
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

}
