package dev.reckon.optimise;

import dev.reckon.model.Charter;
import dev.reckon.model.Efficiency;
import dev.reckon.model.Job;
import dev.reckon.model.JobState;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A campaign's baseline from history: per stage, what its past jobs (the charter's jobs whose names match the stage)
 * asked for and used, how long they waited against how long they ran, how they ended, and which stage is the
 * bottleneck, with why.
 */
public final class Baseline {
    private Baseline() {}

    /**
     * One stage's history.
     *
     * @param jobs          jobs seen
     * @param reqCpus       median CPUs asked (allocated)
     * @param usedCpus      median CPUs used (allocated x CPU efficiency)
     * @param reqMemBytes   median memory asked
     * @param peakMemBytes  the largest peak memory
     * @param gpus          median GPUs
     * @param gpuUtil       mean GPU utilisation (0..1) where the accounting has it; null otherwise
     * @param limitS        median time limit
     * @param runtimeS      median runtime
     * @param waitS         median queue wait
     * @param ooms          jobs killed for memory
     * @param timeouts      jobs ended at their limit
     * @param failures      other failures
     * @param retries       jobs sent again within an hour after a failure of the same name pattern
     * @param throughputPerH completed jobs per hour of the stage's span
     * @param wallClockS    from its first submission to its last end
     */
    public record StageHistory(String stage, String pattern, int jobs, double reqCpus, double usedCpus,
                               long reqMemBytes, long peakMemBytes, double gpus, Double gpuUtil, long limitS,
                               long runtimeS, long waitS, int ooms, int timeouts, int failures, int retries,
                               double throughputPerH, long wallClockS, List<String> findings) {
        public StageHistory {
            findings = List.copyOf(findings);
        }
    }

    /** The baseline: each stage's history, and the bottleneck with its reason (null when there is no history). */
    public record Result(String campaign, String charter, List<StageHistory> stages, String bottleneck, String why) {
        public Result {
            stages = List.copyOf(stages);
        }
    }

    /** The stage's pattern: its {@code match}, else its name followed by anything. */
    public static String pattern(Stage s) {
        return s.match() != null && !s.match().isBlank() ? s.match() : s.name() + "*";
    }

    /** Whether the job belongs to the campaign's charter and to the stage (its name matches the stage's pattern). */
    public static boolean belongs(Job j, Charter charter, Stage s) {
        if (charter != null && !charter.matches(j)) return false;
        return glob(pattern(s)).matcher(j.name() == null ? "" : j.name()).matches();
    }

    public static Result of(Campaign c, Charter charter, List<Job> jobs) {
        List<StageHistory> out = new ArrayList<>();
        for (Stage s : c.stages()) {
            List<Job> mine = jobs.stream().filter(j -> belongs(j, charter, s)).toList();
            out.add(history(s, mine));
        }
        String bottleneck = null, why = null;
        long worst = 0;
        for (StageHistory h : out) {
            if (h.jobs() == 0) continue;
            long cost = h.wallClockS() > 0 ? h.wallClockS() : (h.waitS() + h.runtimeS()) * h.jobs();
            if (cost > worst) {
                worst = cost;
                bottleneck = h.stage();
                why = h.findings().isEmpty() ? "the longest wall-clock of its work (" + human(cost) + ")"
                        : "the longest wall-clock of its work (" + human(cost) + "): " + h.findings().get(0);
            }
        }
        return new Result(c.name(), c.charter(), out, bottleneck, why);
    }

