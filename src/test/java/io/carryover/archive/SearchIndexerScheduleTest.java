package io.carryover.archive;

import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

/**
 * The indexer keeps its own interval (0.2 s): as a Quarkus {@code @Scheduled} job it ran once a second, on the second,
 * with a whole second's messages in one piece.
 */
@QuarkusTest
class SearchIndexerScheduleTest {

    @Inject
    SearchIndexer indexer;

    @Test
    void runsAtItsOwnIntervalNotOnceASecond() throws InterruptedException {
        long before = indexer.runs();
        Thread.sleep(2_000);
        long runs = indexer.runs() - before;
        // 10 at 0.2 s; at most 3 once a second. Generous for a loaded machine.
        assertTrue(runs >= 6, "runs in 2 s: " + runs);
    }
}
