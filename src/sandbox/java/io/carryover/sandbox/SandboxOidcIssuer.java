package io.carryover.sandbox;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import io.carryover.identity.TokenHash;
import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.build.JwtClaimsBuilder;

/**
 * A test OpenID issuer: one RSA 2048 key generated when the bean is first used (so a disabled sandbox
 * never pays for it), published as a JWKS, and RS256 access tokens minted on request.
 */
@ApplicationScoped
public class SandboxOidcIssuer {

    /**
     * What POST /sandbox/oidc/token accepts; only sub is required. A service token for the History API: aud
     * {@code carryover-history}, {@code roles} (e.g. history.read), optionally {@code deployments} and
     * {@code clientId}.
     */
    public record TokenRequest(String sub, String aud, Long expiresInSeconds, String issuer, String email,
            String name, List<String> roles, List<String> deployments, String clientId) {

        public TokenRequest(String sub, String aud, Long expiresInSeconds, String issuer, String email, String name) {
            this(sub, aud, expiresInSeconds, issuer, email, name, null, null, null);
        }
    }

    /** A minted token and the lifetime reported to the client (never negative). */
    public record MintedToken(String accessToken, long expiresIn) {
    }

    private final SandboxConfig config;
    private final KeyPair keyPair;
    private final String keyId;

    SandboxOidcIssuer(SandboxConfig config) {
        this.config = config;
        this.keyPair = generateKeyPair();
        this.keyId = thumbprint((RSAPublicKey) keyPair.getPublic());
    }

    /** iss of minted tokens: {@code <baseUrl>/sandbox/oidc}. */
    public String issuer() {
        return trimSlash(config.baseUrl()) + "/sandbox/oidc";
    }

    public String jwksUri() {
        return issuer() + "/jwks";
    }

    public String keyId() {
        return keyId;
    }

    public RSAPublicKey publicKey() {
        return (RSAPublicKey) keyPair.getPublic();
    }

    /** A valid token for {@code sub} with the default audience and lifetime. */
    public String mint(String sub) {
        return mint(new TokenRequest(sub, null, null, null, null, null)).accessToken();
    }

    public MintedToken mint(TokenRequest request) {
        if (request == null || request.sub() == null || request.sub().isBlank()) {
            throw new SandboxApiException(400, "sub is required");
        }
        long lifetime = request.expiresInSeconds() != null
                ? request.expiresInSeconds()
                : config.tokenLifetime().toSeconds();
        long now = Instant.now().getEpochSecond();
        long exp = now + lifetime;
        // An already-expired token still looks issued before it expired.
        long iat = lifetime > 0 ? now : exp - config.tokenLifetime().toSeconds();
        JwtClaimsBuilder claims = Jwt.issuer(blankToNull(request.issuer()) != null ? request.issuer() : issuer())
                .subject(request.sub())
                .audience(blankToNull(request.aud()) != null ? request.aud() : config.audience())
                .issuedAt(iat)
                .expiresAt(exp);
        if (request.email() != null) {
            claims.claim("email", request.email());
        }
        if (request.name() != null) {
            claims.claim("name", request.name());
        }
        if (request.roles() != null) {
            claims.claim("roles", request.roles());
        }
        if (request.deployments() != null) {
            claims.claim("carryover_deployments", request.deployments());
        }
        if (request.clientId() != null) {
            claims.claim("client_id", request.clientId());
        }
        String token = claims.jws().keyId(keyId).sign(keyPair.getPrivate());
        return new MintedToken(token, Math.max(0, lifetime));
    }

    /** The OpenID discovery document. */
    public Map<String, Object> discovery() {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("issuer", issuer());
        doc.put("jwks_uri", jwksUri());
        doc.put("token_endpoint", issuer() + "/token");
        doc.put("response_types_supported", List.of("token"));
        doc.put("subject_types_supported", List.of("public"));
        doc.put("id_token_signing_alg_values_supported", List.of("RS256"));
        return doc;
    }

    /** The JWKS with the one public key. */
    public Map<String, Object> jwks() {
        RSAPublicKey key = publicKey();
        Map<String, Object> jwk = new LinkedHashMap<>();
        jwk.put("kty", "RSA");
        jwk.put("kid", keyId);
        jwk.put("use", "sig");
        jwk.put("alg", "RS256");
        jwk.put("n", base64Url(key.getModulus()));
        jwk.put("e", base64Url(key.getPublicExponent()));
        return Map.of("keys", List.of(jwk));
    }

    private static KeyPair generateKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("RSA is not available", e);
        }
    }

    /** RFC 7638 thumbprint, so the kid changes exactly when the key does. */
    private static String thumbprint(RSAPublicKey key) {
        String canonical = "{\"e\":\"" + base64Url(key.getPublicExponent()) + "\",\"kty\":\"RSA\",\"n\":\""
                + base64Url(key.getModulus()) + "\"}";
        return Base64.getUrlEncoder().withoutPadding().encodeToString(TokenHash.bytes(canonical));
    }

    /** Unsigned big-endian, as JWK wants: BigInteger adds a sign byte that must go. */
    private static String base64Url(BigInteger value) {
        byte[] bytes = value.toByteArray();
        if (bytes.length > 1 && bytes[0] == 0) {
            bytes = Arrays.copyOfRange(bytes, 1, bytes.length);
        }
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static String trimSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
