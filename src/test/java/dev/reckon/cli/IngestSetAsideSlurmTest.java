package dev.reckon.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.reckon.source.slurm.SlurmTestCluster;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@code reckon ingest slurm} on the real cluster when a job's name holds the live ingest's delimiter ({@code ^|^}):
 * the first run stores the window without that job and says so on standard error; the second reads it on its own
 * ({@code sacct -j ID} with another delimiter) and stores it; the third has nothing more to say about it.
 */
class IngestSetAsideSlurmTest {
    private static final Duration QUICK = Duration.ofSeconds(120);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @BeforeEach
    void needsTheCluster() {
        SlurmTestCluster.assumeCluster();
    }

    private static Map<String, JsonNode> ledgerJobs(Cli cli) throws IOException {
        Cli.Result r = cli.run("jobs", "--json", "--since", "1h");
        assertEquals(0, r.exit(), r.toString());
        Map<String, JsonNode> byId = new HashMap<>();
        for (JsonNode n : JSON.readTree(r.out())) byId.put(n.get("job_id").asText(), n);
        return byId;
    }

    /** Waits until sacct records the job's end (its State alone: the name would not split). */
    private static void awaitEnded(String id) throws InterruptedException {
        Set<String> done = Set.of("COMPLETED", "FAILED", "CANCELLED", "TIMEOUT");
        Instant deadline = Instant.now().plus(QUICK);
        while (Instant.now().isBefore(deadline)) {
            String out = SlurmTestCluster.commands().run("sacct", "-j", id, "--noheader", "--parsable2",
                    "--format=JobID,State,End");
            boolean batch = out.lines().anyMatch(l -> l.startsWith(id + ".batch|"));
            boolean ended = out.lines().allMatch(l -> l.isBlank() || done.contains(l.split("\\|")[1].split(" ")[0]));
            if (batch && ended && !out.isBlank()) return;
            Thread.sleep(500);
        }
        fail("job " + id + " not ended after " + QUICK);
    }

    @Test
    void aJobNamedWithTheDelimiterIsSetAsideThenStoredOnItsOwn() throws Exception {
        Cli cli = new Cli(dir);
        cli.env.remove("RECKON_TZ"); // the system zone, as sacct prints it
        String odd = SlurmTestCluster.submit("sa^|^b", "sleep 1", "--time=2");
        String plain = SlurmTestCluster.submit("sa-plain", "sleep 1", "--time=2");
        SlurmTestCluster.awaitFinal(plain, QUICK);
        awaitEnded(odd);

        // slurmdbd answers a windowed sacct a few seconds after sacct -j sees a job end: ingest until the window has it
        Cli.Result first = cli.run("ingest", "slurm", "--json", "--since", "1h");
        for (int i = 0; i < 30 && first.exit() == 0 && !first.err().contains("job " + odd + " set aside"); i++) {
            Thread.sleep(1000);
            first = cli.run("ingest", "slurm", "--json", "--since", "1h");
        }
        assertEquals(0, first.exit(), first.toString());
        assertTrue(first.err().contains("job " + odd + " set aside: sacct:"), first.err());
        assertTrue(first.err().contains("fields separated by \"^|^\""), first.err());
        Map<String, JsonNode> jobs = ledgerJobs(cli);
        assertTrue(jobs.containsKey(plain), "the rest of the window is stored");
        assertFalse(jobs.containsKey(odd), "the job whose line does not split is set aside");

        Cli.Result second = cli.run("ingest", "slurm", "--json", "--since", "1h");
        assertEquals(0, second.exit(), second.toString());
        assertTrue(second.err().contains("job " + odd + ", set aside before, read on its own (sacct -j " + odd
                + ") and stored"), second.err());
        assertFalse(second.err().contains("job " + odd + " set aside:"), "told once: " + second.err());
        JsonNode stored = ledgerJobs(cli).get(odd);
        assertTrue(stored != null, "stored on the second run");
        assertEquals("reckon-it-sa^|^b", stored.get("name").asText());
        assertEquals("COMPLETED", stored.get("state").asText());

        Cli.Result third = cli.run("ingest", "slurm", "--json", "--since", "1h");
        assertEquals(0, third.exit(), third.toString());
        // (jobs named with the delimiter by earlier runs on this cluster may still come and go: only ours is checked)
        assertFalse(third.err().contains("job " + odd + ", set aside before"), "dropped from the list once stored: " + third.err());
        assertTrue(third.err().contains("job " + odd + " set aside:"),
                "read again in a window, it is set aside again: " + third.err());
    }
}
