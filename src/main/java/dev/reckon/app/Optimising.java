package dev.reckon.app;

import dev.reckon.core.AtomicFiles;
import dev.reckon.core.BadRequest;
import dev.reckon.core.Json;
import dev.reckon.exits.Exits;
import dev.reckon.ledger.JobQuery;
import dev.reckon.ledger.Ledger;
import dev.reckon.model.AuditEntry;
import dev.reckon.model.Charter;
import dev.reckon.model.Job;
import dev.reckon.optimise.Baseline;
import dev.reckon.optimise.ModelFile;
import dev.reckon.optimise.Optimiser;
import dev.reckon.optimise.PipelineModel;
import dev.reckon.optimise.PipelineRun;
import dev.reckon.optimise.RoundReport;
import dev.reckon.optimise.Shape;
import dev.reckon.optimise.Stage;
import dev.reckon.optimise.Trial;
import dev.reckon.sim.SimDefaults;
import dev.reckon.sim.SimulatedCluster;
import dev.reckon.source.Cluster;
import dev.reckon.source.slurm.SlurmCluster;
import dev.reckon.source.slurm.SlurmCommands;
import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;

import dev.reckon.charter.Charters;
import dev.reckon.core.InputError;
import dev.reckon.core.SlurmSyntax;
import dev.reckon.core.Times;
import dev.reckon.optimise.Campaign;
import dev.reckon.optimise.CampaignFile;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Optimisation campaigns: writing a new campaign file, and reading one (format: {@code docs/optimise.md}).
 */
public final class Optimising {
    private final Context ctx;

    public Optimising(Context ctx) {
        this.ctx = Objects.requireNonNull(ctx, "ctx");
    }

    // ------------------------------------------------------------------------------------------------ new

    /**
     * A new campaign's fields as a person gives them (texts, checked by the same rules as a campaign file).
     *
     * @param name     the campaign's name
     * @param charter  the id of the charter it charges
     * @param stages   one {@code NAME:WORK:CPUS:MEM:GPUS:TIME} per stage, in pipeline order ({@code prep:400:4:16G:1:2h});
     *                 each stage runs after the one before it
     * @param commands each stage's command template, by stage name (may be empty)
     * @param out      the file to write; null: {@code <name>.campaign.yaml} in the current directory
     */
    public record NewCampaign(String name, String charter, List<String> stages, Map<String, String> commands, Path out) {
        public NewCampaign {
            stages = stages == null ? List.of() : stages.stream().filter(s -> s != null && !s.isBlank()).map(String::strip)
                    .toList();
            commands = commands == null ? Map.of() : Map.copyOf(commands);
        }
    }

    /**
     * What {@link #create} did: the file written, or the problems that kept it from being written (each naming the
     * field at fault: {@code name}, {@code charter}, {@code stages}, {@code stages.<name>.start.cpus}, ...), and notes.
     */
    public record Created(Path file, String name, List<InputError> problems, List<String> notes) {
        public Created {
            problems = List.copyOf(problems);
            notes = List.copyOf(notes);
        }

        public boolean written() {
            return problems.isEmpty();
        }
    }

    /** The form of one {@code --stage}, for messages. */
    public static final String STAGE_FORM = "NAME:WORK:CPUS:MEM:GPUS:TIME";

    /**
     * Writes a new campaign file when its text passes the same check as any campaign file; never overwrites. The
     * stages run one after another; each may vary around its start (CPUs 1 to 4x, memory 1/8 to 4x, time 1/8 to 2x,
     * GPUs down to 0 when it asks for some, shards per job and concurrency 1 to its work): edit the file to narrow them.
     */
    public Created create(NewCampaign n) throws IOException {
        String name = blankToNull(n.name());
        Path target = n.out() != null ? n.out()
                : Path.of((name == null || !CampaignFile.NAME.matcher(name).matches() ? "new" : name) + ".campaign.yaml");
        List<InputError> problems = new ArrayList<>();
        String text = yaml(n, target.toString(), problems);
        if (problems.isEmpty()) problems.addAll(CampaignFile.parse(target.toString(), text).errors());
        if (Files.exists(target)) {
            problems.add(new InputError(target.toString(), 0, "out", "already exists; edit it, or write another file"));
        }
        List<String> notes = new ArrayList<>();
        if (!problems.isEmpty()) return new Created(target, name, problems, notes);
        Path parent = target.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        try {
            AtomicFiles.create(target, text);
        } catch (FileAlreadyExistsException e) {
            throw new InputError(target.toString(), 0, "out", "already exists; edit it, or write another file");
        }
        charterNote(n.charter().strip()).ifPresent(notes::add);
        return new Created(target, name, List.of(), notes);
    }

