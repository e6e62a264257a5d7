package dev.reckon.sim;

/**
 * The discrete-event simulator: replays a {@link Workload} on a {@link Machine} under a named {@link Policy}.
 * Events are job arrivals (in submit order), job ends (a heap of packed longs) and the policy's own wake-ups; after
 * the events of each instant the policy gets one scheduling pass. Reservations use a job's time limit, completion its
 * actual runtime capped at the limit. Jobs that fit no part of the machine are dropped before the run and reported.
 */
public final class Simulator {
    private Simulator() {}

    /** Simulates {@code workload} on {@code machine} under {@code policy} (a name {@link Policies} knows). */
    public static SimResult run(Machine machine, Workload workload, String policy, SimDefaults defaults) {
        Pool pool = new Pool(machine, workload);
        return run(pool, Policies.create(policy, pool, defaults), policy, defaults);
    }

    /** The event loop over a pool and a policy made for it. */
    static SimResult run(Pool pool, Policy p, String policy, SimDefaults defaults) {
        Workload workload = pool.workload();
        LongHeap events = pool.events;
        int n = workload.size();
        int next = 0;
        long wake = Long.MAX_VALUE;
        while (true) {
            while (next < n && !pool.fits(next)) next++;
            long arrival = next < n ? workload.submit(next) : Long.MAX_VALUE;
            long ending = events.isEmpty() ? Long.MAX_VALUE : (events.peek() >>> Pool.JOB_BITS) + pool.t0;
            long now = Math.min(arrival, Math.min(ending, wake));
            if (now == Long.MAX_VALUE) break;
            while (!events.isEmpty() && (events.peek() >>> Pool.JOB_BITS) + pool.t0 == now) {
                int j = (int) (events.pop() & Pool.JOB_MASK);
                pool.finish(j);
                p.ended(j, now);
            }
            for (; next < n && workload.submit(next) == now; next++) {
                if (pool.fits(next)) p.submitted(next, now);
            }
            long want = p.schedule(now);
            wake = want > now ? want : Long.MAX_VALUE;
        }
        return new SimResult(pool.machine, workload, policy, pool.start, pool.end, pool.group, pool.unfit, defaults);
    }
}
