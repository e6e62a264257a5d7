package dev.reckon.app;

import dev.reckon.core.BadRequest;
import dev.reckon.core.InputError;
import dev.reckon.core.Unavailable;
import dev.reckon.ledger.Ledger;
import dev.reckon.model.AuditEntry;
import dev.reckon.place.CloudOffers;
import dev.reckon.place.KueueOffers;
import dev.reckon.place.KueueState;
import dev.reckon.place.Offer;
import dev.reckon.place.Provider;
import dev.reckon.place.ProvidersFile;
import dev.reckon.place.Readiness;
import dev.reckon.place.Request;
import dev.reckon.place.SbatchScript;
import dev.reckon.place.Selector;
import dev.reckon.place.Selectors;
import dev.reckon.place.SlurmOffers;
import dev.reckon.place.Submission;
import dev.reckon.sim.Machine;
import dev.reckon.sim.Predict;
import dev.reckon.sim.SimDefaults;
import dev.reckon.sim.parser.ScontrolNodes;
import dev.reckon.sim.parser.SqueueJobs;
import dev.reckon.source.Kubectl;
import dev.reckon.source.LiveQueue;
import dev.reckon.source.slurm.SlurmCommandException;
import dev.reckon.source.slurm.SlurmCommands;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Placement: where a job should go. Every provider of the providers file answers the job's shape with an offer
 * (Slurm clusters read live with {@code -M}, Kueue queues through kubectl or a saved output, cloud pools from the
 * file); a selector picks one; with submit, the job is sent to the chosen Slurm cluster ({@code sbatch -M}), a dry
 * run unless apply, claimed in the ledger first and audited.
 */
public final class Placement {
    /** The audit and claim action of a placed submission. */
    public static final String ACTION = "place-submit";
    /** The claim's cluster: a submission's key is claimed once whichever cluster it went to. */
    static final String CLAIM_CLUSTER = "place";
    /** The providers file looked for beside the settings file, then in the site's folder. */
    public static final String DEFAULT_FILE = "providers.yaml";

    private final Context ctx;

    public Placement(Context ctx) {
        this.ctx = ctx;
    }

    /**
     * What to place, and where the providers are.
     *
     * @param nodes     nodes; null: the script's, else 1 (likewise cpus (1), memBytes (0), gpus (0))
     * @param timeS     the time limit; null: the script's (one of the two must give it)
     * @param script    an sbatch script whose {@code #SBATCH} lines give the shape (options above override), or null
     * @param wrap      a command to submit instead of a script ({@code sbatch --wrap}), or null
     * @param providers the providers file; null: {@value #DEFAULT_FILE} beside the settings file, else the site's
     * @param select    the selector's name; null: soonest
     * @param deadline  when the job must have ended (for cheapest-by-deadline), or null
     * @param submit    submit to the chosen provider (Slurm only)
     * @param apply     really submit (else a dry run)
     * @param key       the submission's key, claimed once; null: a digest of what is submitted
     * @param jobName   the job's name ({@code sbatch -J}), or null for the script's
     */
    public record PlaceRequest(Integer nodes, Long cpus, Long memBytes, Long gpus, Long timeS, Path script, String wrap,
                               Path providers, String select, Instant deadline, boolean submit, boolean apply,
                               String key, String jobName) {
        public PlaceRequest {
            if (select != null && Selectors.named(select).isEmpty())
                throw new BadRequest("--select " + select + ": one of " + Selectors.names());
            if (nodes != null && nodes < 1) throw new BadRequest("--nodes: at least 1");
            if (cpus != null && cpus < 1) throw new BadRequest("--cpus: at least 1");
            if (gpus != null && gpus < 0) throw new BadRequest("--gpus: at least 0");
            if (memBytes != null && memBytes < 0) throw new BadRequest("--mem: must not be negative");
            if (timeS != null && timeS < 1) throw new BadRequest("--time: at least 1s");
            if (script != null && wrap != null) throw new BadRequest("give a script or --wrap, not both");
            if (apply && !submit) throw new BadRequest("--apply goes with --submit");
            if (submit && script == null && wrap == null)
                throw new BadRequest("--submit needs what to run: an sbatch script, or --wrap COMMAND");
            if (key != null && !key.matches("[A-Za-z0-9._:-]{1,100}"))
                throw new BadRequest("--key: letters, digits, '.', '_', ':' and '-', at most 100 characters");
            if (jobName != null && (jobName.isBlank() || jobName.chars().anyMatch(c -> c < 0x20)))
                throw new BadRequest("--name: a job name without control characters");
        }
    }

