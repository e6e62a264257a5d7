package dev.reckon.app;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.reckon.core.BadRequest;
import dev.reckon.core.Json;
import dev.reckon.core.Unavailable;
import dev.reckon.ledger.Ledger;
import dev.reckon.model.AuditEntry;
import dev.reckon.place.Selector;
import dev.reckon.place.Selectors;
import dev.reckon.place.study.Fleet;
import dev.reckon.place.study.Study;
import dev.reckon.place.study.StudyRow;
import dev.reckon.place.study.SyntheticJobs;
import dev.reckon.sim.SimDefaults;
import dev.reckon.sim.Workload;
import dev.reckon.sim.parser.LedgerWorkload;
import dev.reckon.sim.parser.SwfWorkload;
import dev.reckon.source.slurm.SlurmCommandException;
import dev.reckon.source.slurm.SlurmCommands;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Placement studies ({@code reckon study}): run the cross product of workloads x fleets x selectors on this machine's
 * cores, or one shard of it into the ledger; merge the shards ({@code study report}); submit the shards as a Slurm job
 * array.
 */
public final class Studies {
    /** The most threads a study runs on. */
    static final int MAX_THREADS = 256;

    private final Context ctx;

    public Studies(Context ctx) {
        this.ctx = ctx;
    }

    /**
     * A study, as the options give it.
     *
     * @param name      the study's name in the ledger (shards and {@code study report})
     * @param workloads {@code synthetic:N[:CORES]}, {@code swf:FILE} (or a path ending {@code .swf}/{@code .swf.gz}),
     *                  or {@code ledger} (the jobs submitted in {@code since..until})
     * @param fleets    fleet names ({@link Fleet#parse})
     * @param selectors selector names; empty: every one
     * @param seed      the seed of synthetic jobs, drawn fleets and background loads
     * @param slack     deadline = submit + slack x time limit
     * @param threads   threads (at least 1)
     * @param since     the ledger's window, from (null: open)
     * @param until     the ledger's window, until (null: open)
     * @param shard     which shard, {@code I/N} with 0 &lt;= I &lt; N; null: the whole study
     */
    public record Request(String name, List<String> workloads, List<String> fleets, List<String> selectors,
                          long seed, double slack, int threads, Instant since, Instant until, String shard) {
        public Request {
            Objects.requireNonNull(name, "name");
            workloads = List.copyOf(workloads);
            fleets = List.copyOf(fleets);
            selectors = selectors == null ? List.of() : List.copyOf(selectors);
            if (name.isBlank() || !name.matches("[A-Za-z0-9._-]+")) {
                throw new BadRequest("--study: a name of letters, digits, '.', '_' and '-', not \"" + name + "\"");
            }
            if (workloads.isEmpty()) throw new BadRequest("--workload: name at least one workload");
            if (fleets.isEmpty()) throw new BadRequest("--fleet: name at least one fleet");
            if (!(slack >= 1)) throw new BadRequest("--slack must be at least 1");
            if (threads < 1 || threads > MAX_THREADS) throw new BadRequest("--threads: 1 to " + MAX_THREADS);
            if (shard != null) shardOf(shard);
        }

        /** The study's own options as {@code reckon study} takes them (for the array's tasks). */
        public List<String> args() {
            List<String> a = new ArrayList<>(List.of("study", "--study", name));
            for (String w : workloads) a.addAll(List.of("--workload", w));
            for (String f : fleets) a.addAll(List.of("--fleet", f));
            if (!selectors.isEmpty()) a.addAll(List.of("--select", String.join(",", selectors)));
            a.addAll(List.of("--seed", Long.toString(seed), "--slack", Double.toString(slack)));
            if (since != null) a.addAll(List.of("--since", since.toString()));
            if (until != null) a.addAll(List.of("--until", until.toString()));
            return a;
        }
    }

    /** A study's rows, in cell order, with its name and size. */
    public record Result(String name, int cells, long placements, List<StudyRow> rows) {
        public Result {
            rows = List.copyOf(rows);
        }
    }

