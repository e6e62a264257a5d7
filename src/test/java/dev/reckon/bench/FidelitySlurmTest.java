package dev.reckon.bench;

import dev.reckon.sim.Fidelity;
import dev.reckon.sim.FidelityRun;
import dev.reckon.sim.SimDefaults;
import dev.reckon.sim.SlurmModel;
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
 * reckon's model of Slurm's scheduler against real Slurm, job by job (scripts/slurm-dev-cluster up: 2 nodes x 2 CPUs,
 * 4000 MB, sched/backfill, bf_interval=1, bf_resolution=60, cons_tres): 40 jobs of the mixed workload (single-node
 * jobs of 1-2 CPUs, task jobs spread over nodes, exclusive jobs, two-node jobs, held jobs released after 5-20 s;
 * 1-3 minute limits, 2-10 s runtimes, arriving over 20 s) are run once for real, starting at second 7 mod 30, and
 * replayed from what accounting recorded, with the scheduler settings and nodes scontrol reports and the other
 * users' jobs that shared the cluster meanwhile.
 *
 * <p>Asserted job by job, the goal: at least 90% of the starts within 5 s of Slurm's, all within 30 s, the
 * mean wait within 5% (or 2 s), and the waits ranked alike (Spearman at least 0.9). The replay uses the scheduler's
 * turnaround that the run's accounting shows (it grows when the machine is loaded). Measured over four runs of two
 * workloads and the test's own: 90-100% within 5 s, mean wait -2.5% to +2.5%, Spearman 0.99-1.00; two real runs agree on
 * 100% within 5 s. What is left is sub-second (see docs/sim.md). About two and a half minutes. The per-job table goes
 * to standard output.
 */
class FidelitySlurmTest {
    @TempDir
    Path dir;

    @BeforeEach
    void needsTheCluster() {
        SlurmTestCluster.assumeCluster();
    }

    @Test
    void reckonStartsNineInTenJobsWithinFiveSecondsOfRealSlurm() throws Exception {
        SlurmCommands slurm = SlurmTestCluster.commands();
        SlurmModel model = new SlurmModel(SlurmModel.parseNodes(slurm.scontrol("show", "node", "-o")),
                SlurmModel.Settings.parse(slurm.scontrol("show", "config"), SlurmModel.DEFAULT_TURNAROUND_MS));
        List<Fidelity.Spec> specs = Fidelity.mixed(7, 40);
        // at second 7 mod 30, where the figures below were measured. A fresh-clone CI run of 697b98a (which started
        // at once, at second 13) came out at 65% within 5 s, mean wait +0.1%: Slurm itself took another path that
        // run (fid-39 started at 92 s, at 113 s in a run by hand at second 13 minutes later, which the replay matched
        // 100% within 5 s), as sub-second timing on a loaded machine can make it
        FidelityRun.Run run = FidelityRun.run(slurm, specs, dir.toString(), System.out, Duration.ofMinutes(10), 7);
        assertEquals(40, run.mine().size());
        Fidelity.Comparison c = Fidelity.compare(List.of(run), model, SimDefaults.load());
        PrintStream out = System.out;
        for (Fidelity.Line l : c.lines())
            out.printf("%-7s %-20s submit %3d  Slurm %4d  reckon %4s  pooled %4s%n", l.name(), l.shape(), l.submit(),
                    l.slurmStarts().get(0), l.reckonStart(), l.pooledStart());
        Fidelity.Agreement a = c.reckonVsSlurm().get(0);
        String summary = a.summary() + "; " + a.worst() + "; other users' jobs: " + run.foreign().size()
                + "; turnaround " + c.turnaroundMs().get(0) + " ms; before: "
                + c.pooledVsSlurm().get(0).summary();
        out.println(summary);

        assertEquals(40, a.jobs(), "every job started in the replay: " + summary);
        assertTrue(a.meanWaitA() >= 10, "the workload must make jobs wait to test anything: " + summary);
        assertTrue(a.within5() >= 0.90, summary);
        assertTrue(a.within30() >= 0.999, summary);
        assertTrue(Math.abs(a.meanWaitB() - a.meanWaitA()) <= Math.max(2, 0.05 * a.meanWaitA()), summary);
        assertTrue(a.spearman() >= 0.9, summary);

        // the same run read back from accounting alone (bench fidelity --since: any workload's shapes from its sbatch
        // lines), as a workload reckon did not make would be: the replay agrees as well
        long first = run.mine().stream().mapToLong(Fidelity.Real::submit).min().orElseThrow();
        long last = run.mine().stream().mapToLong(Fidelity.Real::submit).max().orElseThrow();
        FidelityRun.Run read = FidelityRun.fromAccounting(slurm, first, last + 1, null);
        Fidelity.Agreement b = Fidelity.compare(List.of(read), model, SimDefaults.load()).reckonVsSlurm().get(0);
        out.println("from accounting alone: " + b.summary());
        assertEquals(40, b.jobs(), b.summary());
        assertTrue(b.within5() >= 0.90, b.summary());
        assertTrue(Math.abs(b.meanWaitB() - b.meanWaitA()) <= Math.max(2, 0.05 * b.meanWaitA()), b.summary());
    }

