package dev.reckon.cli;

import dev.reckon.ledger.Ledger;
import dev.reckon.sim.Machine;
import dev.reckon.sim.Policies;
import dev.reckon.sim.SimDefaults;
import dev.reckon.sim.SimResult;
import dev.reckon.sim.Simulator;
import dev.reckon.sim.parser.LedgerWorkload;
import dev.reckon.sim.parser.Load;
import dev.reckon.sim.parser.MachineFile;
import dev.reckon.sim.parser.SwfWorkload;
import dev.reckon.sim.report.SimHtml;
import dev.reckon.sim.report.SimReport;
import dev.reckon.source.InputError;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Callable;

/** {@code reckon simulate}: replays a trace or a period of the ledger under a scheduling policy. */
@Command(name = "simulate", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Replays jobs on a simulated machine under a scheduling policy and reports each job's start "
                + "and end and the schedule's figures: mean, median and p95 wait, mean bounded slowdown, utilisation, "
                + "makespan, queue length over time.",
                "Jobs come from an SWF trace (--trace; the machine from the .machines file beside it or the header's "
                        + "MaxNodes/MaxProcs) or from the ledger (the default; --since/--until; the machine from "
                        + "--machine). Reservations use each job's time limit, completion its actual runtime; a job "
                        + "that ran past its limit is ended at it. Jobs that cannot fit the machine are dropped "
                        + "and listed.",
                "Policies: fcfs, easy (EASY backfill), conservative (conservative backfill), priority "
                        + "(multifactor: age, size, fair-share with decay; EASY backfill). Defaults: "
                        + "src/main/resources/dev/reckon/sim/defaults.properties; see docs/sim.md."})
final class SimulateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--trace", paramLabel = "FILE", description = "An SWF trace (.swf or .swf.gz; MetaCentrum's "
            + "extended SWF too). Without it, the jobs come from the ledger.")
    Path trace;
    @Option(names = {"-S", "--since"}, paramLabel = "TIME", description = "Ledger: jobs submitted from (default 30d).")
    String since;
    @Option(names = {"-E", "--until"}, paramLabel = "TIME", description = "Ledger: jobs submitted before (default: now).")
    String until;
    @Option(names = "--machine", paramLabel = "FILE", description = "The nodes: saved 'scontrol show node' output "
            + "(either form), an SWF .machines file, or lines 'name nodes cores memory [gpus [partition,...]]'.")
    Path machineFile;
    @Option(names = "--policy", paramLabel = "NAME", defaultValue = "easy", completionCandidates = Names.class,
            description = "fcfs, easy, conservative or priority (default: ${DEFAULT-VALUE}).")
    String policy;
    @Option(names = "--depth", paramLabel = "N", description = "Backfill depth: queued jobs tested per pass "
            + "(default from the defaults file).")
    Integer depth;
    @Option(names = "--json", description = "One JSON object: policy, machine, notes, jobs, dropped, metrics.")
    boolean json;
    @Option(names = "--html", paramLabel = "FILE", description = "Writes a self-contained HTML page with plots to "
            + "FILE and prints its path; - writes it to standard output.")
    String html;

    static final class Names implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return Policies.names().iterator();
        }
    }

    @Override
    public Integer call() throws IOException {
        Door door = new Door(spec);
        if (json && html != null) throw door.usage("--json and --html: choose one");
        if (!Policies.names().contains(policy)) {
            throw door.usage("--policy " + policy + ": one of " + String.join(", ", Policies.names()));
        }
        if (trace != null && door.root().ledgerOption != null) throw door.usage("--trace and --ledger: choose one");
        if (trace != null && (since != null || until != null)) throw door.usage("--since/--until apply to the ledger");
        SimDefaults defaults = SimDefaults.load();
        if (depth != null) {
            if (depth < 1) throw door.usage("--depth must be at least 1");
            defaults = defaults.withBackfillDepth(depth);
        }
        Load load = trace != null ? readTrace() : readLedger(door);
        String source = trace != null ? trace.getFileName().toString() : "the ledger";
        Machine machine = load.machine();
        if (machineFile != null) machine = MachineFile.read(existing(machineFile));
        if (machine == null) {
            throw new InputError(trace != null ? trace.toString() : "--machine", 0, null, trace != null
                    ? "the trace says nothing of its machine (no MaxNodes/MaxProcs, no .machines file): give --machine FILE"
                    : "the ledger does not describe the nodes: give --machine FILE (e.g. saved 'scontrol show node')");
        }
        SimResult r = Simulator.run(machine, load.workload(), policy, defaults);
        if (html != null) return writeHtml(door, SimHtml.page(r, load, source));
        if (json) SimReport.json(r, load, source, door.out());
        else door.out().print(SimReport.terminal(r, load, source));
        door.out().flush();
        return Main.EXIT_OK;
    }

    private Load readTrace() throws IOException {
        return SwfWorkload.read(existing(trace));
    }

    private Load readLedger(Door door) {
        Instant from = door.time(since == null ? "30d" : since, "--since");
        Instant to = door.time(until, "--until");
        try (Ledger ledger = door.openLedger()) {
            return LedgerWorkload.read(ledger, from, to);
        }
    }

    private static Path existing(Path p) throws IOException {
        if (!Files.isRegularFile(p)) throw new NoSuchFileException(p + ": no such file");
        return p;
    }

    private int writeHtml(Door door, String page) {
        return door.write(html, page);
    }
}
