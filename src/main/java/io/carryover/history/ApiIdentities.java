package io.carryover.history;

import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.json.JsonArray;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

import org.eclipse.microprofile.jwt.JsonWebToken;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.carryover.identity.CustomerKey;
import io.quarkus.oidc.runtime.OidcUtils;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.SecurityIdentityAugmentor;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;

/**
 * Turns a verified OIDC token into a History API caller. Customer tokens get exactly the role {@code customer} and
 * their own customer key, whatever they claim; service tokens keep only History API roles from the roles claim and
 * the deployments they are limited to.
 */
@ApplicationScoped
class ApiIdentities implements SecurityIdentityAugmentor {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final Set<String> SERVICE_ROLES = Set.of(Roles.READ, Roles.SEARCH, Roles.SEARCH_ALL, Roles.EXPORT,
            Roles.ERASE, Roles.AUDIT);

    private final HistoryConfig config;

    ApiIdentities(HistoryConfig config) {
        this.config = config;
    }

    @Override
    public Uni<SecurityIdentity> augment(SecurityIdentity identity, AuthenticationRequestContext context) {
        String tenant = identity.getAttribute(OidcUtils.TENANT_ID_ATTRIBUTE);
        if (identity.isAnonymous() || tenant == null || !(identity.getPrincipal() instanceof JsonWebToken jwt)) {
            return Uni.createFrom().item(identity);
        }
        if (jwt.getSubject() == null || jwt.getSubject().isBlank()) {
            // Quarkus OIDC's subject-required accepts "", which names no one: no customer, no accountable caller.
            return Uni.createFrom().failure(new AuthenticationFailedException("blank subject"));
        }
        QuarkusSecurityIdentity.Builder out = QuarkusSecurityIdentity.builder()
                .setPrincipal(jwt)
                .addCredentials(identity.getCredentials())
                .addAttributes(identity.getAttributes());
        if (tenant.startsWith(ApiTenants.CUSTOMER)) {
            CustomerKey key = new CustomerKey(jwt.getIssuer(), jwt.getSubject());
            out.addRole(Roles.CUSTOMER)
                    .addAttribute(Caller.ATTRIBUTE, new Caller(jwt.getIssuer(), jwt.getSubject(), Optional.of(key),
                            Optional.empty()));
        } else if (tenant.startsWith(ApiTenants.SERVICE)) {
            identity.getRoles().stream().filter(SERVICE_ROLES::contains).forEach(out::addRole);
            out.addAttribute(Caller.ATTRIBUTE, new Caller(jwt.getIssuer(), serviceSubject(jwt), Optional.empty(),
                    deployments(jwt)));
        } else {
            return Uni.createFrom().item(identity);
        }
        return Uni.createFrom().item(out.build());
    }

    /** A client-credentials token's subject is often the client; prefer an explicit client id when there is one. */
    private static String serviceSubject(JsonWebToken jwt) {
        for (String claim : new String[] { "client_id", "azp" }) {
            Object value = jwt.getClaim(claim);
            if (value != null) {
                String id = value instanceof JsonString s ? s.getString() : value.toString();
                if (!id.isBlank() && !id.equals(jwt.getSubject())) {
                    return jwt.getSubject() + " (client " + id + ")";
                }
            }
        }
        return jwt.getSubject();
    }

    /**
     * Whether the verified payload names this claim, even as {@code null} (the JWT library drops null claims, which
     * would read as "absent", i.e. every deployment).
     */
    private static boolean present(JsonWebToken jwt, String claim) {
        if (jwt.containsClaim(claim)) {
            return true;
        }
        try {
            String payload = jwt.getRawToken().split("\\.", -1)[1];
            return JSON.readTree(Base64.getUrlDecoder().decode(payload)).has(claim);
        } catch (Exception e) {
            return true; // unreadable: fail closed
        }
    }

    /**
     * Absent claim: every deployment. A list: its strings; a single string: that one deployment; anything else,
     * {@code null} included: none (fail closed).
     */
    private Optional<Set<String>> deployments(JsonWebToken jwt) {
        if (!present(jwt, config.deploymentsClaim())) {
            return Optional.empty();
        }
        Object claim = jwt.getClaim(config.deploymentsClaim());
        Set<String> ids = new LinkedHashSet<>();
        if (claim instanceof JsonArray array) {
            for (JsonValue value : array) {
                if (value instanceof JsonString s) {
                    ids.add(s.getString());
                }
            }
        } else if (claim instanceof JsonString s) {
            ids.add(s.getString());
        } else if (claim instanceof String s) {
            ids.add(s);
        } else if (claim instanceof java.util.Collection<?> values) {
            values.forEach(v -> ids.add(String.valueOf(v)));
        }
        return Optional.of(new HashSet<>(ids));
    }
}
