package io.carryover.bench;

import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jwk.RsaJwkGenerator;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;

import com.sun.net.httpserver.HttpServer;

/**
 * The benchmark's own OIDC service issuer: an RSA key published as a JWKS by a JDK {@link HttpServer}, and service
 * tokens signed with it (jose4j). The service under test trusts it through
 * {@code carryover.history.service-issuers.bench.*}, exactly as a customer's IdP would be configured.
 */
final class BenchIssuer implements AutoCloseable {

    static final String AUDIENCE = "carryover-history-bench";

    private final HttpServer server;
    private final RsaJsonWebKey key;
    private final String issuer;

    BenchIssuer(int port) throws Exception {
        key = RsaJwkGenerator.generateJwk(2048);
        key.setKeyId("bench-1");
        key.setAlgorithm(AlgorithmIdentifiers.RSA_USING_SHA256);
        byte[] jwks = new JsonWebKeySet(key).toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY)
                .getBytes(StandardCharsets.UTF_8);
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        server.createContext("/bench/jwks", exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, jwks.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(jwks);
            }
        });
        server.start();
        issuer = "http://127.0.0.1:" + port + "/bench";
    }

    /** The properties that make the service trust this issuer. */
    List<String> serviceProperties() {
        return List.of("-Dcarryover.history.service-issuers.bench.issuer=" + issuer,
                "-Dcarryover.history.service-issuers.bench.jwks-url=" + issuer + "/jwks",
                "-Dcarryover.history.service-issuers.bench.audience=" + AUDIENCE);
    }

    /** A client-credentials style token with these roles, valid for {@code minutes}. */
    String token(List<String> roles, int minutes) throws Exception {
        JwtClaims claims = new JwtClaims();
        claims.setIssuer(issuer);
        claims.setAudience(AUDIENCE);
        claims.setSubject("bench-client");
        claims.setClaim("client_id", "carryover-bench");
        claims.setStringListClaim("roles", roles);
        claims.setIssuedAtToNow();
        claims.setExpirationTimeMinutesInTheFuture(minutes);
        claims.setGeneratedJwtId();
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setKey(key.getPrivateKey());
        jws.setKeyIdHeaderValue(key.getKeyId());
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
        return jws.getCompactSerialization();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
