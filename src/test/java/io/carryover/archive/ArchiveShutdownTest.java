package io.carryover.archive;

import static io.carryover.testing.Archive.conversations;
import static io.carryover.testing.Archive.guestOf;
import static io.carryover.testing.Archive.messages;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.time.Duration;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.annotation.Priority;
import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.agroal.api.AgroalDataSource;
import io.carryover.identity.Identity;
import io.carryover.relay.FrameTap;
import io.carryover.testing.Archive.StoredMessage;
import io.carryover.testing.DatabaseLink;
import io.carryover.testing.Guest;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The archive's shutdown step on an archive of its own (the application's keeps running): when it returns, what the
 * relay had copied is written, and nothing of the archive is still running when the next step releases leases.
 */
@QuarkusTest
class ArchiveShutdownTest {

    @Inject
    ArchiveConfig config;
    @Inject
    AgroalDataSource dataSource;

    @AfterEach
    void restore() {
        DatabaseLink.restoreDatabase();
    }

    @Test
    void whenTheDrainReturnsWhatTheRelayCopiedIsWritten() {
        StandaloneArchive archive = new StandaloneArchive(config.drainTimeout());
        String token = Guest.newToken();
        chat(archive.tap.open(Guest.DEPLOYMENT, Identity.MISSING), token, "said just before shutdown");

        archive.drain.drain(new ShutdownEvent());

        assertFalse(archive.writer.alive());
        assertEquals(1, conversations(guestOf(token)).size());
        assertEquals(List.of("said just before shutdown"),
                messages(conversations(guestOf(token)).get(0).id()).stream().map(StoredMessage::text).toList());
    }

    @Test
    void withPostgresqlUnreachableTheDrainGivesUpAtItsTimeoutAndLeavesNoWriterBehind() {
        StandaloneArchive archive = new StandaloneArchive(Duration.ofSeconds(1));
        DatabaseLink.cutDatabase();
        chat(archive.tap.open(Guest.DEPLOYMENT, Identity.MISSING), Guest.newToken(), "never stored");
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !archive.writer.databaseUp());

        archive.drain.drain(new ShutdownEvent());

        assertFalse(archive.writer.alive(), "a writer still retrying would write after the leases are released");
    }

    @Test
    void theArchiveDrainsAfterTheRelayAndBeforeTheOutboxReleasesLeases() throws Exception {
        Method drain = ArchiveDrain.class.getDeclaredMethod("drain", ShutdownEvent.class);
        int priority = drain.getParameters()[0].getAnnotation(Priority.class).value();
        assertTrue(priority > 1 && priority < 30, "relay 1 < archive " + priority + " < outbox 30");
    }

    /** configureSession, a new session and one echoed guest text, as the relay copies them. */
    private static void chat(FrameTap.Listener listener, String token, String text) {
        listener.fromClient(("{\"action\":\"configureSession\",\"deploymentId\":\"" + Guest.DEPLOYMENT
                + "\",\"token\":\"" + token + "\",\"startNew\":false}").getBytes(StandardCharsets.UTF_8));
        listener.fromUpstream(("{\"type\":\"response\",\"class\":\"SessionResponse\",\"code\":200,"
                + "\"body\":{\"connected\":true,\"newSession\":true,\"readOnly\":false}}").getBytes(StandardCharsets.UTF_8));
        listener.fromUpstream(("{\"type\":\"message\",\"class\":\"StructuredMessage\",\"code\":200,\"body\":{\"id\":\""
                + UUID.randomUUID() + "\",\"type\":\"Text\",\"direction\":\"Inbound\",\"text\":\"" + text
                + "\",\"channel\":{\"time\":\"" + Instant.now() + "\"}}}").getBytes(StandardCharsets.UTF_8));
    }

    /** A tap, writer and drain of their own, on the application's database, with this drain timeout. */
    private final class StandaloneArchive {
        final ArchiveWriter writer;
        final ArchiveTap tap;
        final ArchiveDrain drain;

        StandaloneArchive(Duration drainTimeout) {
            ArchiveConfig withTimeout = new WriterConfig() {
                @Override
                public int bufferCapacity() {
                    return config.bufferCapacity();
                }

                @Override
                public int batchSize() {
                    return config.batchSize();
                }

                @Override
                public int tapQueueCapacity() {
                    return config.tapQueueCapacity();
                }

                @Override
                public int writers() {
                    return config.writers();
                }

                @Override
                public boolean synchronousCommit() {
                    return config.synchronousCommit();
                }

                @Override
                public Duration batchLinger() {
                    return config.batchLinger();
                }

                @Override
                public Duration maxRetryBackoff() {
                    return config.maxRetryBackoff();
                }

                @Override
                public Duration drainTimeout() {
                    return drainTimeout;
                }
            };
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            ArchiveMetrics metrics = new ArchiveMetrics(registry);
            writer = new ArchiveWriter(withTimeout, dataSource, metrics, registry, new NoConversationListener(), (transaction, customerIds) -> java.util.Map.of());
            writer.start(null);
            tap = new ArchiveTap(withTimeout, writer, metrics);
            drain = new ArchiveDrain(withTimeout, tap, writer,
                    new SearchIndexer(dataSource, writer, withTimeout, registry)); // timer not started
        }
    }
}