    /**
     * GPUs job by job, from accounting alone: twelve jobs on the gpu partition asking one or two GPUs per node (one of
     * them two whole nodes' GPUs), some beside jobs without GPUs, submitted over 8 s, running 3-15 s. The same
     * workload with twice the runtimes, measured three times by hand: reckon 75-92% of starts within 5 s, mean wait
     * -3.8% to +0.3%; the pooled simulator 33%; reckon before it placed GPUs, 25%, -18% to -20%. This one: 100%,
     * +0.0% (pooled 42%, -23%), and 83%, +7.3% in a CI run: with runtimes this short, a second's drift on a chain of
     * jobs weighs more. What is left is sub-second: a job of two nodes that Slurm could not start while its
     * second node was completing, where the replay starts it a second earlier. Asserted: every job replayed, all
     * within 30 s, at least 60% within 5 s and more than the pooled simulator, mean wait within 15%.
     */
    @Test
    void gpuJobsReplayFromAccountingWithTheirGpusPerNode() throws Exception {
        SlurmCommands slurm = SlurmTestCluster.commands();
        SlurmModel model = quietClusterModel(slurm);
        long origin = System.currentTimeMillis() / 1000 + 1; // any second: the model keeps Unix time
        // {seconds after the origin, sleep, sbatch options}
        Object[][] jobs = {
                {0, 10, new String[]{"--gres=gpu:1", "-c", "1", "-t", "2"}},
                {0, 15, new String[]{"--gres=gpu:1", "-c", "2", "-t", "2"}},
                {1, 5, new String[]{"--gres=gpu:2", "-c", "1", "-t", "2"}},
                {1, 3, new String[]{"--gres=gpu:1", "-c", "1", "-t", "1"}},
                {3, 8, new String[]{"--gres=gpu:2", "-c", "1", "-t", "3"}},
                {3, 4, new String[]{"-c", "1", "-t", "1"}},
                {3, 6, new String[]{"--gres=gpu:1", "-n", "2", "-t", "2"}},
                {6, 5, new String[]{"--gres=gpu:2", "-N", "2", "-t", "2"}},
                {6, 3, new String[]{"--gres=gpu:1", "-c", "1", "-t", "1"}},
                {6, 3, new String[]{"-c", "2", "-t", "1"}},
                {8, 5, new String[]{"--gres=gpu:1", "-c", "1", "-t", "2"}},
                {8, 4, new String[]{"--gres=gpu:2", "-c", "2", "-t", "2"}}};
        List<String> ids = new java.util.ArrayList<>();
        try {
            for (int k = 0; k < jobs.length; k++) {
                long wait = (origin + ((Integer) jobs[k][0]).longValue()) * 1000 - System.currentTimeMillis();
                if (wait > 0) Thread.sleep(wait);
                List<String> opts = new java.util.ArrayList<>(List.of("-p", "gpu"));
                opts.addAll(List.of((String[]) jobs[k][2]));
                ids.add(SlurmTestCluster.submit("fid-gpu-" + k, "sleep " + jobs[k][1], opts.toArray(String[]::new)));
            }
            for (String id : ids) SlurmTestCluster.awaitFinal(id, Duration.ofMinutes(4));
        } finally {
            slurm.scancel(ids.toArray(String[]::new));
        }
        FidelityRun.Run read = FidelityRun.fromAccounting(slurm, origin, origin + 9, null);
        Fidelity.Comparison c = Fidelity.compare(List.of(read), model, SimDefaults.load());
        for (Fidelity.Line l : c.lines())
            System.out.printf("%-7s %-20s submit %3d  Slurm %4d  reckon %4s  pooled %4s%n", l.name(), l.shape(),
                    l.submit(), l.slurmStarts().get(0), l.reckonStart(), l.pooledStart());
        Fidelity.Agreement a = c.reckonVsSlurm().get(0), pooled = c.pooledVsSlurm().get(0);
        String summary = a.summary() + "; " + a.worst() + "; pooled: " + pooled.summary();
        System.out.println("GPU jobs from accounting: " + summary);
        assertEquals(12, a.jobs(), summary);
        assertTrue(a.meanWaitA() >= 5, "the workload must make jobs wait: " + summary);
        assertTrue(a.within30() >= 0.999, summary);
        assertTrue(a.within5() >= 0.60 && a.within5() > pooled.within5(), summary);
        assertTrue(Math.abs(a.meanWaitB() - a.meanWaitA()) <= 0.15 * a.meanWaitA(), summary);
    }

