package dev.reckon.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@code /metrics} scraped by a real Prometheus server ({@code scripts/prometheus-dev up}; {@code scripts/test} starts
 * it): the test names its server in a file of the scrape targets directory, with a label of its own, and asks
 * Prometheus's HTTP API for the series. Skips without {@code RECKON_TEST_PROM_URL} and
 * {@code RECKON_TEST_PROM_TARGETS}; fails instead under {@code RECKON_REQUIRE_PROM=1}.
 */
class ServePrometheusTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path home;

    @Test
    void aRealPrometheusScrapesTheLedgerFiguresAndTheRequestCounts() throws Exception {
        String prom = System.getenv("RECKON_TEST_PROM_URL");
        String targets = System.getenv("RECKON_TEST_PROM_TARGETS");
        if (prom == null || prom.isBlank() || targets == null || targets.isBlank()) {
            String why = "RECKON_TEST_PROM_URL and RECKON_TEST_PROM_TARGETS are not set (scripts/prometheus-dev up; url; targets)";
            if ("1".equals(System.getenv("RECKON_REQUIRE_PROM"))) fail(why);
            Assumptions.assumeTrue(false, why);
        }
        String label = "t" + UUID.randomUUID().toString().replace("-", "");
        Path target = Path.of(targets).resolve("reckon-test-" + label + ".json");
        try (Served s = new Served(home).start(null, false, null)) {
            s.server.refreshMetrics();
            Files.writeString(target.resolveSibling(target.getFileName() + ".tmp"), "[{\"targets\": [\"127.0.0.1:"
                    + s.server.port() + "\"], \"labels\": {\"reckon_test\": \"" + label + "\"}}]\n");
            Files.move(target.resolveSibling(target.getFileName() + ".tmp"), target,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            HttpClient http = HttpClient.newHttpClient();
            JsonNode kill = query(http, prom, "reckon_kill_list_jobs{reckon_test=\"" + label + "\"}", 90);
            assertEquals(4.0, kill.get(0).get("value").get(1).asDouble(), "the kill list's four jobs, as the review says");
            JsonNode budget = query(http, prom, "reckon_charter_budget_hours{reckon_test=\"" + label
                    + "\",charter=\"llm-ft\",resource=\"gpu\"}", 30);
            assertEquals(100.0, budget.get(0).get("value").get(1).asDouble());
            JsonNode scrapes = query(http, prom, "reckon_http_requests_total{reckon_test=\"" + label
                    + "\",route=\"/metrics\",status=\"200\"}", 30);
            assertEquals(1, scrapes.size(), "Prometheus's own scrapes are counted: " + scrapes);
        } finally {
            Files.deleteIfExists(target);
        }
    }

    /** Asks Prometheus until the query returns a series (it scrapes every second once it has read the target). */
    private static JsonNode query(HttpClient http, String prom, String q, int seconds) throws Exception {
        long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
        String last = "";
        while (System.nanoTime() < end) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(prom + "/api/v1/query?query="
                    + URLEncoder.encode(q, StandardCharsets.UTF_8))).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            last = r.body();
            if (r.statusCode() == 200) {
                JsonNode result = JSON.readTree(r.body()).path("data").path("result");
                if (result.isArray() && !result.isEmpty()) return result;
            }
            Thread.sleep(500);
        }
        fail("Prometheus has no series for " + q + " after " + seconds + " s; last answer: " + last);
        return null;
    }
}
