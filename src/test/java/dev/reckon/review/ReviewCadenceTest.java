package dev.reckon.review;

import dev.reckon.model.Job;
import dev.reckon.review.Review.JobClass;
import dev.reckon.review.Review.Result;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.reckon.review.ReviewTest.job;
import static dev.reckon.review.ReviewTest.t;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Habits recognised without a flag: weekly and daily recurrence at once, unless a period is forced. */
class ReviewCadenceTest {
    static final Instant MONDAY = t("2026-11-02T00:00:00Z");

    /** Alice's train_N, same shape, at 10:00 UTC every {@code step} from Monday 2026-11-02, {@code n} times. */
    static List<Job> every(Duration step, int n) {
        List<Job> jobs = new ArrayList<>();
        for (int i = 0; i < n; i++)
            jobs.add(job("j" + (i + 1), "alice", "train_" + (40 + i), "COMPLETED",
                    MONDAY.plus(Duration.ofHours(10)).plus(step.multipliedBy(i))));
        return jobs;
    }

    static String reason(Result r, String id) {
        return ReviewTest.verdict(r, id).reason();
    }

    static JobClass kind(Result r, String id) {
        return ReviewTest.verdict(r, id).jobClass();
    }

    @Test
    void aDailyJobIsHabitualFromItsFourthDayWithoutAFlag() {
        List<Job> jobs = every(Duration.ofDays(1), 5);
        Result r = Review.review(jobs, MONDAY, null, List.of(), null, t("2026-11-07T12:00:00Z"));
        for (String id : List.of("j1", "j2", "j3")) {
            assertEquals(JobClass.ORPHANED, kind(r, id), id);
            assertEquals("no charter claims it", reason(r, id));
        }
        assertEquals(JobClass.HABITUAL, kind(r, "j4"));
        assertEquals("recurring train_# by alice on 3 of the 4 days before, no charter", reason(r, "j4"));
        assertEquals("recurring train_# by alice on 4 of the 4 days before, no charter", reason(r, "j5"));
    }

    @Test
    void aWeeklyJobIsStillHabitualFromItsFourthWeek() {
        List<Job> jobs = every(Duration.ofDays(7), 4);
        Result r = Review.review(jobs, MONDAY, null, List.of(), null, t("2026-11-28T12:00:00Z"));
        for (String id : List.of("j1", "j2", "j3")) assertEquals(JobClass.ORPHANED, kind(r, id), id);
        assertEquals(JobClass.HABITUAL, kind(r, "j4"));
        assertEquals("recurring train_# by alice in 3 earlier weeks, no charter", reason(r, "j4"));
        Result forced = Review.review(jobs, MONDAY, null, List.of(), null, t("2026-11-28T12:00:00Z"), Review.PERIOD,
                Map.of());
        assertEquals("recurring train_# by alice in 3 earlier weeks, no charter", reason(forced, "j4"));
    }

    @Test
    void aForcedWeekJudgesOnWeeksOnly() {
        // Monday to Friday of one week: nothing recurs week over week
        List<Job> jobs = every(Duration.ofDays(1), 5);
        Result r = Review.review(jobs, MONDAY, null, List.of(), null, t("2026-11-07T12:00:00Z"), Review.PERIOD,
                Map.of());
        assertEquals(JobClass.ORPHANED, kind(r, "j4"));
        assertEquals(JobClass.ORPHANED, kind(r, "j5"));
        Result daily = Review.review(jobs, MONDAY, null, List.of(), null, t("2026-11-07T12:00:00Z"),
                Duration.ofDays(1), Map.of());
        assertEquals("recurring train_# by alice in 3 earlier periods of 1d, no charter", reason(daily, "j4"));
    }

    @Test
    void theAutomaticHistoryStartsWhereTheWeeksDo() {
        assertEquals(Review.historyStart(t("2026-11-04T12:00:00Z")), Review.historyStart(t("2026-11-04T12:00:00Z"), null));
        assertEquals(t("2026-10-05T00:00:00Z"), Review.historyStart(t("2026-11-04T12:00:00Z"), null));
    }
}
