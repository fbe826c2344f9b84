package io.carryover.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Where the benchmark's processes run ({@code -Dbench.layout=pinned|unpinned|both}). Pinned: the relay JVMs on CPU 0,
 * everything else (this JVM, which is the load generator, the sandbox, nginx, PostgreSQL with its running backends)
 * on CPU 1, so the relay's latency is its own and not the load generator's; unpinned: all share all CPUs, as before.
 * Children are pinned at spawn ({@code taskset -c}); running processes with {@code taskset -a -p}, restored to all
 * CPUs on {@link #close()} and, should the run be interrupted, by a shutdown hook.
 */
final class CpuLayout implements AutoCloseable {

    private static final int CPUS = Runtime.getRuntime().availableProcessors();

    private final boolean pinned;
    private final List<Long> pinnedPids = new ArrayList<>();
    private final Thread restoreOnExit = new Thread(this::restore, "bench-cpu-restore");
    private String pinnedPostgres = "";

    private CpuLayout(boolean pinned) {
        this.pinned = pinned;
    }

    /** The layouts to run, pinned first: the targets are judged on it. */
    static List<String> requested() {
        String layout = System.getProperty("bench.layout", "both").trim().toLowerCase(Locale.ROOT);
        return switch (layout) {
            case "pinned" -> List.of("pinned");
            case "unpinned" -> List.of("unpinned");
            case "both" -> List.of("pinned", "unpinned");
            default -> throw new IllegalArgumentException("bench.layout: pinned, unpinned or both, not " + layout);
        };
    }

    /** Applies a layout to this JVM and PostgreSQL (at {@code dbUrl}); children take {@link #relay()}/{@link #others()}. */
    static CpuLayout apply(String name, String dbUrl) throws Exception {
        boolean pinned = name.equals("pinned");
        if (pinned && CPUS < 2) {
            throw new IllegalStateException("the pinned layout needs 2 CPUs, this machine has " + CPUS);
        }
        CpuLayout layout = new CpuLayout(pinned);
        if (pinned) {
            Runtime.getRuntime().addShutdownHook(layout.restoreOnExit);
            layout.pin(ProcessHandle.current().pid());
            layout.pinPostgres(dbUrl);
        }
        return layout;
    }

    boolean pinned() {
        return pinned;
    }

    /** Command prefix for a relay JVM. */
    List<String> relay() {
        return pinned ? List.of("taskset", "-c", "0") : List.of();
    }

    /** Command prefix for every other child (sandbox, upstreams, nginx). */
    List<String> others() {
        return pinned ? List.of("taskset", "-c", "1") : List.of();
    }

    String describe() {
        return pinned
                ? "pinned: the relay JVM(s) on CPU 0; the load generator (bench JVM), the sandbox JVM, nginx and "
                        + "PostgreSQL (" + pinnedPostgres + ") on CPU 1, with taskset"
                : "unpinned: every process may run on all " + CPUS + " CPUs";
    }

    private void pinPostgres(String dbUrl) {
        try (Connection c = DriverManager.getConnection(dbUrl + "postgres", "postgres", "");
             ResultSet rs = c.createStatement().executeQuery("show data_directory")) {
            rs.next();
            long postmaster = Long.parseLong(Files.readAllLines(Path.of(rs.getString(1), "postmaster.pid")).get(0).trim());
            // New backends fork from the postmaster and inherit its affinity; the running ones are pinned too.
            List<Long> pids = new ArrayList<>();
            pids.add(postmaster);
            ProcessHandle.of(postmaster).ifPresent(p -> p.descendants().forEach(d -> pids.add(d.pid())));
            for (long pid : pids) {
                pin(pid);
            }
            pinnedPostgres = "postmaster and " + (pids.size() - 1) + " running processes";
        } catch (Exception e) {
            pinnedPostgres = "not pinned: " + e.getMessage();
        }
    }

    private void pin(long pid) throws Exception {
        taskset("1", pid);
        pinnedPids.add(pid);
    }

    private static void taskset(String cpus, long pid) throws Exception {
        Process p = new ProcessBuilder("taskset", "-a", "-p", "-c", cpus, Long.toString(pid)).redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IllegalStateException("taskset " + cpus + " " + pid + ": " + out.trim());
        }
    }

    private synchronized void restore() {
        String all = "0-" + (CPUS - 1);
        for (long pid : pinnedPids) {
            try {
                taskset(all, pid);
                // Backends forked while pinned inherited CPU 1.
                ProcessHandle.of(pid).ifPresent(p -> p.descendants().forEach(d -> {
                    try {
                        taskset(all, d.pid());
                    } catch (Exception gone) {
                        // exited meanwhile
                    }
                }));
            } catch (Exception gone) {
                // exited meanwhile
            }
        }
        pinnedPids.clear();
    }

    @Override
    public void close() {
        if (pinned) {
            restore();
            try {
                Runtime.getRuntime().removeShutdownHook(restoreOnExit);
            } catch (IllegalStateException shuttingDown) {
                // the hook runs anyway
            }
        }
    }
}
