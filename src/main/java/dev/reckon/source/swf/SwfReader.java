package dev.reckon.source.swf;

import dev.reckon.model.Job;
import dev.reckon.core.InputError;
import dev.reckon.source.Inputs;

import java.io.BufferedReader;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.zip.ZipException;

/**
 * Reads a trace in the Standard Workload Format (SWF 2.2, the Parallel Workloads Archive's format) as a stream of
 * {@link Job}s: one job per line, 18 whitespace-separated numeric fields, {@code -1} for unknown, comment lines
 * starting with {@code ;} (the header, see {@link SwfHeader}). Memory use does not grow with the trace.
 *
 * <h2>How a line becomes a {@link Job}</h2>
 * <ul>
 * <li>{@code cluster}: the name given to the constructor, else the file name without directory, {@code .gz} and
 *     {@code .swf}.</li>
 * <li>{@code jobId}, {@code jobIdRaw}: field 1, the job number, as text. Numbers need not be consecutive.</li>
 * <li>{@code submit}: {@code UnixStartTime} (0 when the header has none) + field 2. {@code start}: submit + field 3
 *     (wait); {@code null} when the wait is unknown. {@code end}: start + field 4 (run time); {@code null} when either is
 *     unknown. Fractional seconds, which SWF allows, are rounded to the nearest second.</li>
 * <li>{@code elapsedS}: field 4. {@code timelimitS}: field 9 (requested time). A run time above the requested time is
 *     kept as it is: that is what the log says happened.</li>
 * <li>{@code allocCpus}: field 5 (allocated processors). {@code reqCpus}: field 8 (requested processors).</li>
 * <li>{@code allocNodes}: allocated processors / processors per node, rounded up, where processors per node is known:
 *     from the machine description ({@link SwfMachines}, when all its groups agree), else from the header's
 *     {@code MaxProcs / MaxNodes}; otherwise {@code null}. Header and description can disagree (HPC2N's Seth says
 *     {@code MaxNodes: 240} for 120 dual-processor nodes): the description wins.</li>
 * <li>{@code totalCpuS}: field 6 (average CPU time per processor) x allocated processors.</li>
 * <li>{@code peakMemBytes}: field 7 (average used memory per processor, KiB) x 1024 x allocated processors. This sums
 *     per-processor averages, the closest SWF gets to a peak.</li>
 * <li>{@code allocMemBytes}: field 10 (requested memory per processor, KiB) x 1024 x allocated processors;
 *     {@code reqMemBytes}: the same per-processor figure x requested processors (allocated when unknown).</li>
 * <li>{@code user}: {@code "u"} + field 12; {@code account}: {@code "g"} + field 13 (the group); {@code name}:
 *     {@code "app"} + field 14 (the executable number).</li>
 * <li>{@code partition}: {@code "q"} + field 15 (the queue, the closest SWF notion to a Slurm partition); when the
 *     queue is unknown, {@code "p"} + field 16 (the machine partition); {@code null} when both are.</li>
 * <li>{@code state} from field 11: 1 {@code COMPLETED}, 0 {@code FAILED}, 5 {@code CANCELLED}; the partial-execution
 *     codes of checkpointed or swapped jobs: 2 (this part will be continued) {@code PREEMPTED}, 3 (last part, the
 *     job completed) {@code COMPLETED}, 4 (last part, the job failed) {@code FAILED}; -1 {@code COMPLETED} when the
 *     run time is known, else {@code UNKNOWN}; any other code {@code UNKNOWN}.</li>
 * <li>{@code exitCode}, {@code qos}, {@code wckey}, {@code comment}, {@code allocGpus}: {@code null}; no steps.
 *     Fields 17 (preceding job) and 18 (think time) describe models, not accounting: checked, then dropped.</li>
 * </ul>
 * Unknown is {@code -1}; any other negative value is read as unknown too (converted logs carry a few, e.g. a run time
 * of {@code 0 - start} where the end was never recorded), except in field 1, where it is an error.
 *
 * <h2>MetaCentrum's extended SWF</h2>
 * A trace whose first job line has more than 18 fields is read as the extended SWF of the MetaCentrum / Alea traces:
 * submit times are epoch seconds (such files have no {@code UnixStartTime}), field 10 is the requested memory of the
 * whole job in bytes, fields 6 and 7 hold the constants 1 and 1024 on every line (placeholders, not measurements, so
 * {@code totalCpuS} and {@code peakMemBytes} are {@code null}), and after field 18 come a per-processor node list in
 * braces ({@code {1241,1241}}: its distinct entries give {@code allocNodes} and {@code nodeList}), the queue name
 * ({@code partition}) and a PBS node spec (ignored). In such a file every line needs at least 18 fields; in a plain
 * SWF file exactly 18.
 *
 * <h2>Errors</h2>
 * A line with the wrong number of fields, a field that is not a number, a whole-number field with a fraction, or a
 * value too large to mean anything raises {@link InputError} with the file, the line and the field as
 * {@code "N (name)"}, e.g. {@code trace.swf:31: field 4 (run time): "12x" is not a number}.
 * A reader reads one trace; make a new one for the next.
 */
