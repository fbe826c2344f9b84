package io.carryover.enrich;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.inject.Singleton;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

@Singleton
class EnrichMetrics {

    private final MeterRegistry registry;
    private final Timer latency;
    private final AtomicLong backlog = new AtomicLong();
    private final AtomicLong oldestDueMillis = new AtomicLong();

    EnrichMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.latency = Timer.builder("carryover.enrich.latency")
                .description("From the first Inbound echo to the PATCH accepted by Genesys")
                .publishPercentiles(0.5, 0.99).publishPercentileHistogram()
                .register(registry);
        Gauge.builder("carryover.enrich.backlog", backlog, AtomicLong::get)
                .description("Pending outbox jobs that are due and not leased")
                .register(registry);
        Gauge.builder("carryover.enrich.oldest.due.seconds", oldestDueMillis, millis -> millis.get() / 1000.0)
                .description("How long the most overdue of those jobs has waited since its attempt was due")
                .register(registry);
    }

    void backlog(EnrichmentJobs.Backlog current) {
        backlog.set(current.due());
        oldestDueMillis.set(current.oldestDue().toMillis());
    }

    /** patched, unchanged, no-history, guest, conflict, no-platform; given up: not-found, forbidden (parked),
     *  deadline, rejected, lost-lease. */
    void outcome(String outcome) {
        registry.counter("carryover.enrich.outcomes", "outcome", outcome).increment();
    }

    void retried(String reason) {
        registry.counter("carryover.enrich.retries", "reason", reason).increment();
    }

    void patched(Duration sinceEcho) {
        latency.record(sinceEcho);
    }
}
