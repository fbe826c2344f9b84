package io.carryover.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.carryover.testing.PackageDependencies;

/**
 * Packages depend only upstream (relay → archive → enrich → platform): the archive's compiled classes must not name
 * a type of a downstream package.
 */
class ArchiveDependenciesTest {

    private static final List<String> DOWNSTREAM = List.of("io/carryover/enrich/", "io/carryover/platform/",
            "io/carryover/history/", "io/carryover/agent/", "io/carryover/sandbox/");

    @Test
    void archiveClassesReferenceNoDownstreamPackage() throws Exception {
        assertTrue(PackageDependencies.classesOf(ArchiveWriter.class).size() > 5);
        assertEquals(Set.of(), PackageDependencies.offending(ArchiveWriter.class, DOWNSTREAM));
    }

    @Test
    void theRuleSeesTypesUsedOnlyInsideMethodBodies() throws Exception {
        Path self = PackageDependencies.classesOf(ArchiveDependenciesTest.class).stream()
                .filter(p -> p.getFileName().toString().equals("ArchiveDependenciesTest.class")).findFirst()
                .orElseThrow();
        assertTrue(PackageDependencies.referencedTypes(self).contains("io/carryover/testing/PackageDependencies"));
    }
}
