package io.carryover.enrich;

import java.time.Duration;

import jakarta.inject.Singleton;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

@Singleton
class EnrichMetrics {

    private final MeterRegistry registry;
    private final Timer latency;

    EnrichMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.latency = Timer.builder("carryover.enrich.latency")
                .description("From the first Inbound echo to the PATCH accepted by Genesys")
                .publishPercentiles(0.5, 0.99).publishPercentileHistogram()
                .register(registry);
    }

    /** patched, unchanged, no-history, guest, conflict, no-platform, deadline, rejected, lost-lease. */
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