    /** Runs the study (or its shard, whose rows go into the ledger). */
    public Outcome<Result> run(Request q) {
        Study.Spec spec = spec(q);
        List<String> notes = new ArrayList<>();
        int[] shard = q.shard() == null ? null : shardOf(q.shard());
        List<StudyRow> rows = Study.run(spec, SimDefaults.load(), q.threads(),
                shard == null ? i -> true : i -> i % shard[1] == shard[0]);
        if (shard != null) {
            List<Integer> cells = rows.stream().map(StudyRow::cell).toList();
            List<String> docs = rows.stream().map(Studies::doc).toList();
            try (Ledger ledger = ctx.openLedger()) {
                ledger.saveStudyRows(q.name(), q.shard(), cells, docs);
            }
            notes.add("shard " + q.shard() + ": " + rows.size() + " of " + spec.cells() + " cells stored as study "
                    + q.name() + "; merge the shards with: reckon study report --study " + q.name());
        }
        long placements = 0;
        for (StudyRow r : rows) placements += r.jobs();
        return Outcome.of(new Result(q.name(), spec.cells(), placements, rows), List.of(), notes);
    }

    /** The study's stored rows, merged from its shards. */
    public Outcome<Result> report(String name) {
        List<String> docs;
        try (Ledger ledger = ctx.readLedger()) {
            docs = ledger.studyRows(name);
        }
        if (docs.isEmpty()) {
            throw new BadRequest("--study: the ledger holds no study " + name + " (run reckon study --shard I/N "
                    + "--study " + name + " first)");
        }
        List<StudyRow> rows = new ArrayList<>();
        for (String d : docs) {
            try {
                rows.add(Json.mapper().readValue(d, StudyRow.class));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("study " + name + ": a stored row does not read: " + e.getMessage(), e);
            }
        }
        int cells = rows.get(0).cells();
        long placements = 0;
        for (StudyRow r : rows) placements += r.jobs();
        List<String> notes = new ArrayList<>();
        if (rows.size() < cells) {
            notes.add((cells - rows.size()) + " of " + cells + " cells are not in the ledger yet: a shard has not "
                    + "finished (or failed); the tables show the cells stored");
        }
        return Outcome.of(new Result(name, cells, placements, rows), List.of(), notes);
    }

    /**
     * The study as a Slurm job array of {@code tasks} shards, each task running {@code launcher} (the command that
     * starts reckon, e.g. {@code java -jar /abs/reckon.jar}) with the study's options, {@code --shard
     * $SLURM_ARRAY_TASK_ID/tasks} and this ledger.
     *
     * @param cluster the cluster to submit to ({@code sbatch -M}); null: the local one
     * @param output  where the tasks' output files go (a directory), or null for sbatch's default
     * @param apply   submit; otherwise only say what would be submitted
     */
    public Outcome<ArrayPlan> array(Request q, int tasks, List<String> launcher, String cluster, Path output,
                                    boolean apply) {
        if (tasks < 1 || tasks > 10_000) throw new BadRequest("--array: 1 to 10000 tasks");
        if (q.shard() != null) throw new BadRequest("--array and --shard: choose one");
        spec(q); // refuse a study that will not run before anything is submitted
        String ledgerUrl = ctx.config().ledger();
        if (!ledgerUrl.startsWith("jdbc:postgresql:")) {
            throw new BadRequest("--array: the tasks write to one shared ledger; give --ledger jdbc:postgresql://...");
        }
        StringBuilder wrap = new StringBuilder();
        for (String s : launcher) wrap.append(quote(s)).append(' ');
        wrap.append("--ledger ").append(quote(ledgerUrl));
        for (String s : q.args()) wrap.append(' ').append(quote(s));
        wrap.append(" --threads 1 --shard \"$SLURM_ARRAY_TASK_ID\"/").append(tasks);
        List<String> args = new ArrayList<>();
        if (cluster != null) args.addAll(List.of("-M", cluster));
        args.addAll(List.of("--array", "0-" + (tasks - 1), "--job-name", "reckon-study-" + q.name(),
                "--comment", "reckon study " + q.name()));
        if (output != null) args.addAll(List.of("--output", output.resolve("study-" + q.name() + "-%a.out").toString()));
        args.addAll(List.of("--wrap", wrap.toString()));
        String jobId = null;
        String detail = "study " + q.name() + ": " + tasks + " tasks";
        String on = cluster == null ? "" : cluster;
        try (Ledger ledger = ctx.openLedger()) {
            if (apply) {
                // claimed first: two runs at once (or a second --apply) never submit the same study twice
                if (!ledger.claim(on, "", "study-array", q.name(), ctx.actor(), ctx.now())) {
                    throw new BadRequest("--study: study " + q.name() + " was already submitted (reckon audit "
                            + "claims); choose another name");
                }
                boolean done = false;
                try {
                    jobId = new SlurmCommands().sbatch(args.toArray(String[]::new));
                    done = true;
                } catch (SlurmCommandException e) {
                    throw new Unavailable("sbatch refused the study's array: " + e.getMessage());
                } finally {
                    ledger.settleClaim(on, "", "study-array", q.name(), done);
                }
            }
            ledger.audit(new AuditEntry(ctx.now(), ctx.actor(), "study-array", on, jobId == null ? "" : jobId,
                    "", apply, detail));
        }
        List<String> notes = new ArrayList<>();
        if (!apply) notes.add("dry run: nothing submitted; add --apply to submit the array");
        else notes.add("when the array has ended: reckon study report --study " + q.name());
        List<String> cmd = new ArrayList<>(List.of("sbatch"));
        cmd.addAll(args);
        return Outcome.of(new ArrayPlan(q.name(), tasks, cmd, jobId, apply), List.of(), notes);
    }

