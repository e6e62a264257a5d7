package dev.reckon.cli;

import dev.reckon.app.Simulation;
import dev.reckon.report.sim.WhatIfReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.util.List;
import java.util.concurrent.Callable;

/** {@code reckon whatif}: one period replayed under variants side by side. */
@Command(name = "whatif", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Replays a period of the ledger (or an SWF trace) on a simulated machine (--machine, else this host's "
                + "Slurm nodes from 'scontrol show node') under variants side by "
                + "side: as it happened, without the undefended jobs (habitual and orphaned, as reckon review "
                + "classifies them with the charters), with N%% more nodes, and with time limits and memory "
                + "right-sized to what the jobs used. Prints the waits, bounded slowdown, utilisation and makespan of "
                + "each, the recorded waits for reference, and the comparison in plain words.",
                "Right-sizing: time limit = used elapsed x 1.5 (at least 10 min), memory = peak x 1.5 (at least "
                        + "1 GiB), never above the request (defaults: src/main/resources/dev/reckon/sim/"
                        + "defaults.properties). See docs/sim.md."})
final class WhatIfCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    CharterDir dir;

    @Mixin
    SimSource input;
    @Option(names = "--add-nodes", paramLabel = "PERCENT", description = "Extra nodes for the 'more nodes' variant, "
            + "e.g. 10%% (default from the defaults file: 10%%).")
    String addNodes;
    @Option(names = "--undefended-users", paramLabel = "USER,...", split = ",", description = "With --trace: the "
            + "users whose jobs count as undefended.")
    List<String> undefendedUsers;
    @Option(names = "--json", description = "One JSON object: variants (name, jobs, metrics), recorded, undefended, "
            + "summary, notes.")
    boolean json;
    @Option(names = "--html", paramLabel = "FILE", description = "Writes a self-contained HTML page to FILE and prints "
            + "its path; - writes it to standard output.")
    String html;

    @Override
    public Integer call() {
        Door door = new Door(spec);
        if (json && html != null) throw door.usage("--json and --html: choose one");
        Double percent = addNodes == null ? null : percent(door, addNodes);
        Simulation.WhatIfRun run = door.show(new Simulation(door.context(dir)).whatIf(
                new Simulation.WhatIfRequest(input.source(door), percent, undefendedUsers)));
        if (html != null) return door.write(html, WhatIfReport.html(run.result(), run.source(), run.machine()));
        if (json) door.out().println(WhatIfReport.json(run.result(), run.source(), run.machine()));
        else door.out().print(WhatIfReport.terminal(run.result(), run.source(), run.machine()));
        return Main.EXIT_OK;
    }

    private static double percent(Door door, String text) {
        String t = text.strip();
        if (t.endsWith("%")) t = t.substring(0, t.length() - 1).strip();
        try {
            double p = Double.parseDouble(t);
            if (!(p > -100) || p > 10_000 || Double.isNaN(p)) throw new NumberFormatException();
            return p;
        } catch (NumberFormatException e) {
            throw door.usage("--add-nodes: \"" + text + "\" is not a percentage such as 10%");
        }
    }
}
