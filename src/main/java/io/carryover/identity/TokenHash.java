package io.carryover.identity;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The one SHA-256 of a text in Carryover. Guest thread tokens are bearer secrets for a Genesys session: only their
 * hash is ever kept; the same hash fingerprints anything else (summaries sent, search plans, signing keys).
 */
public final class TokenHash {

    private TokenHash() {
    }

    /** SHA-256 of the UTF-8 text, lower-case hex. */
    public static String of(String text) {
        return HexFormat.of().formatHex(bytes(text));
    }

    /** SHA-256 of the UTF-8 text. */
    public static byte[] bytes(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java runtime", e);
        }
    }
}
