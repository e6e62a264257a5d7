package dev.reckon.cli;

import dev.reckon.sim.Machine;
import dev.reckon.sim.Policies;
import dev.reckon.sim.parser.Load;
import dev.reckon.sim.parser.MachineFile;
import dev.reckon.core.InputError;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
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
            + "(either form), an SWF .machines file, or lines 'name nodes cores memory [gpus [partition,...]]'.")
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

    /** Refuses options that contradict one another. */
    void check(Door door) {
        if (!Policies.names().contains(policy))
            throw door.usage("--policy " + policy + ": one of " + String.join(", ", Policies.names()));
        if (trace != null && door.root().ledgerOption != null) throw door.usage("--trace and --ledger: choose one");
        if (trace != null && (since != null || until != null)) throw door.usage("--since/--until apply to the ledger");
    }

    /** The trace, which must exist. */
    Path traceFile() throws IOException {
        return existing(trace);
    }

    Instant from(Door door) {
        return door.time(since == null ? "30d" : since, "--since");
    }

    Instant to(Door door) {
        return door.time(until, "--until");
    }

    /** What the trace or the ledger was read as. */
    String source() {
        return trace != null ? trace.getFileName().toString() : "the ledger";
    }

    /** The machine: --machine, else what the trace says of it; an input error when neither says. */
    Machine machine(Load load) throws IOException {
        Machine machine = machineFile != null ? MachineFile.read(existing(machineFile)) : load.machine();
        if (machine == null) {
            throw new InputError(trace != null ? trace.toString() : "--machine", 0, null, trace != null
                    ? "the trace says nothing of its machine (no MaxNodes/MaxProcs, no .machines file): give --machine FILE"
                    : "the ledger does not describe the nodes: give --machine FILE (e.g. saved 'scontrol show node -o')");
        }
        return machine;
    }

    private static Path existing(Path p) throws IOException {
        if (!Files.isRegularFile(p)) throw new NoSuchFileException(p + ": no such file");
        return p;
    }
}
