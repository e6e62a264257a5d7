package dev.reckon.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.reckon.core.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PredictCommandTest {
    static Path fixture(String name) throws Exception {
        return Path.of(PredictCommandTest.class.getResource("/sim/" + name).toURI());
    }

    Cli cli(Path dir) {
        Cli c = new Cli(dir);
        c.env.put("RECKON_NOW", "2026-11-21T23:45:00Z");
        return c;
    }

    @Test
    void savedQueueAndNodesPredictTheStartOfEachShape(@TempDir Path dir) throws Exception {
        Cli.Result r = cli(dir).run("predict", "--cpus", "1", "--gpus", "2", "--time", "1h", "--squeue-output",
                fixture("squeue-O.txt").toString(), "--nodes-output", fixture("scontrol-nodes-o.txt").toString(),
                "--json");
        assertEquals(0, r.exit(), r.toString());
        JsonNode o = Json.mapper().readTree(r.out());
        assertEquals(2, o.get("running").asLong());
        assertEquals(2, o.get("pending").asLong());
        JsonNode asked = o.get("predictions").get(0);
        assertEquals("as asked", asked.get("shape").get("label").asText());
        // two nodes of 2 CPUs: 351 takes the last free CPU now; 352 (2 CPUs, unlimited) takes 349's node at +50 min;
        // the new job gets 350's CPU when it ends at +90 min
        assertEquals(90 * 60, asked.get("wait_s").asLong(), r.out());
        assertEquals("2026-11-22T01:15:00Z", asked.get("start_at").asText());
        assertEquals(0, asked.get("vs_asked_s").asLong());
    }

    @Test
    void runningJobsEndAsTheirNamesakesInTheLedgerDidAndThePredictionSaysSo(@TempDir Path dir) throws Exception {
        Cli cli = cli(dir);
        // alice's 'train' jobs have used half of their 2 h limits
        Path sacct = dir.resolve("sacct.txt");
        StringBuilder h = new StringBuilder("JobID|JobName|User|Partition|State|Submit|Start|End|Elapsed|Timelimit|AllocCPUS\n");
        for (int d = 1; d <= 3; d++)
            h.append(String.format("%d|train|alice|gpu|COMPLETED|2026-11-%02dT10:00:00|2026-11-%02dT10:00:00|"
                    + "2026-11-%02dT11:00:00|01:00:00|02:00:00|1%n", 200 + d, 17 + d, 17 + d, 17 + d));
        Files.writeString(sacct, h.toString());
        assertEquals(0, cli.run("ingest", "sacct", sacct.toString()).exit());
        // the fixture's queue with job names (the last column); 350 is alice's 'train', 30 min into its 2 h
        Path q = dir.resolve("q.txt");
        List<String> names = List.of("sim", "train", "eval", "wrap");
        List<String> lines = Files.readAllLines(fixture("squeue-O.txt"));
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < lines.size(); i++) out.append(lines.get(i)).append(names.get(i)).append("|\n");
        Files.writeString(q, out.toString());
        Cli.Result r = cli.run("predict", "--cpus", "1", "--gpus", "1", "--time", "1h", "--squeue-output", q.toString(),
                "--nodes-output", fixture("scontrol-nodes-o.txt").toString(), "--json");
        assertEquals(0, r.exit(), r.toString());
        JsonNode o = Json.mapper().readTree(r.out());
        // to its limit, 350 would free its CPU at +90 min; as alice's 'train' jobs ran, it ends at +30 min
        assertEquals(30 * 60, o.get("predictions").get(0).get("wait_s").asLong(), r.out());
        Path fresh = Files.createDirectories(dir.resolve("fresh"));
        Cli.Result limits = cli(fresh).run("predict", "--cpus", "1", "--gpus", "1", "--time", "1h", "--squeue-output",
                q.toString(), "--nodes-output", fixture("scontrol-nodes-o.txt").toString(), "--json");
        assertEquals(90 * 60, Json.mapper().readTree(limits.out()).get("predictions").get(0).get("wait_s").asLong(),
                "without history: " + limits.out());
        assertEquals(0, Json.mapper().readTree(limits.out()).get("runtimes").get("estimated").asInt());
        JsonNode rt = o.get("runtimes");
        assertEquals(3, rt.get("history_jobs").asInt());
        assertEquals(1, rt.get("estimated").asInt());
        assertEquals(3, rt.get("at_limit").asInt());
        assertEquals(1, rt.get("by").get("name").asInt());
        assertEquals(0.5, rt.get("median_limit_share").asDouble());
        Cli.Result text = cli.run("predict", "--cpus", "1", "--gpus", "2", "--time", "1h", "--squeue-output",
                q.toString(), "--nodes-output", fixture("scontrol-nodes-o.txt").toString());
        assertTrue(text.out().contains("runtimes of 1 of the 4 live jobs estimated from 3 finished jobs of the ledger "
                + "(by user and job name 1): median 50% of the limit; 3 taken to run to their limits"), text.out());
    }

    @Test
    void terminalTableComparesTheAlternatives(@TempDir Path dir) throws Exception {
        Cli.Result r = cli(dir).run("predict", "--cpus", "2", "--gpus", "2", "--mem", "1G", "--time", "02:00:00",
                "--squeue-output", fixture("squeue-O.txt").toString(), "--nodes-output",
                fixture("scontrol-nodes-o.txt").toString());
        assertEquals(0, r.exit(), r.toString());
        for (String s : new String[] {"as asked", "1 GPU instead of 2", "half the time limit", "split in two halves",
                "predicted start", "vs asked", "from 2 running and 2 pending jobs"}) {
            assertTrue(r.out().contains(s), s + "\n" + r.out());
        }
    }

    @Test
    void badQueueLineIsBadInputNamingFileLineAndField(@TempDir Path dir) throws Exception {
        Path q = dir.resolve("q.txt");
        Files.writeString(q, "349|RUNNING|debug|root|high|2026-11-21T23:40:18|1:00|1:13|1|1|256M|N/A|N/A|\n");
        Cli.Result r = cli(dir).run("predict", "--time", "1h", "--squeue-output", q.toString(), "--nodes-output",
                fixture("scontrol-nodes-o.txt").toString());
        assertEquals(Main.EXIT_DATA, r.exit(), r.toString());
        assertTrue(r.err().startsWith("reckon: " + q + ":1: field 5 (PriorityLong)"), r.err());
        assertFalse(r.err().contains("\tat "), r.err());
    }

    @Test
    void badSizeAndLoneFileOptionAreUsageErrors(@TempDir Path dir) throws Exception {
        Cli.Result r = cli(dir).run("predict", "--time", "1h", "--mem", "lots", "--squeue-output",
                fixture("squeue-O.txt").toString(), "--nodes-output", fixture("scontrol-nodes-o.txt").toString());
        assertEquals(Main.EXIT_USAGE, r.exit(), r.toString());
        r = cli(dir).run("predict", "--time", "1h", "--squeue-output", fixture("squeue-O.txt").toString());
        assertEquals(Main.EXIT_USAGE, r.exit(), r.toString());
        assertTrue(r.err().contains("go together"), r.err());
    }
}
