package dev.reckon.place;

import dev.reckon.sim.Machine;
import dev.reckon.sim.Predict;
import dev.reckon.sim.SimDefaults;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A Slurm cluster's offer: its partition's limits, then the start sim.Predict works out from its queue. */
class SlurmOffersTest {
    static final Instant NOW = Instant.parse("2026-11-30T09:00:00Z");
    static final String PARTITIONS = String.join("\n",
            "PartitionName=debug AllowGroups=ALL Default=YES MaxNodes=UNLIMITED MaxTime=UNLIMITED State=UP TotalCPUs=4",
            "PartitionName=short AllowGroups=ALL Default=NO MaxNodes=1 MaxTime=01:00:00 State=UP TotalCPUs=4",
            "PartitionName=old AllowGroups=ALL Default=NO MaxNodes=UNLIMITED MaxTime=2-00:00:00 State=DOWN TotalCPUs=4", "");
    static final Machine MACHINE = Machine.of(2, 2, 4000L << 20, 0);

    static Provider.Slurm cluster(String partition) {
        return new Provider.Slurm("c", 1, "c", partition, 0.05, 0);
    }

    static Offer offer(Provider.Slurm p, List<Predict.LiveJob> queue, Request r) {
        SlurmOffers.State s = new SlurmOffers.State(MACHINE, queue, SlurmOffers.partitions(PARTITIONS));
        return SlurmOffers.offer(p, s, r, NOW, "conservative", SimDefaults.load());
    }

    @Test
    void aClusterWhoseJobsEndEarlyInTheLedgersHistoryOffersAnEarlierStartAsPredictDoes() {
        List<Predict.LiveJob> full = List.of(
                new Predict.LiveJob("1", true, "debug", "u", 0, NOW, 3600L, 0, 1, 2, 0, 0),
                new Predict.LiveJob("2", true, "debug", "u", 0, NOW, 7200L, 0, 1, 2, 0, 0));
        dev.reckon.sim.RuntimeEstimate.Builder b = dev.reckon.sim.RuntimeEstimate.forQueue(full);
        // u's jobs have run a quarter of their limits
        for (int i = 0; i < 5; i++) b.add(new dev.reckon.sim.RuntimeEstimate.Finished("u", "job" + i, "debug", 3600, 900));
        SlurmOffers.State byHistory = new SlurmOffers.State(MACHINE, full, SlurmOffers.partitions(PARTITIONS), b.build());
        Request r = new Request(1, 2, 0, 0, 1800, null, null);
        Offer limits = offer(cluster(null), full, r);
        Offer history = SlurmOffers.offer(cluster(null), byHistory, r, NOW, "conservative", SimDefaults.load());
        assertEquals(NOW.plusSeconds(3600), limits.start(), limits.reason());
        assertTrue(history.start().isBefore(limits.start()), history.start() + " vs " + limits.start());
    }

    @Test
    void withEachJobsPlacementTheOfferIsSlurmsSchedulerJobByJob() {
        // one CPU busy on each node for another hour: two free CPUs, but not on one node
        List<Predict.LiveJob> split = List.of(
                new Predict.LiveJob("1", true, "debug", "u", 0, NOW, 3600L, 0, 1, 1, 256L << 20, 0),
                new Predict.LiveJob("2", true, "debug", "u", 0, NOW, 7200L, 0, 1, 1, 256L << 20, 0));
        dev.reckon.sim.SlurmModel model = new dev.reckon.sim.SlurmModel(List.of(
                new dev.reckon.sim.SlurmModel.Node("n1", 2, 4000, java.util.Set.of("debug")),
                new dev.reckon.sim.SlurmModel.Node("n2", 2, 4000, java.util.Set.of("debug"))),
                new dev.reckon.sim.SlurmModel.Settings(30, 60, 500, 1440 * 60, 256, 500));
        java.util.Map<String, Predict.Asked> where = java.util.Map.of(
                "1", new Predict.Asked("1", 1, 1, 0, 0, 0, 256, false, java.util.Map.of("n1", new long[]{1, 256})),
                "2", new Predict.Asked("2", 1, 1, 0, 0, 0, 256, false, java.util.Map.of("n2", new long[]{1, 256})));
        Request r = new Request(1, 2, 0, 0, 1800, null, null);
        Offer pooled = offer(cluster(null), split, r);
        assertEquals(Readiness.READY, pooled.readiness(), pooled.reason());
        SlurmOffers.State s = new SlurmOffers.State(MACHINE, split, SlurmOffers.partitions(PARTITIONS),
                dev.reckon.sim.RuntimeEstimate.LIMITS, model, where);
        Offer bySlurm = SlurmOffers.offer(cluster(null), s, r, NOW, "conservative", SimDefaults.load());
        assertEquals(Readiness.BUSY, bySlurm.readiness(), bySlurm.reason());
        assertEquals(NOW.plusSeconds(3600), bySlurm.start(), "n1 frees its CPU when job 1's hour ends");
        assertTrue(bySlurm.reason().contains("job by job"), bySlurm.reason());
    }

