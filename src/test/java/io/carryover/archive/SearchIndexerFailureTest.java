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
        // Only the indexer's own settings and its backoff cap: a writer setting asked for would be a bug here.
        ArchiveConfig config = (ArchiveConfig) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] { ArchiveConfig.class }, (proxy, method, args) -> switch (method.getName()) {
                    case "maxRetryBackoff" -> Duration.ofMinutes(1);
                    case "searchIndexInterval" -> Duration.ZERO;
                    case "searchIndexChunk" -> 1000;
                    case "searchIndexYieldLag" -> Duration.ofSeconds(1);
                    case "searchIndexYieldRate" -> 1000;
                    default -> throw new UnsupportedOperationException(method.getName() + " is not the indexer's");
                });
        SearchIndexer indexer = new SearchIndexer(broken, null, config, new SimpleMeterRegistry());

        assertDoesNotThrow(indexer::scheduled);
        assertDoesNotThrow(indexer::scheduled); // within the backoff: not asked again
        assertEquals(1, asked.get());
        assertEquals(2, indexer.runs());
    }
}
