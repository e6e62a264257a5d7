package dev.reckon.cli;

import dev.reckon.app.Simulation;
import dev.reckon.report.sim.SimHtml;
import dev.reckon.report.sim.SimReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.util.concurrent.Callable;

/** {@code reckon simulate}: replays a trace or a period of the ledger under a scheduling policy. */
@Command(name = "simulate", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Replays jobs on a simulated machine under a scheduling policy and reports each job's start "
                + "and end and the schedule's figures: mean, median and p95 wait, mean bounded slowdown, utilisation, "
                + "makespan, queue length over time.",
                "Jobs come from an SWF trace (--trace; the machine from the .machines file beside it or the header's "
                        + "MaxNodes/MaxProcs) or from the ledger (the default; --since/--until; the machine from "
                        + "--machine, else this host's Slurm nodes as 'scontrol show node' shows them now). Reservations use each job's time limit, completion its actual runtime; a job "
                        + "that ran past its limit is ended at it. Jobs that cannot fit the machine are dropped "
                        + "and listed.",
                "Policies: fcfs, easy (EASY backfill), conservative (conservative backfill), priority "
                        + "(multifactor: age, size, fair-share with decay; EASY backfill). Defaults: "
                        + "src/main/resources/dev/reckon/sim/defaults.properties; see docs/sim.md."})
final class SimulateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    SimSource input;
    @Option(names = "--depth", paramLabel = "N", description = "Backfill depth: queued jobs tested per pass "
            + "(default from the defaults file).")
    Integer depth;
    @Option(names = "--json", description = "One JSON object: policy, machine, notes, jobs, dropped, metrics.")
    boolean json;
    @Option(names = "--html", paramLabel = "FILE", description = "Writes a self-contained HTML page with plots to "
            + "FILE and prints its path; - writes it to standard output.")
    String html;


    @Override
    public Integer call() throws IOException {
        Door door = new Door(spec);
        if (json && html != null) throw door.usage("--json and --html: choose one");
        Simulation.Run run = door.show(new Simulation(door.context()).simulate(input.source(door), depth));
        if (html != null) return door.write(html, SimHtml.page(run.result(), run.load(), run.source()));
        if (json) SimReport.json(run.result(), run.load(), run.source(), door.out());
        else door.out().print(SimReport.terminal(run.result(), run.load(), run.source()));
        door.out().flush();
        return Main.EXIT_OK;
    }
}
