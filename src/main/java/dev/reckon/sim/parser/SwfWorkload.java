package dev.reckon.sim.parser;

import dev.reckon.model.Job;
import dev.reckon.sim.Machine;
import dev.reckon.core.InputError;
import dev.reckon.source.swf.SwfHeader;
import dev.reckon.source.swf.SwfMachines;
import dev.reckon.source.swf.SwfReader;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Reads an SWF trace (standard, or MetaCentrum's extended variant) for simulation, through {@link SwfReader}. Times
 * are the trace's own clock: submit field 2 (epoch seconds in the extended variant). The machine comes from the
 * {@code .machines} file beside the trace (one group per line), else from the header's {@code MaxNodes} and
 * {@code MaxProcs}. Memory is not modelled for SWF jobs (the format's memory fields are per processor, often
 * missing, and in the extended variant a request the machines file cannot check). See {@link JobMapping} for the
 * rest of the rules.
 */
public final class SwfWorkload {
    private SwfWorkload() {}

    /** Reads {@code trace}; bad lines raise {@link InputError} with file, line and field. */
    public static Load read(Path trace) throws IOException {
        return read(trace, UnaryOperator.identity());
    }

    /**
     * Reads {@code trace} with each record passed through {@code reshape} before it is mapped (e.g. right-sized
     * requests for a what-if); the reshaped record decides the job's limit and size.
     */
    public static Load read(Path trace, UnaryOperator<Job> reshape) throws IOException {
        SwfMachines beside = SwfMachines.besides(trace);
        SwfReader reader = new SwfReader(null, beside).withoutNodeNames();
        JobMapping map = new JobMapping(false);
        long[] origin = {Long.MIN_VALUE};
        reader.read(trace, j -> {
            if (origin[0] == Long.MIN_VALUE) {
                Long u = reader.header().unixStartTime();
                origin[0] = u == null ? 0 : u;
            }
            map.add(reshape.apply(j), origin[0], null);
        });
        SwfHeader h = reader.header();
        Machine machine = null;
        String source = null;
        if (beside != null && !beside.machines().isEmpty()) {
            List<Machine.Group> groups = new ArrayList<>();
            for (SwfMachines.Machine m : beside.machines()) {
                if (m.nodes() > 0) groups.add(new Machine.Group(m.name(), m.nodes(), m.cpusPerNode(), m.ramBytes(), 0,
                        Set.of()));
            }
            if (!groups.isEmpty()) {
                machine = new Machine(groups);
                source = trace.getFileName() + ".machines";
            }
        }
        if (machine == null && (h.maxNodes() != null || h.maxProcs() != null)) {
            int nodes = h.maxNodes() != null && h.maxNodes() > 0 ? h.maxNodes() : h.maxProcs();
            Integer cpn = h.cpusPerNode();
            if (nodes > 0) {
                machine = Machine.of(nodes, cpn == null ? 1 : cpn, 0, 0);
                source = "the trace header (MaxNodes/MaxProcs)";
            }
        }
        List<String> notes = new ArrayList<>(map.notes());
        notes.add(0, "memory requests are not modelled for SWF traces");
        return new Load(map.build(), machine, source, map.dropped(), notes);
    }
}
