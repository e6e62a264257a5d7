package dev.reckon.sim;

import dev.reckon.model.JobState;
import dev.reckon.source.Cluster;
import dev.reckon.source.Cluster.JobStatus;
import dev.reckon.source.Cluster.Submission;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SimulatedClusterTest {
    static final SimDefaults D = SimDefaults.load();
    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    static final long GIB = 1L << 30;
    static final Machine ONE_NODE = Machine.of(1, 4, 16 * GIB, 0);
    /** Every job truly runs 100 s and peaks at 4 GiB. */
    static final WorkloadModel MODEL = s -> new WorkloadModel.Outcome(100, 4 * GIB, false);

    static Submission job(String name, long mem, long time) {
        return new Submission(name, 1, mem, 0, time, null, null, null);
    }

    static JobStatus waitFor(Cluster c, String id) {
        for (int i = 0; i < 100; i++) {
            JobStatus s = c.poll(List.of(id), Duration.ofDays(1)).get(0);
            if (s.state().isFinal()) return s;
        }
        throw new AssertionError("job " + id + " never ended");
    }

    @Test
    void aJobWithEnoughMemoryAndTimeCompletes() {
        SimulatedCluster c = new SimulatedCluster(ONE_NODE, MODEL, null, T0, "easy", D);
        String id = c.submit(job("ok", 8 * GIB, 600));
        JobStatus s = waitFor(c, id);
        assertEquals(JobState.COMPLETED, s.state());
        assertEquals("0:0", s.exitCode());
        assertEquals(T0, s.start());
        assertEquals(T0.plusSeconds(100), s.end());
        assertEquals(100, s.elapsedS());
        assertEquals(4 * GIB, s.peakMemBytes());
        assertEquals(T0.plusSeconds(100), c.now(), "the clock moved to the job's end, no further");
        assertEquals(List.of(s), c.accounting(List.of(id)));
    }

    @Test
    void tooLittleMemoryIsKilledOutOfMemoryWhenItsUseReachesTheRequest() {
        SimulatedCluster c = new SimulatedCluster(ONE_NODE, MODEL, null, T0, "easy", D);
        JobStatus s = waitFor(c, c.submit(job("small", GIB, 600)));
        assertEquals(JobState.OUT_OF_MEMORY, s.state());
        assertEquals("0:125", s.exitCode());
        assertEquals(25, s.elapsedS(), "memory grows linearly to 4 GiB over 100 s: 1 GiB is reached at 25 s");
        assertEquals(GIB, s.peakMemBytes());
    }

    @Test
    void tooShortALimitTimesOutAtTheLimit() {
        SimulatedCluster c = new SimulatedCluster(ONE_NODE, MODEL, null, T0, "easy", D);
        JobStatus s = waitFor(c, c.submit(job("short", 8 * GIB, 60)));
        assertEquals(JobState.TIMEOUT, s.state());
        assertEquals(60, s.elapsedS());
        assertEquals(Math.round(4 * GIB * 0.6), s.peakMemBytes());
    }

    @Test
    void backgroundLoadFromATraceDelaysAJob() {
        Workload background = new Workload.Builder().add("7", 5000, 1000, 1000, 1, 4, 0, 0, "other", null, null)
                .build();
        SimulatedCluster busy = new SimulatedCluster(ONE_NODE, MODEL, background, T0, "easy", D);
        SimulatedCluster idle = new SimulatedCluster(ONE_NODE, MODEL, null, T0, "easy", D);
        busy.advanceTo(T0.plusSeconds(10));
        idle.advanceTo(T0.plusSeconds(10));
        assertEquals(T0.plusSeconds(1000), waitFor(busy, busy.submit(job("a", 8 * GIB, 600))).start(),
                "the trace's job holds every core from the cluster's start for 1000 s");
        assertEquals(T0.plusSeconds(10), waitFor(idle, idle.submit(job("a", 8 * GIB, 600))).start());
    }

    @Test
    void cancelEndsARunningJobNowAndAPendingOneBeforeItStarts() {
        SimulatedCluster c = new SimulatedCluster(Machine.of(1, 1, 16 * GIB, 0), MODEL, null, T0, "fcfs", D);
        String first = c.submit(job("first", 8 * GIB, 600));
        String second = c.submit(job("second", 8 * GIB, 600));
        List<JobStatus> s = c.poll(List.of(first, second), Duration.ofSeconds(30));
        assertEquals(JobState.RUNNING, s.get(0).state());
        assertEquals(JobState.PENDING, s.get(1).state());
        assertEquals(T0.plusSeconds(30), c.now());
        c.cancel(second);
        c.cancel(first);
        s = c.poll(List.of(first, second), Duration.ZERO);
        assertEquals(JobState.CANCELLED, s.get(0).state());
        assertEquals(30, s.get(0).elapsedS());
        assertEquals(JobState.CANCELLED, s.get(1).state());
        assertNull(s.get(1).start());
        c.cancel(first);
        assertEquals(JobState.CANCELLED, c.accounting(List.of(first)).get(0).state(), "cancelling twice changes nothing");
    }

    @Test
    void aSeededModelGivesTheSameOutcomesAndItsFailures() {
        java.util.function.Function<Submission, WorkloadModel.Outcome> typical =
                s -> new WorkloadModel.Outcome(1000, 2 * GIB, false);
        WorkloadModel a = WorkloadModel.seeded(42, typical, 0.2, 0.5);
        WorkloadModel b = WorkloadModel.seeded(42, typical, 0.2, 0.5);
        int failed = 0;
        for (int i = 0; i < 50; i++) {
            WorkloadModel.Outcome x = a.outcome(job("j", 0, 10)), y = b.outcome(job("j", 0, 10));
            assertEquals(x, y);
            assertTrue(x.runtimeS() >= 800 && x.runtimeS() <= 1200, x.toString());
            if (x.fails()) failed++;
        }
        assertTrue(failed > 10 && failed < 40, failed + " of 50 failed");
        SimulatedCluster c = new SimulatedCluster(ONE_NODE, WorkloadModel.seeded(1, typical, 0, 1), null, T0, "easy", D);
        JobStatus s = waitFor(c, c.submit(job("f", 8 * GIB, 2000)));
        assertEquals(JobState.FAILED, s.state());
        assertEquals("1:0", s.exitCode());
    }

    @Test
    void aJobThatFitsNowhereIsRefused() {
        SimulatedCluster c = new SimulatedCluster(ONE_NODE, MODEL, null, T0, "easy", D);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> c.submit(new Submission("big", 64, 0, 0, 60, null, null, null)));
        assertTrue(e.getMessage().contains("asks for 64 cores per node"), e.getMessage());
    }

    @Test
    void pollingInShortStepsGivesTheSameStartsAndEndsAsWaitingForEachChangeOnABusyCluster() {
        // a poll plans only the jobs submitted by the instant it moves to (not days of background): the history must
        // not depend on how far ahead each poll looked
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(3);
        Workload.Builder b = new Workload.Builder();
        long t = 0;
        for (int i = 0; i < 3000; i++) {
            t += (long) (-Math.log(1 - rnd.nextDouble()) * 400); // about 75% of the 32 cores busy
            long run = 300 + rnd.nextInt(3600);
            b.add("b" + i, t, run + rnd.nextInt(1800), run, 1, 1 + rnd.nextInt(8), 0, 0, "other", null, null);
        }
        Workload background = b.build();
        Machine machine = Machine.of(4, 8, 64 * GIB, 0);
        for (String policy : List.of("fcfs", "easy", "conservative")) {
            List<JobStatus> shortSteps = null;
            for (Duration wait : List.of(Duration.ofSeconds(30), Duration.ofDays(3))) {
                SimulatedCluster c = new SimulatedCluster(machine, s -> new WorkloadModel.Outcome(
                        200 + 100L * s.cpus(), GIB, false), background, T0, policy, D);
                c.advanceTo(T0.plusSeconds(7200));
                List<String> ids = new java.util.ArrayList<>();
                for (int k = 0; k < 12; k++) ids.add(c.submit(new Submission("me" + k, 1 + k % 8, 2 * GIB, 0, 3600,
                        null, null, null)));
                List<JobStatus> st = c.poll(ids, wait);
                for (int n = 0; n < 10_000 && !st.stream().allMatch(x -> x.state().isFinal()); n++) st = c.poll(ids, wait);
                assertTrue(st.stream().allMatch(x -> x.state().isFinal()), policy + ": every job ended");
                if (shortSteps == null) shortSteps = st;
                else assertEquals(shortSteps, st, policy + ": the same starts and ends whatever the polls' waits");
            }
        }
    }
}
