package io.carryover.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Time the hypervisor gave to others while a vCPU wanted to run ({@code steal} in {@code /proc/stat}), per CPU, summed
 * over the intervals between {@link #begin()} and {@link #end()}. On a shared host it moves every path's tail; a round
 * with more steal is a noisier round, whatever ran in it.
 */
final class CpuSteal {

    private static final Path STAT = Path.of("/proc/stat");

    private final long[] stolen = new long[2];
    private final long[] total = new long[2];
    private long[][] atBegin;

    void begin() {
        atBegin = read();
    }

    void end() {
        long[][] now = read();
        if (atBegin == null || now == null) {
            return;
        }
        for (int cpu = 0; cpu < 2; cpu++) {
            stolen[cpu] += now[cpu][0] - atBegin[cpu][0];
            total[cpu] += now[cpu][1] - atBegin[cpu][1];
        }
        atBegin = null;
    }

    /** "CPU 0 1.2 %, CPU 1 3.4 %" of each CPU's time, or "unknown" where /proc/stat is not readable. */
    String describe() {
        if (total[0] == 0 || total[1] == 0) {
            return "unknown";
        }
        return String.format(Locale.ROOT, "CPU 0 %.1f %%, CPU 1 %.1f %%", 100.0 * stolen[0] / total[0],
                100.0 * stolen[1] / total[1]);
    }

    /** Per CPU 0 and 1: {steal, all fields} in clock ticks; null where there is no such file or no second CPU. */
    private static long[][] read() {
        try {
            List<String> lines = Files.readAllLines(STAT);
            long[][] cpus = new long[2][];
            for (String line : lines) {
                String[] fields = line.trim().split("\\s+");
                int cpu = fields[0].equals("cpu0") ? 0 : fields[0].equals("cpu1") ? 1 : -1;
                if (cpu < 0 || fields.length < 9) {
                    continue;
                }
                long all = 0;
                for (int i = 1; i < fields.length; i++) {
                    all += Long.parseLong(fields[i]);
                }
                cpus[cpu] = new long[] { Long.parseLong(fields[8]), all };
            }
            return cpus[0] == null || cpus[1] == null ? null : cpus;
        } catch (IOException | NumberFormatException e) {
            return null;
        }
    }
}
