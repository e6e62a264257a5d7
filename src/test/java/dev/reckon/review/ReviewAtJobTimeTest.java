package dev.reckon.review;

import dev.reckon.exits.Exits;
import dev.reckon.exits.ExitsTest;
import dev.reckon.model.Charter;
import dev.reckon.model.Charter.Status;
import dev.reckon.model.Charter.StatusChange;
import dev.reckon.model.Job;
import dev.reckon.review.Review.JobClass;
import dev.reckon.review.Review.JobVerdict;
import dev.reckon.review.Review.Result;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

import static dev.reckon.review.ReviewTest.job;
import static dev.reckon.review.ReviewTest.t;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Each job judged by its charter as it stood when the job ran: one test per transition, each worked out by hand. The
 * window is March 2026; the review is made on the 28th.
 */
class ReviewAtJobTimeTest {
    static final Instant SINCE = t("2026-03-01T00:00:00Z");
    static final Instant NOW = t("2026-03-28T12:00:00Z");

    static Charter charter(Status status, Duration reviewEvery, StatusChange... history) {
        return new Charter("x", "x", "Do the thing for a reason.", "alice", List.of(), List.of(), null,
                new Charter.Budget(100, 1000, null), new Charter.Window(SINCE, t("2026-04-01T00:00:00Z")), List.of(),
                List.of(), reviewEvery, status, List.of(history));
    }

    static StatusChange on(String date, Status s) {
        return new StatusChange(LocalDate.parse(date), s, null);
    }

    /** A finished one-hour job of charter x by alice, started at 10:00 UTC on the given day. */
    static Job done(String id, String day) {
        return job(id, "alice", "ft", "COMPLETED", t(day + "T10:00:00Z"), 4, 1, "charter=x");
    }

    static Result review(Charter c, Job... jobs) {
        return Review.review(List.of(jobs), SINCE, null, List.of(c), null, NOW);
    }

    static void assertVerdict(Result r, String id, JobClass k, String reason) {
        JobVerdict v = ReviewTest.verdict(r, id);
        assertEquals(k, v.jobClass(), id + ": " + v.reason());
        assertEquals(reason, v.reason(), id);
    }

    @Test
    void aCharterWithdrawnOnThe10thDefendsTheWorkOfThe5thButNotOfThe12th() {
        // due for review on 03-15 (03-01 + 14d): neither job is late for it
        Charter c = charter(Status.WITHDRAWN, Duration.ofDays(14), on("2026-03-01", Status.ACTIVE),
                on("2026-03-10", Status.WITHDRAWN));
        Result r = review(c, done("5th", "2026-03-05"), done("12th", "2026-03-12"));
        assertVerdict(r, "5th", JobClass.DEFENDED, "charter x (alice)");
        assertVerdict(r, "12th", JobClass.HABITUAL, "charter x withdrawn 2026-03-10");
        assertEquals(1, r.charters().get(0).defendedJobs());
        assertEquals(1, r.shares().get(JobClass.DEFENDED.ordinal()).jobs());
        assertEquals(1, r.shares().get(JobClass.HABITUAL.ordinal()).jobs());
    }

    @Test
    void aReviewDueOnThe20thCondemnsTheJobOfThe22ndButNotOfThe5th() {
        // on the 5th: no history yet, due 03-01 + 14d = 03-15; on the 22nd: last entry 03-06, due 03-06 + 14d = 03-20
        Charter c = charter(Status.ACTIVE, Duration.ofDays(14), on("2026-03-06", Status.ACTIVE));
        Result r = review(c, done("5th", "2026-03-05"), done("12th", "2026-03-12"), done("22nd", "2026-03-22"));
        assertVerdict(r, "5th", JobClass.DEFENDED, "charter x (alice)");
        assertVerdict(r, "12th", JobClass.DEFENDED, "charter x (alice)");
        assertVerdict(r, "22nd", JobClass.HABITUAL, "charter x overdue for review since 2026-03-20");
    }

    @Test
    void aReviewRecordedInTheHistoryResetsTheDueDateFromThenOnButExcusesNothingBefore() {
        // reviewed weekly: due 03-08 after 03-01; reviewed (late) on 03-15, so due 03-22
        Charter c = charter(Status.ACTIVE, Duration.ofDays(7), on("2026-03-01", Status.ACTIVE),
                on("2026-03-15", Status.ACTIVE));
        Result r = review(c, done("7th", "2026-03-07"), done("10th", "2026-03-10"), done("17th", "2026-03-17"),
                done("23rd", "2026-03-23"));
        assertVerdict(r, "7th", JobClass.DEFENDED, "charter x (alice)");
        assertVerdict(r, "10th", JobClass.HABITUAL, "charter x overdue for review since 2026-03-08");
        assertVerdict(r, "17th", JobClass.DEFENDED, "charter x (alice)");
        assertVerdict(r, "23rd", JobClass.HABITUAL, "charter x overdue for review since 2026-03-22");
        assertEquals(2, r.charters().get(0).defendedJobs());
    }

    @Test
    void aCharterThatSucceededOnThe14thInItsHistoryDefendsOnlyTheWorkBefore() {
        Charter c = charter(Status.SUCCEEDED, Duration.ofDays(30), on("2026-03-01", Status.ACTIVE),
                on("2026-03-14", Status.SUCCEEDED));
        Result r = review(c, done("10th", "2026-03-10"), done("16th", "2026-03-16"));
        assertVerdict(r, "10th", JobClass.DEFENDED, "charter x (alice)");
        assertVerdict(r, "16th", JobClass.HABITUAL, "charter x succeeded 2026-03-14");
    }