    /**
     * A job cancelled while it waited held its place until then: with one CPU free on one node and none on the other,
     * a job of two CPUs on one node waits with a reservation, and a three-minute job of one CPU cannot backfill on the
     * free CPU, as it would run into that reservation; once the waiting job is cancelled, it starts. Replayed from
     * accounting alone, the cancelled job (which never started) is read back and holds the small job until the cancel,
     * as Slurm did; replayed without it, the small job would start at once.
     */
    @Test
    void aJobCancelledWhileItWaitedHoldsOthersBackInTheReplayAsInSlurm() throws Exception {
        SlurmCommands slurm = SlurmTestCluster.commands();
        SlurmModel model = quietClusterModel(slurm);
        long origin = System.currentTimeMillis() / 1000;
        List<String> ids = new java.util.ArrayList<>();
        String small;
        try {
            ids.add(SlurmTestCluster.submit("fid-cancel-1", "sleep 15", "-p", "debug", "-c", "1", "-t", "1"));
            ids.add(SlurmTestCluster.submit("fid-cancel-2", "sleep 15", "-p", "debug", "-c", "2", "-t", "1"));
            Thread.sleep(1000);
            String waiting = SlurmTestCluster.submit("fid-cancel-w", "sleep 5", "-p", "debug", "-c", "2", "-t", "1");
            ids.add(waiting);
            Thread.sleep(1000);
            small = SlurmTestCluster.submit("fid-cancel-s", "sleep 5", "-p", "debug", "-c", "1", "-t", "3");
            ids.add(small);
            Thread.sleep(7000);
            slurm.scancel(waiting);
            for (String id : ids) if (!id.equals(waiting)) SlurmTestCluster.awaitFinal(id, Duration.ofMinutes(3));
        } finally {
            slurm.scancel(ids.toArray(String[]::new));
        }
        FidelityRun.Run read = FidelityRun.fromAccounting(slurm, origin, origin + 5, null);
        Fidelity.Comparison c = Fidelity.compare(List.of(read), model, SimDefaults.load());
        Fidelity.Line line = c.lines().stream().filter(l -> l.name().equals(small)).findFirst().orElseThrow();
        String shown = c.reckonVsSlurm().get(0).summary() + "; the small job: Slurm " + line.slurmStarts().get(0)
                + " s, reckon " + line.reckonStart() + " s, pooled " + line.pooledStart() + " s";
        System.out.println("cancelled while waiting: " + shown);
        assertEquals(1, read.foreign().size(), "the cancelled job is read back: " + shown);
        assertTrue(line.slurmStarts().get(0) - line.submit() >= 5, "Slurm held it back: " + shown);
        assertTrue(Math.abs(line.reckonStart() - line.slurmStarts().get(0)) <= 2, shown);
    }

