package dev.reckon.sim;

import dev.reckon.model.Job;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WhatIfTest {
    static final SimDefaults D = SimDefaults.load();

    /** One 4-core node; a 1-hour 4-core undefended hog submitted first, then four 1-core defended jobs. */
    static Workload busy() {
        Workload.Builder b = new Workload.Builder();
        b.add("hog", 0, 3600, 3600, 1, 4, 0, 0, "idle", null, "undefended");
        for (int i = 1; i <= 4; i++) b.add("d" + i, 10, 600, 600, 1, 1, 0, 0, "alice", null, null);
        return b.build();
    }

    @Test
    void removingUndefendedWorkFreesItsNodeHoursAndCutsTheWait() {
        Workload w = busy();
        WhatIf.Result r = WhatIf.compare(Machine.of(1, 4, 0, 0), w, j -> "undefended".equals(w.tag(j)), null, null,
                10, "easy", D);
        WhatIf.Variant base = r.variant(WhatIf.AS_HAPPENED);
        WhatIf.Variant without = r.variant(WhatIf.WITHOUT_UNDEFENDED);
        assertEquals(5, base.jobs());
        assertEquals(4, without.jobs());
        assertEquals((0 + 4 * 3590) / 5.0, base.metrics().meanWaitS(), 1e-9);
        assertEquals(0, without.metrics().meanWaitS(), 1e-9);
        assertEquals(1, r.undefended().jobs());
        assertEquals(1.0, r.undefended().nodeHours(), 1e-9);
        assertEquals(4.0 / (4 + 4 * 600 / 3600.0), r.undefended().coreShare(), 1e-9);
        assertTrue(r.summary().get(1).startsWith("Removing undefended work (1 jobs) frees 1.0 node-hours (86% of "
                + "consumed core-hours) and cuts the 4 defended jobs' mean wait by 100% (60 min -> 0 s)"),
                "like with like: the defended jobs' waits in both variants: " + r.summary());
    }

    @Test
    void tenPercentOfTwoNodesAddsOneNodeAndSaysSo() {
        Workload w = busy();
        WhatIf.Result r = WhatIf.compare(Machine.of(2, 4, 0, 0), w, j -> "undefended".equals(w.tag(j)), null, null,
                10, "easy", D);
        assertEquals("1 node added (2 -> 3)", r.variant("+10% nodes").description());
        assertTrue(r.notes().stream().anyMatch(n -> n.contains("rounds to none: one node is added")), r.notes().toString());
        assertTrue(r.summary().stream().anyMatch(s -> s.startsWith("10% more nodes (rounded up to one node)")),
                r.summary().toString());
    }

    @Test
    void moreNodesVariantRunsOnTheScaledMachineAndIsComparedInWords() {
        Workload w = busy();
        WhatIf.Result r = WhatIf.compare(Machine.of(10, 4, 0, 0), w, j -> "undefended".equals(w.tag(j)), null, null,
                10, "easy", D);
        assertNotNull(r.variant("+10% nodes"));
        assertEquals("1 node added (10 -> 11)", r.variant("+10% nodes").description());
        assertTrue(r.summary().stream().anyMatch(s -> s.startsWith("10% more nodes leaves the 4 defended jobs' mean wait unchanged")),
                r.summary().toString());
    }

    @Test
    void rightSizedLimitsLetShortJobsBackfillBeforeTheHeadsReservation() {
        // 2 cores: a 1-core job runs 100 s (asked 10 h); a 2-core job waits for it; a 1-core 100 s job (asked 10 h)
        // cannot backfill while limits say the first runs 10 h, but can once limits are right-sized
        Workload.Builder b = new Workload.Builder();
        b.add("a", 0, 36_000, 1000, 1, 1, 0, 0, "u", null, null);
        b.add("wide", 1, 36_000, 100, 1, 2, 0, 0, "u", null, null);
        b.add("short", 2, 36_000, 100, 1, 1, 0, 0, "u", null, null);
        Workload asked = b.build();
        RightSizing rs = new RightSizing(1.5, 0, 1.5, 0);
        Workload.Builder s = new Workload.Builder();
        s.add("a", 0, rs.limit(1000L, 36_000L), 1000, 1, 1, 0, 0, "u", null, null);
        s.add("wide", 1, rs.limit(100L, 36_000L), 100, 1, 2, 0, 0, "u", null, null);
        s.add("short", 2, rs.limit(100L, 36_000L), 100, 1, 1, 0, 0, "u", null, null);
        WhatIf.Result r = WhatIf.compare(Machine.of(1, 2, 0, 0), asked, null, s.build(), null, 0, "easy", D);
        assertEquals(2, r.variants().size(), "no rule for the undefended, no extra nodes: two variants");
        assertTrue(r.variant(WhatIf.AS_HAPPENED).metrics().meanWaitS() >= 0);
        assertEquals("no rule says which jobs are undefended: that variant is skipped", r.notes().get(0));
        assertNull(r.undefended());
        assertTrue(r.summary().stream().anyMatch(x -> x.startsWith("Right-sizing time limits and memory")));
    }

    @Test
    void recordedWaitsAreSummarisedBesideTheSimulatedOnes() {
        WhatIf.Recorded rec = WhatIf.Recorded.of(new long[] {0, 60, 120, 3600, -5});
        assertEquals(5, rec.jobs());
        assertEquals(756, rec.meanWaitS(), 1e-9);
        assertEquals(60, rec.medianWaitS());
        assertEquals(3600, rec.p95WaitS());
        Workload w = busy();
        WhatIf.Result r = WhatIf.compare(Machine.of(1, 4, 0, 0), w, null, null, rec, 0, "fcfs", D);
        assertTrue(r.summary().get(0).contains("the scheduler's records say 13 min"), r.summary().get(0));
    }

    @Test
    void changeIsACutARiseOrNoChange() {
        assertEquals("cuts the mean wait by 50% (2.0 h -> 60 min)", WhatIf.change(7200, 3600));
        assertEquals("raises the mean wait by 100% (60 min -> 2.0 h)", WhatIf.change(3600, 7200));
        assertEquals("leaves the mean wait unchanged (10 s -> 10 s)", WhatIf.change(10, 10));
    }

    @Test
    void rightSizingCutsRequestsToUseTimesTheMarginNeverAboveTheRequest() {
        RightSizing rs = D.rightSizing();
        assertEquals(1.5, rs.timeMargin());
        assertEquals(5400L, rs.limit(3600L, 36_000L));
        assertEquals(600L, rs.limit(10L, 36_000L), "the floor");
        assertEquals(3600L, rs.limit(3600L, 3600L), "a job that hit its limit keeps it");
        assertEquals(3L << 30, rs.memory(2L << 30, 64L << 30));
        assertEquals(1L << 30, rs.memory(1L << 20, 64L << 30), "the floor");
        assertEquals(64L << 30, rs.memory(null, 64L << 30), "no recorded peak keeps the request");
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        Job j = new Job("c", "1", "1", "n", "u", "a", "p", null, null, null, "COMPLETED", "0:0", t, t,
                t.plusSeconds(3600), 3600L, 86_400L, 4, 64L << 30, 4, 1, 64L << 30, 0, null, 2L << 30, null, List.of());
        Job s = rs.apply(j);
        assertEquals(5400L, s.timelimitS());
        assertEquals(3L << 30, s.reqMemBytes());
        assertEquals(j.elapsedS(), s.elapsedS());
    }
}
