package dev.reckon.sim;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Invariants every schedule keeps, over random workloads on random two-group machines. */
class SchedulePropertiesTest {
    static final SimDefaults D = SimDefaults.load();

    record Spec(long submit, long limit, long runtime, int nodes, long cores, long mem, long gpus, int user) {
    }

    @Provide
    Arbitrary<List<Spec>> workloads() {
        Arbitrary<Spec> job = Combinators.combine(
                Arbitraries.longs().between(0, 500),
                Arbitraries.longs().between(0, 200),
                Arbitraries.longs().between(0, 300),
                Arbitraries.integers().between(0, 3),
                Arbitraries.longs().between(1, 12),
                Arbitraries.longs().between(0, 40),
                Arbitraries.longs().between(0, 2),
                Arbitraries.integers().between(0, 3)).as(Spec::new);
        return job.list().ofMinSize(1).ofMaxSize(60);
    }

    static Machine machine() {
        return new Machine(List.of(new Machine.Group("a", 3, 4, 16L << 30, 0, Set.of()),
                new Machine.Group("b", 2, 6, 32L << 30, 1, Set.of())));
    }

    static Workload build(List<Spec> specs, boolean exact) {
        Workload.Builder b = new Workload.Builder();
        int i = 0;
        for (Spec s : specs) {
            long runtime = exact ? s.limit() : s.runtime();
            b.add("j" + i++, s.submit(), s.limit(), runtime, s.nodes(), s.cores(), s.mem() << 30, s.gpus(),
                    "u" + s.user(), null, null);
        }
        return b.build();
    }

    @Property(tries = 150)
    void noGroupIsEverOverCommittedAndNoJobStartsBeforeItsSubmit(@ForAll("workloads") List<Spec> specs,
                                                                 @ForAll @IntRange(min = 0, max = 3) int p) {
        String policy = Policies.names().get(p);
        Machine m = machine();
        SimResult r = Simulator.run(m, build(specs, false), policy, D);
        Workload w = r.workload();
        for (int j = 0; j < w.size(); j++) {
            if (!r.ran(j)) continue;
            assertTrue(r.start(j) >= w.submit(j), policy + ": job starts before its submit");
            assertEquals(r.start(j) + Math.min(w.runtime(j), w.limit(j)), r.end(j), policy);
            // at this job's start, everything running in its group fits the group
            if (r.end(j) == r.start(j)) continue;
            long c = 0, mem = 0, g = 0;
            int grp = r.group(j);
            for (int k = 0; k < w.size(); k++) {
                if (!r.ran(k) || r.group(k) != grp) continue;
                // a zero-length job holds nothing over time: it starts and ends within one instant
                boolean running = r.start(k) <= r.start(j) && r.end(k) > r.start(j);
                if (!running) continue;
                c += w.cores(k);
                mem += w.memBytes(k);
                g += w.gpus(k);
            }
            Machine.Group gr = m.groups().get(grp);
            assertTrue(c <= gr.totalCores(), policy + ": cores over-committed at job " + j + " group " + grp + " c=" + c
                    + " " + specs);
            assertTrue(mem <= gr.totalMem(), policy + ": memory over-committed");
            assertTrue(g <= gr.totalGpus(), policy + ": GPUs over-committed");
        }
    }

    @Property(tries = 150)
    void underFcfsJobsStartInSubmitOrder(@ForAll("workloads") List<Spec> specs) {
        SimResult r = Simulator.run(machine(), build(specs, false), "fcfs", D);
        long last = Long.MIN_VALUE;
        for (int j = 0; j < r.workload().size(); j++) {
            if (!r.ran(j)) continue;
            assertTrue(r.start(j) >= last, "a later job started before an earlier one");
            last = r.start(j);
        }
    }

    @Property(tries = 150)
    void withExactLimitsEasyStartsEveryHeadByItsReservation(@ForAll("workloads") List<Spec> specs) {
        Machine m = machine();
        Workload w = build(specs, true);
        Pool pool = new Pool(m, w);
        EasyBackfill easy = new EasyBackfill(pool, D.backfillDepth(), null);
        SimResult r = runWith(pool, easy);
        for (int j = 0; j < w.size(); j++) {
            long reserved = easy.firstReservation(j);
            if (reserved != Long.MIN_VALUE) assertTrue(r.start(j) <= reserved, "head started after its reservation");
        }
    }

    @Property(tries = 150)
    void withExactLimitsConservativeStartsEveryJobByItsFirstReservation(@ForAll("workloads") List<Spec> specs) {
        Machine m = machine();
        Workload w = build(specs, true);
        Pool pool = new Pool(m, w);
        long[] first = new long[w.size()];
        Arrays.fill(first, Long.MIN_VALUE);
        ConservativeBackfill cons = new ConservativeBackfill(pool, 1000);
        List<Integer> order = new ArrayList<>();
        Policy recording = new Policy() {
            @Override
            public void submitted(int job, long now) {
                cons.submitted(job, now);
                order.add(job);
            }

            @Override
            public void ended(int job, long now) {
                cons.ended(job, now);
            }

            @Override
            public long schedule(long now) {
                long t = cons.schedule(now);
                for (int j : order) {
                    if (first[j] == Long.MIN_VALUE && cons.reservation(j) != Long.MIN_VALUE) first[j] = cons.reservation(j);
                    if (first[j] == Long.MIN_VALUE && pool.start[j] != Long.MIN_VALUE) first[j] = pool.start[j];
                }
                return t;
            }
        };
        SimResult r = runWith(pool, recording);
        for (int j = 0; j < w.size(); j++) {
            if (r.ran(j)) assertTrue(r.start(j) <= first[j], "a job started after its first reservation");
        }
    }

    static SimResult runWith(Pool pool, Policy p) {
        return Simulator.run(pool, p, "test", D);
    }
}
