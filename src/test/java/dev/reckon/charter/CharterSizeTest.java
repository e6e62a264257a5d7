package dev.reckon.charter;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** A charter file of a megabyte is refused before it is read. */
class CharterSizeTest {
    @Test
    void aOneMegabyteCharterIsRefusedAtOnce(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("big.yaml");
        Files.writeString(f, "id: big\npurpose: " + "x".repeat(1 << 20) + "\n");
        long t = System.nanoTime();
        CharterFile.Result r = CharterFile.read(f, ZoneOffset.UTC);
        assertTrue(System.nanoTime() - t < 1_000_000_000L);
        assertTrue(r.errors().get(0).getMessage().contains("more than a charter may be"), r.errors().toString());
    }
}
