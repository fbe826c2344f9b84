package io.carryover.protocol;

/** What a guest client asked Genesys for, as far as the archive cares. */
public sealed interface ClientRequest {

    /** {@code configureSession} or {@code configureAuthenticatedSession}: opens or resumes the token's session. */
    record Configure(String token, String deploymentId, boolean authenticated, boolean startNew) implements ClientRequest {
    }

    /** Any other action ({@code onMessage}, {@code echo}, ...): the archive learns its content from the server's echo. */
    record Other(String action) implements ClientRequest {
    }
}
