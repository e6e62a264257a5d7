package dev.reckon.sim;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PredictTest {
    static final SimDefaults D = SimDefaults.load();
    static final Instant NOW = Instant.parse("2026-11-21T12:00:00Z");
    static final Machine ONE_NODE = Machine.of(1, 4, 16L << 30, 4);

    /** A running job holds half the node for one more hour; a high-priority pending job wants the whole node. */
    static List<Predict.LiveJob> queue() {
        return List.of(
                new Predict.LiveJob("10", true, null, "a", 1, NOW.minusSeconds(3600), 7200L, 3600, 1, 2, 0, 2),
                new Predict.LiveJob("11", false, null, "b", 50, NOW.minusSeconds(60), 10_800L, 0, 1, 4, 0, 0),
                new Predict.LiveJob("12", false, null, "c", 900, NOW.minusSeconds(30), 3 * 3600L, 0, 1, 4, 0, 0));
    }

    @Test
    void askedShapeWaitsBehindPendingJobsInPriorityOrder() {
        Predict.Shape asked = new Predict.Shape("as asked", 1, 2, 0, 2, 7200, null, 1);
        List<Predict.Prediction> ps = Predict.predict(ONE_NODE, queue(), List.of(asked), NOW, "conservative", D);
        // the running job ends at +1h; 12 (priority 900) then 11 each take the node for 3 h: the new job starts at +7h
        assertEquals(7 * 3600, ps.get(0).waitS());
        assertEquals(NOW.plusSeconds(7 * 3600), ps.get(0).start());
    }

    @Test
    void halfTheTimeLimitBackfillsBeforeTheReservation() {
        Predict.Shape asked = new Predict.Shape("x", 1, 2, 0, 2, 7200, null, 1);
        List<Predict.Shape> shapes = Predict.alternatives(asked);
        assertEquals(List.of("as asked", "1 GPU instead of 2", "half the time limit", "split in two halves"),
                shapes.stream().map(Predict.Shape::label).toList());
        for (String policy : new String[] {"easy", "conservative"}) {
            List<Predict.Prediction> ps = Predict.predict(ONE_NODE, queue(), shapes, NOW, policy, D);
            assertEquals(7 * 3600, ps.get(0).waitS(), policy);
            assertEquals(7 * 3600, ps.get(1).waitS(), policy + ": fewer GPUs do not help, the CPUs are the limit");
            assertEquals(0, ps.get(2).waitS(), policy + ": 1 h ends before the node is needed");
            assertEquals(7 * 3600, ps.get(3).waitS(), policy + ": the halves run 2 h, past the reservation");
        }
    }

    @Test
    void aPendingJobOfSeveralPartitionsQueuesInAnyOfThem() {
        Machine m = new Machine(List.of(new Machine.Group("n", 1, 4, 16L << 30, 0, java.util.Set.of("debug", "gpu"))));
        List<Predict.LiveJob> q = List.of(
                new Predict.LiveJob("1", true, "debug", "a", 1, NOW.minusSeconds(60), 3600L, 60, 1, 4, 0, 0),
                new Predict.LiveJob("2", false, "gpu,debug", "b", 10, NOW.minusSeconds(30), 7200L, 0, 1, 4, 0, 0));
        Predict.Shape asked = new Predict.Shape("as asked", 1, 4, 0, 0, 600, null, 1);
        Predict.Prediction p = Predict.predict(m, q, List.of(asked), NOW, "conservative", D).get(0);
        // job 2 takes the node when job 1's limit ends at +59 min, for 2 h: the new job waits for both
        assertEquals(59 * 60 + 7200, p.waitS());
    }

    @Test
    void aShapeTheMachineCannotHoldIsReportedNotPredicted() {
        Predict.Shape huge = new Predict.Shape("as asked", 1, 64, 0, 0, 3600, null, 1);
        Predict.Prediction p = Predict.predict(ONE_NODE, queue(), List.of(huge), NOW, "easy", D).get(0);
        assertNull(p.start());
        assertTrue(p.note().contains("asks for 64 cores per node"), p.note());
    }

    @Test
    void alternativesLeaveOutWhatDoesNotApply() {
        Predict.Shape small = new Predict.Shape("x", 1, 1, 0, 0, 1, null, 1);
        assertEquals(List.of("as asked"), Predict.alternatives(small).stream().map(Predict.Shape::label).toList());
        Predict.Shape split = Predict.alternatives(new Predict.Shape("x", 2, 8, 32L << 30, 1, 3600, "gpu", 1)).get(3);
        assertEquals(new Predict.Shape("split in two halves", 1, 4, 16L << 30, 0, 3600, "gpu", 2), split);
    }
}
