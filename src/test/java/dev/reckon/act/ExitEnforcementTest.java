package dev.reckon.act;

import dev.reckon.exits.Exits;
import dev.reckon.exits.ExitsTest;
import dev.reckon.ledger.Ledger;
import dev.reckon.model.Charter;
import dev.reckon.model.Job;
import dev.reckon.model.Metric;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Enforcement plans and their carrying out, with a fixed clock and hands that only record what they are asked. */
class ExitEnforcementTest {
    static final Instant S = ExitsTest.S;
    static final Duration GRACE = Duration.ofHours(2);

    @TempDir
    Path dir;
    Ledger ledger;
    final List<String> did = new ArrayList<>();

    @BeforeEach
    void open() {
        ledger = Ledger.open(dir.resolve("ledger.db").toString());
    }

    @AfterEach
    void close() {
        ledger.close();
    }

    static Charter tiny(String id, Charter.OnExit onExit) {
        Charter c = ExitsTest.charter(id, 10, List.of("val_acc >= 0.9"), List.of("loss > 9"));
        return new Charter(c.id(), c.title(), c.purpose(), c.owner(), c.members(), c.accounts(), c.match(), c.budget(),
                c.window(), c.success(), c.failure(), c.reviewEvery(), c.status(), c.history(), onExit);
    }

    final List<Job> jobs = List.of(ExitsTest.job("1", "small", S, null, 1), ExitsTest.pending("2", "small", S),
            ExitsTest.job("3", "neighbour", S, null, 1), ExitsTest.pending("4", "neighbour", S));

    List<ExitEnforcement.Step> plan(List<Charter> cs, Instant now) {
        List<Exits.Evaluation> es = Exits.evaluate(cs, jobs, id -> List.<Metric>of(), now, Exits.Options.DEFAULT);
        return ExitEnforcement.plan(cs, es, jobs, ledger, now, GRACE);
    }

    List<ExitEnforcement.Step> apply(List<Charter> cs, Instant now) {
        return ExitEnforcement.carryOut(plan(cs, now), ledger, now, "ops", Acting.of((who, payload) -> {
            var n = dev.reckon.core.Json.mapper().readTree(payload);
            did.add("notify " + n.get("charter").asText() + " " + n.get("kind").asText());
            return "sent";
        }, (cluster, jobId) -> {
            did.add("hold " + jobId);
            return "";
        }, (cluster, jobId) -> {
            did.add("cancel " + jobId);
            return "";
        }), s -> {
            did.add("close " + s.charter() + " " + s.closing().status());
            return "written";
        }, s -> true);
    }

    static List<String> actions(List<ExitEnforcement.Step> steps) {
        return steps.stream().map(s -> s.action().word() + (s.jobId() == null ? "" : " " + s.jobId())).toList();
    }

    @Test
    void notifyOnlyTellsTheOwnerAndClosesTheCharter() {
        List<Charter> cs = List.of(tiny("small", Charter.OnExit.NOTIFY), tiny("neighbour", Charter.OnExit.NOTIFY));
        List<ExitEnforcement.Step> p = plan(cs, ExitsTest.h(5));
        assertEquals(List.of(), p, "nothing due at 5 of 10 gpu-hours");
        p = plan(cs, ExitsTest.h(8));
        assertEquals(List.of("notify-ahead", "notify-ahead"), actions(p));
        p = plan(cs, ExitsTest.h(11));
        assertEquals(List.of("notify-exit", "close", "notify-exit", "close"), actions(p));
        assertEquals("failed", p.get(1).closing().status());
    }

    @Test
    void holdHoldsOnlyThePendingJobsOfItsCharter() {
        List<Charter> cs = List.of(tiny("small", Charter.OnExit.HOLD), tiny("neighbour", Charter.OnExit.NOTIFY));
        List<ExitEnforcement.Step> p = plan(cs, ExitsTest.h(11));
        assertEquals(List.of("notify-exit", "hold 2", "close", "notify-exit", "close"), actions(p));
    }

    @Test
    void cancelWaitsOutTheGraceThenCancelsTheRunningJobsAndCloses() {
        List<Charter> cs = List.of(tiny("small", Charter.OnExit.CANCEL));
        List<ExitEnforcement.Step> first = apply(cs, ExitsTest.h(11));
        assertEquals(List.of("notify-exit", "wait 1", "hold 2"), actions(first), "jobs in the ledger's order");
        assertEquals(ExitsTest.h(13), first.get(1).cancelAfter(), "grace from the notice, which came after the exit");
        assertEquals(List.of("notify small notify-exit", "hold 2"), did);

        List<ExitEnforcement.Step> during = apply(cs, ExitsTest.h(12.5));
        assertEquals(List.of("wait 1"), actions(during));

        List<ExitEnforcement.Step> after = apply(cs, ExitsTest.h(13));
        assertEquals(List.of("cancel 1", "close"), actions(after));
        assertTrue(after.get(1).applied());
        ExitEnforcement.Freed freed = after.get(1).closing().freed();
        assertEquals(2, freed.jobs(), "the held pending job and the cancelled running one");
        assertEquals(16, freed.cpus());
        assertEquals(1, freed.gpus());
        assertEquals(List.of("notify small notify-exit", "hold 2", "cancel 1", "close small failed"), did);
        assertEquals(1, ExitEnforcement.closings(ledger).size());
    }

