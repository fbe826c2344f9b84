package io.carryover.archive;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;

/**
 * Liveness: the writer thread runs. Readiness stays UP while PostgreSQL is down, because the relay still serves
 * chats and buffers the archive; the details show the outage.
 */
public final class ArchiveHealth {

    private ArchiveHealth() {
    }

    @Liveness
    @ApplicationScoped
    public static class WriterAlive implements HealthCheck {
        private final ArchiveWriter writer;

        WriterAlive(ArchiveWriter writer) {
            this.writer = writer;
        }

        @Override
        public HealthCheckResponse call() {
            return HealthCheckResponse.named("archive-writer").status(writer.alive()).build();
        }
    }

    @Readiness
    @ApplicationScoped
    public static class Buffering implements HealthCheck {
        private final ArchiveWriter writer;

        Buffering(ArchiveWriter writer) {
            this.writer = writer;
        }

        @Override
        public HealthCheckResponse call() {
            return HealthCheckResponse.named("archive")
                    .up()
                    .withData("database", writer.databaseUp() ? "up" : "unreachable, buffering")
                    .withData("buffered", writer.buffered())
                    .withData("lagSeconds", String.format("%.3f", writer.lagSeconds()))
                    .build();
        }
    }
}