    /**
     * Shapes a workload written by hand has, replayed from accounting alone: a job array of which at most two tasks
     * run at once ({@code --array=1-6%2}); a second array, whose tasks start in task order although Slurm gives them
     * new ids as they start (the last task keeps the array's); a job of two tasks on each of two nodes
     * ({@code --ntasks-per-node}: the whole cluster); tasks with memory per CPU; a job waiting for another
     * ({@code --dependency}). The same workload with longer sleeps, by hand (2026-12-01): 100% within 5 s, mean wait
     * +4.0%; before arrays were queued in task order, 80%. Asserted: every job replayed, at least 90% within 5 s,
     * the mean wait within 15% (or 2 s).
     */
    @Test
    void arraysTasksPerNodeAndDependenciesReplayAsSlurmRanThem() throws Exception {
        SlurmCommands slurm = SlurmTestCluster.commands();
        SlurmModel model = quietClusterModel(slurm);
        long origin = System.currentTimeMillis() / 1000;
        List<String> ids = new java.util.ArrayList<>();
        String limited = null, free = null;
        try {
            limited = SlurmTestCluster.submit("fid-arr", "sleep 5", "--array=1-6%2", "-c", "1", "-t", "2", "--mem=300M");
            Thread.sleep(1000);
            ids.add(SlurmTestCluster.submit("fid-tpn", "sleep 4", "-N", "2", "--ntasks-per-node=2", "-t", "2",
                    "--mem=300M"));
            ids.add(SlurmTestCluster.submit("fid-mpc", "sleep 3", "-n", "3", "--mem-per-cpu=500M", "-t", "2"));
            String two = SlurmTestCluster.submit("fid-two", "sleep 6", "-c", "2", "-t", "3", "--mem=300M");
            ids.add(two);
            Thread.sleep(2000);
            free = SlurmTestCluster.submit("fid-free", "sleep 3", "--array=1-4", "-c", "1", "-t", "1", "--mem=300M");
            ids.add(SlurmTestCluster.submit("fid-dep", "sleep 2", "--dependency=afterok:" + two, "-c", "1", "-t", "1",
                    "--mem=300M"));
            ids.add(SlurmTestCluster.submit("fid-one", "sleep 4", "-c", "1", "-t", "1", "--mem=300M"));
            SlurmTestCluster.awaitFinal(limited, 6, Duration.ofMinutes(3));
            SlurmTestCluster.awaitFinal(free, 4, Duration.ofMinutes(3));
            for (String id : ids) SlurmTestCluster.awaitFinal(id, Duration.ofMinutes(3));
        } finally {
            List<String> all = new java.util.ArrayList<>(ids);
            if (limited != null) all.add(limited);
            if (free != null) all.add(free);
            slurm.scancel(all.toArray(String[]::new));
        }
        FidelityRun.Run read = FidelityRun.fromAccounting(slurm, origin, origin + 10, null);
        Fidelity.Comparison c = Fidelity.compare(List.of(read), model, SimDefaults.load());
        for (Fidelity.Line l : c.lines())
            System.out.printf("%-7s %-20s submit %3d  Slurm %4d  reckon %4s  pooled %4s%n", l.name(), l.shape(), l.submit(),
                    l.slurmStarts().get(0), l.reckonStart(), l.pooledStart());
        Fidelity.Agreement a = c.reckonVsSlurm().get(0);
        String summary = "arrays, tasks per node, a dependency: " + a.summary() + "; " + a.worst() + "; pooled: "
                + c.pooledVsSlurm().get(0).summary();
        System.out.println(summary);
        assertEquals(15, a.jobs(), summary);
        assertTrue(c.lines().stream().anyMatch(l -> l.shape().equals("4x1cpu/2n(2/n)")), "tasks per node read: " + summary);
        assertTrue(a.within5() >= 0.90, summary);
        assertTrue(Math.abs(a.meanWaitB() - a.meanWaitA()) <= Math.max(2, 0.15 * a.meanWaitA()), summary);
    }

    /**
     * The cluster's model, once no job is left on it and the last ones ended 3 s ago: an earlier test's last jobs
     * (cancelled as it ended) then end before the window and are not replayed beside this test's.
     */
    private static SlurmModel quietClusterModel(SlurmCommands slurm) throws InterruptedException {
        java.time.Instant deadline = java.time.Instant.now().plusSeconds(120);
        while (!slurm.squeue("--all", "--states=PENDING,RUNNING,CONFIGURING,COMPLETING", "-o", "%i").isEmpty()) {
            if (java.time.Instant.now().isAfter(deadline)) throw new AssertionError("the cluster stays busy");
            Thread.sleep(1000);
        }
        Thread.sleep(3000);
        return new SlurmModel(SlurmModel.parseNodes(slurm.scontrol("show", "node", "-o")),
                SlurmModel.Settings.parse(slurm.scontrol("show", "config"), SlurmModel.DEFAULT_TURNAROUND_MS));
    }
}
