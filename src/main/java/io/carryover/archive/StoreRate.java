package io.carryover.archive;

/**
 * Messages the cluster stores a second (message ids taken, by every replica), over the last window of at least a
 * second. The search indexer waits while it is above {@code search-index-yield-rate}: with only the lag threshold, the
 * indexer ran whenever a flood's lag dipped below it, and its chunks then competed with the writers for PostgreSQL.
 */
final class StoreRate {

    private static final long WINDOW_NANOS = 1_000_000_000L;

    private long windowStart;
    private double storedAtWindowStart = Double.NaN;
    private double perSecond;

    /** {@code storedTotal}: the last message id taken; {@code now}: {@link System#nanoTime()}. */
    synchronized double update(double storedTotal, long now) {
        if (Double.isNaN(storedAtWindowStart)) {
            windowStart = now;
            storedAtWindowStart = storedTotal;
            return 0;
        }
        long elapsed = now - windowStart;
        if (elapsed >= WINDOW_NANOS) {
            perSecond = Math.max(0, storedTotal - storedAtWindowStart) * 1e9 / elapsed;
            windowStart = now;
            storedAtWindowStart = storedTotal;
        }
        return perSecond;
    }
}
