package dev.reckon.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.reckon.source.slurm.SlurmCommands;
import dev.reckon.source.slurm.SlurmTestCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code reckon predict} on the real cluster (scripts/slurm-dev-cluster up), reading the live squeue and nodes: two
 * jobs hold all four CPUs with limits of 2 and 5 minutes (but end after well under a minute), a third of 2 CPUs and
 * 10 minutes waits (submitted to two partitions), a held one is ignored. A new 2-CPU job is predicted to start when the 5-minute job's limit ends: the pending job, ahead of
 * it in the queue, takes the node freed first. Then a job of that shape really is submitted, and starts no later than
 * predicted. Skips without a cluster, fails instead under RECKON_REQUIRE_SLURM=1.
 */
class PredictSlurmTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /**
     * How far the prediction may sit from the running job's limit end: squeue prints whole seconds of time used, and
     * the prediction's "now" is read a moment after squeue answers.
     */
    private static final long SNAPSHOT_SLACK_S = 5;
    /**
     * How much later than predicted a real start may be: the controller schedules every 1-2 s (bf_interval=1,
     * sched_min_interval=2) and Slurm records whole seconds.
     */
    private static final long SCHEDULING_SLACK_S = 10;

    @TempDir
    Path dir;

    @BeforeEach
    void needsTheCluster() {
        SlurmTestCluster.assumeCluster();
    }

    /** The job's start as squeue prints it (local time, standard format). */
    private static Instant start(SlurmCommands slurm, String id) {
        List<String> s = slurm.squeue("-j", id, "-o", "%S");
        assertEquals(1, s.size(), s.toString());
        return LocalDateTime.parse(s.get(0).strip()).atZone(slurm.zone()).toInstant();
    }

    /** Waits until the controller holds no job but ours, so that the queue predict reads is the one we made. */
    private static void awaitQueueEmpty(SlurmCommands slurm, Duration timeout) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        List<String> left;
        while (!(left = slurm.squeue("--all", "--states=PENDING,RUNNING,CONFIGURING,COMPLETING", "-o", "%i %j"))
                .isEmpty()) {
            if (Instant.now().isAfter(deadline)) fail("the cluster is busy with other jobs: " + left);
            Thread.sleep(1000);
        }
    }

    @Test
    void predictedStartWaitsForTheRunningLimitsAndThePendingJob() throws Exception {
        SlurmCommands slurm = SlurmTestCluster.commands();
        awaitQueueEmpty(slurm, Duration.ofSeconds(90));
        List<String> ours = new ArrayList<>();
        try {
            String shortHold = SlurmTestCluster.submit("pr-hold2", "sleep 25", "--cpus-per-task=2", "--time=2");
            ours.add(shortHold);
            String longHold = SlurmTestCluster.submit("pr-hold5", "sleep 30", "--cpus-per-task=2", "--time=5");
            ours.add(longHold);
            SlurmTestCluster.awaitRunning(shortHold, Duration.ofSeconds(30));
            SlurmTestCluster.awaitRunning(longHold, Duration.ofSeconds(30));
            // submitted to both partitions: squeue prints its partition as "debug,gpu"
            String waiting = SlurmTestCluster.submit("pr-waits", "sleep 5", "--cpus-per-task=2", "--time=10",
                    "--partition=debug,gpu");
            ours.add(waiting);
            // held: priority 0, it will not start by itself, so it does not count
            String held = SlurmTestCluster.submit("pr-held", "sleep 5", "--cpus-per-task=2", "--time=1", "--hold");
            ours.add(held);
            assertEquals(List.of("PENDING"), slurm.squeue("-j", waiting, "-o", "%T"));
            assertEquals(List.of("debug,gpu"), slurm.squeue("-j", waiting, "-o", "%P"));
            Instant shortEnd = start(slurm, shortHold).plusSeconds(120);
            Instant longEnd = start(slurm, longHold).plusSeconds(300);

            Cli cli = new Cli(dir);
            Cli.Result r = cli.run("predict", "--cpus", "2", "--time", "1m", "--json");
            assertEquals(0, r.exit(), r.toString());
            JsonNode o = JSON.readTree(r.out());
            assertEquals("slurm", o.get("policy").asText(), "the live queue replayed job by job: " + r);
            assertEquals(2, o.get("running").asLong(), r.out());
            assertEquals(1, o.get("pending").asLong(), r.out());
            JsonNode asked = o.get("predictions").get(0);
            assertEquals("as asked", asked.get("shape").get("label").asText());
            Instant predicted = Instant.parse(asked.get("start_at").asText());
            assertTrue(asked.get("wait_s").asLong() > 0, "all CPUs are held: not now\n" + r.out());
            // the first node frees at the 2-minute limit, but the pending job queued ahead takes it for 10 minutes;
            // the second frees at the 5-minute limit
            assertTrue(predicted.isAfter(shortEnd.plusSeconds(60)), "the pending job takes the node freed first: "
                    + predicted + " vs the 2-minute limit's end " + shortEnd);
            assertTrue(Math.abs(Duration.between(longEnd, predicted).toSeconds()) <= SNAPSHOT_SLACK_S,
                    "predicted " + predicted + ", the 5-minute limit ends " + longEnd);

            // the holders end after 25-30 s, far inside their limits: a real job of the shape starts earlier
            String shaped = SlurmTestCluster.submit("pr-shaped", "sleep 1", "--cpus-per-task=2", "--time=1");
            ours.add(shaped);
            Instant deadline = Instant.now().plusSeconds(120);
            Instant realStart = null;
            while (realStart == null) {
                List<String> s = slurm.squeue("-j", shaped, "-o", "%T");
                if (s.isEmpty() || !s.get(0).equals("PENDING")) {
                    // sacct knows the start once squeue has let go of a very short job
                    String line = slurm.run("sacct", "-n", "-X", "-P", "-j", shaped, "-o", "Start").strip();
                    if (!line.isEmpty() && !line.equals("Unknown") && !line.equals("None")) {
                        realStart = LocalDateTime.parse(line).atZone(slurm.zone()).toInstant();
                    }
                }
                if (realStart == null) {
                    if (Instant.now().isAfter(deadline)) fail("job " + shaped + " did not start: " + s);
                    Thread.sleep(1000);
                }
            }
            assertTrue(!realStart.isAfter(predicted.plusSeconds(SCHEDULING_SLACK_S)),
                    "started " + realStart + ", predicted " + predicted);
            assertTrue(realStart.isBefore(shortEnd), "the holders ended early, so the real start came earlier than "
                    + "any limit: " + realStart);
        } finally {
            if (!ours.isEmpty()) slurm.scancel(ours.toArray(String[]::new));
        }
    }

    /**
     * GPUs job by job: one GPU held on each node, with a CPU to spare on the first, so two GPUs free in all but none
     * on one node. A job of one CPU and two GPUs waits for the first holder's limit (the pooled policy would start it
     * now), and really does not start before a holder ends.
     */
    @Test
    void twoGpusWaitForOneNodeWithBothFree() throws Exception {
        SlurmCommands slurm = SlurmTestCluster.commands();
        awaitQueueEmpty(slurm, Duration.ofSeconds(90));
        List<String> ours = new ArrayList<>();
        try {
            // one CPU and one GPU on n1; two CPUs and one GPU cannot go beside it, so they take n2
            String first = SlurmTestCluster.submit("pr-gpu-a", "sleep 15", "--partition=gpu", "--gres=gpu:1",
                    "--cpus-per-task=1", "--time=3");
            ours.add(first);
            SlurmTestCluster.awaitRunning(first, Duration.ofSeconds(30));
            String second = SlurmTestCluster.submit("pr-gpu-b", "sleep 25", "--partition=gpu", "--gres=gpu:1",
                    "--cpus-per-task=2", "--time=5");
            ours.add(second);
            SlurmTestCluster.awaitRunning(second, Duration.ofSeconds(30));
            Instant firstLimitEnd = start(slurm, first).plusSeconds(180);
            Instant firstStart = start(slurm, first);

            Cli.Result r = new Cli(dir).run("predict", "--cpus", "1", "--gpus", "2", "--partition", "gpu", "--time",
                    "1m", "--json");
            assertEquals(0, r.exit(), r.toString());
            JsonNode o = JSON.readTree(r.out());
            assertEquals("slurm", o.get("policy").asText(), "GPUs replayed job by job: " + r);
            JsonNode asked = o.get("predictions").get(0);
            Instant predicted = Instant.parse(asked.get("start_at").asText());
            assertTrue(Math.abs(Duration.between(firstLimitEnd, predicted).toSeconds()) <= SNAPSHOT_SLACK_S,
                    "predicted " + predicted + ", the first holder's limit ends " + firstLimitEnd + "\n" + r.out());

            String both = SlurmTestCluster.submit("pr-gpu-2", "sleep 1", "--partition=gpu", "--gres=gpu:2",
                    "--cpus-per-task=1", "--time=1");
            ours.add(both);
            Instant deadline = Instant.now().plusSeconds(120);
            Instant realStart = null;
            while (realStart == null) {
                String line = slurm.run("sacct", "-n", "-X", "-P", "-j", both, "-o", "Start").strip();
                if (!line.isEmpty() && !line.equals("Unknown") && !line.equals("None")) {
                    realStart = LocalDateTime.parse(line).atZone(slurm.zone()).toInstant();
                } else {
                    if (Instant.now().isAfter(deadline)) fail("job " + both + " did not start");
                    Thread.sleep(1000);
                }
            }
            assertTrue(!realStart.isBefore(firstStart.plusSeconds(15)), "no node held two free GPUs before the "
                    + "first holder ended: started " + realStart + ", the first holder began " + firstStart);
            assertTrue(!realStart.isAfter(predicted.plusSeconds(SCHEDULING_SLACK_S)),
                    "started " + realStart + ", predicted " + predicted);
        } finally {
            if (!ours.isEmpty()) slurm.scancel(ours.toArray(String[]::new));
        }
    }
}
