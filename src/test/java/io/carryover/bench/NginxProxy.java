package io.carryover.bench;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * nginx as a plain WebSocket reverse proxy in front of the sandbox: the "what any proxy costs" reference that
 * Carryover's relay is compared against in the same run. Started from a generated config in a temporary directory.
 */
final class NginxProxy implements AutoCloseable {

    private final Process process;
    private final Path dir;
    private final String binary;

    private NginxProxy(Process process, Path dir, String binary) {
        this.process = process;
        this.dir = dir;
        this.binary = binary;
    }

    static NginxProxy start(String binary, int port, int upstreamPort) throws Exception {
        return start(binary, port, upstreamPort, List.of());
    }

    /** {@code wrapper}: a command prefix such as {@code taskset -c 1}. */
    static NginxProxy start(String binary, int port, int upstreamPort, List<String> wrapper) throws Exception {
        Path dir = Files.createTempDirectory("carryover-bench-nginx");
        Files.createDirectories(dir.resolve("logs"));
        // proxy_buffering off and tcp_nodelay so that frames are not held back.
        Files.writeString(dir.resolve("nginx.conf"), """
                worker_processes auto;
                pid %1$s/nginx.pid;
                error_log %1$s/logs/error.log warn;
                events { worker_connections 16384; }
                http {
                    access_log off;
                    client_body_temp_path %1$s;
                    proxy_temp_path %1$s;
                    fastcgi_temp_path %1$s;
                    uwsgi_temp_path %1$s;
                    scgi_temp_path %1$s;
                    map $http_upgrade $connection_upgrade { default upgrade; '' close; }
                    server {
                        listen 127.0.0.1:%2$d;
                        location / {
                            proxy_pass http://127.0.0.1:%3$d;
                            proxy_http_version 1.1;
                            proxy_set_header Upgrade $http_upgrade;
                            proxy_set_header Connection $connection_upgrade;
                            proxy_buffering off;
                            proxy_read_timeout 3600s;
                            tcp_nodelay on;
                        }
                    }
                }
                """.formatted(dir, port, upstreamPort));
        List<String> command = new java.util.ArrayList<>(wrapper);
        command.addAll(List.of(binary, "-p", dir.toString(), "-c", dir.resolve("nginx.conf").toString(), "-g",
                "daemon off;"));
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("logs/stdout.log").toFile()).start();
        NginxProxy nginx = new NginxProxy(process, dir, binary);
        nginx.awaitListening(port);
        return nginx;
    }

    private void awaitListening(int port) throws Exception {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("nginx exited; see " + dir.resolve("logs"));
            }
            try (Socket ignored = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException notYet) {
                Thread.sleep(100);
            }
        }
        throw new IllegalStateException("nginx not listening within 10 s; see " + dir.resolve("logs"));
    }

    /** "1.22.1", from {@code nginx -v}. */
    String version() throws Exception {
        Process v = new ProcessBuilder(binary, "-v").redirectErrorStream(true).start();
        String out = new String(v.getInputStream().readAllBytes()).trim();
        v.waitFor();
        int slash = out.lastIndexOf('/');
        return slash < 0 ? out : out.substring(slash + 1);
    }

    @Override
    public void close() throws Exception {
        process.destroy();
        process.waitFor();
    }
}
