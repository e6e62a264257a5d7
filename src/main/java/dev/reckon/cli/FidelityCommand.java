package dev.reckon.cli;

import dev.reckon.app.Simulation;
import dev.reckon.core.Json;
import dev.reckon.sim.Fidelity;
import dev.reckon.sim.SimDefaults;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code reckon bench fidelity}: the simulator against the real Slurm of this machine, job by job. */
@Command(name = "fidelity", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Submits a time-compressed workload (--jobs jobs of 1-2 CPUs, 0.2-2.6 GB, 1-3 minute limits, "
                + "2-10 s sleeps, arriving over jobs/2 seconds; fixed --seed) to this machine's Slurm, waits for it, "
                + "then replays what accounting recorded (the same submit times, limits, sizes and runtimes) in the "
                + "simulator on the same nodes, and prints each job's real and simulated wait and the differences.",
                "Meant for the project's single-host dev cluster (scripts/slurm-dev-cluster: 2 nodes x 2 CPUs, "
                        + "backfill): run it on an otherwise idle cluster. Without --apply it only prints the "
                        + "workload it would submit. See docs/sim.md for what the comparison can be expected to show."})
final class FidelityCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Option(names = {"-n", "--jobs"}, paramLabel = "N", defaultValue = "40", description = "Jobs (default: ${DEFAULT-VALUE}).")
    int jobs;
    @Option(names = "--seed", paramLabel = "N", defaultValue = "7", description = "The workload's seed (default: ${DEFAULT-VALUE}).")
    long seed;
    @Option(names = "--apply", description = "Submit the jobs (default: only print the workload).")
    boolean apply;
    @Option(names = "--json", description = "The comparison as JSON.")
    boolean json;

    @Override
    public Integer call() throws InterruptedException {
        Door door = new Door(spec);
        Simulation sim = new Simulation(door.context());
        Simulation.FidelityRequest q = new Simulation.FidelityRequest(jobs, seed, System.getProperty("java.io.tmpdir"));
        PrintStream out = door.out();
        if (!apply) {
            out.println("would submit (dry run; --apply submits):");
            out.println("NAME     AT   CPUS  MEM MB  LIMIT  SLEEP");
            for (Fidelity.Spec s : sim.fidelityWorkload(q))
                out.printf("%-7s %3ds %5d %7d %5dm %5ds%n", s.name(), s.submitAfterS(), s.cpus(), s.memMb(), s.limitMin(), s.sleepS());
            return Main.EXIT_OK;
        }
        Map<String, Fidelity.Report> reports = sim.fidelity(q, json ? new PrintStream(PrintStream.nullOutputStream()) : out);
        if (json) {
            out.println(Json.write(reports));
            return Main.EXIT_OK;
        }
        print(out, reports);
        return Main.EXIT_OK;
    }

    static void print(PrintStream out, Map<String, Fidelity.Report> reports) {
        Fidelity.Report c = reports.get("conservative");
        Fidelity.Report e = reports.get("easy");
        out.println("JOB      ID       REAL WAIT  SIM WAIT (conservative)  DIFF  SIM WAIT (easy)  DIFF");
        Map<String, Fidelity.Row> easyRows = new LinkedHashMap<>();
        for (Fidelity.Row r : e.jobs()) easyRows.put(r.jobId(), r);
        for (Fidelity.Row r : c.jobs()) {
            Fidelity.Row x = easyRows.get(r.jobId());
            out.printf("%-8s %-8s %8ds %24ds %+5d %15ds %+5d%n", r.name(), r.jobId(), r.realWait(), r.simWait(),
                    r.startDiff(), x.simWait(), x.startDiff());
        }
        for (Fidelity.Report r : List.of(c, e)) {
            out.printf("%s: mean wait real %.1f s, simulated %.1f s (%+.0f%%); mean |start difference| %.1f s, max %d s; "
                            + "order of the %d waiting jobs: %d of %d pairs more than %d s apart agree%n",
                    r.policy(), r.realMeanWait(), r.simMeanWait(), 100 * r.meanWaitError(), r.meanAbsStartDiff(),
                    r.maxAbsStartDiff(), r.waited(), r.orderAgreeing(), r.orderPairs(), SimDefaults.load().fidelityOrderToleranceS());
            List<String> v = new ArrayList<>(r.orderViolations());
            for (String s : v.subList(0, Math.min(5, v.size()))) out.println("  " + s);
        }
    }
}
