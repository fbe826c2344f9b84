package io.carryover.sandbox;

/** A control-API request the sandbox cannot honour; becomes {"error": message} with this HTTP status. */
public class SandboxApiException extends RuntimeException {

    private final int status;

    public SandboxApiException(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    public int status() {
        return status;
    }

    static SandboxApiException unknownSession() {
        return new SandboxApiException(404, "unknown session");
    }

    static SandboxApiException conflict(String message) {
        return new SandboxApiException(409, message);
    }
}