public final class SwfReader {

    private static final String[] FIELD = {
            "job number", "submit time", "wait time", "run time", "allocated processors", "average CPU time",
            "used memory", "requested processors", "requested time", "requested memory", "status", "user id",
            "group id", "executable number", "queue number", "partition number", "preceding job", "think time"};
    private static final int FIELDS = 18;
    /** Largest magnitude accepted in a numeric field: about 31 million years in seconds, a petabyte in bytes. */
    private static final double LIMIT = 1e15;
    private static final int MAX_TOKENS = 32;

    private final String clusterName;
    private SwfMachines machines;

    private final Map<String, String> keys = new LinkedHashMap<>();
    private String lastKey;
    private Integer maxNodes;
    private Integer maxProcs;
    private Long unixStartTime;
    private ZoneId zone;
    private ZoneId offsetZone;
    private Boolean extended;
    private long jobsRead;

    /** Whether each job keeps its node list's names (else only their count: {@link #withoutNodeNames}). */
    private boolean nodeNames = true;
    /** How job lines' bytes are text: UTF-8 when they come from a reader's characters, ISO-8859-1 from a file's bytes. */
    private java.nio.charset.Charset charset = StandardCharsets.UTF_8;
    // per-line scratch, reused
    private final int[] from = new int[MAX_TOKENS];
    private final int[] to = new int[MAX_TOKENS];
    private String fileName;
    private long lineNo;

    /** @param clusterName the cluster every job is put on; {@code null} takes the trace's file name stem */
    public SwfReader(String clusterName) {
        this(clusterName, null);
    }

    /**
     * @param clusterName the cluster every job is put on; {@code null} takes the trace's file name stem
     * @param machines    the trace's machine description, used for node counts; {@code null} when there is none
     */
    public SwfReader(String clusterName, SwfMachines machines) {
        this.clusterName = clusterName;
        this.machines = machines;
    }

    /**
     * Opens a trace file for {@link #read}: gzip-compressed data (recognised by its magic bytes, whatever the name) is
     * decompressed on the fly. Bytes are read as ISO-8859-1, so no byte sequence can fail to decode.
     */
    public static Reader open(Path p) throws IOException {
        return new BufferedReader(new InputStreamReader(Inputs.bytes(p), StandardCharsets.ISO_8859_1), 1 << 16);
    }

    /**
     * Reads a trace file: opens it with {@link #open}, and when this reader was given no machine description, uses
     * the one beside the file ({@link SwfMachines#besides}) if there is one.
     */
    public void read(Path p, Consumer<Job> sink) throws IOException {
        if (machines == null) machines = SwfMachines.besides(p);
        if (SwfBlocks.worthIt(p)) {
            new SwfBlocks(this, p).read(sink);
            return;
        }
        try (Reader in = open(p)) {
            read(in, p.toString(), sink);
        }
    }

    /**
     * Reads every job of a trace, in file order, handing each to {@code sink}.
     *
     * @param fileName the name errors carry and, without a cluster name, the cluster's name comes from
     * @throws InputError on the first bad line
     */
    public void read(Reader in, String fileName, Consumer<Job> sink) throws IOException {
        this.fileName = fileName == null ? "-" : fileName;
        read(in, 0, sink);
    }

