package io.carryover.platform;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** {@code https://api.<domain>/api/v2}; one per region, wrapped by {@link RegionClient}. Raw responses: status and headers matter. */
@Path("/api/v2")
@Produces(MediaType.APPLICATION_JSON)
interface GenesysApiRestClient {

    @GET
    @Path("/conversations/messages/{messageId}/details")
    Response messageDetails(@HeaderParam("Authorization") String bearer, @PathParam("messageId") String messageId);

    @GET
    @Path("/conversations/messages/{conversationId}")
    Response messageConversation(@HeaderParam("Authorization") String bearer,
            @PathParam("conversationId") String conversationId);

    @GET
    @Path("/users/me")
    Response usersMe(@HeaderParam("Authorization") String bearer, @QueryParam("expand") String expand);

    @GET
    @Path("/organizations/me")
    Response organizationsMe(@HeaderParam("Authorization") String bearer);

    @PATCH
    @Path("/conversations/{conversationId}/participants/{participantId}/attributes")
    @Consumes(MediaType.APPLICATION_JSON)
    Response patchAttributes(@HeaderParam("Authorization") String bearer,
            @PathParam("conversationId") String conversationId, @PathParam("participantId") String participantId,
            PlatformTypes.ParticipantAttributes attributes);
}
