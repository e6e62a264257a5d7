package dev.reckon.source.sacct;

import dev.reckon.model.JobState;
import dev.reckon.model.Job;
import dev.reckon.model.Step;
import dev.reckon.core.InputError;
import dev.reckon.source.BoundedLines;
import dev.reckon.source.Lines;
import dev.reckon.source.Utf8Lines;
import dev.reckon.source.Inputs;
import dev.reckon.source.LocalTimes;
import dev.reckon.core.SlurmSyntax;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.CharacterCodingException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Reads what {@code sacct --parsable2} (or {@code --parsable}) printed, at any site and Slurm version, into
 * {@link Job}s with their {@link Step}s, streaming: one job is held at a time, so memory does not grow with the input.
 *
 * <h2>Input</h2>
 * Fields are separated by {@link SacctOptions#delimiter()} (any string); a trailing delimiter ({@code --parsable})
 * is recognised per line. The first non-blank line is the header (field names in any order and case, as sacct
 * prints them; unknown fields are ignored) unless {@link SacctOptions#format()} gives the {@code --format} list,
 * which is then resolved the way sacct resolves it ({@code %N} widths dropped, case-insensitive prefixes such as
 * {@code reqm} for {@code ReqMem}); a header line repeated later (concatenated dumps) is skipped. Blank lines are
 * skipped; a leading byte-order mark and CR line ends are accepted.
 *
 * <h2>Jobs and steps</h2>
 * A line whose JobID has no dot is a job: a plain job {@code 123}, an array task {@code 123_4}, a pending array
 * range {@code 123_[5-9%2]} (one PENDING job with that id), a heterogeneous component {@code 123+1}. A line with a
 * dot ({@code 123.batch}, {@code 123_4.extern}, {@code 123+0.0}, {@code 123.0+1}) is a step of the job named before
 * the dot, and sacct prints steps right after their job. A step whose job line is absent (e.g. {@code sacct -j 123.0},
 * or a state filter that kept the step but not the job) yields a job built from that step's line, with the id before
 * the dot and TotalCPU summed over its steps. The same id may occur twice ({@code sacct -D} prints each run of a
 * requeued job): each occurrence is its own job. Job-only fields (User, Account, ...) are taken from the job line;
 * step lines leave them empty and that does not matter.
 *
 * <h2>Figures, and how they match seff and reportseff</h2>
 * <ul>
 *   <li>Elapsed: ElapsedRaw, else Elapsed (seff: the job's elapsed).</li>
 *   <li>Cores: AllocCPUS (or its alias NCPUS), else AllocTRES {@code cpu=}, else CPUTimeRAW / elapsed. seff shows 1
 *       where this is 0 (a job that never started); reckon keeps 0.</li>
 *   <li>Allocated memory: AllocTRES {@code mem=} (as seff), else ReqMem (per node x NNodes for {@code n}, per CPU x
 *       AllocCPUS for {@code c}, as reportseff), else ReqTRES {@code mem=}. seff reports 0 where AllocTRES has no
 *       memory; reckon falls back to the request.</li>
 *   <li>GPUs: AllocTRES {@code gres/gpu=} (else the sum of typed {@code gres/gpu:T=}); with no AllocTRES value,
 *       AllocGRES of Slurm before 21.08 ({@code gpu:2}, {@code gpu:tesla:2}); 0 when the allocation names none;
 *       unknown ({@code null}) for a job without allocation (pending, cancelled before start).</li>
 *   <li>CPU time: the job line's TotalCPU (sacct's job TotalCPU is the sum over the steps, what seff adds up), or
 *       UserCPU + SystemCPU, or the sum of the steps' TotalCPU, whichever is larger: sacct prints milliseconds only
 *       for values under an hour, so every printed figure is a lower bound of the true one. seff sums the exact
 *       microseconds and rounds to whole seconds; reckon keeps fractions and may read up to a second less per
 *       step of an hour or more.</li>
 *   <li>Peak memory: the largest {@link Step#peakMemBytes()} over the steps: TRESUsageInTot {@code mem=} where
 *       present, exactly seff's "Memory Utilized" (the largest step total of the tasks' peaks); where a step has no
 *       TRESUsageInTot (Slurm before 18.08), MaxRSS x NTasks, an upper bound, where reportseff uses the largest
 *       MaxRSS alone (a lower bound) and seff reports 0.</li>
 *   <li>State: the first word, upper case ({@code CANCELLED by 1000} and {@code CANCELLED+} are CANCELLED); unknown
 *       words are kept as they are.</li>
 *   <li>Time limit: TimelimitRaw (minutes), else Timelimit; none for UNLIMITED and Partition_Limit.</li>
 *   <li>GPU utilisation (where the site gathers it, Slurm 22.05+): the {@code gres/gpuutil=} percentage of
 *       TRESUsageInAve of the largest step that reports one (the most TotalCPU, then the longest), as a fraction (a value above 100 on a job with several
 *       GPUs is a sum over them and is divided by their number; capped at 1); else the mean of the per-GPU
 *       {@code gpu_utilization} of a jobstats summary in AdminComment ({@code JS1:} + base64 of gzipped JSON).</li>
 *   <li>GPU memory peak: the largest TRESUsageInMax {@code gres/gpumem=} over the steps (bytes when bare); else the
 *       largest per-GPU {@code gpu_used_memory} of the jobstats summary. A summary that does not decode is ignored
 *       (the figures stay unknown): AdminComment is the site's free text.</li>
 * </ul>
 *
 * <h2>Errors</h2>
 * The first bad line stops reading with an {@link InputError} naming the file, the line and the field as the header
 * (or format list) spelt it, quoting the value: an unreadable number, size, duration, time or id, a value too large
 * to hold, a line with the wrong number of fields, or bytes that are not UTF-8 (see {@link #strictUtf8}).
 */
public final class SacctReader {

    /**
     * The {@code --format} list reckon passes to sacct for live ingest; it covers every field this reader uses.
     * Free text (JobName, Comment) can hold the delimiter, so live ingest should pass a delimiter that job names are
     * unlikely to contain.
     */
    public static final String RECKON_FORMAT = "JobID,JobIDRaw,JobName,User,Account,Partition,QOS,WCKey,Cluster,"
            + "State,ExitCode,Submit,Start,End,ElapsedRaw,TimelimitRaw,ReqCPUS,ReqMem,ReqTRES,AllocCPUS,NNodes,"
            + "AllocTRES,TotalCPU,NTasks,MaxRSS,AveRSS,TRESUsageInTot,TRESUsageInMax,TRESUsageInAve,NodeList,Comment,"
            + "AdminComment";

    private static final int NCOL = Column.values().length;

    /** The longest field read (1 Mi characters); a line is at most {@link BoundedLines#MAX_LINE}. */
    public static final int MAX_FIELD = 1 << 20;

    /**
     * The most steps kept per job: the first {@value} as they are; the rest are folded into one more step, id
     * {@code more}, whose CPU time is their sum and whose peak memory is their largest, so the job's figures count
     * them all while a job of millions of steps is held in bounded memory.
     */
    public static final int MAX_STEPS = 10_000;

    /** The longest elapsed time read: 100 years (a larger ElapsedRaw, such as 2^63-1, is refused). */
    public static final long MAX_ELAPSED_S = 100L * 366 * 86_400;

    private final SacctOptions options;
    private Consumer<Correction> corrections = c -> {};
    private boolean lenient;

    public SacctReader(SacctOptions options) {
        this.options = options == null ? SacctOptions.defaults() : options;
    }

    /**
     * A value stored corrected, not as the input gave it: control characters in free text shown as U+FFFD, a step
     * line printed again (the later replaces the earlier), CPU time beyond what the allocation allows (capped), a GPU
     * utilisation above 100% (capped), steps past {@link #MAX_STEPS} (folded into one). Values that cannot be
     * corrected (an overflow, an end before the start) are refused instead, as {@link InputError}s.
     *
     * @param file  the input's name ({@code sacct} for live ingest)
     * @param line  the line the value is on (a job's own line for its figures)
     * @param field the field corrected, as the header names it
     * @param jobId the job (before the dot: {@code 123}, {@code 123_4})
     * @param what  what was read and what is stored instead
     */
    public record Correction(String file, long line, String field, String jobId, String what) {
        /** {@code FILE:LINE: FIELD: job ID: WHAT}. */
        public String message() {
            return file + ":" + line + ": " + field + ": job " + jobId + ": " + what;
        }
    }

    /**
     * Says that the input was decoded with each byte sequence that is not UTF-8 read as U+FFFD (as live ingest reads
     * sacct's output): such a character in free text (JobName, Comment, AdminComment) is stored and told as a
     * correction; in any other field it makes the line unreadable (its job is set aside, or the read stops). Returns
     * this reader.
     */
    public SacctReader decodedLeniently() {
        this.lenient = true;
        return this;
    }

    /** Hears every value stored corrected ({@link Correction}); by default nobody does. Returns this reader. */
    public SacctReader onCorrection(Consumer<Correction> listener) {
        this.corrections = java.util.Objects.requireNonNull(listener, "listener");
        return this;
    }

    /**
     * A reader of UTF-8 that reports malformed bytes (as a {@link java.nio.charset.MalformedInputException}) at the
     * position they occur, which {@link #read} turns into an {@link InputError} on the right line.
     */
    public static Reader strictUtf8(InputStream in) {
        return Inputs.strictUtf8(in);
    }

    /**
     * Streams jobs (each with its steps assembled) to sink, in input order of their job lines. Throws InputError on
     * the first bad line.
     */
    public void read(Reader in, String fileName, Consumer<Job> sink) throws IOException {
        new Run(fileName, sink, null).run(new BoundedLines(in, fileName == null ? "-" : fileName));
    }

    /**
     * As {@link #read(Reader, String, Consumer)}, of UTF-8 bytes (a file's, or standard input's): decoded strictly,
     * as {@link #strictUtf8} does, but line by line, with the lines of ASCII (nearly all of sacct's) copied straight
     * into their strings, which reads a large file about a third faster.
     */
    public void read(InputStream in, String fileName, Consumer<Job> sink) throws IOException {
        if (lenient) throw new IllegalStateException("a reader decoding leniently reads characters, not bytes");
        new Run(fileName, sink, null).run(new Utf8Lines(in, fileName == null ? "-" : fileName));
    }

    /**
     * A job set aside by {@link #read(Reader, String, Consumer, Consumer)}: a line of it could not be read.
     *
     * @param jobId the job (as before the dot of its JobID: {@code 123}, {@code 123_4}); null when the line names
     *              no job that can be read, and so none can be set aside
     * @param error what could not be read: file, line, field and why
     * @param split true when the line's fields could not be told apart (free text holding the delimiter), so the
     *              job may read with another delimiter
     */
    public record SetAside(String jobId, InputError error, boolean split) {}

    /**
     * As {@link #read(Reader, String, Consumer)}, but a job a line of which cannot be read is set aside instead of
     * stopping the read: {@code aside} hears it once, the job is not emitted, and its later lines (steps) are skipped.
     * A line whose fields cannot be told apart names its job only when the job id is the first field (as in
     * {@link #RECKON_FORMAT}); a line that names no job is reported with a null id and skipped. A bad header and bytes
     * that are not UTF-8 still stop the read.
     */
    public void read(Reader in, String fileName, Consumer<Job> sink, Consumer<SetAside> aside) throws IOException {
        new Run(fileName, sink, java.util.Objects.requireNonNull(aside, "aside"))
                .run(new BoundedLines(in, fileName == null ? "-" : fileName));
    }

    // ------------------------------------------------------------------------------------------------ one pass

    /** The state of one pass over one input. */
    private final class Run {
        private final String file;
        private final Consumer<Job> sink;
        /** Null: the first bad line stops the read. */
        private final Consumer<SetAside> aside;
        private final java.util.Set<String> asideKeys = new java.util.HashSet<>();
        private final String delim = options.delimiter();
        private final int dlen = delim.length();
        private final char d0 = delim.charAt(0);

        /** For each Column, its field index in a line, or -1. */
        private final int[] index = new int[NCOL];
        /** For each field index, the name the header or format list gave it. */
        private String[] names;
        private int expected;
        /**
         * Whether a line may end in a delimiter ({@code --parsable}): when the header did, or when there is no header
         * to tell. A {@code --parsable2} line that ends in one has a delimiter too many (free text holding it).
         */
        private boolean trailing = true;
        private String headerLine;
        private boolean checkFirstLineForHeader;

        private long lineNo;
        private String line;
        private int[] starts;
        private int[] ends;

        private JobBuilder current;

        Run(String file, Consumer<Job> sink, Consumer<SetAside> aside) {
            this.file = file == null ? "-" : file;
            this.sink = sink;
            this.aside = aside;
            Arrays.fill(index, -1);
        }

        void run(Lines br) throws IOException {
            if (options.format() != null) {
                layoutFromFormat(options.format());
                checkFirstLineForHeader = true;
            }
            while (true) {
                String l;
                try {
                    l = br.next(lineNo + 1);
                } catch (CharacterCodingException e) {
                    throw new InputError(file, lineNo + 1, null, "is not valid UTF-8 (malformed bytes on this line)");
                }
                if (l == null) break;
                lineNo++;
                if (lineNo == 1 && !l.isEmpty() && l.charAt(0) == '\uFEFF') l = l.substring(1);
                if (isBlank(l)) continue;
                if (names == null) {
                    layoutFromHeader(l);
                    continue;
                }
                if (l.equals(headerLine)) continue;
                line = l;
                if (aside != null) {
                    lineSettingAside();
                    continue;
                }
                split();
                if (checkFirstLineForHeader) {
                    checkFirstLineForHeader = false;
                    if (looksLikeHeader()) {
                        headerLine = l;
                        continue;
                    }
                }
                onLine();
            }
            flush();
        }

        /** One line when bad lines set their job aside. */
        private void lineSettingAside() {
            String key;
            try {
                split();
            } catch (InputError e) {
                setAside(leadingKey(), e, true);
                return;
            }
            if (checkFirstLineForHeader) {
                checkFirstLineForHeader = false;
                if (looksLikeHeader()) {
                    headerLine = line;
                    return;
                }
            }
            key = fieldKey();
            if (key != null && asideKeys.contains(key)) return;
            try {
                onLine();
            } catch (InputError e) {
                setAside(key, e, false);
            }
        }

        private void setAside(String key, InputError e, boolean split) {
            if (key != null) {
                if (current != null && current.jobId.equals(key)) current = null;
                if (!asideKeys.add(key)) return;
            }
            aside.accept(new SetAside(key, e, split));
        }

        /** The job of a line whose fields do not split: the text before the first delimiter when the id is first. */
        private String leadingKey() {
            int idIndex = index[Column.JOB_ID.ordinal()] >= 0 ? index[Column.JOB_ID.ordinal()]
                    : index[Column.JOB_ID_RAW.ordinal()];
            if (idIndex != 0) return null;
            int at = line.indexOf(delim);
            return key(at < 0 ? line : line.substring(0, at));
        }

        /** The job of a line whose fields split. */
        private String fieldKey() {
            String id = v(Column.JOB_ID);
            return key(id != null ? id : v(Column.JOB_ID_RAW));
        }

        private static String key(String id) {
            if (id == null) return null;
            id = id.strip();
            int dot = id.indexOf('.');
            String key = dot < 0 ? id : id.substring(0, dot);
            return validJobPart(key) ? key : null;
        }

        // -------------------------------------------------------------------------------------------- layout

        private void layoutFromHeader(String l) {
            List<String> fields = splitAll(l);
            trailing = fields.size() > 1 && fields.get(fields.size() - 1).isEmpty();
            if (trailing) fields.remove(fields.size() - 1);
            if (fields.size() == 1 && !delim.isBlank() && l.strip().indexOf(' ') > 0) {
                throw new InputError(file, lineNo, null, "the header has no \"" + delim
                        + "\" delimiter; reckon reads sacct --parsable2 output (or give the delimiter used)");
            }
            names = fields.toArray(new String[0]);
            for (int i = 0; i < names.length; i++) {
                Column c = Column.ofHeader(names[i]);
                if (c != null && index[c.ordinal()] < 0) index[c.ordinal()] = i;
            }
            expected = names.length;
            headerLine = l;
            requireId();
            allocate();
        }

        private void layoutFromFormat(List<String> format) {
            List<String> given = new ArrayList<>();
            for (String part : format) {
                for (String e : part.split(",", -1)) {
                    String t = e.strip();
                    int pct = t.indexOf('%');
                    if (pct >= 0) t = t.substring(0, pct).strip();
                    if (t.isEmpty()) continue;
                    if ("all".startsWith(t.toLowerCase(Locale.ROOT))) {
                        throw new InputError(file, 0, "format", "\"" + e.strip() + "\" (all fields) depends on the "
                                + "sacct version; give the fields by name, or keep sacct's header line");
                    }
                    given.add(t);
                }
            }
            if (given.isEmpty()) throw new InputError(file, 0, "format", "the format list names no field");
            names = given.toArray(new String[0]);
            for (int i = 0; i < names.length; i++) {
                Column c = Column.ofHeader(Column.resolveFormatName(names[i]));
                if (c != null && index[c.ordinal()] < 0) index[c.ordinal()] = i;
            }
            expected = names.length;
            requireId();
            allocate();
        }

        private void requireId() {
            if (index[Column.JOB_ID.ordinal()] < 0 && index[Column.JOB_ID_RAW.ordinal()] < 0) {
                throw new InputError(file, options.format() == null ? lineNo : 0, null, BoundedLines.problem(
                        "no JobID or JobIDRaw field among " + BoundedLines.quote(String.join(",", names))
                                + (options.format() == null ? " (is the first line a sacct header?)" : "")));
            }
        }

        private void allocate() {
            starts = new int[expected + 1];
            ends = new int[expected + 1];
        }

        /** True when the current line names the fields of the format list, i.e. sacct printed its header. */
        private boolean looksLikeHeader() {
            for (int i = 0; i < expected; i++) {
                String v = line.substring(starts[i], ends[i]).strip();
                if (!v.equalsIgnoreCase(names[i]) && !v.equalsIgnoreCase(Column.resolveFormatName(names[i]))) {
                    return false;
                }
            }
            return true;
        }

        private List<String> splitAll(String l) {
            List<String> out = new ArrayList<>();
            int from = 0;
            while (true) {
                int at = l.indexOf(delim, from);
                if (at < 0) {
                    out.add(l.substring(from).strip());
                    return out;
                }
                out.add(l.substring(from, at).strip());
                from = at + dlen;
            }
        }

        /** Finds the fields of the current line; checks their number. */
        private void split() {
            String l = line;
            int n = 0;
            int from = 0;
            int max = expected + 1;
            int len = l.length();
            while (true) {
                int at = dlen == 1 ? l.indexOf(d0, from) : l.indexOf(delim, from);
                int end = at < 0 ? len : at;
                if (n < max) {
                    starts[n] = from;
                    ends[n] = end;
                }
                n++;
                if (at < 0) break;
                from = at + dlen;
            }
            if (n == expected || (trailing && n == expected + 1 && starts[expected] == len)) { // --parsable
                if (len > MAX_FIELD) {
                    for (int i = 0; i < expected; i++) {
                        if (ends[i] - starts[i] > MAX_FIELD) {
                            throw new InputError(file, lineNo, names[i], "is " + (ends[i] - starts[i])
                                    + " characters long, more than " + MAX_FIELD + " (it starts \""
                                    + BoundedLines.quote(l.substring(starts[i], starts[i] + BoundedLines.QUOTE)) + "\"): not read");
                        }
                    }
                }
                return;
            }
            throw new InputError(file, lineNo, null, "expected " + expected + " fields separated by \"" + delim
                    + "\", found " + n);
        }

        // -------------------------------------------------------------------------------------------- values

        private boolean has(Column c) {
            return index[c.ordinal()] >= 0;
        }

        /** The field's text, or null when the column is absent or the value is empty. */
        private String v(Column c) {
            int i = index[c.ordinal()];
            if (i < 0) return null;
            int s = starts[i], e = ends[i];
            if (s == e) return null;
            String l = line;
            if (l.charAt(s) == ' ' || l.charAt(e - 1) == ' ') {
                while (s < e && l.charAt(s) == ' ') s++;
                while (e > s && l.charAt(e - 1) == ' ') e--;
                if (s == e) return null;
            }
            return l.substring(s, e);
        }

        /** Slots of {@link #pooled}'s table for each column. */
        private static final int POOL = 1024;
        /** The longest field text {@link #pooled} keeps. */
        private static final int POOLED_LENGTH = 64;
        /** Per column, field texts read before (direct-mapped by their hash), or null while none is. */
        private final String[][] pools = new String[NCOL][];

        /**
         * As {@link #v}, but a text read before in the same column (and still in its table) is given as the same
         * String: the few users, accounts, partitions, states and exit codes of an input, and the node list and
         * step names a job shares with its steps, are made once instead of once a line, and the ledger's writer
         * thread, which binds some of them, finds them in the processor's caches.
         */
        private String pooled(Column c) {
            int i = index[c.ordinal()];
            if (i < 0) return null;
            int s = starts[i], e = ends[i];
            String l = line;
            if (s < e && (l.charAt(s) == ' ' || l.charAt(e - 1) == ' ')) {
                while (s < e && l.charAt(s) == ' ') s++;
                while (e > s && l.charAt(e - 1) == ' ') e--;
            }
            if (s == e) return null;
            int len = e - s;
            if (len > POOLED_LENGTH) return l.substring(s, e);
            // its length and four of its characters (the ends tell apart user38 and user39, n53 and n54): a text
            // that shares its slot with another is looked up in vain and made, as without the table
            int h = len * 0x9E3779B1 + l.charAt(s) * 29791 + l.charAt(s + (len >> 1)) * 961
                    + l.charAt(len == 1 ? s : e - 2) * 31 + l.charAt(e - 1);
            String[] pool = pools[c.ordinal()];
            if (pool == null) pool = pools[c.ordinal()] = new String[POOL];
            int slot = (h ^ (h >>> 16)) & (POOL - 1);
            String p = pool[slot];
            if (p != null && p.length() == len && l.regionMatches(s, p, 0, len)) return p;
            String v = l.substring(s, e);
            pool[slot] = v;
            return v;
        }

        private InputError error(Column c, String problem) {
            int i = index[c.ordinal()];
            return new InputError(file, lineNo, i >= 0 ? names[i] : c.sacctName, BoundedLines.problem(problem));
        }

        /** Free text with control characters shown as U+FFFD, told as a correction when there were any. */
        private String text(Column c, String jobId) {
            String raw = pooled(c);
            String t = freeText(raw);
            if (t != raw) {
                long n = raw.chars().filter(ch -> ch < 0x20 || ch == 0x7f).count();
                corrected(c, jobId, n + " control character" + (n == 1 ? "" : "s") + " stored as U+FFFD");
            }
            if (lenient && raw != null && raw.indexOf('\uFFFD') >= 0) {
                corrected(c, jobId, "bytes that are not UTF-8 stored as U+FFFD");
            }
            return t;
        }

        private void corrected(Column c, String jobId, String what) {
            int i = index[c.ordinal()];
            corrections.accept(new Correction(file, lineNo, i >= 0 ? names[i] : c.sacctName, jobId, what));
        }

        private Long duration(Column c) {
            String s = v(c);
            if (s == null) return null;
            try {
                return SlurmSyntax.durationSeconds(s);
            } catch (IllegalArgumentException e) {
                throw error(c, e.getMessage());
            }
        }

        private Double durationExact(Column c) {
            String s = v(c);
            if (s == null) return null;
            try {
                return SlurmSyntax.durationSecondsExact(s);
            } catch (IllegalArgumentException e) {
                throw error(c, e.getMessage());
            }
        }

        /**
         * The field's value where it is 1 to 18 plain digits (nearly every count and raw figure sacct prints), read in
         * the line without making its text; -1 otherwise (it is read as text then, and refused there if bad).
         */
        private long digitsInLine(Column c) {
            int i = index[c.ordinal()];
            if (i < 0) return -1;
            int s = starts[i], e = ends[i];
            if (s == e || e - s > 18) return -1;
            String l = line;
            long v = 0;
            for (int k = s; k < e; k++) {
                int d = l.charAt(k) - '0';
                if (d < 0 || d > 9) return -1;
                v = v * 10 + d;
            }
            return v;
        }

        private Long whole(Column c) {
            long fast = digitsInLine(c);
            if (fast >= 0) return fast;
            String s = v(c);
            if (s == null) return null;
            try {
                return SlurmSyntax.wholeNumber(s);
            } catch (IllegalArgumentException e) {
                throw error(c, e.getMessage());
            }
        }

        private Integer count(Column c) {
            long fast = digitsInLine(c);
            if (fast >= 0 && fast <= Integer.MAX_VALUE) return (int) fast;
            String s = v(c);
            if (s == null) return null;
            try {
                return SlurmSyntax.count(s);
            } catch (IllegalArgumentException e) {
                throw error(c, e.getMessage());
            }
        }

        private Long size(Column c, char unit) {
            String s = v(c);
            if (s == null) return null;
            try {
                return SlurmSyntax.sizeBytes(s, unit);
            } catch (IllegalArgumentException e) {
                throw error(c, e.getMessage());
            }
        }

        /** The last time text read and its instant: a job's lines repeat the same few times. */
        private final LocalTimes times = new LocalTimes(options.zone());
        /**
         * Per column, the last time text read and its instant: a job's steps mostly start and end when the job did,
         * so a step's Start and End are mostly the text just read in the same column (compared in the line, no
         * String made for it).
         */
        private final String[] lastTimeText = new String[Column.values().length];
        private final Instant[] lastTime = new Instant[Column.values().length];

        private Instant time(Column c) {
            int o = c.ordinal();
            int i = index[o];
            if (i < 0) return null;
            String last = lastTimeText[o];
            if (last != null && ends[i] - starts[i] == last.length() && line.startsWith(last, starts[i])) {
                return lastTime[o];
            }
            String s = v(c);
            if (s == null) return null;
            try {
                Instant t = times.parse(s);
                lastTimeText[o] = s;
                lastTime[o] = t;
                return t;
            } catch (IllegalArgumentException e) {
                throw error(c, e.getMessage());
            }
        }

        private String exit(Column c) {
            String s = pooled(c);
            if (s == null) return null;
            try {
                return SlurmSyntax.exitCode(s);
            } catch (IllegalArgumentException e) {
                throw error(c, e.getMessage());
            }
        }

        /** A TRES field's memory (MiB when bare, or bytes for usage strings), or null. */
        private Long tresMem(Column c, String tres, boolean usage) {
            String m;
            try {
                m = SlurmSyntax.tresValue(tres, "mem");
                return m == null ? null : SlurmSyntax.sizeBytes(m, usage ? 'B' : 'M');
            } catch (IllegalArgumentException e) {
                throw error(c, "\"" + tres + "\" has a bad mem= value: " + e.getMessage());
            }
        }

        private Integer tresCount(Column c, String tres, String name) {
            try {
                String m = SlurmSyntax.tresValue(tres, name);
                return m == null ? null : SlurmSyntax.count(m);
            } catch (IllegalArgumentException e) {
                throw error(c, "\"" + tres + "\" has a bad " + name + "= value: " + e.getMessage());
            }
        }

        private Integer tresGpus(Column c, String tres) {
            try {
                return SlurmSyntax.tresGpus(tres);
            } catch (IllegalArgumentException e) {
                throw error(c, e.getMessage());
            }
        }

        // -------------------------------------------------------------------------------------------- lines

        private void onLine() {
            if (lenient && line.indexOf('\uFFFD') >= 0) replacedBytesOnlyInFreeText();
            String id = v(Column.JOB_ID);
            Column idCol = Column.JOB_ID;
            if (id == null) {
                id = v(Column.JOB_ID_RAW);
                idCol = Column.JOB_ID_RAW;
            }
            if (id == null) throw error(idCol, "the job id is empty");
            int dot = id.indexOf('.');
            String key = dot < 0 ? id : id.substring(0, dot);
            if (!validJobPart(key) || (dot >= 0 && !validStepPart(id, dot + 1))) {
                throw error(idCol, "\"" + id + "\" is not a job id (123, 123_4, 123_[5-9], 123+1, 123.batch)");
            }
            if (dot < 0) {
                flush();
                current = jobFromLine(key);
            } else {
                if (current == null || !current.jobId.equals(key)) {
                    flush();
                    current = jobFromLine(key);
                    current.totalCpuS = null; // the step's own CPU time is added with the step
                }
                if (current.addStep(stepFromLine(id.substring(dot + 1)))) {
                    corrected(idCol, key, "step " + id + " printed again: this line replaces the earlier one (a "
                            + "step counts once)");
                }
            }
        }

        /** Refuses a line whose bytes not UTF-8 (read as U+FFFD) are in a field other than free text. */
        private void replacedBytesOnlyInFreeText() {
            for (int i = 0; i < expected; i++) {
                if (i == index[Column.JOB_NAME.ordinal()] || i == index[Column.COMMENT.ordinal()]
                        || i == index[Column.ADMIN_COMMENT.ordinal()]) continue;
                if (line.substring(starts[i], ends[i]).indexOf('\uFFFD') >= 0) {
                    throw new InputError(file, lineNo, names[i], "holds bytes that are not UTF-8: not read");
                }
            }
        }

        private JobBuilder jobFromLine(String key) {
            JobBuilder j = new JobBuilder();
            j.jobId = key;
            String raw = v(Column.JOB_ID_RAW);
            if (raw != null) {
                int dot = raw.indexOf('.');
                j.jobIdRaw = dot < 0 ? raw : raw.substring(0, dot);
            }
            j.line = lineNo;
            j.name = text(Column.JOB_NAME, key);
            j.user = pooled(Column.USER);
            j.account = pooled(Column.ACCOUNT);
            j.partition = pooled(Column.PARTITION);
            j.qos = pooled(Column.QOS);
            j.wckey = pooled(Column.WCKEY);
            j.comment = text(Column.COMMENT, key);
            String cl = pooled(Column.CLUSTER);
            j.cluster = cl != null ? cl : options.defaultCluster();
            j.state = state();
            j.exitCode = exit(Column.EXIT_CODE);
            j.submit = time(Column.SUBMIT);
            j.start = time(Column.START);
            j.end = time(Column.END);
            checkOrder(j.start, j.end);
            j.elapsedS = elapsed();
            j.timelimitS = timelimit();
            j.nodeList = pooled(Column.NODE_LIST);

            String allocTres = v(Column.ALLOC_TRES);
            String reqTres = v(Column.REQ_TRES);

            Integer cpus = count(Column.ALLOC_CPUS);
            if (cpus == null) cpus = count(Column.NCPUS);
            if (cpus == null && allocTres != null) cpus = tresCount(Column.ALLOC_TRES, allocTres, "cpu");
            if (cpus == null && j.elapsedS != null && j.elapsedS > 0) {
                Long cpuTime = whole(Column.CPU_TIME_RAW);
                if (cpuTime != null) cpus = (int) Math.min(Integer.MAX_VALUE, cpuTime / j.elapsedS);
            }
            j.allocCpus = cpus;

            Integer nodes = count(Column.NNODES);
            if (nodes == null) nodes = count(Column.ALLOC_NODES);
            if (nodes == null && allocTres != null) nodes = tresCount(Column.ALLOC_TRES, allocTres, "node");
            j.allocNodes = nodes;

            Integer reqCpus = count(Column.REQ_CPUS);
            if (reqCpus == null && reqTres != null) reqCpus = tresCount(Column.REQ_TRES, reqTres, "cpu");
            j.reqCpus = reqCpus;

            Long reqMem = null;
            String rm = v(Column.REQ_MEM);
            if (rm != null) {
                try {
                    SlurmSyntax.MemRequest r = SlurmSyntax.reqMem(rm);
                    Integer n = nodes != null && nodes > 0 ? nodes : reqTres != null
                            ? tresCount(Column.REQ_TRES, reqTres, "node") : null;
                    Integer c = cpus != null && cpus > 0 ? cpus : reqCpus;
                    reqMem = r.total(n, c);
                } catch (IllegalArgumentException e) {
                    throw error(Column.REQ_MEM, e.getMessage());
                }
            }
            if (reqMem == null && reqTres != null) reqMem = tresMem(Column.REQ_TRES, reqTres, false);
            j.reqMemBytes = reqMem;

            Long allocMem = allocTres != null ? tresMem(Column.ALLOC_TRES, allocTres, false) : null;
            j.allocMemBytes = allocMem != null ? allocMem : reqMem;

            String gres = v(Column.ALLOC_GRES);
            if (allocTres != null) {
                Integer g = tresGpus(Column.ALLOC_TRES, allocTres);
                j.allocGpus = g == null ? 0 : g;
            } else if (gres != null) {
                j.allocGpus = gresGpus(Column.ALLOC_GRES, gres);
            } else if (has(Column.ALLOC_GRES) && cpus != null && cpus > 0) {
                j.allocGpus = 0; // old Slurm: an allocation without GRES
            }

            j.totalCpuS = cpuTime();
            j.adminComment = v(Column.ADMIN_COMMENT);
            return j;
        }

        /** ElapsedRaw, else Elapsed; more than {@link #MAX_ELAPSED_S} is refused (it would overflow the hours). */
        private Long elapsed() {
            boolean raw = has(Column.ELAPSED_RAW) && v(Column.ELAPSED_RAW) != null;
            Long e = raw ? whole(Column.ELAPSED_RAW) : duration(Column.ELAPSED);
            if (e != null && e > MAX_ELAPSED_S) {
                Column c = raw ? Column.ELAPSED_RAW : Column.ELAPSED;
                throw error(c, "\"" + BoundedLines.quote(v(c)) + "\" is more than 100 years: not an elapsed time");
            }
            return e;
        }

        /** An end before its start is refused: no figure can be right. */
        private void checkOrder(Instant start, Instant end) {
            if (start != null && end != null && end.isBefore(start)) {
                throw error(Column.END, "\"" + v(Column.END) + "\" is before the Start \"" + v(Column.START) + "\"");
            }
        }

        /** The state word; a state holding a control character is refused. */
        private String state() {
            String raw = pooled(Column.STATE);
            if (raw != null) {
                for (int k = 0; k < raw.length(); k++) {
                    char c = raw.charAt(k);
                    if (c < 0x20 || c == 0x7f) {
                        throw error(Column.STATE, String.format("holds the control character U+%04X: not a state", (int) c));
                    }
                }
            }
            return stateWord(raw);
        }

        private Long timelimit() {
            String raw = v(Column.TIMELIMIT_RAW);
            if (raw != null) {
                if (raw.equalsIgnoreCase("UNLIMITED") || raw.equalsIgnoreCase("Partition_Limit")
                        || raw.equalsIgnoreCase("INVALID")) return null;
                Long minutes = whole(Column.TIMELIMIT_RAW);
                if (minutes > Long.MAX_VALUE / 60) throw error(Column.TIMELIMIT_RAW, "\"" + raw + "\" is too large");
                return minutes * 60;
            }
            return duration(Column.TIMELIMIT);
        }

        private Double cpuTime() {
            Double total = durationExact(Column.TOTAL_CPU);
            if (total != null) return total;
            Double user = durationExact(Column.USER_CPU);
            Double sys = durationExact(Column.SYSTEM_CPU);
            if (user != null && sys != null) return user + sys;
            return null;
        }

        /** GPUs in an AllocGRES value of old Slurm: {@code gpu:2}, {@code gpu:tesla:2}, {@code gpu:2,mic:1}. */
        private Integer gresGpus(Column c, String gres) {
            long total = 0;
            for (String entry : gres.split(",")) {
                String e = entry.strip();
                int paren = e.indexOf('(');
                if (paren >= 0) e = e.substring(0, paren);
                if (e.isEmpty()) continue;
                int colon = e.indexOf(':');
                String name = colon < 0 ? e : e.substring(0, colon);
                if (!name.equals("gpu")) continue;
                if (colon < 0) {
                    total += 1;
                    continue;
                }
                String cnt = e.substring(e.lastIndexOf(':') + 1);
                if (e.lastIndexOf(':') == colon && !cnt.isEmpty() && !Character.isDigit(cnt.charAt(0))) {
                    total += 1; // gpu:TYPE without a count
                    continue;
                }
                try {
                    total += SlurmSyntax.count(cnt);
                } catch (IllegalArgumentException ex) {
                    throw error(c, "\"" + gres + "\" has a GPU count that is not a number");
                }
                if (total > Integer.MAX_VALUE) throw error(c, "\"" + gres + "\" has too large a GPU count");
            }
            return (int) total;
        }

        private Step stepFromLine(String stepId) {
            String usage = v(Column.TRES_USAGE_IN_TOT);
            Long usageMem = usage != null ? tresMem(Column.TRES_USAGE_IN_TOT, usage, true) : null;
            Long maxRss = size(Column.MAX_RSS, 'B');
            if (maxRss == null) {
                String umax = v(Column.TRES_USAGE_IN_MAX);
                if (umax != null) maxRss = tresMem(Column.TRES_USAGE_IN_MAX, umax, true);
            }
            Integer ntasks = count(Column.NTASKS);
            if (maxRss != null && ntasks != null && ntasks > 1 && maxRss > Long.MAX_VALUE / ntasks) {
                throw error(Column.MAX_RSS, "\"" + v(Column.MAX_RSS) + "\" x " + ntasks + " tasks is too large");
            }
            Integer cpus = count(Column.ALLOC_CPUS);
            if (cpus == null) cpus = count(Column.NCPUS);
            String allocTres = v(Column.ALLOC_TRES);
            if (cpus == null && allocTres != null) cpus = tresCount(Column.ALLOC_TRES, allocTres, "cpu");
            Integer nodes = count(Column.NNODES);
            if (nodes == null) nodes = count(Column.ALLOC_NODES);
            String st = state();
            Long elapsed = elapsed();
            Double cpu = cpuTime();
            gpuUsage(cpu, elapsed);
            Instant stepStart = time(Column.START), stepEnd = time(Column.END);
            checkOrder(stepStart, stepEnd);
            return new Step(stepId, text(Column.JOB_NAME, current.jobId), st,
                    exit(Column.EXIT_CODE), stepStart, stepEnd, elapsed, ntasks,
                    cpus, nodes, cpu, maxRss, usageMem, size(Column.AVE_RSS, 'B'), pooled(Column.NODE_LIST));
        }

        /** Takes the step line's {@code gres/gpuutil} (TRESUsageInAve) and {@code gres/gpumem} (TRESUsageInMax). */
        private void gpuUsage(Double cpu, Long elapsed) {
            String ave = v(Column.TRES_USAGE_IN_AVE);
            if (ave != null) {
                String u = SlurmSyntax.tresValue(ave, "gres/gpuutil");
                if (u != null) {
                    double pct;
                    try {
                        pct = Double.parseDouble(u);
                    } catch (NumberFormatException e) {
                        throw error(Column.TRES_USAGE_IN_AVE, "\"" + ave + "\" has a bad gres/gpuutil= value");
                    }
                    if (!(pct >= 0) || Double.isInfinite(pct)) {
                        throw error(Column.TRES_USAGE_IN_AVE, "\"" + ave + "\" has a bad gres/gpuutil= value");
                    }
                    // the largest step: the most CPU time, then the longest
                    double c = cpu == null ? 0 : cpu;
                    long e = elapsed == null ? 0 : elapsed;
                    if (current.gpuUtilPct == null || c > current.gpuUtilStepCpu
                            || (c == current.gpuUtilStepCpu && e > current.gpuUtilStepElapsed)) {
                        current.gpuUtilPct = pct;
                        current.gpuUtilStepCpu = c;
                        current.gpuUtilStepElapsed = e;
                    }
                }
            }
            String max = v(Column.TRES_USAGE_IN_MAX);
            if (max != null) {
                Long m;
                try {
                    String t = SlurmSyntax.tresValue(max, "gres/gpumem");
                    m = t == null ? null : SlurmSyntax.sizeBytes(t, 'B');
                } catch (IllegalArgumentException e) {
                    throw error(Column.TRES_USAGE_IN_MAX, "\"" + max + "\" has a bad gres/gpumem= value: "
                            + e.getMessage());
                }
                if (m != null && (current.gpuMemMax == null || m > current.gpuMemMax)) current.gpuMemMax = m;
            }
        }

        private void flush() {
            if (current != null) {
                JobBuilder j = current;
                current = null;
                sink.accept(j.build((c, what) -> {
                    int i = index[c.ordinal()];
                    corrections.accept(new Correction(file, j.line, i >= 0 ? names[i] : c.sacctName, j.jobId, what));
                }));
            }
        }
    }

    // ------------------------------------------------------------------------------------------------ ids

    /** {@code 123}, {@code 123_4}, {@code 123_[5-9%2]}, {@code 123+1}. */
    private static boolean validJobPart(String s) {
        int len = s.length();
        int i = 0;
        while (i < len && isDigit(s.charAt(i))) i++;
        if (i == 0) return false;
        if (i == len) return true;
        char c = s.charAt(i);
        if (c == '+') {
            int j = i + 1;
            while (j < len && isDigit(s.charAt(j))) j++;
            return j == len && j > i + 1;
        }
        if (c != '_') return false;
        if (i + 1 >= len) return false;
        if (s.charAt(i + 1) == '[') {
            return s.charAt(len - 1) == ']' && len > i + 3 && s.indexOf(']') == len - 1;
        }
        int j = i + 1;
        while (j < len && isDigit(s.charAt(j))) j++;
        return j == len;
    }

    /** {@code batch}, {@code extern}, {@code interactive}, {@code 0}, {@code 0+1}: letters, digits, {@code +_-}. */
    private static boolean validStepPart(String id, int from) {
        int len = id.length();
        if (from >= len) return false;
        for (int k = from; k < len; k++) {
            char c = id.charAt(k);
            if (!(isDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '+' || c == '_' || c == '-')) {
                return false;
            }
        }
        return true;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /** Free text (names, comments) with each control character replaced by U+FFFD: stored corrected. */
    static String freeText(String s) {
        if (s == null) return null;
        for (int k = 0; k < s.length(); k++) {
            char c = s.charAt(k);
            if (c < 0x20 || c == 0x7f) {
                StringBuilder b = new StringBuilder(s.length());
                for (int i = 0; i < s.length(); i++) {
                    char d = s.charAt(i);
                    b.append(d < 0x20 || d == 0x7f ? '\uFFFD' : d);
                }
                return b.toString();
            }
        }
        return s;
    }

    /** {@link JobState#word}, without its copies for the usual single upper-case word; null for empty. */
    private static String stateWord(String s) {
        if (s == null) return null;
        for (int k = 0; k < s.length(); k++) {
            char c = s.charAt(k);
            if (!((c >= 'A' && c <= 'Z') || c == '_')) {
                String w = JobState.word(s);
                return w.isEmpty() ? null : w;
            }
        }
        return s;
    }

    private static boolean isBlank(String l) {
        for (int k = 0; k < l.length(); k++) {
            char c = l.charAt(k);
            if (c != ' ' && c != '\t' && c != '\r') return false;
        }
        return true;
    }

    // ------------------------------------------------------------------------------------------------ assembly

    /** A job being assembled from its line and its steps' lines. */
    private static final class JobBuilder {
        String cluster, jobId, jobIdRaw, name, user, account, partition, qos, wckey, comment, state, exitCode;
        Instant submit, start, end;
        Long elapsedS, timelimitS, reqMemBytes, allocMemBytes;
        Integer reqCpus, allocCpus, allocNodes, allocGpus;
        Double totalCpuS;
        String nodeList, adminComment;
        Double gpuUtilPct;
        double gpuUtilStepCpu = -1;
        long gpuUtilStepElapsed = -1;
        Long gpuMemMax;
        /** The line of the job's own record (or of its first step, when it has none). */
        long line;
        final List<Step> steps = new ArrayList<>(4);
        /**
         * Where each step is in {@link #steps}, by its id, once the job has more than {@link #FEW_STEPS} (fewer are
         * looked for one by one: no map and no boxed index made for the usual job of one to four steps).
         */
        private java.util.Map<String, Integer> stepAt;
        private long moreSteps;
        private double moreCpu;
        private boolean moreAnyCpu;
        private Long morePeak;

        /**
         * Adds a step: a step id printed again replaces the earlier line (a line repeated must not count twice);
         * past {@link #MAX_STEPS}, the step is folded into the {@code more} step. True when the step replaced one.
         */
        boolean addStep(Step s) {
            int at = stepIndex(s.stepId());
            if (at >= 0) {
                steps.set(at, s);
                return true;
            }
            if (steps.size() < MAX_STEPS) {
                if (stepAt != null) stepAt.put(s.stepId(), steps.size());
                steps.add(s);
                return false;
            }
            moreSteps++;
            if (s.totalCpuS() != null) {
                moreCpu += s.totalCpuS();
                moreAnyCpu = true;
            }
            Long p = s.peakMemBytes();
            if (p != null && (morePeak == null || p > morePeak)) morePeak = p;
            return false;
        }

        private static final int FEW_STEPS = 16;

        /** Where the step with this id is in {@link #steps}, or -1. */
        private int stepIndex(String id) {
            int n = steps.size();
            if (stepAt == null) {
                if (n < FEW_STEPS) {
                    for (int k = 0; k < n; k++) if (steps.get(k).stepId().equals(id)) return k;
                    return -1;
                }
                stepAt = new java.util.HashMap<>();
                for (int k = 0; k < n; k++) stepAt.put(steps.get(k).stepId(), k);
            }
            Integer at = stepAt.get(id);
            return at == null ? -1 : at;
        }

        /** {@code v} rounded to a whole number, as {@code %.0f} writes it. */
        private static String whole(double v) {
            return Math.abs(v) < 1e15 ? Long.toString(Math.round(v)) : String.format(Locale.ROOT, "%.0f", v);
        }

        /** The job; {@code corrected} hears each figure stored corrected (the field and what). */
        Job build(java.util.function.BiConsumer<Column, String> corrected) {
            if (moreSteps > 0) {
                corrected.accept(Column.JOB_ID, String.format(Locale.ROOT, "%,d steps past the first %,d folded into "
                        + "one step 'more' (their CPU time summed, their peak memory the largest)", moreSteps, MAX_STEPS));
                steps.add(new Step("more", moreSteps + " further steps, folded into one", null, null, null, null, null,
                        null, null, null, moreAnyCpu ? moreCpu : null, null, morePeak, null, null));
            }
            Double cpu = totalCpuS;
            Long peak = null;
            double sum = 0;
            boolean anyCpu = false;
            for (Step s : steps) {
                Long p = s.peakMemBytes();
                if (p != null && (peak == null || p > peak)) peak = p;
                if (s.totalCpuS() != null) {
                    sum += s.totalCpuS();
                    anyCpu = true;
                }
            }
            // Both figures are lower bounds: sacct prints fractions of a second only below one hour, so the job
            // line and each step lose up to a second where they are longer; the larger is the closer.
            if (anyCpu && (cpu == null || sum > cpu)) cpu = sum;
            // Never more CPU time than the allocation allows, beyond sacct's rounding (elapsed is whole seconds:
            // up to one more second per CPU, and one per step line summed).
            if (cpu != null && elapsedS != null && allocCpus != null && allocCpus > 0) {
                double allowed = (double) (elapsedS + 1) * allocCpus + steps.size();
                if (cpu > allowed) {
                    // put together without String.format: a large file can have tens of thousands of these
                    corrected.accept(Column.TOTAL_CPU, "CPU time " + whole(cpu) + " s is more than " + allocCpus
                            + " CPUs for " + elapsedS + " s allow: stored as " + whole(allowed)
                            + " s (efficiency at most 100%)");
                    cpu = allowed;
                }
            }
            Double gpuUtil = null;
            if (gpuUtilPct != null) {
                double f = gpuUtilPct / 100;
                if (f > 1 && allocGpus != null && allocGpus > 1) f /= allocGpus;
                if (f > 1) corrected.accept(Column.TRES_USAGE_IN_AVE, String.format(Locale.ROOT,
                        "GPU utilisation %.0f%% is more than %s allow: stored as 100%%", gpuUtilPct,
                        allocGpus == null || allocGpus <= 1 ? "one GPU can" : allocGpus + " GPUs"));
                gpuUtil = Math.min(1.0, f);
            }
            Long gpuMem = gpuMemMax;
            if ((gpuUtil == null || gpuMem == null) && adminComment != null) {
                JobStats.Gpu js = JobStats.gpu(adminComment);
                if (js != null) {
                    if (gpuUtil == null) gpuUtil = js.util();
                    if (gpuMem == null) gpuMem = js.memPeakBytes();
                }
            }
            return new Job(cluster, jobId, jobIdRaw, name, user, account, partition, qos, wckey, comment, state,
                    exitCode, submit, start, end, elapsedS, timelimitS, reqCpus, reqMemBytes, allocCpus, allocNodes,
                    allocMemBytes, allocGpus, cpu, peak, nodeList, steps, gpuUtil, gpuMem);
        }
    }
}
