package dev.reckon.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReviewCommandTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path home;
    Path charters;
    Cli cli;

    @BeforeEach
    void setUp() throws IOException, URISyntaxException {
        cli = new Cli(home);
        cli.env.put("RECKON_NOW", "2026-11-04T12:00:00Z");
        charters = home.resolve("charters");
        Files.createDirectories(charters);
        Files.writeString(charters.resolve("llm-ft.yaml"), String.join("\n",
                "id: llm-ft",
                "purpose: Fine-tune the 7B model on support tickets.",
                "owner: alice",
                "budget: {gpu_hours: 100, cpu_hours: 1000}",
                "window: {start: 2026-10-01, end: 2026-12-31}",
                "success: val_accuracy >= 0.92",
                "failure: loss > 2.5 after 50 gpu_hours",
                "history:",
                "  - {date: 2026-11-01, status: active, note: reviewed}",
                ""));
        Files.writeString(charters.resolve("done.yaml"), String.join("\n",
                "id: done",
                "purpose: Evaluate the old model one last time.",
                "owner: bob",
                "budget: {cpu_hours: 100}",
                "window: {end: 2026-12-31}",
                "success: acc >= 0.9",
                "failure: acc < 0.5",
                "status: withdrawn",
                "history:",
                "  - {date: 2026-09-01, status: active}",
                "  - {date: 2026-10-15, status: withdrawn, note: superseded}",
                ""));
        Files.writeString(charters.resolve("bad.yaml"), "id: bad\nowner: alice\n");
        Path fixture = Path.of(getClass().getResource("/sacct/review-charters.txt").toURI());
        Cli.Result ingest = cli.run("ingest", "sacct", fixture.toString());
        assertEquals(0, ingest.exit(), ingest.toString());
    }

    @Test
    void reviewJsonClassifiesEveryJobOfTheWindowAndRanksTheKillList() throws IOException {
        Cli.Result r = cli.run("review", "--since", "2026-11-02", "--charters", charters.toString(), "--json");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.err().contains("bad.yaml:"), "a bad charter file is reported with its file and line: " + r.err());
        JsonNode root = JSON.readTree(r.out());
        Map<String, JsonNode> jobs = new HashMap<>();
        for (JsonNode j : root.get("jobs")) jobs.put(j.get("job_id").asText(), j);
        assertEquals(List.of("101", "102", "103", "113", "120", "121").stream().sorted().toList(),
                jobs.keySet().stream().sorted().toList(), "the history before --since is not classified");
        assertEquals("defended", jobs.get("101").get("class").asText());
        assertEquals("llm-ft", jobs.get("102").get("charter").asText());
        assertEquals("defended", jobs.get("102").get("class").asText());
        assertEquals("habitual", jobs.get("103").get("class").asText());
        assertEquals("charter done withdrawn 2026-10-15", jobs.get("103").get("reason").asText());
        assertEquals("habitual", jobs.get("113").get("class").asText());
        assertEquals("recurring train_# by bob in 3 earlier weeks, no charter", jobs.get("113").get("reason").asText());
        assertEquals("orphaned", jobs.get("120").get("class").asText());
        assertTrue(jobs.get("120").get("charter").isNull());
        assertEquals(2.0, jobs.get("101").get("gpu_hours").asDouble(), 1e-9);

        List<String> kill = new ArrayList<>();
        for (JsonNode k : root.get("kill_list")) kill.add(k.get("job_id").asText());
        assertEquals(List.of("121", "113", "120", "103"), kill);
        JsonNode first = root.get("kill_list").get(0);
        assertEquals("carol", first.get("user").asText());
        assertEquals("orphaned", first.get("class").asText());
        assertEquals(2, first.get("gpus").asInt());
        assertEquals(3 * 3600, first.get("age_s").asLong());

        double cpuFraction = 0;
        for (JsonNode s : root.get("shares")) cpuFraction += s.get("cpu_fraction").asDouble();
        assertEquals(1.0, cpuFraction, 1e-9);
        JsonNode llm = null;
        for (JsonNode c : root.get("charters")) if (c.get("charter").asText().equals("llm-ft")) llm = c;
        assertEquals(2, llm.get("jobs").asInt());
        assertEquals(5.0 / 100, llm.get("used_fraction").get("gpu_hours").asDouble(), 1e-9);
    }

    @Test
    void reviewPrintsTablesAndMarkdown() {
        Cli.Result t = cli.run("review", "--since", "2026-11-02", "--charters", charters.toString());
        assertEquals(0, t.exit(), t.toString());
        assertTrue(t.out().contains("Kill list") && t.out().contains("121    carol  RUNNING  orphaned"), t.out());
        assertTrue(t.out().contains("train_#"), t.out());
        Cli.Result m = cli.run("review", "--since", "2026-11-02", "--charters", charters.toString(), "--markdown");
        assertEquals(0, m.exit(), m.toString());
        assertTrue(m.out().contains("## Kill list") && m.out().contains("| 121 | carol |"), m.out());
    }

    @Test
    void anOwnerOffTheRosterOrphansTheCharterJobs() throws IOException {
        Files.writeString(charters.resolve("roster.txt"), "bob\ncarol\n");
        Cli.Result r = cli.run("review", "--since", "2026-11-02", "--charters", charters.toString(), "--json");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.err().contains("not on the roster"), r.err());
        JsonNode j = null;
        for (JsonNode x : JSON.readTree(r.out()).get("jobs")) if (x.get("job_id").asText().equals("101")) j = x;
        assertEquals("orphaned", j.get("class").asText());
        assertEquals("charter llm-ft's owner alice is not on the roster", j.get("reason").asText());
    }

    @Test
    void reviewHtmlWritesOneSelfContainedPageAndPrintsItsPath() throws IOException {
        Path page = home.resolve("report.html");
        Cli.Result r = cli.run("review", "--since", "2026-11-02", "--charters", charters.toString(), "--html", page.toString());
        assertEquals(0, r.exit(), r.toString());
        assertEquals(page.toAbsolutePath().toString(), r.out().strip());
        String html = Files.readString(page);
        assertTrue(html.startsWith("<!DOCTYPE html>") && html.contains("<svg id=\"chart-cpu\""), html);
        assertTrue(html.contains("llm-ft") && html.contains("carol"), html);
        Cli.Result out = cli.run("review", "--since", "2026-11-02", "--charters", charters.toString(), "--html", "-");
        assertEquals(0, out.exit(), out.toString());
        assertTrue(out.out().startsWith("<!DOCTYPE html>") && out.out().endsWith("</html>\n"));
    }

    @Test
    void reviewHtmlIntoAMissingDirectoryIsAnIoErrorWithoutAStackTrace() {
        Path page = home.resolve("no/such/dir/report.html");
        Cli.Result r = cli.run("review", "--since", "2026-11-02", "--charters", charters.toString(), "--html", page.toString());
        assertEquals(74, r.exit(), r.toString());
        assertTrue(r.err().contains("cannot write " + page) && !r.err().contains("\tat "), r.err());
        Cli.Result both = cli.run("review", "--json", "--html", page.toString());
        assertEquals(2, both.exit(), both.toString());
    }
}
