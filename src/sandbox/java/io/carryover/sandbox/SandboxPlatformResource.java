package io.carryover.sandbox;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;

import io.carryover.sandbox.SandboxPlatform.Call;
import io.carryover.sandbox.SandboxPlatform.Endpoint;
import io.smallrye.mutiny.Uni;

/**
 * HTTP face of {@link SandboxPlatform}: the Genesys login service at {@code /sandbox/platform/login} and the
 * Platform API at {@code /sandbox/platform} (so {@code /sandbox/platform/api/v2/...}). Non-blocking: injected
 * latency is a timer, never a sleeping thread.
 */
@Path("/sandbox/platform")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.WILDCARD)
public class SandboxPlatformResource {

    private final SandboxPlatform platform;
    private final ObjectMapper mapper;

    SandboxPlatformResource(SandboxPlatform platform, ObjectMapper mapper) {
        this.platform = platform;
        this.mapper = mapper;
    }

    @POST
    @Path("login/oauth/token")
    public Uni<Response> token(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
            @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType, String body, @Context UriInfo uri) {
        return platform.serve(call(Endpoint.TOKEN, "POST", uri, null, null),
                client -> platform.token(authorization, contentType, body));
    }

    @GET
    @Path("api/v2/conversations/messages/{messageId}/details")
    public Uni<Response> details(@PathParam("messageId") String messageId,
            @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization, @Context UriInfo uri) {
        return platform.serve(call(Endpoint.DETAILS, "GET", uri, authorization, null),
                client -> platform.details(messageId));
    }

    @GET
    @Path("api/v2/conversations/messages/{conversationId}")
    public Uni<Response> conversation(@PathParam("conversationId") String conversationId,
            @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization, @Context UriInfo uri) {
        return platform.serve(call(Endpoint.CONVERSATION, "GET", uri, authorization, null),
                client -> platform.conversation(conversationId));
    }

    /** The generic participant-attributes endpoint. */
    @PATCH
    @Path("api/v2/conversations/{conversationId}/participants/{participantId}/attributes")
    public Uni<Response> attributes(@PathParam("conversationId") String conversationId,
            @PathParam("participantId") String participantId,
            @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization, String body, @Context UriInfo uri) {
        return patch(conversationId, participantId, authorization, body, uri);
    }

    /** The messaging-specific variant of the same endpoint; same behaviour. */
    @PATCH
    @Path("api/v2/conversations/messages/{conversationId}/participants/{participantId}/attributes")
    public Uni<Response> messagingAttributes(@PathParam("conversationId") String conversationId,
            @PathParam("participantId") String participantId,
            @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization, String body, @Context UriInfo uri) {
        return patch(conversationId, participantId, authorization, body, uri);
    }

    private Uni<Response> patch(String conversationId, String participantId, String authorization, String body,
            UriInfo uri) {
        JsonNode parsed = parse(body);
        JsonNode logged = parsed != null ? parsed : body == null ? null : TextNode.valueOf(body);
        return platform.serve(call(Endpoint.ATTRIBUTES, "PATCH", uri, authorization, logged),
                client -> platform.patchAttributes(conversationId, participantId, parsed));
    }

    private JsonNode parse(String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        try {
            return mapper.readTree(body);
        } catch (Exception e) {
            return null;
        }
    }

    private static Call call(Endpoint endpoint, String method, UriInfo uri, String authorization, JsonNode body) {
        return new Call(endpoint, method, uri.getRequestUri().getRawPath(), authorization, body);
    }
}
