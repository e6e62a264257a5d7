package dev.reckon.sim;

import dev.reckon.model.Job;
import dev.reckon.model.JobState;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * How long live jobs will really run, estimated from the finished jobs of the ledger: each finished job gives the
 * share of its time limit it used (elapsed / limit, at most 1), and a live job runs that share of its own limit as
 * its group's jobs did. The group is the most specific one with enough history: the same user and job name (at least
 * {@link #MIN_BY_NAME} finished jobs), else the user's jobs in the same partition ({@link #MIN_BY_PARTITION}), else
 * the user's jobs ({@link #MIN_BY_USER}), else every user's ({@link #MIN_ALL}); with less, the job is taken to run to
 * its limit (the scheduler's own assumption). Each group keeps its last {@link #KEEP} jobs as they were added (the
 * ledger streams them by submission), so the estimate follows how a workload changes.
 *
 * <p>A pending job runs the median share of its group. A running job that has already run {@code elapsed} seconds
 * runs the median of its group's runtimes (shares times its limit) that are longer than {@code elapsed}; when it has
 * already outrun every one of them it is taken to end within {@link #OUTRUN_SHARE} of its limit. Never past its limit.
 * Cancelled jobs are not history (someone cut them short), nor are jobs without a limit, start or elapsed time.
 */
public final class RuntimeEstimate {
    /**
     * Finished jobs of the same user and job name needed to estimate by name: one (a job that recurs under its name
     * says more about the next one than the user's other work does).
     */
    public static final int MIN_BY_NAME = 1;
    /** Finished jobs of the same user and partition needed to estimate by partition. */
    public static final int MIN_BY_PARTITION = 5;
    /** Finished jobs of the same user needed to estimate by user. */
    public static final int MIN_BY_USER = 5;
    /** Finished jobs of all users needed to estimate from the whole cluster. */
    public static final int MIN_ALL = 20;
    /** The most recent finished jobs each group keeps. */
    public static final int KEEP = 50;
    /** A running job that has outrun its whole group is taken to end within this share of its limit. */
    public static final double OUTRUN_SHARE = 0.05;

    /** Which history a live job's estimate came from. */
    public enum Basis {
        NAME("user and job name"), PARTITION("user and partition"), USER("user"), ALL("all users"),
        LIMIT("no history: its limit");

        private final String words;

        Basis(String words) {
            this.words = words;
        }

        /** How reports name it. */
        public String words() {
            return words;
        }
    }

    /**
     * A finished job as the estimate needs it.
     *
     * @param user      the user, or null
     * @param name      the job name, or null
     * @param partition the partition, or null
     * @param limitS    its time limit, seconds, at least 1
     * @param elapsedS  how long it ran, seconds
     */
    public record Finished(String user, String name, String partition, long limitS, long elapsedS) {
        /** The share of its limit the job used, from 0 to 1. */
        public double share() {
            return Math.min(1.0, Math.max(0.0, (double) elapsedS / limitS));
        }

        /**
         * The job as history, or null when it says nothing of how long such jobs run: not ended (or cancelled), no
         * start, no elapsed time, no or unlimited time limit.
         */
        public static Finished of(Job j) {
            JobState s = JobState.of(j.state());
            boolean ran = s == JobState.COMPLETED || s == JobState.FAILED || s == JobState.TIMEOUT
                    || s == JobState.OUT_OF_MEMORY;
            if (!ran || j.start() == null || j.elapsedS() == null || j.timelimitS() == null) return null;
            if (j.timelimitS() <= 0 || j.timelimitS() >= Predict.UNLIMITED_S || j.jobId().contains("_[")) return null;
            return new Finished(j.user(), j.name(), j.partition(), j.timelimitS(), Math.max(0, j.elapsedS()));
        }
    }

    /** No history: every job runs to its limit. */
    public static final RuntimeEstimate LIMITS = new RuntimeEstimate(Map.of(), 0);

    /** Each group's shares, most recent last; key: see {@link #keys}. */
    private final Map<String, double[]> groups;
    private final int jobs;

    private RuntimeEstimate(Map<String, double[]> groups, int jobs) {
        this.groups = groups;
        this.jobs = jobs;
    }

    /** How many finished jobs the groups hold (each counted once). */
    public int jobs() {
        return jobs;
    }

    /**
     * Collects history for the jobs of {@code live} (only the groups they can use are kept, so a large ledger costs
     * little memory).
     */
    public static Builder forQueue(Collection<Predict.LiveJob> live) {
        return new Builder(live);
    }

    /** Collects history for any job (every group kept). */
    public static Builder forAny() {
        return new Builder(null);
    }

    /** Collects finished jobs, oldest first. */
    public static final class Builder {
        private final Set<String> wanted;
        private final Map<String, Ring> groups = new HashMap<>();
        private final Map<String, Ring> users = new HashMap<>();
        private int jobs;

        private Builder(Collection<Predict.LiveJob> live) {
            if (live == null) {
                wanted = null;
                return;
            }
            wanted = new HashSet<>();
            for (Predict.LiveJob j : live) for (String k : keys(j.user(), j.name(), j.partition())) if (k != null) wanted.add(k);
        }

        /** Adds one finished job (null is ignored); call in the order they ran, oldest first. */
        public Builder add(Finished f) {
            if (f == null) return this;
            boolean used = false;
            for (String k : keys(f.user(), f.name(), f.partition())) {
                if (k == null || (wanted != null && !wanted.contains(k))) continue;
                groups.computeIfAbsent(k, x -> new Ring()).add(f.share());
                used = true;
            }
            if (used) jobs++;
            return this;
        }

        /** Adds a ledger job, when it is history ({@link Finished#of}). */
        public Builder add(Job j) {
            return add(Finished.of(j));
        }

        public RuntimeEstimate build() {
            Map<String, double[]> out = new HashMap<>();
            for (Map.Entry<String, Ring> e : groups.entrySet()) out.put(e.getKey(), e.getValue().values());
            return new RuntimeEstimate(out, jobs);
        }
    }

    /** A group's last {@link #KEEP} shares. */
    private static final class Ring {
        final double[] v = new double[KEEP];
        int n, next;

        void add(double x) {
            v[next] = x;
            next = (next + 1) % KEEP;
            if (n < KEEP) n++;
        }

        double[] values() {
            return Arrays.copyOf(v, n);
        }
    }

    /** The group keys of a job, most specific first: name, partition, user, all (null where a part is unknown). */
    private static String[] keys(String user, String name, String partition) {
        String u = user == null ? "" : user;
        return new String[]{
                name == null || name.isEmpty() ? null : "n\u0000" + u + "\u0000" + name,
                partition == null || partition.isEmpty() ? null : "p\u0000" + u + "\u0000" + partition,
                user == null || user.isEmpty() ? null : "u\u0000" + u,
                "*"};
    }

    private static final int[] MIN = {MIN_BY_NAME, MIN_BY_PARTITION, MIN_BY_USER, MIN_ALL};
    private static final Basis[] BASES = {Basis.NAME, Basis.PARTITION, Basis.USER, Basis.ALL};

    /**
     * One live job's estimate.
     *
     * @param remainingS seconds it is expected to run from now (a pending job: its whole runtime), never past its limit
     * @param share      the runtime's share of the limit the group suggests (1 with no history)
     * @param basis      which history it came from
     * @param samples    how many finished jobs that group holds
     */
    public record Estimate(long remainingS, double share, Basis basis, int samples) {}

    /** The estimate for one live job. */
    public Estimate estimate(Predict.LiveJob j) {
        long limit = j.limitS() == null || j.limitS() <= 0 ? Predict.UNLIMITED_S : j.limitS();
        long elapsed = j.running() ? Math.max(0, j.elapsedS()) : 0;
        long left = Math.max(0, limit - elapsed);
        String[] ks = keys(j.user(), j.name(), j.partition());
        double[] shares = null;
        Basis basis = Basis.LIMIT;
        if (j.limitS() != null && j.limitS() > 0) {
            for (int k = 0; k < ks.length && shares == null; k++) {
                if (ks[k] == null) continue;
                double[] s = groups.get(ks[k]);
                if (s != null && s.length >= MIN[k]) {
                    shares = s;
                    basis = BASES[k];
                }
            }
        }
        if (shares == null) return new Estimate(left, 1.0, Basis.LIMIT, 0);
        double[] sorted = shares.clone();
        Arrays.sort(sorted);
        double median = median(sorted);
        if (!j.running()) {
            long run = Math.max(1, Math.min(limit, Math.round(median * limit)));
            return new Estimate(run, median, basis, sorted.length);
        }
        // running: the runtimes of the group longer than what it has run already
        List<Double> longer = new ArrayList<>();
        for (double s : sorted) if (s * limit > elapsed) longer.add(s * limit);
        long end;
        if (longer.isEmpty()) {
            end = elapsed + Math.max(1, Math.round(OUTRUN_SHARE * limit));
        } else {
            double[] l = longer.stream().mapToDouble(Double::doubleValue).toArray();
            end = Math.round(median(l));
        }
        long remaining = Math.max(0, Math.min(left, end - elapsed));
        return new Estimate(remaining, median, basis, sorted.length);
    }

    private static double median(double[] sorted) {
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /**
     * What the estimate did for a queue: how many live jobs each basis served, and the median share of the limit
     * over the jobs estimated from history.
     *
     * @param historyJobs finished jobs of the ledger the estimate holds
     * @param byBasis     live jobs per basis
     * @param medianShare median share of the limit over the live jobs estimated from history; null when none was
     */
    public record Summary(int historyJobs, Map<Basis, Integer> byBasis, Double medianShare) {
        /** Live jobs estimated from history. */
        public int estimated() {
            int n = 0;
            for (Map.Entry<Basis, Integer> e : byBasis.entrySet()) if (e.getKey() != Basis.LIMIT) n += e.getValue();
            return n;
        }

        /** Live jobs taken to run to their limits. */
        public int atLimit() {
            return byBasis.getOrDefault(Basis.LIMIT, 0);
        }

        /**
         * One sentence: {@code runtimes of 9 of the 10 live jobs estimated from 214 finished jobs of the ledger (by
         * user and job name 7, user 2): median 62% of the limit; 1 taken to run to its limit (no history)}.
         */
        public String describe() {
            int live = estimated() + atLimit();
            if (live == 0) return "no live jobs: nothing to estimate";
            if (estimated() == 0) {
                return historyJobs == 0
                        ? "every live job is taken to run to its time limit: the ledger holds no finished job like them"
                        + " (run reckon ingest slurm)"
                        : "every live job is taken to run to its time limit: too few finished jobs like them in the ledger ("
                        + historyJobs + ")";
            }
            List<String> parts = new ArrayList<>();
            for (Basis b : BASES) {
                Integer c = byBasis.get(b);
                if (c != null && c > 0) parts.add(b.words() + " " + c);
            }
            String s = String.format(Locale.ROOT, "runtimes of %d of the %d live jobs estimated from %d finished jobs of "
                            + "the ledger (by %s): median %.0f%% of the limit", estimated(), live, historyJobs,
                    String.join(", ", parts), 100 * medianShare);
            if (atLimit() > 0) s += "; " + atLimit() + " taken to run to " + (atLimit() == 1 ? "its limit" : "their limits")
                    + " (too little history)";
            return s;
        }
    }

    /** What this estimate does for the jobs of {@code queue}. */
    public Summary summary(Collection<Predict.LiveJob> queue) {
        Map<Basis, Integer> by = new java.util.EnumMap<>(Basis.class);
        List<Double> shares = new ArrayList<>();
        for (Predict.LiveJob j : queue) {
            Estimate e = estimate(j);
            by.merge(e.basis(), 1, Integer::sum);
            if (e.basis() != Basis.LIMIT) shares.add(e.share());
        }
        Double median = null;
        if (!shares.isEmpty()) {
            double[] s = shares.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            median = median(s);
        }
        return new Summary(jobs, Map.copyOf(by), median);
    }
}
