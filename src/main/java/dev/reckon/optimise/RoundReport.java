package dev.reckon.optimise;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The round report, in the eight parts its reader needs, in order: objective and scope; the experiments round by
 * round; what each stage showed; resource fit (CPU and GPU apart); failures and their mitigations; the chosen next
 * configuration with its expected impact; the checkpoints recorded; the remaining risks and the next trials.
 */
public record RoundReport(Objective objective, List<Experiment> experiments, List<Finding> findings,
                          List<Fit> fit, List<Failure> failures, Choice choice, Checkpoints checkpoints,
                          List<String> risks, List<String> nextTrials) {

    /** 1. What is optimised, over what. */
    public record Objective(String campaign, int version, String charter, String cluster, String objective,
                            List<String> scope, Left left, int rounds, String stopped) {}

    /** What the charter's budget has left, as every JSON writes what is left: null where it is not limited. */
    public record Left(Double gpuHours, Double cpuHours, Double memGbHours) {}

    /** 2. One trial. */
    public record Experiment(int round, int trial, String stage, String hypothesis, String config, List<String> jobIds,
                             Long predictedWaitS, Double waitS, Double runtimeS, String outcome) {}

    /** 3. One stage's findings. */
    public record Finding(String stage, List<String> findings) {}

    /** 4. One stage's recommended shape, CPU and GPU apart, as sbatch flags. */
    public record Fit(String stage, String lane, String cpu, String gpu, String sbatch) {}

    /** 5. Failures of one stage and what was done. */
    public record Failure(String stage, int ooms, int timeouts, int failures, List<String> mitigations) {}

    /** 6. The configuration chosen per stage and the pipeline's expected wall-clock, as submitted and as chosen. */
    public record Choice(List<StageChoice> stages, double asSubmittedS, double chosenS, Double simulatedAsSubmittedS,
                         Double simulatedChosenS) {}

    public record StageChoice(String stage, String from, String to, double asSubmittedS, double chosenS) {}

    /** 7. Where the campaign's state and the promoted configuration were written. */
    public record Checkpoints(String state, int trials, String promotedFile, int promotedVersion) {}

    /**
     * Builds the report from a run and its history.
     *
     * @param simulated the simulator's estimate of the pipeline's wall-clock as submitted and as chosen, seconds; null
     *                  when not simulated
     */
    public static RoundReport of(Optimiser.Run run, Baseline.Result baseline, String cluster, Optimiser.Budget budget,
                                 double[] simulated, Checkpoints checkpoints) {
        Campaign c = run.campaign();
        List<String> scope = new ArrayList<>();
        for (Stage s : c.stages())
            scope.add(s.name() + ": " + s.shards() + " units" + (s.dependsOn().isEmpty() ? "" : ", after "
                    + String.join(", ", s.dependsOn())) + "; may vary " + (s.bounds().isEmpty() ? "nothing"
                    : String.join(", ", s.bounds().keySet().stream().map(Factor::word).sorted().toList()))
                    + "; lanes " + String.join(", ", s.lanes().stream().map(Lane::word).sorted().toList()));
        Objective objective = new Objective(c.name(), c.version(), c.charter(), cluster,
                "the shortest total wall-clock for the target work (queue wait + runtime + retries), without "
                        + "crashes or running out of memory, within the charter's budget", scope,
                new Left(finite(budget.gpuHours()), finite(budget.cpuHours()), null), run.rounds(), run.stopped());

        List<Experiment> ex = new ArrayList<>();
        for (Trial t : run.trials()) {
            Trial.Result r = t.result();
            String outcome = t.status() == Trial.Status.REFUSED ? "not sent" : r == null ? t.status().word()
                    : r.clean() ? r.completed() + " of " + t.jobs() + " completed"
                    : r.completed() + " completed, " + (r.ooms() > 0 ? r.ooms() + " out of memory " : "")
                    + (r.timeouts() > 0 ? r.timeouts() + " timed out " : "") + (r.failures() > 0 ? r.failures() + " failed" : "");
            ex.add(new Experiment(t.round(), t.number(), t.stage(), t.hypothesis(), config(t.shape()), t.jobIds(),
                    t.predictedWaitS(), r == null ? null : r.meanWaitS(), r == null ? null : r.meanRuntimeS(),
                    outcome.strip()));
        }

        Map<String, Baseline.StageHistory> hist = baseline == null ? Map.of() : Baseline.byStage(baseline);
        List<Finding> findings = new ArrayList<>();
        List<Fit> fit = new ArrayList<>();
        List<Failure> failures = new ArrayList<>();
        List<StageChoice> choices = new ArrayList<>();
        List<String> risks = new ArrayList<>();
        Map<String, Double> asSub = new java.util.HashMap<>(), chosenEst = new java.util.HashMap<>();
        for (Stage s : c.stages()) {
            Evidence ev = new Evidence();
            int ooms = 0, timeouts = 0, fails = 0;
            List<String> mitigations = new ArrayList<>();
            for (Trial t : run.trials()) {
                if (!t.stage().equals(s.name())) continue;
                ev.add(t);
                if (t.result() != null) {
                    ooms += t.result().ooms();
                    timeouts += t.result().timeouts();
                    fails += t.result().failures();
                }
                if (t.hypothesis().startsWith("after ")) mitigations.add("trial " + t.number() + ": " + t.hypothesis());
            }
            List<String> f = new ArrayList<>();
            Baseline.StageHistory h = hist.get(s.name());
            if (baseline != null && h != null && h.jobs() > 0) {
                f.add("history: " + h.jobs() + " jobs, median wait " + Baseline.human(h.waitS()) + " for "
                        + Baseline.human(h.runtimeS()) + " of runtime" + (s.name().equals(baseline.bottleneck())
                        ? " — the bottleneck: " + baseline.why() : ""));
                f.addAll(h.findings());
            }
            Shape chosen = run.chosen().get(s.name());
            double cpuRun = ev.runtimeS(Lane.CPU, chosen.shardsPerJob(), chosen.cpus());
            double gpuRun = ev.runtimeS(Lane.GPU, chosen.shardsPerJob(), chosen.cpus());
            if (cpuRun > 0 && gpuRun > 0) {
                double speedup = cpuRun / gpuRun;
                f.add(String.format(Locale.ROOT, "a GPU makes it %.1fx as fast%s", speedup,
                        speedup < 1.2 ? ": the GPU sits idle, the CPU lane is as good" : ": GPU-bound work"));
            }
            if (ev.knows(chosen.lane())) {
                double sf = ev.serialFraction(chosen.lane());
                f.add(String.format(Locale.ROOT, "runtime of %d units on %d CPUs: %s; serial fraction about %.2f%s",
                        chosen.shardsPerJob(), chosen.cpus(), Baseline.human(Math.round(ev.runtimeS(chosen.lane(),
                                chosen.shardsPerJob(), chosen.cpus()))), sf,
                        sf > 0.5 ? " (more CPUs help little)" : sf < 0.2 ? " (scales with CPUs)" : ""));
            } else {
                risks.add(s.name() + ": no clean run yet; its configuration is the one submitted");
            }
            double peak = ev.peakBytes(chosen.shardsPerJob());
            if (peak > 0) f.add("peak memory of " + chosen.shardsPerJob() + " units: " + Runner.gib((long) peak)
                    + " (asked at the start: " + Runner.gib(s.start().memBytes()) + ")");
            findings.add(new Finding(s.name(), f));

            String cpu = chosen.cpus() + " CPUs, " + Runner.gib(chosen.memBytes()) + " memory, limit "
                    + Optimiser.human(chosen.timeS()) + ", " + chosen.shardsPerJob() + " units per job, " + chosen.concurrency()
                    + " at once";
            String gpu = chosen.gpus() > 0 ? chosen.gpus() + " GPU" + (chosen.gpus() > 1 ? "s" : "")
                    : s.start().gpus() > 0 ? "none (was " + s.start().gpus() + "): the stage does not use it" : "none";
            fit.add(new Fit(s.name(), chosen.lane().word(), cpu, gpu, sbatch(chosen)));
            if (ooms + timeouts + fails > 0 || !mitigations.isEmpty()) {
                if (mitigations.isEmpty()) mitigations.add("none yet: the configuration is not scaled");
                failures.add(new Failure(s.name(), ooms, timeouts, fails, mitigations));
            }
            Optimiser.Estimate e = run.estimates().get(s.name());
            asSub.put(s.name(), e.asSubmittedS());
            chosenEst.put(s.name(), e.chosenS());
            choices.add(new StageChoice(s.name(), config(s.start()), config(chosen), e.asSubmittedS(), e.chosenS()));
            if (ooms > 0 && run.trials().stream().anyMatch(t -> t.stage().equals(s.name()) && t.shape().equals(s.start())
                    && t.result() != null && t.result().ooms() > 0))
                risks.add(s.name() + ": as submitted it runs out of memory; its estimate as submitted counts each "
                        + "wave dying once and being retried with the memory it needs");
        }
        double totalAs = chain(c, asSub), totalChosen = chain(c, chosenEst);
        Choice choice = new Choice(choices, totalAs, totalChosen, simulated == null ? null : simulated[0],
                simulated == null ? null : simulated[1]);
        long few = run.trials().stream().filter(t -> t.result() != null).count();
        if (few < 6) risks.add("estimates rest on " + few + " finished trials: repeat the scale round before trusting them");
        risks.add("queue waits are predicted from the queue as it stood; other users' load can change them");
        List<String> next = new ArrayList<>();
        if (run.stopped() != null && run.stopped().startsWith("dry run")) {
            for (Trial t : run.trials()) next.add("round " + t.round() + " trial " + t.number() + " (" + t.stage() + "): "
                    + t.hypothesis() + " — " + config(t.shape()));
        } else {
            for (Stage s : c.stages()) {
                Shape ch = run.chosen().get(s.name());
                next.add(s.name() + ": run the remaining work as " + config(ch) + " (" + ch.jobs(s.shards()) + " jobs, "
                        + ch.concurrency() + " at once), and repeat one wave to confirm");
            }
        }
        return new RoundReport(objective, ex, findings, fit, failures, choice, checkpoints, risks, next);
    }

    private static Double finite(double v) {
        return Double.isFinite(v) ? v : null;
    }

    /** The pipeline's wall-clock from stage estimates: the longest chain; -1 when a stage on it is unknown. */
    static double chain(Campaign c, Map<String, Double> est) {
        Map<String, Double> finish = new java.util.HashMap<>();
        double max = 0;
        boolean unknown = false;
        for (Stage s : c.stages()) {
            double start = 0;
            for (String d : s.dependsOn()) start = Math.max(start, finish.getOrDefault(d, 0.0));
            double e = est.getOrDefault(s.name(), -1.0);
            if (e < 0) unknown = true;
            double f = start + Math.max(0, e);
            finish.put(s.name(), f);
            max = Math.max(max, f);
        }
        return unknown ? -1 : max;
    }

    public static String config(Shape s) {
        return s.cpus() + " cpu, " + Runner.gib(s.memBytes()) + ", " + (s.gpus() > 0 ? s.gpus() + " gpu, " : "")
                + Optimiser.human(s.timeS()) + ", " + s.shardsPerJob() + "/job, " + s.concurrency() + " at once"
                + (s.partition() == null ? "" : ", " + s.partition());
    }

    /** The shape as sbatch flags. */
    public static String sbatch(Shape s) {
        long mib = s.memBytes() >> 20;
        String mem = mib % 1024 == 0 ? (mib / 1024) + "G" : mib + "M";
        long t = s.timeS();
        String time = String.format(Locale.ROOT, "%s%02d:%02d:%02d", t >= 86400 ? t / 86400 + "-" : "", (t % 86400) / 3600,
                (t % 3600) / 60, t % 60);
        return "--cpus-per-task=" + s.cpus() + " --mem=" + mem + " --time=" + time
                + (s.gpus() > 0 ? " --gpus=" + s.gpus() : "") + (s.partition() == null ? "" : " --partition=" + s.partition())
                + " --array=0-N%" + s.concurrency();
    }
}