    // ------------------------------------------------------------------------------------------------ load

    /**
     * Reads a campaign file; notes say when its charter is not (yet) a valid charter in the charter directory.
     *
     * @throws InputError the file's first problem when it does not read (the message counts the others; {@link #check}
     *                    lists them all)
     */
    public Outcome<Campaign> load(Path file) {
        CampaignFile.Result r = CampaignFile.read(file);
        if (!r.ok()) {
            InputError first = r.errors().get(0);
            int more = r.errors().size() - 1;
            if (more == 0) throw first;
            throw new InputError(first.file(), first.line(), first.field(), first.problem() + " (and " + more
                    + " more problem" + (more == 1 ? "" : "s") + " in the file)");
        }
        return Outcome.of(r.campaign(), List.of(), charterNote(r.campaign().charter()).map(List::of).orElse(List.of()));
    }

    /** Every problem of a campaign file, by line; empty when it is valid. */
    public List<InputError> check(Path file) {
        return CampaignFile.read(file).errors();
    }

    // ------------------------------------------------------------------------------------------------ baseline

    /** The campaign's baseline from the ledger's history since {@code since} (null: all of it). */
    public Outcome<Baseline.Result> baseline(Path file, Instant since) {
        Outcome<Campaign> c = load(file);
        Charter charter = ctx.loadCharters().byId(c.value().charter()).orElse(null);
        List<Job> jobs = new ArrayList<>();
        try (Ledger ledger = ctx.readLedger()) {
            ledger.forEachJob(JobQuery.all().withWindow(since, null), j -> {
                for (Stage s : c.value().stages()) {
                    if (Baseline.belongs(j, charter, s)) {
                        jobs.add(j);
                        return;
                    }
                }
            });
        }
        List<String> notes = new ArrayList<>(c.notes());
        if (charter == null) notes.add("without its charter, the baseline takes every job whose name matches a stage");
        return Outcome.of(Baseline.of(c.value(), charter, jobs), List.of(), notes);
    }

    // ------------------------------------------------------------------------------------------------ rounds

    /**
     * Running a campaign's rounds.
     *
     * @param file      the campaign file
     * @param model     a workload model file: run on a simulated cluster with it (nothing real is touched); null:
     *                  this host's Slurm
     * @param apply     send trials to the real cluster (without it: the plan of round 0, nothing sent); a simulated
     *                  cluster always runs
     * @param maxRounds the last round; null: the default (5)
     * @param storedOnly the stored state only (a report): nothing is planned or sent
     * @param planOnly  the plan of round 0 only, nothing sent or stored: with a model, against its simulated cluster
     *                  (the waits predicted on it)
     */
    public record RunRequest(Path file, Path model, boolean apply, Integer maxRounds, boolean storedOnly,
                             boolean planOnly) {
        public RunRequest(Path file, Path model, boolean apply, Integer maxRounds) {
            this(file, model, apply, maxRounds, false, false);
        }

        public RunRequest(Path file, Path model, boolean apply, Integer maxRounds, boolean storedOnly) {
            this(file, model, apply, maxRounds, storedOnly, false);
        }

        /** The plan of round 0: nothing is sent or stored. */
        public static RunRequest plan(Path file, Path model, Integer maxRounds) {
            return new RunRequest(file, model, false, maxRounds, false, true);
        }

        public RunRequest {
            if (maxRounds != null && (maxRounds < 0 || maxRounds > 50)) throw new BadRequest("--rounds: 0 to 50");
        }
    }

