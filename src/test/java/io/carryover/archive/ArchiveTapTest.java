package io.carryover.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import io.carryover.identity.Identity;
import io.carryover.relay.FrameTap;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/** The tap's parsing threads outlive faults of ours; the writer is never started, so parsed records stay buffered. */
class ArchiveTapTest {

    private static final String DEPLOYMENT = "tap-deployment";

    @Test
    void anErrorWhileParsingLeavesThePartitionParsingTheNextFrames() {
        AtomicBoolean failed = new AtomicBoolean();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        ArchiveMetrics metrics = new ArchiveMetrics(registry) {
            @Override
            void unparsable(String direction) {
                if (failed.compareAndSet(false, true)) {
                    throw new StackOverflowError("a fault while counting the first frame");
                }
                super.unparsable(direction);
            }
        };
        ArchiveWriter writer = new ArchiveWriter(ArchiveLagTest.config(), null, metrics, registry,
                new NoConversationListener(), (transaction, customerIds) -> Map.of());
        ArchiveTap tap = new ArchiveTap(ArchiveLagTest.config(), writer, metrics);
        FrameTap.Listener connection = tap.open(DEPLOYMENT, Identity.MISSING);

        connection.fromClient("not json".getBytes(StandardCharsets.UTF_8));
        connection.fromClient(("{\"action\":\"configureSession\",\"deploymentId\":\"" + DEPLOYMENT
                + "\",\"token\":\"" + UUID.randomUUID() + "\",\"startNew\":false}").getBytes(StandardCharsets.UTF_8));
        connection.fromUpstream(("{\"type\":\"response\",\"class\":\"SessionResponse\",\"code\":200,"
                + "\"body\":{\"connected\":true,\"newSession\":true,\"readOnly\":false}}").getBytes(StandardCharsets.UTF_8));

        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> writer.buffered() > 0);
        assertTrue(failed.get(), "the fault happened");
        assertEquals(1.0, registry.get("carryover.archive.dropped").tag("stage", "parse").counter().count(),
                "the lost frame is counted");
        tap.stop(System.nanoTime());
    }
}
