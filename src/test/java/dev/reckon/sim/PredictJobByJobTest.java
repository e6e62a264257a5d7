package dev.reckon.sim;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code predict} with Slurm's own scheduler job by job: where nodes one by one change who starts when. */
class PredictJobByJobTest {
    static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");
    /** Two nodes of 2 CPUs; a job that gives no memory gets 256 MB per CPU (DefMemPerCPU). */
    static final SlurmModel TWO_NODES = new SlurmModel(List.of(
            new SlurmModel.Node("n1", 2, 4096, Set.of("debug")), new SlurmModel.Node("n2", 2, 4096, Set.of("debug"))),
            new SlurmModel.Settings(30, 60, 500, 1440 * 60, 256, SlurmModel.DEFAULT_TURNAROUND_MS));

    /** One CPU busy on each node: on n1 for 100 s more, on n2 for 900 s more (every job to its limit). */
    static final List<Predict.LiveJob> QUEUE = List.of(
            new Predict.LiveJob("1", true, "debug", "a", 1, NOW.minusSeconds(100), 200L, 100, 1, 1, 256L << 20, 0),
            new Predict.LiveJob("2", true, "debug", "b", 1, NOW.minusSeconds(100), 1000L, 100, 1, 1, 256L << 20, 0));
    static final Map<String, Predict.Asked> WHERE = Map.of(
            "1", new Predict.Asked("1", 1, 1, 0, 0, 0, 256, false, Map.of("n1", new long[]{1, 256})),
            "2", new Predict.Asked("2", 1, 1, 0, 0, 0, 256, false, Map.of("n2", new long[]{1, 256})));

    static Predict.Prediction asked(Predict.Shape s, Predict.Layout l) {
        List<String> why = new ArrayList<>();
        List<Predict.Prediction> ps = Predict.predictSlurm(TWO_NODES, QUEUE, WHERE, List.of(s), l, NOW,
                RuntimeEstimate.LIMITS, why);
        assertTrue(why.isEmpty(), why.toString());
        return ps.get(0);
    }

    @Test
    void twoCpusOfOneTaskWaitForANodeWithTwoFreeWhereThePooledSimulatorStartsThemNow() {
        Predict.Shape s = new Predict.Shape("as asked", 1, 2, 0, 0, 600, null, 1);
        assertEquals(100, asked(s, new Predict.Layout(0, 0, false)).waitS(), "n1 frees its CPU at +100 s");
        Predict.Prediction pooled = Predict.predict(Machine.of(2, 2, 4L << 30, 0), QUEUE, List.of(s), NOW,
                "conservative", SimDefaults.load()).get(0);
        assertEquals(0, pooled.waitS(), "pooled, the two free CPUs are one pool");
    }

    @Test
    void twoTasksSpreadOverTheNodesAndStartNow() {
        Predict.Shape s = new Predict.Shape("as asked", 1, 2, 0, 0, 600, null, 1);
        Predict.Prediction p = asked(s, new Predict.Layout(0, 2, false));
        assertEquals(0, p.waitS());
        assertEquals(NOW, p.start());
    }

    @Test
    void anExclusiveJobWaitsForAWholeIdleNode() {
        Predict.Shape s = new Predict.Shape("as asked", 1, 2, 0, 0, 600, null, 1);
        assertEquals(100, asked(s, new Predict.Layout(1, 0, true)).waitS());
        // on nodes with GPUs, an exclusive job holds them without asking: still job by job
        Predict.Shape whole = new Predict.Shape("as asked", 1, 2, 4096L << 20, 2, 600, null, 1);
        assertEquals(100, asked(whole, new Predict.Layout(1, 0, true)).waitS());
    }

    @Test
    void aPendingJobAheadTakesTheFirstFreedNode() {
        List<Predict.LiveJob> q = new ArrayList<>(QUEUE);
        q.add(new Predict.LiveJob("3", false, "debug", "c", 5, NOW.minusSeconds(10), 300L, 0, 1, 2, 0, 0));
        Map<String, Predict.Asked> where = new java.util.HashMap<>(WHERE);
        where.put("3", new Predict.Asked("3", 1, 2, 0, 0, 0, 0, false, Map.of()));
        Predict.Shape s = new Predict.Shape("as asked", 1, 2, 0, 0, 600, null, 1);
        List<String> why = new ArrayList<>();
        Predict.Prediction p = Predict.predictSlurm(TWO_NODES, q, where, List.of(s), new Predict.Layout(0, 0, false),
                NOW, RuntimeEstimate.LIMITS, why).get(0);
        // job 3 takes n1 at +100 s for its 300 s; the new job gets n2 when job 2 ends at +900 s... or n1 at +400 s
        assertEquals(400, p.waitS());
    }

    /** The same two nodes with 2 GPUs each; jobs 1 and 2 each hold one GPU beside their CPU. */
    static final SlurmModel TWO_GPU_NODES = new SlurmModel(List.of(
            new SlurmModel.Node("n1", 2, 4096, 2, Set.of("debug")), new SlurmModel.Node("n2", 2, 4096, 2, Set.of("debug"))),
            TWO_NODES.settings());
    static final List<Predict.LiveJob> GPU_QUEUE = List.of(
            new Predict.LiveJob("1", true, "debug", "a", 1, NOW.minusSeconds(100), 200L, 100, 1, 1, 256L << 20, 1),
            new Predict.LiveJob("2", true, "debug", "b", 1, NOW.minusSeconds(100), 1000L, 100, 1, 1, 256L << 20, 1));
    static final Map<String, Predict.Asked> GPU_WHERE = Map.of(
            "1", new Predict.Asked("1", 1, 1, 0, 0, 0, 256, false, new SlurmModel.Gpus(1, 0, 0),
                    Map.of("n1", new long[]{1, 256, 1})),
            "2", new Predict.Asked("2", 1, 1, 0, 0, 0, 256, false, new SlurmModel.Gpus(1, 0, 0),
                    Map.of("n2", new long[]{1, 256, 1})));

