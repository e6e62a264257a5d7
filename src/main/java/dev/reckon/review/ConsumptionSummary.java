package dev.reckon.review;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import dev.reckon.model.Efficiency;
import dev.reckon.model.Job;
import dev.reckon.model.JobState;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * What a set of jobs consumed: CPU-, GPU- and memory-hours in total, by user, by account and by state, and how much of
 * their time limits the jobs used. Consumption is what was allocated for as long as the job ran (see
 * {@link Efficiency}), used or not. An analysis: it reads no file and knows nothing of who asked.
 *
 * <p>Feed jobs one at a time to a {@link Builder}; memory stays constant in the number of jobs except for one entry
 * per distinct user, account and state.
 *
 * <p>The results serialise with Jackson as snake_case JSON ({@code cpu_hours}, {@code by_user}...), instants as
 * ISO-8601 text, whatever naming strategy the writer uses.
 */
public final class ConsumptionSummary {

    /** The name jobs without a user (or account) are grouped under. */
    public static final String UNKNOWN = "(unknown)";

    private static final double[] EDGES = {0.0, 0.10, 0.25, 0.50, 0.75, 1.0};
    private static final String[] LABELS = {"0-10%", "10-25%", "25-50%", "50-75%", "75-100%", ">100%"};
    /** Median resolution: Elapsed/Timelimit ratios are counted in bins this wide... */
    private static final int BINS_PER_UNIT = 1000;
    /** ...up to this ratio; larger ratios count as this ratio in the median. */
    private static final int MEDIAN_CAP = 4;

