package dev.reckon.report;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The review page ({@code reckon review --html}) opened in a real headless Chromium: its charts are laid out with a
 * size, drawn in the class colours, the kill list shows its job, and a job name holding a script is shown, not run.
 */
class ReviewHtmlBrowserTest {
    @TempDir
    Path dir;

    /** The page, with a probe appended that measures what the browser laid out and writes it into the DOM. */
    private Path probed(String page) throws Exception {
        String probe = """
                <script>
                window.alert = function () { document.documentElement.setAttribute('data-alerted', 'yes'); };
                </script>""";
        String measure = """
                <script>
                (function () {
                  var out = [];
                  document.querySelectorAll('svg.chart').forEach(function (s) {
                    var r = s.getBoundingClientRect();
                    out.push(s.id + '=' + Math.round(r.width) + 'x' + Math.round(r.height) + ':'
                      + s.querySelectorAll('rect,path,polygon,line').length);
                  });
                  var kill = document.querySelectorAll('#kill-list tbody tr').length;
                  var pre = document.createElement('pre');
                  pre.id = 'probe';
                  pre.textContent = 'charts ' + out.join(' ') + ' ; kill-rows ' + kill + ' ; alerted '
                    + (document.documentElement.getAttribute('data-alerted') || 'no');
                  document.body.appendChild(pre);
                })();
                </script>""";
        String withProbe = page.replaceFirst("(?i)<head>", "<head>" + Matcher.quoteReplacement(probe))
                .replaceFirst("(?i)</body>", Matcher.quoteReplacement(measure) + "</body>");
        Path file = dir.resolve("review.html");
        Files.writeString(file, withProbe, StandardCharsets.UTF_8);
        return file;
    }

    @Test
    void theReviewPageRendersItsChartsAndKillListInARealBrowser() throws Exception {
        String page = ReviewHtml.page(ReviewHtmlTest.result(), ZoneOffset.UTC);
        Chromium chromium = Chromium.in(dir);
        String dom = chromium.dumpDom(probed(page));

        Matcher m = Pattern.compile("<pre id=\"probe\">([^<]*)</pre>").matcher(dom);
        assertTrue(m.find(), "the probe ran: " + dom.substring(Math.max(0, dom.length() - 2000)));
        String probe = m.group(1);
        Matcher chart = Pattern.compile("(chart-[\\w-]+)=(\\d+)x(\\d+):(\\d+)").matcher(probe);
        int charts = 0;
        while (chart.find()) {
            charts++;
            assertTrue(Integer.parseInt(chart.group(2)) > 200 && Integer.parseInt(chart.group(3)) > 80,
                    chart.group(1) + " is laid out with a size: " + probe);
            assertTrue(Integer.parseInt(chart.group(4)) > 0, chart.group(1) + " draws something: " + probe);
        }
        assertTrue(charts >= 2, "the class shares and the charters charts: " + probe);
        assertTrue(probe.contains("kill-rows 1"), probe);
        assertTrue(probe.contains("alerted no"), "a job name holding a script is shown, never run: " + probe);
        assertTrue(dom.contains("&lt;script&gt;alert('x')&lt;/script&gt;"), "the name is shown as text");

        // what a person sees: the class colours (defended, habitual, orphaned) are on screen
        BufferedImage shot = ImageIO.read(chromium.screenshot(dir.resolve("review.html"), 1200, 2400).toFile());
        int[] seen = new int[3];
        int[] colours = {0x0072B2, 0xE69F00, 0xCC79A7};
        for (int y = 0; y < shot.getHeight(); y++)
            for (int x = 0; x < shot.getWidth(); x++)
                for (int k = 0; k < 3; k++) if ((shot.getRGB(x, y) & 0xFFFFFF) == colours[k]) seen[k]++;
        for (int k = 0; k < 3; k++)
            assertTrue(seen[k] > 200, "class colour " + Integer.toHexString(colours[k]) + " drawn: " + seen[k] + " pixels");
        assertEquals(1200, shot.getWidth());
    }
}
