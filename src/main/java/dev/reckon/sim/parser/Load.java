package dev.reckon.sim.parser;

import dev.reckon.sim.Dropped;
import dev.reckon.sim.Machine;
import dev.reckon.sim.Workload;

import java.util.List;

/**
 * What a reader made of its input: the jobs to simulate, the machine the input describes (or {@code null} when it
 * says nothing about one), the records left out with the reason, and plain-words notes on what was assumed.
 *
 * @param workload      the jobs, times on the input's clock
 * @param machine       the machine from the input (trace header or machine file beside it), or {@code null}
 * @param machineSource where the machine came from, for reports ({@code null} with no machine)
 * @param dropped       records that cannot be simulated (no runtime, no size, never started), with the reason
 * @param notes         what the reader assumed, e.g. "12 jobs have no requested time: their runtime stands in"
 */
public record Load(Workload workload, Machine machine, String machineSource, List<Dropped> dropped,
                   List<String> notes) {
    public Load {
        dropped = List.copyOf(dropped);
        notes = List.copyOf(notes);
    }

    /** The same load on another machine. */
    public Load on(Machine other, String source) {
        return new Load(workload, other, source, dropped, notes);
    }
}
