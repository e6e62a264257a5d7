package dev.reckon.optimise;

import dev.reckon.sim.Machine;
import dev.reckon.sim.Predict;
import dev.reckon.sim.RuntimeEstimate;
import dev.reckon.sim.SimDefaults;
import dev.reckon.sim.SimResult;
import dev.reckon.sim.Simulator;
import dev.reckon.sim.Workload;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * How long a stage's work would take in a given shape, forecast on a snapshot of the queue: the jobs the queue holds
 * now, simulated forward as {@code reckon predict} does, with one assumption more — the other users' load stays as it
 * is (each of their running jobs, when it ends, is followed by one like it, submitted then) — and the stage's jobs
 * sent as the optimiser sends them: {@code concurrency} at once, the next as one ends, each running its estimated
 * runtime. So it counts what one wave's predicted wait does not: that the jobs of every wave queue again, that the
 * room left by the others holds only so many jobs of that size at once, and that smaller jobs backfill sooner.
 */
public final class Forecast {
    /** The longest the others' load is carried forward, seconds. */
    static final long MAX_HORIZON_S = 14L * 86_400;
    /** How many times the sends of a capped stage are re-timed from the simulated ends. */
    static final int PASSES = 3;

    /**
     * The queue at one moment.
     *
     * @param machine  the cluster's nodes
     * @param queue    its running and pending jobs (the others'; the campaign has none between rounds)
     * @param policy   the scheduler's policy
     * @param defaults the simulator's settings
     */
    public record Snapshot(Machine machine, List<Predict.LiveJob> queue, String policy, SimDefaults defaults,
                           RuntimeEstimate runtimes) {
        public Snapshot {
            queue = List.copyOf(queue);
        }

        /** The others' jobs each run to its limit. */
        public Snapshot(Machine machine, List<Predict.LiveJob> queue, String policy, SimDefaults defaults) {
            this(machine, queue, policy, defaults, RuntimeEstimate.LIMITS);
        }

        /** How long a job like {@code j} runs from its start: the estimate's share of its limit, at most {@code limit}. */
        long fresh(Predict.LiveJob j, long limit) {
            Predict.LiveJob p = new Predict.LiveJob(j.id(), false, j.partition(), j.user(), j.priority(), j.submit(),
                    j.limitS(), 0, j.nodes(), j.cpus(), j.memBytes(), j.gpus(), 1, j.name(), j.exclusive());
            return Math.max(1, Math.min(limit, runtimes.estimate(p).remainingS()));
        }
    }

    private Forecast() {}

    /**
     * Seconds from now until the last of {@code jobs} jobs of the shape ends, each running {@code runtimeS}, at most
     * {@code shape.concurrency()} at once; -1 when such a job fits no node.
     */
    public static double makespanS(Snapshot snap, Shape shape, int jobs, double runtimeS) {
        return makespanS(snap, shape, jobs, runtimeS, -1);
    }

    /** The CPUs the others' jobs hold or wait for in the snapshot, at most the machine's: their load now. */
    public static long othersCores(Snapshot snap) {
        long out = 0;
        for (Predict.LiveJob j : snap.queue()) out += j.cpus();
        return Math.min(out, snap.machine().totalCores());
    }

    /**
     * As {@link #makespanS(Snapshot, Shape, int, double)}, with the others' load carried forward at {@code loadCores}
     * CPUs held (their usual load, e.g. the mean of several readings, rather than this moment's lull or rush): their
     * running jobs are followed by ones like them only up to that load, and where the snapshot holds less, more like
     * them arrive, spread over their time limits. Negative: the snapshot's load as it is.
     */
    public static double makespanS(Snapshot snap, Shape shape, int jobs, double runtimeS, double loadCores) {
        if (jobs < 1) return 0;
        long run = Math.max(1, Math.round(runtimeS));
        long limit = Math.max(run, shape.timeS());
        int cap = Math.max(1, Math.min(jobs, shape.concurrency()));
        long waves = (jobs + cap - 1) / cap;
        long longest = 0;
        for (Predict.LiveJob j : snap.queue()) longest = Math.max(longest, limit(j));
        long horizon = Math.min(MAX_HORIZON_S, Math.max(6 * 3600L, 3 * (waves * run + longest)));
        long[] submit = new long[jobs];
        for (int k = 0; k < jobs; k++) submit[k] = k < cap ? 0 : (k / cap) * run;
        double last = -1;
        for (int pass = 0; pass < PASSES; pass++) {
            long[] ends = simulate(snap, shape, submit, run, limit, horizon, loadCores);
            if (ends == null) return -1;
            long[] sorted = ends.clone();
            Arrays.sort(sorted);
            last = sorted[jobs - 1];
            if (jobs <= cap) break;
            long[] next = new long[jobs];
            for (int k = cap; k < jobs; k++) next[k] = sorted[k - cap];
            if (Arrays.equals(next, submit)) break;
            submit = next;
        }
        return last;
    }

