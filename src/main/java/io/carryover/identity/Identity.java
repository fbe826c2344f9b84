package io.carryover.identity;

/** Result of checking the OIDC token a client presented on the WebSocket upgrade. */
public sealed interface Identity {

    Identity MISSING = new Unverified("missing");

    record Verified(CustomerKey customer) implements Identity {
    }

    /** No usable token: {@code reason} is a short category (missing, expired, untrusted issuer, ...), never the token. */
    record Unverified(String reason) implements Identity {
    }
}
