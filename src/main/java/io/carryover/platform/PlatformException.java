package io.carryover.platform;

import java.time.Duration;

/** Why a Platform call did not succeed, in the terms callers act on. Messages never carry tokens or bodies. */
public abstract sealed class PlatformException extends RuntimeException {

    PlatformException(String message) {
        super(message, null, false, false);
    }

    /** 404: not there (yet). Message details can lag the guest's echo. */
    public static final class NotFound extends PlatformException {
        public NotFound(String what) {
            super(what + " not found");
        }
    }

    /** 429 from Genesys, or Carryover's own budget is spent: try again after {@link #retryAfter()}. */
    public static final class Throttled extends PlatformException {
        private final Duration retryAfter;

        public Throttled(String source, Duration retryAfter) {
            super(source + " throttled; retry after " + retryAfter.toMillis() + " ms");
            this.retryAfter = retryAfter;
        }

        public Duration retryAfter() {
            return retryAfter;
        }
    }

    /** 5xx, timeout or connection failure (after the client's own retries). */
    public static final class Unavailable extends PlatformException {
        public Unavailable(String what) {
            super(what);
        }
    }

    /** Any other 4xx: a request Genesys will not accept as it is (credentials, permissions, body). */
    public static final class Rejected extends PlatformException {
        private final int status;

        public Rejected(String what, int status) {
            super(what + " rejected with " + status);
            this.status = status;
        }

        public int status() {
            return status;
        }
    }
}
