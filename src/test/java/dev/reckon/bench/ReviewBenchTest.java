package dev.reckon.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code reckon bench review --dir DIR}: the ledger is generated and ingested once, then used again. */
class ReviewBenchTest {
    @Test
    void aSecondRunInTheSameDirectoryUsesTheLedgerAgainAndFindsTheSameFigures(@TempDir Path dir) throws Exception {
        List<ReviewBench.Figure> first = ReviewBench.run(new int[] {300}, null, dir, null);
        assertTrue(Files.isRegularFile(dir.resolve("ledger-300.db")));
        assertTrue(Files.isRegularFile(dir.resolve("ledger-300.db.done")));
        assertTrue(Files.isRegularFile(dir.resolve("sacct-300.txt")));
        assertTrue(first.get(0).ingestS() > 0);
        long modified = Files.getLastModifiedTime(dir.resolve("sacct-300.txt")).toMillis();

        List<ReviewBench.Figure> again = ReviewBench.run(new int[] {300}, null, dir, null);
        assertEquals(0, again.get(0).ingestS());
        assertEquals(first.get(0).reviewedJobs(), again.get(0).reviewedJobs());
        assertEquals(first.get(0).killList(), again.get(0).killList());
        assertEquals(modified, Files.getLastModifiedTime(dir.resolve("sacct-300.txt")).toMillis());
    }
}
