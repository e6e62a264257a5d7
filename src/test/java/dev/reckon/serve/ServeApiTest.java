package dev.reckon.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.reckon.cli.Cli;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code reckon serve}'s JSON API and pages, through a real HTTP client, against the command line on one ledger. */
class ServeApiTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path home;
    Served s;

    @BeforeEach
    void start() throws Exception {
        s = new Served(home).start(null, false, null);
    }

    @AfterEach
    void stop() {
        s.close();
    }

    private void sameAsCli(String path, String... args) throws Exception {
        HttpResponse<String> api = s.get(path);
        Cli.Result cli = s.cli.run(args);
        assertEquals(0, cli.exit(), cli.toString());
        assertEquals(200, api.statusCode(), api.body());
        assertTrue(api.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
        assertEquals(cli.out(), api.body(), path + " answers exactly what " + String.join(" ", args) + " prints");
    }

    @Test
    void theApiAnswersExactlyWhatEachCommandPrintsWithJson() throws Exception {
        sameAsCli("/api/review?since=2026-11-02", "review", "--since", "2026-11-02", "--json");
        sameAsCli("/api/review", "review", "--json");
        sameAsCli("/api/jobs", "jobs", "--json");
        sameAsCli("/api/jobs?user=bob&state=COMPLETED", "jobs", "--user", "bob", "--state", "COMPLETED", "--json");
        sameAsCli("/api/jobs/101", "job", "101", "--json");
        sameAsCli("/api/owners?since=2026-10-01", "owners", "--since", "2026-10-01", "--json");
        sameAsCli("/api/exits", "exits", "--json");
        sameAsCli("/api/exits/calendar", "exits", "--calendar", "--json");
        sameAsCli("/api/charters", "charter", "list", "--json");
        sameAsCli("/api/charters/llm-ft", "charter", "show", "llm-ft", "--json");
        sameAsCli("/api/audit", "audit", "--json");
        sameAsCli("/api/rightsize?since=2026-10-01", "rightsize", "--since", "2026-10-01", "--json");
    }

    @Test
    void everyRouteOfTheApiIsInTheOpenApiDocument() throws Exception {
        HttpResponse<String> r = s.get("/api/openapi.json");
        assertEquals(200, r.statusCode());
        JsonNode doc = JSON.readTree(r.body());
        assertTrue(doc.get("openapi").asText().startsWith("3."), "an OpenAPI 3 document");
        List<String> missing = new ArrayList<>();
        int api = 0;
        for (String route : s.server.routes()) {
            String[] mp = route.split(" ", 2);
            if (!mp[1].startsWith("/api/") && !mp[1].equals("/metrics")) continue;
            api++;
            JsonNode ops = doc.get("paths").get(mp[1]);
            if (ops == null || ops.get(mp[0].toLowerCase(Locale.ROOT)) == null) missing.add(route);
        }
        assertTrue(api >= 20, "the routes are counted: " + s.server.routes());
        assertEquals(List.of(), missing, "routes the OpenAPI document does not describe");
    }

    @Test
    void aBadValueIsA400NamingTheParameterAndAnUnknownJobA404() throws Exception {
        HttpResponse<String> bad = s.get("/api/jobs?since=yesterdayish");
        assertEquals(400, bad.statusCode());
        assertTrue(JSON.readTree(bad.body()).get("error").asText().startsWith("since: \"yesterdayish\" is not a time"), bad.body());
        HttpResponse<String> none = s.get("/api/jobs/999999");
        assertEquals(404, none.statusCode());
        assertTrue(none.body().contains("no job 999999"), none.body());
        assertEquals(404, s.get("/no/such/page").statusCode());
    }

    @Test
    void everyPageRendersWithTheNavigationAndTheJobsFilterKeepsOnlyWhatItAsks() throws Exception {
        for (String page : List.of("/review", "/exits", "/owners", "/jobs", "/jobs/101", "/whatif", "/campaigns")) {
            HttpResponse<String> r = s.get(page);
            assertEquals(200, r.statusCode(), page + ": " + r.body());
            assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/html"), page);
            assertTrue(r.body().contains("<nav class=\"reckon\">"), page + " has the navigation");
            assertTrue(r.body().contains("name=\"viewport\""), page + " is laid out for a phone too");
            assertFalse(r.body().matches("(?s).*(src|href)=\"https?://.*"), page + " loads nothing from elsewhere");
        }
        String carol = s.get("/jobs?user=carol").body();
        assertTrue(carol.contains(">2 jobs<"), carol);
        assertTrue(carol.contains(">121</a>") && carol.contains(">120</a>") && !carol.contains(">101</a>"), carol);
        String training = s.get("/jobs?name=train_*&state=COMPLETED").body();
        assertTrue(training.contains(">3 jobs<"), training);
        String chartered = s.get("/jobs?charter=llm-ft").body();
        assertTrue(chartered.contains(">2 jobs<") && chartered.contains(">101</a>") && chartered.contains(">102</a>"), chartered);
        String review = s.get("/review?since=2026-11-02").body();
        assertTrue(review.contains("id=\"class-numbers\""), "the class chart's numbers as a table");
        assertTrue(review.contains("id=\"kill-list\""), "the kill list");
    }

    @Test
    void answersCarryTheSecurityHeadersAndNoCorsHeaders() throws Exception {
        HttpResponse<String> r = s.get("/api/review", "Origin", "https://elsewhere.example");
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("Content-Security-Policy").orElse("").contains("default-src 'self'"));
        assertEquals("nosniff", r.headers().firstValue("X-Content-Type-Options").orElse(""));
        assertTrue(r.headers().map().keySet().stream().noneMatch(h -> h.toLowerCase(Locale.ROOT).startsWith("access-control-")),
                "no CORS header at all: " + r.headers().map());
    }

    @Test
    void theGrafanaDashboardReadsOnlySeriesTheServerExposes() throws Exception {
        s.server.refreshMetrics();
        s.get("/api/review");
        String m = s.get("/metrics").body();
        String dashboard = java.nio.file.Files.readString(Path.of("examples/grafana/reckon.json"));
        java.util.regex.Matcher names = java.util.regex.Pattern.compile("reckon_[a-z_]+").matcher(dashboard);
        java.util.Set<String> read = new java.util.TreeSet<>();
        while (names.find()) read.add(names.group());
        read.remove("reckon_serve");
        assertTrue(read.size() >= 10, "the dashboard reads the metrics: " + read);
        for (String name : read) {
            // the ingest loop's series appear once it ran; the others are there from the start
            if (name.startsWith("reckon_ingest_")) continue;
            assertTrue(m.contains("\n" + name + "{") || m.contains("\n" + name + " "), name + " is exposed:\n" + m);
        }
    }

    @Test
    void metricsCarryTheLedgerFiguresAndTheRequests() throws Exception {
        s.server.refreshMetrics();
        s.get("/api/review");
        String m = s.get("/metrics").body();
        assertTrue(m.contains("reckon_kill_list_jobs 4.0"), m);
        assertTrue(m.contains("reckon_class_hours{class=\"defended\",resource=\"gpu\"}"), m);
        assertTrue(m.contains("reckon_charter_budget_hours{charter=\"llm-ft\",resource=\"gpu\"} 100.0"), m);
        assertTrue(m.contains("reckon_charter_verdict{charter=\"llm-ft\",verdict=\"continue\"}"), m);
        assertTrue(m.contains("reckon_user_hours{resource=\"cpu\",user=\"bob\"}"), m);
        assertTrue(m.contains("reckon_kill_list_held{resource=\"gpus\"}"), m);
        assertTrue(m.contains("reckon_http_requests_total{method=\"GET\",route=\"/api/review\",status=\"200\"}"), m);
        assertTrue(m.contains("reckon_http_request_duration_seconds_bucket{method=\"GET\",route=\"/api/review\",le=\"+Inf\"}"), m);
    }
}