    static StageHistory history(Stage s, List<Job> jobs) {
        int n = jobs.size();
        if (n == 0)
            return new StageHistory(s.name(), pattern(s), 0, 0, 0, 0, 0, 0, null, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                    List.of("no past jobs match " + pattern(s) + ": the rounds start from the campaign's shape"));
        double[] req = new double[n], used = new double[n], gpus = new double[n];
        long[] mem = new long[n], limit = new long[n], run = new long[n], wait = new long[n];
        long peak = 0;
        int ooms = 0, timeouts = 0, failures = 0, completed = 0, retries = 0;
        java.time.Instant first = null, last = null;
        Map<String, java.time.Instant> lastFailure = new HashMap<>();
        List<Job> byTime = new ArrayList<>(jobs);
        byTime.sort(java.util.Comparator.comparing(Job::submit, java.util.Comparator.nullsFirst(java.util.Comparator.naturalOrder())));
        int i = 0;
        for (Job j : byTime) {
            Efficiency e = j.efficiency();
            int cpus = j.allocCpus() != null ? j.allocCpus() : j.reqCpus() != null ? j.reqCpus() : 0;
            req[i] = cpus;
            used[i] = e.cpuEff() == null ? cpus : cpus * e.cpuEff();
            gpus[i] = j.allocGpus() == null ? 0 : j.allocGpus();
            mem[i] = j.allocMemBytes() != null ? j.allocMemBytes() : j.reqMemBytes() != null ? j.reqMemBytes() : 0;
            limit[i] = j.timelimitS() == null ? 0 : j.timelimitS();
            run[i] = j.elapsedS() == null ? 0 : j.elapsedS();
            wait[i] = j.submit() != null && j.start() != null ? Math.max(0, Duration.between(j.submit(), j.start()).getSeconds()) : 0;
            if (j.peakMemBytes() != null) peak = Math.max(peak, j.peakMemBytes());
            JobState st = j.jobState();
            String key = j.user() + "\u0000" + dev.reckon.review.Review.namePattern(j.name());
            java.time.Instant prevFail = lastFailure.get(key);
            if (prevFail != null && j.submit() != null && !j.submit().isAfter(prevFail.plus(Duration.ofHours(1)))) retries++;
            boolean oom = st == JobState.OUT_OF_MEMORY || (st == JobState.FAILED && ("0:9".equals(j.exitCode())
                    || "0:125".equals(j.exitCode())));
            if (oom) ooms++;
            else if (st == JobState.TIMEOUT) timeouts++;
            else if (st == JobState.COMPLETED) completed++;
            else if (st != JobState.RUNNING && st != JobState.PENDING) failures++;
            if (st != JobState.COMPLETED && st != JobState.RUNNING && st != JobState.PENDING && j.end() != null)
                lastFailure.put(key, j.end());
            if (j.submit() != null && (first == null || j.submit().isBefore(first))) first = j.submit();
            if (j.end() != null && (last == null || j.end().isAfter(last))) last = j.end();
            i++;
        }
        long wall = first != null && last != null ? Math.max(0, Duration.between(first, last).getSeconds()) : 0;
        double medReq = median(req), medUsed = median(used);
        long medMem = medianL(mem), medLimit = medianL(limit), medRun = medianL(run), medWait = medianL(wait);
        List<String> f = new ArrayList<>();
        if (ooms > 0) f.add(ooms + " of " + n + " jobs ran out of memory");
        if (timeouts > 0) f.add(timeouts + " of " + n + " jobs timed out");
        if (medWait > 2 * Math.max(1, medRun)) f.add("it waits " + human(medWait) + " for " + human(medRun) + " of work: queue-bound");
        if (peak > 0 && medMem > 4 * peak) f.add("asks " + gib(medMem) + " of memory and peaks at " + gib(peak));
        if (medReq >= 2 && medUsed < medReq / 2) f.add(String.format(java.util.Locale.ROOT, "uses %.1f of %.0f CPUs", medUsed, medReq));
        if (medLimit > 4 * Math.max(60, medRun) && medRun > 0) f.add("its limit " + human(medLimit) + " is " + medLimit / Math.max(1, medRun) + "x its runtime");
        if (median(gpus) > 0 && medRun > 0) f.add("holds " + (int) median(gpus) + " GPU" + (median(gpus) > 1 ? "s" : "")
                + ": check its GPU utilisation (try the CPU lane)");
        double throughput = wall > 0 ? completed / (wall / 3600.0) : 0;
        return new StageHistory(s.name(), pattern(s), n, medReq, medUsed, medMem, peak, median(gpus), null, medLimit,
                medRun, medWait, ooms, timeouts, failures, retries, throughput, wall, f);
    }

    static Pattern glob(String g) {
        StringBuilder b = new StringBuilder();
        for (char ch : g.toCharArray()) {
            if (ch == '*') b.append(".*");
            else if (ch == '?') b.append('.');
            else b.append(Pattern.quote(String.valueOf(ch)));
        }
        return Pattern.compile(b.toString());
    }

    private static double median(double[] v) {
        if (v.length == 0) return 0;
        double[] c = v.clone();
        Arrays.sort(c);
        return c[c.length / 2];
    }

    private static long medianL(long[] v) {
        if (v.length == 0) return 0;
        long[] c = v.clone();
        Arrays.sort(c);
        return c[c.length / 2];
    }

    static String human(long s) {
        if (s >= 86400) return String.format(java.util.Locale.ROOT, "%.1fd", s / 86400.0);
        if (s >= 3600) return String.format(java.util.Locale.ROOT, "%.1fh", s / 3600.0);
        if (s >= 60) return s / 60 + "m";
        return s + "s";
    }

    static String gib(long b) {
        return Runner.gib(b);
    }

    /** Per stage name, its history (for reports). */
    public static Map<String, StageHistory> byStage(Result r) {
        Map<String, StageHistory> out = new LinkedHashMap<>();
        for (StageHistory h : r.stages()) out.put(h.stage(), h);
        return out;
    }
}