    /**
     * A campaign's run and its report.
     *
     * @param state    where its state lives (the ledger, under this key)
     * @param promoted the promoted configuration written as a new campaign version; null when none
     */
    public record RunResult(RoundReport report, Optimiser.Run run, String state, Path promoted) {}

    /** Plans (dry run), runs or resumes the campaign's rounds, and reports. A resumed run never sends a trial twice. */
    public Outcome<RunResult> run(RunRequest q) throws IOException {
        Outcome<Campaign> loaded = load(q.file());
        Campaign c = loaded.value();
        List<String> notes = new ArrayList<>(loaded.notes());
        PipelineModel model = q.model() == null ? null : ModelFile.read(q.model()).orThrow();
        if (model != null) {
            List<String> missing = model.unmodelled(c);
            if (!missing.isEmpty()) throw new InputError(q.model().toString(), 0, "stages",
                    "no model for stage" + (missing.size() == 1 ? " " : "s ") + String.join(", ", missing));
        }
        String key = c.name() + (model != null ? "@model" : "");
        Optimiser.Settings settings = q.maxRounds() == null ? Optimiser.Settings.DEFAULT
                : new Optimiser.Settings(q.maxRounds(), Optimiser.Settings.DEFAULT.noise(), Optimiser.Settings.DEFAULT.sweepJobs(),
                Optimiser.Settings.DEFAULT.memMargin(), Optimiser.Settings.DEFAULT.memPad(),
                Optimiser.Settings.DEFAULT.timeMargin(), Optimiser.Settings.DEFAULT.timePadS());
        // a dry run, or the report of a stored run, only reads: it needs the ledger and writes nothing to it
        boolean writes = !q.storedOnly() && !q.planOnly() && (model != null || q.apply());
        try (Ledger ledger = (writes ? ctx.openLedger() : ctx.readLedger())) {
            Optimiser.Budget budget = budget(ledger, c, notes);
            Cluster cluster;
            Optimiser.Waits waits;
            String where;
            if (model != null) {
                SimulatedCluster sim = model.simulatedCluster(START);
                cluster = sim;
                waits = Optimiser.simulated(sim, SimDefaults.load());
                where = "a simulated cluster (" + q.model().getFileName() + ")";
            } else {
                SlurmCommands slurm = new SlurmCommands(SlurmCommands.DEFAULT_TIMEOUT, ctx.zone());
                // the jobs' output goes beside the campaign file, never into the current directory
                Path jobsDir = q.file().toAbsolutePath().resolveSibling(c.name() + "-jobs");
                if (q.apply()) Files.createDirectories(jobsDir);
                cluster = new SlurmCluster(slurm, ctx.clock(), jobsDir);
                waits = new LiveWaits(slurm, ctx);
                where = "this host's Slurm";
            }
            Optimiser.Log log = new LedgerLog(ledger, key, model != null);
            boolean send = !q.planOnly() && (model != null || q.apply());
            Cluster acting = send && model == null ? new Audited(cluster, ledger, ctx, c.charter(), where) : cluster;
            Optimiser o = new Optimiser(c, acting, waits, send ? log : new Optimiser.MemoryLog(), budget, settings);
            Optimiser.Run run;
            if (q.storedOnly()) {
                run = new Optimiser(c, acting, waits, new Frozen(log.trials()), budget, settings).stored();
                send = false;
            } else if (q.planOnly() && model != null) {
                // against the model's simulated cluster, as it stands when a run would start: its waits predicted
                run = o.plan();
                notes.add("dry run against the model's simulated cluster: the waits are predicted on it; nothing was "
                        + "sent or stored ('run --model' runs the rounds)");
            } else if (!send) {
                if (!log.trials().isEmpty()) {
                    run = new Optimiser(c, acting, waits, new Frozen(log.trials()), budget, settings).stored();
                    notes.add("the campaign has run before: this is its stored state; --apply resumes it");
                } else {
                    run = o.plan();
                    notes.add("dry run: nothing was sent; --apply sends the trials (each tagged, audited, counted against the budget)");
                }
            } else {
                run = o.run();
            }
            Path promoted = send ? promote(q.file(), c, run) : null;
            double[] simulated = model == null || run.trials().stream().allMatch(t -> t.result() == null) ? null
                    : simulate(c, run, model);
            RoundReport report = RoundReport.of(run, baseline(q.file(), null).value(), where, budget, simulated,
                    new RoundReport.Checkpoints(ledger.location() + " (campaign " + key + ")", run.trials().size(),
                            promoted == null ? null : promoted.toString(),
                            promoted == null ? c.version() : c.version() + 1));
            return Outcome.of(new RunResult(report, run, key, promoted), List.of(), notes);
        }
    }

