package dev.reckon.sim;

import dev.reckon.model.Job;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * How far off {@link Predict} has been on a cluster's recent jobs: for each of them, the queue as it stood at the
 * moment it was submitted (the jobs then running and the jobs then pending, in submit order: past priorities are not
 * recorded) is replayed forward on the machine exactly as a prediction made at that moment would have been (the
 * policy planning with limits, the jobs ending when the runtime estimate expects), and the predicted wait is set
 * against the real one (start - submit).
 *
 * <p>The replay is what {@code predict} would have said, not what an oracle would: it knows the jobs' time limits and
 * the estimate of their runtimes, not their real ends. It runs on today's machine, and knows of the queue only what
 * the ledger holds (its last ingest).
 */
public final class PredictAccuracy {
    /** A prediction counts as close when it is within this share of the real wait... */
    public static final double CLOSE_SHARE = 0.2;
    /** ...or within this many seconds (a scheduler's own cycle makes a few seconds of any wait). */
    public static final long CLOSE_FLOOR_S = 60;

    private PredictAccuracy() {}

    /**
     * A job of the past, as the replay needs it.
     *
     * @param start null when it never started (still pending, or cancelled while pending)
     * @param end   null while it runs or waits
     */
    public record Past(String id, Instant submit, Instant start, Instant end, Long limitS, int nodes, long cpus,
                       long memBytes, long gpus, String partition, String user, String name) {
        /** A job whose name is not known. */
        public Past(String id, Instant submit, Instant start, Instant end, Long limitS, int nodes, long cpus,
                    long memBytes, long gpus, String partition, String user) {
            this(id, submit, start, end, limitS, nodes, cpus, memBytes, gpus, partition, user, null);
        }

        /** The job's figures, or null when it cannot take part (no submit time, or a pending array's range row). */
        public static Past of(Job j) {
            if (j.submit() == null || j.jobId().contains("_[")) return null;
            long cpus = j.allocCpus() != null && j.allocCpus() > 0 ? j.allocCpus() : j.reqCpus() == null ? 1 : j.reqCpus();
            long mem = j.allocMemBytes() != null ? j.allocMemBytes() : j.reqMemBytes() == null ? 0 : j.reqMemBytes();
            int nodes = j.allocNodes() == null ? 1 : Math.max(1, j.allocNodes());
            long gpus = j.allocGpus() == null ? 0 : j.allocGpus();
            return new Past(j.jobId(), j.submit(), j.start(), j.end(), j.timelimitS(), nodes, Math.max(1, cpus), mem,
                    gpus, j.partition(), j.user(), j.name());
        }
    }

    /** One job checked: its real wait and the predicted one (-1: the replay could not place it). */
    public record Check(String id, Instant submit, long realWaitS, long predictedWaitS) {
        /** Predicted minus real, seconds. */
        public long offS() {
            return predictedWaitS - realWaitS;
        }

        public boolean close() {
            return predictedWaitS >= 0 && Math.abs(offS()) <= Math.max(CLOSE_FLOOR_S, Math.round(CLOSE_SHARE * realWaitS));
        }
    }

    /**
     * The checks and their summary.
     *
     * @param medianOffS  the median of |predicted - real| over the jobs the replay could place; null when none
     * @param closeShare  the share of checked jobs predicted within {@link #CLOSE_SHARE} (or {@link #CLOSE_FLOOR_S})
     * @param medianRealWaitS the median real wait, for scale
     */
    public record Report(List<Check> checks, Long medianOffS, double closeShare, long medianRealWaitS) {
        public int jobs() {
            return checks.size();
        }
    }

    /**
     * Replays the moments the last {@code last} started jobs of {@code history} were submitted.
     *
     * @param history the cluster's jobs around those moments (every job pending or running at any of them), in
     *                submit order
     */
    public static Report check(Machine machine, List<Past> history, int last, String policy, SimDefaults defaults) {
        return check(machine, history, last, policy, defaults, RuntimeEstimate.LIMITS);
    }

    /**
     * As above, each replay ending the jobs of its queue when {@code runtimes} expects (as {@code predict} does now;
     * the estimate is today's, so it has seen the replayed jobs' own ends among its history).
     */
    public static Report check(Machine machine, List<Past> history, int last, String policy, SimDefaults defaults,
                               RuntimeEstimate runtimes) {
        List<Integer> targets = new ArrayList<>();
        for (int i = history.size() - 1; i >= 0 && targets.size() < last; i--) {
            Past p = history.get(i);
            if (p.start() != null && !p.start().isBefore(p.submit())) targets.add(0, i);
        }
        List<Check> checks = new ArrayList<>();
        for (int t : targets) {
            Past target = history.get(t);
            Instant at = target.submit();
            List<Predict.LiveJob> queue = new ArrayList<>();
            for (int i = 0; i < history.size(); i++) {
                if (i == t) continue;
                Past h = history.get(i);
                boolean before = h.submit().isBefore(at) || (h.submit().equals(at) && i < t);
                if (!before) continue;
                if (h.end() != null && !h.end().isAfter(at)) continue; // over by then
                boolean running = h.start() != null && !h.start().isAfter(at);
                long elapsed = running ? at.getEpochSecond() - h.start().getEpochSecond() : 0;
                queue.add(new Predict.LiveJob(h.id(), running, h.partition(), h.user(), 0, h.submit(), h.limitS(),
                        elapsed, h.nodes(), h.cpus(), h.memBytes(), h.gpus(), running ? 0 : 1, h.name()));
            }
            long limit = target.limitS() == null || target.limitS() <= 0 ? Predict.UNLIMITED_S : target.limitS();
            Predict.Shape shape = new Predict.Shape(target.id(), target.nodes(), target.cpus(), target.memBytes(),
                    target.gpus(), limit, target.partition(), 1);
            Predict.Prediction p = Predict.predict(machine, queue, List.of(shape), at, policy, defaults, runtimes).get(0);
            long real = target.start().getEpochSecond() - at.getEpochSecond();
            checks.add(new Check(target.id(), at, real, p.start() == null ? -1 : p.waitS()));
        }
        long[] offs = checks.stream().filter(c -> c.predictedWaitS() >= 0).mapToLong(c -> Math.abs(c.offS())).toArray();
        long[] reals = checks.stream().mapToLong(Check::realWaitS).toArray();
        long close = checks.stream().filter(Check::close).count();
        return new Report(checks, offs.length == 0 ? null : median(offs),
                checks.isEmpty() ? 0 : close / (double) checks.size(), reals.length == 0 ? 0 : median(reals));
    }

    private static long median(long[] v) {
        long[] s = v.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : Math.round((s[n / 2 - 1] + s[n / 2]) / 2.0);
    }
}
