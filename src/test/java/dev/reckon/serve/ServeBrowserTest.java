package dev.reckon.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.reckon.report.Chromium;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code reckon serve}'s pages in a real headless Chromium, over HTTP: each renders with no console error (a CSP
 * violation or a failed load would be one), the jobs filter as its form submits it keeps only what it asks, and the
 * numbers on the pages are the JSON API's.
 */
class ServeBrowserTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path home;

    @Test
    void thePagesRenderInARealBrowserWithoutConsoleErrorsAndShowTheApisNumbers() throws Exception {
        Chromium chromium = Chromium.in(home);
        try (Served s = new Served(home).start(null, false, null)) {
            List<String> errors = new ArrayList<>();
            for (String page : List.of("/review?since=2026-11-02", "/exits", "/owners", "/jobs", "/jobs/121", "/whatif",
                    "/campaigns")) {
                Chromium.Loaded l = chromium.load(s.url(page), home);
                assertTrue(l.dom().contains("<nav class=\"reckon\">"), page + " rendered: " + l.dom());
                assertFalse(l.dom().contains("<title>reckon: Error"), page + " is no error page: " + l.dom());
                for (String c : l.console()) errors.add(page + ": " + c);
            }
            assertEquals(List.of(), errors, "console messages");

            // the review: its charts drawn, the kill list as long as the API's
            Chromium.Loaded review = chromium.load(s.url("/review?since=2026-11-02"), home);
            JsonNode api = JSON.readTree(s.get("/api/review?since=2026-11-02").body());
            assertTrue(review.dom().contains("<svg") && review.dom().contains("class=\"chart\""), "charts");
            assertEquals(api.get("kill_list").size(), rows(review.dom(), "kill-list"), "the kill list's lines");

            // the jobs filter, as the form submits it (empty fields included)
            Chromium.Loaded carol = chromium.load(s.url("/jobs?user=carol&state=&since=&until=&charter=&name="
                    + "&partition=&limit="), home);
            JsonNode jobs = JSON.readTree(s.get("/api/jobs?user=carol").body());
            assertEquals(jobs.size(), rows(carol.dom(), "jobs"), carol.dom());
            Matcher users = Pattern.compile("<td>(alice|bob|carol)</td>").matcher(carol.dom());
            int seen = 0;
            while (users.find()) {
                assertEquals("carol", users.group(1), "only carol's jobs");
                seen++;
            }
            assertEquals(jobs.size(), seen);
            for (JsonNode j : jobs) assertTrue(carol.dom().contains(">" + j.get("job_id").asText() + "</a>"));
        }
    }

    /** The body rows of the table in the section with this id. */
    private static int rows(String dom, String section) {
        int at = dom.indexOf("<section id=\"" + section + "\"");
        assertTrue(at >= 0, "a section " + section);
        int end = dom.indexOf("</section>", at);
        String part = dom.substring(at, end);
        int tbody = part.indexOf("<tbody>");
        if (tbody < 0) return 0;
        return part.substring(tbody).split("<tr", -1).length - 1;
    }
}
