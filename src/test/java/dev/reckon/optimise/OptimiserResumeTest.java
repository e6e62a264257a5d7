package dev.reckon.optimise;

import dev.reckon.sim.SimDefaults;
import dev.reckon.sim.SimulatedCluster;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A campaign killed at any point of its state's writing resumes without running a finished trial again. */
class OptimiserResumeTest {
    /** The stored state; a run dies (as under kill -9) when it reaches its {@code dieAt}-th write. */
    static final class Store implements Optimiser.Log {
        final Map<Integer, Trial> items = new TreeMap<>();
        int writes;
        int dieAt = Integer.MAX_VALUE;

        @Override
        public void save(Trial t) {
            if (++writes >= dieAt) throw new Killed();
            items.put(t.number(), t);
        }

        /** What a new process reads: a simulated cluster starts afresh, so trials it was running were never run. */
        @Override
        public List<Trial> trials() {
            List<Trial> out = new ArrayList<>();
            for (Trial t : items.values())
                out.add(t.status() == Trial.Status.SUBMITTED ? t.with(Trial.Status.PLANNED, List.of(), null) : t);
            return out;
        }
    }

    static final class Killed extends RuntimeException {}

    Optimiser.Run run(Store store) {
        SimDefaults d = SimDefaults.load();
        SimulatedCluster c = new SimulatedCluster(OptimiserTest.machine(), OptimiserTest.model(), null, OptimiserTest.T0,
                "easy", d);
        return new Optimiser(OptimiserTest.campaign(), c, Optimiser.simulated(c, d), store, Optimiser.Budget.UNLIMITED,
                Optimiser.Settings.DEFAULT).run();
    }

    @Test
    void killedAtEveryWriteItResumesWithoutRunningAFinishedTrialAgain() {
        Store whole = new Store();
        Optimiser.Run reference = run(whole);
        int writes = whole.writes;
        assertTrue(writes > 10, "a campaign of some length: " + writes);
        for (int k = 1; k <= writes; k += Math.max(1, writes / 25)) {
            Store s = new Store();
            s.dieAt = k;
            try {
                run(s);
            } catch (Killed expected) {
                // the process is gone; what it stored stays
            }
            Map<Integer, Trial> before = new TreeMap<>(s.items);
            s.dieAt = Integer.MAX_VALUE;
            Optimiser.Run resumed = run(s);
            Set<Integer> numbers = new HashSet<>();
            for (Trial t : resumed.trials()) assertTrue(numbers.add(t.number()), "trial " + t.number() + " twice");
            for (Trial t : before.values()) {
                if (t.status() != Trial.Status.DONE) continue;
                Trial after = s.items.get(t.number());
                assertEquals(t, after, "a finished trial is kept as it was (killed at write " + k + ")");
            }
            assertTrue(resumed.trials().stream().allMatch(t -> t.status() == Trial.Status.DONE
                    || t.status() == Trial.Status.REFUSED), "every trial ends (killed at write " + k + ")");
            assertNotNull(resumed.stopped());
        }
        assertNotNull(reference.chosen().get("prep"));
    }
}