    /** The report of what was run so far, from the stored state; nothing is sent. */
    public Outcome<RunResult> report(Path file, Path model) throws IOException {
        Outcome<Campaign> loaded = load(file);
        Campaign c = loaded.value();
        String key = c.name() + (model != null ? "@model" : "");
        try (Ledger ledger = ctx.readLedger()) {
            List<Trial> trials = new LedgerLog(ledger, key, model != null).trials();
            if (trials.isEmpty()) {
                // the other kind of run may exist: say so, rather than that nothing ran
                boolean other = !new LedgerLog(ledger, model != null ? c.name() : c.name() + "@model", model == null)
                        .trials().isEmpty();
                String hint = !other ? ""
                        : model == null ? " (it has run on a simulated cluster: give --model FILE for that run)"
                        : " (it has run on the real cluster: leave out --model for that run)";
                throw new BadRequest("campaign " + key + " has not run yet" + hint + ": reckon optimise run "
                        + file + (model == null ? " --apply" : " --model " + model));
            }
        }
        return run(new RunRequest(file, model, false, null, true));
    }

    /** Where the simulated cluster's clock starts: a fixed Monday morning, so that runs repeat. */
    static final Instant START = Instant.parse("2026-01-05T08:00:00Z");

    private Optimiser.Budget budget(Ledger ledger, Campaign c, List<String> notes) {
        Charter charter = ctx.loadCharters().byId(c.charter()).orElse(null);
        if (charter == null) {
            notes.add("no charter " + c.charter() + ": no budget limits the campaign");
            return Optimiser.Budget.UNLIMITED;
        }
        Exits.Evaluation e = ExitPlanning.evaluate(ledger, List.of(charter), ctx.now(), ExitPlanning.defaults(ctx)).get(0);
        Double cpu = e.left() == null ? null : e.left().cpuHours();
        Double gpu = e.left() == null ? null : e.left().gpuHours();
        return new Optimiser.Budget(cpu == null ? Double.POSITIVE_INFINITY : Math.max(0, cpu),
                gpu == null ? Double.POSITIVE_INFINITY : Math.max(0, gpu));
    }

    /** The simulator's estimate of the whole pipeline, as submitted and as chosen. */
    private static double[] simulate(Campaign c, Optimiser.Run run, PipelineModel model) {
        Map<String, Shape> start = new java.util.LinkedHashMap<>();
        for (Stage s : c.stages()) start.put(s.name(), s.start());
        double as = PipelineRun.run(c, start, model.simulatedCluster(START), PipelineRun.Retry.MORE_MEMORY).wallClockS();
        double chosen = PipelineRun.run(c, run.chosen(), model.simulatedCluster(START), PipelineRun.Retry.MORE_MEMORY)
                .wallClockS();
        return new double[] {as, chosen};
    }

    /** Writes the chosen configuration as the campaign's next version beside its file; null when nothing changed. */
    private static Path promote(Path file, Campaign c, Optimiser.Run run) throws IOException {
        Campaign next = c;
        for (Stage s : c.stages()) {
            Shape chosen = run.chosen().get(s.name());
            if (chosen != null && !chosen.equals(s.start())) next = next.promote(s.name(), chosen);
        }
        if (next == c) return null;
        next = new Campaign(next.name(), c.version() + 1, next.charter(), next.stages());
        String base = file.getFileName().toString().replaceAll("(\\.v\\d+)?\\.(campaign\\.)?ya?ml$", "");
        Path out = file.toAbsolutePath().resolveSibling(base + ".v" + next.version() + ".campaign.yaml");
        AtomicFiles.write(out, CampaignFile.write(next));
        return out;
    }

