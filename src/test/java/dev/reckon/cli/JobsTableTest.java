package dev.reckon.cli;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code reckon jobs} and {@code reckon job} read as an administrator needs (issue 12): a NAME column, shown and cut,
 * never obeyed; {@code -} where a figure is not known yet rather than {@code 0.0%}; times with their zone; a job
 * killed for memory says so.
 */
class JobsTableTest {
    static final String HEADER = "JobID|JobIDRaw|JobName|User|Account|Partition|Cluster|State|ExitCode|Submit|Start|End"
            + "|ElapsedRaw|TimelimitRaw|ReqCPUS|ReqMem|AllocCPUS|NNodes|AllocTRES|TotalCPU|NTasks|MaxRSS";

    @TempDir
    Path home;
    Cli cli;

    @BeforeEach
    void setUp() throws IOException {
        cli = new Cli(home);
        cli.env.put("RECKON_NOW", "2026-11-04T12:00:00Z");
        cli.env.put("RECKON_TZ", "Europe/Stockholm");
        Path f = home.resolve("jobs.txt");
        Files.write(f, List.of(HEADER,
                "301|301|train_resnet50_with_a_really_long_name_that_goes_on|alice|nlp|gpu|hpc|RUNNING|0:0"
                        + "|2026-11-04T08:50:00|2026-11-04T09:00:00|Unknown|3600|240|8|32G|8|1|billing=8,cpu=8,mem=32G,node=1|00:00:00||",
                "302|302|waiting\u001b[31m|bob|nlp|cpu|hpc|PENDING|0:0|2026-11-04T10:00:00|Unknown|Unknown|0|60|4|8G|0|1||00:00:00||",
                "303|303|oom_eval|carol|ml|cpu|hpc|FAILED|0:9|2026-11-03T09:30:00|2026-11-03T09:31:00|2026-11-03T09:40:00"
                        + "|540|240|4|16G|4|1|billing=4,cpu=4,mem=16G,node=1|00:20:00||",
                "303.batch|303.batch|batch||ml||hpc|FAILED|0:9||2026-11-03T09:31:00|2026-11-03T09:40:00"
                        + "|540||4||4|1|cpu=4,mem=16G,node=1|00:20:00|1|15G"));
        Cli.Result r = cli.run("ingest", "sacct", f.toString());
        assertEquals(0, r.exit(), r.toString());
    }

    @Test
    void jobsHaveANameColumnShownAndCut() {
        Cli.Result r = cli.run("jobs");
        assertEquals(0, r.exit(), r.toString());
        String[] lines = r.out().split("\n");
        assertTrue(lines[0].matches("CLUSTER +JOBID +NAME +USER .*"), lines[0]);
        assertTrue(r.out().contains("train_resnet50_with_a_r…"), "a long name is cut with an ellipsis: " + r.out());
        assertFalse(r.out().contains("goes_on"), r.out());
        assertTrue(line(r.out(), "302").contains("waiting"), r.out());
        assertFalse(r.out().contains("\u001b"), "an escape sequence in a name is never obeyed: " + r.out());
    }

    @Test
    void figuresNotKnownYetAreDashesAndTimesSayTheirZone() {
        Cli.Result r = cli.run("jobs");
        String header = r.out().lines().findFirst().orElseThrow();
        assertTrue(header.contains("START (Europe/Stockholm)"), header);
        String running = line(r.out(), "301");
        String pending = line(r.out(), "302");
        List<String> runningCells = List.of(running.trim().split(" {2,}"));
        List<String> pendingCells = List.of(pending.trim().split(" {2,}"));
        // CPU%, MEM%, TIME%, CPU-H are the last four
        assertEquals("-", runningCells.get(runningCells.size() - 4), "a running job's CPU time is counted when it ends: " + running);
        assertEquals("25.0%", runningCells.get(runningCells.size() - 2), "time used of its limit so far: " + running);
        assertEquals("-", pendingCells.get(pendingCells.size() - 2), "a pending job has used no time: " + pending);
        assertFalse(pending.contains("0.0%"), pending);
        assertTrue(running.contains("2026-11-04T09:00:00"), running);
    }

    @Test
    void aJobKilledBySignalNineNearItsMemoryLimitWasKilledForMemory() {
        Cli.Result r = cli.run("job", "303");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("State: FAILED (exit code 0:9)"), r.out());
        assertTrue(r.out().contains("Why: killed for memory, most likely: signal 9 (SIGKILL)"), r.out());
        assertTrue(r.out().contains("93.8% of the 16.00 GiB"), r.out());
        assertTrue(r.out().contains("Submit/Start/End (Europe/Stockholm):"), r.out());
    }

    private static String line(String out, String id) {
        // rows start with the cluster, then the job id
        return out.lines().filter(l -> l.matches("\\S+ +" + java.util.regex.Pattern.quote(id) + " .*")).findFirst().orElseThrow(() -> new AssertionError(id + " in " + out));
    }
}
