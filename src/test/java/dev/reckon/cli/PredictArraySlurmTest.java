package dev.reckon.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.reckon.sim.Machine;
import dev.reckon.sim.Predict;
import dev.reckon.sim.parser.ScontrolNodes;
import dev.reckon.sim.parser.SqueueJobs;
import dev.reckon.source.slurm.SlurmCommands;
import dev.reckon.source.slurm.SlurmLiveQueue;
import dev.reckon.source.slurm.SlurmTestCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code reckon predict} on the real cluster with pending job arrays (issue 12, item 2): squeue prints a pending
 * array as one line, {@code 105_[1-6]}; it counts as its six tasks, and under {@code %2} as two lanes of three. The
 * nodes are named as Slurm names them ({@code n[1-2]}), and after an ingest predict says how far off it has been on
 * this cluster's recent jobs. Looks only at its own jobs in the queue. Skips without a cluster.
 */
class PredictArraySlurmTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @BeforeEach
    void needsTheCluster() {
        SlurmTestCluster.assumeCluster();
    }

    @Test
    void aPendingArrayCountsAsItsTasksAndTheNodesAreNamed() throws Exception {
        SlurmCommands slurm = SlurmTestCluster.commands();
        List<String> ours = new ArrayList<>();
        try {
            // one short job that has run, so that the ledger has a recent job to check predictions against
            String done = SlurmTestCluster.submit("pa-done", "sleep 1", "--time=1");
            ours.add(done);
            // pending for an hour (a begin time, not a hold: held jobs are left out)
            String all = SlurmTestCluster.submit("pa-array", "sleep 1", "--time=2", "--array=1-6", "--begin=now+3600");
            ours.add(all);
            String capped = SlurmTestCluster.submit("pa-capped", "sleep 1", "--time=2", "--array=1-6%2",
                    "--begin=now+3600");
            ours.add(capped);
            SlurmTestCluster.awaitFinal(done, Duration.ofSeconds(60));

            List<Predict.LiveJob> queue = SqueueJobs.parse(new SlurmLiveQueue(slurm).queue(), "squeue", slurm.zone());
            List<Predict.LiveJob> tasks = queue.stream().filter(j -> j.id().startsWith(all + "_")).toList();
            assertEquals(6, tasks.size(), queue.toString());
            assertEquals(6, tasks.stream().mapToLong(Predict.LiveJob::pendingTasks).sum());
            List<Predict.LiveJob> lanes = queue.stream().filter(j -> j.id().startsWith(capped + "_")).toList();
            assertEquals(2, lanes.size(), "%2: two lanes\n" + queue);
            assertEquals(6, lanes.stream().mapToLong(Predict.LiveJob::pendingTasks).sum());
            assertEquals(3 * 120L, lanes.get(0).limitS(), "three 2-minute tasks back to back");

            Machine nodes = ScontrolNodes.parse(SqueueJobs.usableNodes(new SlurmLiveQueue(slurm).nodes()), "scontrol");
            assertEquals("n[1-2]", nodes.groups().get(0).name(), nodes.describe());

            Cli cli = new Cli(dir);
            Cli.Result ingest = cli.run("ingest", "slurm", "--since", "1h");
            assertTrue(ingest.exit() == 0 || ingest.exit() == 65, ingest.toString());
            Cli.Result r = cli.run("predict", "--cpus", "1", "--time", "1m", "--json");
            assertEquals(0, r.exit(), r.toString());
            JsonNode o = JSON.readTree(r.out());
            assertTrue(o.get("pending").asLong() >= 12, "our two arrays are twelve pending jobs\n" + r.out());
            JsonNode acc = o.get("accuracy");
            assertNotNull(acc, r.out());
            assertTrue(acc.get("jobs").asInt() >= 1 && acc.get("jobs").asInt() <= 40, r.out());
            assertEquals("reckon", acc.get("cluster").asText());

            Cli.Result text = cli.run("predict", "--cpus", "1", "--time", "1m");
            assertTrue(text.out().contains("on n[1-2]: 2 nodes"), text.out());
            assertTrue(text.out().contains("How far off it has been: on the last"), text.out());
        } finally {
            slurm.scancel(ours.toArray(String[]::new));
        }
    }
}
