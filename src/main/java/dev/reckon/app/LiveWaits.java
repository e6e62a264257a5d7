package dev.reckon.app;

import dev.reckon.optimise.Forecast;
import dev.reckon.optimise.Optimiser;
import dev.reckon.optimise.Shape;
import dev.reckon.sim.Machine;
import dev.reckon.sim.Predict;
import dev.reckon.sim.RuntimeEstimate;
import dev.reckon.sim.SimDefaults;
import dev.reckon.sim.parser.ScontrolNodes;
import dev.reckon.sim.parser.SqueueJobs;
import dev.reckon.source.LiveQueue;
import dev.reckon.source.slurm.SlurmCommands;
import dev.reckon.source.slurm.SlurmLiveQueue;

import java.util.List;

/**
 * Predicted queue waits on this host's Slurm: its live queue simulated forward with the pooled policy, each of the
 * others' jobs ending when the ledger's history expects it to (as {@code reckon predict} estimates it), not at its
 * limit.
 */
final class LiveWaits implements Optimiser.Waits {
    private final LiveQueue live;
    private final Context ctx;
    private final String cluster;
    private final SimDefaults defaults = SimDefaults.load();

    LiveWaits(SlurmCommands slurm, Context ctx) {
        this.live = new SlurmLiveQueue(slurm);
        this.ctx = ctx;
        this.cluster = slurm.clusterName();
    }

    /** Read once per round: the optimiser asks for many trials. */
    private RuntimeEstimate runtimes;

    /**
     * The others' runtimes from this cluster's jobs in the ledger's last week, every group kept (read once; every job
     * to its limit where the ledger cannot be read).
     */
    private RuntimeEstimate runtimes(List<Predict.LiveJob> queue) {
        if (runtimes == null) {
            runtimes = Simulation.history(ctx, RuntimeEstimate.forAny(), cluster, ctx.now(), new java.util.ArrayList<>());
        }
        return runtimes;
    }

    @Override
    public Long waitS(Shape shape, int jobs) {
        String usable = SqueueJobs.usableNodes(live.nodes());
        if (usable.isBlank()) return null;
        Machine machine = ScontrolNodes.parse(usable, live.nodesName());
        List<Predict.LiveJob> queue = SqueueJobs.parse(live.queue(), live.queueName(), ctx.zone());
        Predict.Shape p = new Predict.Shape("trial", 1, shape.cpus(), shape.memBytes(), shape.gpus(), shape.timeS(),
                shape.partition(), Math.max(1, jobs));
        Predict.Prediction x = Predict.predict(machine, queue, List.of(p), ctx.now(), defaults.predictPolicy(), defaults,
                runtimes(queue)).get(0);
        return x.start() == null ? null : x.waitS();
    }

    /** The live queue and nodes, for the optimiser's forecasts of a stage's whole work; null without usable nodes. */
    @Override
    public Forecast.Snapshot snapshot() {
        String usable = SqueueJobs.usableNodes(live.nodes());
        if (usable.isBlank()) return null;
        Machine machine = ScontrolNodes.parse(usable, live.nodesName());
        List<Predict.LiveJob> queue = SqueueJobs.parse(live.queue(), live.queueName(), ctx.zone());
        return new Forecast.Snapshot(machine, queue, defaults.predictPolicy(), defaults, runtimes(queue));
    }
}
