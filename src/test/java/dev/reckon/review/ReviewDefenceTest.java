package dev.reckon.review;

import dev.reckon.charter.Roster;
import dev.reckon.model.Charter;
import dev.reckon.model.Job;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code whatif} removes the jobs the review calls undefended without making the review: {@link Review#defence} must
 * call defended exactly the jobs the review does, whatever the charters, their histories, exits and the roster.
 */
class ReviewDefenceTest {
    private static final Instant NOW = ReviewTest.NOW;
    private static final Instant SINCE = ReviewTest.SINCE;
    private static final String[] USERS = {"alice", "bob", "carol", "dave"};
    private static final String[] STATES = {"COMPLETED", "FAILED", "RUNNING", "PENDING", "TIMEOUT", "CANCELLED"};
    private static final Charter.Status[] STATUSES = Charter.Status.values();

    @Property(tries = 200)
    void theDefenceCallsDefendedExactlyTheJobsTheReviewDoes(@ForAll long seed, @ForAll @IntRange(min = 0, max = 40) int jobs,
                                                           @ForAll boolean roster, @ForAll boolean bounded) {
        Random r = new Random(seed);
        List<Charter> charters = new ArrayList<>();
        int nc = r.nextInt(4);
        for (int i = 0; i < nc; i++) charters.add(charter(r, "c" + i));
        Map<String, Instant> succeeded = new HashMap<>();
        Map<String, Instant> failed = new HashMap<>();
        for (Charter c : charters) {
            if (r.nextInt(4) == 0) succeeded.put(c.id(), NOW.minus(Duration.ofHours(r.nextInt(24 * 20))));
            if (r.nextInt(4) == 0) failed.put(c.id(), NOW.minus(Duration.ofHours(r.nextInt(24 * 20))));
        }
        Review.ExitMoments exits = new Review.ExitMoments(succeeded, failed, Map.of());
        Roster people = roster ? new Roster(Path.of("roster.txt"), Set.of("alice", "bob")) : null;
        Instant until = bounded ? NOW.plus(Duration.ofDays(1)) : null;
        List<Job> all = new ArrayList<>();
        for (int k = 0; k < jobs; k++) all.add(job(r, "j" + k));

        Review.Result review = Review.review(all, SINCE, until, charters, people, NOW, null, exits);
        Map<String, Review.JobClass> classes = new HashMap<>();
        for (Review.JobVerdict v : review.jobs()) classes.put(v.jobId(), v.jobClass());
        Review.Defence defence = Review.defence(charters, people, NOW, exits);
        for (Job j : all) {
            Review.JobClass k = classes.get(j.jobId());
            assertEquals(k == Review.JobClass.DEFENDED, defence.defends(j, SINCE, until), j.jobId());
            assertEquals(k != null && k != Review.JobClass.DEFENDED, defence.undefended(j, SINCE, until), j.jobId());
        }
    }

    @Test
    void aJobOutsideTheWindowIsNeitherDefendedNorUndefended() {
        Charter c = ReviewTest.active("llm", "alice");
        Job old = ReviewTest.job("1", "alice", "x", "COMPLETED", SINCE.minus(Duration.ofDays(3)), 4, 0, "charter=llm");
        Review.Defence d = Review.defence(List.of(c), null, NOW, null);
        assertFalse(d.defends(old, SINCE, null));
        assertFalse(d.undefended(old, SINCE, null));
        Job now = ReviewTest.job("2", "alice", "x", "RUNNING", NOW.minus(Duration.ofHours(1)), 4, 0, "charter=llm");
        assertTrue(d.defends(now, SINCE, null));
        Job nobodys = ReviewTest.job("3", "bob", "x", "RUNNING", NOW.minus(Duration.ofHours(1)), 4, 0, null);
        assertTrue(d.undefended(nobodys, SINCE, null));
    }

    private static Charter charter(Random r, String id) {
        Instant start = NOW.minus(Duration.ofDays(1 + r.nextInt(40)));
        Instant end = r.nextInt(4) == 0 ? NOW.minus(Duration.ofDays(r.nextInt(5))) : NOW.plus(Duration.ofDays(30));
        Charter.Status status = STATUSES[r.nextInt(STATUSES.length)];
        List<Charter.StatusChange> history = new ArrayList<>();
        if (r.nextBoolean()) {
            LocalDate d = LocalDate.ofInstant(start, java.time.ZoneOffset.UTC);
            int n = 1 + r.nextInt(3);
            for (int i = 0; i < n; i++) {
                d = d.plusDays(1 + r.nextInt(10));
                Charter.Status s = i == n - 1 ? status : STATUSES[r.nextInt(STATUSES.length)];
                history.add(new Charter.StatusChange(d, s, null));
            }
        }
        Charter.Match match = new Charter.Match(List.of(), r.nextBoolean() ? List.of("acct" + r.nextInt(2)) : List.of(),
                List.of());
        return new Charter(id, id, "Do the thing for a reason.", USERS[r.nextInt(USERS.length)], List.of(), List.of(),
                match, new Charter.Budget(10, 100, null), new Charter.Window(start, end), List.of(), List.of(),
                Duration.ofDays(7 + r.nextInt(30)), status, history);
    }

    private static Job job(Random r, String id) {
        String state = STATES[r.nextInt(STATES.length)];
        Instant start = SINCE.plus(Duration.ofHours(r.nextInt(24 * 8) - 24 * 4));
        Job j = ReviewTest.job(id, USERS[r.nextInt(USERS.length)], "train_" + r.nextInt(3), state, start, 4,
                r.nextInt(2), r.nextInt(3) == 0 ? null : "charter=c" + r.nextInt(4));
        String account = "acct" + r.nextInt(3);
        return new Job(j.cluster(), j.jobId(), j.jobIdRaw(), j.name(), j.user(), account, j.partition(), j.qos(),
                j.wckey(), j.comment(), j.state(), j.exitCode(), j.submit(), j.start(), j.end(), j.elapsedS(),
                j.timelimitS(), j.reqCpus(), j.reqMemBytes(), j.allocCpus(), j.allocNodes(), j.allocMemBytes(),
                j.allocGpus(), j.totalCpuS(), j.peakMemBytes(), j.nodeList(), j.steps());
    }
}
