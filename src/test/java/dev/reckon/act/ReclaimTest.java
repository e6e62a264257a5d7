package dev.reckon.act;

import dev.reckon.ledger.Ledger;
import dev.reckon.model.AuditEntry;
import dev.reckon.review.Review;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The reclaim plan and its carrying out, with a fixed clock and a notifier and canceller that only record. */
class ReclaimTest {
    private static final Instant T0 = Instant.parse("2026-03-02T10:00:00Z");
    private static final Duration GRACE = Duration.ofHours(2);

    @TempDir
    java.nio.file.Path dir;
    Ledger ledger;
    final List<String> sent = new ArrayList<>();
    final List<String> cancelled = new ArrayList<>();

    @BeforeEach
    void open() {
        ledger = Ledger.open(dir.resolve("ledger.db").toString());
    }

    @AfterEach
    void close() {
        ledger.close();
    }

    private static Review.Kill kill(String id, String state) {
        return new Review.Kill(id, "c1", "alice", "train", state, Review.JobClass.ORPHANED, "no charter claims it",
                T0.minusSeconds(3600), 3600L, 8, 1, 1L << 30);
    }

    private static Review.Result review(Review.Kill... kills) {
        return new Review.Result(T0, null, null, List.of(), List.of(), List.of(), List.of(kills), List.of());
    }

    private List<Reclaim.Step> run(Review.Result r, Instant now, boolean apply, boolean stillUndefended) {
        List<Reclaim.Step> plan = Reclaim.plan(r, ledger, now, GRACE);
        if (!apply) return plan;
        return Reclaim.carryOut(plan, ledger, now, "ops", Acting.of((who, payload) -> {
            sent.add(dev.reckon.core.Json.mapper().readTree(payload).get("job_id").asText());
            return "sent";
        }, null, (c, id) -> {
            cancelled.add(id);
            return "";
        }), s -> stillUndefended);
    }

    @Test
    void notifiesFirstWaitsDuringGraceCancelsAfterAndNothingTwice() {
        Review.Result r = review(kill("1", "RUNNING"));
        List<Reclaim.Step> first = run(r, T0, true, true);
        assertEquals(Reclaim.Kind.NOTIFY, first.get(0).action());
        assertTrue(first.get(0).applied());
        assertEquals(T0.plus(GRACE), first.get(0).cancelAfter());
        assertEquals(List.of("1"), sent);

        List<Reclaim.Step> during = run(r, T0.plus(Duration.ofMinutes(15)), true, true);
        assertEquals(Reclaim.Kind.WAIT, during.get(0).action());
        assertEquals(List.of("1"), sent, "never notifies twice");
        assertEquals(List.of(), cancelled);

        List<Reclaim.Step> after = run(r, T0.plus(GRACE), true, true);
        assertEquals(Reclaim.Kind.CANCEL, after.get(0).action());
        assertTrue(after.get(0).applied());
        assertEquals(List.of("1"), cancelled);
        assertEquals(List.of("1", "1"), sent, "the notice before, and the one after the cancellation");

        assertEquals(List.of(), run(r, T0.plus(GRACE).plusSeconds(900), true, true), "nothing twice");
        assertEquals(List.of("1", "1"), sent);
        assertEquals(List.of("1"), cancelled);
        assertTrue(ledger.audited("c1", "1", "notify"));
        assertTrue(ledger.audited("c1", "1", "cancel"));
    }

    @Test
    void pendingAndDefendedJobsAreLeftAlone() {
        assertEquals(List.of(), run(review(kill("2", "PENDING")), T0, true, true));
        Review.Result r = review(kill("3", "RUNNING"));
        run(r, T0, true, true);
        List<Reclaim.Step> after = run(r, T0.plus(GRACE), true, false); // a charter written during the grace period
        assertEquals(Reclaim.Kind.WAIT, after.get(0).action());
        assertEquals(Review.JobClass.DEFENDED, after.get(0).jobClass());
        assertEquals(List.of(), cancelled);
        assertFalse(ledger.audited("c1", "3", "cancel"));
        // and once defended, the review leaves it off the kill list: no step at all
        assertEquals(List.of(), run(review(), T0.plus(GRACE), true, true));
    }

    @Test
    void aDryRunChangesNothing() {
        Review.Result r = review(kill("4", "RUNNING"));
        for (int i = 0; i < 3; i++) {
            List<Reclaim.Step> plan = run(r, T0.plus(GRACE.multipliedBy(i)), false, true);
            assertEquals(Reclaim.Kind.NOTIFY, plan.get(0).action());
            assertFalse(plan.get(0).applied());
        }
        assertEquals(List.of(), sent);
        assertEquals(List.of(), ledger.auditLog(null, null, null));
    }

    @Test
    void aFailedNoticeIsTriedAgainAndStartsNoGrace() {
        Review.Result r = review(kill("5", "RUNNING"));
        List<Reclaim.Step> failed = Reclaim.carryOut(Reclaim.plan(r, ledger, T0, GRACE), ledger, T0, "ops",
                Acting.of((w, p) -> { throw new java.io.IOException("webhook down"); }, null, (c, id) -> ""), s -> true);
        assertFalse(failed.get(0).applied());
        List<AuditEntry> log = ledger.auditLog(null, null, "5");
        assertEquals(1, log.size());
        assertFalse(log.get(0).applied());
        List<Reclaim.Step> later = run(r, T0.plus(GRACE), true, true);
        assertEquals(Reclaim.Kind.NOTIFY, later.get(0).action());
        assertEquals(List.of(), cancelled);
    }
}
