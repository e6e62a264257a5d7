package dev.reckon.charter;

import dev.reckon.core.HostileBytes;
import dev.reckon.core.InputError;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hostile bytes in a charter file (the documented example changed: bytes not UTF-8, control characters,
 * overflowing numbers and dates, runs up to 300,000 characters, past the 256 KiB limit): a charter, or errors each
 * naming the file (and the line where there is one) in at most 400 characters; never another exception.
 */
class CharterHostilePropertiesTest {

    @Provide
    Arbitrary<List<HostileBytes.Mutation>> mutations() {
        return HostileBytes.mutations(6, 300_000);
    }

    @Property(tries = 400)
    void hostileCharterFilesGiveACharterOrLocatedErrors(@ForAll("mutations") List<HostileBytes.Mutation> m)
            throws IOException {
        Path dir = Files.createTempDirectory("charter-fuzz");
        Path file = dir.resolve("llm-ft.yaml");
        try {
            Files.write(file, HostileBytes.apply(CharterFileTest.VALID, m));
            CharterFile.Result r = CharterFile.read(file, ZoneOffset.UTC);
            for (InputError e : r.errors()) HostileBytes.assertLocated(e, file.toString());
            assertTrue(r.errors().isEmpty() || r.errors().size() < 1000, "bounded errors");
        } finally {
            Files.deleteIfExists(file);
            Files.deleteIfExists(dir);
        }
    }
}
