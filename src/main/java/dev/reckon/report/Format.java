package dev.reckon.report;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** How figures read on a terminal: Slurm-style durations, binary sizes, percentages, local times. */
public final class Format {
    private static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss");

    private Format() {}

    /** {@code [D-]HH:MM:SS}, as Slurm prints durations; {@code -} when unknown. */
    public static String duration(Number seconds) {
        if (seconds == null) return "-";
        long s = Math.round(seconds.doubleValue());
        long d = s / 86400;
        s %= 86400;
        String hms = String.format(Locale.ROOT, "%02d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60);
        return d > 0 ? d + "-" + hms : hms;
    }

    /** A duration in the largest unit that reads at a glance: {@code 45 s}, {@code 12 min}, {@code 3.5 h}, {@code 61.1 days}. */
    public static String roughly(Number seconds) {
        if (seconds == null) return "-";
        double s = Math.abs(seconds.doubleValue());
        String sign = seconds.doubleValue() < 0 ? "-" : "";
        if (s < 60) return sign + Math.round(s) + " s";
        if (s < 3600) return sign + Math.round(s / 60) + " min";
        if (s < 86400) return sign + number(s / 3600) + " h";
        return sign + number(s / 86400) + " days";
    }

    /** A size in binary units with two decimals above bytes: {@code 1.50 GiB}; {@code -} when unknown. */
    public static String bytes(Long b) {
        if (b == null) return "-";
        double v = b;
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
        int u = 0;
        while (Math.abs(v) >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return u == 0 ? b + " B" : String.format(Locale.ROOT, "%.2f %s", v, units[u]);
    }

    /**
     * A fraction as a percentage with one decimal, {@code 45.2%}; below 1% with two significant digits, so that a
     * small share is not shown as nothing ({@code 0.05%}); {@code -} when unknown; never {@code -0.0%}.
     */
    public static String percent(Double fraction) {
        if (fraction == null || Double.isNaN(fraction)) return "-";
        double p = fraction * 100;
        return (Math.abs(p) >= 0.995 || p == 0 || Double.isInfinite(p) ? noMinusZero(String.format(Locale.ROOT, "%.1f", p))
                : small(p)) + "%";
    }

    /**
     * A quantity as people read it: no decimals from 100 up ({@code 1,234}), one below ({@code 45.2}, {@code 5.0}),
     * and below 1 two significant digits ({@code 0.01}, {@code 0.25}, {@code 0.0012}), so that a small value is never
     * shown as {@code 0.0}; {@code 0.0} only for zero, never {@code -0.0}; {@code -} for NaN.
     */
    public static String number(double v) {
        if (Double.isNaN(v)) return "-";
        if (Double.isInfinite(v)) return v > 0 ? "inf" : "-inf";
        double a = Math.abs(v);
        String s;
        if (a >= 99.95) {
            s = String.format(Locale.ROOT, "%,.0f", v);
        } else if (a >= 0.995 || a == 0) {
            s = String.format(Locale.ROOT, "%.1f", v);
        } else {
            s = small(v);
        }
        return noMinusZero(s);
    }

    /** A value below 1 with two significant digits, at least one decimal: {@code 0.01}, {@code 0.25}, {@code 0.5}. */
    private static String small(double v) {
        BigDecimal d = new BigDecimal(v).round(new MathContext(2, RoundingMode.HALF_EVEN)).stripTrailingZeros();
        return d.scale() < 1 ? d.setScale(1).toPlainString() : d.toPlainString();
    }

    private static String noMinusZero(String s) {
        return negativeZero(s) ? s.substring(1) : s;
    }

    /** Whether a number's text is zero with a minus sign ({@code -0}, {@code -0.0}, {@code -0.00}). */
    private static boolean negativeZero(String s) {
        return s.startsWith("-") && s.substring(1).replace("0", "").replace(".", "").replace(",", "").isEmpty();
    }

    /**
     * The ticks of a chart's axis from 0 to at least {@code max}: about {@code count} steps of 1, 2, 2.5 or 5 times a
     * power of ten ({@code 0, 0.005, 0.01, 0.015}), with labels that tell each apart (as many decimals as the step
     * needs, none more). At least two ticks (0 and 1 when {@code max} is not positive).
     */
    public static Ticks ticks(double max, int count) {
        if (!(max > 0) || Double.isInfinite(max)) max = 1;
        BigDecimal top = BigDecimal.valueOf(max);
        BigDecimal raw = top.divide(BigDecimal.valueOf(Math.max(1, count)), new MathContext(6));
        BigDecimal mag = BigDecimal.ONE.scaleByPowerOfTen(raw.precision() - raw.scale() - 1);
        BigDecimal step = mag.multiply(BigDecimal.TEN);
        for (String m : new String[] {"1", "2", "2.5", "5"}) {
            BigDecimal c = mag.multiply(new BigDecimal(m));
            if (c.compareTo(raw) >= 0) {
                step = c;
                break;
            }
        }
        int n = Math.max(1, top.divide(step, 0, RoundingMode.CEILING).intValue());
        int decimals = Math.max(0, step.stripTrailingZeros().scale());
        double[] values = new double[n + 1];
        String[] labels = new String[n + 1];
        for (int i = 0; i <= n; i++) {
            BigDecimal t = step.multiply(BigDecimal.valueOf(i)).setScale(decimals, RoundingMode.HALF_EVEN);
            values[i] = t.doubleValue();
            labels[i] = String.format(Locale.ROOT, "%,." + Math.max(0, t.stripTrailingZeros().scale()) + "f", t);
        }
        return new Ticks(values, labels);
    }

    /** An axis' tick values, increasing from 0, and their labels, all distinct. */
    public record Ticks(double[] values, String[] labels) {
        public double max() {
            return values[values.length - 1];
        }
    }

    /** A local wall-clock time as Slurm prints it; {@code -} when unknown. */
    public static String time(Instant t, ZoneId zone) {
        return t == null ? "-" : LOCAL.format(t.atZone(zone));
    }

    /** A zone as a column header says it: {@code UTC}, else its id ({@code Europe/Stockholm}). */
    public static String zone(ZoneId zone) {
        if (zone.normalized().equals(java.time.ZoneOffset.UTC) || java.util.Set.of("UTC", "Etc/UTC", "GMT", "Etc/GMT", "Z")
                .contains(zone.getId())) return "UTC";
        return zone.getId().startsWith("+") || zone.getId().startsWith("-") ? "UTC" + zone.getId() : zone.getId();
    }

    /** ISO-8601 with the zone's offset, for JSON: {@code 2023-04-01T12:00:00+02:00}; null when unknown. */
    public static String isoTime(Instant t, ZoneId zone) {
        return t == null ? null : DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(t.atZone(zone));
    }

    public static String orDash(Object o) {
        return o == null || o.toString().isEmpty() ? "-" : o.toString();
    }
}