    /** The campaign's state in the ledger: one JSON document per trial. */
    private static final class LedgerLog implements Optimiser.Log {
        private final Ledger ledger;
        private final String key;
        private final boolean clusterForgets;

        /** @param clusterForgets a simulated cluster starts afresh each run: its trials sent before were never run */
        LedgerLog(Ledger ledger, String key, boolean clusterForgets) {
            this.ledger = ledger;
            this.key = key;
            this.clusterForgets = clusterForgets;
        }

        @Override
        public void save(Trial t) {
            ledger.saveCampaignItem(key, t.number(), Json.write(t));
        }

        @Override
        public List<Trial> trials() {
            List<Trial> out = new ArrayList<>();
            for (String doc : ledger.campaignItems(key)) {
                try {
                    Trial t = Json.mapper().readValue(doc, Trial.class);
                    if (clusterForgets && t.status() == Trial.Status.SUBMITTED) t = t.with(Trial.Status.PLANNED, List.of(), null);
                    out.add(t);
                } catch (java.io.IOException e) {
                    throw new InputError(ledger.location(), 0, "campaign " + key, "a stored trial does not read: "
                            + e.getMessage());
                }
            }
            return out;
        }
    }

    /** A log read once and never written (a dry run over a campaign that has run). */
    private record Frozen(List<Trial> trials) implements Optimiser.Log {
        @Override
        public void save(Trial t) {
        }
    }

    /** The real cluster, with every submission written to the audit log. */
    private static final class Audited implements Cluster {
        private final Cluster inner;
        private final Ledger ledger;
        private final Context ctx;
        private final String charter, where;

        Audited(Cluster inner, Ledger ledger, Context ctx, String charter, String where) {
            this.inner = inner;
            this.ledger = ledger;
            this.ctx = ctx;
            this.charter = charter;
            this.where = where;
        }

        @Override
        public String submit(Submission s) {
            String id = inner.submit(s);
            ledger.audit(new AuditEntry(ctx.now(), ctx.actor(), "submit", "-", id, charter, true,
                    s.name() + " " + s.cpus() + " cpu " + (s.memBytes() >> 20) + "M " + s.gpus() + " gpu " + s.timeLimitS()
                            + " s; " + s.comment() + "; on " + where));
            return id;
        }

        @Override
        public List<JobStatus> poll(java.util.Collection<String> ids, java.time.Duration wait) {
            return inner.poll(ids, wait);
        }

        @Override
        public void cancel(String id) {
            inner.cancel(id);
        }

        @Override
        public List<JobStatus> accounting(java.util.Collection<String> ids) {
            return inner.accounting(ids);
        }

        @Override
        public Instant now() {
            return inner.now();
        }
    }

    // ------------------------------------------------------------------------------------------------ helpers

    private java.util.Optional<String> charterNote(String charter) {
        Charters cs = ctx.loadCharters();
        if (cs.byId(charter).isPresent()) return java.util.Optional.empty();
        return java.util.Optional.of("no valid charter " + charter + " in " + cs.dir() + " yet: the campaign's budget "
                + "comes from it (reckon charter new --id " + charter + ")");
    }

