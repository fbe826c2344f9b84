package io.carryover.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * Open-file limits. A relayed session holds two sockets in the relay, one in the sandbox and one in the load
 * generator, so 10,000 sessions need more than the common 20,000. This JVM raises its own limit with {@code prlimit}
 * (to {@code -Dbench.nofile}, 65536, where allowed: the hard limit can only be raised as root, else up to the hard
 * limit); the service JVMs and nginx, started afterwards, inherit it.
 */
final class BenchLimits {

    private BenchLimits() {
    }

    /** Raises this JVM's open-file limit; returns what it is now, for the report. */
    static String raiseOpenFiles() throws Exception {
        long wanted = Long.getLong("bench.nofile", 65_536);
        long pid = ProcessHandle.current().pid();
        if (softLimit(pid) < wanted && !prlimit(pid, wanted + ":" + wanted)) {
            prlimit(pid, hardLimit(pid) + ":" + hardLimit(pid));
        }
        return "open files " + softLimit(pid) + (softLimit(pid) < wanted ? " (wanted " + wanted + ", not allowed)" : "");
    }

    private static boolean prlimit(long pid, String limits) throws Exception {
        Process p = new ProcessBuilder("prlimit", "--pid", Long.toString(pid), "--nofile=" + limits)
                .redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor() == 0;
    }

    static long softLimit(long pid) throws IOException {
        return limit(pid, 3);
    }

    private static long hardLimit(long pid) throws IOException {
        return limit(pid, 4);
    }

    private static long limit(long pid, int column) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "limits"))) {
            if (line.startsWith("Max open files")) {
                String value = line.trim().split("\\s+")[column];
                return value.equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(value);
            }
        }
        return Long.MAX_VALUE;
    }

    static long openFiles(long pid) throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            return fds.count();
        }
    }

    /** The soft limit minus the descriptors open now. */
    static long fileHeadroom(long pid) throws IOException {
        return softLimit(pid) - openFiles(pid);
    }
}
