package io.carryover.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import io.carryover.identity.Identity;
import io.carryover.relay.FrameTap;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * The archive lag runs from the moment the relay received a frame, so it shows frames still waiting to be parsed,
 * not only records waiting for PostgreSQL. The writer is never started here: whatever is parsed stays buffered.
 */
class ArchiveLagTest {

    private static final String DEPLOYMENT = "lag-deployment";

    @Test
    void framesWaitingToBeParsedCountFromTheirReceiptAndTheirRecordsKeepThatTime() throws Exception {
        CountDownLatch parserHeld = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        ArchiveMetrics metrics = new ArchiveMetrics(registry) {
            @Override
            void unparsable(String direction) {
                super.unparsable(direction);
                parserHeld.countDown();
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        ArchiveWriter writer = new ArchiveWriter(config(), null, metrics, registry, new NoConversationListener(), (transaction, customerIds) -> java.util.Map.of());
        ArchiveTap tap = new ArchiveTap(config(), writer, metrics);
        FrameTap.Listener connection = tap.open(DEPLOYMENT, Identity.MISSING);

        // Not JSON: its shape check holds the connection's parser, so the frames behind it wait.
        connection.fromClient("not json".getBytes(StandardCharsets.UTF_8));
        assertTrue(parserHeld.await(5, TimeUnit.SECONDS));
        long received = System.nanoTime();
        connection.fromClient(("{\"action\":\"configureSession\",\"deploymentId\":\"" + DEPLOYMENT
                + "\",\"token\":\"" + UUID.randomUUID() + "\",\"startNew\":false}").getBytes(StandardCharsets.UTF_8));
        connection.fromUpstream(("{\"type\":\"response\",\"class\":\"SessionResponse\",\"code\":200,"
                + "\"body\":{\"connected\":true,\"newSession\":true,\"readOnly\":false}}").getBytes(StandardCharsets.UTF_8));
        assertEquals(0, writer.buffered(), "nothing parsed yet");

        Thread.sleep(300);
        double waited = (System.nanoTime() - received) / 1e9;
        assertTrue(writer.lagSeconds() >= 0.3 && writer.lagSeconds() <= waited + 0.05,
                "lag " + writer.lagSeconds() + " s while the frames waited " + waited + " s to be parsed");

        release.countDown();
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> writer.buffered() > 0);
        assertTrue(writer.lagSeconds() >= (System.nanoTime() - received) / 1e9 - 0.05,
                "parsed records keep the time their frame was received: lag " + writer.lagSeconds());
        tap.stop(System.nanoTime());
    }

    static ArchiveConfig config() {
        return new WriterConfig() {
            @Override
            public int bufferCapacity() {
                return 1000;
            }

            @Override
            public int batchSize() {
                return 100;
            }

            @Override
            public int writers() {
                return 2;
            }

            @Override
            public boolean synchronousCommit() {
                return true;
            }

            @Override
            public int tapQueueCapacity() {
                return 100;
            }

            @Override
            public Duration batchLinger() {
                return Duration.ZERO;
            }

            @Override
            public Duration maxRetryBackoff() {
                return Duration.ofSeconds(1);
            }

            @Override
            public Duration drainTimeout() {
                return Duration.ofSeconds(1);
            }
        };
    }
}
