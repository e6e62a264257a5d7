package dev.reckon.exits;

import dev.reckon.model.Charter;
import dev.reckon.model.Job;
import dev.reckon.model.Metric;
import dev.reckon.model.Verdict;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Verdicts at chosen moments before, at and after each threshold, with one GPU busy from the window's start. */
public class ExitsTest {
    public static final Instant S = Instant.parse("2026-03-01T00:00:00Z");
    public static final Instant E = Instant.parse("2026-03-31T00:00:00Z");

    public static Instant h(double hours) {
        return S.plusMillis(Math.round(hours * 3_600_000));
    }

    /** A job of the charter holding {@code gpus} GPUs and 8 CPUs from {@code start} until {@code end} (null: running). */
    public static Job job(String id, String charter, Instant start, Instant end, int gpus) {
        return new Job("c", id, id, "train", "alice", "acct", "p", null, null, "charter=" + charter,
                end == null ? "RUNNING" : "COMPLETED", "0:0", start.minusSeconds(60), start, end,
                end == null ? 0L : Duration.between(start, end).getSeconds(), 86_400L * 30, 8, 1L << 30, 8, 1,
                1L << 30, gpus, null, null, null, List.of());
    }

    public static Job pending(String id, String charter, Instant submit) {
        return new Job("c", id, id, "train", "alice", "acct", "p", null, null, "charter=" + charter, "PENDING", "0:0",
                submit, null, null, 0L, 3600L, 8, 1L << 30, null, null, null, null, null, null, null, List.of());
    }

    public static Charter charter(String id, double gpuBudget, List<String> success, List<String> failure) {
        return new Charter(id, id, "Train the model for a reason.", "alice", List.of(), List.of(), null,
                new Charter.Budget(gpuBudget, 0, null), new Charter.Window(S, E),
                success.stream().map(Charter.Condition::parse).toList(),
                failure.stream().map(Charter.Condition::parse).toList(), Duration.ofDays(14), Charter.Status.ACTIVE,
                List.of());
    }

    static Metric metric(String charter, String name, double v, Instant at) {
        return new Metric(charter, name, v, at, null, null, "test");
    }

    static Exits.Evaluation at(Charter c, List<Job> jobs, List<Metric> metrics, Instant t) {
        return Exits.evaluate(c, jobs, metrics, t, Exits.Options.DEFAULT);
    }

    final Charter budget = charter("llm", 100, List.of("val_acc >= 0.9"), List.of("loss > 9 after 1000 gpu_hours"));
    final List<Job> oneGpu = List.of(job("1", "llm", S, null, 1));

    @Test
    void continuesBelowEightyPercentOfTheBudget() {
        Exits.Evaluation e = at(budget, oneGpu, List.of(), h(79));
        assertEquals(Verdict.CONTINUE, e.verdict());
        assertEquals(79, e.used().gpuHours(), 1e-6);
        assertEquals(21, e.left().gpuHours(), 1e-6);
        assertNull(e.exitDueAt());
    }

    @Test
    void approachesAtEightyPercentOfTheBudget() {
        Exits.Evaluation e = at(budget, oneGpu, List.of(), h(80));
        assertEquals(Verdict.APPROACHING, e.verdict());
        assertTrue(e.evidence().stream().anyMatch(s -> s.contains("80.0% of the gpu-hours budget")), e.evidence().toString());
    }

    @Test
    void approachFractionIsAnOption() {
        Exits.Options half = new Exits.Options(0.5, Duration.ofDays(7), Duration.ofDays(7));
        assertEquals(Verdict.APPROACHING, Exits.evaluate(budget, oneGpu, List.of(), h(50), half).verdict());
        assertEquals(Verdict.CONTINUE, Exits.evaluate(budget, oneGpu, List.of(), h(49), half).verdict());
    }

    @Test
    void budgetSpentIsAFailureExitDueWhenItRanOut() {
        Exits.Evaluation e = at(budget, oneGpu, List.of(), h(100));
        assertEquals(Verdict.FAILURE_EXIT, e.verdict());
        assertEquals(h(100), e.exitDueAt());
        assertEquals(0, e.overrun().gpuHours(), 1e-6);
    }