    /** Reads the lines of {@code in} as lines {@code linesBefore + 1}, ... of the file named by {@link #start}. */
    void read(Reader in, long linesBefore, Consumer<Job> sink) throws IOException {
        String cluster = cluster();
        dev.reckon.source.BoundedLines r = new dev.reckon.source.BoundedLines(in, this.fileName);
        lineNo = linesBefore;
        String line;
        try {
            while ((line = r.next(lineNo + 1)) != null) {
                lineNo++;
                int i = skipSpace(line, 0);
                if (i == line.length()) continue;
                if (line.charAt(i) == ';') {
                    headerLine(line, i + 1);
                    continue;
                }
                byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
                sink.accept(job(bytes, 0, bytes.length, cluster));
                jobsRead++;
            }
        } catch (ZipException | EOFException e) {
            throw new InputError(this.fileName, lineNo + 1, null,
                    "the compressed data is damaged or cut short (" + e.getMessage() + ")");
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new InputError(this.fileName, lineNo + 1, null, "is not valid UTF-8 (malformed bytes on this line)");
        }
    }

    /**
     * This reader, leaving each job's {@code nodeList} out (null); its node count is still read from the list. For a
     * reader that needs only the count (the simulator), a MetaCentrum trace's per-processor lists cost less so.
     */
    public SwfReader withoutNodeNames() {
        nodeNames = false;
        return this;
    }

    /** Names the file errors carry, before {@link #read(Reader, long, Consumer)}. */
    void start(String fileName) {
        this.fileName = fileName == null ? "-" : fileName;
    }

    private String cluster() {
        return clusterName != null ? clusterName : stem(this.fileName);
    }

    /**
     * A reader of job lines in the state this one is in now (its header, its format), for one block of a file read
     * on another thread; {@code null} while this one has seen no job line (the format is not settled yet).
     */
    SwfReader forBlock() {
        if (extended == null) return null;
        SwfReader r = new SwfReader(clusterName, machines);
        r.maxNodes = maxNodes;
        r.maxProcs = maxProcs;
        r.unixStartTime = unixStartTime;
        r.extended = extended;
        r.fileName = fileName;
        r.charset = StandardCharsets.ISO_8859_1;
        r.nodeNames = nodeNames;
        return r;
    }

    /**
     * Parses the job lines of {@code block} (bytes {@code [0, end)}, read as ISO-8859-1, split as {@link
     * dev.reckon.source.BoundedLines} splits lines) into {@code jobs}; stops before the first header line. Returns the
     * offset it stopped at ({@code end} when it read the whole block); {@link #linesRead} says how many lines that
     * was. Lines are numbered from the block's start: a bad line's error is for the caller to read the block again.
     */
    int jobLines(byte[] block, int end, List<Job> jobs) {
        String cluster = cluster();
        lineNo = 0;
        int i = 0;
        while (i < end) {
            int e = i;
            while (e < end && block[e] != '\n' && block[e] != '\r') e++;
            int k = i;
            while (k < e && (block[k] & 0xff) <= ' ') k++;
            if (k < e && block[k] == ';') return i;
            lineNo++;
            if (k < e) jobs.add(job(block, i, e, cluster));
            i = e < end && block[e] == '\r' && e + 1 < end && block[e + 1] == '\n' ? e + 2 : e + 1;
        }
        return end;
    }

    /** The lines {@link #jobLines} read, up to where it stopped. */
    long linesRead() {
        return lineNo;
    }

    /** Counts a job handed on by a block read elsewhere. */
    void counted(long jobs) {
        jobsRead += jobs;
    }

    /** The header read so far: after {@link #read}, the whole trace's. */
    public SwfHeader header() {
        ZoneId z = zone != null ? zone : offsetZone;
        return new SwfHeader(keys, maxNodes, maxProcs, unixStartTime, z);
    }

    /** True when the trace was read as MetaCentrum's extended SWF (see the class description). */
    public boolean extended() {
        return Boolean.TRUE.equals(extended);
    }

    /** How many jobs {@link #read} has handed on. */
    public long jobsRead() {
        return jobsRead;
    }

    /** A file name without directory, {@code .gz} and {@code .swf}: {@code "/x/HPC2N.swf.gz"} gives {@code "HPC2N"}. */
    public static String stem(String fileName) {
        if (fileName == null) return "swf";
        String s = fileName;
        int slash = Math.max(s.lastIndexOf('/'), s.lastIndexOf('\\'));
        s = s.substring(slash + 1);
        String lower = s.toLowerCase(Locale.ROOT);
        if (lower.endsWith(".gz")) {
            s = s.substring(0, s.length() - 3);
            lower = lower.substring(0, lower.length() - 3);
        }
        if (lower.endsWith(".swf")) s = s.substring(0, s.length() - 4);
        return s.isEmpty() || s.equals("-") ? "swf" : s;
    }

