package dev.reckon.core;

import dev.reckon.model.Tres;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Parsers for the value syntaxes Slurm prints (sacct, squeue, scontrol) and accepts ({@code -t}, {@code --mem}).
 * Every parser returns {@code null} for an empty value and throws {@link IllegalArgumentException} with a message
 * that quotes the value for anything it cannot read; readers turn that into an {@link InputError} with file, line
 * and field.
 *
 * <p>Units, as verified in Slurm's source ({@code src/sacct/print.c}, {@code slurmdb_make_tres_string_from_simple}
 * in {@code src/common/slurmdb_defs.c}):
 * <ul>
 *   <li>{@code ReqMem} is printed from the job's requested TRES in MiB ({@code UNIT_MEGA}): a bare number, as
 *       {@code --noconvert} prints it, is MiB. Before 21.08 it carried an {@code n} (per node) or {@code c}
 *       (per CPU) suffix; since then it is the job's total.</li>
 *   <li>In {@code AllocTRES}/{@code ReqTRES} the {@code mem=} (and {@code gres/gpumem=}, {@code bb/*}) values are
 *       MiB: bare numbers under {@code --noconvert} are MiB.</li>
 *   <li>In {@code TRESUsage*} strings (flag {@code TRES_STR_FLAG_BYTES}) sizes are bytes: a bare {@code mem=}
 *       number is bytes; {@code cpu=} is always printed as a time ({@code [D-]HH:MM:SS}), in seconds.</li>
 *   <li>{@code MaxRSS}/{@code AveRSS} are bytes since 18.08 ({@code UNIT_NONE}): a bare number is bytes.</li>
 *   <li>A TRES whose count is infinite prints as {@code NONE}; it is treated as absent.</li>
 * </ul>
 * Size suffixes K, M, G, T, P, E are powers of 1024, as Slurm's {@code convert_num_unit} uses them.
 */
public final class SlurmSyntax {

    private SlurmSyntax() {
    }

    /** How a memory request was expressed. */
    public enum MemPer {
        /** The job's total ({@code ReqMem} since Slurm 21.08, or a TRES {@code mem=}). */
        JOB,
        /** Per allocated node: the old {@code n} suffix ({@code --mem}). */
        NODE,
        /** Per allocated CPU: the old {@code c} suffix ({@code --mem-per-cpu}). */
        CPU
    }

    /**
     * A memory request as {@code ReqMem} printed it.
     *
     * @param bytes the amount, in bytes, per {@code per}
     * @param per   what the amount is counted per
     */
    public record MemRequest(long bytes, MemPer per) {
        /**
         * The job's total: per-node amounts times nodes, per-CPU amounts times CPUs; a count that is unknown or
         * below 1 counts as 1.
         *
         * @throws IllegalArgumentException when the total overflows
         */
        public long total(Integer nodes, Integer cpus) {
            long n = switch (per) {
                case JOB -> 1;
                case NODE -> nodes == null || nodes < 1 ? 1 : nodes;
                case CPU -> cpus == null || cpus < 1 ? 1 : cpus;
            };
            try {
                return Math.multiplyExact(bytes, n);
            } catch (ArithmeticException e) {
                throw new IllegalArgumentException("memory request of " + bytes + " bytes x " + n + " is too large");
            }
        }
    }

    // ------------------------------------------------------------------------------------------------ durations

    /**
     * A duration in whole seconds (fractions rounded half up): {@code [D-]HH:MM:SS[.fff]}, {@code MM:SS[.fff]},
     * {@code D-HH}, {@code D-HH:MM}, or plain minutes as {@code -t} takes them. {@code null} for empty,
     * {@code UNLIMITED}, {@code Partition_Limit}, {@code INVALID}, {@code NONE}.
     */
    public static Long durationSeconds(String s) {
        long ms = commonDurationMillis(s);
        if (ms >= 0) return ms % 1000 >= 500 ? ms / 1000 + 1 : ms / 1000;
        long[] out = new long[2];
        if (!parseDuration(s, out)) return null;
        return out[1] >= 500_000_000L ? out[0] + 1 : out[0];
    }

    /** Like {@link #durationSeconds(String)} but keeps fractions of a second, e.g. TotalCPU {@code 01:02.345}. */
    public static Double durationSecondsExact(String s) {
        long ms = commonDurationMillis(s);
        if (ms >= 0) return ms / 1000 + (ms % 1000 * 1_000_000L) / 1e9;
        long[] out = new long[2];
        if (!parseDuration(s, out)) return null;
        return out[0] + out[1] / 1e9;
    }

    /** Parses into out[0] whole seconds and out[1] nanoseconds; false for the empty and no-limit words. */
    private static boolean parseDuration(String s, long[] out) {
        if (s == null) return false;
        int len = s.length();
        if (len == 0 || isNoLimit(s)) return false;
        long days = -1;
        int i = 0;
        int dash = s.indexOf('-');
        if (dash >= 0) {
            days = digits(s, 0, dash, s);
            i = dash + 1;
            if (i >= len) throw bad(s, "is not a duration");
        }
        long a = -1, b = -1, c = -1;
        int count = 0;
        int fracStart = -1, fracEnd = -1;
        int start = i;
        for (int k = i; k <= len; k++) {
            char ch = k < len ? s.charAt(k) : ':';
            if (ch == ':' ) {
                if (fracStart >= 0) throw bad(s, "is not a duration");
                long v = digits(s, start, k, s);
                if (count == 0) a = v; else if (count == 1) b = v; else if (count == 2) c = v;
                else throw bad(s, "is not a duration");
                count++;
                start = k + 1;
            } else if (ch == '.') {
                if (fracStart >= 0) throw bad(s, "is not a duration");
                long v = digits(s, start, k, s);
                if (count == 0) a = v; else if (count == 1) b = v; else if (count == 2) c = v;
                else throw bad(s, "is not a duration");
                count++;
                fracStart = k + 1;
                int e = fracStart;
                while (e < len && isDigit(s.charAt(e))) e++;
                if (e != len || e == fracStart) throw bad(s, "is not a duration");
                fracEnd = e;
                break;
            }
        }
        long secs;
        boolean secondsLast;
        try {
            if (days >= 0) {
                // D-HH, D-HH:MM, D-HH:MM:SS
                long h = a, m = count >= 2 ? b : 0, sec = count >= 3 ? c : 0;
                secondsLast = count == 3;
                secs = Math.addExact(Math.addExact(Math.multiplyExact(days, 86400L), Math.multiplyExact(h, 3600L)),
                        Math.addExact(Math.multiplyExact(m, 60L), sec));
            } else if (count == 1) {
                secondsLast = false; // plain minutes
                secs = Math.multiplyExact(a, 60L);
            } else if (count == 2) {
                secondsLast = true; // MM:SS
                secs = Math.addExact(Math.multiplyExact(a, 60L), b);
            } else {
                secondsLast = true; // HH:MM:SS
                secs = Math.addExact(Math.addExact(Math.multiplyExact(a, 3600L), Math.multiplyExact(b, 60L)), c);
            }
        } catch (ArithmeticException e) {
            throw bad(s, "is too large a duration");
        }
        if (fracStart >= 0 && !secondsLast) throw bad(s, "is not a duration");
        long nanos = 0;
        if (fracStart >= 0) {
            int n = Math.min(fracEnd - fracStart, 9);
            for (int k = fracStart; k < fracStart + n; k++) nanos = nanos * 10 + (s.charAt(k) - '0');
            for (int k = n; k < 9; k++) nanos *= 10;
        }
        out[0] = secs;
        out[1] = nanos;
        return true;
    }

    /**
     * The forms sacct prints nearly always, {@code HH:MM:SS}, {@code D-HH:MM:SS}, {@code DD-HH:MM:SS} and
     * {@code MM:SS.mmm}, read at their fixed places as {@link #parseDuration} reads them, in milliseconds; -1 for any
     * other text (read there). Without a loop (the general reader's loop, inlined into a caller that parses a whole
     * line, had the optimising compiler compile that caller again four times after its hoisted loop checks failed),
     * and without the general reader's array.
     */
    private static long commonDurationMillis(String s) {
        if (s == null) return -1;
        int len = s.length();
        int at;
        long days = 0;
        if (len == 8) {
            at = 0;
        } else if (len == 10 && s.charAt(1) == '-') {
            days = digit(s, 0);
            at = 2;
        } else if (len == 11 && s.charAt(2) == '-') {
            days = digit(s, 0) * 10 + digit(s, 1);
            at = 3;
        } else if (len == 9 && s.charAt(2) == ':' && s.charAt(5) == '.') {
            long m = digit(s, 0) * 10 + digit(s, 1), sec = digit(s, 3) * 10 + digit(s, 4);
            long ms = digit(s, 6) * 100 + digit(s, 7) * 10 + digit(s, 8);
            if ((m | sec | ms) < 0) return -1;
            return (m * 60 + sec) * 1000 + ms;
        } else {
            return -1;
        }
        if (s.charAt(at + 2) != ':' || s.charAt(at + 5) != ':') return -1;
        long h = digit(s, at) * 10 + digit(s, at + 1), m = digit(s, at + 3) * 10 + digit(s, at + 4);
        long sec = digit(s, at + 6) * 10 + digit(s, at + 7);
        if ((days | h | m | sec) < 0) return -1;
        return (days * 86_400L + h * 3600 + m * 60 + sec) * 1000;
    }

    /** The digit at i, or a large negative number (making any sum of such terms negative) where there is none. */
    private static long digit(String s, int i) {
        int d = s.charAt(i) - '0';
        return d >= 0 && d <= 9 ? d : -1_000_000L;
    }

    private static boolean isNoLimit(String s) {
        char c = s.charAt(0);
        if (c >= '0' && c <= '9') return false;
        return s.equalsIgnoreCase("UNLIMITED") || s.equalsIgnoreCase("Partition_Limit")
                || s.equalsIgnoreCase("INVALID") || s.equalsIgnoreCase("NONE");
    }

    // ------------------------------------------------------------------------------------------------ sizes

    /**
     * A size in bytes: a number, optionally with a fraction ({@code 1.50G}), and an optional unit K, M, G, T, P or E
     * (powers of 1024, either case). A number without a unit is in {@code defaultUnit}: {@code 'B'} for bytes, or one
     * of the unit letters. Fractional results are rounded to the nearest byte. {@code null} for empty.
     */
    public static Long sizeBytes(String s, char defaultUnit) {
        if (s == null || s.isEmpty()) return null;
        return sizeBytes(s, 0, s.length(), defaultUnit, s);
    }

    private static long sizeBytes(String s, int from, int to, char defaultUnit, String whole) {
        if (from >= to) throw bad(whole, "is not a size");
        char last = s.charAt(to - 1);
        int shift;
        int numEnd = to;
        if (isDigit(last) || last == '.') {
            shift = unitShift(defaultUnit);
        } else {
            shift = unitShift(last);
            if (shift < 0) throw bad(whole, "is not a size");
            numEnd = to - 1;
        }
        if (from >= numEnd) throw bad(whole, "is not a size");
        int dot = -1;
        for (int k = from; k < numEnd; k++) {
            char ch = s.charAt(k);
            if (ch == '.') {
                if (dot >= 0) throw bad(whole, "is not a size");
                dot = k;
            } else if (!isDigit(ch)) {
                throw bad(whole, "is not a size");
            }
        }
        if (dot < 0) {
            long v = digits(s, from, numEnd, whole);
            if (shift == 0) return v;
            if (v > (Long.MAX_VALUE >> shift)) throw bad(whole, "is too large a size");
            return v << shift;
        }
        if (dot == from && dot == numEnd - 1) throw bad(whole, "is not a size");
        double v;
        try {
            v = Double.parseDouble(s.substring(from, numEnd));
        } catch (NumberFormatException e) {
            throw bad(whole, "is not a size");
        }
        double bytes = Math.scalb(v, shift);
        if (!(bytes < 0x1p63)) throw bad(whole, "is too large a size");
        return Math.round(bytes);
    }

    private static int unitShift(char u) {
        return switch (u) {
            case 'B', 'b', '\0' -> 0;
            case 'K', 'k' -> 10;
            case 'M', 'm' -> 20;
            case 'G', 'g' -> 30;
            case 'T', 't' -> 40;
            case 'P', 'p' -> 50;
            case 'E', 'e' -> 60;
            default -> -1;
        };
    }

    /**
     * A {@code ReqMem} value: {@code 4Gn} (per node) and {@code 2Gc} (per CPU) as Slurm before 21.08 printed them,
     * or a plain size ({@code 16G}), the job's total. A bare number is MiB. {@code null} for empty.
     */
    public static MemRequest reqMem(String s) {
        if (s == null || s.isEmpty()) return null;
        char last = s.charAt(s.length() - 1);
        MemPer per = MemPer.JOB;
        int end = s.length();
        if (last == 'n' || last == 'c') {
            per = last == 'n' ? MemPer.NODE : MemPer.CPU;
            end--;
        }
        return new MemRequest(sizeBytes(s, 0, end, 'M', s), per);
    }

    // ------------------------------------------------------------------------------------------------ TRES

    /**
     * A TRES string, {@code billing=8,cpu=6,mem=64G,node=1,gres/gpu=2,gres/gpu:a100=2}. With {@code usage} false
     * (AllocTRES, ReqTRES) {@code cpu=} is a count and a bare {@code mem=} is MiB; with {@code usage} true
     * (TRESUsageInTot and kin) {@code cpu=} is a time in seconds and a bare {@code mem=} is bytes. GPUs are the
     * untyped {@code gres/gpu=} count when present, else the sum of the typed {@code gres/gpu:TYPE=} counts, never
     * both; {@code gres/gpumem} and {@code gres/gpuutil} are not GPUs. Values printed as {@code NONE} (infinite)
     * are left out. An empty string is {@link Tres#EMPTY}.
     */
    public static Tres tres(String s, boolean usage) {
        if (s == null || s.isEmpty()) return Tres.EMPTY;
        Double cpu = null, billing = null;
        Long mem = null;
        Integer nodes = null;
        long gpuUntyped = -1, gpuTyped = -1;
        Map<String, String> other = new LinkedHashMap<>();
        int len = s.length();
        int start = 0;
        while (start <= len) {
            int comma = s.indexOf(',', start);
            int end = comma < 0 ? len : comma;
            int eq = s.indexOf('=', start);
            if (eq < 0 || eq >= end || eq == start) throw bad(s, "is not a TRES list (name=value,...)");
            String name = s.substring(start, eq);
            String value = s.substring(eq + 1, end);
            if (value.isEmpty()) throw bad(s, "has no value for " + name);
            if (!value.equals("NONE")) {
                other.put(name, value);
                switch (name) {
                    case "cpu" -> cpu = usage ? durationOrNumber(value, s) : number(value, s);
                    case "mem" -> mem = sizeBytes(value, 0, value.length(), usage ? 'B' : 'M', s);
                    case "node" -> nodes = toInt(count(value, s), s);
                    case "billing" -> billing = number(value, s);
                    default -> {
                        if (name.equals("gres/gpu")) {
                            gpuUntyped = count(value, s);
                        } else if (name.startsWith("gres/gpu:")) {
                            long c = count(value, s);
                            gpuTyped = gpuTyped < 0 ? c : addOrFail(gpuTyped, c, s);
                        }
                    }
                }
            }
            if (comma < 0) break;
            start = comma + 1;
            if (start == len) throw bad(s, "ends with a comma");
        }
        Integer gpus = gpuUntyped >= 0 ? toInt(gpuUntyped, s) : gpuTyped >= 0 ? toInt(gpuTyped, s) : null;
        return new Tres(cpu, mem, gpus, nodes, billing, Collections.unmodifiableMap(other));
    }

    /**
     * One entry of a TRES string without building the whole record: the value of {@code name} as text, or
     * {@code null} when the string does not name it (or names it {@code NONE}). For fast readers.
     */
    public static String tresValue(String tres, String name) {
        if (tres == null || tres.isEmpty()) return null;
        int from = 0;
        int nl = name.length();
        while (true) {
            int at = tres.indexOf(name, from);
            if (at < 0) return null;
            int after = at + nl;
            if ((at == 0 || tres.charAt(at - 1) == ',') && after < tres.length() && tres.charAt(after) == '=') {
                int comma = tres.indexOf(',', after);
                String v = tres.substring(after + 1, comma < 0 ? tres.length() : comma);
                return v.equals("NONE") ? null : v;
            }
            from = at + 1;
        }
    }

    /**
     * The GPU count of a TRES string (see {@link #tres(String, boolean)}) without building the whole record;
     * {@code null} when it names no GPU.
     */
    public static Integer tresGpus(String tres) {
        if (tres == null || tres.isEmpty()) return null;
        int at = tres.indexOf("gres/gpu");
        if (at < 0) return null;
        Tres t = tres(tres, false);
        return t.gpus();
    }

    private static Double durationOrNumber(String v, String whole) {
        if (v.indexOf(':') >= 0 || v.indexOf('-') >= 0) {
            try {
                return durationSecondsExact(v);
            } catch (IllegalArgumentException e) {
                throw bad(whole, "has a cpu time that is not a duration");
            }
        }
        return number(v, whole);
    }

    private static Double number(String v, String whole) {
        for (int k = 0; k < v.length(); k++) {
            char ch = v.charAt(k);
            if (!isDigit(ch) && ch != '.') throw bad(whole, "has \"" + v + "\" where a number belongs");
        }
        try {
            double d = Double.parseDouble(v);
            if (Double.isInfinite(d)) throw bad(whole, "has too large a number \"" + v + "\"");
            return d;
        } catch (NumberFormatException e) {
            throw bad(whole, "has \"" + v + "\" where a number belongs");
        }
    }

    private static long count(String v, String whole) {
        return digits(v, 0, v.length(), whole);
    }

    private static long addOrFail(long a, long b, String whole) {
        try {
            return Math.addExact(a, b);
        } catch (ArithmeticException e) {
            throw bad(whole, "has too large a count");
        }
    }

    private static Integer toInt(long v, String whole) {
        if (v > Integer.MAX_VALUE) throw bad(whole, "has too large a count");
        return (int) v;
    }

    /**
     * A non-negative whole number that fits an int (AllocCPUS, NNodes, NTasks, ...). {@code null} for empty.
     */
    public static Integer count(String s) {
        if (s == null || s.isEmpty()) return null;
        long v = digits(s, 0, s.length(), s);
        if (v > Integer.MAX_VALUE) throw bad(s, "is too large a count");
        return (int) v;
    }

    /** A non-negative whole number that fits a long (ElapsedRaw, CPUTimeRAW, ...). {@code null} for empty. */
    public static Long wholeNumber(String s) {
        if (s == null || s.isEmpty()) return null;
        return digits(s, 0, s.length(), s);
    }

    // ------------------------------------------------------------------------------------------------ times

    /**
     * A point in time as sacct prints it, {@code 2023-04-01T12:00:00} (also with a space for the {@code T}), read in
     * {@code zone}; all digits are epoch seconds ({@code SLURM_TIME_FORMAT=%s}). {@code null} for empty,
     * {@code None} and {@code Unknown}.
     */
    public static Instant time(String s, ZoneId zone) {
        if (s == null || s.isEmpty()) return null;
        int len = s.length();
        if (!isDigit(s.charAt(0)) && (s.equalsIgnoreCase("None") || s.equalsIgnoreCase("Unknown"))) return null;
        boolean allDigits = true;
        for (int k = 0; k < len; k++) {
            if (!isDigit(s.charAt(k))) {
                allDigits = false;
                break;
            }
        }
        if (allDigits) {
            long v = digits(s, 0, len, s);
            if (v > 253402300799L) throw bad(s, "is too far in the future for a time");
            return Instant.ofEpochSecond(v);
        }
        if (len != 19 || s.charAt(4) != '-' || s.charAt(7) != '-' || (s.charAt(10) != 'T' && s.charAt(10) != ' ')
                || s.charAt(13) != ':' || s.charAt(16) != ':') {
            throw bad(s, "is not a time (YYYY-MM-DDTHH:MM:SS)");
        }
        int y = (int) fixedDigits(s, 0, 4), mo = (int) fixedDigits(s, 5, 7), d = (int) fixedDigits(s, 8, 10);
        int h = (int) fixedDigits(s, 11, 13), mi = (int) fixedDigits(s, 14, 16), se = (int) fixedDigits(s, 17, 19);
        try {
            LocalDateTime local = LocalDateTime.of(y, mo, d, h, mi, se);
            if (zone instanceof ZoneOffset offset) return local.toInstant(offset); // no rules to look up
            return local.atZone(zone).toInstant();
        } catch (DateTimeException e) {
            throw bad(s, "is not a valid date and time");
        }
    }

    private static long fixedDigits(String s, int from, int to) {
        long v = 0;
        for (int k = from; k < to; k++) {
            char ch = s.charAt(k);
            if (!isDigit(ch)) throw bad(s, "is not a time (YYYY-MM-DDTHH:MM:SS)");
            v = v * 10 + (ch - '0');
        }
        return v;
    }

    // ------------------------------------------------------------------------------------------------ exit code

    /**
     * An exit code as sacct prints it, {@code code:signal} ({@code 0:0}, {@code 3:0}, {@code 0:15}); returned as
     * given. {@code null} for empty.
     */
    public static String exitCode(String s) {
        if (s == null || s.isEmpty()) return null;
        int colon = s.indexOf(':');
        if (colon <= 0 || colon == s.length() - 1) throw bad(s, "is not an exit code (code:signal)");
        digits(s, 0, colon, s);
        digits(s, colon + 1, s.length(), s);
        return s;
    }

    // ------------------------------------------------------------------------------------------------ arrays, hosts

    /**
     * The task indexes of a job array's range as squeue and sacct print it inside {@code 123_[...]}: {@code 1-6},
     * {@code 3-6%2} (at most two at once), {@code 1,3,5-9:2} (a step). {@code cap} is the {@code %N} limit, 0 for none.
     */
    public record ArrayRange(long tasks, int cap) {}

    /** Reads a range such as {@code 1-6%2} (without the brackets). */
    public static ArrayRange arrayRange(String s) {
        if (s == null || s.isEmpty()) throw bad(String.valueOf(s), "is not an array range");
        String body = s;
        int cap = 0;
        int pct = s.indexOf('%');
        if (pct >= 0) {
            long c = digits(s, pct + 1, s.length(), s);
            if (c < 1 || c > Integer.MAX_VALUE) throw bad(s, "has a %N limit below 1");
            cap = (int) c;
            body = s.substring(0, pct);
        }
        long tasks = 0;
        for (String part : body.split(",", -1)) {
            int colon = part.indexOf(':');
            long step = 1;
            String span = part;
            if (colon >= 0) {
                step = digits(part, colon + 1, part.length(), s);
                if (step < 1) throw bad(s, "has a step below 1");
                span = part.substring(0, colon);
            }
            int dash = span.indexOf('-');
            long from = digits(span, 0, dash < 0 ? span.length() : dash, s);
            long to = dash < 0 ? from : digits(span, dash + 1, span.length(), s);
            if (to < from) throw bad(s, "has a range that runs backwards");
            tasks = addOrFail(tasks, (to - from) / step + 1, s);
        }
        return new ArrayRange(tasks, cap);
    }

    /**
     * Node names compressed as Slurm writes a host list: {@code n1, n2, n3, n7} as {@code n[1-3,7]}; names that do not
     * end in digits are kept as they are. Numbers keep their width ({@code c01-c02} as {@code c[01-02]}).
     */
    public static String hostlist(java.util.Collection<String> names) {
        Map<String, java.util.TreeMap<Long, String>> byPrefix = new LinkedHashMap<>();
        java.util.List<String> out = new java.util.ArrayList<>();
        Map<String, Integer> where = new LinkedHashMap<>();
        for (String n : names) {
            int k = n.length();
            while (k > 0 && isDigit(n.charAt(k - 1))) k--;
            if (k == n.length() || n.length() - k > 18) {
                out.add(n);
                continue;
            }
            String digits = n.substring(k);
            String key = n.substring(0, k) + "\u0000" + (digits.length() > 1 && digits.charAt(0) == '0' ? digits.length() : 0);
            if (!where.containsKey(key)) {
                where.put(key, out.size());
                out.add(null);
            }
            byPrefix.computeIfAbsent(key, x -> new java.util.TreeMap<>()).put(Long.parseLong(digits), digits);
        }
        for (Map.Entry<String, java.util.TreeMap<Long, String>> e : byPrefix.entrySet()) {
            String prefix = e.getKey().substring(0, e.getKey().indexOf('\u0000'));
            java.util.TreeMap<Long, String> nums = e.getValue();
            if (nums.size() == 1) {
                out.set(where.get(e.getKey()), prefix + nums.firstEntry().getValue());
                continue;
            }
            StringBuilder b = new StringBuilder(prefix).append('[');
            Long start = null, prev = null;
            for (Long v : nums.keySet()) {
                if (start == null) {
                    start = prev = v;
                } else if (v == prev + 1) {
                    prev = v;
                } else {
                    range(b, nums, start, prev);
                    start = prev = v;
                }
            }
            range(b, nums, start, prev);
            out.set(where.get(e.getKey()), b.append(']').toString());
        }
        return String.join(",", out);
    }

    /**
     * The node names of a host list as Slurm writes one ({@link #hostlist}'s inverse): {@code n[1-3,7],gpu01} as
     * {@code n1, n2, n3, n7, gpu01}; numbers keep the width of the range's first ({@code c[01-03]}). At most
     * {@code limit} names (a longer list is refused); an unbalanced bracket or a range that runs backwards is refused.
     */
    public static java.util.List<String> hosts(String list, int limit) {
        java.util.List<String> out = new java.util.ArrayList<>();
        if (list == null) return out;
        String s = list.strip();
        int i = 0;
        while (i < s.length()) {
            int open = -1, end = i;
            while (end < s.length() && s.charAt(end) != ',') {
                if (s.charAt(end) == '[') {
                    open = end;
                    int close = s.indexOf(']', end);
                    if (close < 0) throw bad(s, "has a '[' without its ']'");
                    end = close;
                }
                end++;
            }
            String item = s.substring(i, end);
            if (open < 0) {
                if (!item.isEmpty()) out.add(item);
            } else {
                int o = item.indexOf('['), c = item.indexOf(']');
                String prefix = item.substring(0, o), suffix = item.substring(c + 1);
                for (String part : item.substring(o + 1, c).split(",")) {
                    int dash = part.indexOf('-');
                    String a = dash < 0 ? part : part.substring(0, dash), z = dash < 0 ? part : part.substring(dash + 1);
                    long from = digits(a, 0, a.length(), s), to = digits(z, 0, z.length(), s);
                    if (to < from) throw bad(s, "has a range that runs backwards");
                    for (long v = from; v <= to; v++) {
                        if (out.size() >= limit) throw bad(s, "names more than " + limit + " nodes");
                        String num = Long.toString(v);
                        while (num.length() < a.length()) num = "0" + num;
                        out.add(prefix + num + suffix);
                    }
                }
            }
            if (out.size() > limit) throw bad(s, "names more than " + limit + " nodes");
            i = end + 1;
        }
        return out;
    }

    private static void range(StringBuilder b, Map<Long, String> nums, long from, long to) {
        if (b.charAt(b.length() - 1) != '[') b.append(',');
        b.append(nums.get(from));
        if (to != from) b.append('-').append(nums.get(to));
    }

    // ------------------------------------------------------------------------------------------------ helpers

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /** The decimal number in s[from, to): digits only, at least one, fits a long. */
    private static long digits(String s, int from, int to, String whole) {
        if (from >= to) throw bad(whole, "is missing a number");
        long v = 0;
        boolean mayOverflow = to - from > 18; // 18 digits always fit a long: no check (a division) per digit
        for (int k = from; k < to; k++) {
            char ch = s.charAt(k);
            if (!isDigit(ch)) throw bad(whole, "is not a number where one belongs");
            int dgt = ch - '0';
            if (mayOverflow && v > (Long.MAX_VALUE - dgt) / 10) throw bad(whole, "is too large a number");
            v = v * 10 + dgt;
        }
        return v;
    }

    private static IllegalArgumentException bad(String value, String what) {
        return new IllegalArgumentException("\"" + value + "\" " + what);
    }
}
