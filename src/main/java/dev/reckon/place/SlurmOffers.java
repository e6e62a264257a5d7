package dev.reckon.place;

import dev.reckon.core.SlurmSyntax;
import dev.reckon.sim.Machine;
import dev.reckon.sim.Predict;
import dev.reckon.sim.RuntimeEstimate;
import dev.reckon.sim.SlurmModel;
import dev.reckon.sim.SimDefaults;
import dev.reckon.sim.WhatIf;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Slurm cluster's answer: its partition's limits first (a partition that is not up, a time limit above its
 * {@code MaxTime}, more nodes than its {@code MaxNodes}: RESTRICTED), then the start predicted by
 * {@link Predict#predictSlurm} (Slurm's scheduler job by job, where the state gives each job's placement) or else
 * {@link Predict#predict} from its live queue, as {@code reckon predict} works it out (a shape no node set can
 * hold: INCOMPATIBLE; a start within {@link #READY_WITHIN_S} of now: READY; else BUSY). Pure: the queue, nodes and
 * partitions are given.
 */
public final class SlurmOffers {
    /** A predicted start this close to now counts as now: READY. */
    public static final long READY_WITHIN_S = 60;

    private SlurmOffers() {}

    /**
     * A partition as {@code scontrol show partition -o} prints it.
     *
     * @param maxTimeS  its MaxTime, seconds; null when unlimited
     * @param maxNodes  its MaxNodes; null when unlimited
     */
    public record Partition(String name, boolean isDefault, String state, Long maxTimeS, Integer maxNodes) {
        public boolean up() {
            return "UP".equalsIgnoreCase(state);
        }
    }

    /**
     * What a cluster looks like now.
     *
     * @param machine    its nodes that can take work; null when none can (all down or drained)
     * @param queue      its pending and running jobs
     * @param partitions its partitions
     * @param runtimes   how long its live jobs are expected to run (from the ledger's history, as {@code predict}
     *                   estimates them); {@link RuntimeEstimate#LIMITS} when unknown
     * @param model      its nodes and scheduler settings for Slurm's scheduler job by job; null: the pooled policy
     * @param asked      where its running jobs sit and how its pending jobs asked ({@code scontrol show job -d}); null
     *                   with {@code model}
     */
    public record State(Machine machine, List<Predict.LiveJob> queue, List<Partition> partitions,
                        RuntimeEstimate runtimes, SlurmModel model, Map<String, Predict.Asked> asked) {
        public State {
            queue = List.copyOf(queue);
            partitions = List.copyOf(partitions);
            if (runtimes == null) runtimes = RuntimeEstimate.LIMITS;
        }

        /** Without Slurm's scheduler job by job: the pooled policy only. */
        public State(Machine machine, List<Predict.LiveJob> queue, List<Partition> partitions,
                     RuntimeEstimate runtimes) {
            this(machine, queue, partitions, runtimes, null, null);
        }

        /** Every live job taken to run to its time limit. */
        public State(Machine machine, List<Predict.LiveJob> queue, List<Partition> partitions) {
            this(machine, queue, partitions, RuntimeEstimate.LIMITS);
        }
    }

    /** The partitions of {@code scontrol show partition -o} output (one line each); lines without a name skipped. */
    public static List<Partition> partitions(String text) {
        List<Partition> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            Map<String, String> f = fields(line);
            String name = f.get("PartitionName");
            if (name == null || name.isEmpty()) continue;
            out.add(new Partition(name, "YES".equalsIgnoreCase(f.get("Default")), f.getOrDefault("State", "UP"),
                    limitSeconds(f.get("MaxTime")), limitCount(f.get("MaxNodes"))));
        }
        return out;
    }

    public static Offer offer(Provider.Slurm p, State s, Request r, Instant now, String policy, SimDefaults d) {
        Partition part = null;
        for (Partition x : s.partitions()) {
            if (p.partition() != null ? x.name().equals(p.partition()) : x.isDefault()) part = x;
        }
        if (p.partition() != null && part == null) {
            return Offer.refused(p.name(), p.kind(), Readiness.INCOMPATIBLE, "cluster " + p.cluster()
                    + " has no partition " + p.partition());
        }
        String where = part == null ? "cluster " + p.cluster() : "partition " + part.name();
        if (part != null && !part.up()) {
            return Offer.refused(p.name(), p.kind(), Readiness.RESTRICTED, where + " is " + part.state());
        }
        if (part != null && part.maxTimeS() != null && r.timeS() > part.maxTimeS()) {
            return Offer.refused(p.name(), p.kind(), Readiness.RESTRICTED, "time limit " + WhatIf.human(r.timeS())
                    + " is above " + where + "'s MaxTime " + WhatIf.human(part.maxTimeS()));
        }
        if (part != null && part.maxNodes() != null && r.nodes() > part.maxNodes()) {
            return Offer.refused(p.name(), p.kind(), Readiness.RESTRICTED, r.nodes() + " nodes is above " + where
                    + "'s MaxNodes " + part.maxNodes());
        }
        if (s.machine() == null) {
            return Offer.refused(p.name(), p.kind(), Readiness.RESTRICTED, "no node of cluster " + p.cluster()
                    + " can take work (all down or drained)");
        }
        String shapePartition = s.machine().hasPartitions() && part != null ? part.name() : null;
        Predict.Shape shape = new Predict.Shape("as asked", r.nodes(), r.cpus(), r.memBytes(), r.gpus(), r.timeS(),
                shapePartition, 1);
        Predict.Prediction x = null;
        String simulated = policy;
        if (s.model() != null && s.asked() != null && d.predictJobByJob()) {
            List<Predict.Prediction> bySlurm = Predict.predictSlurm(s.model(), s.queue(), s.asked(), List.of(shape),
                    new Predict.Layout(r.nodes() > 1 ? r.nodes() : 0, 0, false, r.gpus()), now, s.runtimes(), new ArrayList<>());
            if (bySlurm != null) {
                x = bySlurm.get(0);
                simulated = "Slurm's scheduler job by job";
            }
        }
        if (x == null) x = Predict.predict(s.machine(), s.queue(), List.of(shape), now, policy, d, s.runtimes()).get(0);
        double cost = r.cpus() * r.timeS() / 3600.0 * p.cpuHourPrice() + r.gpus() * r.timeS() / 3600.0 * p.gpuHourPrice();
        long running = 0, pending = 0;
        double depth = 0;
        for (Predict.LiveJob j : s.queue()) {
            long limit = j.limitS() == null || j.limitS() <= 0 ? Predict.UNLIMITED_S : j.limitS();
            if (j.running()) {
                running++;
                depth += (double) j.cpus() * Math.max(0, limit - j.elapsedS());
            } else {
                pending += j.pendingTasks();
                depth += (double) j.cpus() * limit * Math.max(1, j.pendingTasks());
            }
        }
        if (x.start() == null) {
            return Offer.refused(p.name(), p.kind(), Readiness.INCOMPATIBLE, "no node of cluster " + p.cluster()
                    + " can hold it: " + x.note());
        }
        String queue = running + " running, " + pending + " pending on " + s.machine().describe();
        Readiness readiness = x.waitS() <= READY_WITHIN_S ? Readiness.READY : Readiness.BUSY;
        String reason = (readiness == Readiness.READY ? "starts now" : "waits " + WhatIf.human(x.waitS()))
                + " (" + queue + ", simulated under " + simulated + ")";
        return new Offer(p.name(), p.kind(), readiness, reason, x.start(), x.start().plusSeconds(r.timeS()), cost, depth);
    }

    private static Map<String, String> fields(String line) {
        Map<String, String> f = new LinkedHashMap<>();
        for (String tok : line.strip().split("\\s+")) {
            int eq = tok.indexOf('=');
            if (eq > 0) f.put(tok.substring(0, eq), tok.substring(eq + 1));
        }
        return f;
    }

    private static Long limitSeconds(String v) {
        if (v == null || v.isEmpty() || v.equalsIgnoreCase("UNLIMITED")) return null;
        try {
            return SlurmSyntax.durationSeconds(v);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static Integer limitCount(String v) {
        if (v == null || v.isEmpty() || v.equalsIgnoreCase("UNLIMITED")) return null;
        try {
            return SlurmSyntax.count(v);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
