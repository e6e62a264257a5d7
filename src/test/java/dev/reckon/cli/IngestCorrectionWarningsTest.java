package dev.reckon.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code reckon ingest sacct} says what it stored corrected: one warning per value on standard error, naming
 * {@code FILE:LINE: FIELD}, the job and the correction, and a count on the summary line; with {@code --json}, the
 * count ({@code corrected}) and the warnings in the report. Past 100 warnings, the rest are counted, not listed.
 */
class IngestCorrectionWarningsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String HEAD = "JobID|JobName|State|Start|End|ElapsedRaw|AllocCPUS|TotalCPU\n";

    @TempDir
    Path dir;

    @Test
    void correctedValuesAreToldAsWarningsInTextAndJson() throws Exception {
        Path f = dir.resolve("jobs.txt");
        String step = "1.0|s|COMPLETED|2024-01-01T00:00:00|2024-01-01T01:00:00|3600|4|01:00:00\n";
        Files.writeString(f, HEAD + "1|j|COMPLETED|2024-01-01T00:00:00|2024-01-01T01:00:00|3600|4|\n" + step + step
                + "2|x\u001by|COMPLETED|2024-01-01T00:00:00|2024-01-01T01:00:00|3600|4|12:00:00\n");
        Cli cli = new Cli(dir);
        Cli.Result text = cli.run("ingest", "sacct", f.toString());
        assertEquals(0, text.exit(), text.toString());
        String file = f.toString();
        assertTrue(text.err().contains("reckon: warning: " + file + ":4: JobID: job 1: step 1.0 printed again"), text.err());
        assertTrue(text.err().contains("reckon: warning: " + file + ":5: JobName: job 2: 1 control character stored as U+FFFD"),
                text.err());
        assertTrue(text.err().contains("reckon: warning: " + file + ":5: TotalCPU: job 2: CPU time 43200 s is more than "
                + "4 CPUs for 3600 s allow: stored as 14404 s"), text.err());
        assertTrue(text.out().contains("2 jobs read: 2 new, 0 updated, 0 unchanged (3 values stored corrected)"), text.out());

        Cli.Result json = cli.run("ingest", "sacct", "--json", f.toString());
        assertEquals(0, json.exit(), json.toString());
        JsonNode report = JSON.readTree(json.out());
        assertEquals(3, report.get("corrected").asInt(), json.out());
        assertEquals(3, report.get("warnings").size(), json.out());
        assertTrue(report.get("warnings").get(0).asText().startsWith(file + ":4: JobID: job 1: "), json.out());
        assertTrue(!json.err().contains("warning"), "JSON carries them: " + json.err());
    }

    @Test
    void cleanInputPrintsNoWarning() throws Exception {
        Path f = dir.resolve("clean.txt");
        Files.writeString(f, HEAD + "1|j|COMPLETED|2024-01-01T00:00:00|2024-01-01T01:00:00|3600|4|01:00:00\n");
        Cli.Result r = new Cli(dir).run("ingest", "sacct", "--json", f.toString());
        assertEquals(0, r.exit(), r.toString());
        JsonNode report = JSON.readTree(r.out());
        assertEquals(0, report.get("corrected").asInt());
        assertEquals(0, report.get("warnings").size());
        assertEquals("", r.err());
    }

    @Test
    void pastOneHundredWarningsTheRestAreCounted() throws Exception {
        StringBuilder b = new StringBuilder(HEAD);
        for (int i = 1; i <= 250; i++) {
            b.append(i).append("|j\u0007|COMPLETED|2024-01-01T00:00:00|2024-01-01T01:00:00|3600|4|01:00:00\n");
        }
        Path f = dir.resolve("many.txt");
        Files.writeString(f, b.toString());
        Cli cli = new Cli(dir);
        Cli.Result r = cli.run("ingest", "sacct", f.toString());
        assertEquals(0, r.exit(), r.toString());
        assertEquals(101, r.err().lines().count(), r.err());
        assertTrue(r.err().endsWith("reckon: warning: ... and 150 more values stored corrected\n"), r.err());
        JsonNode report = JSON.readTree(cli.run("ingest", "sacct", "--json", f.toString()).out());
        assertEquals(250, report.get("corrected").asInt());
        assertEquals(100, report.get("warnings").size());
    }
}
