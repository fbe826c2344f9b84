package io.carryover.platform;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * At most {@code limit} requests in any rolling window, counting only requests actually sent: a sliding log of the
 * last {@code limit} requests. A request may go when the oldest of them finished at least a window ago; attempts
 * turned away leave no trace, so they never push the next free slot further out.
 *
 * <p>A request is stamped when its answer arrives, not when it leaves: Genesys counts it somewhere in between, so
 * a slot freed by the answer time is free at Genesys too, whatever the network latency.
 */
final class RequestBudget {

    /** A request allowed to go; {@link #close()} once its answer (or failure) is in. */
    interface Slot extends AutoCloseable {
        @Override
        void close();
    }

    private final long windowNanos;
    private final LongSupplier nanoTime;
    /** Answer times (nanoTime) of the last {@code limit} requests, a ring starting at {@link #oldest}. */
    private final long[] answeredAt;
    private final boolean[] inFlight;
    private int used;
    private int oldest;

    RequestBudget(int limit, Duration window, LongSupplier nanoTime) {
        if (limit < 1) {
            throw new IllegalArgumentException("carryover.platform.requests-per-minute must be at least 1");
        }
        this.windowNanos = window.toNanos();
        this.nanoTime = nanoTime;
        this.answeredAt = new long[limit];
        this.inFlight = new boolean[limit];
    }

    /**
     * Takes a slot, or throws {@link PlatformException.Throttled} with the wait until one frees: exact when the
     * oldest request has been answered, else the least it can be (a full window from now).
     */
    synchronized Slot take() {
        long now = nanoTime.getAsLong();
        int slot;
        if (used < answeredAt.length) {
            slot = (oldest + used++) % answeredAt.length;
        } else {
            if (inFlight[oldest]) {
                throw throttled(windowNanos);
            }
            long wait = answeredAt[oldest] + windowNanos - now;
            if (wait > 0) {
                throw throttled(wait);
            }
            slot = oldest;
            oldest = (oldest + 1) % answeredAt.length;
        }
        inFlight[slot] = true;
        answeredAt[slot] = now;
        return () -> answered(slot);
    }

    private synchronized void answered(int slot) {
        answeredAt[slot] = nanoTime.getAsLong();
        inFlight[slot] = false;
    }

    private static PlatformException.Throttled throttled(long waitNanos) {
        // Rounded up: a retry at the announced time must find the slot free.
        return new PlatformException.Throttled("request budget", Duration.ofMillis((waitNanos + 999_999) / 1_000_000));
    }
}
