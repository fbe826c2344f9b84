package io.carryover.testing;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.commons.ClassRemapper;
import org.objectweb.asm.commons.Remapper;

/**
 * The one-way data flow (relay → archive → enrich → platform) read from compiled classes: every type reference of
 * the bytecode (signatures, fields, calls, constants) that points into a forbidden package.
 */
public final class PackageDependencies {

    private PackageDependencies() {
    }

    /** "Class -> referenced.Type" for each reference from {@code packageOf}'s package into one of {@code forbidden}. */
    public static Set<String> offending(Class<?> packageOf, List<String> forbidden) throws Exception {
        Set<String> offending = new TreeSet<>();
        for (Path file : classesOf(packageOf)) {
            for (String type : referencedTypes(file)) {
                if (forbidden.stream().anyMatch(type::startsWith)) {
                    offending.add(file.getFileName() + " -> " + type.replace('/', '.'));
                }
            }
        }
        return offending;
    }

    /** The compiled classes of the package (not its subpackages). */
    public static List<Path> classesOf(Class<?> packageOf) throws IOException, URISyntaxException {
        Path root = Path.of(packageOf.getProtectionDomain().getCodeSource().getLocation().toURI());
        try (Stream<Path> files = Files.list(root.resolve(packageOf.getPackageName().replace('.', '/')))) {
            return files.filter(f -> f.getFileName().toString().endsWith(".class")).sorted().toList();
        }
    }

    public static Set<String> referencedTypes(Path classFile) throws IOException {
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
