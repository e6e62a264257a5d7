package dev.reckon.bench;

import dev.reckon.sim.Fidelity;
import dev.reckon.sim.FidelityRun;
import dev.reckon.sim.SimDefaults;
import dev.reckon.source.slurm.SlurmCommands;
import dev.reckon.source.slurm.SlurmTestCluster;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The simulator against real Slurm (scripts/slurm-dev-cluster up: 2 nodes x 2 CPUs, 4000 MB, sched/backfill with a
 * 1-second interval): 40 jobs of 1-2 CPUs, 0.2-2.6 GB, 1-3 minute limits and 2-10 s runtimes, arriving over 20 s, are
 * run for real and replayed with what accounting recorded under conservative backfill (Slurm's backfill reserves for
 * every job it tests, as conservative backfill does), with the scheduler's 1-second turnaround.
 *
 * <p>Tolerances, and why: accounting has 1-second resolution and the real scheduler starts a job 0-1 s after room
 * appears, so along a chain of jobs waiting for one another the replay drifts by up to a second per link (measured:
 * mean |start difference| about 1 s, at most about 6 s). Mean wait must agree within 15% or 3 s, whichever is larger.
 * Start order: of the pairs of jobs that waited and whose real starts are more than 3 s apart, at least 95% must be
 * started in the same order by the simulator (a real node choice differing from the simulator's first fit can swap a
 * few pairs; measured 623 of 626). The per-job table goes to standard output.
 */
class FidelitySlurmTest {
    @TempDir
    Path dir;

    @BeforeEach
    void needsTheCluster() {
        SlurmTestCluster.assumeCluster();
    }

    @Test
    void theSimulatorReproducesRealSlurmsStartOrderAndMeanWait() throws Exception {
        SlurmCommands slurm = SlurmTestCluster.commands();
        List<Fidelity.Spec> specs = Fidelity.workload(7, 40);
        List<Fidelity.Real> real = FidelityRun.run(slurm, specs, dir.toString(), System.out, Duration.ofMinutes(10));
        assertEquals(40, real.size());
        SimDefaults d = SimDefaults.load();
        Fidelity.Report r = Fidelity.compare(real, Fidelity.devCluster(), "conservative", d,
                d.fidelityOrderToleranceS(), d.fidelityTurnaroundS());
        PrintStream out = System.out;
        for (Fidelity.Row row : r.jobs())
            out.printf("%-7s %s real wait %3d s, simulated %3d s (%+d)%n", row.name(), row.jobId(), row.realWait(),
                    row.simWait(), row.startDiff());
        String summary = String.format("mean wait real %.1f s, simulated %.1f s; mean |start diff| %.1f s, max %d s; "
                        + "order: %d of %d pairs agree %s", r.realMeanWait(), r.simMeanWait(), r.meanAbsStartDiff(),
                r.maxAbsStartDiff(), r.orderAgreeing(), r.orderPairs(), r.orderViolations());
        out.println(summary);

        assertTrue(r.waited() >= 10, "the workload must make jobs wait to test anything: " + summary);
        assertTrue(Math.abs(r.simMeanWait() - r.realMeanWait()) <= Math.max(3, 0.15 * r.realMeanWait()), summary);
        assertTrue(r.orderAgreeing() >= 0.95 * r.orderPairs(), summary);
    }
}
