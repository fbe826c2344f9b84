package io.carryover.relay;

import java.util.concurrent.atomic.AtomicInteger;

import jakarta.inject.Singleton;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/** Counters are resolved once so the per-frame path only increments. */
@Singleton
class RelayMetrics {

    final AtomicInteger activeSessions = new AtomicInteger();
    /** Guest TCP connections still open: may briefly exceed active sessions while closes complete. */
    final AtomicInteger openSockets = new AtomicInteger();
    final Counter sessionsOpened;
    final Counter framesFromClient;
    final Counter framesFromUpstream;
    final Counter bytesFromClient;
    final Counter bytesFromUpstream;
    private final MeterRegistry registry;

    RelayMetrics(MeterRegistry registry) {
        this.registry = registry;
        registry.gauge("carryover.relay.sessions.active", activeSessions);
        registry.gauge("carryover.relay.sockets.open", openSockets);
        sessionsOpened = registry.counter("carryover.relay.sessions.opened");
        framesFromClient = registry.counter("carryover.relay.frames", "direction", "client-to-upstream");
        framesFromUpstream = registry.counter("carryover.relay.frames", "direction", "upstream-to-client");
        bytesFromClient = registry.counter("carryover.relay.bytes", "direction", "client-to-upstream");
        bytesFromUpstream = registry.counter("carryover.relay.bytes", "direction", "upstream-to-client");
    }

    /** A transport error on a guest ({@code client}) or Genesys ({@code upstream}) socket, e.g. a TCP reset. */
    void error(String side) {
        registry.counter("carryover.relay.errors", "side", side).increment();
    }

    /** A connection the relay closed itself, by reason (binary, oversize, slow-client, upstream-unavailable, ...). */
    void closedByRelay(String reason) {
        registry.counter("carryover.relay.closed", "reason", reason).increment();
    }
}