    /**
     * A placement.
     *
     * @param offers      every provider's offer, in the file's order
     * @param chosen      the selected offer, or null when no provider will run the job
     * @param why         why it was chosen (or why none was)
     * @param submission  null unless submit was asked
     */
    public record Result(Instant now, String providersFile, Request request, String select, List<Offer> offers,
                         Offer chosen, String why, Submission submission) {}

    public Outcome<Result> place(PlaceRequest q) {
        Instant now = ctx.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        List<String> notes = new ArrayList<>();
        List<InputError> problems = new ArrayList<>();
        String scriptText = null;
        SbatchScript.Shape fromScript = null;
        if (q.script() != null) {
            scriptText = read(q.script());
            fromScript = SbatchScript.parse(scriptText, q.script().toString());
        }
        Long timeS = q.timeS() != null ? q.timeS() : fromScript == null ? null : fromScript.timeS();
        if (timeS == null) {
            throw new BadRequest(q.script() == null ? "--time is required (or an sbatch script with #SBATCH --time)"
                    : "--time: " + q.script() + " names no #SBATCH --time; give --time");
        }
        int nodes = q.nodes() != null ? q.nodes() : fromScript == null ? 1 : fromScript.nodes();
        long cpus = q.cpus() != null ? q.cpus() : fromScript == null ? 1 : fromScript.cpus();
        long mem = q.memBytes() != null ? q.memBytes() : fromScript == null ? 0 : fromScript.memBytes();
        long gpus = q.gpus() != null ? q.gpus() : fromScript == null ? 0 : fromScript.gpus();
        if (cpus < nodes) cpus = nodes;
        Request request = new Request(nodes, cpus, mem, gpus, timeS, ctx.actor(), q.deadline());

        Path file = q.providers() != null ? q.providers() : defaultProviders();
        if (!Files.isRegularFile(file)) {
            throw new InputError(file.toString(), 0, null, "no such file: list the providers (see docs/place.md)"
                    + (q.providers() == null ? "; give --providers FILE" : ""));
        }
        List<Provider> providers = ProvidersFile.read(file).orThrow();

        SimDefaults defaults = SimDefaults.load();
        List<Offer> offers = new ArrayList<>();
        for (Provider p : providers) {
            try {
                if (p instanceof Provider.Slurm s) {
                    offers.add(SlurmOffers.offer(s, slurmState(s), request, now, defaults.predictPolicy(), defaults));
                } else if (p instanceof Provider.Kueue k) {
                    offers.add(KueueOffers.offer(k, kueueState(k), request, now));
                } else {
                    offers.add(CloudOffers.offer((Provider.Cloud) p, request, now));
                }
            } catch (SlurmCommandException | Unavailable e) {
                offers.add(Offer.refused(p.name(), p.kind(), Readiness.RESTRICTED, "cannot be read: "
                        + brief(e.getMessage())));
            } catch (InputError e) {
                problems.add(e);
                offers.add(Offer.refused(p.name(), p.kind(), Readiness.RESTRICTED, "cannot be read: " + e.getMessage()));
            }
        }
        String selectName = q.select() == null ? "soonest" : q.select();
        Selector selector = Selectors.named(selectName).orElseThrow();
        if (selectName.equals("cheapest-by-deadline") && q.deadline() == null) {
            notes.add("cheapest-by-deadline without --deadline: the earliest end is chosen");
        }
        Offer chosen = selector.choose(offers, request).orElse(null);
        String why = chosen == null
                ? "no provider will run it: each is restricted or incompatible (see the reasons)"
                : selectName + " (" + selector.description() + "): " + chosen.provider() + ", "
                + offers.stream().filter(o -> o.readiness().willRun()).count() + " of " + offers.size()
                + " providers will run it";
        Submission submission = null;
        if (q.submit()) {
            submission = submit(q, chosen, providers, scriptText, fromScript, request, selectName, now, notes);
        }
        return Outcome.of(new Result(now, file.toString(), request, selectName, offers, chosen, why, submission),
                problems, notes);
    }

    // ------------------------------------------------------------------------------------------------ submitting

