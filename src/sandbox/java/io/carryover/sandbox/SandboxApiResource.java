package io.carryover.sandbox;

import java.util.Map;
import java.util.function.Supplier;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.smallrye.common.annotation.Blocking;

/**
 * Control API of the sandbox: plays the agent side of a guest's conversation and lets tests expire or
 * inspect a session. Every path names the guest token; unknown tokens answer 404 {"error": ...}.
 * Bodies are optional JSON, read by hand so that a bodiless POST (curl -X POST) works too.
 */
@Path("/sandbox/api/sessions/{token}")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.WILDCARD)
@Blocking
public class SandboxApiResource {

    /** Body of agent/join and agent/reply; everything optional except text for a reply. */
    public record AgentMessage(String text, String nickname, Boolean bot) {
        static final AgentMessage NONE = new AgentMessage(null, null, null);
    }

    private final GuestSessions sessions;
    private final SandboxAgent agent;
    private final ObjectMapper mapper;

    SandboxApiResource(GuestSessions sessions, SandboxAgent agent, ObjectMapper mapper) {
        this.sessions = sessions;
        this.agent = agent;
        this.mapper = mapper;
    }

    @GET
    public Response state(@PathParam("token") String token) {
        return sessions.view(token)
                .map(view -> Response.ok(view).build())
                .orElseGet(() -> error(SandboxApiException.unknownSession()));
    }

    @POST
    @Path("agent/join")
    public Response join(@PathParam("token") String token, String body) {
        return run(() -> delivered(agent.join(token, parse(body).nickname())));
    }

    @POST
    @Path("agent/reply")
    public Response reply(@PathParam("token") String token, String body) {
        return run(() -> {
            AgentMessage message = parse(body);
            boolean bot = Boolean.TRUE.equals(message.bot());
            return delivered(agent.reply(token, message.text(), message.nickname(), bot));
        });
    }

    @POST
    @Path("agent/typing")
    public Response typing(@PathParam("token") String token) {
        return run(() -> delivered(agent.typing(token)));
    }

    @POST
    @Path("agent/disconnect")
    public Response disconnect(@PathParam("token") String token) {
        return run(() -> delivered(agent.disconnect(token)));
    }

    @POST
    @Path("expire")
    public Response expire(@PathParam("token") String token) {
        return run(() -> Map.of("expired", true, "sockets", agent.expire(token)));
    }

    @POST
    @Path("replay")
    public Response replay(@PathParam("token") String token) {
        return run(() -> Map.of("replayed", agent.replay(token)));
    }

    private AgentMessage parse(String body) {
        if (body == null || body.isBlank()) {
            return AgentMessage.NONE;
        }
        try {
            AgentMessage message = mapper.readValue(body, AgentMessage.class);
            return message == null ? AgentMessage.NONE : message;
        } catch (JsonProcessingException e) {
            throw new SandboxApiException(400, "body is not valid JSON");
        }
    }

    private static Map<String, Object> delivered(SandboxAgent.Delivery delivery) {
        return Map.of("id", delivery.messageId(), "sockets", delivery.sockets());
    }

    private static Response run(Supplier<Object> action) {
        try {
            return Response.ok(action.get()).build();
        } catch (SandboxApiException e) {
            return error(e);
        }
    }

    static Response error(SandboxApiException e) {
        return Response.status(e.status()).entity(Map.of("error", e.getMessage()))
                .type(MediaType.APPLICATION_JSON).build();
    }
}