    // ---------------------------------------------------------------- header

    private void headerLine(String line, int i) {
        int indentStart = i;
        i = skipSpace(line, i);
        String text = line.substring(i).strip();
        if (text.isEmpty()) {
            lastKey = null;
            return;
        }
        int k = i;
        if (k - indentStart <= 2 && k < line.length() && Character.isLetter(line.charAt(k))) {
            while (k < line.length() && (Character.isLetterOrDigit(line.charAt(k)) || line.charAt(k) == '_'
                    || line.charAt(k) == '-')) {
                k++;
            }
            if (k < line.length() && line.charAt(k) == ':') {
                String key = line.substring(i, k);
                String value = line.substring(k + 1).strip();
                keys.merge(key, value, (a, b) -> a + "\n" + b);
                lastKey = key;
                typed(key, value);
                return;
            }
        }
        String key = lastKey != null ? lastKey : "Comment";
        keys.merge(key, text, (a, b) -> a + "\n" + b);
        lastKey = key;
    }

    private void typed(String key, String value) {
        switch (key) {
            case "MaxNodes" -> maxNodes = leadingInt(value);
            case "MaxProcs" -> maxProcs = leadingInt(value);
            case "UnixStartTime" -> {
                Long v = leadingLong(value);
                if (v == null || Math.abs(v) > LIMIT) {
                    throw new InputError(fileName, lineNo, "UnixStartTime",
                            "\"" + value + "\" is not a number of seconds since 1970");
                }
                unixStartTime = v;
            }
            case "TimeZoneString" -> {
                try {
                    zone = ZoneId.of(value);
                } catch (DateTimeException e) {
                    zone = null;
                }
            }
            case "TimeZone" -> {
                Long v = leadingLong(value);
                try {
                    offsetZone = v == null ? null : ZoneOffset.ofTotalSeconds(Math.toIntExact(v));
                } catch (DateTimeException | ArithmeticException e) {
                    offsetZone = null;
                }
            }
            default -> { }
        }
    }

    private static Integer leadingInt(String v) {
        Long l = leadingLong(v);
        return l == null || l > Integer.MAX_VALUE || l < Integer.MIN_VALUE ? null : l.intValue();
    }

    private static Long leadingLong(String v) {
        int i = 0;
        boolean neg = false;
        if (i < v.length() && (v.charAt(i) == '-' || v.charAt(i) == '+')) neg = v.charAt(i++) == '-';
        int start = i;
        long n = 0;
        while (i < v.length() && v.charAt(i) >= '0' && v.charAt(i) <= '9') {
            if (i - start >= 18) return null;
            n = n * 10 + (v.charAt(i++) - '0');
        }
        if (i == start) return null;
        return neg ? -n : n;
    }

    // ---------------------------------------------------------------- jobs

