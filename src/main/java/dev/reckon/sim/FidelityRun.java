package dev.reckon.sim;

import dev.reckon.source.slurm.SlurmCommands;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Runs a {@link Fidelity} workload on a real Slurm cluster: waits until the Unix second, mod 30, is the chosen phase
 * (Slurm's will-run test groups jobs in windows aligned to 30 s of Unix time, so two runs agree only when they start
 * at the same alignment), then submits each job at its moment ({@code sbatch} with its shape, a comment unique to the
 * run so that only its own jobs are read or cancelled), releases held jobs at theirs ({@code scontrol release}),
 * waits until every job has ended, and reads back what accounting recorded, with the other users' jobs that shared
 * the nodes meanwhile. The jobs are cancelled (by id) if anything goes wrong on the way.
 */
public final class FidelityRun {
    private static final Set<String> FINAL = Set.of("COMPLETED", "FAILED", "TIMEOUT", "CANCELLED", "OUT_OF_MEMORY",
            "NODE_FAIL", "PREEMPTED", "BOOT_FAIL", "DEADLINE");
    private static final DateTimeFormatter SACCT_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss");

    private FidelityRun() {}

    /**
     * What one run did.
     *
     * @param mine    the workload's jobs, as accounting recorded them
     * @param foreign other jobs that ran on the cluster between the first submission and the last end
     * @param origin  the aligned second the run began at (Unix seconds); job i was submitted at origin + its offset
     * @param tag     the comment the run's jobs carry
     */
    public record Run(List<Fidelity.Real> mine, List<Fidelity.Real> foreign, long origin, String tag) {}

    /** {@link #run(SlurmCommands, List, String, PrintStream, Duration, int)} at phase 0 (a multiple of 30 s), mine only. */
    public static List<Fidelity.Real> run(SlurmCommands slurm, List<Fidelity.Spec> specs, String outputDir,
                                          PrintStream progress, Duration timeout) throws InterruptedException {
        return run(slurm, specs, outputDir, progress, timeout, 0).mine();
    }

