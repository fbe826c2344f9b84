package io.carryover.sandbox;

import java.util.Locale;
import java.util.Map;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;

import io.carryover.relay.QueryString;
import io.carryover.sandbox.PlatformPipeline.Call;
import io.carryover.sandbox.PlatformPipeline.Endpoint;
import io.smallrye.mutiny.Uni;

/**
 * HTTP face of the emulated Genesys: the login service at {@code /sandbox/platform/login} (client credentials, and
 * the agents' authorize page and code exchange) and the Platform API at {@code /sandbox/platform} (so
 * {@code /sandbox/platform/api/v2/...}), every API request through {@link PlatformPipeline}. Non-blocking: injected
 * latency is a timer, never a sleeping thread.
 */
@Path("/sandbox/platform")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.WILDCARD)
public class SandboxPlatformResource {

    private final PlatformPipeline pipeline;
    private final SandboxPlatform platform;
    private final SandboxAgentLogin login;
    private final ObjectMapper mapper;

    SandboxPlatformResource(PlatformPipeline pipeline, SandboxPlatform platform, SandboxAgentLogin login,
            ObjectMapper mapper) {
        this.pipeline = pipeline;
        this.platform = platform;
        this.login = login;
        this.mapper = mapper;
    }

    /** Client credentials (Basic) or an agent's authorization code (PKCE), by grant_type. */
    @POST
    @Path("login/oauth/token")
    public Uni<Response> token(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
            @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType, @HeaderParam("Origin") String origin,
            String body, @Context UriInfo uri) {
        Map<String, String> form = contentType != null && contentType.toLowerCase(Locale.ROOT)
                .startsWith(MediaType.APPLICATION_FORM_URLENCODED) ? QueryString.parameters(body) : Map.of();
        return pipeline.serve(call(Endpoint.TOKEN, "POST", uri, null, null, null), none -> {
            if ("authorization_code".equals(form.get("grant_type"))) {
                return login.exchange(form, origin);
            }
            return platform.clientCredentials(authorization, form.get("grant_type"));
        });
    }

    /** The agents' sign-in page (HTML, never framed). */
    @GET
    @Path("login/oauth/authorize")
    @Produces(MediaType.TEXT_HTML)
    public Response authorize(@QueryParam("client_id") String clientId,
            @QueryParam("response_type") String responseType, @QueryParam("redirect_uri") String redirectUri,
            @QueryParam("code_challenge") String challenge, @QueryParam("code_challenge_method") String method,
            @QueryParam("state") String state) {
        return login.authorize(clientId, responseType, redirectUri, challenge, method, state);
    }

    /** The sign-in page's form: the chosen user. */
    @POST
    @Path("login/oauth/authorize")
    @Produces(MediaType.TEXT_HTML)
    public Response choose(@HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType, String body) {
        Map<String, String> form = contentType != null && contentType.toLowerCase(Locale.ROOT)
                .startsWith(MediaType.APPLICATION_FORM_URLENCODED) ? QueryString.parameters(body) : Map.of();
        return login.choose(form.get("client_id"), form.get("redirect_uri"), form.get("code_challenge"),
                form.get("state"), form.get("user"));
    }

    @GET
    @Path("api/v2/users/me")
    public Uni<Response> usersMe(@QueryParam("expand") String expand,
            @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization, @Context UriInfo uri) {
        return pipeline.serve(call(Endpoint.USERS, "GET", uri, null, authorization, null),
                token -> platform.usersMe(token, expand));
    }

    @GET
    @Path("api/v2/organizations/me")
    public Uni<Response> organizationsMe(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
            @Context UriInfo uri) {
        return pipeline.serve(call(Endpoint.ORGANIZATION, "GET", uri, null, authorization, null),
                platform::organizationsMe);
    }

    @GET
    @Path("api/v2/conversations/messages/{messageId}/details")
    public Uni<Response> details(@PathParam("messageId") String messageId,
            @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization, @Context UriInfo uri) {
        return pipeline.serve(call(Endpoint.DETAILS, "GET", uri,
                platform.conversationIdOfMessage(messageId).orElse(null), authorization, null),
                token -> platform.details(messageId));
    }

    @GET
    @Path("api/v2/conversations/messages/{conversationId}")
    public Uni<Response> conversation(@PathParam("conversationId") String conversationId,
            @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization, @Context UriInfo uri) {
        return pipeline.serve(call(Endpoint.CONVERSATION, "GET", uri, conversationId, authorization, null),
                token -> platform.conversation(conversationId));
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
        return pipeline.serve(call(Endpoint.ATTRIBUTES, "PATCH", uri, conversationId, authorization, logged),
                token -> platform.patchAttributes(conversationId, participantId, parsed));
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

    private static Call call(Endpoint endpoint, String method, UriInfo uri, String conversationId,
            String authorization, JsonNode body) {
        return new Call(endpoint, method, uri.getRequestUri().getRawPath(), conversationId, authorization, body);
    }
}
