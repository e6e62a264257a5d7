package dev.reckon.sim;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Small schedules worked out by hand, one per rule of each policy. */
class PoliciesTest {
    static final SimDefaults D = SimDefaults.load();
    /** Four nodes of one core each. */
    static final Machine FOUR = Machine.of(4, 1, 0, 0);

    static Workload.Builder jobs() {
        return new Workload.Builder();
    }

    static void job(Workload.Builder b, String id, long submit, long cores, long limit, long runtime) {
        b.add(id, submit, limit, runtime, 0, cores, 0, 0, "u", null, null);
    }

    static long startOf(SimResult r, String id) {
        for (int j = 0; j < r.workload().size(); j++) if (r.workload().id(j).equals(id)) return r.start(j);
        throw new AssertionError("no job " + id);
    }

    /** J1 holds 2 of 4 cores until 10; J2 wants all 4; J3 is short and small. */
    static Workload blockedHead(long j3Limit, long j2Cores) {
        Workload.Builder b = jobs();
        job(b, "1", 0, 2, 10, 10);
        job(b, "2", 1, j2Cores, 10, 10);
        job(b, "3", 2, 1, j3Limit, j3Limit);
        return b.build();
    }

    @Test
    void fcfsBlocksEveryJobBehindTheHead() {
        SimResult r = Simulator.run(FOUR, blockedHead(2, 4), "fcfs", D);
        assertEquals(0, startOf(r, "1"));
        assertEquals(10, startOf(r, "2"));
        assertEquals(20, startOf(r, "3"));
    }

    @Test
    void easyBackfillsAShortJobThatEndsBeforeTheHeadsReservation() {
        SimResult r = Simulator.run(FOUR, blockedHead(2, 4), "easy", D);
        assertEquals(2, startOf(r, "3"));
        assertEquals(10, startOf(r, "2"));
    }

    @Test
    void easyDoesNotBackfillAJobThatWouldDelayTheHead() {
        SimResult r = Simulator.run(FOUR, blockedHead(20, 4), "easy", D);
        assertEquals(10, startOf(r, "2"));
        assertEquals(20, startOf(r, "3"));
    }

    @Test
    void easyBackfillsALongJobIntoWhatTheReservationLeavesOver() {
        // J2 needs 3 of 4 cores at 10: one core is spare then, so a long 1-core job may take it now
        SimResult r = Simulator.run(FOUR, blockedHead(50, 3), "easy", D);
        assertEquals(2, startOf(r, "3"));
        assertEquals(10, startOf(r, "2"));
    }

    /** J1 3 cores to 10; J2 2 cores (head); J3 all 4; J4 one core for 100 s. */
    static Workload secondInLine() {
        Workload.Builder b = jobs();
        job(b, "1", 0, 3, 10, 10);
        job(b, "2", 1, 2, 10, 10);
        job(b, "3", 2, 4, 10, 10);
        job(b, "4", 3, 1, 100, 100);
        return b.build();
    }

    @Test
    void easyProtectsOnlyTheHeadSoABackfilledJobMayDelayTheSecondInLine() {
        SimResult r = Simulator.run(FOUR, secondInLine(), "easy", D);
        assertEquals(3, startOf(r, "4"));
        assertEquals(10, startOf(r, "2"));
        assertEquals(103, startOf(r, "3"));
    }

    @Test
    void conservativeNeverDelaysAnEarlierReservation() {
        SimResult r = Simulator.run(FOUR, secondInLine(), "conservative", D);
        assertEquals(10, startOf(r, "2"));
        assertEquals(20, startOf(r, "3"));
        assertEquals(30, startOf(r, "4"));
    }

    @Test
    void conservativeMovesReservationsEarlierWhenAJobEndsBeforeItsLimit() {
        Workload.Builder b = jobs();
        job(b, "1", 0, 4, 100, 10);
        job(b, "2", 1, 4, 10, 10);
        SimResult r = Simulator.run(FOUR, b.build(), "conservative", D);
        assertEquals(10, startOf(r, "2"));
    }

    @Test
    void aJobThatRunsPastItsLimitIsEndedAtTheLimit() {
        Workload.Builder b = jobs();
        b.add("x", 5, 60, 500, 1, 1, 0, 0, "u", null, null);
        for (String p : Policies.names()) {
            SimResult r = Simulator.run(FOUR, b.build(), p, D);
            assertEquals(5, r.start(0), p);
            assertEquals(65, r.end(0), p);
            assertTrue(r.endedAtLimit(0), p);
            assertEquals(1, r.metrics().endedAtLimit(), p);
        }
    }

