package dev.reckon.review;

import dev.reckon.review.Review.JobClass;
import dev.reckon.review.Review.JobVerdict;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClassSeriesTest {
    static final Instant NOW = Instant.parse("2026-11-04T12:00:00Z");

    static JobVerdict v(String id, JobClass k, double cpu, double gpu, String start, String end) {
        return new JobVerdict(id, "c", "u", "n", k, null, "r", cpu, gpu, 0, "COMPLETED",
                start == null ? null : Instant.parse(start), end == null ? null : Instant.parse(end));
    }

    @Test
    void aJobAcrossMidnightSplitsItsHoursBetweenTheDaysByTimeRun() {
        ClassSeries s = ClassSeries.of(List.of(v("1", JobClass.HABITUAL, 40, 4, "2026-11-02T22:00:00Z",
                "2026-11-03T02:00:00Z")), Instant.parse("2026-11-02T00:00:00Z"), null, NOW);
        assertEquals("day", s.unit());
        assertEquals(3, s.periods().size(), "Monday, Tuesday and the part of Wednesday before now");
        assertEquals(20, s.periods().get(0).cpu(JobClass.HABITUAL), 1e-9);
        assertEquals(20, s.periods().get(1).cpu(JobClass.HABITUAL), 1e-9);
        assertEquals(2, s.periods().get(1).gpu(JobClass.HABITUAL), 1e-9);
        assertEquals(0, s.periods().get(1).cpu(JobClass.DEFENDED), 1e-9);
        assertTrue(s.hasGpu());
    }

    @Test
    void hoursOutsideTheWindowAndJobsThatNeverStartedAreLeftOut() {
        ClassSeries s = ClassSeries.of(List.of(
                        v("1", JobClass.DEFENDED, 10, 0, "2026-11-01T23:00:00Z", "2026-11-02T01:00:00Z"),
                        v("2", JobClass.ORPHANED, 5, 0, null, null),
                        v("3", JobClass.ORPHANED, 6, 0, "2026-11-04T09:00:00Z", null)),
                Instant.parse("2026-11-02T00:00:00Z"), null, NOW);
        double total = 0;
        for (ClassSeries.Period p : s.periods()) for (JobClass k : JobClass.values()) total += p.cpu(k);
        assertEquals(5 + 6, total, 1e-9, "half of job 1 ran before the window; job 2 never ran; job 3 runs until now");
        assertFalse(s.hasGpu());
    }

    @Test
    void longWindowsAreShownWeekByWeekFromMonday() {
        ClassSeries s = ClassSeries.of(List.of(v("1", JobClass.DEFENDED, 1, 0, "2026-08-05T10:00:00Z",
                "2026-08-05T11:00:00Z")), Instant.parse("2026-08-05T00:00:00Z"), null, NOW);
        assertEquals("week", s.unit());
        assertEquals(Instant.parse("2026-08-03T00:00:00Z"), s.periods().get(0).start());
        assertEquals(1, s.periods().get(0).cpu(JobClass.DEFENDED), 1e-9);
    }

    @Test
    void noJobAndNoStartMeansNoPeriods() {
        assertTrue(ClassSeries.of(List.of(), null, null, NOW).periods().isEmpty());
    }
}
