package dev.reckon.place;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A cloud pool offers the cheapest shape that holds the job, after its start-up delay, within its cap. */
class CloudOffersTest {
    static final Instant NOW = Instant.parse("2026-11-30T09:00:00Z");
    static final long GI = 1L << 30;
    static final List<Provider.Shape> SHAPES = List.of(
            new Provider.Shape("small", 16, 32 * GI, 0, 0.68),
            new Provider.Shape("large", 32, 64 * GI, 0, 1.36),
            new Provider.Shape("gpu", 8, 32 * GI, 1, 1.21));

    static Provider.Cloud pool(int max, int inUse) {
        return new Provider.Cloud("burst", 1, 240, max, inUse, SHAPES);
    }

    @Test
    void theCheapestShapeHoldingTheJobStartsAfterTheStartupDelayAndCostsInstancesTimesPriceTimesHours() {
        // 48 CPUs for 2 h: 3 x small (2.04/h) or 2 x large (2.72/h): small is cheaper
        Offer o = CloudOffers.offer(pool(8, 0), new Request(1, 48, 0, 0, 7200, null, null), NOW);
        assertEquals(Readiness.READY, o.readiness());
        assertEquals(NOW.plusSeconds(240), o.start());
        assertEquals(NOW.plusSeconds(240 + 7200), o.end());
        assertEquals(3 * 0.68 * 2, o.cost(), 1e-9);
        assertTrue(o.reason().startsWith("3 x small"), o.reason());
    }

    @Test
    void memoryAndNodesCountTooAndGpusNeedAGpuShape() {
        // 100G in all needs 4 x small (32G each) or 2 x large (64G): 2.72/h vs 2.72/h, the fewer instances win
        Offer mem = CloudOffers.offer(pool(8, 0), new Request(1, 4, 100 * GI, 0, 3600, null, null), NOW);
        assertTrue(mem.reason().startsWith("2 x large"), mem.reason());
        Offer nodes = CloudOffers.offer(pool(8, 0), new Request(3, 3, 0, 0, 3600, null, null), NOW);
        assertTrue(nodes.reason().startsWith("3 x small"), "one instance per node at least: " + nodes.reason());
        Offer gpus = CloudOffers.offer(pool(8, 0), new Request(1, 2, 0, 2, 3600, null, null), NOW);
        assertTrue(gpus.reason().startsWith("2 x gpu"), gpus.reason());
        assertEquals(2 * 1.21, gpus.cost(), 1e-9);
    }

    @Test
    void aJobAboveTheCapOrTheCapsRemainderIsRestrictedAndGpusWithoutAGpuShapeIncompatible() {
        Offer cap = CloudOffers.offer(pool(2, 0), new Request(1, 48, 0, 0, 3600, null, null), NOW);
        assertEquals(Readiness.RESTRICTED, cap.readiness());
        assertTrue(cap.reason().contains("cap is 2 instances"), cap.reason());
        Offer full = CloudOffers.offer(pool(8, 7), new Request(1, 48, 0, 0, 3600, null, null), NOW);
        assertEquals(Readiness.RESTRICTED, full.readiness());
        assertTrue(full.reason().contains("7 of the cap of 8"), full.reason());
        Offer noGpu = CloudOffers.offer(new Provider.Cloud("cpu-only", 1, 60, 8, 0, SHAPES.subList(0, 2)),
                new Request(1, 1, 0, 1, 3600, null, null), NOW);
        assertEquals(Readiness.INCOMPATIBLE, noGpu.readiness());
    }
}
