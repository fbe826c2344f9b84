package io.carryover.archive;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * The indexer keeps its own interval: as a Quarkus {@code @Scheduled} job it ran at most once a second, on the second,
 * with a whole second's messages in one piece.
 */
@QuarkusTest
@TestProfile(SearchIndexerScheduleTest.EveryFiftyMilliseconds.class)
class SearchIndexerScheduleTest {

    public static class EveryFiftyMilliseconds implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("carryover.archive.search-index-interval", "50ms");
        }
    }

    @Inject
    SearchIndexer indexer;

    @Test
    void runsAtItsOwnIntervalNotOnceASecond() throws InterruptedException {
        long before = indexer.runs();
        Thread.sleep(2_000);
        long runs = indexer.runs() - before;
        // About 40 at 50 ms (fewer while a run is long: the delay counts from its end); at most 3 once a second.
        assertTrue(runs >= 10, "runs in 2 s: " + runs);
    }
}
