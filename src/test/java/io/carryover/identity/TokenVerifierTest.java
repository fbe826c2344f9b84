package io.carryover.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Base64;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.carryover.testing.Guest;
import io.carryover.testing.Sandbox;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.jwt.build.Jwt;

/** Each rejection reason, from real tokens, as classified by the JWT library's error codes. */
@QuarkusTest
class TokenVerifierTest {

    @Inject
    TokenVerifier verifier;

    @Inject
    IdentityVerification identities;

    @Test
    void reasons() throws Exception {
        assertEquals(new Identity.Verified(new CustomerKey(Sandbox.ISSUER, "erin")),
                verifier.verify(Sandbox.mint("erin")));
        assertEquals(reason("expired"), verifier.verify(Sandbox.mint("erin", Map.of("expiresInSeconds", -120))));
        assertEquals(reason("wrong-audience"), verifier.verify(Sandbox.mint("erin", Map.of("aud", "someone-else"))));
        assertEquals(reason("untrusted-issuer"),
                verifier.verify(Sandbox.mint("erin", Map.of("issuer", "https://evil.example"))));
        assertEquals(reason("bad-signature"), verifier.verify(signedByAnotherKey(null)));
        assertEquals(reason("bad-signature"), verifier.verify(signedByAnotherKey(publishedKeyId())));
        assertEquals(reason("malformed"), verifier.verify("not.a-jwt"));
        assertEquals(Identity.MISSING, verifier.verify(null));
    }

    @Test
    void theAsyncHopGivesTheSameAnswer() {
        assertEquals(Identity.MISSING, identities.verifyAsync(null).await().indefinitely());
        assertEquals(reason("wrong-audience"), identities.verifyAsync(
                Sandbox.mint("erin", Map.of("aud", "someone-else"))).await().indefinitely());
    }

    private static Identity reason(String reason) {
        return new Identity.Unverified(reason);
    }

    /** Right issuer, audience and expiry, signed by a key the issuer never published (under its key id, if given). */
    private static String signedByAnotherKey(String keyId) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        KeyPair keys = generator.generateKeyPair();
        return Jwt.issuer(Sandbox.ISSUER).subject("erin").audience("carryover").expiresIn(300)
                .jws().keyId(keyId == null ? "forged" : keyId).sign(keys.getPrivate());
    }

    private static String publishedKeyId() {
        String header = Sandbox.mint("erin").split("\\.")[0];
        String json = new String(Base64.getUrlDecoder().decode(header));
        return Guest.parse(json).path("kid").asText();
    }
}