    @Test
    void onceTheBudgetIsSpentTheFailureExitIsDueAndLaterJobsAreHabitual() {
        // a 10 GPU-hour budget: 8 GPU-hours on the 2nd, then 1 GPU from 03-03 00:00 reaches 10 at 02:00
        Charter c = ExitsTest.charter("llm", 10, List.of(), List.of());
        Job a = ExitsTest.job("a", "llm", t("2026-03-02T00:00:00Z"), t("2026-03-02T08:00:00Z"), 1);
        Job b = ExitsTest.job("b", "llm", t("2026-03-03T00:00:00Z"), t("2026-03-03T04:00:00Z"), 1);
        Job late = ExitsTest.job("late", "llm", t("2026-03-05T00:00:00Z"), t("2026-03-05T10:00:00Z"), 1);
        Job queued = ExitsTest.pending("queued", "llm", t("2026-03-01T12:00:00Z"));
        Instant now = t("2026-03-06T00:00:00Z");
        List<Job> jobs = List.of(a, b, late, queued);
        List<Exits.Evaluation> evals = Exits.evaluate(List.of(c), jobs, id -> List.of(), now, Exits.Options.DEFAULT);
        Instant spent = t("2026-03-03T02:00:00Z");
        assertEquals(Map.of("llm", spent), Exits.failures(evals));
        assertEquals(Map.of("llm", "the gpu-hours budget (10) was spent"), Exits.failureReasons(evals));

        Result r = Review.review(jobs, SINCE, null, List.of(c), null, now, null, new dev.reckon.review.Review.ExitMoments(Exits.successes(evals), Exits.failures(evals), Exits.failureReasons(evals)));
        String overspent = "charter llm failure exit due since 2026-03-03T02:00:00Z (the gpu-hours budget (10) was spent)"
                + "; still consuming";
        assertVerdict(r, "a", JobClass.DEFENDED, "charter llm (alice)");
        assertVerdict(r, "b", JobClass.DEFENDED, "charter llm (alice)");
        assertVerdict(r, "late", JobClass.HABITUAL, overspent);
        assertVerdict(r, "queued", JobClass.HABITUAL, overspent);
        assertEquals(List.of("queued"), r.killList().stream().map(Review.Kill::jobId).toList());
        assertEquals(2, r.charters().get(0).defendedJobs());

        // the moments without reasons, as a caller holding only Exits.failures gives them
        Result bare = Review.review(jobs, SINCE, null, List.of(c), null, now, null,
                new Review.ExitMoments(Map.of(), Exits.failures(evals)));
        assertVerdict(bare, "late", JobClass.HABITUAL,
                "charter llm failure exit due since 2026-03-03T02:00:00Z; still consuming");
        // without the moments the old verdict stands: the spent budget defends every job
        assertVerdict(Review.review(jobs, SINCE, null, List.of(c), null, now), "late", JobClass.DEFENDED,
                "charter llm (alice)");
    }

    @Test
    void aRunningJobIsJudgedByTheCharterAsItStandsNow() {
        // started on the 10th, like the finished job, but still running on the 28th
        Job running = job("run", "alice", "ft", "RUNNING", t("2026-03-10T10:00:00Z"), 4, 1, "charter=x");
        Job finished = done("fin", "2026-03-10");

        Charter withdrawn = charter(Status.WITHDRAWN, Duration.ofDays(30), on("2026-03-01", Status.ACTIVE),
                on("2026-03-20", Status.WITHDRAWN));
        Result r = review(withdrawn, running, finished);
        assertVerdict(r, "fin", JobClass.DEFENDED, "charter x (alice)");
        assertVerdict(r, "run", JobClass.HABITUAL, "charter x withdrawn 2026-03-20");
        assertEquals(List.of("run"), r.killList().stream().map(Review.Kill::jobId).toList());

        // due for review on 03-15: not yet on the 10th, long since on the 28th
        Charter stale = charter(Status.ACTIVE, Duration.ofDays(14));
        Result s = review(stale, running, finished);
        assertVerdict(s, "fin", JobClass.DEFENDED, "charter x (alice)");
        assertVerdict(s, "run", JobClass.HABITUAL, "charter x overdue for review since 2026-03-15");
    }

    @Test
    void ownersClaimAJobForTheCharterActiveWhenItRan() {
        // a charter that succeeded on the 14th, and another, active throughout, that also matches alice's jobs
        Charter old = new Charter("old", "old", "Do the thing for a reason.", "bob", List.of(), List.of(), null,
                new Charter.Budget(100, 1000, null), new Charter.Window(SINCE, t("2026-04-01T00:00:00Z")), List.of(),
                List.of(), Duration.ofDays(30), Status.SUCCEEDED,
                List.of(on("2026-03-01", Status.ACTIVE), on("2026-03-14", Status.SUCCEEDED)));
        Charter next = charter(Status.ACTIVE, Duration.ofDays(30));
        Job early = job("early", "alice", "ft", "FAILED", t("2026-03-10T10:00:00Z"), 4, 1, "charter=old,charter=x");
        Job later = job("later", "alice", "ft", "FAILED", t("2026-03-16T10:00:00Z"), 4, 1, "charter=old,charter=x");
        Owners.Result r = Owners.analyze(List.of(early, later), SINCE, NOW, List.of(old, next), 2, NOW);
        Map<String, Long> failed = new java.util.HashMap<>();
        for (Owners.Owner o : r.owners()) failed.put(o.owner(), o.load().failed());
        assertEquals(Map.of("bob", 1L, "alice", 1L), failed);
    }
}
