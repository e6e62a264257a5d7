package dev.reckon.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.reckon.core.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SimulateCommandTest {
    static final String TRACE = """
            ; MaxNodes: 2
            ; MaxProcs: 4
            10 0 0 100 4 -1 -1 4 100 -1 1 1 1 1 1 -1 -1 -1
            11 5 0 10 4 -1 -1 4 10 -1 1 1 1 1 1 -1 -1 -1
            12 6 0 5 1 -1 -1 1 5 -1 1 2 1 1 1 -1 -1 -1
            13 7 0 5 64 -1 -1 64 5 -1 1 2 1 1 1 -1 -1 -1
            """;

    @Test
    void jsonHasJobsDroppedAndMetrics(@TempDir Path dir) throws Exception {
        Path t = dir.resolve("t.swf");
        Files.writeString(t, TRACE);
        Cli.Result r = new Cli(dir).run("simulate", "--trace", t.toString(), "--policy", "fcfs", "--json");
        assertEquals(0, r.exit(), r.toString());
        JsonNode o = Json.mapper().readTree(r.out());
        assertEquals(3, o.get("jobs").size());
        JsonNode first = o.get("jobs").get(0);
        assertEquals("10", first.get("job_id").asText());
        assertEquals(0, first.get("submit_s").asLong());
        assertEquals(0, first.get("start_s").asLong());
        assertEquals(100, first.get("end_s").asLong());
        JsonNode third = o.get("jobs").get(2);
        assertEquals("12", third.get("job_id").asText());
        assertEquals(110, third.get("start_s").asLong());
        assertEquals("13", o.get("dropped").get(0).get("job_id").asText());
        assertTrue(o.get("dropped").get(0).get("reason").asText().contains("asks for 32 nodes"));
        JsonNode m = o.get("metrics");
        for (String k : new String[] {"mean_wait_s", "median_wait_s", "p95_wait_s", "mean_bounded_slowdown",
                "utilisation", "makespan_s", "series"}) {
            assertTrue(m.has(k), k);
        }
        assertEquals(115, m.get("makespan_s").asLong());
    }

    @Test
    void terminalAndHtmlOutputs(@TempDir Path dir) throws Exception {
        Path t = dir.resolve("t.swf");
        Files.writeString(t, TRACE);
        Cli.Result r = new Cli(dir).run("simulate", "--trace", t.toString());
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("wait, mean"), r.out());
        assertTrue(r.out().contains("13: asks for 32 nodes"), r.out());
        Path page = dir.resolve("s.html");
        r = new Cli(dir).run("simulate", "--trace", t.toString(), "--html", page.toString());
        assertEquals(0, r.exit(), r.toString());
        String html = Files.readString(page);
        assertTrue(html.contains("id=\"chart-waits\"") && html.contains("id=\"chart-utilisation\"")
                && html.contains("id=\"chart-queue\""));
        assertFalse(html.contains("<script"));
        assertFalse(html.contains("http://") || html.contains("https://"));
    }

    @Test
    void badTraceLineIsReportedByFileLineAndField(@TempDir Path dir) throws Exception {
        Path t = dir.resolve("bad.swf");
        Files.writeString(t, "; MaxNodes: 2\n1 0 0 1x 1 -1 -1 1 5 -1 1 1 1 1 1 -1 -1 -1\n");
        Cli.Result r = new Cli(dir).run("simulate", "--trace", t.toString());
        assertEquals(Main.EXIT_DATA, r.exit(), r.toString());
        assertTrue(r.err().startsWith("reckon: " + t + ":2: field 4 (run time)"), r.err());
        assertFalse(r.err().contains("\tat "), r.err());
    }

    @Test
    void badMachineFileIsReportedByFileLineAndField(@TempDir Path dir) throws Exception {
        Path t = dir.resolve("t.swf");
        Files.writeString(t, TRACE);
        Path m = dir.resolve("m.txt");
        Files.writeString(m, "cpu 2 2 4G\ngpu two 2 4G\n");
        Cli.Result r = new Cli(dir).run("simulate", "--trace", t.toString(), "--machine", m.toString());
        assertEquals(Main.EXIT_DATA, r.exit(), r.toString());
        assertEquals("reckon: " + m + ":2: field 2 (nodes): \"two\" is not a whole number of at least 0\n", r.err());
    }

    @Test
    void traceWithoutMachineAsksForOne(@TempDir Path dir) throws Exception {
        Path t = dir.resolve("t.swf");
        Files.writeString(t, "1 0 0 1 1 -1 -1 1 5 -1 1 1 1 1 1 -1 -1 -1\n");
        Cli.Result r = new Cli(dir).run("simulate", "--trace", t.toString());
        assertEquals(Main.EXIT_DATA, r.exit(), r.toString());
        assertTrue(r.err().contains("give --machine FILE"), r.err());
    }

    @Test
    void unknownPolicyIsAUsageError(@TempDir Path dir) throws Exception {
        Path t = dir.resolve("t.swf");
        Files.writeString(t, TRACE);
        Cli.Result r = new Cli(dir).run("simulate", "--trace", t.toString(), "--policy", "lifo");
        assertEquals(Main.EXIT_USAGE, r.exit(), r.toString());
        assertTrue(r.err().contains("one of fcfs, easy, conservative, priority"), r.err());
    }

    @Test
    void missingTraceIsAnIoError(@TempDir Path dir) {
        Cli.Result r = new Cli(dir).run("simulate", "--trace", dir.resolve("nope.swf").toString());
        assertEquals(Main.EXIT_IO, r.exit(), r.toString());
        assertFalse(r.err().contains("\tat "), r.err());
    }
}
