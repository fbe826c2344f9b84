package io.carryover.identity;

import static io.carryover.testing.Archive.conversations;
import static io.carryover.testing.Archive.customer;
import static io.carryover.testing.Archive.eventually;
import static io.carryover.testing.Archive.guestOf;
import static io.carryover.testing.Archive.messages;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.carryover.testing.Archive.StoredMessage;
import io.carryover.testing.Guest;
import io.carryover.testing.Metrics;
import io.carryover.testing.Sandbox;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.jwt.build.Jwt;

/** The customer's OIDC token decides who the archive belongs to; without a valid one nothing is archived. */
@QuarkusTest
class IdentityTest {

    @Test
    void aVerifiedTokenKeysTheArchiveByIssuerAndSubject() throws Exception {
        String subject = "alice-" + UUID.randomUUID();
        String token = Guest.newToken();
        try (Guest guest = Guest.viaRelay(token, Sandbox.mint(subject))) {
            guest.configureAuthenticated(false);
            guest.say("hello, I'm signed in");
        }
        eventually(() -> conversations(customer(Sandbox.ISSUER, subject)).size() == 1);
        assertTrue(conversations(guestOf(token)).isEmpty());
    }

    @Test
    void browsersCarryTheBearerInTheSubprotocol() throws Exception {
        String subject = "browser-" + UUID.randomUUID();
        try (Guest guest = Guest.viaRelayFromBrowser(Guest.newToken(), Sandbox.mint(subject))) {
            assertEquals("bearer-token-carrier", guest.socket().subprotocol());
            guest.configureAuthenticated(false);
            guest.say("from a browser");
        }
        eventually(() -> conversations(customer(Sandbox.ISSUER, subject)).size() == 1);
    }

    @ParameterizedTest
    @ValueSource(strings = { "expired", "wrong-audience", "untrusted-issuer", "bad-signature", "missing" })
    void withoutAValidTokenTheChatWorksButIsNotArchived(String problem) throws Exception {
        String subject = "mallory-" + UUID.randomUUID();
        String bearer = switch (problem) {
            case "expired" -> Sandbox.mint(subject, Map.of("expiresInSeconds", -120));
            case "wrong-audience" -> Sandbox.mint(subject, Map.of("aud", "someone-else"));
            case "untrusted-issuer" -> Sandbox.mint(subject, Map.of("issuer", "https://evil.example"));
            case "bad-signature" -> forged(subject);
            default -> null;
        };
        double verificationsBefore = Metrics.value("carryover_identity_verifications_total", "outcome=\"" + problem + "\"");
        double unverifiedBefore = Metrics.value("carryover_archive_sessions_unverified_total");
        String token = Guest.newToken();
        try (Guest guest = Guest.viaRelay(token, bearer)) {
            assertTrue(guest.configureAuthenticated(false).path("body").path("connected").asBoolean());
            guest.say("the chat still works");
        }
        eventually(() -> Metrics.value("carryover_archive_sessions_unverified_total") > unverifiedBefore);
        assertTrue(Metrics.value("carryover_identity_verifications_total", "outcome=\"" + problem + "\"")
                > verificationsBefore, "rejection classified as " + problem);
        assertTrue(conversations(customer(Sandbox.ISSUER, subject)).isEmpty());
        assertTrue(conversations(guestOf(token)).isEmpty());
    }

    /** The relay-unarchived policy never reads frames: whatever the spelling, the chat works as without Carryover. */
    @Test
    void underRelayUnarchivedEveryFrameIsRelayed() throws Exception {
        for (String template : List.of(PolicyFrames.ESCAPED, PolicyFrames.DUPLICATE, PolicyFrames.WHITESPACE)) {
            try (Guest guest = Guest.viaRelay(Guest.newToken())) {
                guest.socket().send(template.formatted(guest.token()));
                assertTrue(guest.expect("SessionResponse").path("body").path("connected").asBoolean(), template);
                assertEquals("configureAuthenticatedSession",
                        guest.say("configureAuthenticatedSession").path("text").asText());
            }
        }
    }

    @Test
    void aGuestWhoSignsInTakesTheirGuestHistoryAlong() throws Exception {
        String subject = "stepup-" + UUID.randomUUID();
        String token = Guest.newToken();
        try (Guest guest = Guest.viaRelay(token)) {
            guest.configure(false);
            guest.say("asking as a guest");
        }
        eventually(() -> conversations(guestOf(token)).size() == 1);
        try (Guest guest = Guest.viaRelay(token, Sandbox.mint(subject))) {
            guest.configureAuthenticated(false);
            guest.say("now signed in");
        }
        eventually(() -> conversations(guestOf(token)).isEmpty()
                && conversations(customer(Sandbox.ISSUER, subject)).size() == 1
                && messages(conversations(customer(Sandbox.ISSUER, subject)).get(0).id()).size() == 2);
        List<String> texts = messages(conversations(customer(Sandbox.ISSUER, subject)).get(0).id()).stream()
                .map(StoredMessage::text).toList();
        assertEquals(List.of("asking as a guest", "now signed in"), texts);
    }

    @Test
    void distinctSubjectsAreNeverMerged() throws Exception {
        String alice = "alice-" + UUID.randomUUID();
        String bob = "bob-" + UUID.randomUUID();
        try (Guest a = Guest.viaRelay(Guest.newToken(), Sandbox.mint(alice));
                Guest b = Guest.viaRelay(Guest.newToken(), Sandbox.mint(bob))) {
            a.configureAuthenticated(false);
            b.configureAuthenticated(false);
            a.say("alice speaking");
            b.say("bob speaking");
        }
        eventually(() -> conversations(customer(Sandbox.ISSUER, alice)).size() == 1
                && conversations(customer(Sandbox.ISSUER, bob)).size() == 1);
        eventually(() -> messages(conversations(customer(Sandbox.ISSUER, alice)).get(0).id()).size() == 1);
        assertEquals("alice speaking",
                messages(conversations(customer(Sandbox.ISSUER, alice)).get(0).id()).get(0).text());
        assertEquals("bob speaking", messages(conversations(customer(Sandbox.ISSUER, bob)).get(0).id()).get(0).text());
    }

    /** Right issuer, audience and expiry, but signed by a key the issuer never published. */
    private static String forged(String subject) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        KeyPair keys = generator.generateKeyPair();
        return Jwt.issuer(Sandbox.ISSUER).subject(subject).audience("carryover").expiresIn(300)
                .jws().keyId("forged").sign(keys.getPrivate());
    }
}
