package dev.reckon.cli;

import dev.reckon.app.Simulation;
import dev.reckon.core.Json;
import dev.reckon.sim.Fidelity;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintStream;
import java.util.concurrent.Callable;

/** {@code reckon bench fidelity}: the simulator against the real Slurm of this machine, job by job. */
@Command(name = "fidelity", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Submits a time-compressed workload (--jobs jobs arriving over jobs/2 seconds, fixed --seed: "
                + "single-node jobs of 1-2 CPUs, task jobs Slurm spreads over nodes, exclusive jobs, two-node jobs, "
                + "held jobs released after 5-20 s; 0.2-2.6 GB a node, 1-3 minute limits, 2-10 s sleeps) to this "
                + "machine's Slurm --runs times, each started when the Unix second mod 30 is --phase, and replays "
                + "what accounting recorded (eligible times, limits, shapes, runtimes, and other users' jobs that "
                + "shared the nodes) in reckon's model of Slurm's scheduler, with the settings and nodes scontrol "
                + "reports, and in the pooled simulator.",
                "Prints each job's starts (seconds from the run's start) and, Slurm against itself and reckon against "
                        + "Slurm: the share of starts within 5 s and 30 s, the mean wait and its error, and the rank "
                        + "correlation (Spearman) of the waits. Without --apply it only prints the workload. See "
                        + "docs/sim.md for what it measured.",
                "With --since, it submits nothing: it replays what this cluster ran in that window instead (any "
                        + "workload: the jobs submitted from --since to --until, of --user or everyone's, each with the "
                        + "shape accounting shows, the rest of the cluster's jobs beside them) and compares the same "
                        + "way."})
final class FidelityCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Option(names = {"-n", "--jobs"}, paramLabel = "N", defaultValue = "40", description = "Jobs (default: ${DEFAULT-VALUE}).")
    int jobs;
    @Option(names = "--seed", paramLabel = "N", defaultValue = "7", description = "The workload's seed (default: ${DEFAULT-VALUE}).")
    long seed;
    @Option(names = "--runs", paramLabel = "N", defaultValue = "2", description = "Real runs of the workload, 1-5 (default: ${DEFAULT-VALUE}).")
    int runs;
    @Option(names = "--phase", paramLabel = "S", defaultValue = "7", description = "Start each run when the Unix second mod 30 is S (default: ${DEFAULT-VALUE}).")
    int phase;
    @Option(names = "--apply", description = "Submit the jobs (default: only print the workload).")
    boolean apply;
    @Option(names = {"-S", "--since"}, paramLabel = "TIME", description = "Replay what the cluster ran from TIME "
            + "instead of submitting a workload (e.g. 1h, 2026-11-30T23:00).")
    String since;
    @Option(names = {"-E", "--until"}, paramLabel = "TIME", description = "With --since: the window's end (default: now).")
    String until;
    @Option(names = "--user", paramLabel = "NAME", description = "With --since: only this user's jobs are compared "
            + "(the others' are replayed beside them).")
    String user;
    @Option(names = "--json", description = "The comparison as JSON.")
    boolean json;

    @Override
    public Integer call() throws InterruptedException {
        Door door = new Door(spec);
        Simulation sim = new Simulation(door.context());
        if (since != null) {
            Fidelity.Comparison c = sim.replayed(new Simulation.ReplayRequest(door.time(since, "--since"),
                    door.time(until, "--until"), user));
            if (json) door.out().println(Json.write(c));
            else print(door.out(), c);
            return Main.EXIT_OK;
        }
        if (until != null || user != null) throw door.usage("--until and --user go with --since");
        Simulation.FidelityRequest q = new Simulation.FidelityRequest(jobs, seed, System.getProperty("java.io.tmpdir"),
                phase, runs);
        PrintStream out = door.out();
        if (!apply) {
            out.println("would submit (dry run; --apply submits):");
            out.println("NAME     AT  SHAPE                 MEM MB  LIMIT  SLEEP");
            for (Fidelity.Spec s : sim.fidelityWorkload(q))
                out.printf("%-7s %3ds  %-20s %7d %5dm %5ds%n", s.name(), s.submitAfterS(), s.shape(), s.memMb(),
                        s.limitMin(), s.sleepS());
            return Main.EXIT_OK;
        }
        Fidelity.Comparison c = sim.fidelity(q, json ? new PrintStream(PrintStream.nullOutputStream()) : out);
        if (json) {
            out.println(Json.write(c));
            return Main.EXIT_OK;
        }
        print(out, c);
        return Main.EXIT_OK;
    }

    static void print(PrintStream out, Fidelity.Comparison c) {
        out.println("model: " + c.settings() + " (where a run's accounting does not show its own); nodes " + c.nodes()
                + "; runs started at second " + c.phase()
                + " mod 30");
        StringBuilder h = new StringBuilder("JOB      SHAPE               SUBMIT");
        int runs = c.lines().isEmpty() ? 0 : c.lines().get(0).slurmStarts().size();
        for (int k = 1; k <= runs; k++) h.append(String.format("  SLURM#%d", k));
        h.append("  RECKON  POOLED   (starts, s from the run's start)");
        out.println(h);
        for (Fidelity.Line l : c.lines()) {
            StringBuilder b = new StringBuilder(String.format("%-8s %-19s %6d", l.name(), l.shape(), l.submit()));
            for (Long st : l.slurmStarts()) b.append(String.format("  %7s", st == null ? "-" : st));
            Long first = l.slurmStarts().get(0);
            b.append(String.format("  %6s%s %6s", l.reckonStart() == null ? "-" : l.reckonStart(),
                    first != null && l.reckonStart() != null && Math.abs(l.reckonStart() - first) > 5 ? "*" : " ",
                    l.pooledStart() == null ? "-" : l.pooledStart()));
            out.println(b);
        }
        for (int k = 0; k < c.foreignJobs().size(); k++)
            if (c.foreignJobs().get(k) > 0)
                out.printf("run %d: %d other jobs shared the cluster (replayed with the workload)%n", k + 1,
                        c.foreignJobs().get(k));
        out.println("turnaround per run, as its accounting shows it (ms): " + c.turnaroundMs());
        if (c.slurmVsSlurm() != null) out.println(c.slurmVsSlurm().summary());
        for (Fidelity.Agreement a : c.reckonVsSlurm()) {
            out.println(a.summary());
            for (String w : a.worst()) out.println("  " + w);
        }
        for (Fidelity.Agreement a : c.pooledVsSlurm()) out.println(a.summary());
    }
}
