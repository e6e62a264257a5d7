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

class WhatIfCommandTest {
    /** One node of 4 processors: u9 fills it for 1000 s, then u1's jobs queue behind. */
    static final String TRACE = """
            ; MaxNodes: 1
            ; MaxProcs: 4
            1 0 0 1000 4 -1 -1 4 1000 -1 1 9 1 1 1 -1 -1 -1
            2 5 995 100 2 -1 -1 2 5000 -1 1 1 1 1 1 -1 -1 -1
            3 6 994 100 2 -1 -1 2 5000 -1 1 1 1 1 1 -1 -1 -1
            4 7 1093 100 4 -1 -1 4 100 -1 1 1 1 1 1 -1 -1 -1
            """;

    @Test
    void traceWithUndefendedUsersComparesEveryVariantInJson(@TempDir Path dir) throws Exception {
        Path t = dir.resolve("t.swf");
        Files.writeString(t, TRACE);
        Cli.Result r = new Cli(dir).run("whatif", "--trace", t.toString(), "--undefended-users", "u9", "--json");
        assertEquals(0, r.exit(), r.toString());
        JsonNode o = Json.mapper().readTree(r.out());
        JsonNode v = o.get("variants");
        assertEquals("as happened", v.get(0).get("name").asText());
        assertEquals("without undefended", v.get(1).get("name").asText());
        assertEquals("+10% nodes", v.get(2).get("name").asText());
        assertEquals("right-sized", v.get(3).get("name").asText());
        assertEquals(4, v.get(0).get("jobs").asLong());
        assertEquals(3, v.get(1).get("jobs").asLong());
        for (String k : new String[] {"mean_wait_s", "median_wait_s", "p95_wait_s", "mean_bounded_slowdown",
                "utilisation", "makespan_s"}) {
            assertTrue(v.get(0).get("metrics").has(k), k);
        }
        // without u9's hog, job 4 waits only for jobs 2 and 3 (ends 105, 106; submitted 7): (0 + 0 + 99) / 3
        assertEquals(99 / 3.0, v.get(1).get("metrics").get("mean_wait_s").asDouble(), 1e-9);
        assertEquals(4, o.get("recorded").get("jobs").asLong());
        assertTrue(o.get("summary").get(1).asText().startsWith("Removing undefended work (1 jobs) frees"),
                o.get("summary").toString());
    }

    @Test
    void traceWithoutUndefendedUsersSkipsThatVariantWithANote(@TempDir Path dir) throws Exception {
        Path t = dir.resolve("t.swf");
        Files.writeString(t, TRACE);
        Cli.Result r = new Cli(dir).run("whatif", "--trace", t.toString(), "--add-nodes", "100%");
        assertEquals(0, r.exit(), r.toString());
        assertFalse(r.out().contains("without undefended"), r.out());
        assertTrue(r.out().contains("+100% nodes"), r.out());
        assertTrue(r.out().contains("100% more nodes cuts the mean wait by"), r.out());
        assertTrue(r.out().contains("Note: an SWF trace has no charters: give --undefended-users"), r.out());
        assertTrue(r.out().contains("recorded (actual)"), r.out());
    }

    @Test
    void htmlPageHasTheSentencesAndTheChart(@TempDir Path dir) throws Exception {
        Path t = dir.resolve("t.swf");
        Files.writeString(t, TRACE);
        Path page = dir.resolve("w.html");
        Cli.Result r = new Cli(dir).run("whatif", "--trace", t.toString(), "--html", page.toString());
        assertEquals(0, r.exit(), r.toString());
        String html = Files.readString(page);
        assertTrue(html.contains("id=\"chart-mean-wait\"") && html.contains("10% more nodes"), html);
        assertFalse(html.contains("<script"));
    }

    @Test
    void ledgerPeriodUsesTheChartersToFindTheUndefended(@TempDir Path dir) throws Exception {
        Cli cli = new Cli(dir);
        cli.env.put("RECKON_NOW", "2026-11-04T12:00:00Z");
        Path charters = dir.resolve("charters");
        Files.createDirectories(charters);
        Files.writeString(charters.resolve("llm-ft.yaml"), String.join("\n",
                "id: llm-ft", "purpose: Fine-tune the 7B model on support tickets.", "owner: alice",
                "budget: {gpu_hours: 100, cpu_hours: 1000}", "window: {start: 2026-10-01, end: 2026-12-31}",
                "success: val_accuracy >= 0.92", "failure: loss > 2.5 after 50 gpu_hours", "history:",
                "  - {date: 2026-11-01, status: active, note: reviewed}", ""));
        Path fixture = Path.of(getClass().getResource("/sacct/review-charters.txt").toURI());
        assertEquals(0, cli.run("ingest", "sacct", fixture.toString()).exit());
        Path machine = dir.resolve("nodes.txt");
        Files.writeString(machine, "n 4 32 256G 4\n");
        Cli.Result r = cli.run("whatif", "--since", "2026-11-02", "--charters", charters.toString(), "--machine",
                machine.toString(), "--json");
        assertEquals(0, r.exit(), r.toString());
        JsonNode o = Json.mapper().readTree(r.out());
        long asHappened = o.get("variants").get(0).get("jobs").asLong();
        long without = o.get("variants").get(1).get("jobs").asLong();
        assertTrue(asHappened > 0, r.out());
        assertEquals(asHappened - o.get("undefended").get("jobs").asLong(), without, r.out());
        assertEquals("right-sized", o.get("variants").get(3).get("name").asText());
    }

    @Test
    void ledgerWithoutMachineFileReadsSlurmsNodesOrNamesTheOption(@TempDir Path dir) {
        Cli.Result r = new Cli(dir).withEmptyLedger().run("whatif", "--since", "7d");
        assertFalse(r.err().contains("\tat "), r.err());
        if (dev.reckon.source.slurm.SlurmTestCluster.unavailable() == null) {
            // issue 12 item 11: on a host with Slurm, its nodes, as predict reads them
            assertEquals(Main.EXIT_OK, r.exit(), r.toString());
            assertTrue((r.out() + r.err()).contains("scontrol show node"), r.toString());
        } else {
            assertEquals(Main.EXIT_DATA, r.exit(), r.toString());
            assertTrue(r.err().startsWith("reckon: --machine"), r.err());
            assertTrue(r.err().contains("Slurm does not answer"), r.err());
        }
    }

    @Test
    void badPercentageIsAUsageError(@TempDir Path dir) throws Exception {
        Path t = dir.resolve("t.swf");
        Files.writeString(t, TRACE);
        Cli.Result r = new Cli(dir).run("whatif", "--trace", t.toString(), "--add-nodes", "ten");
        assertEquals(Main.EXIT_USAGE, r.exit(), r.toString());
        assertTrue(r.err().contains("--add-nodes: \"ten\" is not a percentage"), r.err());
    }

    @Test
    void badTraceLineIsReportedByFileLineAndField(@TempDir Path dir) throws Exception {
        Path t = dir.resolve("bad.swf");
        Files.writeString(t, "; MaxNodes: 2\n1 0 0 1x 1 -1 -1 1 5 -1 1 1 1 1 1 -1 -1 -1\n");
        Cli.Result r = new Cli(dir).run("whatif", "--trace", t.toString());
        assertEquals(Main.EXIT_DATA, r.exit(), r.toString());
        assertTrue(r.err().startsWith("reckon: " + t + ":2: field 4 (run time)"), r.err());
    }
}
