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

    private final SandboxPlatform platform;
    private final ObjectMapper mapper;

    SandboxPlatformControlResource(SandboxPlatform platform, ObjectMapper mapper) {
        this.platform = platform;
        this.mapper = mapper;
    }

    /** Queues a fault; answers the pending faults. */
    @POST
    @Path("faults")
    public Response addFault(String body) {
        return run(() -> platform.addFault(parse(body, SandboxPlatform.FaultRequest.class)));
    }

    @GET
    @Path("faults")
    public List<SandboxPlatform.FaultView> faults() {
        return platform.faults();
    }

    @DELETE
    @Path("faults")
    public Response clearFaults() {
        platform.clearFaults();
        return Response.noContent().build();
    }

    @GET
    @Path("settings")
    public SandboxPlatform.Settings settings() {
        return platform.settings();
    }

    @PUT
    @Path("settings")
    public Response changeSettings(String body) {
        return run(() -> platform.changeSettings(parse(body, SandboxPlatform.SettingsChange.class)));
    }

    @DELETE
    @Path("settings")
    public SandboxPlatform.Settings resetSettings() {
        return platform.resetSettings();
    }

    /** What the agent sees: participants with their attributes and every message id, no lag. */
    @GET
    @Path("conversations/{conversationId}")
    public Response conversation(@PathParam("conversationId") String conversationId) {
        return platform.agentView(conversationId)
                .map(view -> Response.ok(view).build())
                .orElseGet(() -> SandboxApiResource.error(new SandboxApiException(404, "unknown conversation")));
    }

    @GET
    @Path("requests")
    public List<SandboxPlatform.LoggedRequest> requests(@QueryParam("since") Long since) {
        return platform.requests(since == null ? Long.MIN_VALUE : since);
    }

    @DELETE
    @Path("requests")
    public Response clearRequests() {
        platform.clearRequests();
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
