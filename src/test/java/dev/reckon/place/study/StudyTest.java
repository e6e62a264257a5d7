package dev.reckon.place.study;

import dev.reckon.place.Selectors;
import dev.reckon.sim.SimDefaults;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StudyTest {
    private static final SimDefaults D = SimDefaults.load();

    static Study.Spec small(int jobs, String... fleets) {
        List<Fleet> fs = java.util.Arrays.stream(fleets).map(f -> Fleet.parse(f, 7)).toList();
        return new Study.Spec(List.of(new Study.Named("synthetic:" + jobs, SyntheticJobs.placed(jobs, 7, 3000))), fs,
                Selectors.all(), 3, 7);
    }

    @Test
    void theSameSeedGivesTheSameRowsWhateverTheThreadCount() {
        Study.Spec spec = small(600, "archetypes", "random:12");
        List<StudyRow> one = Study.run(spec, D, 1, i -> true);
        List<StudyRow> three = Study.run(spec, D, 3, i -> true);
        assertEquals(one, three);
        assertEquals(Study.run(small(600, "archetypes", "random:12"), D, 2, i -> true), one);
        assertEquals(10, one.size());
    }

    @Test
    void shardsTogetherAreTheWholeStudy() {
        Study.Spec spec = small(300, "archetypes");
        List<StudyRow> all = Study.run(spec, D, 1, i -> true);
        List<StudyRow> a = Study.run(spec, D, 1, i -> i % 2 == 0);
        List<StudyRow> b = Study.run(spec, D, 1, i -> i % 2 == 1);
        java.util.List<StudyRow> merged = new java.util.ArrayList<>(a);
        merged.addAll(b);
        merged.sort(java.util.Comparator.comparingInt(StudyRow::cell));
        assertEquals(all, merged);
    }

    @Test
    void everyJobIsPlacedOrCountedNowhereAndTheFiguresAreInRange() {
        List<StudyRow> rows = Study.run(small(800, "archetypes"), D, 1, i -> true);
        for (StudyRow r : rows) {
            assertEquals(r.jobs(), r.placed() + r.nowhere(), r.selector());
            assertTrue(r.nowhere() > 0, "16,384-core jobs fit no archetype");
            assertTrue(r.meanTurnaroundS() >= r.meanWaitS(), r.selector());
            assertTrue(r.p95TurnaroundS() > 0, r.selector());
            assertTrue(r.fairness() > 0 && r.fairness() <= 1 + 1e-12, r.selector());
            assertTrue(r.utilisationCv() >= 0, r.selector());
        }
        StudyRow cheapest = rows.stream().filter(r -> r.selector().equals("cheapest")).findFirst().orElseThrow();
        StudyRow soonest = rows.stream().filter(r -> r.selector().equals("soonest")).findFirst().orElseThrow();
        assertTrue(cheapest.totalCost() <= soonest.totalCost(), "cheapest never spends more than soonest");
        assertTrue(soonest.meanWaitS() <= cheapest.meanWaitS(), "soonest waits no longer than cheapest");
    }

    @Test
    void aFleetOfAHundredProvidersIsDrawnFromTheArchetypes() {
        Fleet f = Fleet.parse("random:120", 3);
        assertEquals(120, f.providers().size());
        assertEquals(f, Fleet.parse("random:120", 3));
        assertTrue(f.providers().stream().map(Provider::archetype).distinct().count() == 3);
        assertEquals(5, Fleet.parse("centre+lab*3+cloud", 1).providers().size());
        assertThrows(IllegalArgumentException.class, () -> Fleet.parse("mainframe", 1));
        assertThrows(IllegalArgumentException.class, () -> Fleet.parse("random:0", 1));
    }
}