    @Test
    void twoGpusOnOneNodeWaitForANodeWithBothFreeWhereThePooledSimulatorStartsThemNow() {
        Predict.Shape s = new Predict.Shape("as asked", 1, 1, 0, 2, 600, null, 1);
        List<String> why = new ArrayList<>();
        Predict.Prediction p = Predict.predictSlurm(TWO_GPU_NODES, GPU_QUEUE, GPU_WHERE, List.of(s),
                new Predict.Layout(0, 0, false, 2), NOW, RuntimeEstimate.LIMITS, why).get(0);
        assertTrue(why.isEmpty(), why.toString());
        assertEquals(100, p.waitS(), "one GPU free on each node: the job waits for job 1 to free n1's");
        Predict.Prediction pooled = Predict.predict(Machine.of(2, 2, 4L << 30, 2), GPU_QUEUE, List.of(s), NOW,
                "conservative", SimDefaults.load()).get(0);
        assertEquals(0, pooled.waitS(), "pooled, the two free GPUs are one pool");
        // one GPU fits beside either job now
        Predict.Prediction one = Predict.predictSlurm(TWO_GPU_NODES, GPU_QUEUE, GPU_WHERE,
                List.of(new Predict.Shape("as asked", 1, 1, 0, 1, 600, null, 1)), new Predict.Layout(0, 0, false, 1),
                NOW, RuntimeEstimate.LIMITS, why).get(0);
        assertEquals(0, one.waitS());
    }

    @Test
    void aPendingGpuJobAheadTakesTheFirstNodeWhoseGpusFree() {
        List<Predict.LiveJob> q = new ArrayList<>(GPU_QUEUE);
        q.add(new Predict.LiveJob("3", false, "debug", "c", 5, NOW.minusSeconds(10), 300L, 0, 1, 1, 0, 2));
        Map<String, Predict.Asked> where = new java.util.HashMap<>(GPU_WHERE);
        where.put("3", new Predict.Asked("3", 1, 1, 0, 0, 0, 0, false, new SlurmModel.Gpus(2, 0, 0), Map.of()));
        List<String> why = new ArrayList<>();
        Predict.Prediction p = Predict.predictSlurm(TWO_GPU_NODES, q, where,
                List.of(new Predict.Shape("as asked", 1, 1, 0, 2, 600, null, 1)), new Predict.Layout(0, 0, false, 2),
                NOW, RuntimeEstimate.LIMITS, why).get(0);
        assertTrue(why.isEmpty(), why.toString());
        // job 3 takes n1's two GPUs at +100 s for its 300 s; n2's free at +900 s, n1's at +400 s
        assertEquals(400, p.waitS());
    }

    @Test
    void gpusNobodyCanPlaceAndUnplacedRunningJobsGoBackToThePooledSimulatorWithTheReason() {
        List<String> why = new ArrayList<>();
        assertNull(Predict.predictSlurm(TWO_NODES, QUEUE, WHERE, List.of(new Predict.Shape("g", 1, 1, 0, 1, 60, null, 1)),
                new Predict.Layout(0, 0, false, 1), NOW, RuntimeEstimate.LIMITS, why));
        assertTrue(why.get(0).contains("GPUs"), why.toString());
        why.clear();
        // a running job that holds GPUs scontrol does not place
        assertNull(Predict.predictSlurm(TWO_GPU_NODES, GPU_QUEUE, WHERE, List.of(new Predict.Shape("x", 1, 1, 0, 0, 60,
                null, 1)), new Predict.Layout(0, 0, false), NOW, RuntimeEstimate.LIMITS, why));
        assertTrue(why.get(0).contains("GPUs job 1 holds"), why.toString());
        why.clear();
        assertNull(Predict.predictSlurm(TWO_NODES, QUEUE, Map.of(), List.of(new Predict.Shape("x", 1, 1, 0, 0, 60, null, 1)),
                new Predict.Layout(0, 0, false), NOW, RuntimeEstimate.LIMITS, why));
        assertTrue(why.get(0).contains("running job 1"), why.toString());
    }

    @Test
    void aCompletingJobHoldsNothing() {
        List<Predict.LiveJob> q = new ArrayList<>(QUEUE);
        // squeue lists a completing job as running with no time left (its limit set to what it used)
        q.add(new Predict.LiveJob("7", true, "debug", "d", 1, NOW.minusSeconds(50), 50L, 50, 1, 2, 0, 0));
        Map<String, Predict.Asked> where = new java.util.HashMap<>(WHERE);
        where.put("7", new Predict.Asked("7", 1, 2, 0, 0, 0, 0, false, Map.of()));
        List<String> why = new ArrayList<>();
        Predict.Prediction p = Predict.predictSlurm(TWO_NODES, q, where, List.of(new Predict.Shape("x", 1, 1, 0, 0, 60,
                null, 1)), new Predict.Layout(0, 0, false), NOW, RuntimeEstimate.LIMITS, why).get(0);
        assertTrue(why.isEmpty(), why.toString());
        assertEquals(0, p.waitS());
    }
}
