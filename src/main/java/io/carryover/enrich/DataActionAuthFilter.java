package io.carryover.enrich;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.Provider;

/**
 * Basic authentication for the data action. Without configured credentials the endpoint refuses everyone: it serves
 * customer history and must never be open.
 */
@Provider
@DataActionSecured
@ApplicationScoped // created on first request, when runtime configuration is there (providers are built at startup)
class DataActionAuthFilter implements ContainerRequestFilter {

    private final EnrichConfig config;

    DataActionAuthFilter(EnrichConfig config) {
        this.config = config;
    }

    @Override
    public void filter(ContainerRequestContext request) {
        String header = request.getHeaderString(HttpHeaders.AUTHORIZATION);
        if (!authorized(header)) {
            request.abortWith(Response.status(Response.Status.UNAUTHORIZED)
                    .header(HttpHeaders.WWW_AUTHENTICATE, "Basic realm=\"carryover-data-action\"")
                    .entity("{\"error\":\"unauthorized\"}").type("application/json").build());
        }
    }

    private boolean authorized(String header) {
        var user = config.dataAction().username();
        var password = config.dataAction().password();
        if (user.isEmpty() || password.isEmpty() || header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
            return false;
        }
        byte[] presented;
        try {
            presented = Base64.getDecoder().decode(header.substring(6).trim());
        } catch (IllegalArgumentException e) {
            return false;
        }
        byte[] expected = (user.get() + ":" + password.get()).getBytes(StandardCharsets.UTF_8);
        return MessageDigest.isEqual(presented, expected);
    }
}
