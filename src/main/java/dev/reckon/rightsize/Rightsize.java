package dev.reckon.rightsize;

import dev.reckon.model.Job;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Right-sizing from history alone: for a group of jobs that ended, the shape (CPUs, memory, time limit, GPUs) that
 * would have covered the given percentile of them with a margin, the evidence, and what it would have freed. Pure:
 * no file, no clock. The rules (docs/rightsize.md), with {@link Defaults#STANDARD}:
 * <ul>
 * <li>memory: the p95 of the peaks of jobs that did not run out of memory, x1.25 and at least +512 MiB; after OOMs
 *     (OUT_OF_MEMORY, or FAILED 0:9 / 0:125) at least 1.5x the largest allocation that ran out; never below the
 *     largest peak of a COMPLETED job; rounded up to 256 MiB;</li>
 * <li>time: the p95 of the elapsed times of COMPLETED jobs, x1.25 and at least +5 min; after TIMEOUTs at least
 *     1.5x the longest limit they hit; rounded up as partitions expect ({@link #roundTime});</li>
 * <li>CPUs: ceil(CPUs asked x the p95 of CPU efficiency x 1.2), at least 1, never more than asked;</li>
 * <li>GPUs: 0 (the CPU lane) when the p95 of the known GPU utilisation is below 5%; else as asked.</li>
 * </ul>
 * "Asked" is the largest allocation in the group. Percentiles are nearest-rank: the value at rank ceil(p/100 x n)
 * of the n values sorted. Freed hours are, per job, what it held minus what the recommended shape would have held
 * for the same elapsed time, never negative; jobs that ran out of memory or time free nothing.
 */
public final class Rightsize {
    private static final long MIB = 1L << 20;
    private static final long GIB = 1L << 30;

    private Rightsize() {
    }

    /** The ways jobs are grouped: by user and job-name signature (the default), or by one of the others. */
    public enum By {
        SIGNATURE, USER, NAME, CHARTER, ACCOUNT, CLUSTER;

        public String word() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The grouping for a word, or null. */
        public static By of(String word) {
            for (By b : values()) if (b.word().equalsIgnoreCase(word.strip())) return b;
            return null;
        }
    }

    /** A job's name with every run of digits replaced by {@code *}: {@code train_042.sh} -> {@code train_*.sh}. */
    public static String signature(String name) {
        if (name == null || name.isEmpty()) return "(no name)";
        StringBuilder b = new StringBuilder(name.length());
        boolean inDigits = false;
        for (int k = 0; k < name.length(); k++) {
            char c = name.charAt(k);
            boolean d = c >= '0' && c <= '9';
            if (d && !inDigits) b.append('*');
            else if (!d) b.append(c);
            inDigits = d;
        }
        return b.toString();
    }

    /** The group key of a job for groupings other than {@link By#CHARTER} (whose key the caller knows). */
    public static String key(By by, Job j) {
        return switch (by) {
            case SIGNATURE -> orNone(j.user()) + " " + signature(j.name());
            case USER -> orNone(j.user());
            case NAME -> signature(j.name());
            case ACCOUNT -> orNone(j.account());
            case CLUSTER -> orNone(j.cluster());
            case CHARTER -> throw new IllegalArgumentException("the charter key is the caller's");
        };
    }

    private static String orNone(String s) {
        return s == null || s.isEmpty() ? "(none)" : s;
    }

    // ------------------------------------------------------------------------------------------------ results

    /** A job shape; {@code null} where history gives no figure (the flag is left out, the job keeps its own). */
    public record Shape(Integer cpus, Long memBytes, Long timeS, Integer gpus) {}

    /**
     * What the recommendation rests on.
     *
     * @param jobs                  jobs in the group (ended, started)
     * @param completed             of them COMPLETED
     * @param oom                   ran out of memory
     * @param timeouts              ran out of time
     * @param peakMemBytes          the percentile of peak memory (jobs that did not run out of memory)
     * @param elapsedS              the percentile of elapsed time (COMPLETED jobs)
     * @param cpuEff                the percentile of CPU efficiency
     * @param gpuUtil               the percentile of GPU utilisation (GPU jobs where known)
     * @param gpuUtilKnown          GPU jobs whose utilisation is known
     * @param largestCompletedPeakBytes the largest peak of a COMPLETED job
     * @param largestOomAllocBytes  the largest allocation that ran out of memory
     * @param longestTimeoutLimitS  the longest limit a timeout hit
     * @param multiNode             jobs on more than one node (memory is a job's total; --mem is per node)
     */
    public record Evidence(int jobs, int completed, int oom, int timeouts, Long peakMemBytes, Long elapsedS,
                           Double cpuEff, Double gpuUtil, int gpuUtilKnown, Long largestCompletedPeakBytes,
                           Long largestOomAllocBytes, Long longestTimeoutLimitS, int multiNode) {}

    /** What the recommended shape would have freed over the window: CPU-, GPU- and GiB-hours of memory. */
    public record Freed(double cpuHours, double gpuHours, double memGbHours) {}

    /**
     * One group's recommendation.
     *
     * @param group       the group's key ({@code alice train_*}, a user, a charter...)
     * @param asked       the largest allocation seen in the group (the time: the longest limit)
     * @param recommended the shape to ask for
     * @param sbatch      the recommended shape as sbatch flags
     */
    public record Recommendation(String group, Evidence evidence, Shape asked, Shape recommended, Freed freed,
                                 String sbatch) {}

    /**
     * The recommendations for a window, the most freed first.
     *
     * @param since    the window's start as the caller shows it (ISO-8601), null: none
     * @param until    the window's end, null: none
     * @param by       the grouping word
     * @param jobs     how many ended jobs the groups hold
     * @param defaults the rules' settings in force
     * @param groups   one recommendation per group
     */
    public record Plan(String since, String until, String by, long jobs, Defaults defaults,
                       List<Recommendation> groups) {
        public Plan {
            groups = List.copyOf(groups);
        }
    }

    // ------------------------------------------------------------------------------------------------ groups

    /** Histories by group key, filled one job at a time. */
    public static final class Groups {
        private final Map<String, History> byKey = new LinkedHashMap<>();
        private long jobs;

        /** Adds a job to its group if it {@link History#counts}; returns whether it did. */
        public boolean add(String key, Job j) {
            if (!History.counts(j)) return false;
            byKey.computeIfAbsent(key, k -> new History()).add(j);
            jobs++;
            return true;
        }

        public long jobs() {
            return jobs;
        }

        /** One recommendation per group: the most GPU-hours freed first, then CPU-hours, then memory, then by key. */
        public List<Recommendation> recommend(Defaults d) {
            List<Recommendation> out = new ArrayList<>(byKey.size());
            byKey.forEach((k, h) -> out.add(Rightsize.recommend(k, h, d)));
            out.sort(Comparator.comparingDouble((Recommendation r) -> -r.freed().gpuHours())
                    .thenComparingDouble(r -> -r.freed().cpuHours())
                    .thenComparingDouble(r -> -r.freed().memGbHours())
                    .thenComparing(Recommendation::group));
            return out;
        }
    }

    // ------------------------------------------------------------------------------------------------ the rules

    /** The recommendation for one group's history. */
    public static Recommendation recommend(String group, History h, Defaults d) {
        int n = h.size();
        double p = d.percentile();
        long[] peaks = new long[n];
        long[] elapsedDone = new long[n];
        double[] effs = new double[n];
        double[] utils = new double[n];
        int np = 0, ne = 0, nf = 0, nu = 0, completed = 0, oom = 0, timeouts = 0, multi = 0;
        long largestDonePeak = -1, largestOomAlloc = -1, longestTimeoutLimit = -1, askedMem = -1, askedTime = -1;
        int askedCpus = 0, askedGpus = 0;
        for (int i = 0; i < n; i++) {
            History.End e = h.end(i);
            Long peak = h.peak(i);
            Long mem = h.mem(i);
            askedCpus = Math.max(askedCpus, h.cpus(i));
            askedGpus = Math.max(askedGpus, h.gpus(i));
            if (mem != null) askedMem = Math.max(askedMem, mem);
            if (h.limit(i) != null) askedTime = Math.max(askedTime, h.limit(i));
            if (h.nodes(i) > 1) multi++;
            if (e == History.End.OOM) {
                oom++;
                Long ran = mem != null ? mem : peak;
                if (ran != null) largestOomAlloc = Math.max(largestOomAlloc, ran);
            } else if (peak != null) {
                peaks[np++] = peak;
            }
            if (e == History.End.COMPLETED) {
                completed++;
                elapsedDone[ne++] = h.elapsed(i);
                if (peak != null) largestDonePeak = Math.max(largestDonePeak, peak);
            }
            if (e == History.End.TIMEOUT) {
                timeouts++;
                Long lim = h.limit(i);
                longestTimeoutLimit = Math.max(longestTimeoutLimit, lim != null ? lim : h.elapsed(i));
            }
            Double cpu = h.cpuTime(i);
            if (cpu != null && h.cpus(i) > 0) effs[nf++] = Math.min(1.0, cpu / ((double) h.elapsed(i) * h.cpus(i)));
            if (h.gpus(i) > 0 && h.gpuUtil(i) != null) utils[nu++] = h.gpuUtil(i);
        }

        Long peakP = np == 0 ? null : percentile(peaks, np, p);
        Long elapsedP = ne == 0 ? null : percentile(elapsedDone, ne, p);
        Double effP = nf == 0 ? null : percentile(effs, nf, p);
        Double utilP = nu == 0 ? null : percentile(utils, nu, p);

        // memory
        Long memRec = null;
        if (peakP != null || largestOomAlloc >= 0) {
            long m = 0;
            if (peakP != null) m = Math.max(ceil(peakP * d.memMargin()), peakP + d.memAddBytes());
            if (largestOomAlloc >= 0) m = Math.max(m, ceil(largestOomAlloc * d.oomBump()));
            if (largestDonePeak >= 0) m = Math.max(m, largestDonePeak);
            memRec = roundUp(Math.max(m, 1), d.memStepBytes());
        }
        // time
        Long timeRec = null;
        if (elapsedP != null || longestTimeoutLimit >= 0) {
            long t = 0;
            if (elapsedP != null) t = Math.max(ceil(elapsedP * d.timeMargin()), elapsedP + d.timeAddS());
            if (longestTimeoutLimit >= 0) t = Math.max(t, ceil(longestTimeoutLimit * d.timeoutBump()));
            timeRec = roundTime(Math.max(t, 60));
        }
        // CPUs
        Integer cpuRec = null;
        if (effP != null && askedCpus > 0) {
            long c = (long) Math.ceil(askedCpus * effP * d.cpuHeadroom() - 1e-9);
            cpuRec = (int) Math.max(1, Math.min(askedCpus, c));
        }
        // GPUs
        int gpuRec = askedGpus > 0 && utilP != null && utilP < d.gpuIdleBelow() ? 0 : askedGpus;

        // what it would have freed
        double cpuH = 0, gpuH = 0, memH = 0;
        for (int i = 0; i < n; i++) {
            History.End e = h.end(i);
            if (e == History.End.OOM || e == History.End.TIMEOUT) continue;
            double hours = h.elapsed(i) / 3600.0;
            if (cpuRec != null) cpuH += Math.max(0, h.cpus(i) - cpuRec) * hours;
            gpuH += Math.max(0, h.gpus(i) - gpuRec) * hours;
            Long mem = h.mem(i);
            if (memRec != null && mem != null) memH += Math.max(0, mem - memRec) / (double) GIB * hours;
        }

        Evidence ev = new Evidence(n, completed, oom, timeouts, peakP, elapsedP, effP, utilP, nu,
                largestDonePeak < 0 ? null : largestDonePeak, largestOomAlloc < 0 ? null : largestOomAlloc,
                longestTimeoutLimit < 0 ? null : longestTimeoutLimit, multi);
        Shape asked = new Shape(askedCpus == 0 ? null : askedCpus, askedMem < 0 ? null : askedMem,
                askedTime < 0 ? null : askedTime, askedGpus);
        Shape rec = new Shape(cpuRec, memRec, timeRec, gpuRec);
        return new Recommendation(group, ev, asked, rec, new Freed(cpuH, gpuH, memH), sbatch(rec, askedGpus > 0));
    }

    /** The nearest-rank percentile {@code p} (0..100] of the first {@code n} values (sorted here). */
    static long percentile(long[] v, int n, double p) {
        Arrays.sort(v, 0, n);
        return v[rank(n, p)];
    }

    static double percentile(double[] v, int n, double p) {
        Arrays.sort(v, 0, n);
        return v[rank(n, p)];
    }

    private static int rank(int n, double p) {
        int r = (int) Math.ceil(p / 100 * n - 1e-9);
        return Math.max(1, Math.min(n, r)) - 1;
    }

    private static long ceil(double v) {
        return (long) Math.ceil(v - 1e-9);
    }

    private static long roundUp(long v, long step) {
        return (v + step - 1) / step * step;
    }

    /**
     * A time limit rounded up as partitions expect: to whole minutes; above an hour to 15 minutes; above a day to
     * whole hours.
     */
    public static long roundTime(long s) {
        long t = roundUp(Math.max(s, 0), 60);
        if (t > 86_400) return roundUp(t, 3600);
        if (t > 3600) return roundUp(t, 900);
        return t;
    }

    /**
     * The shape as sbatch flags: {@code --cpus-per-task=4 --mem=6G --time=01:15:00 --gpus=0}; GPUs only where the
     * group held some; a figure history does not give is left out.
     */
    public static String sbatch(Shape s, boolean gpuGroup) {
        List<String> f = new ArrayList<>(4);
        if (s.cpus() != null) f.add("--cpus-per-task=" + s.cpus());
        if (s.memBytes() != null) f.add("--mem=" + mem(s.memBytes()));
        if (s.timeS() != null) f.add("--time=" + time(s.timeS()));
        if (gpuGroup && s.gpus() != null) f.add("--gpus=" + s.gpus());
        return String.join(" ", f);
    }

    /** Memory as sbatch takes it: whole GiB as {@code 6G}, else MiB (rounded up) as {@code 1536M}. */
    public static String mem(long bytes) {
        if (bytes % GIB == 0) return bytes / GIB + "G";
        return (bytes + MIB - 1) / MIB + "M";
    }

    /** A time limit as sbatch takes it: {@code HH:MM:SS}, {@code D-HH:MM:SS} from a day. */
    public static String time(long s) {
        long d = s / 86_400;
        long r = s % 86_400;
        String hms = String.format(Locale.ROOT, "%02d:%02d:%02d", r / 3600, (r / 60) % 60, r % 60);
        return d > 0 ? d + "-" + hms : hms;
    }
}
