package dev.reckon.place;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SelectorsTest {
    private static final Instant T0 = Instant.parse("2026-11-30T10:00:00Z");
    private static final Request JOB = new Request(1, 4, 0, 0, 3600, "ana", T0.plusSeconds(2 * 3600));

    private static Offer offer(String name, Readiness r, long startIn, double cost, double queue) {
        return new Offer(name, "slurm", r, "test", T0.plusSeconds(startIn), T0.plusSeconds(startIn + 3600), cost, queue);
    }

    private final List<Offer> offers = List.of(
            Offer.refused("big", "slurm", Readiness.INCOMPATIBLE, "no node has 4 CPUs"),
            offer("lab", Readiness.BUSY, 1800, 0, 50_000),
            offer("centre", Readiness.BUSY, 600, 0, 90_000),
            offer("cloud", Readiness.READY, 120, 12.5, 0));

    private String pick(String selector) {
        return Selectors.named(selector).orElseThrow().choose(offers, JOB).map(Offer::provider).orElse("none");
    }

    @Test
    void soonestPicksTheEarliestStart() {
        assertEquals("cloud", pick("soonest"));
    }

    @Test
    void cheapestPicksTheFreeClusterThatStartsSoonest() {
        assertEquals("centre", pick("cheapest"));
    }

    @Test
    void firstReadyPicksTheFirstProviderThatCanStartNow() {
        assertEquals("cloud", pick("first-ready"));
    }

    @Test
    void leastQueuePicksTheShortestQueue() {
        assertEquals("cloud", pick("least-queue"));
    }

    @Test
    void cheapestByDeadlinePicksTheCheapestThatEndsInTime() {
        assertEquals("centre", pick("cheapest-by-deadline"));
        Request tight = new Request(1, 4, 0, 0, 3600, "ana", T0.plusSeconds(3600 + 300));
        assertEquals("cloud", Selectors.named("cheapest-by-deadline").orElseThrow().choose(offers, tight)
                .orElseThrow().provider());
    }

    @Test
    void noSelectorChoosesAProviderThatRefuses() {
        List<Offer> refusals = List.of(Offer.refused("a", "kueue", Readiness.RESTRICTED, "quota"),
                Offer.refused("b", "cloud", Readiness.INCOMPATIBLE, "no GPU shape"));
        for (Selector s : Selectors.all()) {
            assertTrue(s.choose(refusals, JOB).isEmpty(), s.name());
        }
    }
}
