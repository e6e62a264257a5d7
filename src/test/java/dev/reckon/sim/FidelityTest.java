package dev.reckon.sim;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FidelityTest {
    private static final long T0 = 1_800_000_000L;

    @Test
    void theValidationWorkloadIsFixedByItsSeedAndVaried() {
        List<Fidelity.Spec> a = Fidelity.workload(7, 40), b = Fidelity.workload(7, 40);
        assertEquals(a, b);
        assertEquals(40, a.size());
        assertTrue(a.stream().anyMatch(s -> s.cpus() == 1) && a.stream().anyMatch(s -> s.cpus() == 2));
        assertTrue(a.stream().map(Fidelity.Spec::limitMin).distinct().count() >= 2);
        for (Fidelity.Spec s : a) {
            assertTrue(s.sleepS() >= 2 && s.sleepS() <= 10 && s.memMb() <= 2600 && s.submitAfterS() <= 20, s.toString());
            assertTrue(s.sleepS() < s.limitMin() * 60, "runtimes stay under the limits");
        }
    }

    /** Real records made by the simulator itself: the replay must agree exactly. */
    private static List<Fidelity.Real> simulated(List<Fidelity.Spec> specs, String policy) {
        Workload.Builder b = new Workload.Builder();
        for (int i = 0; i < specs.size(); i++) {
            Fidelity.Spec s = specs.get(i);
            b.add(String.valueOf(100 + i), T0 + s.submitAfterS(), s.limitMin() * 60L, s.sleepS(), 1, s.cpus(),
                    s.memMb() << 20, 0, "u", null, null);
        }
        Workload w = b.build();
        SimResult r = Simulator.run(Fidelity.devCluster(), w, policy, SimDefaults.load());
        List<Fidelity.Real> out = new ArrayList<>();
        for (int j = 0; j < w.size(); j++) {
            Fidelity.Spec s = specs.get(Integer.parseInt(w.id(j)) - 100);
            out.add(new Fidelity.Real(w.id(j), s.name(), w.submit(j), r.start(j), r.end(j), s.limitMin() * 60L,
                    s.cpus(), s.memMb() << 20));
        }
        return out;
    }

    @Test
    void aScheduleTheSimulatorMadeReplaysWithoutDifference() {
        List<Fidelity.Real> real = simulated(Fidelity.workload(7, 40), "conservative");
        Fidelity.Report r = Fidelity.compare(real, Fidelity.devCluster(), "conservative", SimDefaults.load(), 0);
        assertEquals(0, r.maxAbsStartDiff());
        assertEquals(r.realMeanWait(), r.simMeanWait(), 1e-9);
        assertTrue(r.waited() > 10, "the workload makes jobs wait: " + r.waited());
        assertEquals(r.orderPairs(), r.orderAgreeing());
        assertTrue(r.orderViolations().isEmpty());
    }

    @Test
    void startsOutOfTheSimulatorsOrderAreNamed() {
        // two 2-CPU jobs fill both nodes for 100 s; a, b and c (2 CPUs each) wait; the simulator starts a and b at 100 s
        // and c when a ends (140 s), but for real c (150 s) started before a (160 s)
        long mem = 100L << 20;
        List<Fidelity.Real> real = List.of(
                new Fidelity.Real("1", "fill-1", T0, T0, T0 + 100, 600, 2, mem),
                new Fidelity.Real("2", "fill-2", T0, T0, T0 + 100, 600, 2, mem),
                new Fidelity.Real("3", "a", T0 + 1, T0 + 160, T0 + 200, 600, 2, mem),
                new Fidelity.Real("4", "b", T0 + 2, T0 + 100, T0 + 150, 600, 2, mem),
                new Fidelity.Real("5", "c", T0 + 3, T0 + 150, T0 + 155, 600, 2, mem));
        Fidelity.Report r = Fidelity.compare(real, Fidelity.devCluster(), "fcfs", SimDefaults.load(), 3);
        assertEquals(3, r.waited());
        assertTrue(r.orderViolations().stream().anyMatch(v -> v.startsWith("c (5) before a (3)")), r.orderViolations().toString());
        assertEquals(r.orderPairs() - r.orderViolations().size(), r.orderAgreeing());
    }

    @Test
    void theTurnaroundIsTheShareOfOneSecondGapsBetweenAnEndAndTheNextStart() {
        // a chain on one node: each job starts 0 or 1 recorded seconds after the one before it ended, 4 times in 10 at 1
        int[] gaps = {1, 0, 0, 1, 0, 0, 1, 0, 0, 1};
        List<Fidelity.Real> real = new ArrayList<>();
        long start = T0, end = T0 + 10;
        real.add(new Fidelity.Real("1", "a", T0, start, end, 600, 1, 0));
        for (int k = 0; k < gaps.length; k++) {
            start = end + gaps[k];
            end = start + 10;
            real.add(new Fidelity.Real(String.valueOf(k + 2), "j" + k, T0, start, end, 600, 1, 0));
        }
        assertEquals(400L, Fidelity.turnaroundMs(real, List.of()));
        assertEquals(null, Fidelity.turnaroundMs(real.subList(0, 3), List.of()), "too few jobs waited to tell");
    }
}
