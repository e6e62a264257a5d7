package dev.reckon.sim;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PredictAccuracyTest {
    static final Instant T = Instant.parse("2026-11-30T00:00:00Z");
    static final Machine ONE_NODE = Machine.of(1, 2, 0, 0);

    static PredictAccuracy.Past job(String id, long submit, Long start, Long end, long limit, long cpus) {
        return new PredictAccuracy.Past(id, T.plusSeconds(submit), start == null ? null : T.plusSeconds(start),
                end == null ? null : T.plusSeconds(end), limit, 1, cpus, 0, 0, null, "u");
    }

    @Test
    void eachJobIsReplayedFromItsSubmitMomentAgainstItsRealStart() {
        // job 1 holds the node's two CPUs from 0 with a 600 s limit but ends at 100; job 2, submitted at 10, really
        // starts at 100, and a prediction made at 10 would have said 600 (the limit): off by 500 s
        List<PredictAccuracy.Past> history = List.of(
                job("1", 0, 0L, 100L, 600, 2),
                job("2", 10, 100L, 160L, 60, 2),
                job("3", 200, 200L, 260L, 60, 1));
        PredictAccuracy.Report r = PredictAccuracy.check(ONE_NODE, history, 40, "conservative", SimDefaults.load());
        assertEquals(3, r.jobs());
        assertEquals(List.of(0L, 90L, 0L), r.checks().stream().map(PredictAccuracy.Check::realWaitS).toList());
        assertEquals(List.of(0L, 590L, 0L), r.checks().stream().map(PredictAccuracy.Check::predictedWaitS).toList());
        assertEquals(0L, r.medianOffS());
        assertEquals(2 / 3.0, r.closeShare(), 1e-9);
        assertFalse(r.checks().get(1).close());
    }

    @Test
    void onlyTheLastStartedJobsAreChecked() {
        List<PredictAccuracy.Past> history = List.of(
                job("1", 0, 0L, 10L, 60, 1),
                job("2", 5, 5L, 10L, 60, 1),
                job("3", 8, null, 9L, 60, 1), // cancelled while pending
                job("4", 20, 20L, 30L, 60, 1));
        PredictAccuracy.Report r = PredictAccuracy.check(ONE_NODE, history, 2, "conservative", SimDefaults.load());
        assertEquals(List.of("2", "4"), r.checks().stream().map(PredictAccuracy.Check::id).toList());
    }

    @Test
    void aCloseCallIsWithinAFifthOrAMinute() {
        assertTrue(new PredictAccuracy.Check("a", T, 1000, 1190).close());
        assertFalse(new PredictAccuracy.Check("a", T, 1000, 1300).close());
        assertTrue(new PredictAccuracy.Check("a", T, 0, 59).close());
        assertFalse(new PredictAccuracy.Check("a", T, 0, -1).close(), "could not be placed");
    }
}