    /** The file text for the fields; problems of the stage specs themselves are added to {@code problems}. */
    private static String yaml(NewCampaign n, String file, List<InputError> problems) {
        StringBuilder b = new StringBuilder();
        b.append("# A campaign for reckon optimise: a staged pipeline to finish sooner. Format: docs/optimise.md\n");
        b.append("# start: how each stage's jobs are submitted today; vary: the bounds the optimiser may move within.\n");
        line(b, "", "name", blankToNull(n.name()));
        line(b, "", "charter", blankToNull(n.charter()));
        b.append("version: 1\n");
        if (n.stages().isEmpty()) {
            problems.add(new InputError(file, 0, "stages", "missing: give each stage as " + STAGE_FORM
                    + " (e.g. preprocessing:400:4:16G:1:2h)"));
            return b.toString();
        }
        b.append("stages:\n");
        String previous = null;
        Map<String, String> commands = new LinkedHashMap<>(n.commands());
        for (String spec : n.stages()) {
            String[] f = spec.split(":", 6);
            if (f.length != 6 || java.util.Arrays.stream(f).anyMatch(String::isBlank)) {
                problems.add(new InputError(file, 0, "stages", "\"" + spec + "\" is not " + STAGE_FORM
                        + " (e.g. preprocessing:400:4:16G:1:2h)"));
                continue;
            }
            String stage = f[0].strip();
            b.append("  - name: ").append(quote(stage)).append('\n');
            b.append("    work: ").append(quote(f[1].strip())).append('\n');
            String cmd = commands.remove(stage);
            if (cmd != null && !cmd.isBlank()) b.append("    command: ").append(quote(cmd.strip())).append('\n');
            b.append("    start: {cpus: ").append(quote(f[2].strip())).append(", mem: ").append(quote(f[3].strip()))
                    .append(", gpus: ").append(quote(f[4].strip())).append(", time: ").append(quote(f[5].strip()));
            Long work = whole(f[1]), cpus = whole(f[2]), gpus = whole(f[4]), mem = size(f[3]);
            Duration time = Times.duration(f[5].strip());
            if (work != null && work >= 1) b.append(", shards_per_job: 1, concurrency: ").append(work);
            b.append("}\n");
            if (work != null && cpus != null && gpus != null && mem != null && time != null && work >= 1 && cpus >= 1
                    && mem >= 1 && time.getSeconds() >= 1) {
                long t = time.getSeconds();
                long memMin = Math.max(1L << 20, (mem / 8) >> 20 << 20);
                b.append("    vary:\n");
                b.append("      cpus: [1, ").append(Math.max(cpus * 4, 2)).append("]\n");
                b.append("      mem: [").append(sizeText(Math.min(memMin, mem))).append(", ").append(sizeText(mem * 4))
                        .append("]\n");
                if (gpus > 0) b.append("      gpus: [0, ").append(gpus).append("]\n");
                b.append("      time: [").append(Times.text(Duration.ofSeconds(Math.min(t, Math.max(60, t / 8 / 60 * 60)))))
                        .append(", ").append(Times.text(Duration.ofSeconds(Math.min(365L * 86_400, Math.max(t, 2 * t)))))
                        .append("]\n");
                b.append("      shards_per_job: [1, ").append(work).append("]\n");
                b.append("      concurrency: [1, ").append(work).append("]\n");
            }
            if (previous != null) b.append("    after: [").append(quote(previous)).append("]\n");
            previous = stage;
        }
        for (String stage : commands.keySet()) {
            problems.add(new InputError(file, 0, "stages." + stage + ".command", "no stage is named " + stage));
        }
        return b.toString();
    }

    private static Long whole(String s) {
        String t = s.strip();
        return t.matches("\\d{1,9}") ? Long.valueOf(t) : null;
    }

    private static Long size(String s) {
        try {
            return SlurmSyntax.sizeBytes(s.strip(), 'M');
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static String sizeText(long bytes) {
        String units = "KMGTPE";
        for (int u = units.length(); u >= 1; u--) {
            long unit = 1L << (10 * u);
            if (bytes % unit == 0) return bytes / unit + String.valueOf(units.charAt(u - 1));
        }
        return bytes + "B";
    }

    private static void line(StringBuilder b, String indent, String key, String value) {
        if (value != null) b.append(indent).append(key).append(": ").append(quote(value.strip())).append('\n');
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    /** A YAML double-quoted scalar with JSON escapes (YAML reads those back). */
    private static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char ch : s.toCharArray()) {
            switch (ch) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\t' -> b.append("\\t");
                default -> {
                    if (ch < 0x20 || ch == 0x7f) b.append(String.format(java.util.Locale.ROOT, "\\u%04x", (int) ch));
                    else b.append(ch);
                }
            }
        }
        return b.append('"').toString();
    }
}