    /** An array: the sbatch command and, when submitted, its job id. */
    public record ArrayPlan(String study, int tasks, List<String> command, String jobId, boolean applied) {
        public ArrayPlan {
            command = List.copyOf(command);
        }
    }

    private Study.Spec spec(Request q) {
        List<Study.Named> workloads = new ArrayList<>();
        for (String w : q.workloads()) workloads.add(new Study.Named(w, workload(w, q)));
        List<Fleet> fleets = new ArrayList<>();
        for (String f : q.fleets()) {
            try {
                fleets.add(Fleet.parse(f, q.seed()));
            } catch (IllegalArgumentException e) {
                throw new BadRequest("--fleet: " + e.getMessage());
            }
        }
        List<Selector> selectors = new ArrayList<>();
        if (q.selectors().isEmpty()) selectors.addAll(Selectors.all());
        for (String s : q.selectors()) {
            selectors.add(Selectors.named(s.strip()).orElseThrow(() -> new BadRequest("--select: no selector \""
                    + s + "\"; one of " + Selectors.names())));
        }
        return new Study.Spec(workloads, fleets, selectors, q.slack(), q.seed());
    }

    private Workload workload(String w, Request q) {
        String s = w.strip();
        if (s.startsWith("synthetic:")) {
            String[] p = s.substring("synthetic:".length()).split(":");
            try {
                int jobs = Integer.parseInt(p[0]);
                double cores = p.length > 1 ? Double.parseDouble(p[1]) : 1500;
                if (jobs < 1 || jobs > 10_000_000 || !(cores > 0) || p.length > 2) throw new NumberFormatException();
                return SyntheticJobs.placed(jobs, q.seed(), cores);
            } catch (NumberFormatException e) {
                throw new BadRequest("--workload " + s + ": synthetic:JOBS[:CORES], 1 to 10000000 jobs offering "
                        + "CORES busy cores on average (default 1500)");
            }
        }
        if (s.equals("ledger")) {
            try (Ledger ledger = ctx.readLedger()) {
                Workload lw = LedgerWorkload.read(ledger, q.since(), q.until()).workload();
                if (lw.size() == 0) throw new BadRequest("--workload ledger: no jobs in the window");
                return lw;
            }
        }
        Path path = Path.of(s.startsWith("swf:") ? s.substring(4) : s);
        if (!s.startsWith("swf:") && !s.endsWith(".swf") && !s.endsWith(".swf.gz")) {
            throw new BadRequest("--workload " + s + ": synthetic:JOBS[:CORES], swf:FILE or ledger");
        }
        try {
            if (!Files.isRegularFile(path)) throw new NoSuchFileException(path + ": no such file");
            Workload tw = SwfWorkload.read(path).workload();
            if (tw.size() == 0) throw new BadRequest("--workload " + s + ": the trace holds no jobs");
            return tw;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code I/N} as {I, N}. */
    static int[] shardOf(String shard) {
        String[] p = shard.strip().split("/");
        try {
            int i = Integer.parseInt(p[0].strip()), n = Integer.parseInt(p[1].strip());
            if (p.length == 2 && n >= 1 && i >= 0 && i < n) return new int[] {i, n};
        } catch (RuntimeException e) {
            // below
        }
        throw new BadRequest("--shard: I/N with 0 <= I < N (e.g. 0/4; a Slurm array's $SLURM_ARRAY_TASK_ID), not \""
                + shard + "\"");
    }

    private static String doc(StudyRow r) {
        return Json.write(r);
    }

    /** A word for a POSIX shell: bare when safe, else single-quoted. */
    static String quote(String s) {
        if (!s.isEmpty() && s.matches("[A-Za-z0-9_./:=@%+,-]+")) return s;
        return "'" + s.replace("'", "'\\''") + "'";
    }
}
