package dev.reckon.rightsize;

import dev.reckon.model.Job;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The recommendations, with every figure worked out by hand (nearest-rank percentiles, docs/rightsize.md). */
class RightsizeTest {
    private static final long MIB = 1L << 20, GIB = 1L << 30;
    private static final Instant T = Instant.parse("2024-05-01T00:00:00Z");

    static Job job(String state, String exit, long elapsed, Long limit, int cpus, long memBytes, Long peak,
                   double cpuEff, int gpus, Double gpuUtil) {
        return new Job("c", "1", "1", "train_01", "alice", "proj", "cpu", null, null, null, state, exit, T, T,
                T.plusSeconds(elapsed), elapsed, limit, cpus, memBytes, cpus, 1, memBytes, gpus,
                elapsed * cpus * cpuEff, peak, "n1", List.of(), gpuUtil, null);
    }

    static Job done(long elapsed, int cpus, long mem, long peak, double eff) {
        return job("COMPLETED", "0:0", elapsed, 7200L, cpus, mem, peak, eff, 0, null);
    }

    static Rightsize.Recommendation recommend(List<Job> jobs) {
        History h = new History();
        jobs.forEach(h::add);
        return Rightsize.recommend("g", h, Defaults.STANDARD);
    }

    @Test
    void percentilesWithMarginsGiveMemoryTimeAndCpus() {
        List<Job> jobs = new java.util.ArrayList<>();
        for (int i = 0; i < 8; i++) jobs.add(done(600, 8, 16 * GIB, GIB, 0.25));
        jobs.add(done(600, 8, 16 * GIB, 2 * GIB, 0.25));
        jobs.add(done(3000, 8, 16 * GIB, 4 * GIB, 0.40));
        Rightsize.Recommendation r = recommend(jobs);
        // p95 of 10 values is the 10th (rank ceil(9.5)): peak 4 GiB, elapsed 3000 s, CPU efficiency 0.40
        assertEquals(4 * GIB, r.evidence().peakMemBytes());
        assertEquals(3000L, r.evidence().elapsedS());
        assertEquals(0.40, r.evidence().cpuEff(), 1e-12);
        // memory: max(4 GiB x 1.25, 4 GiB + 512 MiB) = 5 GiB
        assertEquals(5 * GIB, r.recommended().memBytes());
        // time: max(3000 x 1.25, 3000 + 300) = 3750 s, above an hour: up to 15 min = 4500 s
        assertEquals(4500L, r.recommended().timeS());
        // CPUs: ceil(8 x 0.40 x 1.2 = 3.84) = 4
        assertEquals(4, r.recommended().cpus());
        assertEquals(0, r.recommended().gpus());
        assertEquals("--cpus-per-task=4 --mem=5G --time=01:15:00", r.sbatch());
        // freed over 9 x 600 + 3000 = 8400 s = 7/3 h: 4 CPUs and 11 GiB less
        assertEquals(4 * 7 / 3.0, r.freed().cpuHours(), 1e-9);
        assertEquals(11 * 7 / 3.0, r.freed().memGbHours(), 1e-9);
        assertEquals(0.0, r.freed().gpuHours());
        assertEquals(new Rightsize.Shape(8, 16 * GIB, 7200L, 0), r.asked());
    }

    @Test
    void outOfMemoryBumpsToOneAndAHalfTheAllocationThatRanOut() {
        Rightsize.Recommendation r = recommend(List.of(
                done(600, 1, 4 * GIB, 2 * GIB, 1.0),
                done(600, 1, 4 * GIB, 2 * GIB, 1.0),
                job("OUT_OF_MEMORY", "0:125", 300, 7200L, 1, 4 * GIB, 4 * GIB, 1.0, 0, null),
                job("FAILED", "0:9", 300, 7200L, 1, 3 * GIB, null, 1.0, 0, null)));
        assertEquals(2, r.evidence().oom());
        assertEquals(4 * GIB, r.evidence().largestOomAllocBytes());
        // p95 of the peaks that did not run out: 2 GiB -> 2.5 GiB; bumped to 1.5 x 4 GiB
        assertEquals(2 * GIB, r.evidence().peakMemBytes());
        assertEquals(6 * GIB, r.recommended().memBytes());
        assertEquals(0.0, r.freed().memGbHours()); // more than they had: nothing freed, never negative
    }

    @Test
    void neverBelowTheLargestSuccessfulPeak() {
        List<Job> jobs = new java.util.ArrayList<>();
        for (int i = 0; i < 19; i++) jobs.add(done(600, 1, 64 * GIB, GIB, 1.0));
        jobs.add(done(600, 1, 64 * GIB, 40 * GIB, 1.0)); // rank 20 of 20 is above p95's rank 19
        Rightsize.Recommendation r = recommend(jobs);
        assertEquals(GIB, r.evidence().peakMemBytes());
        assertEquals(40 * GIB, r.recommended().memBytes());
    }

