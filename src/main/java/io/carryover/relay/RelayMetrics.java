package io.carryover.relay;

import java.util.concurrent.atomic.AtomicInteger;

import jakarta.inject.Singleton;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/** Counters are resolved once so the per-frame path only increments. */
@Singleton
class RelayMetrics {

    final AtomicInteger activeSessions = new AtomicInteger();
    final Counter sessionsOpened;
    final Counter framesFromClient;
    final Counter framesFromUpstream;
    final Counter bytesFromClient;
    final Counter bytesFromUpstream;
    private final MeterRegistry registry;

    RelayMetrics(MeterRegistry registry) {
        this.registry = registry;
        registry.gauge("carryover.relay.sessions.active", activeSessions);
        sessionsOpened = registry.counter("carryover.relay.sessions.opened");
        framesFromClient = registry.counter("carryover.relay.frames", "direction", "client-to-upstream");
        framesFromUpstream = registry.counter("carryover.relay.frames", "direction", "upstream-to-client");
        bytesFromClient = registry.counter("carryover.relay.chars", "direction", "client-to-upstream");
        bytesFromUpstream = registry.counter("carryover.relay.chars", "direction", "upstream-to-client");
    }

    /** A connection the relay closed itself, by reason (binary, oversize, slow-client, upstream-unavailable, ...). */
    void closedByRelay(String reason) {
        registry.counter("carryover.relay.closed", "reason", reason).increment();
    }
}
