package io.carryover.relay;

/** RFC 6455 close codes the relay uses, and which received codes may be sent on. */
final class CloseCodes {

    static final int NORMAL = 1000;
    static final int UNSUPPORTED_DATA = 1003;
    /** Received without a close frame (the TCP connection ended); never sent. */
    static final int ABNORMAL = 1006;
    static final int INVALID_PAYLOAD = 1007;
    static final int POLICY_VIOLATION = 1008;
    static final int TOO_BIG = 1009;
    static final int INTERNAL_ERROR = 1011;
    static final int SERVICE_RESTART = 1012;
    static final int TRY_AGAIN_LATER = 1013;

    private CloseCodes() {
    }

    /** 1005, 1006 and 1015 describe a close but must never be sent in a close frame. */
    static boolean sendable(int code) {
        return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
    }
}
