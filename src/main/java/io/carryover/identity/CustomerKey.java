package io.carryover.identity;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.UUID;

/**
 * Who a conversation belongs to: the verified issuer and subject of an OIDC token, or, for guests, an anonymous key
 * derived from the hashed thread token. Distinct keys are never merged; only a guest key can move to a verified one.
 * A value class rather than a record so that its id, an MD5 the archive needs for every message, is derived once.
 */
public final class CustomerKey {

    /** Issuer used for guests: the subject is the SHA-256 of their Genesys thread token. */
    public static final String GUEST_ISSUER = "urn:carryover:guest";

    private final String issuer;
    private final String subject;
    /** Derived on first use; a race derives the same value twice, which is harmless. */
    private UUID id;

    public CustomerKey(String issuer, String subject) {
        this.issuer = issuer;
        this.subject = subject;
    }

    public static CustomerKey guest(String tokenHash) {
        return new CustomerKey(GUEST_ISSUER, tokenHash);
    }

    public String issuer() {
        return issuer;
    }

    public String subject() {
        return subject;
    }

    public boolean isGuest() {
        return GUEST_ISSUER.equals(issuer);
    }

    /** Stable database id, so every writer derives the same row without a lookup. */
    public UUID id() {
        UUID derived = id;
        if (derived == null) {
            derived = UUID.nameUUIDFromBytes(("customer\n" + issuer + "\n" + subject).getBytes(StandardCharsets.UTF_8));
            id = derived;
        }
        return derived;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof CustomerKey key && Objects.equals(issuer, key.issuer)
                && Objects.equals(subject, key.subject);
    }

    @Override
    public int hashCode() {
        return Objects.hash(issuer, subject);
    }

    @Override
    public String toString() {
        return "CustomerKey[issuer=" + issuer + ", subject=" + subject + "]";
    }
}
