package dev.reckon.act;

import dev.reckon.ledger.Ledger;
import dev.reckon.review.Review;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Holding pending undefended jobs, with a fixed clock and a hold that only records. */
class HoldTest {
    private static final Instant T0 = Instant.parse("2026-03-02T10:00:00Z");

    @TempDir
    java.nio.file.Path dir;
    Ledger ledger;
    final List<String> held = new ArrayList<>();
    final List<String> told = new ArrayList<>();

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

    private static Review.JobVerdict verdict(String id, Review.JobClass c, String charter, String state) {
        return new Review.JobVerdict(id, "c1", "bob", "eval", c, charter, "", 0, 0, 0, state, null, null);
    }

    private static final Review.Result REVIEW = new Review.Result(T0, null, null,
            List.of(verdict("1", Review.JobClass.ORPHANED, null, "PENDING"),
                    verdict("2", Review.JobClass.ORPHANED, null, "RUNNING"),
                    verdict("3", Review.JobClass.DEFENDED, "llm-ft", "PENDING")),
            List.of(), List.of(), List.of(kill("1", "PENDING"), kill("2", "RUNNING")), List.of());

    private List<Hold.Step> run(List<String> asked, boolean stillUndefended) {
        return Hold.carryOut(Hold.plan(REVIEW, ledger, asked), ledger, T0, "ops", Acting.of((who, payload) -> {
            told.add(who + ": " + dev.reckon.core.Json.mapper().readTree(payload).get("subject").asText());
            return "sent";
        }, (c, id) -> {
            held.add(c + ":" + id);
            return "";
        }, null), s -> stillUndefended, NoticeTemplates.shipped());
    }

    @Test
    void holdsOnlyThePendingJobsOfTheKillListAndOnlyOnce() {
        List<Hold.Step> plan = Hold.plan(REVIEW, ledger, List.of());
        assertEquals(1, plan.size(), plan.toString());
        assertEquals(Hold.Kind.HOLD, plan.get(0).action());
        assertEquals("1", plan.get(0).jobId());
        assertFalse(plan.get(0).applied(), "a plan does nothing");

        List<Hold.Step> done = run(List.of(), true);
        assertTrue(done.get(0).applied(), done.toString());
        assertEquals(List.of("c1:1"), held);
        assertEquals(List.of("alice: [reckon] job 1 on c1 is held: no charter defends it"), told, "its user is told");
        assertEquals(List.of("hold", "hold-notice"), ledger.auditLog(null, null, "1").stream()
                .map(dev.reckon.model.AuditEntry::action).sorted().toList());

        List<Hold.Step> again = run(List.of(), true);
        assertEquals(Hold.Kind.HELD, again.get(0).action(), "held before: not again, even if its user released it");
        assertEquals(List.of("c1:1"), held);
        assertEquals(1, told.size(), "told once");
    }

    @Test
    void aDefendedJobAskedForIsSparedARunningOneRefusedAndAnUnknownOneNamed() {
        List<Hold.Step> plan = Hold.plan(REVIEW, ledger, List.of("3", "c1:2", "99"));
        assertEquals(List.of(Hold.Kind.SPARE, Hold.Kind.REFUSE, Hold.Kind.REFUSE),
                plan.stream().map(Hold.Step::action).toList(), plan.toString());
        assertEquals("defended by charter llm-ft", plan.get(0).why());
        assertTrue(plan.get(1).why().contains("RUNNING"), plan.get(1).why());
        assertTrue(plan.get(2).why().contains("not a job of the review window"), plan.get(2).why());
        run(List.of("3", "c1:2", "99"), true);
        assertEquals(List.of(), held, "none of them is held");
    }

    @Test
    void aJobDefendedByTheTimeItIsHeldIsSpared() {
        List<Hold.Step> done = run(List.of("1"), false);
        assertEquals(Hold.Kind.SPARE, done.get(0).action());
        assertEquals(List.of(), held);
    }

    @Test
    void twoRunsAtOnceHoldAJobOnce() {
        assertTrue(ledger.claim("c1", "1", "hold", null, "other-run", T0));
        List<Hold.Step> done = run(List.of(), true);
        assertEquals(Hold.Kind.HELD, done.get(0).action(), done.toString());
        assertTrue(done.get(0).why().contains("claimed by another run"), done.get(0).why());
        assertEquals(List.of(), held);
    }
}
