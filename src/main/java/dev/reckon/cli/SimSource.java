package dev.reckon.cli;

import dev.reckon.app.Simulation;
import dev.reckon.sim.Policies;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Iterator;

/**
 * Where a simulation's jobs and machine come from, and under which policy: the options {@code simulate} and
 * {@code whatif} share (an SWF trace or a period of the ledger, a machine file, a policy), with their checks.
 */
final class SimSource {
    @Option(names = "--trace", paramLabel = "FILE", description = "An SWF trace (.swf or .swf.gz; MetaCentrum's "
            + "extended SWF too). Without it, the jobs come from the ledger.")
    Path trace;
    @Option(names = {"-S", "--since"}, paramLabel = "TIME", description = "Ledger: jobs submitted from (default 30d).")
    String since;
    @Option(names = {"-E", "--until"}, paramLabel = "TIME", description = "Ledger: jobs submitted before (default: now).")
    String until;
    @Option(names = "--machine", paramLabel = "FILE", description = "The nodes: saved 'scontrol show node' output "
            + "(either form), an SWF .machines file, or lines 'name nodes cores memory [gpus [partition,...]]' "
            + "(default: a trace's own machine; for the ledger, this host's Slurm nodes from 'scontrol show node').")
    Path machineFile;
    @Option(names = "--policy", paramLabel = "NAME", defaultValue = "easy", completionCandidates = Names.class,
            description = "fcfs, easy, conservative or priority (default: ${DEFAULT-VALUE}).")
    String policy;

    /** The policies, for completion. */
    static final class Names implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return Policies.names().iterator();
        }
    }

    /** The source these options name; --trace and --ledger exclude each other. */
    Simulation.Source source(Door door) {
        if (trace != null && door.root().ledgerOption != null) throw door.usage("--trace and --ledger: choose one");
        if (trace != null && (since != null || until != null)) throw door.usage("--since/--until apply to the ledger");
        Instant from = trace != null ? null : door.time(since == null ? "30d" : since, "--since");
        Instant to = trace != null ? null : door.time(until, "--until");
        return new Simulation.Source(trace, from, to, machineFile, policy);
    }
}
