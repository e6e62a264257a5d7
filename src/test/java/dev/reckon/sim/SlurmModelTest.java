package dev.reckon.sim;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class SlurmModelTest {
    /** A multiple of 30 s of Unix time (and not of bf_interval in the tests that push backfill away). */
    private static final long T = 1_800_000_030L;

    private static SlurmModel.Node node(String name, int cpus) {
        return new SlurmModel.Node(name, cpus, 4000, Set.of("debug"));
    }

    private static SlurmModel.Settings bf(long interval) {
        return new SlurmModel.Settings(interval, 60, 500, 86400, 0, 0);
    }

    private static SlurmModel.Running running(String id, long start, long limitS, long release, int... cpusOn) {
        long[] mem = new long[cpusOn.length];
        for (int i = 0; i < cpusOn.length; i++) mem[i] = cpusOn[i] * 100L;
        return new SlurmModel.Running(id, start, limitS, release, cpusOn, mem);
    }

    private static SlurmModel.Job job(String id, long eligible, long limitS, long runtimeS, int cpus) {
        return SlurmModel.Job.simple(id, eligible, limitS, runtimeS, cpus, 100);
    }

    @Test
    void aBlockedJobIsPlannedAtTheLastEndOfItsThirtySecondAlignedGroup() {
        SlurmModel m = new SlurmModel(List.of(node("n1", 2)), bf(1));
        SlurmModel.Job one = job("9", T, 600, 10, 1);
        // limits end at T+100 and T+155: the window runs to the first end rounded up to 30 s (T+120) plus 30 s, so
        // the job is planned after the first end alone
        assertEquals(T + 100, m.estimate(one, List.of(running("1", T, 100, T + 100, 1),
                running("2", T, 155, T + 155, 1)), T + 1));
        // the same two jobs 20 s later: the first ends on a multiple of 30 (T+120), the window runs to T+180 and
        // takes in the second, and the plan is the group's last end, 35 s later than the room
        long s = T + 20;
        assertEquals(s + 155, m.estimate(one, List.of(running("1", s, 100, s + 100, 1),
                running("2", s, 155, s + 155, 1)), s + 1));
    }

    @Test
    void anArraysTasksOverItsLimitWaitWithoutHoldingBackTheJobsBehindThem() {
        SlurmModel m = new SlurmModel(List.of(node("n1", 4)), bf(1));
        // --array=1-4%2 of 1 CPU, 10 s each, then a job of 2 CPUs submitted a second later
        List<SlurmModel.Job> jobs = new java.util.ArrayList<>();
        for (int i = 1; i <= 4; i++) jobs.add(job("10" + i, T, 600, 10, 1).inArray("10", 2));
        jobs.add(job("20", T + 1, 600, 10, 2));
        Map<String, Long> s = m.run(jobs, List.of());
        assertEquals(T, s.get("101"));
        assertEquals(T, s.get("102"));
        assertEquals(T + 1, s.get("20"), "the two CPUs the limit leaves free");
        assertEquals(T + 10, s.get("103"), "the next two tasks as the first two end");
        assertEquals(T + 10, s.get("104"));
        // without the limit the four tasks start at once, and the later job waits for two of them
        List<SlurmModel.Job> free = new java.util.ArrayList<>();
        for (int i = 1; i <= 4; i++) free.add(job("10" + i, T, 600, 10, 1).inArray("10", 0));
        free.add(job("20", T + 1, 600, 10, 2));
        Map<String, Long> f = m.run(free, List.of());
        assertEquals(T, f.get("104"));
        assertEquals(T + 10, f.get("20"));
    }

    @Test
    void theWindowDoublesUntilTheJobFits() {
        SlurmModel m = new SlurmModel(List.of(node("n1", 3)), bf(1));
        SlurmModel.Job three = job("9", T, 600, 10, 3);
        // limit ends T+10, T+100, T+200: groups [T+10] (window to T+60), [T+100] (doubled to 120, then to T+150),
        // [T+200] (doubled to T+270); the job fits only after the third
        assertEquals(T + 200, m.estimate(three, List.of(running("1", T, 10, T + 10, 1),
                running("2", T, 100, T + 100, 1), running("3", T, 200, T + 200, 1)), T + 1));
        assertNull(m.estimate(job("10", T, 600, 10, 4), List.of(), T), "more CPUs than the node has");
    }

    @Test
    void withoutBackfillTheMainSchedulerStopsAtTheFirstJobThatCannotStart() {
        long t0 = T + 7; // not a multiple of the backfill interval below: backfill never runs
        SlurmModel m = new SlurmModel(List.of(node("n1", 2)), bf(1_000_000_000L));
        Map<String, Long> s = m.run(List.of(job("1", t0, 600, 50, 1), job("2", t0 + 1, 600, 10, 2),
                job("3", t0 + 2, 600, 10, 1)));
        assertEquals(t0, s.get("1"));
        assertEquals(t0 + 50, s.get("2"));
        assertEquals(t0 + 60, s.get("3"), "job 3 fits beside job 1 but waits behind job 2");
    }

    @Test
    void backfillStartsASmallJobOnlyWhereItDoesNotDelayTheReservation() {
        SlurmModel m = new SlurmModel(List.of(node("n1", 2)), bf(1));
        // job 2 (2 CPUs) is planned at job 1's limit end, T+600, reserved from T+600 (a multiple of 60 after T)
        Map<String, Long> s = m.run(List.of(job("1", T, 570, 50, 1), job("2", T + 1, 600, 10, 2),
                job("3", T + 2, 60, 10, 1), job("4", T + 3, 3000, 10, 1)));
        assertEquals(T + 2, s.get("3"), "a short job backfills");
        assertEquals(T + 50, s.get("2"));
        assertEquals(T + 60, s.get("4"), "a long one would overlap job 2's reservation: it waits");
    }

    @Test
    void tasksSpreadOverNodesWhereOneTaskOfTwoCpusCannot() {
        SlurmModel m = new SlurmModel(List.of(node("n1", 2), node("n2", 2)), bf(1));
        SlurmModel.Job spread = new SlurmModel.Job("3", T + 1, T + 1, 600, 10, null, 0, 2, 1, 0, 100, false);
        SlurmModel.Job oneNode = new SlurmModel.Job("4", T + 1, T + 1, 600, 10, null, 1, 1, 2, 0, 100, false);
        // job 2: one task on each node, leaving one core free on each
        SlurmModel.Job fill = new SlurmModel.Job("2", T, T, 600, 100, null, 2, 2, 1, 0, 100, false);
        Map<String, Long> a = m.run(List.of(fill, spread));
        assertEquals(T + 1, a.get("3"), "two tasks of one CPU take the free core of each node");
        Map<String, Long> b = m.run(List.of(fill, oneNode));
        assertEquals(T + 100, b.get("4"), "one task of two CPUs needs one node with both free");
    }

    @Test
    void anExclusiveJobTakesAWholeIdleNode() {
        SlurmModel m = new SlurmModel(List.of(node("n1", 2), node("n2", 2)), bf(1));
        SlurmModel.Job ex1 = new SlurmModel.Job("2", T + 1, T + 1, 600, 30, null, 1, 1, 1, 0, 100, true);
        SlurmModel.Job ex2 = new SlurmModel.Job("3", T + 2, T + 2, 600, 30, null, 1, 1, 1, 0, 100, true);
        Map<String, Long> s = m.run(List.of(job("1", T, 600, 20, 2), ex1, ex2, job("4", T + 3, 60, 5, 1)));
        assertEquals(T + 1, s.get("2"));
        assertEquals(T + 20, s.get("3"), "the second waits until n1 is idle");
        assertEquals(T + 31, s.get("4"), "nothing shares an exclusive job's node");
    }

    @Test
    void aReleasedJobKeepsItsPlaceByItsSubmission() {
        SlurmModel m = new SlurmModel(List.of(node("n1", 1)), bf(1_000_000_000L));
        long t0 = T + 7;
        // job 2 was submitted at t0+1 but held until t0+22: job 4 (t0+2) passes it while it is held, but once released
        // it goes before job 3 (t0+5), as on Slurm 22.05 with equal priorities
        Map<String, Long> s = m.run(List.of(job("1", t0, 600, 20, 1),
                new SlurmModel.Job("2", t0 + 1, t0 + 22, 600, 5, null, 1, 1, 1, 0, 100, false),
                job("3", t0 + 5, 600, 5, 1), job("4", t0 + 2, 600, 5, 1)));
        assertEquals(t0 + 20, s.get("4"));
        assertEquals(t0 + 25, s.get("2"));
        assertEquals(t0 + 30, s.get("3"));
    }

    @Test
    void theTurnaroundDelaysTheNextJob() {
        SlurmModel m = new SlurmModel(List.of(node("n1", 1)), bf(1).withTurnaroundMs(1000));
        Map<String, Long> s = m.run(List.of(job("1", T, 600, 20, 1), job("2", T + 1, 600, 5, 1)));
        assertEquals(T + 21, s.get("2"));
    }

    @Test
    void settingsAndNodesAreReadFromScontrol() {
        SlurmModel.Settings s = SlurmModel.Settings.parse("""
                DefMemPerCPU            = 256
                SchedulerParameters     = bf_interval=1,sched_min_interval=2,bf_resolution=60,bf_max_job_test=50
                SchedulerType           = sched/backfill
                """, 1);
        assertEquals(new SlurmModel.Settings(1, 60, 50, 86400, 256, 1), s);
        assertEquals(SlurmModel.Settings.defaults().withTurnaroundMs(0), SlurmModel.Settings.parse("", 0));
        List<SlurmModel.Node> nodes = SlurmModel.parseNodes(
                "NodeName=n1 Arch=x86_64 CoresPerSocket=2 CPUAlloc=0 CPUEfctv=2 CPUTot=2 CPULoad=0.81 Gres=gpu:2 "
                        + "RealMemory=4000 AllocMem=0 State=IDLE Partitions=debug,gpu \n");
        assertEquals(List.of(new SlurmModel.Node("n1", 2, 4000, 2, Set.of("debug", "gpu"))), nodes);
        assertEquals(3, SlurmModel.parseNodes("NodeName=g1 CPUTot=8 Gres=gpu:a100:2(S:0),gpu:v100:1,mps:200 "
                + "RealMemory=1 Partitions=gpu").get(0).gpus());
        assertEquals(0, SlurmModel.parseNodes("NodeName=c1 CPUTot=8 Gres=(null) RealMemory=1").get(0).gpus());
    }

    private static SlurmModel.Job gpuJob(String id, long t, long runtimeS, int tasks, SlurmModel.Gpus g) {
        return new SlurmModel.Job(id, t, t, 600, runtimeS, null, 0, tasks, 1, 0, 100, false, g);
    }

    @Test
    void aJobAskingGpusPerNodeTakesOnlyANodeWithThatManyFree() {
        List<SlurmModel.Node> nodes = List.of(new SlurmModel.Node("n1", 4, 4000, 2, Set.of("gpu")),
                new SlurmModel.Node("n2", 4, 4000, 2, Set.of("gpu")));
        SlurmModel m = new SlurmModel(nodes, bf(1));
        SlurmModel.Gpus one = new SlurmModel.Gpus(1, 0, 0), two = new SlurmModel.Gpus(2, 0, 0);
        // a GPU beside nothing else goes on the first node that holds it
        Map<String, Long> packed = m.run(List.of(gpuJob("1", T, 50, 1, one), gpuJob("2", T, 80, 1, one),
                gpuJob("3", T + 1, 10, 1, two)));
        assertEquals(T + 1, packed.get("3"), "jobs 1 and 2 share n1: n2's two GPUs are free");
        // one GPU taken on each node (job 1's three CPUs leave no room for job 2's two on n1): a job of two GPUs per
        // node waits for the first to end, with CPUs free on both nodes
        SlurmModel.Job wide = new SlurmModel.Job("1", T, T, 600, 50, null, 0, 1, 3, 0, 100, false, one);
        SlurmModel.Job other = new SlurmModel.Job("2", T, T, 600, 80, null, 0, 1, 2, 0, 100, false, one);
        Map<String, Long> s = m.run(List.of(wide, other, gpuJob("3", T + 1, 10, 1, two)));
        assertEquals(T, s.get("2"));
        assertEquals(T + 50, s.get("3"), "two GPUs on one node only when job 1 ends");
        // GPUs per job over several tasks spread over the nodes' free GPUs at once
        Map<String, Long> spread = m.run(List.of(gpuJob("1", T, 50, 1, one), gpuJob("2", T, 80, 1, one),
                gpuJob("3", T + 1, 10, 2, new SlurmModel.Gpus(0, 0, 2))));
        assertEquals(T + 1, spread.get("3"));
        // GPUs per task bound the tasks a node takes
        Map<String, Long> perTask = m.run(List.of(gpuJob("1", T, 50, 1, one),
                gpuJob("3", T + 1, 10, 3, new SlurmModel.Gpus(0, 1, 0))));
        assertEquals(T + 1, perTask.get("3"), "one task on n1, two on n2");
        assertNull(m.run(List.of(gpuJob("4", T, 10, 1, new SlurmModel.Gpus(3, 0, 0)))).get("4"),
                "no node has three GPUs: never");
    }

    @Test
    void aJobCancelledWhileItWaitedHoldsItsPlaceUntilThen() {
        SlurmModel m = new SlurmModel(List.of(node("n1", 2), node("n2", 2)), bf(1));
        // n1 has a CPU free, n2 none, both until their limits' ends at T+60; job 3 (two CPUs on one node) is planned
        // there; job 4 (one CPU for three minutes) would overlap that reservation on n1, so it waits until job 3 is
        // cancelled at T+10
        SlurmModel.Job one = job("1", T, 60, 30, 1), two = job("2", T, 60, 30, 2);
        SlurmModel.Job blocked = new SlurmModel.Job("3", T + 1, T + 1, 60, 60, null, 1, 1, 2, 0, 100, false,
                SlurmModel.Gpus.NONE, T + 10);
        SlurmModel.Job small = job("4", T + 2, 180, 10, 1);
        assertEquals(T + 10, m.run(List.of(one, two, blocked, small)).get("4"));
        assertEquals(T + 2, m.run(List.of(one, two, small)).get("4"), "without job 3 it backfills at once");
        assertNull(m.run(List.of(one, two, blocked, small)).get("3"), "it never started");
    }

    @Test
    void aReplayPastItsWorkLimitStopsWithHowManyJobsWaited() {
        SlurmModel m = new SlurmModel(List.of(node("n1", 1)), bf(1));
        List<SlurmModel.Job> many = new java.util.ArrayList<>();
        for (int k = 0; k < 200; k++) many.add(job(String.valueOf(k), T, 600, 60, 1));
        SlurmModel.TooMuchWork e = org.junit.jupiter.api.Assertions.assertThrows(SlurmModel.TooMuchWork.class,
                () -> m.run(many, List.of(), 10_000));
        assertEquals("replaying 200 jobs on 1 nodes job by job takes more work than reckon allows (up to 199 jobs "
                + "waited at once)", e.getMessage());
        assertEquals(200, m.run(many, List.of()).size(), "within the default limit it ends");
    }
}
