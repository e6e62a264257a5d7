package dev.reckon.cli;

import dev.reckon.app.Simulation;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.reckon.report.Format;
import dev.reckon.core.Json;
import dev.reckon.report.Table;
import dev.reckon.report.sim.PredictReport;
import dev.reckon.sim.Predict;
import dev.reckon.sim.PredictAccuracy;
import dev.reckon.report.Terminal;
import dev.reckon.sim.WhatIf;
import dev.reckon.source.LiveQueue;
import dev.reckon.core.SlurmSyntax;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.nio.file.Path;
import java.time.ZoneId;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code reckon predict}: when a job of this shape would start if submitted now, and a few alternatives. */
@Command(name = "predict", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Estimates when a job of the given shape would start if submitted now, by simulating forward "
                + "from the live queue (squeue): pending jobs queue in priority order, the scheduler plans with every "
                + "job's time limit (as Slurm's backfill does), and each job really ends when the ledger's history "
                + "expects: the median share of its limit that finished jobs of the same user and job name used (else "
                + "same user and partition, else same user, else all users; at its limit with too little history; a "
                + "running job: the median of the longer runtimes than it has run already). The nodes come from "
                + "'scontrol show node -o' (down and drained nodes left out). The new job queues behind every pending "
                + "job and may backfill. On a live cluster the queue is replayed with Slurm's own scheduler job by job: each running "
                + "job's CPUs, memory and GPUs per node from 'scontrol show job -d', the backfill settings from 'scontrol show "
                + "config'; with saved outputs or over 2,000 jobs, the pooled simulator instead. Run 'reckon ingest "
                + "slurm' first: the estimate reads the ledger's last 7 days.",
                "A pending job array counts as its tasks; under a %%N limit its tasks run N at a time.",
                "Compares the shape asked with fewer GPUs, half the time limit, and the job split in two halves. "
                        + "Reads Slurm only (squeue, scontrol); submits nothing. See docs/sim.md.",
                "Ends with how far off such predictions have been on this cluster: its last 40 jobs in the ledger that "
                        + "started in the last 7 days, each replayed from the moment it was submitted (the queue then, "
                        + "as the ledger knows it, on today's nodes) and compared with its real start."})
