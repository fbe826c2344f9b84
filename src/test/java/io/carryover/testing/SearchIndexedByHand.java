package io.carryover.testing;

import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/** No scheduled runs, the search indexer's timer included: tests index by calling the indexer, in chunks of three ids. */
public class SearchIndexedByHand implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("quarkus.scheduler.enabled", "false", "carryover.archive.search-index-interval", "0s",
                "carryover.archive.search-index-chunk", "3");
    }
}
