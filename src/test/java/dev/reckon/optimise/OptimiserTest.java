package dev.reckon.optimise;

import dev.reckon.sim.Machine;
import dev.reckon.sim.SimDefaults;
import dev.reckon.sim.SimulatedCluster;
import dev.reckon.sim.WorkloadModel;
import dev.reckon.source.Cluster;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OptimiserTest {
    static final long GIB = 1L << 30;
    static final Instant T0 = Instant.parse("2026-01-05T00:00:00Z");

    /** A stage whose jobs need 1 GiB + 1 GiB per unit, 60 s of one core per unit, 10% serial; a GPU does nothing. */
    static WorkloadModel model() {
        return s -> {
            int shards = 1;
            for (String kv : s.comment().split(",")) if (kv.startsWith("shards=")) shards = Integer.parseInt(kv.substring(7));
            double run = 30 + 60.0 * shards * (0.1 + 0.9 / s.cpus());
            return new WorkloadModel.Outcome(Math.round(run), GIB + GIB * shards, false);
        };
    }

    static Machine machine() {
        return new Machine(List.of(new Machine.Group("cpu", 8, 32, 128 * GIB, 0, Set.of()),
                new Machine.Group("gpu", 2, 32, 128 * GIB, 4, Set.of("gpu"))));
    }

    static Campaign campaign() {
        Shape start = new Shape(2, 4 * GIB, 1, 7200, null, 10, 4);
        Stage prep = new Stage("prep", 1000, "prep {shard_first}-{shard_last}", start,
                Map.of(Factor.CPUS, new Stage.Range(1, 16), Factor.MEM, new Stage.Range(GIB, 64 * GIB),
                        Factor.TIME, new Stage.Range(600, 4 * 3600), Factor.SHARDS_PER_JOB, new Stage.Range(1, 50),
                        Factor.CONCURRENCY, new Stage.Range(1, 50), Factor.GPUS, new Stage.Range(0, 1)),
                Set.of(Lane.CPU, Lane.GPU), List.of(), null);
        return new Campaign("test", 1, "c1", List.of(prep));
    }

    @Test
    void theRoundsRemoveTheOomAndShortenTheStage() {
        SimDefaults d = SimDefaults.load();
        SimulatedCluster c = new SimulatedCluster(machine(), model(), null, T0, "easy", d);
        Optimiser.MemoryLog log = new Optimiser.MemoryLog();
        Optimiser.Run r = new Optimiser(campaign(), c, Optimiser.simulated(c, d), log, Optimiser.Budget.UNLIMITED,
                Optimiser.Settings.DEFAULT).run();
        for (Trial t : r.trials())
            System.out.println(t.round() + " #" + t.number() + " " + t.hypothesis() + " | " + t.shape() + " | "
                    + (t.result() == null ? t.status() : t.result().completed() + " ok " + t.result().ooms() + " oom "
                    + Math.round(t.result().meanRuntimeS()) + "s run " + Math.round(t.result().meanWaitS()) + "s wait"));
        System.out.println(r.stopped() + " " + r.chosen() + " " + r.estimates());
        Shape chosen = r.chosen().get("prep");
        assertNotNull(chosen);
        assertTrue(chosen.memBytes() >= GIB + GIB * chosen.shardsPerJob(), "no OOM at the chosen shape: " + chosen);
        assertEquals(0, chosen.gpus(), "the idle GPU is given back");
        Optimiser.Estimate e = r.estimates().get("prep");
        assertTrue(e.chosenS() > 0, e.toString());
    }

    static Trial done(Shape shape, int units, long peak, long seconds) {
        Trial.Result r = new Trial.Result(1, 0, 0, 0, 0, seconds, peak, seconds, 0, 0,
                List.of(new long[] {units, peak}), List.of(new long[] {units, seconds}));
        return new Trial(1, 1, "prep", "t", shape, 0, 1, units, Trial.Status.DONE, List.of("1"), null, r);
    }

    @Test
    void aJobOfFewerUnitsThanAnySeenIsNotAssumedToNeedLessMemory() {
        // regression: one job of 20 units peaked at 6 GiB; a job of 1 unit was sized at 6/20 GiB and ran out of memory
        Evidence ev = new Evidence();
        ev.add(done(new Shape(8, 8 * GIB, 0, 7200, null, 20, 4), 20, 6 * GIB, 4000));
        assertTrue(ev.peakBytes(1) >= 6 * GIB, "no fall assumed below the fewest units seen: " + ev.peakBytes(1));
        assertTrue(ev.peakBytes(40) >= 12 * GIB, "more units: as much per unit, base and all: " + ev.peakBytes(40));
        ev.add(done(new Shape(8, 8 * GIB, 0, 7200, null, 5, 4), 5, 3 * GIB, 1000));
        double one = ev.peakBytes(1);
        assertTrue(one >= 2 * GIB && one < 3 * GIB, "two sizes seen: the line's base (2 GiB), not less: " + one);
    }

    @Test
    void theForecastEndsOthersJobsWhenTheirHistorySaysNotAtTheirLimits() {
        Machine m = new Machine(List.of(new Machine.Group("cpu", 1, 32, 128 * GIB, 0, Set.of())));
        List<dev.reckon.sim.Predict.LiveJob> queue = List.of(new dev.reckon.sim.Predict.LiveJob("o1", true, null, "other",
                0, T0, 3600L, 600, 1, 32, GIB, 0, 0, "render"));
        // the other user's "render" jobs use a quarter of their hour: this one ends at 900 s, 300 s from now
        dev.reckon.sim.RuntimeEstimate.Builder b = dev.reckon.sim.RuntimeEstimate.forAny();
        for (int i = 0; i < 5; i++) b.add(new dev.reckon.sim.RuntimeEstimate.Finished("other", "render", null, 3600, 900));
        Forecast.Snapshot limits = Forecast.of(m, queue);
        Forecast.Snapshot history = new Forecast.Snapshot(m, queue, limits.policy(), limits.defaults(), b.build());
        Shape wide = new Shape(32, GIB, 0, 1200, null, 1, 1);
        assertEquals(3000 + 1000, Forecast.makespanS(limits, wide, 1, 1000), 1e-9);
        assertEquals(300 + 1000, Forecast.makespanS(history, wide, 1, 1000), 1e-9);
    }

    @Test
    void theForecastCountsEveryWavesWaitAndTheRoomOthersLeave() {
        // one 32-core node busy with others' 16-core jobs of an hour: half a node is free
        Machine m = new Machine(List.of(new Machine.Group("cpu", 1, 32, 128 * GIB, 0, Set.of())));
        List<dev.reckon.sim.Predict.LiveJob> queue = List.of(new dev.reckon.sim.Predict.LiveJob("o1", true, null, "other",
                0, T0, 3600L, 600, 1, 16, GIB, 0));
        Forecast.Snapshot snap = Forecast.of(m, queue);
        Shape narrow = new Shape(4, GIB, 0, 1200, null, 1, 8);
        // 8 jobs of 4 CPUs and 1000 s, 8 at once: only 4 fit beside the others' job, so two waves
        assertEquals(2000, Forecast.makespanS(snap, narrow, 8, 1000), 1e-9);
        // a whole-node job waits for the others' job to end, and the one that follows it waits behind ours
        Shape wide = narrow.withCpus(32);
        assertEquals(3000 + 1000, Forecast.makespanS(snap, wide, 1, 1000), 1e-9);
        // an idle machine: the waves' runtimes only
        assertEquals(3000, Forecast.makespanS(Forecast.of(m, List.of()), narrow.withConcurrency(2), 6, 1000), 1e-9);
    }

    /** A trial that ran cleanly: {@code jobs} jobs of the shape's units, each {@code runS}, waiting {@code waitS}. */
    static Trial ran(int round, int number, String why, Shape shape, int first, int jobs, long runS, long waitS,
                     long wallS) {
        List<long[]> runs = new java.util.ArrayList<>(), peaks = new java.util.ArrayList<>();
        for (int j = 0; j < jobs; j++) {
            runs.add(new long[] {shape.shardsPerJob(), runS});
            peaks.add(new long[] {shape.shardsPerJob(), GIB});
        }
        Trial.Result r = new Trial.Result(jobs, 0, 0, 0, waitS, runS, GIB, wallS, 0, 0, peaks, runs);
        return new Trial(round, number, "prep", why, shape, first, jobs, jobs * shape.shardsPerJob(), Trial.Status.DONE,
                List.of(String.valueOf(number)), null, r);
    }

    /** The configuration chosen from a log of trials, as the rounds leave it. */
    static Shape chosenAfter(List<Trial> trials) {
        Shape start = new Shape(2, 8 * GIB, 0, 3600, null, 2, 4);
        Stage prep = new Stage("prep", 64, null, start,
                Map.of(Factor.SHARDS_PER_JOB, new Stage.Range(1, 16), Factor.CONCURRENCY, new Stage.Range(1, 16)),
                Set.of(Lane.CPU), List.of(), null);
        Optimiser.MemoryLog log = new Optimiser.MemoryLog();
        trials.forEach(log::save);
        return new Optimiser(new Campaign("fit", 1, "c1", List.of(prep)), null, null, log, Optimiser.Budget.UNLIMITED,
                Optimiser.Settings.DEFAULT).stored().chosen().get("prep");
    }

    @Test
    void aShapeThatHasRunIsJudgedByItsMeasuredRuntimeNotByTheFittedLine() {
        // jobs of 4 units ran 600 s, of 8 units 546 s (of 2, 360 s): no line through them. The fit (496 s + 11 s a
        // unit) puts 4 units at 541 s and 8 at 586 s, and would keep 4 units a job; what they measured says 8
        Shape start = new Shape(2, 8 * GIB, 0, 3600, null, 2, 4);
        Shape four = start.withShardsPerJob(4).withConcurrency(16);
        Shape eight = start.withShardsPerJob(8).withConcurrency(8);
        Shape chosen = chosenAfter(List.of(
                ran(0, 1, "smoke", start, 0, 1, 360, 0, 360),
                ran(1, 2, "sweep", four, 2, 4, 600, 0, 600),
                ran(1, 3, "sweep", eight, 18, 2, 546, 0, 546)));
        assertEquals(eight, chosen, "8 units a job, measured 10% faster than 4 units a job, is chosen");
        Evidence ev = new Evidence();
        ev.add(ran(1, 2, "sweep", four, 2, 4, 600, 0, 600));
        assertEquals(600, ev.measuredRuntimeS(Lane.CPU, 4, 2), 1e-9);
        assertEquals(-1, ev.measuredRuntimeS(Lane.CPU, 8, 2), 1e-9, "a shape not run has no measurement");
    }
}
