package io.carryover.identity;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.jwt.auth.principal.DefaultJWTParser;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;

import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * Verifies customer OIDC tokens against the configured issuers: signature (issuer JWKS, cached by smallrye-jwt),
 * issuer, audience and expiry. Blocking on a JWKS refresh, so callers run it off the event loop.
 */
@ApplicationScoped
public class TokenVerifier {

    private static final Logger LOG = Logger.getLogger(TokenVerifier.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final IdentityConfig config;
    private final MeterRegistry meters;
    private final Map<String, JWTParser> parsersByIssuer = new ConcurrentHashMap<>();

    TokenVerifier(IdentityConfig config, MeterRegistry meters) {
        this.config = config;
        this.meters = meters;
    }

    public Identity verify(String token) {
        Identity result = check(token);
        String outcome = result instanceof Identity.Unverified u ? u.reason() : "verified";
        meters.counter("carryover.identity.verifications", "outcome", outcome).increment();
        return result;
    }

    private Identity check(String token) {
        if (token == null || token.isBlank()) {
            return Identity.MISSING;
        }
        String claimedIssuer = unverifiedIssuer(token);
        if (claimedIssuer == null) {
            return new Identity.Unverified("malformed");
        }
        IdentityConfig.Issuer issuer = config.issuers().values().stream()
                .filter(i -> i.issuer().equals(claimedIssuer)).findFirst().orElse(null);
        if (issuer == null) {
            return new Identity.Unverified("untrusted-issuer");
        }
        try {
            JsonWebToken jwt = parserFor(issuer).parse(token);
            if (jwt.getSubject() == null || jwt.getSubject().isBlank()) {
                return new Identity.Unverified("no-subject");
            }
            return new Identity.Verified(new CustomerKey(jwt.getIssuer(), jwt.getSubject()));
        } catch (ParseException e) {
            String reason = reason(e);
            LOG.debugf("token rejected: %s", reason);
            return new Identity.Unverified(reason);
        }
    }

    private JWTParser parserFor(IdentityConfig.Issuer issuer) {
        return parsersByIssuer.computeIfAbsent(issuer.issuer(), iss -> {
            JWTAuthContextInfo info = new JWTAuthContextInfo(issuer.jwksUrl(), issuer.issuer());
            info.setExpectedAudience(java.util.Set.of(issuer.audience()));
            info.setClockSkew((int) config.clockSkew().toSeconds());
            info.setRequireNamedPrincipal(false);
            info.setJwksRefreshInterval(60);
            info.setForcedJwksRefreshInterval(1);
            return new DefaultJWTParser(info);
        });
    }

    /** Classifies a rejection without echoing token content (smallrye messages may quote claims). */
    private static String reason(ParseException e) {
        String text = String.valueOf(e.getCause() == null ? e.getMessage() : e.getCause().getMessage()).toLowerCase();
        if (text.contains("expired") || text.contains("expiration")) {
            return "expired";
        }
        if (text.contains("audience") || text.contains("aud")) {
            return "wrong-audience";
        }
        if (text.contains("signature") || text.contains("key")) {
            return "bad-signature";
        }
        return "invalid";
    }

    /** Reads {@code iss} without trusting it, only to pick which issuer's keys must verify the token. */
    private static String unverifiedIssuer(String token) {
        String[] parts = token.split("\\.");
        if (parts.length != 3) {
            return null;
        }
        try {
            JsonNode claims = JSON.readTree(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
            JsonNode iss = claims.get("iss");
            return iss != null && iss.isTextual() ? iss.asText() : null;
        } catch (Exception e) {
            return null;
        }
    }
}