final class PredictCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--nodes", paramLabel = "N", description = "Nodes (sbatch --nodes; default: as Slurm chooses, one "
            + "for the pooled policies).")
    int nodes;
    @Option(names = "--cpus", paramLabel = "N", defaultValue = "1", description = "CPUs in all (default: ${DEFAULT-VALUE}).")
    long cpus;
    @Option(names = "--ntasks", paramLabel = "N", description = "Tasks (sbatch --ntasks), the CPUs shared among them: "
            + "Slurm may spread tasks over nodes (default: one task of all the CPUs, or one per node given).")
    int tasks;
    @Option(names = "--mem", paramLabel = "SIZE", description = "Memory in all, e.g. 32G (a bare number is MiB).")
    String mem;
    @Option(names = "--gpus", paramLabel = "N", defaultValue = "0", description = "GPUs in all (default: ${DEFAULT-VALUE}).")
    long gpus;
    @Option(names = "--time", paramLabel = "DURATION", required = true,
            description = "Time limit: 30m, 4h, 2d or Slurm's [D-]HH:MM:SS.")
    String time;
    @Option(names = "--partition", paramLabel = "P", description = "The partition (default: any node).")
    String partition;
    @Option(names = "--exclusive", description = "The job has its nodes to itself (sbatch --exclusive): it takes "
            + "every CPU, all memory and every GPU of its nodes.")
    boolean exclusive;
    @Option(names = "--policy", paramLabel = "NAME",
            description = "slurm (Slurm's own scheduler job by job: nodes one by one, the main scheduler's pass, "
                    + "backfill every bf_interval, GPUs per node; needs the live cluster) or a pooled policy: "
                    + "${COMPLETION-CANDIDATES}. Default: slurm where it can, else conservative (the defaults file).",
            completionCandidates = SimSource.Names.class)
    String policy;
    @Option(names = "--squeue-output", paramLabel = "FILE", description = "Saved 'squeue --noheader --all -O "
            + LiveQueue.SQUEUE_FIELDS + "' output instead of asking Slurm (with --nodes-output).")
    Path squeueOutput;
    @Option(names = "--nodes-output", paramLabel = "FILE", description = "Saved 'scontrol show node -o' output "
            + "instead of asking Slurm (with --squeue-output).")
    Path nodesOutput;
    @Option(names = "--json", description = "One JSON object: now, policy, machine, running, pending (an array's tasks each), "
            + "predictions, runtimes (how the live jobs' runtimes were estimated), accuracy (null when the ledger has "
            + "no recent job of this cluster).")
    boolean json;

    @Override
    public Integer call() {
        Door door = new Door(spec);
        long memBytes = 0;
        if (mem != null) {
            try {
                Long m = SlurmSyntax.sizeBytes(mem.strip(), 'M');
                memBytes = m == null ? 0 : m;
            } catch (IllegalArgumentException e) {
                throw door.usage("--mem: \"" + mem + "\" is not a size such as 32G");
            }
        }
        long timeS = door.duration(time, "--time").getSeconds();
        Simulation.Prediction r = door.show(new Simulation(door.context()).predict(new Simulation.PredictRequest(nodes,
                cpus, memBytes, gpus, timeS, partition, policy, squeueOutput, nodesOutput, exclusive, tasks)));
        ZoneId zone = door.config().zone();
        List<Predict.Prediction> ps = r.predictions();
        long base = ps.get(0).waitS();
        if (json) {
            ObjectNode o = PredictReport.json(r.now(), r.policy(), r.machine().groups(), r.running(), r.pending(), ps,
                    r.accuracy(), r.cluster(), r.runtimes());
            door.out().println(Json.write(o));
            return Main.EXIT_OK;
        }
        door.out().printf("Predicted start if submitted now (%s), simulated under %s from %d running and %d pending "
                + "jobs on %s%n%n", Format.time(r.now(), zone), r.policy().equals(Predict.SLURM) ? "Slurm's own scheduler, job by job,"
                : r.policy(), r.running(), r.pending(), r.machine().describe());
        Table t = new Table("shape", "nodes>", "cpus>", "mem>", "gpus>", "time>", "predicted start", "wait>",
                "vs asked>");
        for (Predict.Prediction x : ps) {
            Predict.Shape s = x.shape();
            String each = s.count() > 1 ? s.count() + " x " : "";
            t.row(s.label(), each + s.nodes(), each + s.cpus(), s.memBytes() == 0 ? "-" : each + Format.bytes(s.memBytes()),
                    each + s.gpus(), Format.duration(s.timeS()), x.start() == null ? "cannot run: " + x.note()
                            : Format.time(x.start(), zone), x.start() == null ? "-" : WhatIf.human(x.waitS()),
                    x == ps.get(0) || x.start() == null || base < 0 ? "" : vs(x.waitS() - base));
        }
        door.out().print(t.render());
        door.out().println();
        door.out().println("Runtimes: " + r.runtimes().describe() + ". The scheduler plans with limits; a split job "
                + "starts when its later half does.");
        PredictAccuracy.Report a = r.accuracy();
        if (a != null) {
            door.out().println();
            door.out().println(a.medianOffS() == null
                    ? "On the last " + a.jobs() + " jobs of cluster " + Terminal.visible(r.cluster(), false) + ", replayed from the "
                            + "moments they were submitted, none could be placed on these nodes: how far off predictions "
                            + "are is unknown."
                    : "How far off it has been: on the last " + a.jobs() + " jobs of cluster " + Terminal.visible(r.cluster(), false)
                            + ", replayed from the moments they were submitted, predicted waits were off by a median of "
                            + WhatIf.human(a.medianOffS()) + " (their real waits: median " + WhatIf.human(a.medianRealWaitS())
                            + "); " + Math.round(a.closeShare() * 100) + "% within \u00b1"
                            + Math.round(PredictAccuracy.CLOSE_SHARE * 100) + "% (or " + PredictAccuracy.CLOSE_FLOOR_S + " s).");
        }
        return Main.EXIT_OK;
    }

    private static String vs(long delta) {
        if (delta == 0) return "same";
        return (delta < 0 ? "-" : "+") + WhatIf.human(Math.abs(delta));
    }
}