    private ConsumptionSummary() {
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * The summary.
     *
     * @param jobs                  how many jobs were fed
     * @param first                 the earliest submit time (start or end where the submit time is unknown)
     * @param last                  the latest end time (start or submit where the end is unknown)
     * @param total                 totals over all jobs
     * @param byUser                per user, by CPU-hours, largest first
     * @param byAccount             per account, by CPU-hours, largest first
     * @param byState               per state word, by job count, largest first
     * @param timeEfficiency        how many jobs used what part of their time limit (Elapsed / Timelimit), six buckets
     * @param timeEfficiencyUnknown jobs without an elapsed time or a (positive) time limit
     * @param timeEfficiencyMedian  the median Elapsed / Timelimit, rounded down to 0.001 (ratios above 4 count as
     *                              4); {@code null} when no job has one
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Result(long jobs,
                         @JsonSerialize(using = ToStringSerializer.class) Instant first,
                         @JsonSerialize(using = ToStringSerializer.class) Instant last,
                         Totals total,
                         List<Share> byUser,
                         List<Share> byAccount,
                         List<StateCount> byState,
                         List<Bucket> timeEfficiency,
                         long timeEfficiencyUnknown,
                         Double timeEfficiencyMedian) {
        public Result {
            byUser = List.copyOf(byUser);
            byAccount = List.copyOf(byAccount);
            byState = List.copyOf(byState);
            timeEfficiency = List.copyOf(timeEfficiency);
        }
    }

    /**
     * Totals over all jobs.
     *
     * @param cpuHours     allocated CPUs x elapsed
     * @param gpuHours     allocated GPUs x elapsed
     * @param memGbHours   allocated memory (GiB) x elapsed
     * @param elapsedHours the jobs' elapsed times added up
     * @param cpuEff       mean CPU efficiency weighted by CPU-hours, over the jobs where it is known; else {@code null}
     * @param limitCpuHours allocated CPUs x time limit, over the jobs that had both a limit and an elapsed time: the
     *                     CPU time their requests held in the scheduler's plans
     * @param limitedCpuHours allocated CPUs x elapsed over those same jobs, to compare with {@code limitCpuHours}
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Totals(double cpuHours, double gpuHours, double memGbHours, double elapsedHours, Double cpuEff,
                         double limitCpuHours, double limitedCpuHours) {
    }

    /**
     * One user's or account's part.
     *
     * @param cpuShare this name's CPU-hours as a fraction of all CPU-hours (0 when nothing was consumed)
     * @param cpuEff   mean CPU efficiency weighted by CPU-hours, over this name's jobs where it is known
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Share(String name, long jobs, double cpuHours, double gpuHours, double memGbHours,
                        double cpuShare, Double cpuEff) {
    }

    /** Jobs and CPU-hours of one state word ({@code COMPLETED}, {@code FAILED}...; {@code UNKNOWN} when none). */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record StateCount(String state, long jobs, double cpuHours) {
    }

    /**
     * Jobs whose Elapsed / Timelimit lies in {@code [from, to)}; the 75-100% bucket includes 1 exactly (a job that ran
     * to its limit), the last bucket ({@code to} is {@code null}) holds the jobs that ran over their limit.
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Bucket(String label, double from, Double to, long jobs) {
    }

    /** Collects jobs; {@link #build()} may be called at any time, and again after more jobs. */
    public static final class Builder implements Consumer<Job> {
        private long jobs;
        private Instant first;
        private Instant last;
        private final Acc total = new Acc();
        private double elapsedHours;
        private double limitCpuHours;
        private double limitedCpuHours;
        private final Map<String, Acc> users = new HashMap<>();
        private final Map<String, Acc> accounts = new HashMap<>();
        private final Map<String, Acc> states = new HashMap<>();
        private final long[] buckets = new long[LABELS.length];
        private long timeUnknown;
        private final long[] ratioBins = new long[MEDIAN_CAP * BINS_PER_UNIT + 1];

        private Builder() {
        }

        @Override
        public void accept(Job j) {
            jobs++;
            Efficiency e = j.efficiency();
            Instant from = j.submit() != null ? j.submit() : j.start() != null ? j.start() : j.end();
            Instant to = j.end() != null ? j.end() : j.start() != null ? j.start() : j.submit();
            if (from != null && (first == null || from.isBefore(first))) first = from;
            if (to != null && (last == null || to.isAfter(last))) last = to;
            if (j.elapsedS() != null && j.elapsedS() > 0) elapsedHours += j.elapsedS() / 3600.0;
            total.add(e);
            users.computeIfAbsent(j.user() == null ? UNKNOWN : j.user(), k -> new Acc()).add(e);
            accounts.computeIfAbsent(j.account() == null ? UNKNOWN : j.account(), k -> new Acc()).add(e);
            String w = JobState.word(j.state());
            states.computeIfAbsent(w == null || w.isEmpty() ? "UNKNOWN" : w, k -> new Acc()).add(e);
            Double r = e.timeEff();
            if (r != null && j.allocCpus() != null) {
                limitCpuHours += j.allocCpus() * (double) j.timelimitS() / 3600.0;
                limitedCpuHours += e.cpuHours();
            }
            if (r == null) {
                timeUnknown++;
            } else {
                int b = LABELS.length - 1;
                if (r <= 1.0) {
                    b = 0;
                    while (b + 1 < LABELS.length - 1 && r >= EDGES[b + 1]) b++;
                }
                buckets[b]++;
                ratioBins[(int) Math.min(ratioBins.length - 1, Math.floor(r * BINS_PER_UNIT + 1e-9))]++;
            }
        }

        public Result build() {
            double all = total.cpuHours;
            List<Bucket> hist = new ArrayList<>();
            for (int i = 0; i < LABELS.length; i++) {
                Double to = i + 1 < EDGES.length ? EDGES[i + 1] : null;
                hist.add(new Bucket(LABELS[i], EDGES[i], to, buckets[i]));
            }
            List<StateCount> byState = new ArrayList<>();
            states.forEach((k, a) -> byState.add(new StateCount(k, a.jobs, a.cpuHours)));
            byState.sort(Comparator.comparingLong(StateCount::jobs).reversed().thenComparing(StateCount::state));
            return new Result(jobs, first, last,
                    new Totals(total.cpuHours, total.gpuHours, total.memGbHours, elapsedHours, total.cpuEff(),
                            limitCpuHours, limitedCpuHours),
                    shares(users, all), shares(accounts, all), byState, hist, timeUnknown, median());
        }

        private static List<Share> shares(Map<String, Acc> m, double all) {
            List<Share> out = new ArrayList<>(m.size());
            m.forEach((k, a) -> out.add(new Share(k, a.jobs, a.cpuHours, a.gpuHours, a.memGbHours,
                    all > 0 ? a.cpuHours / all : 0.0, a.cpuEff())));
            out.sort(Comparator.comparingDouble(Share::cpuHours).reversed().thenComparing(Share::name));
            return out;
        }

        private Double median() {
            long n = jobs - timeUnknown;
            if (n == 0) return null;
            double lo = binAtRank((n - 1) / 2);
            double hi = binAtRank(n / 2);
            return (lo + hi) / 2;
        }

        /** The lower edge of the bin holding the value of 0-based rank {@code rank}. */
        private double binAtRank(long rank) {
            long seen = 0;
            for (int i = 0; i < ratioBins.length; i++) {
                seen += ratioBins[i];
                if (seen > rank) return (double) i / BINS_PER_UNIT;
            }
            return MEDIAN_CAP;
        }
    }

    private static final class Acc {
        long jobs;
        double cpuHours;
        double gpuHours;
        double memGbHours;
        double effTimesHours;
        double effHours;

        void add(Efficiency e) {
            jobs++;
            cpuHours += e.cpuHours();
            gpuHours += e.gpuHours();
            memGbHours += e.memGbHours();
            if (e.cpuEff() != null) {
                effTimesHours += e.cpuEff() * e.cpuHours();
                effHours += e.cpuHours();
            }
        }

        Double cpuEff() {
            return effHours > 0 ? effTimesHours / effHours : null;
        }
    }
}
