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
 * {@code reckon predict} against real starts (scripts/slurm-dev-cluster up): 6 background jobs of 1-2 CPUs running
 * 30-50 s of 1-minute limits, and 5 probes, one of each shape (1 CPU, 2 CPUs on one node, 2 tasks, exclusive, 2 nodes),
 * one every 12 s, each predicted through the app's predict (after an incremental ingest) just before it is submitted.
 * Predict estimates the live jobs' runtimes from the ledger's finished jobs of the same names; where the cluster has
 * none yet (a fresh cluster), the jobs without history are run once first (about two minutes more). About three
 * minutes; five with the warm-up.
 */
class PredictProbeSlurmTest {
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
        Simulation sim = new Simulation(new Context(Config.load(env), java.time.Clock.systemUTC(), "test"));
        PredictProbe.Report r = sim.predictCheck(6, 5, 3, dir.toString(), System.out);
        for (PredictProbe.Result x : r.results())
            System.out.printf("%-9s %-14s predicted %4d s, naive %4d s, real %4d s%n", x.name(), x.shape(),
                    x.predicted(), x.naive(), x.actual());
        System.out.println(r.summary());
        assertEquals(5, r.results().size());
        assertTrue(r.results().stream().anyMatch(x -> x.actual() >= 10), "the load must make probes wait: " + r.summary());
        for (PredictProbe.Result x : r.results())
            assertTrue(x.predicted() >= 0 && x.actual() >= 0, "every probe predicted and started: " + x);
        // the naive estimate assumes every job runs to its limit (these run 33-83% of theirs): off by about 70 s on
        // waits of 20-90 s, where predict, estimating runtimes from history, is off by 10-20 s
        assertTrue(r.medianAbsErrorS() < r.naiveMedianAbsErrorS(), "predict beats the naive estimate: " + r.summary());
    }
}
