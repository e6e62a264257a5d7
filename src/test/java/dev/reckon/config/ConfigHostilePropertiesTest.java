package dev.reckon.config;

import dev.reckon.core.HostileBytes;
import dev.reckon.core.InputError;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Hostile bytes in the settings file (bytes not UTF-8, control characters, overflowing numbers, runs up to 100,000
 * characters, past the 64 KiB limit): settings, or an InputError naming the file (and the line where there is one)
 * in at most 400 characters; never another exception.
 */
class ConfigHostilePropertiesTest {
    static final String VALID = """
            # reckon settings
            ledger: ~/ledger.db
            timezone: Europe/Paris
            cluster: tiny
            charters: charters
            exits:
              approach_budget: 0.8
              approach_days: 7
            """;

    @Provide
    Arbitrary<List<HostileBytes.Mutation>> mutations() {
        return HostileBytes.mutations(6, 100_000);
    }

    @Property(tries = 400)
    void hostileSettingsGiveSettingsOrALocatedError(@ForAll("mutations") List<HostileBytes.Mutation> m)
            throws IOException {
        Path dir = Files.createTempDirectory("config-fuzz");
        Path file = dir.resolve("config.yaml");
        try {
            Files.write(file, HostileBytes.apply(VALID, m));
            try {
                Config.load(Map.of("RECKON_CONFIG", file.toString(), "HOME", dir.toString()));
            } catch (InputError e) {
                HostileBytes.assertLocated(e, file.toString());
            }
        } finally {
            Files.deleteIfExists(file);
            Files.deleteIfExists(dir);
        }
    }
}
