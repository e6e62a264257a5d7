package dev.reckon.sim;

import dev.reckon.source.slurm.SlurmCommands;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Runs a {@link Fidelity} workload on a real Slurm cluster: submits each job at its moment ({@code sbatch}, one node,
 * its CPUs and memory, its limit in minutes, {@code sleep}), waits until every job has ended, and reads back what
 * accounting recorded. The jobs are cancelled if anything goes wrong on the way.
 */
public final class FidelityRun {
    private static final Set<String> FINAL = Set.of("COMPLETED", "FAILED", "TIMEOUT", "CANCELLED", "OUT_OF_MEMORY",
            "NODE_FAIL", "PREEMPTED", "BOOT_FAIL", "DEADLINE");

    private FidelityRun() {}

    /** Submits the workload, waits for it, and returns what Slurm did with each job. */
    public static List<Fidelity.Real> run(SlurmCommands slurm, List<Fidelity.Spec> specs, String outputDir,
                                          PrintStream progress, Duration timeout) throws InterruptedException {
        List<String> ids = new ArrayList<>();
        Map<String, Fidelity.Spec> byId = new HashMap<>();
        boolean done = false;
        try {
            long t0 = System.nanoTime();
            for (Fidelity.Spec s : specs) {
                long due = t0 + s.submitAfterS() * 1_000_000_000L;
                long sleep = (due - System.nanoTime()) / 1_000_000L;
                if (sleep > 0) Thread.sleep(sleep);
                String id = slurm.sbatch("--job-name=" + s.name(), "--nodes=1", "--ntasks=1",
                        "--cpus-per-task=" + s.cpus(), "--mem=" + s.memMb() + "M", "--time=" + s.limitMin(),
                        "--chdir=" + outputDir, "--output=/dev/null", "--wrap=sleep " + s.sleepS());
                ids.add(id);
                byId.put(id, s);
            }
            progress.printf("submitted %d jobs; waiting for them to end%n", ids.size());
            Instant deadline = Instant.now().plus(timeout);
            List<Fidelity.Real> real;
            while ((real = read(slurm, ids, byId)) == null) {
                if (Instant.now().isAfter(deadline))
                    throw new IllegalStateException("the fidelity jobs did not all end within " + timeout);
                Thread.sleep(2000);
            }
            done = true;
            return real;
        } finally {
            if (!done && !ids.isEmpty()) slurm.scancel(ids.toArray(String[]::new));
        }
    }

    /** Every job's record once all have ended; null while some have not. */
    private static List<Fidelity.Real> read(SlurmCommands slurm, List<String> ids, Map<String, Fidelity.Spec> byId) {
        String out = slurm.run("sacct", "-X", "-n", "-P", "-j", String.join(",", ids),
                "-o", "JobIDRaw,State,Submit,Start,End,TimelimitRaw,AllocCPUS,ReqMem");
        ZoneId zone = slurm.zone();
        List<Fidelity.Real> real = new ArrayList<>();
        for (String line : out.lines().toList()) {
            String[] f = line.split("\\|", -1);
            if (f.length < 8 || !byId.containsKey(f[0])) continue;
            String state = f[1].split(" ")[0];
            if (!FINAL.contains(state)) return null;
            Fidelity.Spec s = byId.get(f[0]);
            real.add(new Fidelity.Real(f[0], s.name(), epoch(f[2], zone), epoch(f[3], zone), epoch(f[4], zone),
                    Long.parseLong(f[5]) * 60, Integer.parseInt(f[6]), s.memMb() << 20));
        }
        return real.size() == ids.size() ? real : null;
    }

    private static long epoch(String slurmTime, ZoneId zone) {
        return LocalDateTime.parse(slurmTime).atZone(zone).toEpochSecond();
    }
}
