package io.carryover.sandbox;

import java.util.List;
import java.util.function.Supplier;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Control API of the emulated Platform API: scripted faults, runtime settings, the agent's view of a
 * conversation, and the log of Platform requests received. No authentication (sandbox only).
 */
@Path("/sandbox/api/platform")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.WILDCARD)
public class SandboxPlatformControlResource {

    private final PlatformPipeline pipeline;
    private final SandboxPlatform platform;
    private final SandboxAgentLogin login;
    private final ObjectMapper mapper;

    SandboxPlatformControlResource(PlatformPipeline pipeline, SandboxPlatform platform, SandboxAgentLogin login,
            ObjectMapper mapper) {
        this.pipeline = pipeline;
        this.platform = platform;
        this.login = login;
        this.mapper = mapper;
    }

    /** Queues a fault; answers the pending faults. */
    @POST
    @Path("faults")
    public Response addFault(String body) {
        return run(() -> pipeline.addFault(parse(body, PlatformPipeline.FaultRequest.class)));
    }

    @GET
    @Path("faults")
    public List<PlatformPipeline.FaultView> faults() {
        return pipeline.faults();
    }

    @DELETE
    @Path("faults")
    public Response clearFaults() {
        pipeline.clearFaults();
        return Response.noContent().build();
    }

    @GET
    @Path("settings")
    public PlatformPipeline.Settings settings() {
        return pipeline.settings();
    }

    @PUT
    @Path("settings")
    public Response changeSettings(String body) {
        return run(() -> pipeline.changeSettings(parse(body, PlatformPipeline.SettingsChange.class)));
    }

    @DELETE
    @Path("settings")
    public PlatformPipeline.Settings resetSettings() {
        return pipeline.resetSettings();
    }

    /** What the agent sees: participants with their attributes and every message id, no lag. */
    @GET
    @Path("conversations/{conversationId}")
    public Response conversation(@PathParam("conversationId") String conversationId) {
        return platform.agentView(conversationId)
                .map(view -> Response.ok(view).build())
                .orElseGet(() -> SandboxApiResource.error(new SandboxApiException(404, "unknown conversation")));
    }

    /**
     * A Platform-only conversation with agent participants of your choosing:
     * {@code {"agents":[{"user":"carol","connectedTime":"…","endTime":"…"}]}} ({@code "offeredOnly":true}:
     * alerted, never answered); answers its agent view.
     */
    @POST
    @Path("conversations")
    public Response register(String body) {
        return run(() -> platform.register(body == null || body.isBlank() ? null
                : parse(body, SandboxPlatform.ConversationRequest.class)));
    }

    /** Adds an agent participant to a conversation: {@code {"user":"sam","connectedTime":…,"endTime":…}}. */
    @POST
    @Path("conversations/{conversationId}/agents")
    public Response addAgent(@PathParam("conversationId") String conversationId, String body) {
        return run(() -> platform.addAgent(conversationId,
                parse(body, SandboxPlatform.ParticipationRequest.class)));
    }

    /**
     * An agent's access token without the browser sign-in, as the code exchange would give it:
     * {@code {"user":"bob"}} (bob, carol, sam or olga).
     */
    @POST
    @Path("agent-tokens")
    public Response agentToken(String body) {
        return run(() -> {
            AgentTokenRequest request = parse(body, AgentTokenRequest.class);
            SandboxUsers.User user = SandboxUsers.byKey(request.user() == null ? "" : request.user())
                    .orElseThrow(() -> new SandboxApiException(400, "user must be bob, carol, sam or olga"));
            return login.tokenAnswer(login.agentClientId(), user.id());
        });
    }

    /** Body of POST agent-tokens. */
    public record AgentTokenRequest(String user) {
    }

    @GET
    @Path("requests")
    public List<PlatformPipeline.LoggedRequest> requests(@QueryParam("since") Long since) {
        return pipeline.requests(since == null ? Long.MIN_VALUE : since);
    }

    @DELETE
    @Path("requests")
    public Response clearRequests() {
        pipeline.clearRequests();
        return Response.noContent().build();
    }

    private <T> T parse(String body, Class<T> type) {
        if (body == null || body.isBlank()) {
            throw new SandboxApiException(400, "a JSON body is required");
        }
        try {
            return mapper.readValue(body, type);
        } catch (JsonProcessingException e) {
            throw new SandboxApiException(400, "body is not valid JSON for this request");
        }
    }

    private static Response run(Supplier<Object> action) {
        try {
            return Response.ok(action.get()).build();
        } catch (SandboxApiException e) {
            return SandboxApiResource.error(e);
        }
    }
}
