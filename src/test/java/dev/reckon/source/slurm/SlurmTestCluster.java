package dev.reckon.source.slurm;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Assumptions;

/**
 * The real Slurm cluster that {@code scripts/slurm-dev-cluster up} starts, for integration tests. Tests that use it
 * are skipped when Slurm does not answer, and fail instead when the environment says {@code RECKON_REQUIRE_SLURM=1}.
 */
public final class SlurmTestCluster {
    /** The fields the fixture reads back from sacct for every job and step. */
    static final String FIELDS = "JobID,JobIDRaw,JobName,User,Account,Partition,State,ExitCode,Submit,Start,End,"
            + "Elapsed,Timelimit,TotalCPU,MaxRSS,NTasks,ReqMem,ReqTRES,AllocTRES,NodeList,Comment";

    private static final Set<String> FINAL_STATES = Set.of("COMPLETED", "FAILED", "TIMEOUT", "CANCELLED",
            "OUT_OF_MEMORY", "NODE_FAIL", "PREEMPTED", "BOOT_FAIL", "DEADLINE");
    private static final Duration POLL = Duration.ofMillis(500);
    private static final AtomicInteger SCRIPTS = new AtomicInteger();

    private static SlurmCommands commands;
    private static String unavailable;
    private static Path outputDir;

    private SlurmTestCluster() { }

    /**
     * Why no cluster can be used, or null when one answers ({@code scontrol ping}, then {@code sinfo}). Fails the
     * calling test instead when the environment says {@code RECKON_REQUIRE_SLURM=1}. Asked once per test run.
     */
    public static synchronized String unavailable() {
        if (commands == null && unavailable == null) {
            SlurmCommands probe = new SlurmCommands(Duration.ofSeconds(15), java.time.ZoneId.systemDefault());
            try {
                probe.run("scontrol", "ping"); // fails at once when no controller runs; sinfo would retry for 9 s
                if (probe.run("sinfo", "-h", "-o", "%T").isBlank()) throw new SlurmCommandException("sinfo shows no nodes");
                commands = new SlurmCommands();
            } catch (SlurmCommandException e) {
                unavailable = "no Slurm cluster answers (" + e.getMessage()
                        + "); start one with scripts/slurm-dev-cluster up";
            }
        }
        if (unavailable != null && "1".equals(System.getenv("RECKON_REQUIRE_SLURM"))) {
            fail("RECKON_REQUIRE_SLURM=1 but " + unavailable);
        }
        return unavailable;
    }

    /** Skips the calling test when no cluster answers (fails it when {@code RECKON_REQUIRE_SLURM=1}). */
    public static void assumeCluster() {
        String why = unavailable();
        Assumptions.assumeTrue(why == null, why);
    }

    /**
     * Skips the calling test unless both this host's cluster and the second one, {@code annex}, answer (fails it
     * instead when {@code RECKON_REQUIRE_SLURM=1}).
     */
    public static void assumeBothClusters() {
        assumeCluster();
        try {
            if (commands().run("sinfo", "-M", "annex", "-h", "-o", "%T").isBlank())
                throw new SlurmCommandException("sinfo -M annex shows no nodes");
        } catch (SlurmCommandException e) {
            String why = "the second cluster, annex, does not answer (" + e.getMessage()
                    + "); start both with scripts/slurm-dev-cluster up";
            if ("1".equals(System.getenv("RECKON_REQUIRE_SLURM"))) fail("RECKON_REQUIRE_SLURM=1 but " + why);
            Assumptions.assumeTrue(false, why);
        }
    }

    /** Commands against the running cluster; skips (or fails, when required) the calling test if there is none. */
    public static SlurmCommands commands() {
        assumeCluster();
        return commands;
    }

