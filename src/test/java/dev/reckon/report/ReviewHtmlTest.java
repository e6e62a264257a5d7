package dev.reckon.report;

import dev.reckon.review.Review.CharterUse;
import dev.reckon.review.Review.JobClass;
import dev.reckon.review.Review.JobVerdict;
import dev.reckon.review.Review.Kill;
import dev.reckon.review.Review.Result;
import dev.reckon.review.Review.Share;
import dev.reckon.review.Review.Signature;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReviewHtmlTest {
    static final Instant NOW = Instant.parse("2026-11-04T12:00:00Z");
    static final Instant SINCE = Instant.parse("2026-11-02T00:00:00Z");
    static final String EVIL = "<script>alert('x')</script>&";

    /** Three days; defended and habitual GPU work on Monday, an orphaned CPU job on Tuesday, one running now. */
    static Result result() {
        List<JobVerdict> jobs = List.of(
                new JobVerdict("1", "c", "alice", "ft_1", JobClass.DEFENDED, "llm-ft", "charter llm-ft (alice)", 8, 2, 16,
                        "COMPLETED", Instant.parse("2026-11-02T09:00:00Z"), Instant.parse("2026-11-02T11:00:00Z")),
                new JobVerdict("2", "c", "bob", "eval_1", JobClass.HABITUAL, "done", "charter done withdrawn", 4, 1, 8,
                        "COMPLETED", Instant.parse("2026-11-02T10:00:00Z"), Instant.parse("2026-11-02T11:00:00Z")),
                new JobVerdict("3", "c", "carol", EVIL, JobClass.ORPHANED, null, "no charter claims it", 16, 0, 8,
                        "COMPLETED", Instant.parse("2026-11-03T10:00:00Z"), Instant.parse("2026-11-03T12:00:00Z")),
                new JobVerdict("4", "c", "carol", EVIL, JobClass.ORPHANED, null, "no charter claims it", 3, 0, 2,
                        "RUNNING", Instant.parse("2026-11-04T09:00:00Z"), null));
        List<Share> shares = List.of(new Share(JobClass.DEFENDED, 1, 8, 2, 16, 8 / 31.0, 2 / 3.0, 16 / 34.0),
                new Share(JobClass.HABITUAL, 1, 4, 1, 8, 4 / 31.0, 1 / 3.0, 8 / 34.0),
                new Share(JobClass.ORPHANED, 2, 19, 0, 10, 19 / 31.0, 0, 10 / 34.0));
        List<CharterUse> charters = List.of(
                new CharterUse("llm-ft", "alice", "active", null, null, 1, 1, 10, 4, null, 2, 8, 16, 0.2, 2.0, null),
                new CharterUse("done", "bob", "withdrawn", null, null, 1, 0, 0, 100, null, 1, 4, 8, null, 0.04, null));
        List<Kill> kills = List.of(new Kill("4", "c", "carol", EVIL, "RUNNING", JobClass.ORPHANED, "no charter claims it",
                Instant.parse("2026-11-04T08:50:00Z"), 3 * 3600L + 600, 4, 0, 8L << 30));
        List<Signature> sigs = List.of(new Signature("carol", "<script>alert('x')</script>&", 2, 0, 2, 19, 0, 10),
                new Signature("bob", "eval_#", 1, 1, 0, 4, 1, 8));
        return new Result(NOW, SINCE, null, jobs, shares, charters, kills, sigs);
    }

    static Document parse(String page) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", false);
        f.setExpandEntityReferences(false);
        return f.newDocumentBuilder().parse(new ByteArrayInputStream(page.getBytes(StandardCharsets.UTF_8)));
    }

    static List<Element> elements(Document d, String tag) {
        NodeList l = d.getElementsByTagName(tag);
        List<Element> out = new ArrayList<>();
        for (int i = 0; i < l.getLength(); i++) out.add((Element) l.item(i));
        return out;
    }

    static Element byId(Document d, String tag, String id) {
        return elements(d, tag).stream().filter(e -> id.equals(e.getAttribute("id"))).findFirst().orElseThrow();
    }

    static long count(Element parent, String tag, String attr, String value) {
        NodeList l = parent.getElementsByTagName(tag);
        long n = 0;
        for (int i = 0; i < l.getLength(); i++) if (value.equals(((Element) l.item(i)).getAttribute(attr))) n++;
        return n;
    }

    @Test
    void thePageIsWellFormedAndStacksOneBarPerClassAndDayWithHours() throws Exception {
        Document d = parse(ReviewHtml.page(result(), ZoneOffset.UTC));
        Element cpu = byId(d, "svg", "chart-cpu");
        assertEquals(1, count(cpu, "rect", "data-class", "defended"), "Monday");
        assertEquals(1, count(cpu, "rect", "data-class", "habitual"), "Monday");
        assertEquals(2, count(cpu, "rect", "data-class", "orphaned"), "Tuesday and Wednesday");
        Element gpu = byId(d, "svg", "chart-gpu");
        assertEquals(2, gpu.getElementsByTagName("rect").getLength(), "only Monday had GPU-hours, in two classes");
        assertTrue(cpu.getTextContent().contains("CPU-hours") && cpu.getTextContent().contains("day (UTC"),
                "both axes are labelled");
    }

    @Test
    void eachCharterBudgetGetsABarAndOverBudgetIsMarked() throws Exception {
        Document d = parse(ReviewHtml.page(result(), ZoneOffset.UTC));
        Element c = byId(d, "svg", "chart-charters");
        assertEquals(4, count(c, "rect", "class", "use"), "llm-ft GPU and CPU, done GPU and CPU");
        assertEquals(2, count(c, "rect", "data-over", "true"),
                "llm-ft used 200% of its CPU-hours; done used GPU-hours it has no budget for");
        assertTrue(c.getTextContent().contains("8.0 / 4.0 CPU-h (200.0%)"), c.getTextContent());
        assertTrue(c.getTextContent().contains("1.0 / 0.0 GPU-h (no budget)"), c.getTextContent());
    }

    @Test
    void theKillListAndSignaturesAreTablesWithBars() throws Exception {
        Document d = parse(ReviewHtml.page(result(), ZoneOffset.UTC));
        Element kill = byId(d, "section", "kill-list");
        Element body = (Element) kill.getElementsByTagName("tbody").item(0);
        assertEquals(1, body.getElementsByTagName("tr").getLength(), "one running undefended job");
        assertEquals(1, count(kill, "svg", "class", "held"));
        Element sigs = byId(d, "section", "signatures");
        assertEquals(2, count(sigs, "svg", "class", "sig"));
        assertTrue(sigs.getTextContent().contains("eval_#"));
    }

    @Test
    void jobNamesAreEscapedAndThePageHasNoScriptAndLoadsNothing() throws Exception {
        String page = ReviewHtml.page(result(), ZoneOffset.UTC);
        assertFalse(page.contains("<script"), "a job name cannot inject markup");
        assertTrue(page.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;"));
        assertFalse(page.toLowerCase().contains("http"), "no external URL");
        assertFalse(page.contains(" src="), "nothing is loaded");
        Document d = parse(page);
        assertTrue(byId(d, "section", "kill-list").getTextContent().contains(EVIL), "the name reads as written");
    }

    @Test
    void anEmptyReviewStillMakesAPage() throws Exception {
        Result empty = new Result(NOW, SINCE, null, List.of(), List.of(), List.of(), List.of(), List.of());
        Document d = parse(ReviewHtml.page(empty, ZoneOffset.UTC));
        assertTrue(elements(d, "svg").isEmpty());
        assertTrue(d.getDocumentElement().getTextContent().contains("No job ran in the window."));
    }
}
