package io.carryover.archive;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/** A run that fails in any way backs off; it never throws to the timer, which would then never run it again. */
class SearchIndexerFailureTest {

    @Test
    void aRunThatFailsUnexpectedlyBacksOffInsteadOfThrowing() {
        AtomicInteger asked = new AtomicInteger();
        DataSource broken = (DataSource) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] { DataSource.class }, (proxy, method, args) -> {
                    asked.incrementAndGet();
                    throw new IllegalStateException("a bug");
                });
        ArchiveConfig config = new WriterConfig() {
            @Override
            public int bufferCapacity() {
                return 1;
            }

            @Override
            public int batchSize() {
                return 1;
            }

            @Override
            public int tapQueueCapacity() {
                return 1;
            }

            @Override
            public int writers() {
                return 1;
            }

            @Override
            public boolean synchronousCommit() {
                return true;
            }

            @Override
            public Duration batchLinger() {
                return Duration.ZERO;
            }

            @Override
            public Duration maxRetryBackoff() {
                return Duration.ofMinutes(1);
            }

            @Override
            public Duration drainTimeout() {
                return Duration.ofSeconds(1);
            }
        };
        SearchIndexer indexer = new SearchIndexer(broken, null, config, new SimpleMeterRegistry());

        assertDoesNotThrow(indexer::scheduled);
        assertDoesNotThrow(indexer::scheduled); // within the backoff: not asked again
        assertEquals(1, asked.get());
        assertEquals(2, indexer.runs());
    }
}