    @Test
    void aDryRunChangesNothing() {
        List<Charter> cs = List.of(tiny("small", Charter.OnExit.CANCEL));
        List<ExitEnforcement.Step> once = plan(cs, ExitsTest.h(20));
        List<ExitEnforcement.Step> twice = plan(cs, ExitsTest.h(20));
        assertEquals(actions(once), actions(twice));
        assertEquals(List.of(), did);
        assertEquals(List.of(), ledger.auditLog(null, null, null));
    }

    @Test
    void applyingTwiceActsOnce() {
        List<Charter> cs = List.of(tiny("small", Charter.OnExit.HOLD));
        apply(cs, ExitsTest.h(11));
        List<String> first = new ArrayList<>(did);
        List<ExitEnforcement.Step> again = apply(cs, ExitsTest.h(11.5));
        assertEquals(List.of(), actions(again), "closed: nothing left to do (the charter file is what the CLI re-reads)");
        assertEquals(first, did);
        assertEquals(List.of("notify small notify-exit", "hold 2", "close small failed"), did);
    }

    @Test
    void theAheadNoticeGoesOutOnce() {
        List<Charter> cs = List.of(tiny("small", Charter.OnExit.NOTIFY));
        apply(cs, ExitsTest.h(8));
        apply(cs, ExitsTest.h(9));
        assertEquals(List.of("notify small notify-ahead"), did);
    }

    @Test
    void anotherChartersJobsAreNeverTouched() {
        List<Charter> cs = List.of(tiny("small", Charter.OnExit.CANCEL), tiny("neighbour", Charter.OnExit.NOTIFY));
        apply(cs, ExitsTest.h(11));
        apply(cs, ExitsTest.h(14));
        assertTrue(did.stream().noneMatch(d -> d.equals("hold 4") || d.equals("cancel 3")), did.toString());
        assertTrue(did.contains("cancel 1") && did.contains("hold 2"), did.toString());
    }

    @Test
    void aJobThatAlsoBelongsToAnotherCharterIsSkipped() {
        Charter shared = tiny("small", Charter.OnExit.CANCEL);
        Charter byUser = new Charter("defender", "defender", "Defend alice's jobs for a reason.", "bob", List.of(),
                List.of(), new Charter.Match(List.of(), List.of(), List.of(new Charter.UserJobs("alice", "*"))),
                new Charter.Budget(1e6, 0, null), shared.window(), shared.success(), shared.failure(),
                Duration.ofDays(14), Charter.Status.ACTIVE, List.of());
        List<ExitEnforcement.Step> p = plan(List.of(shared, byUser), ExitsTest.h(20));
        assertTrue(actions(p).containsAll(List.of("skip 1", "skip 2")), actions(p).toString());
        assertTrue(actions(p).stream().noneMatch(a -> a.startsWith("hold") || a.startsWith("cancel")));
    }

    @Test
    void aCharterThatChangedSinceThePlanIsLeftAlone() {
        List<Charter> cs = List.of(tiny("small", Charter.OnExit.HOLD));
        Instant now = ExitsTest.h(11);
        List<ExitEnforcement.Step> r = ExitEnforcement.carryOut(plan(cs, now), ledger, now, "ops",
                Acting.of((w, p) -> "sent", null, null), s -> "written", s -> false);
        assertTrue(r.stream().allMatch(s -> s.action() == ExitEnforcement.Kind.SKIP && !s.applied()));
        assertEquals(List.of(), ledger.auditLog(null, null, null));
    }

    @Test
    void aFailedNoticeKeepsTheCharterOpenAndIsTriedAgain() {
        List<Charter> cs = List.of(tiny("small", Charter.OnExit.NOTIFY));
        Instant now = ExitsTest.h(11);
        List<ExitEnforcement.Step> r = ExitEnforcement.carryOut(plan(cs, now), ledger, now, "ops", Acting.of((w, p) -> {
            throw new java.io.IOException("mail server down");
        }, null, null), s -> "written", s -> true);
        assertEquals(List.of("notify-exit", "close"), actions(r));
        assertTrue(r.stream().noneMatch(ExitEnforcement.Step::applied));
        assertEquals(List.of("notify-exit", "close"), actions(plan(cs, ExitsTest.h(12))));
    }
}