    private Submission submit(PlaceRequest q, Offer chosen, List<Provider> providers, String scriptText,
                              SbatchScript.Shape fromScript, Request r, String select, Instant now, List<String> notes) {
        String key = q.key() != null ? q.key() : key(q, scriptText, r);
        if (chosen == null) {
            return new Submission(null, null, List.of(), false, null, key, "not submitted: no provider will run it");
        }
        Provider p = providers.stream().filter(x -> x.name().equals(chosen.provider())).findFirst().orElseThrow();
        if (!(p instanceof Provider.Slurm s)) {
            return new Submission(p.name(), null, List.of(), false, null, key, "not submitted: reckon submits to Slurm "
                    + "providers only; " + p.name() + " is a " + p.kind() + " provider");
        }
        List<String> args = new ArrayList<>(List.of("-M", s.cluster()));
        String partition = s.partition();
        if (partition == null && fromScript != null && fromScript.partition() != null) {
            // the script's partition belongs to the cluster it was written for: this cluster's default instead
            partition = defaultPartition(s.cluster());
        }
        if (partition != null) args.add("--partition=" + partition);
        String name = q.jobName();
        if (name != null) args.add("--job-name=" + name);
        // a script's own #SBATCH lines stand; what the options changed (or, with --wrap, the whole shape) is given
        // as options, which override them, so that what runs is what was placed
        boolean all = fromScript == null;
        if (all || q.nodes() != null) args.add("--nodes=" + r.nodes());
        if (all || q.cpus() != null || q.nodes() != null) {
            if (r.nodes() == 1) {
                args.add("--ntasks=1");
                args.add("--cpus-per-task=" + r.cpus());
            } else {
                args.add("--ntasks=" + r.cpus());
                args.add("--cpus-per-task=1");
            }
        }
        if (r.memBytes() > 0 && (all || q.memBytes() != null)) {
            args.add("--mem=" + Math.max(1, (r.memBytes() / r.nodes() + (1 << 20) - 1) >> 20) + "M");
        }
        if (r.gpus() > 0 && (all || q.gpus() != null)) args.add("--gres=gpu:" + (r.gpus() + r.nodes() - 1) / r.nodes());
        if (all || q.timeS() != null) args.add("--time=" + (r.timeS() + 59) / 60);
        if (q.wrap() != null) args.add("--wrap=" + q.wrap());
        else args.add(q.script().toAbsolutePath().toString());
        List<String> shown = new ArrayList<>(List.of("sbatch", "--parsable"));
        shown.addAll(args);
        if (!q.apply()) {
            return new Submission(s.name(), s.cluster(), shown, false, null, key, "dry run: nothing submitted "
                    + "(--apply submits)");
        }
        try (Ledger ledger = ctx.openLedger()) {
            if (!ledger.claim(CLAIM_CLUSTER, key, ACTION, "", ctx.actor(), now)) {
                String state = ledger.claimState(CLAIM_CLUSTER, key, ACTION, "").orElse("claimed");
                return new Submission(s.name(), s.cluster(), shown, false, null, key, "not submitted: key " + key
                        + (state.equals("done") ? " was submitted before" : " is claimed by another run (or one that "
                        + "died: reckon audit claims)") + "; give --key to submit it again");
            }
            String id;
            try {
                id = new SlurmCommands(SlurmCommands.DEFAULT_TIMEOUT, ctx.zone()).sbatch(args.toArray(String[]::new));
            } catch (SlurmCommandException e) {
                ledger.settleClaim(CLAIM_CLUSTER, key, ACTION, "", false);
                ledger.audit(new AuditEntry(now, ctx.actor(), ACTION, s.cluster(), null, null, false,
                        "place: provider " + s.name() + ", selector " + select + ", key " + key + ": " + e.getMessage()));
                throw e;
            }
            ledger.settleClaim(CLAIM_CLUSTER, key, ACTION, "", true);
            ledger.audit(new AuditEntry(now, ctx.actor(), ACTION, s.cluster(), id, null, true, "place: provider "
                    + s.name() + ", selector " + select + ", key " + key + ": " + chosen.reason()));
            notes.add("submitted: job " + id + " on cluster " + s.cluster() + " (reckon ingest slurm reads it into "
                    + "the ledger once it runs)");
            return new Submission(s.name(), s.cluster(), shown, true, id, key, "submitted: job " + id + " on cluster "
                    + s.cluster());
        }
    }

    /** The cluster's default partition ({@code scontrol -M CLUSTER show partition -o}), or null. */
    private String defaultPartition(String cluster) {
        String text = new SlurmCommands(SlurmCommands.DEFAULT_TIMEOUT, ctx.zone()).run("scontrol", "-M", cluster, "show",
                "partition", "-o");
        for (SlurmOffers.Partition p : SlurmOffers.partitions(dropClusterLines(text))) if (p.isDefault()) return p.name();
        return null;
    }

