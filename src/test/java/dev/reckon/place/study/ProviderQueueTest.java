package dev.reckon.place.study;

import dev.reckon.place.Offer;
import dev.reckon.place.Readiness;
import dev.reckon.sim.Workload;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A provider's answers during a study: from its own queue, its limits and its price. */
class ProviderQueueTest {
    private static final Workload NONE = new Workload.Builder().build();

    @Test
    void aProviderAnswersFromItsQueueItsLimitsAndItsShapes() {
        Provider lab = new Provider("lab-1", "slurm", "lab", 2, 8, 1, 3600, 0, 0, 0, 0);
        ProviderQueue q = new ProviderQueue(lab, NONE, 0);
        q.advance(100);
        Offer first = q.offer(16, 0, 1000);
        assertEquals(Readiness.READY, first.readiness());
        assertEquals(100, first.start().getEpochSecond());
        assertEquals(100, q.place(0, 16, 0, 1000, 400));
        Offer queued = q.offer(4, 0, 100);
        assertEquals(Readiness.BUSY, queued.readiness());
        assertEquals(1100, queued.start().getEpochSecond(), "the running job holds its limit");
        assertEquals(0, queued.queueDepth());
        assertEquals(Readiness.RESTRICTED, q.offer(4, 0, 7200).readiness());
        assertEquals(Readiness.INCOMPATIBLE, q.offer(17, 0, 10).readiness());
        assertEquals(Readiness.INCOMPATIBLE, q.offer(8, 2, 10).readiness(), "one GPU per node");
        q.advance(600);
        assertEquals(Readiness.READY, q.offer(4, 0, 100).readiness(), "the job ended early, at 500");
    }

    @Test
    void aCloudPoolChargesItsPriceAndStartsAfterItsStartUp() {
        Provider cloud = new Provider("cloud-1", "cloud", "cloud", 1, 64, 8, 0, 0.04, 2.5, 120, 0);
        ProviderQueue q = new ProviderQueue(cloud, NONE, 0);
        q.advance(0);
        Offer o = q.offer(10, 1, 3600);
        assertEquals(Readiness.READY, o.readiness());
        assertEquals(120, o.start().getEpochSecond());
        assertEquals(120 + 3600, o.end().getEpochSecond());
        assertEquals((10 * 0.04 + 2.5) * (3600 + 120) / 3600.0, o.cost(), 1e-9);
    }
}