    /** The ends of the stage's jobs sent at {@code submit}, among the others' load carried forward; null: no fit. */
    private static long[] simulate(Snapshot snap, Shape shape, long[] submit, long run, long limit, long horizon,
                                   double loadCores) {
        Workload.Builder b = new Workload.Builder();
        int n = 0;
        double carried = 0;
        List<Predict.LiveJob> running = new ArrayList<>();
        for (Predict.LiveJob j : snap.queue()) if (!j.running()) carried += j.cpus();
        for (Predict.LiveJob j : snap.queue()) {
            long l = limit(j);
            long fresh = snap.fresh(j, l);
            if (j.running()) {
                running.add(j);
                long left = Math.max(1, l - j.elapsedS());
                long end = Math.max(1, Math.min(left, snap.runtimes().estimate(j).remainingS()));
                b.add("o" + n++, 0, left, end, j.nodes(), j.cpus(), j.memBytes(), j.gpus(), j.user(), j.partition(), null);
                // the others' load stays: one like it follows each job that ends (up to their usual load)
                if (loadCores >= 0 && carried + j.cpus() > loadCores + 1e-9) continue;
                carried += j.cpus();
                for (long t = end; t < horizon; t += fresh)
                    b.add("o" + n++, t, l, fresh, j.nodes(), j.cpus(), j.memBytes(), j.gpus(), j.user(), j.partition(), null);
            } else {
                b.add("o" + n++, 0, l, fresh, j.nodes(), j.cpus(), j.memBytes(), j.gpus(), j.user(), j.partition(), null);
            }
        }
        // a lull: more of the same kinds of job arrive until the usual load is back, spread over their limits
        if (running.isEmpty()) running.addAll(snap.queue());
        if (loadCores > carried && !running.isEmpty()) {
            List<Predict.LiveJob> extra = new ArrayList<>();
            double more = 0;
            for (int i = 0; more < loadCores - carried && i < 100_000; i++) {
                Predict.LiveJob j = running.get(i % running.size());
                extra.add(j);
                more += j.cpus();
            }
            for (int i = 0; i < extra.size(); i++) {
                Predict.LiveJob j = extra.get(i);
                long l = limit(j);
                long fresh = snap.fresh(j, l);
                // already there when the stage's jobs arrive (ahead of them), part-way through their runs
                long left = Math.max(1, (fresh * (i + 1)) / (extra.size() + 1));
                b.add("o" + n++, 0, left, left, j.nodes(), j.cpus(), j.memBytes(), j.gpus(), j.user(), j.partition(), null);
                for (long t = left; t < horizon; t += fresh)
                    b.add("o" + n++, t, l, fresh, j.nodes(), j.cpus(), j.memBytes(), j.gpus(), j.user(), j.partition(), null);
            }
        }
        for (int k = 0; k < submit.length; k++)
            b.add("me" + k, submit[k], limit, run, 1, shape.cpus(), shape.memBytes(), shape.gpus(), "me",
                    shape.partition(), null);
        Workload w = b.build();
        SimResult r = Simulator.run(snap.machine(), w, snap.policy(), snap.defaults());
        long[] ends = new long[submit.length];
        for (int j = 0; j < w.size(); j++) {
            String id = w.id(j);
            if (!id.startsWith("me")) continue;
            if (!r.ran(j)) return null;
            ends[Integer.parseInt(id.substring(2))] = r.end(j);
        }
        return ends;
    }

    private static long limit(Predict.LiveJob j) {
        return j.limitS() == null || j.limitS() <= 0 ? Math.min(Predict.UNLIMITED_S, 7 * 86_400L) : j.limitS();
    }

    /** The queue of a list, for tests. */
    static Snapshot of(Machine machine, List<Predict.LiveJob> queue) {
        return new Snapshot(machine, new ArrayList<>(queue), "easy", SimDefaults.load());
    }
}
