package dev.reckon.app;

import com.fasterxml.jackson.databind.JsonNode;
import dev.reckon.act.Reclaim;
import dev.reckon.cli.Main;
import dev.reckon.config.Config;
import dev.reckon.core.Json;
import dev.reckon.ledger.Ledger;
import dev.reckon.model.Metric;
import dev.reckon.review.Review;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The governance use cases called directly, as every door calls them. */
class GovernanceTest {
    static final Instant NOW = Instant.parse("2026-11-04T12:00:00Z");

    @TempDir
    Path home;
    Map<String, String> env = new HashMap<>();
    Path charters;

    @BeforeEach
    void setUp() throws Exception {
        env.put("HOME", home.toString());
        env.put("RECKON_LEDGER", home.resolve("ledger.db").toString());
        env.put("RECKON_TZ", "UTC");
        env.put("RECKON_NOW", NOW.toString());
        charters = home.resolve("charters");
        Files.createDirectories(charters);
        env.put("RECKON_CHARTERS", charters.toString());
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
        Path fixture = Path.of(getClass().getResource("/sacct/review-charters.txt").toURI());
        cli("ingest", "sacct", fixture.toString());
        try (Ledger ledger = Ledger.open(env.get("RECKON_LEDGER"))) {
            // llm-ft reached its goal at 08:00 today: its job started at 09:00 runs on after victory
            ledger.recordMetrics(List.of(new Metric("llm-ft", "val_accuracy", 0.95, Instant.parse("2026-11-04T08:00:00Z"),
                    null, "hpc", "test")));
        }
    }

    Context context() {
        return new Context(Config.load(env), Clock.fixed(NOW, ZoneOffset.UTC), "test");
    }

    /** Runs the command line in-process; returns stdout and stderr. */
    String[] cli(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.execute(env, new ByteArrayInputStream(new byte[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), args);
        String o = out.toString(StandardCharsets.UTF_8);
        String e = err.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, o + e);
        return new String[] {o, e};
    }

    @Test
    void theReviewThroughTheServiceIsTheReviewTheCommandLinePrints() throws Exception {
        Outcome<Review.Result> r = new Governance(context()).review(
                new Governance.ReviewRequest(Instant.parse("2026-11-02T00:00:00Z"), null, null));
        String viaCli = cli("review", "--since", "2026-11-02", "--json")[0];
        assertEquals(Json.mapper().readTree(viaCli), Json.mapper().readTree(Json.write(dev.reckon.report.JsonVocabulary.review(r.value()))));
        assertEquals(List.of(), r.problems());
    }

    @Test
    void workAfterItsChartersSuccessIsHabitualAndOnTheKillList() {
        Review.Result r = new Governance(context()).review(
                new Governance.ReviewRequest(Instant.parse("2026-11-02T00:00:00Z"), null, null)).value();
        Review.JobVerdict before = verdict(r, "101");
        Review.JobVerdict after = verdict(r, "102");
        assertEquals(Review.JobClass.DEFENDED, before.jobClass(), before.reason());
        assertEquals(Review.JobClass.HABITUAL, after.jobClass());
        assertTrue(after.reason().contains("succeeded") && after.reason().contains("still consuming"), after.reason());
        assertTrue(r.killList().stream().anyMatch(k -> k.jobId().equals("102")));
    }

    @Test
    void reclaimActsOnExactlyTheReviewsKillList() throws Exception {
        Governance g = new Governance(context());
        Review.Result review = g.review(new Governance.ReviewRequest(Instant.parse("2026-11-02T00:00:00Z"), null, null)).value();
        List<Reclaim.Step> steps = g.reclaim(new Governance.ReclaimRequest(Instant.parse("2026-11-02T00:00:00Z"),
                Duration.ofHours(2), Channels.NONE, false)).value();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < review.killList().size(); i++) {
            Review.Kill k = review.killList().get(i);
            if (k.state().equals("RUNNING")) expected.add((i + 1) + " " + k.jobId());
        }
        List<String> planned = steps.stream().map(s -> s.killListRank() + " " + s.jobId()).toList();
        assertEquals(expected, planned);
        assertTrue(planned.stream().anyMatch(p -> p.endsWith(" 102")),
                "the job whose charter succeeded and still consumes is reclaimed: " + planned);
        JsonNode json = Json.mapper().readTree(cli("reclaim", "--since", "2026-11-02", "--json")[0]);
        List<String> viaCli = new ArrayList<>();
        for (JsonNode s : json) viaCli.add(s.get("kill_list_rank").asInt() + " " + s.get("job_id").asText());
        assertEquals(expected, viaCli, "reclaim --json names the kill-list line of each action");
    }

    @Test
    void exitsThroughTheServiceAreTheExitsTheCommandLinePrints() throws Exception {
        ExitPlanning exits = new ExitPlanning(context());
        String viaCli = cli("exits", "--json")[0];
        assertEquals(Json.mapper().readTree(viaCli),
                Json.mapper().readTree(Json.write(dev.reckon.report.JsonVocabulary.exits(exits.evaluate(ExitPlanning.Evaluation.now()).value()))));
        String calendar = cli("exits", "--calendar", "--json")[0];
        assertEquals(Json.mapper().readTree(calendar),
                Json.mapper().readTree(Json.write(exits.calendar(ExitPlanning.Evaluation.now()).value())));
    }

    @Test
    void aFailedActionEndsTheRunWith75SoThatCronNotices() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int code = Main.execute(env, new ByteArrayInputStream(new byte[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), "reclaim", "--since", "2026-11-02", "--apply",
                "--mail-command", "exit 3");
        String e = err.toString(StandardCharsets.UTF_8);
        assertEquals(Main.EXIT_TEMPFAIL, code, out + e);
        assertTrue(e.contains("failed") && e.contains("tried again on the next run"), e);
    }

    @Test
    void everyCharterFileInvalidIsSaidSo() throws Exception {
        Files.delete(charters.resolve("llm-ft.yaml"));
        Files.writeString(charters.resolve("a.yaml"), "id: a\nowner: alice\n");
        Files.writeString(charters.resolve("b.yaml"), "id: b\n");
        Outcome<Review.Result> r = new Governance(context()).review(new Governance.ReviewRequest(null, null, null));
        assertEquals(2, r.problems().stream().map(e -> e.file()).distinct().count(), r.problems().toString());
        assertEquals(1, r.notes().size(), r.notes().toString());
        assertTrue(r.notes().get(0).startsWith("2 charter files in " + charters + ", none valid"), r.notes().get(0));
        assertTrue(r.notes().get(0).contains("reckon charter check"), r.notes().get(0));
    }

    private static Review.JobVerdict verdict(Review.Result r, String id) {
        return r.jobs().stream().filter(v -> v.jobId().equals(id)).findFirst().orElseThrow();
    }
}
