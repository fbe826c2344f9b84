package io.carryover.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** A Carryover JVM started from the packaged jar, for benchmarks that need it in its own process. */
final class ServiceProcess implements AutoCloseable {

    /** Heap and GC of the service JVMs: {@code -Dbench.jvm="..."} to compare settings. */
    static final List<String> JVM_FLAGS = List.of(System.getProperty("bench.jvm", "-Xmx768m -XX:+UseG1GC -XX:MaxGCPauseMillis=20").trim().split("\\s+"));

    /** The service JVMs' java ({@code -Dbench.java=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}); default this JVM's. */
    static final String JAVA = System.getProperty("bench.java", "").isBlank()
            ? Path.of(System.getProperty("java.home"), "bin", "java").toString() : System.getProperty("bench.java").trim();

    /**
     * HTTP/1.1 and a timeout on every request: the default client's HTTP/2 upgrade request once never got an answer from
     * a saturated relay, and without a timeout the archive phase then waited forever while its flood went on.
     */
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(15);

    private final Process process;
    private final int port;
    private final String name;

    private ServiceProcess(String name, Process process, int port) {
        this.name = name;
        this.process = process;
        this.port = port;
    }

    static ServiceProcess start(String name, Path jar, int port, List<String> properties) throws Exception {
        return start(name, jar, port, properties, Duration.ofSeconds(60));
    }

    /** {@code readyWithin}: Flyway runs before the service is ready, which takes long on a large database. */
    static ServiceProcess start(String name, Path jar, int port, List<String> properties, Duration readyWithin)
            throws Exception {
        return start(name, jar, port, properties, readyWithin, List.of(), JVM_FLAGS);
    }

    /** {@code wrapper}: a command prefix such as {@code taskset -c 0}; {@code jvmFlags} instead of bench.jvm's. */
    static ServiceProcess start(String name, Path jar, int port, List<String> properties, Duration readyWithin,
            List<String> wrapper, List<String> jvmFlags) throws Exception {
        List<String> command = new ArrayList<>(wrapper);
        command.add(JAVA);
        command.addAll(jvmFlags);
        command.add("-Dquarkus.http.port=" + port);
        // Bench only: the JVM's own counters (allocation, GC) for JvmCounters; loopback, no auth.
        command.add("-Dcom.sun.management.jmxremote.port=" + jmxPort(port));
        command.add("-Dcom.sun.management.jmxremote.rmi.port=" + jmxPort(port));
        command.add("-Dcom.sun.management.jmxremote.host=127.0.0.1");
        command.add("-Djava.rmi.server.hostname=127.0.0.1");
        command.add("-Dcom.sun.management.jmxremote.authenticate=false");
        command.add("-Dcom.sun.management.jmxremote.ssl=false");
        command.add("-Dquarkus.log.level=WARN");
        command.addAll(properties);
        command.add("-jar");
        command.add(jar.toString());
        Path log = Files.createTempFile("carryover-bench-" + name, ".log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        ServiceProcess service = new ServiceProcess(name, process, port);
        service.awaitReady(log, readyWithin);
        return service;
    }

    private void awaitReady(Path log, Duration readyWithin) throws Exception {
        long deadline = System.nanoTime() + readyWithin.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited; see " + log);
            }
            try {
                HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(
                        URI.create("http://localhost:" + port + "/q/health/ready")).timeout(REQUEST_TIMEOUT).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException(name + " not ready within " + readyWithin.toSeconds() + " s; see " + log);
    }

    int port() {
        return port;
    }

    /** The service's JMX port: its HTTP port + 1000. */
    static int jmxPort(int httpPort) {
        return httpPort + 1000;
    }

    JvmCounters counters() throws Exception {
        return new JvmCounters(jmxPort(port));
    }

    long pid() {
        return process.pid();
    }

    /** Resident set size now and at its peak, in bytes, from /proc. */
    long[] residentBytes() throws IOException {
        long rss = 0;
        long peak = 0;
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
            if (line.startsWith("VmRSS:")) {
                rss = kilobytes(line) * 1024;
            } else if (line.startsWith("VmHWM:")) {
                peak = kilobytes(line) * 1024;
            }
        }
        return new long[] { rss, peak };
    }

    /** Open-file headroom for new sockets: the soft limit minus the descriptors open now. */
    long fileHeadroom() throws IOException {
        return BenchLimits.fileHeadroom(process.pid());
    }

    /** One sample from the service's Prometheus endpoint (0 if absent). */
    double metric(String name, String label) throws Exception {
        String body = HTTP.send(HttpRequest.newBuilder(
                URI.create("http://localhost:" + port + "/q/metrics")).timeout(REQUEST_TIMEOUT).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        double total = 0;
        for (String line : body.split("\n")) {
            if ((line.startsWith(name + "{") || line.startsWith(name + " ")) && (label == null || line.contains(label))) {
                total += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return total;
    }

    private static long kilobytes(String line) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(15, java.util.concurrent.TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
