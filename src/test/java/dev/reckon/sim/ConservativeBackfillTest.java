package dev.reckon.sim;

import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Conservative backfill's fast profile gives exactly the schedule of a naive one: a plain list of claims (running
 * jobs to their limits, reservations for their time limits) scanned in full for every reservation, with the same
 * rules (reservations kept between passes, all recomputed in queue order after a job ends before its limit, at most
 * {@code depth} queued jobs holding one).
 */
class ConservativeBackfillTest {

    @Provide
    Arbitrary<List<SchedulePropertiesTest.Spec>> workloads() {
        return new SchedulePropertiesTest().workloads();
    }

    @Property(tries = 300)
    void schedulesEveryJobAsANaiveListOfReservationsDoes(@ForAll("workloads") List<SchedulePropertiesTest.Spec> specs,
                                                         @ForAll @IntRange(min = 0, max = 4) int d,
                                                         @ForAll boolean exact) {
        int depth = d == 4 ? 100 : d + 1;
        Machine m = SchedulePropertiesTest.machine();
        Workload w = SchedulePropertiesTest.build(specs, exact);
        SimDefaults defaults = SimDefaults.load();
        Pool fast = new Pool(m, w);
        SimResult a = Simulator.run(fast, new ConservativeBackfill(fast, depth), "conservative", defaults);
        Pool slow = new Pool(m, w);
        SimResult b = Simulator.run(slow, new NaiveConservative(slow, depth), "conservative", defaults);
        assertArrayEquals(slow.start, fast.start, "starts");
        assertArrayEquals(slow.group, fast.group, "groups");
        for (int j = 0; j < w.size(); j++) assertTrue(!slow.fits(j) || a.ran(j) == b.ran(j));
    }

    /** The reference: claims in a list, free resources summed from scratch at every point looked at. */
    static final class NaiveConservative implements Policy {
        private final Pool pool;
        private final Workload w;
        private final int depth;
        private final List<Integer> queue = new ArrayList<>();
        /** job: {time, group} */
        private final Map<Integer, long[]> reservations = new HashMap<>();
        /** {group, from, to, cores, mem, gpus} */
        private final List<long[]> claims = new ArrayList<>();
        private boolean rebuild = true;

        NaiveConservative(Pool pool, int depth) {
            this.pool = pool;
            this.w = pool.workload();
            this.depth = depth;
        }

        @Override
        public void submitted(int job, long now) {
            queue.add(job);
        }

        @Override
        public void ended(int job, long now) {
            if (pool.end[job] < pool.start[job] + w.limit[job]) rebuild = true;
        }

        @Override
        public long schedule(long now) {
            if (rebuild) {
                claims.clear();
                reservations.clear();
                for (int g = 0; g < pool.groups; g++) {
                    for (int k = 0; k < pool.runningCount[g]; k++) {
                        long key = pool.running[g][k];
                        int r = (int) (key & Pool.JOB_MASK);
                        long to = (key >>> Pool.JOB_BITS) + pool.t0;
                        claims.add(new long[] {g, now, to, w.cores[r], w.mem[r], w.gpus[r]});
                    }
                }
                rebuild = false;
            }
            int tested = 0;
            for (int j : new ArrayList<>(queue)) {
                if (tested >= depth) break;
                if (!reservations.containsKey(j)) place(j, now);
                long[] r = reservations.get(j);
                if (r[0] == now) {
                    int g = (int) r[1];
                    assertTrue(pool.fitsIn(j, g), "reservation without room");
                    queue.remove(Integer.valueOf(j));
                    reservations.remove(j);
                    pool.start(j, g, now);
                } else {
                    tested++;
                }
            }
            return Long.MAX_VALUE;
        }

        private long held(int j) {
            return Math.max(1, w.limit[j]);
        }

        private void place(int j, long now) {
            long best = Long.MAX_VALUE;
            int bestGroup = -1;
            for (int g = 0; g < pool.groups; g++) {
                if ((pool.mask[j] & (1L << g)) == 0) continue;
                long t = earliest(g, j, now);
                if (t < best) {
                    best = t;
                    bestGroup = g;
                }
            }
            claims.add(new long[] {bestGroup, best, best + held(j), w.cores[j], w.mem[j], w.gpus[j]});
            reservations.put(j, new long[] {best, bestGroup});
        }

        /** Free resources only grow where a claim ends: the earliest start is now or such an end. */
        private long earliest(int g, int j, long now) {
            TreeSet<Long> candidates = new TreeSet<>();
            candidates.add(now);
            for (long[] c : claims) if (c[0] == g && c[2] > now) candidates.add(c[2]);
            for (long t : candidates) if (fitsThroughout(g, j, t, t + held(j))) return t;
            return Long.MAX_VALUE;
        }

        private boolean fitsThroughout(int g, int j, long from, long to) {
            List<Long> points = new ArrayList<>();
            points.add(from);
            for (long[] c : claims) if (c[0] == g && c[1] > from && c[1] < to) points.add(c[1]);
            for (long p : points) {
                long cores = pool.cap[g * 3], mem = pool.cap[g * 3 + 1], gpus = pool.cap[g * 3 + 2];
                for (long[] c : claims) {
                    if (c[0] == g && c[1] <= p && p < c[2]) {
                        cores -= c[3];
                        mem -= c[4];
                        gpus -= c[5];
                    }
                }
                if (cores < w.cores[j] || mem < w.mem[j] || gpus < w.gpus[j]) return false;
            }
            return true;
        }
    }
}
