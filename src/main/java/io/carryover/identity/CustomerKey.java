package io.carryover.identity;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * Who a conversation belongs to: the verified issuer and subject of an OIDC token, or, for guests, an anonymous key
 * derived from the hashed thread token. Distinct keys are never merged; only a guest key can move to a verified one.
 */
public record CustomerKey(String issuer, String subject) {

    /** Issuer used for guests: the subject is the SHA-256 of their Genesys thread token. */
    public static final String GUEST_ISSUER = "urn:carryover:guest";

    public static CustomerKey guest(String tokenHash) {
        return new CustomerKey(GUEST_ISSUER, tokenHash);
    }

    public boolean isGuest() {
        return GUEST_ISSUER.equals(issuer);
    }

    /** Stable database id, so every writer derives the same row without a lookup. */
    public UUID id() {
        return UUID.nameUUIDFromBytes(("customer\n" + issuer + "\n" + subject).getBytes(StandardCharsets.UTF_8));
    }
}
