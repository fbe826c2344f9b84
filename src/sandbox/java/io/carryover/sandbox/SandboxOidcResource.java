package io.carryover.sandbox;

import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/** HTTP face of {@link SandboxOidcIssuer}: discovery, JWKS, and a JSON token endpoint for tests. */
@Path("/sandbox/oidc")
@Produces(MediaType.APPLICATION_JSON)
public class SandboxOidcResource {

    private final SandboxOidcIssuer issuer;
    private final ObjectMapper mapper;

    SandboxOidcResource(SandboxOidcIssuer issuer, ObjectMapper mapper) {
        this.issuer = issuer;
        this.mapper = mapper;
    }

    @GET
    @Path(".well-known/openid-configuration")
    public Map<String, Object> discovery() {
        return issuer.discovery();
    }

    @GET
    @Path("jwks")
    public Map<String, Object> jwks() {
        return issuer.jwks();
    }

    /** Body {"sub", "aud"?, "expiresInSeconds"?, "issuer"?, "email"?, "name"?}; negative lifetimes mint expired tokens. */
    @POST
    @Path("token")
    @Consumes(MediaType.WILDCARD)
    public Response token(String body) {
        try {
            SandboxOidcIssuer.TokenRequest request = body == null || body.isBlank()
                    ? null
                    : mapper.readValue(body, SandboxOidcIssuer.TokenRequest.class);
            SandboxOidcIssuer.MintedToken minted = issuer.mint(request);
            Map<String, Object> response = new LinkedHashMap<>();
            response.put("access_token", minted.accessToken());
            response.put("token_type", "Bearer");
            response.put("expires_in", minted.expiresIn());
            return Response.ok(response).build();
        } catch (JsonProcessingException e) {
            return SandboxApiResource.error(new SandboxApiException(400, "body is not valid JSON"));
        } catch (SandboxApiException e) {
            return SandboxApiResource.error(e);
        }
    }
}