    /** A submission's default key: a digest of what runs and the shape, so that the same placement is sent once. */
    private static String key(PlaceRequest q, String scriptText, Request r) {
        String what = (scriptText != null ? "script\n" + scriptText : "wrap\n" + q.wrap()) + "\n" + r.nodes() + "/"
                + r.cpus() + "/" + r.memBytes() + "/" + r.gpus() + "/" + r.timeS() + "/" + q.jobName();
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(what.getBytes(StandardCharsets.UTF_8));
            return "sha256:" + HexFormat.of().formatHex(d, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    // ------------------------------------------------------------------------------------------------ reading

    private Path defaultProviders() {
        Path own = ctx.config().file() == null ? null : ctx.config().file().toAbsolutePath().getParent()
                .resolve(DEFAULT_FILE);
        if (own != null && Files.isRegularFile(own)) return own;
        return ctx.site().dir().resolve(DEFAULT_FILE);
    }

    /** A Slurm cluster's nodes, queue and partitions, read with {@code -M CLUSTER}. */
    private SlurmOffers.State slurmState(Provider.Slurm p) {
        SlurmCommands slurm = new SlurmCommands(SlurmCommands.DEFAULT_TIMEOUT, ctx.zone());
        String c = p.cluster();
        String queue = dropClusterLines(slurm.run("squeue", "-M", c, "--noheader", "--all",
                "--states=PENDING,RUNNING,CONFIGURING,COMPLETING", "-O", LiveQueue.SQUEUE_FIELDS));
        String nodes = dropClusterLines(slurm.run("scontrol", "-M", c, "show", "node", "-o"));
        String partitions = dropClusterLines(slurm.run("scontrol", "-M", c, "show", "partition", "-o"));
        String from = "scontrol -M " + c + " show node";
        if (!ScontrolNodes.looksLike(nodes)) {
            throw new Unavailable("cluster " + c + ": no NodeName= in " + from + " (is the cluster registered in "
                    + "slurmdbd and its controller up?)");
        }
        String usable = SqueueJobs.usableNodes(nodes);
        Machine machine = usable.isBlank() ? null : ScontrolNodes.parse(usable, from);
        List<Predict.LiveJob> jobs = SqueueJobs.parse(queue, "squeue -M " + c, ctx.zone());
        // the live jobs' runtimes as predict estimates them, from the ledger's history of this cluster (limits without one)
        dev.reckon.sim.RuntimeEstimate runtimes = Simulation.runtimes(ctx, jobs, c, ctx.now(), new ArrayList<>());
        // Slurm's scheduler job by job needs where each job sits and the scheduler's settings: read after squeue, and
        // left out (the pooled policy) when the cluster does not give them
        dev.reckon.sim.SlurmModel model = null;
        java.util.Map<String, Predict.Asked> asked = null;
        if (machine != null) {
            try {
                String details = dropClusterLines(slurm.run("scontrol", "-M", c, "show", "job", "-d", "-o"));
                String config = dropClusterLines(slurm.run("scontrol", "-M", c, "show", "config"));
                if (config.contains("SchedulerType")) {
                    model = dev.reckon.sim.SlurmModel.fromScontrol(usable, config,
                            dev.reckon.sim.SlurmModel.DEFAULT_TURNAROUND_MS);
                    asked = model == null ? null
                            : dev.reckon.sim.parser.ScontrolJobs.parse(details, "scontrol -M " + c + " show job -d -o");
                }
            } catch (SlurmCommandException e) {
                model = null;
                asked = null;
            }
        }
        return new SlurmOffers.State(machine, jobs, SlurmOffers.partitions(partitions), runtimes, model, asked);
    }

    private static final java.util.regex.Pattern FAILED =
            java.util.regex.Pattern.compile("(\\S+) failed \\(exit \\d+\\): .*?: (\\S+: error: .*)", java.util.regex.Pattern.DOTALL);

    /** A command's failure without the command line it repeats ({@code squeue failed: squeue: error: ...}). */
    static String brief(String message) {
        java.util.regex.Matcher m = FAILED.matcher(message);
        String s = m.matches() ? m.group(1) + " failed: " + m.group(2) : message;
        return s.length() <= 400 ? s : s.substring(0, 399) + "\u2026";
    }

    /** {@code -M} may print a {@code CLUSTER: name} line before a cluster's lines. */
    private static String dropClusterLines(String text) {
        return text.lines().filter(l -> !l.startsWith("CLUSTER:")).collect(Collectors.joining("\n")) + "\n";
    }

    private KueueState kueueState(Provider.Kueue k) {
        if (k.saved() != null) {
            return KueueState.parse(read(k.saved()), k.saved().toString());
        }
        String text = new Kubectl(Duration.ofSeconds(60)).kueueQueues(k.context());
        return KueueState.parse(text, "kubectl get clusterqueues,localqueues,workloads");
    }

    private static String read(Path p) {
        try {
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new InputError(p.toString(), 0, null, "no such file");
        } catch (IOException e) {
            throw new InputError(p.toString(), 0, null, "cannot read: " + e.getMessage());
        }
    }
}