    @Test
    void consumingAfterTheBudgetRanOutIsAnOverrunOfThatMuch() {
        Exits.Evaluation e = at(budget, oneGpu, List.of(), h(101.5));
        assertEquals(Verdict.OVERRUN, e.verdict());
        assertEquals(h(100), e.exitDueAt());
        assertEquals(1.5, e.overrun().gpuHours(), 1e-6);
        assertEquals(12, e.overrun().cpuHours(), 1e-6);
        assertTrue(e.runningAtEvaluation());
    }

    @Test
    void aJobThatEndedWithTheBudgetIsNoOverrun() {
        List<Job> jobs = List.of(job("1", "llm", S, h(100), 1));
        assertEquals(Verdict.FAILURE_EXIT, at(budget, jobs, List.of(), h(200)).verdict());
    }

    final Charter idle = charter("idle", 100, List.of("val_acc >= 0.9"), List.of("loss > 9"));

    @Test
    void approachesSevenDaysBeforeTheWindowEnds() {
        assertEquals(Verdict.CONTINUE, at(idle, List.of(), List.of(), E.minus(Duration.ofDays(7)).minusSeconds(1)).verdict());
        assertEquals(Verdict.APPROACHING, at(idle, List.of(), List.of(), E.minus(Duration.ofDays(7))).verdict());
        assertEquals(Verdict.APPROACHING, at(idle, List.of(), List.of(), E.minusSeconds(1)).verdict());
    }

    @Test
    void theWindowsEndIsAFailureExitAndConsumingAfterItAnOverrun() {
        Exits.Evaluation atEnd = at(idle, List.of(), List.of(), E);
        assertEquals(Verdict.FAILURE_EXIT, atEnd.verdict());
        assertEquals(E, atEnd.exitDueAt());
        List<Job> late = List.of(job("9", "idle", E.minus(Duration.ofHours(1)), null, 1));
        Exits.Evaluation after = at(idle, late, List.of(), E.plus(Duration.ofHours(3)));
        assertEquals(Verdict.OVERRUN, after.verdict());
        assertEquals(3, after.overrun().gpuHours(), 1e-6);
    }

    final Charter won = charter("won", 1000, List.of("val_acc >= 0.9"), List.of("loss > 9"));
    final List<Metric> accuracy = List.of(metric("won", "val_acc", 0.85, h(10)), metric("won", "val_acc", 0.92, h(20)));

    @Test
    void aSuccessMetricIsASuccessExitFromTheMomentItWasReported() {
        List<Job> ended = List.of(job("1", "won", S, h(20), 1));
        assertEquals(Verdict.CONTINUE, at(won, ended, accuracy, h(19.9)).verdict());
        Exits.Evaluation e = at(won, ended, accuracy, h(20));
        assertEquals(Verdict.SUCCESS_EXIT, e.verdict());
        assertEquals(h(20), e.exitDueAt());
        assertEquals(h(20), e.successAt());
        assertEquals(Verdict.SUCCESS_EXIT, at(won, ended, accuracy, h(500)).verdict());
    }

    @Test
    void consumingAfterSuccessIsOverrunAfterVictory() {
        Exits.Evaluation e = at(won, List.of(job("1", "won", S, null, 2)), accuracy, h(23));
        assertEquals(Verdict.OVERRUN, e.verdict());
        assertEquals(6, e.overrun().gpuHours(), 1e-6);
        assertEquals(6, e.overrunAfterSuccess().gpuHours(), 1e-6);
        assertTrue(e.evidence().stream().anyMatch(s -> s.startsWith("overrun after victory: 6 gpu-hours")), e.evidence().toString());
    }

    @Test
    void onlyTheLatestValueAtOrBeforeTheMomentCounts() {
        List<Metric> worse = List.of(metric("won", "val_acc", 0.92, h(20)), metric("won", "val_acc", 0.5, h(30)));
        assertEquals(Verdict.SUCCESS_EXIT, at(won, List.of(), worse, h(29)).verdict());
        assertEquals(Verdict.CONTINUE, at(won, List.of(), worse, h(30)).verdict());
    }

