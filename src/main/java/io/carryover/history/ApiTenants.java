package io.carryover.history;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.carryover.identity.IdentityConfig;
import io.quarkus.oidc.OidcRequestContext;
import io.quarkus.oidc.OidcTenantConfig;
import io.quarkus.oidc.TenantConfigResolver;
import io.quarkus.oidc.runtime.OidcTenantConfig.ApplicationType;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;

/**
 * Picks the OIDC tenant (Quarkus OIDC verifies the token against it) from the bearer token's unverified {@code iss}
 * and {@code aud}: one tenant per configured service issuer ({@code service:<name>}) and per customer issuer trusted
 * for the relay ({@code customer:<name>}). A token that matches none, or more than one, gets no tenant and is
 * refused (the default tenant is disabled).
 */
@ApplicationScoped
class ApiTenants implements TenantConfigResolver {

    static final String SERVICE = "service:";
    static final String CUSTOMER = "customer:";

    private static final ObjectMapper JSON = new ObjectMapper();

    private record Tenant(String issuer, String audience, OidcTenantConfig config) {
    }

    private final List<Tenant> tenants = new ArrayList<>();

    ApiTenants(HistoryConfig history, IdentityConfig identity) {
        int skew = (int) identity.clockSkew().toSeconds();
        history.serviceIssuers().forEach((name, i) -> tenants.add(new Tenant(i.issuer(), i.audience(),
                config(SERVICE + name, i.issuer(), i.jwksUrl(), i.audience(), skew, history.rolesClaim()))));
        // Customer tokens carry no roles Carryover reads: ApiIdentities gives them exactly one, "customer".
        identity.issuers().forEach((name, i) -> tenants.add(new Tenant(i.issuer(), i.audience(),
                config(CUSTOMER + name, i.issuer(), i.jwksUrl(), i.audience(), skew, "urn:carryover:no-roles"))));
        for (Tenant a : tenants) {
            for (Tenant b : tenants) {
                if (a != b && a.issuer().equals(b.issuer()) && a.audience().equals(b.audience())) {
                    throw new IllegalStateException("issuer " + a.issuer() + " with audience " + a.audience()
                            + " is configured twice (a service issuer and a customer issuer need distinct audiences)");
                }
            }
        }
    }

    /** Created at start, so a configuration that cannot tell service tokens from customer tokens stops the start. */
    void validateAtStart(@Observes StartupEvent event) {
        // construction did the check
    }

    @Override
    public Uni<OidcTenantConfig> resolve(RoutingContext context, OidcRequestContext<OidcTenantConfig> request) {
        return Uni.createFrom().item(tenantFor(context.request().getHeader(HttpHeaders.AUTHORIZATION)).orElse(null));
    }

    Optional<OidcTenantConfig> tenantFor(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Optional.empty();
        }
        JsonNode claims = unverifiedClaims(authorization.substring(7).trim());
        if (claims == null || !claims.path("iss").isTextual()) {
            return Optional.empty();
        }
        String issuer = claims.get("iss").asText();
        List<String> audiences = audiences(claims.get("aud"));
        List<Tenant> matches = tenants.stream()
                .filter(t -> t.issuer().equals(issuer) && audiences.contains(t.audience())).toList();
        return matches.size() == 1 ? Optional.of(matches.get(0).config()) : Optional.empty();
    }

    private static OidcTenantConfig config(String tenantId, String issuer, String jwksUrl, String audience,
            int skew, String rolesClaim) {
        return OidcTenantConfig.authServerUrl(issuer)
                .tenantId(tenantId)
                .applicationType(ApplicationType.SERVICE)
                .discoveryEnabled(false)
                .jwksPath(jwksUrl)
                .token().issuer(issuer).audience(audience).lifespanGrace(skew).subjectRequired().end()
                .roles().roleClaimPath(rolesClaim).end()
                .build();
    }

    private static List<String> audiences(JsonNode aud) {
        if (aud == null) {
            return List.of();
        }
        if (aud.isTextual()) {
            return List.of(aud.asText());
        }
        List<String> out = new ArrayList<>();
        aud.forEach(a -> {
            if (a.isTextual()) {
                out.add(a.asText());
            }
        });
        return out;
    }

    /** Read only to choose the tenant whose keys must then verify the whole token. */
    private static JsonNode unverifiedClaims(String token) {
        String[] parts = token.split("\\.", -1);
        if (parts.length != 3) {
            return null;
        }
        try {
            return JSON.readTree(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
        } catch (Exception e) {
            return null;
        }
    }
}
