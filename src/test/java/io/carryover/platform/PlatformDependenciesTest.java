package io.carryover.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.carryover.testing.PackageDependencies;

/**
 * The platform package is the end of the data flow: it serves enrichment and the agent API (their priorities are its
 * own {@link CallPriority}) without naming a type of theirs, or of anything else downstream of the relay.
 */
class PlatformDependenciesTest {

    @Test
    void platformClassesReferenceNoOtherFeaturePackage() throws Exception {
        assertEquals(Set.of(), PackageDependencies.offending(RegionClient.class, List.of("io/carryover/archive/",
                "io/carryover/enrich/", "io/carryover/history/", "io/carryover/agent/", "io/carryover/sandbox/",
                "io/carryover/identity/")));
    }
}