    @Test
    void aFailureConditionWithAfterCountsOnlyOnceThatMuchWasSpent() {
        Charter c = charter("lossy", 1000, List.of("val_acc >= 0.9"), List.of("loss > 2.5 after 50 gpu_hours"));
        List<Metric> loss = List.of(metric("lossy", "loss", 3.0, h(10)));
        Exits.Evaluation before = at(c, oneGpuOf("lossy"), loss, h(49.9));
        assertEquals(Verdict.CONTINUE, before.verdict());
        assertTrue(before.conditions().get(1).waiting());
        Exits.Evaluation atIt = at(c, oneGpuOf("lossy"), loss, h(50));
        assertEquals(Verdict.FAILURE_EXIT, atIt.verdict());
        assertEquals(h(50), atIt.exitDueAt());
        Exits.Evaluation after = at(c, oneGpuOf("lossy"), loss, h(52));
        assertEquals(Verdict.OVERRUN, after.verdict());
        assertEquals(2, after.overrun().gpuHours(), 1e-6);
    }

    @Test
    void aFailureMetricThatTurnsGoodNoLongerHolds() {
        Charter c = charter("lossy", 1000, List.of("val_acc >= 0.9"), List.of("loss > 2.5"));
        List<Metric> loss = List.of(metric("lossy", "loss", 3.0, h(10)), metric("lossy", "loss", 1.0, h(20)));
        assertEquals(Verdict.FAILURE_EXIT, at(c, List.of(), loss, h(15)).verdict());
        assertEquals(Verdict.CONTINUE, at(c, List.of(), loss, h(20)).verdict());
    }

    @Test
    void successBeatsASpentBudget() {
        Charter c = charter("both", 10, List.of("val_acc >= 0.9"), List.of("loss > 9"));
        List<Metric> m = List.of(metric("both", "val_acc", 0.95, h(12)));
        List<Job> ended = List.of(job("1", "both", S, h(12), 1));
        Exits.Evaluation e = at(c, ended, m, h(12));
        assertEquals(Verdict.SUCCESS_EXIT, e.verdict());
        assertEquals("success", e.exit().kind().word());
    }

    @Test
    void projectsExhaustionAtTheRecentBurnRate() {
        Exits.Evaluation e = at(budget, oneGpu, List.of(), h(48));
        assertEquals(24, e.burnRate().gpuHoursPerDay(), 1e-6);
        assertEquals(2, e.burnRate().days(), 1e-9);
        assertEquals(h(100), e.projectedExhaustion());
        assertEquals("gpu", e.exhaustedResource());
    }

    @Test
    void theBurnRateLooksOnlyAtTheRecentWindow() {
        // two GPUs for the first day, then one: over the last 7 days (days 3 to 10) the rate is 24 a day
        List<Job> jobs = List.of(job("1", "llm", S, null, 1), job("2", "llm", S, h(24), 1));
        Charter big = charter("llm", 1000, List.of("val_acc >= 0.9"), List.of("loss > 9"));
        Exits.Evaluation e = at(big, jobs, List.of(), h(240));
        assertEquals(24, e.burnRate().gpuHoursPerDay(), 1e-6);
        assertEquals(264, e.used().gpuHours(), 1e-6);
        assertEquals(h(240 + (1000 - 264)), e.projectedExhaustion());
    }

    @Test
    void noConsumptionProjectsNoExhaustion() {
        assertNull(at(idle, List.of(), List.of(), h(10)).projectedExhaustion());
    }

    @Test
    void aSpentBudgetProjectsTheMomentItRanOut() {
        assertEquals(h(100), at(budget, oneGpu, List.of(), h(150)).projectedExhaustion());
    }

    @Test
    void anotherCharterJobsDoNotCount() {
        List<Job> jobs = List.of(job("1", "llm", S, null, 1), job("2", "other", S, null, 4), pending("3", "llm", S));
        assertEquals(10, at(budget, jobs, List.of(), h(10)).used().gpuHours(), 1e-6);
    }