    @Test
    void partitionsReadWithTheirLimits() {
        List<SlurmOffers.Partition> ps = SlurmOffers.partitions(PARTITIONS);
        assertEquals(3, ps.size());
        assertTrue(ps.get(0).isDefault());
        assertNull(ps.get(0).maxTimeS());
        assertEquals(3600L, ps.get(1).maxTimeS());
        assertEquals(1, ps.get(1).maxNodes());
        assertEquals(false, ps.get(2).up());
    }

    @Test
    void anIdleClusterStartsTheJobNowAndAFullOneWhenItsRunningJobsReachTheirLimits() {
        Offer idle = offer(cluster(null), List.of(), new Request(1, 2, 0, 0, 1800, null, null));
        assertEquals(Readiness.READY, idle.readiness(), idle.reason());
        assertEquals(NOW, idle.start());
        assertEquals(NOW.plusSeconds(1800), idle.end());
        assertEquals(2 * 0.5 * 0.05, idle.cost(), 1e-9, "CPUs x hours x the file's price");

        // both nodes held: one job until 10:00 (1 h limit, just started), the other until 11:00
        List<Predict.LiveJob> full = List.of(
                new Predict.LiveJob("1", true, "debug", "u", 0, NOW, 3600L, 0, 1, 2, 0, 0),
                new Predict.LiveJob("2", true, "debug", "u", 0, NOW, 7200L, 0, 1, 2, 0, 0));
        Offer busy = offer(cluster(null), full, new Request(1, 2, 0, 0, 1800, null, null));
        assertEquals(Readiness.BUSY, busy.readiness(), busy.reason());
        assertEquals(NOW.plusSeconds(3600), busy.start(), busy.reason());
        assertTrue(busy.reason().startsWith("waits 60 min (2 running, 0 pending"), busy.reason());
        assertEquals(2 * 3600 + 2 * 7200, busy.queueDepth(), 1e-9);
    }

    @Test
    void aPartitionsLimitsRestrictAndAShapeNoNodeHoldsIsIncompatible() {
        Offer longJob = offer(cluster("short"), List.of(), new Request(1, 1, 0, 0, 7200, null, null));
        assertEquals(Readiness.RESTRICTED, longJob.readiness());
        assertTrue(longJob.reason().contains("MaxTime"), longJob.reason());
        Offer twoNodes = offer(cluster("short"), List.of(), new Request(2, 2, 0, 0, 600, null, null));
        assertEquals(Readiness.RESTRICTED, twoNodes.readiness());
        assertTrue(twoNodes.reason().contains("MaxNodes 1"), twoNodes.reason());
        Offer down = offer(cluster("old"), List.of(), new Request(1, 1, 0, 0, 600, null, null));
        assertEquals(Readiness.RESTRICTED, down.readiness());
        assertTrue(down.reason().contains("is DOWN"), down.reason());
        Offer missing = offer(cluster("nope"), List.of(), new Request(1, 1, 0, 0, 600, null, null));
        assertEquals(Readiness.INCOMPATIBLE, missing.readiness());
        Offer gpus = offer(cluster(null), List.of(), new Request(1, 1, 0, 1, 600, null, null));
        assertEquals(Readiness.INCOMPATIBLE, gpus.readiness(), gpus.reason());
        Offer big = offer(cluster(null), List.of(), new Request(1, 8, 0, 0, 600, null, null));
        assertEquals(Readiness.INCOMPATIBLE, big.readiness(), big.reason());
    }
}