    @Test
    void jobsThatCannotFitAreDroppedWithTheReason() {
        Machine m = new Machine(List.of(
                new Machine.Group("cpu", 4, 8, 64L << 30, 0, Set.of("batch")),
                new Machine.Group("gpu", 1, 8, 64L << 30, 2, Set.of("gpu"))));
        Workload.Builder b = jobs();
        b.add("ok", 0, 10, 10, 1, 8, 0, 0, "u", "batch", null);
        b.add("toowide", 0, 10, 10, 5, 5, 0, 0, "u", "batch", null);
        b.add("fat", 0, 10, 10, 1, 9, 0, 0, "u", "batch", null);
        b.add("mem", 0, 10, 10, 1, 1, 100L << 30, 0, "u", "batch", null);
        b.add("gpuless", 0, 10, 10, 1, 1, 0, 1, "u", "batch", null);
        b.add("nopart", 0, 10, 10, 1, 1, 0, 0, "u", "debug", null);
        b.add("gpuok", 0, 10, 10, 1, 1, 0, 2, "u", "gpu", null);
        SimResult r = Simulator.run(m, b.build(), "easy", D);
        assertEquals(List.of(
                new Dropped("toowide", "asks for 5 nodes; group cpu has 4"),
                new Dropped("fat", "asks for 9 cores per node; group cpu has 8"),
                new Dropped("mem", "asks for 102400 MiB per node; group cpu has 65536"),
                new Dropped("gpuless", "asks for 1 GPUs per node; group cpu has 0"),
                new Dropped("nopart", "partition debug is not on the machine")), r.dropped());
        assertEquals(2, r.metrics().jobs());
        assertEquals(5, r.metrics().dropped());
        for (int j = 0; j < r.workload().size(); j++) {
            String id = r.workload().id(j);
            assertEquals(id.equals("ok") || id.equals("gpuok"), r.ran(j), id);
        }
        assertEquals(1, r.group(6));
        assertFalse(r.endedAtLimit(0));
    }

    /** H ran 0..600 alone, L 600..1000; both then queue one job behind L's. */
    static Workload heavyThenLight() {
        Workload.Builder b = jobs();
        b.add("h1", 0, 600, 600, 1, 1, 0, 0, "heavy", null, null);
        b.add("l1", 0, 400, 400, 1, 1, 0, 0, "light", null, null);
        b.add("h2", 999, 10, 10, 1, 1, 0, 0, "heavy", null, null);
        b.add("l2", 999, 10, 10, 1, 1, 0, 0, "light", null, null);
        return b.build();
    }

    @Test
    void priorityPutsTheLightUserFirstAfterAHeavyUsersUsage() {
        Machine one = Machine.of(1, 1, 0, 0);
        SimResult r = Simulator.run(one, heavyThenLight(), "priority", D.withDecayHalfLife(1_000_000_000L));
        assertEquals(1000, startOf(r, "l2"));
        assertEquals(1010, startOf(r, "h2"));
        SimResult fifo = Simulator.run(one, heavyThenLight(), "easy", D);
        assertEquals(1000, startOf(fifo, "h2"));
    }

    @Test
    void priorityDecayForgivesOldUsage() {
        Machine one = Machine.of(1, 1, 0, 0);
        SimResult r = Simulator.run(one, heavyThenLight(), "priority", D.withDecayHalfLife(100));
        assertEquals(1000, startOf(r, "h2"));
        assertEquals(1010, startOf(r, "l2"));
    }

    @Test
    void metricsOfAKnownSchedule() {
        SimResult r = Simulator.run(FOUR, blockedHead(2, 4), "fcfs", D);
        Metrics m = r.metrics();
        // waits 0, 9, 18; runs 10, 10, 2
        assertEquals(3, m.jobs());
        assertEquals(9.0, m.meanWaitS(), 1e-9);
        assertEquals(9.0, m.medianWaitS(), 1e-9);
        assertEquals(18.0, m.p95WaitS(), 1e-9);
        assertEquals((1 + 1.9 + 2.0) / 3, m.meanBoundedSlowdown(), 1e-9);
        assertEquals(22, m.makespanS());
        assertEquals(62.0 / (4 * 22), m.utilisation(), 1e-9);
        assertEquals(D.samples(), m.series().size());
        assertEquals(0, m.series().get(0).time());
        assertEquals(1, m.series().get(0).running());
    }

    @Test
    void aScaledMachineHasProportionallyMoreNodes() {
        assertEquals(110, Machine.of(100, 4, 0, 0).scaled(10).totalNodes());
        assertEquals(1, Machine.of(1, 4, 0, 0).scaled(-90).totalNodes());
    }

    @Test
    void workloadsFilterByTag() {
        Workload.Builder b = jobs();
        b.add("a", 0, 1, 1, 1, 1, 0, 0, "u", null, "undefended");
        b.add("b", 0, 1, 1, 1, 1, 0, 0, "u", null, null);
        Workload w = b.build().without("undefended");
        assertEquals(1, w.size());
        assertEquals("b", w.id(0));
    }
}
