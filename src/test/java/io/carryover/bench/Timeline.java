package io.carryover.bench;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code -Dbench.timeline=DIR}: every recorded message of a latency round, as its completion time (epoch ms, with
 * µs) and its latency (µs), one CSV file per path and round. Lays slow messages beside a GC log or a scheduler trace
 * to find what made them slow; off unless asked for.
 */
final class Timeline {

    private final Path file;
    private final long[] completedMicros;
    private final long[] latencyMicros;
    private final AtomicInteger next = new AtomicInteger();

    private Timeline(Path file, int capacity) {
        this.file = file;
        this.completedMicros = new long[capacity];
        this.latencyMicros = new long[capacity];
    }

    /** A timeline for this path's round, or null when bench.timeline is not set. */
    static Timeline of(String path, int round, int sessions, int seconds, long periodMillis) {
        String dir = System.getProperty("bench.timeline", "");
        if (dir.isBlank()) {
            return null;
        }
        long expected = (long) sessions * seconds * 1000 / Math.max(1, periodMillis);
        String name = path.replaceAll("[^A-Za-z0-9]+", "-") + "-round" + round + ".csv";
        return new Timeline(Path.of(dir, name), (int) Math.min(Integer.MAX_VALUE - 8, expected * 2 + 10_000));
    }

    /** Called on the load generator's event loops as each message completes; beyond capacity, dropped. */
    void add(long latency) {
        int i = next.getAndIncrement();
        if (i < latencyMicros.length) {
            Instant now = Instant.now();
            completedMicros[i] = now.getEpochSecond() * 1_000_000 + now.getNano() / 1000;
            latencyMicros[i] = latency;
        }
    }

    void write() throws IOException {
        Files.createDirectories(file.getParent());
        int count = Math.min(next.get(), latencyMicros.length);
        try (BufferedWriter out = Files.newBufferedWriter(file)) {
            out.write("completed_epoch_us,latency_us\n");
            for (int i = 0; i < count; i++) {
                if (completedMicros[i] == 0) {
                    continue; // a message completing as the round ended, not yet filled in
                }
                out.write(completedMicros[i] + "," + latencyMicros[i] + "\n");
            }
        }
    }
}