    /** A temporary folder for job scripts and the jobs' output files. */
    static synchronized Path outputDir() {
        if (outputDir == null) {
            try {
                outputDir = Files.createTempDirectory("reckon-slurm-it-",
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return outputDir;
    }

    /**
     * Submits {@code body} as a bash batch script named {@code reckon-it-NAME}, with its output in
     * {@link #outputDir()}, and returns the job id.
     */
    public static String submit(String name, String body, String... sbatchArgs) {
        Path dir = outputDir();
        Path script = dir.resolve(name + "-" + SCRIPTS.incrementAndGet() + ".sh");
        try {
            Files.writeString(script, "#!/bin/bash\n" + body + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> args = new ArrayList<>(List.of("--job-name=reckon-it-" + name, "--chdir=" + dir,
                "--output=" + dir.resolve("%x-%j.out")));
        args.addAll(List.of(sbatchArgs));
        args.add(script.toString());
        return commands().sbatch(args.toArray(String[]::new));
    }

    /** The output file of a (non-array) job submitted by {@link #submit}. */
    static Path outputOf(String name, String jobId) {
        return outputDir().resolve("reckon-it-" + name + "-" + jobId + ".out");
    }

    /** Polls squeue until the job runs. */
    public static void awaitRunning(String jobId, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        while (true) {
            List<String> states = commands().squeue("-j", jobId, "-o", "%T");
            if (states.contains("RUNNING")) return;
            if (Instant.now().isAfter(deadline)) fail("job " + jobId + " not running after " + timeout + ": " + states);
            pause();
        }
    }

    /** {@link #awaitFinal(String, int, Duration)} for a job that is not an array. */
    public static List<Map<String, String>> awaitFinal(String jobId, Duration timeout) {
        return awaitFinal(jobId, 1, timeout);
    }

    /**
     * Polls sacct until the job shows {@code jobLines} job lines (one per array task), every line (steps included)
     * shows a final state and every job line has its batch step; returns the lines in sacct's order. The count
     * matters for arrays: a task split off late can reach the database after its siblings have ended.
     */
    public static List<Map<String, String>> awaitFinal(String jobId, int jobLines, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        List<Map<String, String>> rows = List.of();
        while (Instant.now().isBefore(deadline)) {
            rows = sacct(jobId);
            if (rows.stream().filter(r -> !isStep(r)).count() == jobLines && allFinal(rows)) return rows;
            pause();
        }
        return fail("job " + jobId + " not final after " + timeout + ": " + rows);
    }

    /** The sacct lines of one job (and its array tasks and steps), as field name to value. */
    static List<Map<String, String>> sacct(String jobId) {
        return parse(commands().run("sacct", "--parsable2", "--format=" + FIELDS, "-j", jobId));
    }

    /** {@code sacct --parsable2} output with a header line, as one map per line. */
    static List<Map<String, String>> parse(String parsable2) {
        List<String> lines = parsable2.lines().filter(line -> !line.isEmpty()).toList();
        List<Map<String, String>> rows = new ArrayList<>();
        if (lines.isEmpty()) return rows;
        String[] header = lines.get(0).split("\\|", -1);
        for (String line : lines.subList(1, lines.size())) {
            String[] values = line.split("\\|", -1);
            Map<String, String> row = new LinkedHashMap<>();
            for (int i = 0; i < header.length; i++) row.put(header[i], i < values.length ? values[i] : "");
            rows.add(row);
        }
        return rows;
    }

    /** The state's first word: {@code CANCELLED by 0} is {@code CANCELLED}. */
    static String state(Map<String, String> row) {
        String state = row.get("State");
        int space = state.indexOf(' ');
        return space < 0 ? state : state.substring(0, space);
    }

    static boolean isStep(Map<String, String> row) {
        return row.get("JobID").contains(".");
    }

    private static boolean allFinal(List<Map<String, String>> rows) {
        if (rows.isEmpty()) return false;
        for (Map<String, String> row : rows) {
            if (!FINAL_STATES.contains(state(row))) return false;
            if (!isStep(row) && rows.stream().noneMatch(r -> r.get("JobID").equals(row.get("JobID") + ".batch"))) {
                return false;
            }
        }
        return true;
    }

    private static void pause() {
        try {
            Thread.sleep(POLL.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for Slurm", e);
        }
    }
}
