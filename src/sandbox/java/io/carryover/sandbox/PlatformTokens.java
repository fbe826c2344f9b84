package io.carryover.sandbox;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.Comparator;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import io.carryover.sandbox.PlatformErrors.PlatformError;

/**
 * Access tokens the emulated login service issued: a client's (client credentials, no user) or a user's (authorization
 * code, on behalf of a {@link SandboxUsers} user). Each carries its own rate-limit window, as Genesys counts its limit
 * per token. Bounded: past {@link #MAX_TOKENS} the token closest to expiry goes first.
 */
@ApplicationScoped
class PlatformTokens {

    static final int MAX_TOKENS = 10_000;

    private static final SecureRandom RANDOM = new SecureRandom();

    /** An access token's client, user (null for client credentials), expiry and rate-limit window (ms; own lock). */
    record Issued(String clientId, String userId, long expiresAtMillis, Deque<Long> window) {
    }

    private final SandboxConfig.Platform config;
    private final Map<String, Issued> tokens = new ConcurrentHashMap<>();

    PlatformTokens(SandboxConfig config) {
        this.config = config.platform();
    }

    /** A new token for the client, on behalf of {@code userId} (null: the client itself). */
    String issue(String clientId, String userId, long lifetimeSeconds) {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        long now = System.currentTimeMillis();
        tokens.values().removeIf(t -> t.expiresAtMillis() <= now);
        while (tokens.size() >= MAX_TOKENS) {
            tokens.entrySet().stream().min(Map.Entry.comparingByValue(
                    Comparator.comparingLong(Issued::expiresAtMillis)))
                    .ifPresent(oldest -> tokens.remove(oldest.getKey()));
        }
        tokens.put(token, new Issued(clientId, userId, now + lifetimeSeconds * 1000, new ArrayDeque<>()));
        return token;
    }

    /** The token of a {@code Bearer} header, or a 401 as Genesys answers it. */
    Issued authenticate(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)
                || authorization.substring(7).isBlank()) {
            throw new PlatformError(PlatformErrors.error(401, "bad.credentials",
                    "No authentication bearer token specified in authorization header."));
        }
        Issued issued = tokens.get(authorization.substring(7).trim());
        if (issued == null || issued.expiresAtMillis() <= System.currentTimeMillis()) {
            throw new PlatformError(PlatformErrors.error(401, "bad.credentials", "Invalid login credentials."));
        }
        return issued;
    }

    /** Ends a token now (as an agent signing out, or an admin revoking it). */
    void revoke(String token) {
        tokens.remove(token);
    }

    void clearWindows() {
        for (Issued issued : tokens.values()) {
            synchronized (issued.window()) {
                issued.window().clear();
            }
        }
    }

    /** The client id if the Basic credentials match a configured confidential client, else null. */
    String basicClient(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return null;
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(authorization.substring(6).trim()),
                    StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
        int colon = decoded.indexOf(':');
        if (colon < 0) {
            return null;
        }
        String id = decoded.substring(0, colon);
        String secret = decoded.substring(colon + 1);
        String expected = id.equals(config.clientId()) ? config.clientSecret() : config.additionalClients().get(id);
        return expected != null && MessageDigest.isEqual(secret.getBytes(StandardCharsets.UTF_8),
                expected.getBytes(StandardCharsets.UTF_8)) ? id : null;
    }
}