    private Job job(byte[] line, int off, int lineEnd, String cluster) {
        int n = tokenize(line, off, lineEnd);
        if (extended == null) extended = n > FIELDS;
        if (n < FIELDS) {
            throw new InputError(fileName, lineNo, field(n + 1),
                    "missing: an SWF line has " + FIELDS + " fields, this one " + n);
        }
        if (n > FIELDS && !extended) {
            throw new InputError(fileName, lineNo, String.valueOf(FIELDS + 1),
                    "unexpected: an SWF line has " + FIELDS + " fields, this one " + n);
        }
        long jobNo = whole(line, 0);
        if (jobNo < 0) throw error(0, line, "is not a job number");
        Long submitRel = decimalSeconds(line, 1);
        Long wait = decimalSeconds(line, 2);
        Long run = decimalSeconds(line, 3);
        Integer procs = count(line, 4);
        Double avgCpu = decimal(line, 5);
        Double usedMem = decimal(line, 6);
        Integer reqProcs = count(line, 7);
        Long reqTime = decimalSeconds(line, 8);
        Double reqMem = decimal(line, 9);
        long status = whole(line, 10);
        Long userId = id(line, 11);
        Long groupId = id(line, 12);
        Long exe = id(line, 13);
        Long queue = id(line, 14);
        Long partitionNo = id(line, 15);
        id(line, 16);
        decimal(line, 17);

        boolean ext = extended;
        long base = unixStartTime == null ? 0 : unixStartTime;
        Instant submit = submitRel == null ? null : Instant.ofEpochSecond(base + submitRel);
        Instant start = submit == null || wait == null ? null : submit.plusSeconds(wait);
        Instant end = start == null || run == null ? null : start.plusSeconds(run);

        Double totalCpu = null;
        Long peakMem = null;
        Long allocMem = null;
        Long reqMemBytes = null;
        if (!ext) {
            if (avgCpu != null && procs != null) totalCpu = avgCpu * procs;
            if (usedMem != null && procs != null) peakMem = bytes(line, 6, usedMem * 1024.0 * procs);
            if (reqMem != null && procs != null) allocMem = bytes(line, 9, reqMem * 1024.0 * procs);
            Integer rp = reqProcs != null ? reqProcs : procs;
            if (reqMem != null && rp != null) reqMemBytes = bytes(line, 9, reqMem * 1024.0 * rp);
        } else if (reqMem != null) {
            allocMem = bytes(line, 9, reqMem);
            reqMemBytes = allocMem;
        }

        Integer nodes = null;
        String nodeList = null;
        String partition = null;
        if (ext && n > FIELDS) {
            NodeList nl = nodeList(line, from[FIELDS], to[FIELDS], null, nodeNames ? charset : null);
            if (nl != null) {
                nodes = nl.count();
                nodeList = nl.names();
            }
            if (n > FIELDS + 1) partition = text(line, from[FIELDS + 1], to[FIELDS + 1]);
        }
        if (nodes == null && procs != null) {
            Integer cpn = machines != null ? machines.cpusPerNode() : null;
            if (cpn == null) cpn = cpusPerNodeFromHeader();
            if (cpn != null && cpn > 0) nodes = (int) ((procs + (long) cpn - 1) / cpn);
        }
        if (partition == null) {
            if (queue != null) partition = named(queues, "q", queue);
            else if (partitionNo != null) partition = named(partitionNos, "p", partitionNo);
        }

        String state = switch ((int) Math.max(Math.min(status, 100), -100)) {
            case 1, 3 -> "COMPLETED";
            case 0, 4 -> "FAILED";
            case 5 -> "CANCELLED";
            case 2 -> "PREEMPTED";
            case -1 -> run != null ? "COMPLETED" : "UNKNOWN";
            default -> "UNKNOWN";
        };

        String id = Long.toString(jobNo);
        return new Job(cluster, id, id, exe == null ? null : named(exes, "app", exe),
                userId == null ? null : named(users, "u", userId), groupId == null ? null : named(groups, "g", groupId),
                partition, null, null, null, state, null,
                submit, start, end, run, reqTime, reqProcs, reqMemBytes, procs, nodes, allocMem, null,
                totalCpu, peakMem, nodeList, List.of());
    }

    /**
     * The names made of a prefix and a number (users, groups, executables, queues: a trace has few of each), kept in a
     * small direct-mapped table so that each is made once rather than once per job.
     */
    private static final class Names {
        final long[] numbers = new long[256];
        final String[] names = new String[256];
    }

    private final Names users = new Names(), groups = new Names(), exes = new Names(), queues = new Names(),
            partitionNos = new Names();

    private static String named(Names t, String prefix, long number) {
        int slot = (int) (number ^ (number >>> 8)) & 255;
        String n = t.names[slot];
        if (n != null && t.numbers[slot] == number) return n;
        n = prefix + number;
        t.numbers[slot] = number;
        t.names[slot] = n;
        return n;
    }

    private Integer cpusPerNodeFromHeader() {
        if (maxNodes == null || maxProcs == null || maxNodes <= 0 || maxProcs <= 0) return null;
        return (maxProcs + maxNodes - 1) / maxNodes;
    }

    /** Splits {@code line[off, end)} on whitespace into {@link #from}/{@link #to}; returns the number of tokens (counting past the array). */
    private int tokenize(byte[] line, int off, int end) {
        int n = 0;
        int i = off;
        while (true) {
            while (i < end && (line[i] & 0xff) <= ' ') i++;
            if (i >= end) return n;
            int s = i;
            while (i < end && (line[i] & 0xff) > ' ') i++;
            if (n < MAX_TOKENS) {
                from[n] = s;
                to[n] = i;
            }
            n++;
        }
    }

    private static int skipSpace(String line, int i) {
        while (i < line.length() && line.charAt(i) <= ' ') i++;
        return i;
    }

