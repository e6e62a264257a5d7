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
 * one every 12 s, each predicted through the app's predict just before it is submitted. The figures are printed;
 * that predict beats the naive estimate (queued work / CPUs) is not asserted yet (see the test). About two minutes.
 */
class PredictProbeSlurmTest {
    @TempDir
    Path dir;

    @BeforeEach
    void needsTheCluster() {
        SlurmTestCluster.assumeCluster();
    }

    @Test
    void everyProbeIsPredictedThenMeasuredBesideTheNaiveEstimate() throws Exception {
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
        // NOT asserted yet: that predict beats the naive estimate. Both assume every queued job runs to its limit, and
        // on this small workload they land within seconds of each other either way (72 s vs 70 s, 92 s vs 100 s):
        // predict needs runtime estimates from history before it can win reliably (issue 14, item 3).
    }
}
