package dev.reckon.review;

import dev.reckon.review.Review.JobClass;
import dev.reckon.review.Review.JobVerdict;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * What each class of job consumed, period by period: the review's shares over time. Each job's CPU- and GPU-hours are
 * spread evenly over the time it ran (start to end, or to {@code now} while it runs) and each period gets the part
 * that fell inside it; the parts outside the window are left out, and jobs that never started count for nothing.
 * Periods are UTC days for windows up to {@value #MAX_DAYS} days, Monday-to-Monday UTC weeks up to
 * {@value #MAX_WEEKS} weeks, and UTC calendar months beyond. A pure function of its arguments.
 *
 * @param unit    {@code day}, {@code week} or {@code month}
 * @param periods the periods in time order, covering the window; empty when no job ran in it
 */
public record ClassSeries(String unit, List<Period> periods) {
    /** Longest window, in days, shown day by day. */
    public static final int MAX_DAYS = 62;
    /** Longest window, in weeks, shown week by week. */
    public static final int MAX_WEEKS = 104;

    public ClassSeries {
        periods = List.copyOf(periods);
    }

    /**
     * One period, {@code [start, end)}, with each class's hours in it.
     *
     * @param cpuHours CPU-hours per class, indexed by {@link JobClass#ordinal()}
     * @param gpuHours GPU-hours per class, indexed the same way
     */
    public record Period(Instant start, Instant end, List<Double> cpuHours, List<Double> gpuHours) {
        public Period {
            cpuHours = List.copyOf(cpuHours);
            gpuHours = List.copyOf(gpuHours);
        }

        /** The class's CPU-hours in this period. */
        public double cpu(JobClass k) {
            return cpuHours.get(k.ordinal());
        }

        /** The class's GPU-hours in this period. */
        public double gpu(JobClass k) {
            return gpuHours.get(k.ordinal());
        }
    }

    /** Whether any period holds any GPU-hours. */
    public boolean hasGpu() {
        for (Period p : periods) for (double g : p.gpuHours) if (g > 0) return true;
        return false;
    }

    /**
     * The series of the window {@code [since, until)}. An open start is the earliest job start; an open end, or one
     * after {@code now}, is {@code now}.
     */
    public static ClassSeries of(List<JobVerdict> jobs, Instant since, Instant until, Instant now) {
        Instant from = since;
        if (from == null) {
            for (JobVerdict v : jobs) if (v.start() != null && (from == null || v.start().isBefore(from))) from = v.start();
        }
        Instant to = until == null || until.isAfter(now) ? now : until;
        if (from == null || !from.isBefore(to)) return new ClassSeries("day", List.of());

        long days = Duration.between(from, to).toDays();
        String unit = days <= MAX_DAYS ? "day" : days <= MAX_WEEKS * 7L ? "week" : "month";
        List<Instant> bounds = new ArrayList<>();
        ZonedDateTime t = periodStart(from.atZone(ZoneOffset.UTC), unit);
        while (t.toInstant().isBefore(to)) {
            bounds.add(t.toInstant());
            t = next(t, unit);
        }
        bounds.add(t.toInstant());

        int n = bounds.size() - 1;
        int classes = JobClass.values().length;
        double[][] cpu = new double[n][classes];
        double[][] gpu = new double[n][classes];
        for (JobVerdict v : jobs) {
            if (v.start() == null || (v.cpuHours() <= 0 && v.gpuHours() <= 0)) continue;
            Instant s = v.start();
            Instant e = v.end() == null ? now : v.end();
            if (e.isBefore(s)) e = s;
            int k = v.jobClass().ordinal();
            long length = Duration.between(s, e).toMillis();
            if (length == 0) {
                if (s.isBefore(from) || !s.isBefore(to)) continue;
                int i = index(bounds, s);
                cpu[i][k] += v.cpuHours();
                gpu[i][k] += v.gpuHours();
                continue;
            }
            Instant a = s.isBefore(from) ? from : s;
            Instant b = e.isAfter(to) ? to : e;
            if (!a.isBefore(b)) continue;
            for (int i = index(bounds, a); i < n && bounds.get(i).isBefore(b); i++) {
                Instant ps = bounds.get(i).isBefore(a) ? a : bounds.get(i);
                Instant pe = bounds.get(i + 1).isAfter(b) ? b : bounds.get(i + 1);
                if (!ps.isBefore(pe)) continue;
                double f = (double) Duration.between(ps, pe).toMillis() / length;
                cpu[i][k] += f * v.cpuHours();
                gpu[i][k] += f * v.gpuHours();
            }
        }

        List<Period> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new Period(bounds.get(i), bounds.get(i + 1), boxed(cpu[i]), boxed(gpu[i])));
        }
        return new ClassSeries(unit, out);
    }

    private static List<Double> boxed(double[] a) {
        List<Double> l = new ArrayList<>(a.length);
        for (double d : a) l.add(d);
        return l;
    }

    /** The index of the period holding {@code t}, which lies in {@code [bounds[0], bounds[last])}. */
    private static int index(List<Instant> bounds, Instant t) {
        int i = Collections.binarySearch(bounds, t);
        return i >= 0 ? i : -i - 2;
    }

    private static ZonedDateTime periodStart(ZonedDateTime t, String unit) {
        ZonedDateTime day = t.truncatedTo(ChronoUnit.DAYS);
        return switch (unit) {
            case "day" -> day;
            case "week" -> day.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
            default -> day.withDayOfMonth(1);
        };
    }

    private static ZonedDateTime next(ZonedDateTime t, String unit) {
        return switch (unit) {
            case "day" -> t.plusDays(1);
            case "week" -> t.plusWeeks(1);
            default -> t.plusMonths(1);
        };
    }
}
