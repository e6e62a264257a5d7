package dev.reckon.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.reckon.source.slurm.SlurmTestCluster;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code reckon ingest slurm} against the real single-host cluster (scripts/slurm-dev-cluster up): real jobs that
 * complete, fail, time out, exceed their memory, are cancelled, run as a throttled array and use a GPU; the ledger
 * must say what they did. Skips without a cluster, fails instead under RECKON_REQUIRE_SLURM=1.
 */
class IngestSlurmTest {
    private static final Duration QUICK = Duration.ofSeconds(120);
    private static final Duration PAST_TIME_LIMIT = Duration.ofSeconds(200);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @BeforeEach
    void needsTheCluster() {
        SlurmTestCluster.assumeCluster();
    }

    private Map<String, JsonNode> ledgerJobs(Cli cli) throws IOException {
        Cli.Result r = cli.run("jobs", "--json", "--since", "1h");
        assertEquals(0, r.exit(), r.toString());
        Map<String, JsonNode> byId = new HashMap<>();
        for (JsonNode n : JSON.readTree(r.out())) {
            JsonNode previous = byId.put(n.get("job_id").asText(), n);
            assertTrue(previous == null, "job " + n.get("job_id") + " stored twice");
        }
        return byId;
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    private static Cli.Result ingest(Cli cli, String... args) {
        List<String> all = new ArrayList<>(List.of("ingest", "slurm", "--json"));
        all.addAll(List.of(args));
        Cli.Result r = cli.run(all.toArray(new String[0]));
        assertEquals(0, r.exit(), r.toString());
        return r;
    }

    @Test
    void theLedgerRecordsWhatRealJobsDidAndCatchesUpIncrementally() throws IOException {
        Cli cli = new Cli(dir);
        cli.env.remove("RECKON_TZ"); // the system zone, as sacct prints it
        String overTime = SlurmTestCluster.submit("l-overtime", "sleep 300", "--time=1", "--comment=charter=probe");
        String cancelled = SlurmTestCluster.submit("l-cancelled", "sleep 300", "--time=5");
        String completes = SlurmTestCluster.submit("l-completes", "ticks=$(( $(getconf CLK_TCK) * 3 ))\n"
                + "while read -r _ _ _ _ _ _ _ _ _ _ _ _ _ utime stime _ < /proc/$$/stat; "
                + "(( utime + stime < ticks )); do :; done; echo done", "--time=2");
        String exits3 = SlurmTestCluster.submit("l-exits3", "exit 3", "--account=ops");
        String overMemory = SlurmTestCluster.submit("l-overmemory",
                "x=$(head -c 200000000 /dev/zero | tr '\\0' a); sleep 20", "--mem=20M", "--time=2");
        String array = SlurmTestCluster.submit("l-array", "sleep 3", "--array=1-4%2", "--time=2");
        String gpu = SlurmTestCluster.submit("l-gpu", "sleep 2", "--gres=gpu:1", "--partition=gpu", "--time=2");

        // First pass while the over-time job still runs: it is stored as RUNNING.
        SlurmTestCluster.awaitRunning(overTime, QUICK);
        SlurmTestCluster.awaitRunning(cancelled, QUICK);
        // accounting can lag the controller by a moment: ingest until the running job is there
        JsonNode running = null;
        for (int attempt = 0; attempt < 20 && running == null; attempt++) {
            ingest(cli, "--since", "1h");
            running = ledgerJobs(cli).get(overTime);
            if (running == null) sleep(Duration.ofMillis(500));
        }
        assertTrue(running != null, "job " + overTime + " never reached the ledger");
        assertEquals("RUNNING", running.get("state").asText());
        assertEquals("charter=probe", running.get("comment").asText(),
                "a running job's comment comes from the queue: accounting records it only at the end");

        SlurmTestCluster.commands().scancel(cancelled);
        SlurmTestCluster.awaitFinal(completes, QUICK);
        SlurmTestCluster.awaitFinal(exits3, QUICK);
        SlurmTestCluster.awaitFinal(overMemory, QUICK);
        SlurmTestCluster.awaitFinal(cancelled, QUICK);
        SlurmTestCluster.awaitFinal(array, 4, QUICK);
        SlurmTestCluster.awaitFinal(gpu, QUICK);
        SlurmTestCluster.awaitFinal(overTime, PAST_TIME_LIMIT);

        // Second pass with no window: it starts where the first stopped and re-reads the unfinished job.
        JsonNode counts = JSON.readTree(ingest(cli).out());
        assertTrue(counts.get("updated").asLong() >= 1, counts.toString());
        Map<String, JsonNode> jobs = ledgerJobs(cli);

        JsonNode ok = jobs.get(completes);
        assertEquals("COMPLETED", ok.get("state").asText());
        assertEquals("0:0", ok.get("exit_code").asText());
        assertEquals("research", ok.get("account").asText());
        assertTrue(ok.get("total_cpu_s").asDouble() >= 2.9, ok.toString());
        assertTrue(ok.get("max_rss_bytes").asLong() > 0, "peak memory from the batch step: " + ok);
        assertEquals(1, ok.get("alloc_cpus").asInt());
        assertTrue(ok.get("cpu_eff").asDouble() > 0.2, ok.toString());
        assertEquals(120, ok.get("timelimit_s").asLong());

        JsonNode failed = jobs.get(exits3);
        assertEquals("FAILED", failed.get("state").asText());
        assertEquals("3:0", failed.get("exit_code").asText());
        assertEquals("ops", failed.get("account").asText());

        JsonNode timedOut = jobs.get(overTime);
        assertEquals("TIMEOUT", timedOut.get("state").asText(), "updated in place from RUNNING");
        assertEquals(60, timedOut.get("timelimit_s").asLong());
        assertTrue(timedOut.get("elapsed_s").asLong() >= 60, timedOut.toString());
        assertTrue(timedOut.get("time_eff").asDouble() >= 1.0, timedOut.toString());

        JsonNode oom = jobs.get(overMemory);
        assertTrue(Set.of("FAILED", "OUT_OF_MEMORY").contains(oom.get("state").asText()), oom.toString());
        assertEquals(20L << 20, oom.get("alloc_mem_bytes").asLong());
        assertTrue(oom.get("max_rss_bytes").asLong() > 20L << 20, "it used more than it had: " + oom);
        assertTrue(oom.get("mem_eff").asDouble() > 1.0, oom.toString());

        assertEquals("CANCELLED", jobs.get(cancelled).get("state").asText());

        for (int task = 1; task <= 4; task++) {
            JsonNode t = jobs.get(array + "_" + task);
            assertEquals("COMPLETED", t.get("state").asText(), array + "_" + task + " in " + jobs.keySet());
        }

        JsonNode g = jobs.get(gpu);
        assertEquals("COMPLETED", g.get("state").asText());
        assertEquals(1, g.get("alloc_gpus").asInt());
        assertTrue(g.get("gpu_hours").asDouble() > 0, g.toString());

        // A third pass finds nothing new: ingest is idempotent.
        JsonNode again = JSON.readTree(ingest(cli).out());
        assertEquals(0, again.get("new").asLong(), again.toString());
        assertEquals(0, again.get("updated").asLong(), again.toString());
    }
}