    /** Submits the workload at the given phase (Unix second mod 30), waits for it, and returns what Slurm did. */
    public static Run run(SlurmCommands slurm, List<Fidelity.Spec> specs, String outputDir, PrintStream progress,
                          Duration timeout, int phase) throws InterruptedException {
        if (phase < 0 || phase >= 30) throw new IllegalArgumentException("phase: 0 to 29");
        String tag = "reckon-fidelity-" + Long.toString(System.currentTimeMillis(), 36) + "-" + ProcessHandle.current().pid();
        List<String> ids = new ArrayList<>();
        Map<String, Fidelity.Spec> byId = new HashMap<>();
        boolean done = false;
        // wait for the aligned second (at least 1 s ahead, so that the first submission is on time)
        long nowMs = System.currentTimeMillis();
        long origin = nowMs / 1000 + 1;
        while (Math.floorMod(origin, 30) != phase) origin++;
        progress.printf("waiting %d s for the Unix second to be %d mod 30; run tag %s%n",
                (origin * 1000 - nowMs) / 1000, phase, tag);
        try {
            record Action(long atMs, Fidelity.Spec spec, boolean release) {}
            List<Action> actions = new ArrayList<>();
            for (Fidelity.Spec s : specs) {
                actions.add(new Action((origin + s.submitAfterS()) * 1000, s, false));
                if (s.holdS() > 0) actions.add(new Action((origin + s.submitAfterS() + s.holdS()) * 1000 + 200, s, true));
            }
            actions.sort(Comparator.comparingLong(Action::atMs)); // stable: submissions in spec order
            Map<String, String> idByName = new HashMap<>();
            for (Action a : actions) {
                long sleep = a.atMs() - System.currentTimeMillis();
                if (sleep > 0) Thread.sleep(sleep);
                Fidelity.Spec s = a.spec();
                if (a.release()) {
                    slurm.scontrol("release", idByName.get(s.name()));
                    continue;
                }
                List<String> args = new ArrayList<>(List.of("--job-name=" + s.name(), "--comment=" + tag));
                args.addAll(s.sbatchOptions());
                args.addAll(List.of("--chdir=" + outputDir, "--output=/dev/null", "--wrap=sleep " + s.sleepS()));
                String id = slurm.sbatch(args.toArray(String[]::new));
                ids.add(id);
                byId.put(id, s);
                idByName.put(s.name(), id);
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
            long last = origin;
            for (Fidelity.Real r : real) last = Math.max(last, r.end());
            return new Run(real, foreign(slurm, new HashSet<>(ids), origin, last), origin, tag);
        } finally {
            if (!done && !ids.isEmpty()) slurm.scancel(ids.toArray(String[]::new));
        }
    }

    /** Every job's record once all have ended; null while some have not. */
    private static List<Fidelity.Real> read(SlurmCommands slurm, List<String> ids, Map<String, Fidelity.Spec> byId) {
        String out = slurm.run("sacct", "-X", "-n", "-P", "-j", String.join(",", ids),
                "-o", "JobIDRaw,State,Submit,Eligible,Start,End,TimelimitRaw,AllocCPUS,ReqMem,JobName");
        ZoneId zone = slurm.zone();
        List<Fidelity.Real> real = new ArrayList<>();
        for (String line : out.lines().toList()) {
            String[] f = line.split("\\|", -1);
            if (f.length < 10 || !byId.containsKey(f[0])) continue;
            String state = f[1].split(" ")[0];
            if (!FINAL.contains(state)) return null;
            Fidelity.Spec s = byId.get(f[0]);
            long submit = epoch(f[2], zone);
            long eligible = f[3].matches("\\d{4}-.*") ? epoch(f[3], zone) : submit;
            real.add(new Fidelity.Real(f[0], s.name(), submit, eligible, epoch(f[4], zone), epoch(f[5], zone),
                    limitS(f[6]), Integer.parseInt(f[7]), s.memMb() << 20, s));
        }
        return real.size() == ids.size() ? real : null;
    }

    /** Other jobs that ran, or waited, on the cluster between {@code from} and {@code to} (Unix seconds). */
    static List<Fidelity.Real> foreign(SlurmCommands slurm, Set<String> mine, long from, long to) {
        ZoneId zone = slurm.zone();
        String out;
        try {
            out = slurm.run("sacct", "-a", "-X", "-n", "-P",
                    "-S", LocalDateTime.ofInstant(Instant.ofEpochSecond(from - 3600), zone).format(SACCT_TIME),
                    "-E", LocalDateTime.ofInstant(Instant.ofEpochSecond(to + 1), zone).format(SACCT_TIME),
                    "-o", "JobIDRaw,State,Submit,Eligible,Start,End,TimelimitRaw,AllocCPUS,ReqMem,JobName");
        } catch (RuntimeException e) {
            return List.of();
        }
        List<Fidelity.Real> real = new ArrayList<>();
        for (String line : out.lines().toList()) {
            String[] f = line.split("\\|", -1);
            if (f.length < 10 || mine.contains(f[0]) || !f[0].matches("\\d+")) continue;
            if (!f[4].matches("\\d{4}-.*")) continue; // never started
            long start = epoch(f[4], zone);
            long end = f[5].matches("\\d{4}-.*") ? epoch(f[5], zone) : Instant.now().getEpochSecond();
            if (end < from || start > to) continue;
            long submit = epoch(f[2], zone);
            long eligible = f[3].matches("\\d{4}-.*") ? epoch(f[3], zone) : submit;
            int cpus = f[7].matches("\\d+") ? Math.max(1, Integer.parseInt(f[7])) : 1;
            real.add(new Fidelity.Real(f[0], f[9], submit, eligible, start, end, limitS(f[6]), cpus,
                    memMb(f[8]) << 20, null));
        }
        return real;
    }

    private static long limitS(String raw) {
        return raw.matches("\\d+") ? Long.parseLong(raw) * 60 : 365L * 86400;
    }

    /** ReqMem as sacct prints it ({@code 2600M}, {@code 4G}, {@code 256Mc}): MB per node (per CPU taken as is). */
    static long memMb(String reqMem) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+(?:\\.\\d+)?)([KMGT]?)").matcher(reqMem);
        if (!m.lookingAt()) return 0;
        double v = Double.parseDouble(m.group(1));
        return switch (m.group(2)) {
            case "K" -> (long) (v / 1024);
            case "G" -> (long) (v * 1024);
            case "T" -> (long) (v * 1024 * 1024);
            default -> (long) v;
        };
    }

    private static long epoch(String slurmTime, ZoneId zone) {
        return LocalDateTime.parse(slurmTime).atZone(zone).toEpochSecond();
    }
}
