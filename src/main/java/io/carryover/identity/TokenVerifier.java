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
import org.jose4j.jwt.consumer.ErrorCodes;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.lang.UnresolvableKeyException;

/**
 * Verifies customer OIDC tokens against the configured issuers: signature (issuer JWKS, cached by smallrye-jwt),
 * issuer, audience and expiry, with smallrye-jwt (on jose4j). The one verifier and issuer list for every entry point
 * (guest WebSocket, REST). Blocking on a JWKS refresh, so callers run it off the event loop.
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

    /** Blocking (JWKS download): on the event loop use {@link IdentityVerification#verifyAsync} instead. */
    public Identity verify(String token) {
        Identity result = check(token);
        count(result);
        return result;
    }

    void count(Identity result) {
        String outcome = result instanceof Identity.Unverified u ? u.reason() : "verified";
        LOG.debugf("token verification: %s", outcome);
        meters.counter("carryover.identity.verifications", "outcome", outcome).increment();
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
            return new Identity.Unverified(reason(e));
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

    /**
     * Classifies a rejection by jose4j's error codes (smallrye-jwt wraps its {@link InvalidJwtException}); messages
     * are never read, they may quote claims.
     */
    static String reason(ParseException e) {
        // A key id the issuer does not publish: a signature we cannot verify (smallrye-jwt unwraps this one).
        if (cause(e, UnresolvableKeyException.class) != null) {
            return "bad-signature";
        }
        InvalidJwtException invalid = cause(e, InvalidJwtException.class);
        if (invalid == null) {
            return "invalid";
        }
        if (invalid.hasErrorCode(ErrorCodes.EXPIRED)) {
            return "expired";
        }
        if (invalid.hasErrorCode(ErrorCodes.NOT_YET_VALID) || invalid.hasErrorCode(ErrorCodes.ISSUED_AT_INVALID_FUTURE)) {
            return "not-yet-valid";
        }
        if (invalid.hasErrorCode(ErrorCodes.AUDIENCE_INVALID) || invalid.hasErrorCode(ErrorCodes.AUDIENCE_MISSING)) {
            return "wrong-audience";
        }
        if (invalid.hasErrorCode(ErrorCodes.ISSUER_INVALID) || invalid.hasErrorCode(ErrorCodes.ISSUER_MISSING)) {
            return "untrusted-issuer";
        }
        if (invalid.hasErrorCode(ErrorCodes.SIGNATURE_INVALID) || invalid.hasErrorCode(ErrorCodes.SIGNATURE_MISSING)) {
            return "bad-signature";
        }
        return "invalid";
    }

    private static <T extends Throwable> T cause(Throwable failure, Class<T> type) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
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
