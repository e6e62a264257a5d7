package dev.reckon.sim;

import dev.reckon.model.Job;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RuntimeEstimateTest {
    static final Instant NOW = Instant.parse("2026-11-21T12:00:00Z");

    static RuntimeEstimate.Finished done(String user, String name, String partition, long limit, long elapsed) {
        return new RuntimeEstimate.Finished(user, name, partition, limit, elapsed);
    }

    static Predict.LiveJob pending(String user, String name, String partition, long limit) {
        return new Predict.LiveJob("p", false, partition, user, 1, NOW, limit, 0, 1, 1, 0, 0, 1, name);
    }

    static Predict.LiveJob running(String user, String name, String partition, long limit, long elapsed) {
        return new Predict.LiveJob("r", true, partition, user, 1, NOW.minusSeconds(elapsed), limit, elapsed, 1, 1, 0, 0,
                0, name);
    }

    @Test
    void aPendingJobRunsTheMedianShareOfItsLimitThatItsNamesakesUsed() {
        RuntimeEstimate e = RuntimeEstimate.forAny()
                .add(done("ann", "train", "gpu", 3600, 1800))
                .add(done("ann", "train", "gpu", 3600, 2400))
                .add(done("ann", "train", "gpu", 3600, 900))
                .build();
        // shares 0.25, 0.5, 0.67: median 0.5 of a 2 h limit
        RuntimeEstimate.Estimate x = e.estimate(pending("ann", "train", "gpu", 7200));
        assertEquals(3600, x.remainingS());
        assertEquals(RuntimeEstimate.Basis.NAME, x.basis());
        assertEquals(3, x.samples());
    }

    @Test
    void withTooFewNamesakesTheUsersJobsInThePartitionThenTheUsersThenEveryonesAnswer() {
        RuntimeEstimate.Builder b = RuntimeEstimate.forAny();
        for (int i = 0; i < 5; i++) b.add(done("ann", "job" + i, "debug", 100, 20));
        for (int i = 0; i < 5; i++) b.add(done("ann", "other" + i, "gpu", 100, 80));
        for (int i = 0; i < 20; i++) b.add(done("bob", "x" + i, "debug", 100, 50));
        RuntimeEstimate e = b.build();
        assertEquals(RuntimeEstimate.Basis.PARTITION, e.estimate(pending("ann", "new", "debug", 100)).basis());
        assertEquals(20, e.estimate(pending("ann", "new", "debug", 100)).remainingS());
        assertEquals(80, e.estimate(pending("ann", "new", "gpu", 100)).remainingS());
        RuntimeEstimate.Estimate byUser = e.estimate(pending("ann", "new", "long", 100));
        assertEquals(RuntimeEstimate.Basis.USER, byUser.basis(), "ann has 10 jobs, none in partition long");
        assertEquals(50, byUser.remainingS(), "median of five 20% and five 80%");
        RuntimeEstimate.Estimate all = e.estimate(pending("cat", "new", "debug", 100));
        assertEquals(RuntimeEstimate.Basis.ALL, all.basis());
        assertEquals(50, all.remainingS());
    }

    @Test
    void withNoHistoryAJobRunsToItsLimit() {
        RuntimeEstimate e = RuntimeEstimate.forAny().add(done("ann", "a", "debug", 100, 10)).build();
        RuntimeEstimate.Estimate x = e.estimate(pending("bob", "a", "debug", 600));
        assertEquals(RuntimeEstimate.Basis.LIMIT, x.basis());
        assertEquals(600, x.remainingS());
        assertEquals(1.0, x.share());
        assertEquals(540, RuntimeEstimate.LIMITS.estimate(running("ann", "a", "debug", 600, 60)).remainingS());
    }

    @Test
    void aRunningJobRunsTheMedianOfTheLongerRuntimesThanItHasRunAlready() {
        RuntimeEstimate.Builder b = RuntimeEstimate.forAny();
        for (long el : new long[]{10, 20, 30, 40, 50}) b.add(done("ann", "sim", null, 100, el));
        RuntimeEstimate e = b.build();
        // pending: median 30 s; running for 25 s: the runtimes above 25 are 30, 40, 50 -> ends at 40, 15 s from now
        assertEquals(30, e.estimate(pending("ann", "sim", null, 100)).remainingS());
        assertEquals(15, e.estimate(running("ann", "sim", null, 100, 25)).remainingS());
        assertEquals(30, e.estimate(running("ann", "sim", null, 100, 0)).remainingS(), "just started: the median of all");
    }

    @Test
    void aRunningJobThatOutranItsGroupEndsSoonAndNeverPastItsLimit() {
        RuntimeEstimate.Builder b = RuntimeEstimate.forAny();
        for (int i = 0; i < 3; i++) b.add(done("ann", "sim", null, 1000, 100));
        RuntimeEstimate e = b.build();
        assertEquals(50, e.estimate(running("ann", "sim", null, 1000, 300)).remainingS(), "5% of its limit");
        assertEquals(20, e.estimate(running("ann", "sim", null, 1000, 980)).remainingS(), "what its limit leaves");
        assertEquals(0, e.estimate(running("ann", "sim", null, 1000, 1200)).remainingS());
    }

    @Test
    void eachGroupKeepsItsMostRecentJobs() {
        RuntimeEstimate.Builder b = RuntimeEstimate.forAny();
        for (int i = 0; i < 100; i++) b.add(done("ann", "sim", null, 100, 90));
        for (int i = 0; i < RuntimeEstimate.KEEP; i++) b.add(done("ann", "sim", null, 100, 10));
        assertEquals(10, b.build().estimate(pending("ann", "sim", null, 100)).remainingS(),
                "the workload changed: the last " + RuntimeEstimate.KEEP + " jobs decide");
    }

    @Test
    void cancelledAndUnlimitedJobsAreNotHistory() {
        assertNull(RuntimeEstimate.Finished.of(job("CANCELLED by 0", 100L, 10L)));
        assertNull(RuntimeEstimate.Finished.of(job("COMPLETED", null, 10L)));
        assertNull(RuntimeEstimate.Finished.of(job("RUNNING", 100L, 10L)));
        RuntimeEstimate.Finished f = RuntimeEstimate.Finished.of(job("TIMEOUT", 100L, 101L));
        assertEquals(1.0, f.share(), "a job that overran its limit used all of it");
        assertEquals("train", f.name());
    }

    @Test
    void aBuilderForAQueueKeepsOnlyTheGroupsItsJobsCanUse() {
        List<Predict.LiveJob> live = List.of(pending("ann", "train", "gpu", 100));
        RuntimeEstimate.Builder b = RuntimeEstimate.forQueue(live);
        for (int i = 0; i < 3; i++) b.add(done("ann", "train", "gpu", 100, 40));
        for (int i = 0; i < 30; i++) b.add(done("bob", "train", "gpu", 100, 90));
        RuntimeEstimate e = b.build();
        assertEquals(40, e.estimate(live.get(0)).remainingS());
        assertEquals(33, e.jobs());
        assertEquals(RuntimeEstimate.Basis.ALL, e.estimate(pending("bob", "train", "gpu", 100)).basis(),
                "bob's own groups were not kept, only everyone's");
    }

    @Test
    void aBuilderForAQueueTakesJobsWithoutNameOrPartition() {
        Predict.LiveJob anon = pending("ann", null, null, 100);
        RuntimeEstimate.Builder b = RuntimeEstimate.forQueue(List.of(anon));
        for (int i = 0; i < 5; i++) b.add(done("ann", null, null, 100, 30));
        RuntimeEstimate.Estimate x = b.build().estimate(anon);
        assertEquals(RuntimeEstimate.Basis.USER, x.basis());
        assertEquals(30, x.remainingS());
    }

    @Test
    void theSummarySaysHowManyLiveJobsEachHistoryServedAndTheMedianShare() {
        RuntimeEstimate.Builder b = RuntimeEstimate.forAny();
        for (int i = 0; i < 3; i++) b.add(done("ann", "train", "gpu", 100, 60));
        RuntimeEstimate e = b.build();
        RuntimeEstimate.Summary s = e.summary(List.of(pending("ann", "train", "gpu", 100),
                running("ann", "train", "gpu", 100, 10), pending("bob", "x", "gpu", 100)));
        assertEquals(2, s.estimated());
        assertEquals(1, s.atLimit());
        assertEquals(0.6, s.medianShare(), 1e-9);
        assertEquals("runtimes of 2 of the 3 live jobs estimated from 3 finished jobs of the ledger (by user and job "
                + "name 2): median 60% of the limit; 1 taken to run to its limit (too little history)", s.describe());
        assertTrue(RuntimeEstimate.LIMITS.summary(List.of(pending("ann", "a", null, 10))).describe()
                .contains("run reckon ingest slurm"));
    }

    @Test
    void predictEndsJobsAtTheirEstimatesWhileThePolicyPlansWithLimits() {
        // one node of 4 cores: a running job of 4 cores, limit 1 h, that such jobs end after 10 min; a pending one
        Machine node = Machine.of(1, 4, 16L << 30, 0);
        List<Predict.LiveJob> q = List.of(
                new Predict.LiveJob("1", true, null, "ann", 1, NOW, 3600L, 0, 1, 4, 0, 0, 0, "sim"),
                new Predict.LiveJob("2", false, null, "ann", 1, NOW, 3600L, 0, 1, 4, 0, 0, 1, "sim"));
        RuntimeEstimate.Builder b = RuntimeEstimate.forAny();
        for (int i = 0; i < 3; i++) b.add(done("ann", "sim", null, 3600, 600));
        Predict.Shape asked = new Predict.Shape("as asked", 1, 4, 0, 0, 600, null, 1);
        SimDefaults d = SimDefaults.load();
        assertEquals(7200, Predict.predict(node, q, List.of(asked), NOW, "conservative", d).get(0).waitS(),
                "to their limits: 1 h, then 1 h");
        assertEquals(1200, Predict.predict(node, q, List.of(asked), NOW, "conservative", d, b.build()).get(0).waitS(),
                "as such jobs end: 10 min, then 10 min");
    }

    static Job job(String state, Long limit, Long elapsed) {
        return new Job("c", "7", "7", "train", "ann", null, "gpu", null, null, null, state, null, NOW, NOW,
                NOW.plusSeconds(elapsed == null ? 0 : elapsed), elapsed, limit, 1, null, 1, 1, null, null, null, null,
                null, List.of(), null, null);
    }
}