    /** A byte of a job line as the character it stands for in the characters that matter here (ASCII). */
    private static char at(byte[] line, int i) {
        return (char) (line[i] & 0xff);
    }

    /** The text of {@code line[s, e)}. */
    private String text(byte[] line, int s, int e) {
        return new String(line, s, e - s, charset);
    }

    private static String field(int oneBased) {
        return oneBased <= FIELDS ? oneBased + " (" + FIELD[oneBased - 1] + ")" : String.valueOf(oneBased);
    }

    private InputError error(int f, byte[] line, String problem) {
        String tok = text(line, from[f], to[f]);
        if (tok.length() > 40) tok = tok.substring(0, 40) + "...";
        return new InputError(fileName, lineNo, field(f + 1), "\"" + tok + "\" " + problem);
    }

    /** A whole number, exactly; fractions and anything else are errors. */
    private long whole(byte[] line, int f) {
        int i = from[f];
        int e = to[f];
        boolean neg = false;
        char c = at(line, i);
        if (c == '-' || c == '+') {
            neg = c == '-';
            i++;
        }
        if (i == e) throw error(f, line, "is not a number");
        long v = 0;
        for (; i < e; i++) {
            c = at(line, i);
            if (c < '0' || c > '9') {
                if (c == '.' || c == 'e' || c == 'E') {
                    double d = number(line, f);
                    if (d == Math.rint(d) && Math.abs(d) <= LIMIT) return (long) d;
                    throw error(f, line, Math.abs(d) > LIMIT ? "is too large" : "is not a whole number");
                }
                throw error(f, line, "is not a number");
            }
            if (v > (long) LIMIT) throw error(f, line, "is too large");
            v = v * 10 + (c - '0');
        }
        if (v > (long) LIMIT) throw error(f, line, "is too large");
        return neg ? -v : v;
    }

    /** A whole-number identifier; negative means unknown. */
    private Long id(byte[] line, int f) {
        long v = whole(line, f);
        return v < 0 ? null : v;
    }

    /** A processor count; negative means unknown. */
    private Integer count(byte[] line, int f) {
        long v = whole(line, f);
        if (v < 0) return null;
        if (v > Integer.MAX_VALUE) throw error(f, line, "is too large for a processor count");
        return (int) v;
    }

    /** Any number (fractions and exponents allowed); negative means unknown. */
    private Double decimal(byte[] line, int f) {
        double d = number(line, f);
        return d < 0 ? null : d;
    }

    /** A number of seconds, rounded to the nearest; negative means unknown. */
    private Long decimalSeconds(byte[] line, int f) {
        Double d = decimal(line, f);
        return d == null ? null : Math.round(d);
    }

    private long bytes(byte[] line, int f, double v) {
        if (v > 9.0e18) throw error(f, line, "gives a memory size too large to mean anything");
        return Math.round(v);
    }

    /** Parses {@code [+-]digits[.digits][(e|E)[+-]digits]}; the fast path handles plain integers. */
    private double number(byte[] line, int f) {
        int s = from[f];
        int e = to[f];
        int i = s;
        char c = at(line, i);
        boolean neg = false;
        if (c == '-' || c == '+') {
            neg = c == '-';
            i++;
        }
        int digits = 0;
        long v = 0;
        boolean plain = true;
        int j = i;
        for (; j < e; j++) {
            c = at(line, j);
            if (c >= '0' && c <= '9') {
                if (digits < 18) v = v * 10 + (c - '0');
                digits++;
            } else {
                plain = false;
                break;
            }
        }
        if (plain) {
            if (digits == 0) throw error(f, line, "is not a number");
            if (digits > 18) throw error(f, line, "is too large");
            double d = neg ? -v : v;
            if (Math.abs(d) > LIMIT) throw error(f, line, "is too large");
            return d;
        }
        // validate the general form before handing it to the JDK, which would also accept "NaN", "0x1p3", "1d"...
        int k = i;
        int mant = 0;
        while (k < e && at(line, k) >= '0' && at(line, k) <= '9') { k++; mant++; }
        if (k < e && at(line, k) == '.') {
            k++;
            while (k < e && at(line, k) >= '0' && at(line, k) <= '9') { k++; mant++; }
        }
        if (mant == 0) throw error(f, line, "is not a number");
        if (k < e && (at(line, k) == 'e' || at(line, k) == 'E')) {
            k++;
            if (k < e && (at(line, k) == '+' || at(line, k) == '-')) k++;
            int exp = 0;
            while (k < e && at(line, k) >= '0' && at(line, k) <= '9') { k++; exp++; }
            if (exp == 0) throw error(f, line, "is not a number");
        }
        if (k != e) throw error(f, line, "is not a number");
        double d = Double.parseDouble(new String(line, s, e - s, StandardCharsets.ISO_8859_1));
        if (!(Math.abs(d) <= LIMIT)) throw error(f, line, "is too large");
        return d;
    }

