package dev.reckon.bench;

import dev.reckon.app.Context;
import dev.reckon.app.Simulation;
import dev.reckon.config.Config;
import dev.reckon.sim.PredictProbe;
import dev.reckon.source.slurm.SlurmTestCluster;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code reckon predict} against real starts (scripts/slurm-dev-cluster up): the bench's workload at 0.6 of its pace,
 * 6 background jobs of 1-2 CPUs running 18-30 s of 1-minute limits, and 6 probes of 12 s, one of each shape (1 CPU,
 * 2 CPUs on one node, 2 tasks, exclusive, 2 nodes, 1 CPU with a GPU), one about every 7 s, each predicted through the
 * app's predict (after an incremental ingest) just before it is submitted.
 * Predict estimates the live jobs' runtimes from the ledger's finished jobs of the same names; where the cluster has
 * none yet the probe would run them once first (two minutes); the test gives its ledger that history instead, as a
 * site where this workload recurs has it: one finished job of each name, an hour ago, having run as long as its
 * sleep (see {@link #history}). About two minutes.
 */
class PredictProbeSlurmTest {
    /** The bench's workload at 0.6 of its pace (arrivals and runtimes; the one-minute limits stay): a shorter run. */
    private static final double PACE = 0.6;

    @TempDir
    Path dir;

    @BeforeEach
    void needsTheCluster() {
        SlurmTestCluster.assumeCluster();
    }

    @Test
    void predictsRealStartsBetterThanQueuedWorkDividedByCores() throws Exception {
        SlurmTestCluster.commands();
        java.util.Map<String, String> env = java.util.Map.of("HOME", dir.toString(),
                "RECKON_CONFIG", dir.resolve("none.yaml").toString(), "RECKON_SITE_DIR", dir.resolve("site").toString(),
                "RECKON_LEDGER", dir.resolve("ledger.db").toString(), "RECKON_TZ", "UTC");
        Context ctx = new Context(Config.load(env), java.time.Clock.systemUTC(), "test");
        history(ctx);
        Simulation sim = new Simulation(ctx);
        PredictProbe.Report r = sim.predictCheck(6, 6, 3, PACE, dir.toString(), System.out);
        for (PredictProbe.Result x : r.results())
            System.out.printf("%-9s %-14s predicted %4d s, pooled %4d s, naive %4d s, real %4d s%n", x.name(),
                    x.shape(), x.predicted(), x.pooled(), x.naive(), x.actual());
        System.out.println(r.summary());
        assertEquals(6, r.results().size());
        assertTrue(r.results().stream().anyMatch(x -> x.actual() >= 10), "the load must make probes wait: " + r.summary());
        for (PredictProbe.Result x : r.results())
            assertTrue(x.predicted() >= 0 && x.actual() >= 0, "every probe predicted and started: " + x);
        // the naive estimate assumes every job runs to its limit (these run 33-83% of theirs): off by about 70 s on
        // waits of 20-90 s, where predict, estimating runtimes from history, is off by 10-20 s
        assertTrue(r.medianAbsErrorS() < r.naiveMedianAbsErrorS(), "predict beats the naive estimate: " + r.summary());
    }

    /**
     * The ledger's history: for each background and probe job of the run, one earlier job of the same name and user
     * on this cluster, finished an hour ago after its sleep and a second (what a real run records), ingested as sacct
     * prints it.
     */
    private void history(Context ctx) throws java.io.IOException {
        String cluster = SlurmTestCluster.commands().clusterName();
        String user = System.getProperty("user.name");
        java.util.List<String> lines = new java.util.ArrayList<>(java.util.List.of("JobID|JobIDRaw|JobName|User|Account"
                + "|Partition|Cluster|State|ExitCode|Submit|Start|End|ElapsedRaw|TimelimitRaw|ReqCPUS|ReqMem|AllocCPUS"
                + "|NNodes|AllocTRES|TotalCPU|NTasks|MaxRSS"));
        java.time.LocalDateTime t = java.time.LocalDateTime.now(java.time.ZoneOffset.UTC).minusHours(1)
                .truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        java.time.format.DateTimeFormatter time = java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss");
        int id = 990_000;
        java.util.List<dev.reckon.sim.Fidelity.Spec> specs = new java.util.ArrayList<>(PredictProbe.background(3, 6, PACE));
        specs.addAll(PredictProbe.probes(6, PACE));
        for (dev.reckon.sim.Fidelity.Spec x : specs) {
            int nodes = Math.max(1, x.nodes());
            long cpus = (long) x.tasks() * x.cpus();
            long elapsed = x.sleepS() + 1;
            lines.add(String.join("|", String.valueOf(id), String.valueOf(id), x.name(), user, "root", "debug", cluster,
                    "COMPLETED", "0:0", time.format(t), time.format(t), time.format(t.plusSeconds(elapsed)),
                    String.valueOf(elapsed), String.valueOf(x.limitMin()), String.valueOf(cpus), x.memMb() + "M",
                    String.valueOf(cpus), String.valueOf(nodes), "cpu=" + cpus + ",mem=" + x.memMb() + "M,node=" + nodes,
                    "00:00:01", "", ""));
            id++;
        }
        Path f = java.nio.file.Files.write(dir.resolve("history.txt"), lines);
        new dev.reckon.app.Ingestion(ctx).sacct(new dev.reckon.app.Ingestion.SacctRequest(f.toString(), null, null, null,
                java.time.ZoneOffset.UTC, cluster));
    }
}