    @Test
    void aClosedCharterIsAtItsExitFromItsHistoryDate() {
        Charter c = new Charter("done", "done", "Train the model for a reason.", "alice", List.of(), List.of(), null,
                new Charter.Budget(100, 0, null), new Charter.Window(S, E), won.success(), won.failure(),
                Duration.ofDays(14), Charter.Status.SUCCEEDED,
                List.of(new Charter.StatusChange(java.time.LocalDate.parse("2026-03-02"), Charter.Status.SUCCEEDED, null)));
        Exits.Evaluation quiet = at(c, List.of(job("1", "done", S, h(24), 1)), List.of(), h(100));
        assertEquals(Verdict.SUCCESS_EXIT, quiet.verdict());
        assertEquals(h(24), quiet.exitDueAt());
        Exits.Evaluation busy = at(c, List.of(job("1", "done", S, null, 1)), List.of(), h(30));
        assertEquals(Verdict.OVERRUN, busy.verdict());
        assertEquals(6, busy.overrun().gpuHours(), 1e-6);
        assertFalse(busy.evidence().isEmpty());
    }

    @Test
    void failuresAreWhenTheFailureExitsOfActiveChartersFellDueAndWhy() {
        Charter lossy = charter("lossy", 1000, List.of("val_acc >= 0.9"), List.of("loss > 2.5"));
        Charter withdrawn = new Charter("gone", "gone", "Train the model for a reason.", "alice", List.of(), List.of(),
                null, new Charter.Budget(100, 0, null), new Charter.Window(S, E), List.of(), List.of(),
                Duration.ofDays(14), Charter.Status.WITHDRAWN,
                List.of(new Charter.StatusChange(java.time.LocalDate.parse("2026-03-02"), Charter.Status.WITHDRAWN, null)));
        List<Exits.Evaluation> evals = List.of(
                at(budget, oneGpu, List.of(), h(101.5)),
                at(idle, List.of(), List.of(), E.plusSeconds(60)),
                at(won, List.of(job("1", "won", S, h(20), 1)), accuracy, h(30)),
                at(lossy, List.of(), List.of(metric("lossy", "loss", 3.0, h(10))), h(15)),
                at(withdrawn, List.of(), List.of(), h(30)),
                at(charter("fresh", 100, List.of(), List.of()), List.of(), List.of(), h(1)));
        assertEquals(java.util.Map.of("llm", h(100), "idle", E, "lossy", h(10)), Exits.failures(evals));
        assertEquals(java.util.Map.of("llm", "the gpu-hours budget (100) was spent", "idle", "the window ended",
                "lossy", "failure condition loss > 2.5 holds (loss = 3)"), Exits.failureReasons(evals));
        assertEquals(java.util.Map.of("won", h(20)), Exits.successes(evals));
    }

    private static List<Job> oneGpuOf(String charter) {
        return List.of(job("1", charter, S, null, 1));
    }

    @Test
    void exhaustionIsProjectedOnlyFromEnoughHistoryAndNeverAfterAnExit() {
        Charter c = charter("burn", 1000, List.of("val_acc >= 0.9"), List.of("loss > 9"));
        List<Job> running = List.of(job("1", "burn", S, null, 1));
        Exits.Evaluation minutes = at(c, running, List.of(), S.plusSeconds(40));
        assertNull(minutes.projectedExhaustion(), "40 s of burn project nothing");
        assertTrue(minutes.projection().startsWith("not enough history"), minutes.projection());
        Exits.Evaluation days = at(c, running, List.of(), h(80));
        assertNotNull(days.projectedExhaustion());
        assertEquals("stable", days.projection());
        Exits.Evaluation won = at(c, running, List.of(metric("burn", "val_acc", 0.95, h(70))), h(80));
        assertNotNull(won.exit());
        assertNull(won.projectedExhaustion(), "no projection after a success exit");
        assertEquals("none after an exit", won.projection());
    }
}
