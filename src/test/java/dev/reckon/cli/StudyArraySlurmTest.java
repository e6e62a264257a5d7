package dev.reckon.cli;

import dev.reckon.ledger.PostgresSchema;
import dev.reckon.source.slurm.SlurmTestCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A small study run here and as a 2-task Slurm job array on the real cluster, each task a shard writing into one
 * PostgreSQL ledger: {@code study report} gives the local run's tables. Skipped without Slurm or PostgreSQL (failed
 * under {@code RECKON_REQUIRE_SLURM=1} / {@code RECKON_REQUIRE_PG=1}). The tasks run this build's classes with this
 * JVM ({@code StudyCommand.launcher}).
 */
class StudyArraySlurmTest {
    @TempDir
    Path home;

    @Test
    void aStudyRunAsAJobArrayWithPostgresGivesTheLocalTables() throws Exception {
        SlurmTestCluster.assumeCluster();
        try (PostgresSchema schema = PostgresSchema.create()) {
            Cli cli = new Cli(home);
            String name = "array-" + Long.toHexString(System.nanoTime());
            String[] study = {"--study", name, "--workload", "synthetic:400", "--fleet", "archetypes", "--fleet",
                    "random:6", "--seed", "11"};
            Cli.Result local = cli.run(concat(new String[] {"study", "--threads", "2"}, study));
            assertEquals(0, local.exit(), local.toString());

            Path out = Files.createTempDirectory("reckon-study-array-");
            try {
                out.toFile().setWritable(true, false);
                Cli.Result dry = cli.run(concat(new String[] {"--ledger", schema.url(), "study", "--array", "2",
                        "--output-dir", out.toString()}, study));
                assertEquals(0, dry.exit(), dry.toString());
                assertTrue(dry.out().startsWith("would submit"), dry.out());

                Cli.Result sub = cli.run(concat(new String[] {"--ledger", schema.url(), "study", "--array", "2",
                        "--output-dir", out.toString(), "--apply"}, study));
                assertEquals(0, sub.exit(), sub.toString());
                Matcher m = Pattern.compile("job (\\d+)").matcher(sub.out());
                assertTrue(m.find(), sub.out());
                String job = m.group(1);
                waitFor(job, out);
                Cli.Result again = cli.run(concat(new String[] {"--ledger", schema.url(), "study", "--array", "2",
                        "--output-dir", out.toString(), "--apply"}, study));
                assertEquals(2, again.exit(), "a study is submitted once: " + again);

                Cli.Result merged = cli.run("--ledger", schema.url(), "study", "report", "--study", name);
                assertEquals(0, merged.exit(), merged.toString());
                assertEquals(local.out(), merged.out());
                Cli.Result audit = cli.run("--ledger", schema.url(), "audit", "--json");
                assertTrue(audit.out().contains("study-array"), audit.toString());
            } finally {
                // the tasks' output files: the directory is the test's own (Slurm writes there as the job's user)
                try (var all = Files.walk(out)) {
                    all.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
                }
            }
        }
    }

    /** Waits until no task of the array is queued or running (cancelling it, ours by id, on a timeout). */
    private static void waitFor(String job, Path out) throws IOException, InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofMinutes(5));
        while (Instant.now().isBefore(deadline)) {
            Process p = new ProcessBuilder("squeue", "-h", "-j", job, "-o", "%i %T").redirectErrorStream(true).start();
            String s = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            p.waitFor();
            if (s.isEmpty() || s.contains("Invalid job id")) return;
            Thread.sleep(1000);
        }
        new ProcessBuilder("scancel", job).start().waitFor();
        StringBuilder logs = new StringBuilder();
        try (var files = Files.list(out)) {
            for (Path f : files.toList()) logs.append(f).append(":\n").append(Files.readString(f)).append('\n');
        }
        fail("the study's array " + job + " did not end in 5 minutes\n" + logs);
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

}