    @Test
    void timeoutsBumpToOneAndAHalfTheLimitTheyHit() {
        Rightsize.Recommendation r = recommend(List.of(
                job("COMPLETED", "0:0", 3000, 3600L, 1, GIB, GIB / 2, 1.0, 0, null),
                job("COMPLETED", "0:0", 3000, 3600L, 1, GIB, GIB / 2, 1.0, 0, null),
                job("TIMEOUT", "0:0", 3605, 3600L, 1, GIB, GIB / 2, 1.0, 0, null)));
        assertEquals(1, r.evidence().timeouts());
        assertEquals(3600L, r.evidence().longestTimeoutLimitS());
        // p95 3000 -> 3750; bumped to 1.5 x 3600 = 5400 (a multiple of 15 min)
        assertEquals(5400L, r.recommended().timeS());
        assertEquals("--cpus-per-task=1 --mem=1G --time=01:30:00", r.sbatch());
        // two completed jobs of 3000 s free nothing in CPUs (1 of 1) and memory (1 GiB of 1 GiB); the timeout nothing
        assertEquals(0.0, r.freed().cpuHours());
        assertEquals(0.0, r.freed().memGbHours());
    }

    @Test
    void idleGpusGoToTheCpuLane() {
        Rightsize.Recommendation idle = recommend(List.of(
                job("COMPLETED", "0:0", 3600, 7200L, 4, 8 * GIB, GIB, 0.5, 1, 0.01),
                job("COMPLETED", "0:0", 3600, 7200L, 4, 8 * GIB, GIB, 0.5, 1, 0.02),
                job("COMPLETED", "0:0", 7200, 7200L, 4, 8 * GIB, GIB, 0.5, 1, 0.03)));
        assertEquals(0.03, idle.evidence().gpuUtil(), 1e-12);
        assertEquals(0, idle.recommended().gpus());
        assertEquals(4.0, idle.freed().gpuHours(), 1e-9); // 1 + 1 + 2 GPU-hours
        assertEquals("--cpus-per-task=3 --mem=1536M --time=02:30:00 --gpus=0", idle.sbatch()); // 7200 x 1.25

        Rightsize.Recommendation busy = recommend(List.of(
                job("COMPLETED", "0:0", 3600, 7200L, 4, 8 * GIB, GIB, 0.5, 2, 0.01),
                job("COMPLETED", "0:0", 3600, 7200L, 4, 8 * GIB, GIB, 0.5, 2, 0.60)));
        assertEquals(2, busy.recommended().gpus());
        assertEquals(0.0, busy.freed().gpuHours());

        Rightsize.Recommendation unknown = recommend(List.of(
                job("COMPLETED", "0:0", 3600, 7200L, 4, 8 * GIB, GIB, 0.5, 1, null)));
        assertEquals(1, unknown.recommended().gpus());
        assertNull(unknown.evidence().gpuUtil());
    }

    @Test
    void jobsThatDidNotEndOrNeverRanAreLeftOut() {
        History h = new History();
        h.add(job("RUNNING", null, 100, 7200L, 1, GIB, null, 1.0, 0, null));
        h.add(job("CANCELLED", "0:0", 0, 7200L, 1, GIB, null, 1.0, 0, null));
        assertEquals(0, h.size());
        Rightsize.Recommendation r = Rightsize.recommend("g", h, Defaults.STANDARD);
        assertNull(r.recommended().memBytes());
        assertNull(r.recommended().timeS());
        assertEquals("", r.sbatch());
    }

    @Test
    void timeIsRoundedAsPartitionsExpect() {
        assertEquals(60, Rightsize.roundTime(59));
        assertEquals(120, Rightsize.roundTime(61));
        assertEquals(3600, Rightsize.roundTime(3600));
        assertEquals(4500, Rightsize.roundTime(3601));
        assertEquals(86_400, Rightsize.roundTime(86_400));
        assertEquals(90_000, Rightsize.roundTime(86_401));
        assertEquals("1-01:00:00", Rightsize.time(90_000));
    }

    @Test
    void nearestRankPercentiles() {
        assertEquals(2, Rightsize.percentile(new long[] {4, 1, 3, 2}, 4, 50));
        assertEquals(4, Rightsize.percentile(new long[] {4, 1, 3, 2}, 4, 95));
        long[] twenty = new long[20];
        for (int i = 0; i < 20; i++) twenty[i] = 20 - i;
        assertEquals(19, Rightsize.percentile(twenty, 20, 95));
        assertEquals(1, Rightsize.percentile(new long[] {1}, 1, 1));
    }

    @Test
    void signaturesReplaceDigitRuns() {
        assertEquals("train_*", Rightsize.signature("train_042"));
        assertEquals("run*-*.sh", Rightsize.signature("run1-22.sh"));
        assertEquals("(no name)", Rightsize.signature(null));
        assertEquals("alice train_*", Rightsize.key(Rightsize.By.SIGNATURE, done(1, 1, 1, 1, 1)));
    }
}
