package dev.reckon.cli;

import dev.reckon.bench.FidelityRun;
import dev.reckon.model.AuditEntry;
import dev.reckon.ledger.Ledger;
import dev.reckon.core.Json;
import dev.reckon.sim.Fidelity;
import dev.reckon.sim.SimDefaults;
import dev.reckon.source.slurm.SlurmCommands;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintStream;
import java.time.Duration;
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
        if (jobs < 2 || jobs > 500) throw door.usage("--jobs: between 2 and 500");
        List<Fidelity.Spec> specs = Fidelity.workload(seed, jobs);
        PrintStream out = door.out();
        if (!apply) {
            out.println("would submit (dry run; --apply submits):");
            out.println("NAME     AT   CPUS  MEM MB  LIMIT  SLEEP");
            for (Fidelity.Spec s : specs)
                out.printf("%-7s %3ds %5d %7d %5dm %5ds%n", s.name(), s.submitAfterS(), s.cpus(), s.memMb(), s.limitMin(), s.sleepS());
            return Main.EXIT_OK;
        }
        SlurmCommands slurm = new SlurmCommands(SlurmCommands.DEFAULT_TIMEOUT, door.config().zone());
        String cluster = slurm.clusterName();
        List<Fidelity.Real> real = FidelityRun.run(slurm, specs, System.getProperty("java.io.tmpdir"),
                json ? new PrintStream(PrintStream.nullOutputStream()) : out, Duration.ofMinutes(20));
        try (Ledger ledger = door.openLedger()) {
            ledger.audit(new AuditEntry(door.now(), System.getProperty("user.name", "reckon"), "submit", cluster, null,
                    null, true, "bench fidelity: " + real.size() + " jobs, seed " + seed));
        }
        Map<String, Fidelity.Report> reports = compare(real);
        if (json) {
            out.println(Json.write(reports));
            return Main.EXIT_OK;
        }
        print(out, reports);
        return Main.EXIT_OK;
    }

    /** The comparison under conservative backfill (Slurm's backfill reserves for every job it tests) and EASY. */
    static Map<String, Fidelity.Report> compare(List<Fidelity.Real> real) {
        SimDefaults d = SimDefaults.load();
        Map<String, Fidelity.Report> out = new LinkedHashMap<>();
        for (String policy : List.of("conservative", "easy"))
            out.put(policy, Fidelity.compare(real, Fidelity.devCluster(), policy, d, d.fidelityOrderToleranceS(),
                    d.fidelityTurnaroundS()));
        return out;
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