    record NodeList(int count, String names) {
    }

    /**
     * The distinct entries of a brace list {@code {a,b,a}}: 2 and {@code "a,b"} (first-seen order), or {@code null}
     * when the token is not a non-empty brace list.
     */
    static NodeList nodeList(String line, int s, int e, long[] probes) {
        byte[] b = line.getBytes(StandardCharsets.UTF_8);
        int bs = line.substring(0, s).getBytes(StandardCharsets.UTF_8).length;
        int be = bs + line.substring(s, e).getBytes(StandardCharsets.UTF_8).length;
        return nodeList(b, bs, be, probes, StandardCharsets.UTF_8);
    }

    /**
     * As {@link #nodeList(String, int, int, long[])} over the bytes {@code [s, e)} of a line in {@code charset} (null:
     * the entries are counted, their names not kept), in
     * time linear in the list's length: each entry is looked up in an open-addressing table of the distinct entries
     * so far (at most half full), keyed by the entry's bytes in the line, never copied. {@code probes}, when given,
     * counts the table slots examined ({@code probes[0]}), which a test compares across sizes.
     */
    static NodeList nodeList(byte[] line, int s, int e, long[] probes, java.nio.charset.Charset charset) {
        if (e - s < 3 || line[s] != '{' || line[e - 1] != '}') return null;
        int body = s + 1;
        int end = e - 1;
        java.io.ByteArrayOutputStream distinct = charset == null ? null
                : new java.io.ByteArrayOutputStream(Math.min(end - body, 1 << 12));
        int[] starts = new int[8];
        int[] lens = new int[8];
        int[] hashes = new int[8];
        int[] table = new int[16]; // 1 + index into starts, 0 when empty
        int count = 0;
        long probed = 0;
        int i = body;
        while (i <= end) {
            int j = i;
            int h = 0;
            while (j < end && line[j] != ',') h = 31 * h + (line[j++] & 0xff);
            int len = j - i;
            if (len > 0) {
                h *= 0x9E3779B9; // spread consecutive names (n1, n2, ...) over the table
                h ^= h >>> 15;
                int mask = table.length - 1;
                int slot = h & mask;
                boolean seen = false;
                while (table[slot] != 0) {
                    probed++;
                    int d = table[slot] - 1;
                    if (hashes[d] == h && lens[d] == len
                            && java.util.Arrays.equals(line, starts[d], starts[d] + len, line, i, j)) {
                        seen = true;
                        break;
                    }
                    slot = (slot + 1) & mask;
                }
                if (!seen) {
                    if (count == starts.length) {
                        starts = java.util.Arrays.copyOf(starts, count * 2);
                        lens = java.util.Arrays.copyOf(lens, count * 2);
                        hashes = java.util.Arrays.copyOf(hashes, count * 2);
                    }
                    starts[count] = i;
                    lens[count] = len;
                    hashes[count] = h;
                    count++;
                    table[slot] = count;
                    if (count * 2 > table.length) table = rehash(table, hashes, count);
                    if (distinct != null) {
                        if (distinct.size() > 0) distinct.write(',');
                        distinct.write(line, i, len);
                    }
                }
            }
            i = j + 1;
        }
        if (probes != null) probes[0] += probed;
        return count == 0 ? null : new NodeList(count, distinct == null ? null : distinct.toString(charset));
    }

    /** The table twice as large, holding the first {@code count} entries. */
    private static int[] rehash(int[] table, int[] hashes, int count) {
        int[] t = new int[table.length * 2];
        int mask = t.length - 1;
        for (int d = 0; d < count; d++) {
            int slot = hashes[d] & mask;
            while (t[slot] != 0) slot = (slot + 1) & mask;
            t[slot] = d + 1;
        }
        return t;
    }
}
