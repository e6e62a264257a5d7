package dev.reckon.place;

import dev.reckon.core.InputError;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Kueue's queues read from saved {@code kubectl get clusterqueues,localqueues,workloads -A -o json} output (Kueue's
 * v1beta1 API), and the offers a quota-based forward simulation gives.
 */
class KueueTest {
    static final Instant NOW = Instant.parse("2026-11-30T09:00:00Z");
    static final long GI = 1L << 30;

    static KueueState saved() throws IOException {
        Path p = Path.of("src/test/resources/place/kueue.json");
        return KueueState.parse(Files.readString(p), p.toString());
    }

    static Provider.Kueue provider(String queue) {
        return new Provider.Kueue("lab", 1, null, null, queue, 3600, "nvidia.com/gpu", 0, 0);
    }

    @Test
    void quantitiesReadAsKubernetesWritesThem() {
        assertEquals(500L, KueueState.quantity("500m"));
        assertEquals(2000L, KueueState.quantity("2"));
        assertEquals(1500L, KueueState.quantity("1.5"));
        assertEquals(16 * GI * 1000, KueueState.quantity("16Gi"));
        assertEquals(10_000_000_000L, KueueState.quantity("10M"));
        assertEquals(1_000_000L, KueueState.quantity("1e3"));
        assertEquals(1L, KueueState.quantity("1u"), "rounded up to a thousandth");
        assertNull(KueueState.quantity("16GB"));
        assertNull(KueueState.quantity("lots"));
    }

    @Test
    void theSavedOutputGivesQuotasCohortsLocalQueuesAndWorkloads() throws IOException {
        KueueState s = saved();
        assertEquals(2, s.clusterQueues().size());
        KueueState.ClusterQueue a = s.clusterQueue("team-a-cq");
        assertEquals("research", a.cohort());
        assertEquals(32_000L, a.nominal().get("cpu"));
        assertEquals(128 * GI * 1000, a.nominal().get("memory"));
        assertEquals(4_000L, a.nominal().get("nvidia.com/gpu"));
        assertEquals(16_000L, a.borrowingLimit().get("cpu"));
        assertEquals(0L, a.borrowingLimit().get("nvidia.com/gpu"));
        assertEquals(24_000L, a.usage().get("cpu"));
        assertEquals(2, a.pendingWorkloads());
        assertEquals(8_000L, s.clusterQueue("team-b-cq").lendingLimit().get("cpu"));
        assertEquals("team-a-cq", s.localQueue("team-a/user-queue").clusterQueue());

        assertEquals(6, s.workloads().size());
        KueueState.Workload train = s.workloads().stream().filter(w -> w.name().startsWith("job-train")).findFirst().orElseThrow();
        assertTrue(train.admitted());
        assertEquals("team-a-cq", train.admittedTo());
        assertEquals(Instant.parse("2026-11-30T07:00:02Z"), train.admittedAt());
        assertEquals(16_000L, train.requests().get("cpu"), "2 pods x 8 CPUs");
        assertEquals(4_000L, train.requests().get("nvidia.com/gpu"));
        assertEquals(14_400L, train.maxExecS());
        KueueState.Workload sweep = s.workloads().stream().filter(w -> w.name().startsWith("job-sweep")).findFirst().orElseThrow();
        assertTrue(sweep.pending());
        assertEquals(2_000L, sweep.requests().get("cpu"), "4 pods x 500m");
        KueueState.Workload old = s.workloads().stream().filter(w -> w.name().startsWith("job-old")).findFirst().orElseThrow();
        assertTrue(old.finished());
        assertFalse(old.admitted(), "a finished workload holds no quota");
        KueueState.Workload fine = s.workloads().stream().filter(w -> w.name().startsWith("job-finetune")).findFirst().orElseThrow();
        assertEquals(100, fine.priority());
        assertTrue(fine.pending());
    }

    @Test
    void aSmallJobIsAdmittedNowWithinTheQueuesFreeQuota() throws IOException {
        Offer o = KueueOffers.offer(provider("team-a/user-queue"), saved(), new Request(1, 2, 4 * GI, 0, 1800, null, null), NOW);
        assertEquals(Readiness.READY, o.readiness(), o.reason());
        assertEquals(NOW, o.start());
        assertEquals(NOW.plusSeconds(1800), o.end());
        assertEquals(0, o.cost());
    }

