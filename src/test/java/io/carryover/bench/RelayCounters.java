package io.carryover.bench;

import java.util.Locale;
import java.util.function.Consumer;

/**
 * The relay JVM's allocation and GC during a path's measured rounds, per relayed frame: frames are the relay's own
 * {@code carryover_relay_frames_total} (both directions), read at the same moments as the JVM's counters.
 */
final class RelayCounters {

    private final ServiceProcess relay;
    private JvmCounters.Snapshot total = JvmCounters.Snapshot.zero();
    private double frames;
    private JvmCounters.Snapshot start;
    private double startFrames;
    private String error;
    private String collectors = "";
    private boolean endedThreadsIncluded;

    RelayCounters(ServiceProcess relay) {
        this.relay = relay;
    }

    void begin() throws Exception {
        startFrames = relayedFrames();
        start = read();
    }

    void end() throws Exception {
        if (start == null) {
            return;
        }
        JvmCounters.Snapshot now = read();
        double nowFrames = relayedFrames();
        if (now != null) {
            total = total.plus(now.minus(start));
            frames += nowFrames - startFrames;
        }
        start = null;
    }

    private double relayedFrames() throws Exception {
        return relay.metric("carryover_relay_frames_total", null);
    }

    /**
     * One JMX connection, opened at the first read and kept: opening one allocates megabytes in the relay (RMI), which
     * would otherwise land inside the measured window.
     */
    private JvmCounters connection;

    private JvmCounters.Snapshot read() {
        try {
            if (connection == null) {
                connection = relay.counters();
                collectors = String.join(", ", connection.pauseCollectorNames());
                endedThreadsIncluded = connection.jvmTotalIncludesEndedThreads();
                connection.snapshot(); // the first call's own allocation, before any window opens
            }
            return connection.snapshot();
        } catch (Exception e) {
            error = e.toString();
            return null;
        }
    }

    void report(String path, Consumer<String> line) {
        if (connection != null) {
            try {
                connection.close();
            } catch (Exception ignored) {
                // the relay may be gone already
            }
            connection = null;
        }
        if (error != null && frames == 0) {
            line.accept("Relay JVM counters unavailable (" + path + "): " + error);
            return;
        }
        double seconds = total.nanos() / 1e9;
        line.accept("Relay JVM during the measured rounds of " + path + " (" + String.format(Locale.ROOT,
                "%.0f s", seconds) + "; frames = carryover_relay_frames_total, both directions; pause collectors: "
                + collectors + "; whole JVM = " + (endedThreadsIncluded ? "all threads, ended ones included"
                        : "sum over live threads") + "):");
        line.accept("");
        line.accept("| frames relayed | event-loop bytes/frame | whole-JVM bytes/frame | allocation MB/s | GC pauses | "
                + "GC pause total ms |");
        line.accept("|---|---|---|---|---|---|");
        line.accept(String.format(Locale.ROOT, "| %.0f | %.0f | %.0f | %.1f | %d | %d |", frames,
                total.eventLoopBytes() / frames, total.jvmBytes() / frames, total.jvmBytes() / 1e6 / seconds,
                total.gcPauses(), total.gcPauseMillis()));
    }
}
