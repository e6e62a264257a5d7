package dev.reckon.review;

import dev.reckon.model.Charter;
import dev.reckon.model.Job;
import dev.reckon.review.Owners.Owner;
import dev.reckon.review.Owners.Result;
import dev.reckon.review.Owners.Unowned;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OwnersTest {
    static final Instant NOW = Instant.parse("2026-11-15T00:00:00Z");
    static final Instant SINCE = Instant.parse("2026-11-01T00:00:00Z"); // two weeks before NOW
    static final Instant T = Instant.parse("2026-11-03T10:00:00Z");

    /** A finished job that ran an hour from {@code start}, submitted 10 minutes before it. */
    static Job job(String id, String user, String name, String state, String exit, Instant start, String comment) {
        return new Job("c", id, id, name, user, "acct", "p", null, null, comment, state, exit,
                start.minus(Duration.ofMinutes(10)), start, start.plusSeconds(3600), 3600L, 7200L, 4, null, 4, 1, null,
                0, null, null, null, List.of());
    }

    static Charter charter(String id, String owner, Charter.Status status) {
        return new Charter(id, id, "Do the thing for a reason.", owner, List.of(), List.of(), null,
                new Charter.Budget(10, 100, null),
                new Charter.Window(Instant.parse("2026-10-01T00:00:00Z"), Instant.parse("2027-01-01T00:00:00Z")),
                List.of(), List.of(), Duration.ofDays(14), status, List.of());
    }

    static Owner owner(Result r, String name) {
        return r.owners().stream().filter(o -> o.owner().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void memoryKillsAreOutOfMemoryOrAFailureBySignalNineOrExit125() {
        assertEquals("memory-killed", Owners.trouble(job("1", "a", "x", "OUT_OF_MEMORY", "0:125", T, null)));
        assertEquals("memory-killed", Owners.trouble(job("1", "a", "x", "FAILED", "0:9", T, null)));
        assertEquals("memory-killed", Owners.trouble(job("1", "a", "x", "FAILED", "0:125", T, null)));
        assertEquals("failed", Owners.trouble(job("1", "a", "x", "FAILED", "1:0", T, null)));
        assertEquals("failed", Owners.trouble(job("1", "a", "x", "NODE_FAIL", "0:0", T, null)));
        assertEquals("timed out", Owners.trouble(job("1", "a", "x", "TIMEOUT", "0:15", T, null)));
        assertNull(Owners.trouble(job("1", "a", "x", "COMPLETED", "0:0", T, null)));
        assertNull(Owners.trouble(job("1", "a", "x", "CANCELLED", "0:9", T, null)), "a cancel by a person is no failure");
    }

    @Test
    void anOwnerAboveTheLimitOfActiveChartersIsFlagged() {
        List<Charter> cs = List.of(charter("a1", "alice", Charter.Status.ACTIVE), charter("a2", "alice", Charter.Status.ACTIVE),
                charter("a3", "alice", Charter.Status.ACTIVE), charter("b1", "bob", Charter.Status.ACTIVE),
                charter("b2", "bob", Charter.Status.WITHDRAWN));
        Result r = Owners.analyze(List.of(), SINCE, null, cs, 2, NOW);
        assertEquals("alice", r.owners().get(0).owner(), "the owner holding most active charters comes first");
        assertEquals(List.of("a1", "a2", "a3"), owner(r, "alice").activeCharters());
        assertTrue(owner(r, "alice").overLimit());
        assertEquals(List.of("b1"), owner(r, "bob").activeCharters(), "a withdrawn charter is not held");
        assertFalse(owner(r, "bob").overLimit());
        assertFalse(Owners.analyze(List.of(), SINCE, null, cs, 3, NOW).owners().get(0).overLimit(), "the limit is an option");
    }

    @Test
    void theLoadCountsEachKindOfTroubleInTheOwnersChartersPerWeek() {
        List<Charter> cs = List.of(charter("ft", "alice", Charter.Status.ACTIVE));
        List<Job> jobs = List.of(
                job("1", "bob", "train_1", "FAILED", "1:0", T, "charter=ft"),
                // bob sends it again 20 minutes after it failed: resubmitted, and it runs out of memory
                job("2", "bob", "train_2", "OUT_OF_MEMORY", "0:125", T.plusSeconds(3600 + 30 * 60), "charter=ft"),
                job("3", "bob", "train_3", "COMPLETED", "0:0", T.plusSeconds(3 * 3600), "charter=ft"),
                job("4", "alice", "eval", "TIMEOUT", "0:15", T, "charter=ft"),
                job("5", "alice", "eval", "COMPLETED", "0:0", T.plus(Duration.ofDays(2)), "charter=ft"));
        Result r = Owners.analyze(jobs, SINCE, null, cs, Owners.DEFAULT_LIMIT, NOW);
        Owners.Load l = owner(r, "alice").load();
        assertEquals(5, l.jobs());
        assertEquals(1, l.failed());
        assertEquals(1, l.memoryKilled());
        assertEquals(1, l.timedOut());
        assertEquals(2, l.resubmitted(), "job 2 after job 1's failure, job 3 within the hour after job 2's");
        assertEquals(4, l.troubled(), "a resubmitted job that failed counts once");
        assertEquals(2.0, r.weeks(), 1e-9);
        assertEquals(2.0, l.perWeek(), 1e-9);
        assertTrue(r.unowned().isEmpty());
    }

    @Test
    void aJobSubmittedMoreThanAnHourAfterTheFailureIsNotAResubmission() {
        List<Job> jobs = List.of(job("1", "bob", "train_1", "FAILED", "1:0", T, null),
                job("2", "bob", "train_2", "COMPLETED", "0:0", T.plusSeconds(3600 + 70 * 60 + 600), null),
                job("3", "bob", "other", "COMPLETED", "0:0", T.plusSeconds(3600 + 10 * 60), null),
                job("4", "carol", "train_1", "COMPLETED", "0:0", T.plusSeconds(3600 + 10 * 60), null));
        Result r = Owners.analyze(jobs, SINCE, null, List.of(), 2, NOW);
        Unowned bob = r.unowned().get(0);
        assertEquals("bob", bob.user());
        assertEquals(3, bob.load().jobs());
        assertEquals(0, bob.load().resubmitted(), "too late, or another name pattern");
        assertEquals(1, bob.load().troubled());
        assertEquals(0, r.unowned().get(1).load().resubmitted(), "another user's job of the same name");
    }

    @Test
    void jobsNoChartersClaimAreUnownedLoadOfTheirUserAndAnActiveCharterClaimsFirst() {
        List<Charter> cs = List.of(charter("old", "bob", Charter.Status.SUCCEEDED), charter("new", "alice", Charter.Status.ACTIVE));
        Charter both = cs.get(0);
        Job claimedByBoth = job("1", "dave", "x", "FAILED", "1:0", T, "charter=old,charter=new");
        Job stray = job("2", "dave", "y", "TIMEOUT", "0:0", T, null);
        Job before = job("3", "dave", "z", "FAILED", "1:0", SINCE.minus(Duration.ofDays(2)), null);
        assertTrue(both.matches(claimedByBoth));
        Result r = Owners.analyze(List.of(claimedByBoth, stray, before), SINCE, null, cs, 2, NOW);
        assertEquals(1, owner(r, "alice").load().failed());
        assertEquals(0, owner(r, "bob").load().jobs());
        assertEquals(1, r.unowned().size());
        assertEquals(1, r.unowned().get(0).load().jobs(), "a job before the window is not counted");
        assertEquals(1, r.unowned().get(0).load().timedOut());
    }
}
