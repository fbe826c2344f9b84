package io.carryover.platform;

import java.time.Duration;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;

/**
 * At most {@code limit} requests in any rolling window, counting only requests actually sent: a sliding log of the
 * last {@code limit} requests. A request may go when the oldest of them finished at least a window ago; attempts
 * turned away leave no trace, so they never push the next free slot further out.
 *
 * <p>A request is stamped when its answer arrives, not when it leaves: Genesys counts it somewhere in between, so
 * a slot freed by the answer time is free at Genesys too, whatever the network latency.
 *
 * <p>Beyond a burst of {@code burst} requests, sends are paced evenly over the window (a generic cell rate
 * algorithm). Without pacing a backlog spends the whole minute's budget in seconds and then nothing, not even a
 * returning customer's first lookup, can go for the rest of the minute. When paced, a send due within
 * {@link #MAX_PACING_WAIT} (its turn, or the log's next free slot) waits on the caller's (worker) thread, in order of
 * arrival; a later one is turned away. An unpaced budget never waits: it is only the sliding log.
 *
 * <p>Priorities ({@link CallPriority}): the last {@code firstAttemptReserve} requests of a window are kept for first
 * enrichment attempts, and the {@code agentReserve} before them for agent lookups too; a retry may only use what is
 * left below both reserves. A caller turned away by a reserve is told when enough of the window has passed.
 */
final class RequestBudget {

    /** Longest wait for a paced turn before the caller is told to come back instead. */
    static final Duration MAX_PACING_WAIT = Duration.ofSeconds(1);

    /** A request allowed to go; {@link #close()} once its answer (or failure) is in. */
    interface Slot extends AutoCloseable {
        @Override
        void close();
    }

    private final long windowNanos;
    private final LongSupplier nanoTime;
    private final LongConsumer sleepNanos;
    /** Answer times (nanoTime) of the last {@code limit} requests, a ring starting at {@link #oldest}. */
    private final long[] answeredAt;
    private final boolean[] inFlight;
    private int used;
    private int oldest;
    /** Pacing: time between paced sends and how far ahead of schedule a burst may run; 0 when not paced. */
    private final long intervalNanos;
    private final long burstToleranceNanos;
    /** The theoretical time of the next paced send. */
    private long nextSendAt;
    /** Requests in a window each priority may reach: the limit, less the reserves of the ones ahead of it. */
    private final int agentAllowance;
    private final int retryAllowance;

    RequestBudget(int limit, int burst, Duration window, LongSupplier nanoTime, LongConsumer sleepNanos) {
        this(limit, burst, 0, 0, window, nanoTime, sleepNanos);
    }

    RequestBudget(int limit, int burst, int firstAttemptReserve, int agentReserve, Duration window,
            LongSupplier nanoTime, LongConsumer sleepNanos) {
        if (limit < 1) {
            throw new IllegalArgumentException("carryover.platform.requests-per-minute must be at least 1");
        }
        if (firstAttemptReserve < 0 || agentReserve < 0 || firstAttemptReserve + agentReserve >= limit) {
            throw new IllegalArgumentException("carryover.platform.first-attempt-reserve and agent-reserve must be"
                    + " at least 0 and together below requests-per-minute");
        }
        this.agentAllowance = limit - firstAttemptReserve;
        this.retryAllowance = limit - firstAttemptReserve - agentReserve;
        this.windowNanos = window.toNanos();
        this.nanoTime = nanoTime;
        this.sleepNanos = sleepNanos;
        this.answeredAt = new long[limit];
        this.inFlight = new boolean[limit];
        // limit - burst evenly spread plus a burst ahead of schedule: never more than limit in a window.
        boolean paced = burst >= 1 && burst < limit;
        this.intervalNanos = paced ? windowNanos / (limit - burst) : 0;
        this.burstToleranceNanos = paced ? intervalNanos * (burst - 1) : 0;
        this.nextSendAt = nanoTime.getAsLong();
    }

    /** An unpaced budget: only the sliding log. */
    RequestBudget(int limit, Duration window, LongSupplier nanoTime) {
        this(limit, limit, window, nanoTime, nanos -> { });
    }

    /** A first attempt's slot: the whole window. */
    Slot take() {
        return take(CallPriority.FIRST_ATTEMPT);
    }

    /**
     * Takes a slot, waiting up to {@link #MAX_PACING_WAIT} for a paced turn, or throws
     * {@link PlatformException.Throttled} with the wait until one frees: exact when the oldest request has been
     * answered, else the least it can be (a full window from now).
     */
    Slot take(CallPriority priority) {
        long now = nanoTime.getAsLong();
        long sendAt;
        int slot;
        synchronized (this) {
            int allowance = switch (priority) {
                case FIRST_ATTEMPT -> answeredAt.length;
                case AGENT_LOOKUP -> agentAllowance;
                case RETRY -> retryAllowance;
            };
            if (allowance < answeredAt.length) {
                long wait = waitBelow(allowance, now);
                if (wait > 0) {
                    throw throttled(wait);
                }
            }
            sendAt = Math.max(now, nextSendAt - burstToleranceNanos);
            if (used < answeredAt.length) {
                slot = (oldest + used) % answeredAt.length;
            } else {
                if (inFlight[oldest]) {
                    throw throttled(windowNanos);
                }
                slot = oldest;
                sendAt = Math.max(sendAt, answeredAt[oldest] + windowNanos);
            }
            long wait = sendAt - now;
            if (wait > 0 && (intervalNanos == 0 || wait > MAX_PACING_WAIT.toNanos())) {
                throw throttled(wait);
            }
            if (used < answeredAt.length) {
                used++;
            } else {
                oldest = (oldest + 1) % answeredAt.length;
            }
            inFlight[slot] = true;
            answeredAt[slot] = sendAt;
            nextSendAt = Math.max(nextSendAt, sendAt) + intervalNanos;
        }
        if (sendAt > now) {
            sleepNanos.accept(sendAt - now);
        }
        return () -> answered(slot);
    }

    /**
     * How long until fewer than {@code allowance} requests are in the window (0: now). In-flight requests count as
     * answered at the earliest now, so waiting on one is at least a full window.
     */
    private long waitBelow(int allowance, long now) {
        long[] inWindow = new long[used];
        int count = 0;
        for (int i = 0; i < used; i++) {
            int at = (oldest + i) % answeredAt.length;
            long stamp = inFlight[at] ? now : answeredAt[at];
            if (inFlight[at] || now - stamp < windowNanos) {
                inWindow[count++] = stamp;
            }
        }
        if (count < allowance) {
            return 0;
        }
        java.util.Arrays.sort(inWindow, 0, count);
        // The (count - allowance + 1)-th oldest must leave the window.
        return inWindow[count - allowance] + windowNanos - now;
    }

    private synchronized void answered(int slot) {
        answeredAt[slot] = nanoTime.getAsLong();
        inFlight[slot] = false;
    }

    /** Waits on a worker thread; an interrupt ends the wait early (shutdown) and is kept for the caller. */
    static void sleep(long nanos) {
        long deadline = System.nanoTime() + nanos;
        long left;
        while ((left = deadline - System.nanoTime()) > 0 && !Thread.currentThread().isInterrupted()) {
            java.util.concurrent.locks.LockSupport.parkNanos(left);
        }
    }

    private static PlatformException.Throttled throttled(long waitNanos) {
        // Rounded up: a retry at the announced time must find the slot free.
        return new PlatformException.Throttled("request budget", Duration.ofMillis((waitNanos + 999_999) / 1_000_000));
    }
}