    @Test
    void aGpuJobWaitsUntilTheTrainingEndsAndBehindTheHigherPriorityWorkload() throws IOException {
        // all 4 GPUs are held by the training admitted at 07:00:02 for at most 14400 s (until 11:00:02); the
        // fine-tune (priority 100, 1 GPU) is ahead; then 3 GPUs remain, enough for this job's 3
        Offer o = KueueOffers.offer(provider("team-a/user-queue"), saved(), new Request(1, 4, 0, 3, 3600, null, null), NOW);
        assertEquals(Readiness.BUSY, o.readiness(), o.reason());
        assertEquals(Instant.parse("2026-11-30T11:00:02Z"), o.start(), o.reason());
        assertTrue(o.reason().contains("pending ahead"), o.reason());
        // 4 GPUs: the fine-tune takes one at 11:00:02 and holds it for the assumed hour
        Offer four = KueueOffers.offer(provider("team-a/user-queue"), saved(), new Request(1, 4, 0, 4, 3600, null, null), NOW);
        assertEquals(Instant.parse("2026-11-30T12:00:02Z"), four.start(), four.reason());
    }

    @Test
    void cpusBeyondTheQuotaAreBorrowedFromTheCohortUpToTheLimit() throws IOException {
        // team-a-cq: 32 CPUs nominal, 24 in use; team-b-cq lends up to 8 of its 16 (4 in use): 8 + 8 free now
        Offer borrow = KueueOffers.offer(provider("team-a/user-queue"), saved(), new Request(1, 14, 0, 0, 600, null, null), NOW);
        assertEquals(Readiness.READY, borrow.readiness(), borrow.reason());
        // 41 CPUs: more than 32 + 8 the cohort may ever lend
        Offer never = KueueOffers.offer(provider("team-a/user-queue"), saved(), new Request(1, 41, 0, 0, 600, null, null), NOW);
        assertEquals(Readiness.INCOMPATIBLE, never.readiness(), never.reason());
        assertTrue(never.reason().contains("quota is 32"), never.reason());
        // 8 GPUs: the GPU quota is 4 with no borrowing
        Offer gpus = KueueOffers.offer(provider("team-a/user-queue"), saved(), new Request(1, 1, 0, 8, 600, null, null), NOW);
        assertEquals(Readiness.INCOMPATIBLE, gpus.readiness(), gpus.reason());
    }

    @Test
    void aMissingQueueOrAnUncoveredResourceIsIncompatible() throws IOException {
        Offer none = KueueOffers.offer(provider("team-c/user-queue"), saved(), new Request(1, 1, 0, 0, 60, null, null), NOW);
        assertEquals(Readiness.INCOMPATIBLE, none.readiness());
        assertTrue(none.reason().contains("no LocalQueue team-c/user-queue"), none.reason());
        Offer gpu = KueueOffers.offer(provider("team-b/user-queue"), saved(), new Request(1, 1, 0, 1, 60, null, null), NOW);
        assertEquals(Readiness.INCOMPATIBLE, gpu.readiness());
        assertTrue(gpu.reason().contains("covers no nvidia.com/gpu"), gpu.reason());
    }

    @Test
    void aHeldClusterQueueIsRestricted() throws IOException {
        String text = Files.readString(Path.of("src/test/resources/place/kueue.json"))
                .replaceFirst("\"stopPolicy\": \"None\"", "\"stopPolicy\": \"Hold\"");
        Offer o = KueueOffers.offer(provider("team-a/user-queue"), KueueState.parse(text, "held.json"),
                new Request(1, 1, 0, 0, 60, null, null), NOW);
        assertEquals(Readiness.RESTRICTED, o.readiness());
        assertTrue(o.reason().contains("stopPolicy Hold"), o.reason());
    }

    @Test
    void outputThatIsNotKubectlsJsonOrHasABadQuantityIsAnInputErrorNamingTheField() {
        InputError notJson = assertThrows(InputError.class, () -> KueueState.parse("{\"items\": [", "k.json"));
        assertTrue(notJson.getMessage().startsWith("k.json:1: not JSON"), notJson.getMessage());
        InputError bad = assertThrows(InputError.class, () -> KueueState.parse("{\"items\": [{\"kind\": \"ClusterQueue\", "
                + "\"metadata\": {\"name\": \"q\"}, \"spec\": {\"resourceGroups\": [{\"coveredResources\": [\"cpu\"], "
                + "\"flavors\": [{\"name\": \"f\", \"resources\": [{\"name\": \"cpu\", \"nominalQuota\": \"lots\"}]}]}]}}]}",
                "k.json"));
        assertTrue(bad.getMessage().contains("items[0].spec.resourceGroups[0].flavors[0].resources[0].nominalQuota"),
                bad.getMessage());
    }
}
