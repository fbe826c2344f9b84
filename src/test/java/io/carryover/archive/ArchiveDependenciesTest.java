package io.carryover.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.commons.ClassRemapper;
import org.objectweb.asm.commons.Remapper;

/**
 * Packages depend only upstream (relay → archive → enrich → platform): the archive's compiled classes must not name
 * a type of a downstream package. Reads every type reference of the bytecode (signatures, fields, calls, constants).
 */
class ArchiveDependenciesTest {

    private static final List<String> DOWNSTREAM = List.of("io/carryover/enrich/", "io/carryover/platform/",
            "io/carryover/history/", "io/carryover/agent/", "io/carryover/sandbox/");

    @Test
    void archiveClassesReferenceNoDownstreamPackage() throws Exception {
        Set<String> offending = new TreeSet<>();
        List<Path> classes = archiveClasses();
        assertTrue(classes.size() > 5, "archive classes found: " + classes);
        for (Path file : classes) {
            for (String type : referencedTypes(file)) {
                if (DOWNSTREAM.stream().anyMatch(type::startsWith)) {
                    offending.add(file.getFileName() + " -> " + type.replace('/', '.'));
                }
            }
        }
        assertEquals(Set.of(), offending);
    }

    @Test
    void theRuleSeesTypesUsedOnlyInsideMethodBodies() throws Exception {
        Path self = compiledDirectory().resolve("io/carryover/archive/ArchiveDependenciesTest.class");
        assertTrue(referencedTypes(self).contains("org/objectweb/asm/commons/ClassRemapper"));
    }

    private static List<Path> archiveClasses() throws IOException, URISyntaxException {
        Path root = Path.of(ArchiveWriter.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        try (Stream<Path> files = Files.list(root.resolve("io/carryover/archive"))) {
            return files.filter(f -> f.getFileName().toString().endsWith(".class")).sorted().toList();
        }
    }

    private static Path compiledDirectory() throws URISyntaxException {
        return Path.of(ArchiveDependenciesTest.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    private static Set<String> referencedTypes(Path classFile) throws IOException {
        Set<String> types = new TreeSet<>();
        Remapper recorder = new Remapper(Opcodes.ASM9) {
            @Override
            public String map(String internalName) {
                types.add(internalName);
                return internalName;
            }
        };
        try (InputStream in = Files.newInputStream(classFile)) {
            // A writer as the target, so the remapper visits every member and method body (a bare visitor would
            // skip them).
            new ClassReader(in).accept(new ClassRemapper(new ClassWriter(0), recorder), 0);
        }
        return types;
    }
}
