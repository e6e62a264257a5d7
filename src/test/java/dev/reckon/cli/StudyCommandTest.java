package dev.reckon.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code reckon study}: the tables, their JSON, shards into the ledger merged by {@code study report}. */
class StudyCommandTest {
    static final String[] STUDY = {"--workload", "synthetic:300", "--fleet", "archetypes", "--fleet", "lab*2+cloud",
            "--seed", "5"};

    @TempDir
    Path home;

    private static String[] with(String[] a, String... more) {
        String[] out = java.util.Arrays.copyOf(a, a.length + more.length + 1);
        out[0] = "study";
        System.arraycopy(a, 0, out, 1, a.length);
        System.arraycopy(more, 0, out, a.length + 1, more.length);
        return out;
    }

    @Test
    void printsATablePerWorkloadAndFleetComparingEverySelector() {
        Cli.Result r = new Cli(home).run(with(STUDY, "--threads", "2"));
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("workload synthetic:300 (300 jobs) x fleet archetypes (3 providers)"), r.out());
        assertTrue(r.out().contains("workload synthetic:300 (300 jobs) x fleet lab*2+cloud (3 providers)"), r.out());
        for (String s : new String[] {"soonest", "cheapest", "first-ready", "least-queue", "cheapest-by-deadline"}) {
            assertTrue(r.out().contains("\n" + s + " "), s);
        }
        assertTrue(r.out().contains("mean turnaround\n  soonest"), r.out());
    }

    @Test
    void theShardsMergedFromTheLedgerGiveTheTablesOfALocalRun() throws Exception {
        Cli cli = new Cli(home);
        Cli.Result local = cli.run(with(STUDY, "--threads", "1", "--study", "s1"));
        Cli.Result json = cli.run(with(STUDY, "--threads", "2", "--study", "s1", "--json"));
        for (String shard : new String[] {"1/3", "0/3", "2/3"}) {
            Cli.Result r = cli.run(with(STUDY, "--study", "s1", "--shard", shard));
            assertEquals(0, r.exit(), r.toString());
            assertTrue(r.err().contains("shard " + shard), r.err());
        }
        Cli.Result merged = cli.run("study", "report", "--study", "s1");
        assertEquals(0, merged.exit(), merged.toString());
        assertEquals(local.out(), merged.out());
        Cli.Result mergedJson = cli.run("study", "report", "--study", "s1", "--json");
        ObjectMapper m = new ObjectMapper();
        assertEquals(m.readTree(json.out()), m.readTree(mergedJson.out()));
        JsonNode row = m.readTree(json.out()).get("rows").get(0);
        assertEquals("soonest", row.get("selector").asText());
        assertEquals(10, m.readTree(json.out()).get("cells").asInt());
        assertEquals(3000, m.readTree(json.out()).get("placements").asLong());
    }

    @Test
    void aTraceIsAWorkload() throws Exception {
        Path trace = home.resolve("t.swf");
        java.nio.file.Files.writeString(trace, SimulateCommandTest.TRACE);
        Cli.Result r = new Cli(home).run("study", "--workload", "swf:" + trace, "--select", "soonest,cheapest",
                "--json");
        assertEquals(0, r.exit(), r.toString());
        JsonNode o = new ObjectMapper().readTree(r.out());
        assertEquals(2, o.get("rows").size());
        assertEquals("cheapest", o.get("rows").get(1).get("selector").asText());
    }

    @Test
    void aReportOfHalfTheShardsSaysWhatIsMissing() {
        Cli cli = new Cli(home);
        assertEquals(0, cli.run(with(STUDY, "--study", "half", "--shard", "0/2")).exit());
        Cli.Result r = cli.run("study", "report", "--study", "half");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.err().contains("5 of 10 cells are not in the ledger yet"), r.err());
    }

    @Test
    void badOptionsAreUsageErrorsNamingTheOption() {
        Cli cli = new Cli(home);
        assertEquals(2, cli.run(with(STUDY, "--shard", "2/2")).exit());
        assertTrue(cli.run(with(STUDY, "--shard", "2/2")).err().contains("--shard"));
        assertTrue(cli.run("study", "--fleet", "mainframe").err().contains("--fleet"));
        assertTrue(cli.run("study", "--select", "fastest").err().contains("--select"));
        assertTrue(cli.run("study", "--workload", "nothing").err().contains("--workload"));
        assertTrue(cli.withEmptyLedger().run("study", "report", "--study", "none").err().contains("no study none"));
    }

    @Test
    void anArrayIsADryRunUnlessApplied() {
        Cli cli = new Cli(home);
        Cli.Result local = cli.run(with(STUDY, "--array", "2"));
        assertEquals(2, local.exit(), "an SQLite ledger is not shared: " + local);
        Cli.Result r = cli.run(with(STUDY, "--array", "2", "--ledger",
                "jdbc:postgresql://127.0.0.1:1/none?user=x"));
        // the audit needs the ledger: an unreachable one is said, never a stack trace
        assertTrue(r.exit() != 0 && !r.err().contains("\tat "), r.toString());
    }
}
