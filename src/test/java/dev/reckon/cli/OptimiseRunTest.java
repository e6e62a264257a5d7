package dev.reckon.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code reckon optimise} on the shipped example against its workload model: no cluster needed. */
class OptimiseRunTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Path CAMPAIGN = Path.of("examples/optimise/asr-pipeline.campaign.yaml");
    static final Path MODEL = Path.of("examples/optimise/asr-pipeline.model.yaml");

    @TempDir
    Path dir;

    Path copy(Path p) throws Exception {
        Path out = dir.resolve(p.getFileName());
        Files.copy(p, out);
        return out;
    }

    @Test
    void theRoundReportHasItsEightPartsInOrderAndSaysWhatToDoNext() throws Exception {
        Cli cli = new Cli(dir);
        Path c = copy(CAMPAIGN), m = copy(MODEL);
        Cli.Result r = cli.run("optimise", "run", c.toString(), "--model", m.toString());
        assertEquals(0, r.exit(), r.toString());
        List<String> parts = List.of("1. Objective and scope", "2. Experiments, round by round", "3. Stage-level findings",
                "4. Resource fit (CPU and GPU apart)", "5. Failures, out of memory, and what was done",
                "6. The chosen next configuration and its expected impact", "7. Checkpoints recorded",
                "8. Remaining risks and the next trials");
        int at = -1;
        for (String p : parts) {
            int i = r.out().indexOf(p);
            assertTrue(i > at, "part '" + p + "' after the one before:\n" + r.out());
            at = i;
        }
        assertTrue(r.out().contains("next: preprocessing: run the remaining work as"), r.out());
        assertTrue(r.out().contains("The simulator's estimate"), r.out());
        assertTrue(Files.exists(dir.resolve("asr-pipeline.v2.campaign.yaml")), "the promoted version is written");
        Cli.Result v2 = cli.run("optimise", "plan", dir.resolve("asr-pipeline.v2.campaign.yaml").toString());
        assertEquals(0, v2.exit(), "the promoted version reads as a campaign: " + v2);

        Cli.Result json = cli.run("optimise", "report", c.toString(), "--model", m.toString(), "--json");
        assertEquals(0, json.exit(), json.toString());
        JsonNode j = JSON.readTree(json.out());
        for (String k : List.of("objective", "experiments", "findings", "fit", "failures", "choice", "checkpoints",
                "risks", "next_trials")) assertTrue(j.has(k), k + " in " + j.fieldNames());
        assertTrue(j.get("choice").get("chosen_s").asDouble() < j.get("choice").get("as_submitted_s").asDouble(),
                j.get("choice").toString());

        Path html = dir.resolve("report.html");
        Cli.Result page = cli.run("optimise", "report", c.toString(), "--model", m.toString(), "--html", html.toString());
        assertEquals(0, page.exit(), page.toString());
        String text = Files.readString(html);
        assertTrue(text.contains("<svg") && text.contains("8. Remaining risks") && !text.contains("<script"), text);
    }

    @Test
    void aResumedCampaignSendsNoFinishedTrialAgain() throws Exception {
        Cli cli = new Cli(dir);
        Path c = copy(CAMPAIGN), m = copy(MODEL);
        JsonNode first = JSON.readTree(cli.run("optimise", "run", c.toString(), "--model", m.toString(), "--rounds", "1",
                "--json").out());
        int trials = first.get("experiments").size();
        JsonNode more = JSON.readTree(cli.run("optimise", "resume", c.toString(), "--model", m.toString(), "--json").out());
        assertTrue(more.get("experiments").size() > trials, "the rounds went on");
        for (int i = 0; i < trials; i++)
            assertEquals(first.get("experiments").get(i), more.get("experiments").get(i), "trial " + (i + 1) + " kept as it was");
        Cli.Result status = cli.run("optimise", "status", c.toString(), "--model", m.toString());
        assertEquals(0, status.exit(), status.toString());
        assertTrue(status.out().contains("trials done"), status.out());
        // without --model, the status says that the campaign ran on a simulated cluster, not that it never ran
        Cli.Result real = cli.run("optimise", "status", c.toString());
        assertEquals(2, real.exit(), real.toString());
        assertTrue(real.err().contains("it has run on a simulated cluster: give --model FILE"), real.err());
    }

    @Test
    void planWithAModelPredictsRoundZerosWaitsOnItsSimulatedClusterAndStoresNothing() throws Exception {
        Cli cli = new Cli(dir).withEmptyLedger();
        Path c = copy(CAMPAIGN), m = copy(MODEL);
        Cli.Result r = cli.run("optimise", "plan", c.toString(), "--model", m.toString(), "--json");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.err().contains("dry run against the model's simulated cluster"), r.err());
        JsonNode j = JSON.readTree(r.out());
        assertTrue(j.get("experiments").size() >= 5, "one smoke trial per stage and lane: " + j.get("experiments"));
        for (JsonNode e : j.get("experiments")) {
            assertEquals(0, e.get("round").asInt(), e.toString());
            assertTrue(e.hasNonNull("predicted_wait_s"), "a wait predicted on the model's cluster: " + e);
            assertEquals(0, e.get("job_ids").size(), "nothing sent: " + e);
        }
        assertTrue(j.get("objective").toString().contains("simulated cluster"), j.get("objective").toString());
        Cli.Result report = cli.run("optimise", "report", c.toString(), "--model", m.toString());
        assertEquals(2, report.exit(), "nothing was stored, so nothing has run: " + report);
        assertTrue(Files.notExists(dir.resolve("asr-pipeline.v2.campaign.yaml")), "no version promoted by a plan");
    }

    @Test
    void withoutApplyNothingIsSentToTheRealCluster() throws Exception {
        Cli cli = new Cli(dir).withEmptyLedger();
        Path c = copy(CAMPAIGN);
        Cli.Result r = cli.run("optimise", "plan", c.toString());
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.err().contains("dry run: nothing was sent"), r.err());
        assertTrue(r.out().contains("smoke: the starting shape runs correctly"), r.out());
        Cli.Result audit = cli.run("audit", "--json");
        assertEquals(0, JSON.readTree(audit.out()).size(), "nothing audited: nothing was sent");
    }
}
