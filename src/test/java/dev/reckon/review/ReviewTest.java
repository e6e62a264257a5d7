package dev.reckon.review;

import dev.reckon.charter.Roster;
import dev.reckon.model.Charter;
import dev.reckon.model.Job;
import dev.reckon.review.Review.JobClass;
import dev.reckon.review.Review.JobVerdict;
import dev.reckon.review.Review.Result;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReviewTest {
    static final Instant NOW = Instant.parse("2026-11-04T12:00:00Z"); // a Wednesday
    static final Instant SINCE = Instant.parse("2026-11-02T00:00:00Z"); // Monday of NOW's week
    static final long GIB = 1024L * 1024 * 1024;

    static Job job(String id, String user, String name, String state, Instant start, int cpus, int gpus, String comment) {
        boolean pending = state.equals("PENDING");
        Instant submit = start.minus(Duration.ofMinutes(10));
        boolean done = !pending && !state.equals("RUNNING");
        long elapsed = pending ? 0 : 3600;
        return new Job("c", id, id, name, user, "acct", "p", null, null, comment, state, "0:0", submit,
                pending ? null : start, done ? start.plusSeconds(3600) : null, elapsed, 7200L, cpus, 4 * GIB,
                pending ? null : cpus, 1, pending ? null : 4 * GIB, gpus, null, null, null, List.of());
    }

    static Job job(String id, String user, String name, String state, Instant start) {
        return job(id, user, name, state, start, 4, 0, null);
    }

    static Charter charter(String id, String owner, Charter.Status status, Instant start, Instant end,
                           List<Charter.StatusChange> history) {
        return new Charter(id, id, "Do the thing for a reason.", owner, List.of(), List.of(), null,
                new Charter.Budget(10, 100, null), new Charter.Window(start, end), List.of(), List.of(),
                Duration.ofDays(14), status, history);
    }

    static Charter active(String id, String owner) {
        return charter(id, owner, Charter.Status.ACTIVE, Instant.parse("2026-10-25T00:00:00Z"),
                Instant.parse("2027-01-01T00:00:00Z"), List.of());
    }

    static Result review(List<Job> jobs, List<Charter> charters, Roster roster) {
        return Review.review(jobs, SINCE, null, charters, roster, NOW);
    }

    static JobVerdict verdict(Result r, String id) {
        return r.jobs().stream().filter(v -> v.jobId().equals(id)).findFirst().orElseThrow();
    }

    static Instant t(String s) {
        return Instant.parse(s);
    }

    @Test
    void aJobOfAnActiveCharterInsideItsWindowIsDefendedByItsOwner() {
        Result r = review(List.of(job("1", "bob", "ft", "COMPLETED", t("2026-11-03T10:00:00Z"), 4, 1, "charter=llm-ft")),
                List.of(active("llm-ft", "alice")), null);
        JobVerdict v = verdict(r, "1");
        assertEquals(JobClass.DEFENDED, v.jobClass());
        assertEquals("llm-ft", v.charter());
        assertEquals("charter llm-ft (alice)", v.reason());
    }

    @Test
    void aJobNoCharterClaimsIsOrphaned() {
        Result r = review(List.of(job("1", "bob", "stray", "COMPLETED", t("2026-11-03T10:00:00Z"))), List.of(active("x", "alice")), null);
        JobVerdict v = verdict(r, "1");
        assertEquals(JobClass.ORPHANED, v.jobClass());
        assertNull(v.charter());
        assertEquals("no charter claims it", v.reason());
    }

    @Test
    void aJobOfAnExitedCharterIsHabitual() {
        Charter done = charter("old", "alice", Charter.Status.SUCCEEDED, t("2026-09-01T00:00:00Z"), t("2027-01-01T00:00:00Z"),
                List.of(new Charter.StatusChange(LocalDate.parse("2026-09-01"), Charter.Status.ACTIVE, null),
                        new Charter.StatusChange(LocalDate.parse("2026-11-01"), Charter.Status.SUCCEEDED, null)));
        Result r = review(List.of(job("1", "alice", "x", "RUNNING", t("2026-11-03T10:00:00Z"), 4, 0, "charter=old")), List.of(done), null);
        assertEquals(JobClass.HABITUAL, verdict(r, "1").jobClass());
        assertEquals("charter old succeeded 2026-11-01", verdict(r, "1").reason());
    }

    @Test
    void aJobAfterItsChartersWindowEndedIsHabitual() {
        Charter expired = charter("llm-ft", "alice", Charter.Status.ACTIVE, t("2026-10-20T00:00:00Z"), t("2026-11-01T00:00:00Z"), List.of());
        Result r = review(List.of(job("1", "alice", "x", "RUNNING", t("2026-11-03T10:00:00Z"), 4, 0, "charter=llm-ft")), List.of(expired), null);
        assertEquals(JobClass.HABITUAL, verdict(r, "1").jobClass());
        assertEquals("charter llm-ft expired 2026-11-01", verdict(r, "1").reason());
    }

    @Test
    void aJobOfACharterOverdueForReviewIsHabitual() {
        Charter stale = charter("llm-ft", "alice", Charter.Status.ACTIVE, t("2026-09-01T00:00:00Z"), t("2027-01-01T00:00:00Z"),
                List.of(new Charter.StatusChange(LocalDate.parse("2026-10-01"), Charter.Status.ACTIVE, null)));
        Result r = review(List.of(job("1", "alice", "x", "COMPLETED", t("2026-11-03T10:00:00Z"), 4, 0, "charter=llm-ft")), List.of(stale), null);
        assertEquals(JobClass.HABITUAL, verdict(r, "1").jobClass());
        assertEquals("charter llm-ft overdue for review since 2026-10-15", verdict(r, "1").reason());
    }

    @Test
    void aDefendingCharterWinsOverAnotherThatWouldNot() {
        Charter expired = charter("a", "alice", Charter.Status.ACTIVE, t("2026-10-20T00:00:00Z"), t("2026-11-01T00:00:00Z"), List.of());
        Result r = review(List.of(job("1", "alice", "x", "RUNNING", t("2026-11-03T10:00:00Z"), 4, 0, "charter=a,charter=b")),
                List.of(expired, active("b", "alice")), null);
        assertEquals(JobClass.DEFENDED, verdict(r, "1").jobClass());
        assertEquals("b", verdict(r, "1").charter());
    }

    /** Bob's train_N job with the same shape, once in each of the given weeks before the reviewed week. */
    static List<Job> weekly(int weeksBack) {
        List<Job> jobs = new ArrayList<>();
        for (int w = 1; w <= weeksBack; w++) {
            jobs.add(job("h" + w, "bob", "train_" + (100 + w), "COMPLETED", t("2026-11-03T10:00:00Z").minus(Duration.ofDays(7L * w))));
        }
        jobs.add(job("now", "bob", "train_7", "RUNNING", t("2026-11-03T10:00:00Z")));
        return jobs;
    }

    @Test
    void anUnchartedJobSeenInThreeEarlierWeeksIsHabitual() {
        Result r = review(weekly(3), List.of(), null);
        assertEquals(JobClass.HABITUAL, verdict(r, "now").jobClass());
        assertEquals("recurring train_# by bob in 3 earlier weeks, no charter", verdict(r, "now").reason());
        assertEquals(1, r.jobs().size(), "the history is not classified");
    }

    @Test
    void twoEarlierWeeksAreNotARecurrence() {
        Result r = review(weekly(2), List.of(), null);
        assertEquals(JobClass.ORPHANED, verdict(r, "now").jobClass());
    }

    @Test
    void aDifferentShapeIsADifferentSignature() {
        List<Job> jobs = new ArrayList<>(weekly(3).subList(0, 3));
        jobs.add(job("now", "bob", "train_7", "RUNNING", t("2026-11-03T10:00:00Z"), 32, 0, null));
        assertEquals(JobClass.ORPHANED, verdict(review(jobs, List.of(), null), "now").jobClass());
    }

    @Test
    void namePatternsHideNumbersAndHexRuns() {
        assertEquals("train_#", Review.namePattern("train_12"));
        assertEquals("train_#", Review.namePattern("train_7"));
        assertEquals("run-#-seed#", Review.namePattern("run-3fa9c2e1-seed42"));
        assertEquals("decade", Review.namePattern("decade"));
    }

    @Test
    void historyStartsFourWeeksBeforeTheMondayOfTheWindowsWeek() {
        assertEquals(t("2026-10-05T00:00:00Z"), Review.historyStart(t("2026-11-04T12:00:00Z")));
    }

    @Test
    void anOwnerOffTheRosterOrphansTheCharterAndAnUnchartedUserOffTheRosterIsOrphanedEvenWhenRecurring() {
        Roster roster = new Roster(Path.of("roster.txt"), Set.of("alice"));
        List<Job> jobs = new ArrayList<>(weekly(3));
        jobs.add(job("c1", "carol", "ft", "COMPLETED", t("2026-11-03T10:00:00Z"), 4, 0, "charter=gone"));
        Result r = review(jobs, List.of(active("gone", "dave")), roster);
        assertEquals(JobClass.ORPHANED, verdict(r, "c1").jobClass());
        assertEquals("charter gone's owner dave is not on the roster", verdict(r, "c1").reason());
        assertEquals(JobClass.ORPHANED, verdict(r, "now").jobClass());
        assertEquals("no charter claims it; bob is not on the roster", verdict(r, "now").reason());
    }

    @Test
    void sharesAddUpToTheWholeAndChartersCountWhatTheirJobsConsumed() {
        Instant at = t("2026-11-03T10:00:00Z");
        List<Job> jobs = new ArrayList<>(weekly(3));
        jobs.add(job("d", "alice", "ft", "COMPLETED", at, 8, 2, "charter=llm-ft"));
        jobs.add(job("o", "carol", "x", "COMPLETED", at, 2, 1, null));
        Result r = review(jobs, List.of(active("llm-ft", "alice")), null);
        double cpu = 0, gpu = 0, frac = 0;
        long n = 0;
        for (Review.Share s : r.shares()) {
            cpu += s.cpuHours();
            gpu += s.gpuHours();
            frac += s.cpuFraction();
            n += s.jobs();
        }
        assertEquals(3, n);
        assertEquals(8 + 2 + 4, cpu, 1e-9);
        assertEquals(3, gpu, 1e-9);
        assertEquals(1.0, frac, 1e-9);
        assertEquals(8.0 / 14, r.shares().get(0).cpuFraction(), 1e-9);
        Review.CharterUse use = r.charters().get(0);
        assertEquals(2, use.gpuHours(), 1e-9);
        assertEquals(0.2, use.gpuUsed(), 1e-9);
        assertEquals(0.08, use.cpuUsed(), 1e-9);
        assertEquals(1, use.defendedJobs());
    }

    @Test
    void theKillListHoldsOnlyRunningAndPendingUndefendedJobsMostGpusThenCpusFirst() {
        Instant at = t("2026-11-03T10:00:00Z");
        List<Job> jobs = List.of(
                job("def", "alice", "ft", "RUNNING", at, 64, 8, "charter=llm-ft"),
                job("done", "bob", "x", "COMPLETED", at, 64, 8, null),
                job("small", "bob", "x", "RUNNING", at, 2, 0, null),
                job("wide", "bob", "x", "PENDING", at, 32, 0, null),
                job("gpu", "carol", "y", "RUNNING", at, 1, 1, null));
        Result r = review(jobs, List.of(active("llm-ft", "alice")), null);
        assertEquals(List.of("gpu", "wide", "small"), r.killList().stream().map(Review.Kill::jobId).toList());
        Review.Kill gpu = r.killList().get(0);
        assertEquals("carol", gpu.user());
        assertEquals(JobClass.ORPHANED, gpu.jobClass());
        assertEquals(Duration.between(at.minus(Duration.ofMinutes(10)), NOW).getSeconds(), gpu.ageS());
        assertEquals(32, r.killList().get(1).cpus(), "a pending job holds what it requested");
    }

    @Test
    void topSignaturesGroupUndefendedJobsByUserAndNamePattern() {
        Instant at = t("2026-11-03T10:00:00Z");
        List<Job> jobs = List.of(job("1", "bob", "sweep_1", "COMPLETED", at, 4, 1, null),
                job("2", "bob", "sweep_2", "COMPLETED", at, 4, 1, null),
                job("3", "carol", "eval", "COMPLETED", at, 4, 0, null));
        Result r = review(jobs, List.of(), null);
        assertEquals("sweep_#", r.signatures().get(0).pattern());
        assertEquals(2, r.signatures().get(0).jobs());
        assertEquals(2, r.signatures().get(0).gpuHours(), 1e-9);
        assertTrue(r.signatures().size() == 2);
    }
}
