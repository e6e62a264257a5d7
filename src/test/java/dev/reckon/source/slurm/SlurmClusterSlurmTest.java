package dev.reckon.source.slurm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.reckon.model.JobState;
import dev.reckon.source.Cluster;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The {@link Cluster} seam on the real cluster (scripts/slurm-dev-cluster up), used through the interface only: jobs
 * submitted together in {@code @BeforeAll} (so the one-minute time limit is waited out once), then each polled to its
 * end. Skips without a cluster, fails instead under RECKON_REQUIRE_SLURM=1.
 */
class SlurmClusterSlurmTest {
    private static final long MIB = 1L << 20;
    private static final Duration QUICK = Duration.ofSeconds(90);
    /** A one-minute limit is enforced 30-90 s late: the controller checks limits about every 30 s. */

    private static Cluster cluster;
    private static final List<String> submitted = new ArrayList<>();
    private static String completes;
    private static String overMemory;
    private static String overTime;
    private static String toCancel;
    private static String uses100M;

    /** A perl that grows one string to {@code mib} MiB in place (no second copy) and then sleeps. */
    private static String hog(long mib, int sleepS) {
        return "perl -e '$x = \"a\"; $x x= " + mib + " << 20; sleep " + sleepS + "'";
    }

    private static String submit(String name, long memBytes, long timeLimitS, String command) {
        String id = cluster.submit(new Cluster.Submission("reckon-it-cl-" + name, 1, memBytes, 0, timeLimitS, null,
                null, command));
        submitted.add(id);
        return id;
    }

    @BeforeAll
    static void submitAllJobsAtOnce() {
        if (SlurmTestCluster.unavailable() != null) return; // each test then reports itself skipped
        cluster = new SlurmCluster(SlurmTestCluster.commands(), Clock.systemUTC(), SlurmTestCluster.outputDir());
        overTime = submit("overtime", 0, 60, "sleep 300");
        toCancel = submit("cancel", 0, 300, "sleep 300");
        completes = submit("completes", 100 * MIB, 120, "sleep 3; echo done");
        overMemory = submit("overmemory", 50 * MIB, 120, hog(300, 30));
        uses100M = submit("uses100m", 500 * MIB, 120, hog(100, 12));
    }

    @AfterAll
    static void cancelWhatIsLeft() {
        if (cluster != null && !submitted.isEmpty()) SlurmTestCluster.commands().scancel(submitted.toArray(String[]::new));
    }

    @BeforeEach
    void needsTheCluster() {
        SlurmTestCluster.assumeCluster();
    }

    /** Polls (the seam's own wait) until the job's state is final. */
    private static Cluster.JobStatus awaitFinal(String id, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        Cluster.JobStatus last = null;
        while (Instant.now().isBefore(deadline)) {
            List<Cluster.JobStatus> s = cluster.poll(List.of(id), Duration.ofSeconds(5));
            assertEquals(1, s.size(), s.toString());
            last = s.get(0);
            assertEquals(id, last.id());
            if (last.state().isFinal()) return last;
        }
        return fail("job " + id + " not final after " + timeout + ": " + last);
    }

    /** Polls until the job runs. */
    private static Cluster.JobStatus awaitRunning(String id, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        Cluster.JobStatus last = null;
        while (Instant.now().isBefore(deadline)) {
            last = cluster.poll(List.of(id), Duration.ofSeconds(2)).get(0);
            if (last.state() == JobState.RUNNING) return last;
            assertTrue(!last.state().isFinal(), "ended before it ran: " + last);
        }
        return fail("job " + id + " not running after " + timeout + ": " + last);
    }

    @Test
    void aJobThatEndsWellIsCompletedWithExitZeroAndItsTimes() {
        Cluster.JobStatus first = cluster.poll(List.of(completes), Duration.ZERO).get(0);
        assertTrue(first.state() == JobState.PENDING || first.state() == JobState.RUNNING
                || first.state() == JobState.COMPLETED, first.toString());

        Cluster.JobStatus s = awaitFinal(completes, QUICK);
        assertEquals(JobState.COMPLETED, s.state(), s.toString());
        assertEquals("0:0", s.exitCode());
        assertNotNull(s.start(), s.toString());
        assertNotNull(s.end(), s.toString());
        assertTrue(s.elapsedS() >= 3, "slept 3 s: " + s);
        assertEquals(Duration.between(s.start(), s.end()).toSeconds(), s.elapsedS(), s.toString());

        cluster.cancel(completes);
        assertEquals(JobState.COMPLETED, cluster.poll(List.of(completes), Duration.ZERO).get(0).state(),
                "cancelling an ended job leaves it as it is");
    }

    @Test
    void aJobOverItsMemoryRequestIsOutOfMemory() {
        Cluster.JobStatus s = awaitFinal(overMemory, QUICK);
        // OverMemoryKill: Slurm records FAILED 0:9; the seam says what happened
        assertEquals(JobState.OUT_OF_MEMORY, s.state(), s.toString());
        assertEquals("0:9", s.exitCode());
        assertTrue(s.elapsedS() < 30, "killed before its sleep ended: " + s);
    }

    /**
     * The seam's limit reaches Slurm as the job's time limit. (Slurm enforcing it takes 60-90 s of waiting: that a
     * job past its limit times out, and how accounting records it, is checked end to end by IngestSlurmTest, and
     * the seam's reading of those records by SlurmClusterTest.)
     */
    @Test
    void aJobIsGivenItsTimeLimit() {
        awaitRunning(overTime, QUICK);
        assertEquals("1:00", SlurmTestCluster.commands().run("squeue", "-h", "-j", overTime, "-o", "%l").strip());
        cluster.cancel(overTime);
    }

    @Test
    void aCancelledRunningJobIsCancelled() {
        Cluster.JobStatus running = awaitRunning(toCancel, QUICK);
        assertNotNull(running.start(), running.toString());
        assertEquals(null, running.end());
        cluster.cancel(toCancel);
        Cluster.JobStatus s = awaitFinal(toCancel, QUICK);
        assertEquals(JobState.CANCELLED, s.state(), s.toString());
        assertNotNull(s.end());
        assertTrue(s.elapsedS() < 300, s.toString());
    }

    @Test
    void accountingPeakMemoryComesFromTheStepsMaxRss() {
        awaitFinal(uses100M, QUICK);
        // the job line can be final a moment before its batch step's record (with MaxRSS) arrives
        Instant deadline = Instant.now().plusSeconds(30);
        List<Cluster.JobStatus> acct;
        while (true) {
            acct = cluster.accounting(List.of(uses100M));
            if (acct.size() == 1 && acct.get(0).peakMemBytes() != null) break;
            if (Instant.now().isAfter(deadline)) fail("no peak memory in the accounting: " + acct);
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }
        Cluster.JobStatus s = acct.get(0);
        assertEquals(uses100M, s.id());
        assertEquals(JobState.COMPLETED, s.state(), s.toString());
        // perl grew a 100 MiB string; the step's RSS adds perl and the batch shell (a few MiB), and no second copy
        long peak = s.peakMemBytes();
        assertTrue(peak >= 100 * MIB && peak <= 160 * MIB, "peak " + peak / MIB + " MiB: " + s);
    }
}
