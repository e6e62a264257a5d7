package dev.reckon.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import dev.reckon.app.Channels;
import dev.reckon.app.Records;
import dev.reckon.cli.Cli;
import dev.reckon.core.Json;
import dev.reckon.model.AuditEntry;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** reckon's MCP server as an agent meets it, through the SDK's own client over streamable HTTP. */
class McpToolsTest {
    @TempDir
    Path home;
    McpHarness h;

    @BeforeEach
    void setUp() throws Exception {
        h = new McpHarness(home);
    }

    @AfterEach
    void tearDown() throws Exception {
        h.close();
    }

    static final Set<String> TOOLS = Set.of("jobs", "job", "review", "owners", "exits", "predict", "whatif",
            "rightsize", "optimise_baseline", "optimise_plan", "optimise_status", "optimise_report", "charter_draft",
            "charter_check", "metric", "reclaim", "hold", "exits_enforce", "optimise_submit", "place");

    static McpSchema.CallToolResult call(McpSyncClient c, String tool, Map<String, Object> args) {
        return c.callTool(new McpSchema.CallToolRequest(tool, args));
    }

    static String text(McpSchema.CallToolResult r) {
        return ((McpSchema.TextContent) r.content().get(0)).text();
    }

    static JsonNode tree(String json) throws Exception {
        return Json.mapper().readTree(json);
    }

    static JsonNode structured(McpSchema.CallToolResult r) {
        return Json.mapper().valueToTree(r.structuredContent());
    }

    @Test
    void everyToolIsListedWithSchemasForItsInputAndItsOutput() throws Exception {
        McpSyncClient c = h.client(h.serve(h.settings(false, null)));
        List<McpSchema.Tool> tools = c.listTools().tools();
        assertEquals(new TreeSet<>(TOOLS), tools.stream().map(McpSchema.Tool::name).collect(Collectors.toCollection(TreeSet::new)));
        for (McpSchema.Tool t : tools) {
            assertEquals("object", t.inputSchema().get("type"), t.name());
            assertNotNull(t.outputSchema(), t.name() + " has an output schema");
            assertFalse(t.description().isBlank(), t.name());
        }
        assertEquals("reckon", c.getServerInfo().name());
    }

    @Test
    void reckonServeCarriesTheMcpServerAtSlashMcp() throws Exception {
        McpSyncClient c = h.client(h.serveInsideReckonServe(h.settings(false, null)));
        assertEquals(new TreeSet<>(TOOLS), c.listTools().tools().stream().map(McpSchema.Tool::name)
                .collect(Collectors.toCollection(TreeSet::new)));
        McpSchema.CallToolResult review = call(c, "review", Map.of("since", "2026-11-02"));
        assertEquals(tree(h.cli().run("review", "--since", "2026-11-02", "--json").out()), tree(text(review)));
        McpSchema.CallToolResult refused = call(c, "reclaim", Map.of());
        assertTrue(Boolean.TRUE.equals(refused.isError()), text(refused));
    }

    @Test
    void jobsReviewAndOwnersAnswerWhatTheCommandLinesJsonPrints() throws Exception {
        McpSyncClient c = h.client(h.serve(h.settings(false, null)));
        Cli cli = h.cli();

        McpSchema.CallToolResult jobs = call(c, "jobs", Map.of("user", "bob", "limit", 50));
        assertFalse(Boolean.TRUE.equals(jobs.isError()), text(jobs));
        JsonNode viaCli = tree(cli.run("jobs", "--user", "bob", "--limit", "50", "--json").out());
        assertEquals(viaCli, tree(text(jobs)), "the text is the CLI's --json");
        assertEquals(viaCli, structured(jobs).get("jobs"), "the structured content holds the same array");
        assertTrue(viaCli.size() > 0);

        McpSchema.CallToolResult review = call(c, "review", Map.of("since", "2026-11-02"));
        JsonNode reviewCli = tree(cli.run("review", "--since", "2026-11-02", "--json").out());
        assertEquals(reviewCli, tree(text(review)));
        assertEquals(reviewCli, structured(review));

        McpSchema.CallToolResult owners = call(c, "owners", Map.of());
        assertEquals(tree(cli.run("owners", "--json").out()), structured(owners));

        McpSchema.CallToolResult job = call(c, "job", Map.of("job_id", "102"));
        assertEquals(tree(cli.run("job", "102", "--json").out()), structured(job));

        McpSchema.CallToolResult exits = call(c, "exits", Map.of("view", "calendar"));
        assertEquals(tree(cli.run("exits", "--calendar", "--json").out()), structured(exits).get("stops"));
    }

    @Test
    void predictWhatIfAndRightsizeAnswerWhatTheCommandLinesJsonPrints() throws Exception {
        McpSyncClient c = h.client(h.serve(h.settings(false, null)));
        Cli cli = h.cli();
        String squeue = Path.of(getClass().getResource("/sim/squeue-O.txt").toURI()).toString();
        String nodes = Path.of(getClass().getResource("/sim/scontrol-nodes-o.txt").toURI()).toString();

        McpSchema.CallToolResult predict = call(c, "predict", Map.of("time", "1h", "cpus", 2, "mem", "4G",
                "squeue_output", squeue, "nodes_output", nodes));
        assertFalse(Boolean.TRUE.equals(predict.isError()), text(predict));
        assertEquals(tree(cli.run("predict", "--time", "1h", "--cpus", "2", "--mem", "4G", "--squeue-output", squeue,
                "--nodes-output", nodes, "--json").out()), structured(predict));

        McpSchema.CallToolResult whatif = call(c, "whatif", Map.of("since", "2026-10-01", "machine", nodes));
        assertFalse(Boolean.TRUE.equals(whatif.isError()), text(whatif));
        assertEquals(tree(cli.run("whatif", "--since", "2026-10-01", "--machine", nodes, "--json").out()),
                structured(whatif));

        McpSchema.CallToolResult rightsize = call(c, "rightsize", Map.of("since", "2026-10-01", "by", "user"));
        assertEquals(tree(cli.run("rightsize", "--since", "2026-10-01", "--by", "user", "--json").out()),
                structured(rightsize));
    }

    @Test
    void anAgentRecordsAnEffortsMetricsAsReckonMetricDoes() throws Exception {
        McpSyncClient c = h.client(h.serve(h.settings(false, null)));
        McpSchema.CallToolResult r = call(c, "metric", Map.of("charter", "llm-ft", "values", Map.of("loss", 0.31),
                "job_id", "102", "cluster", "hpc"));
        assertFalse(Boolean.TRUE.equals(r.isError()), text(r));
        assertEquals(1, structured(r).get("count").asInt());
        JsonNode metrics = tree(h.cli().run("metrics", "llm-ft", "--json").out());
        assertTrue(metrics.toString().contains("\"loss\"") && metrics.toString().contains("0.31"), metrics.toString());

        McpSchema.CallToolResult typo = call(c, "metric", Map.of("charter", "llm-typo", "values", Map.of("loss", 1)));
        assertTrue(typo.isError(), text(typo));
    }

    @Test
    void badArgumentsAnswerAToolErrorThatSaysWhatIsWrong() throws Exception {
        McpSyncClient c = h.client(h.serve(h.settings(false, null)));
        McpSchema.CallToolResult r = call(c, "jobs", Map.of("since", "last tuesday-ish"));
        assertTrue(r.isError(), text(r));
        assertTrue(text(r).contains("since") && text(r).contains("is not a time"), text(r));

        r = call(c, "jobs", Map.of("usr", "bob"));
        assertTrue(r.isError());
        assertTrue(text(r).contains("unknown argument \"usr\"") && text(r).contains("user"), text(r));

        r = call(c, "job", Map.of("job_id", "99999"));
        assertTrue(r.isError());
        assertTrue(text(r).contains("no job 99999"), text(r));

        r = call(c, "predict", Map.of("cpus", 4));
        assertTrue(r.isError());
        assertTrue(text(r).contains("time"), text(r));

        r = call(c, "optimise_baseline", Map.of("campaign", home.resolve("missing.campaign.yaml").toString()));
        assertTrue(r.isError(), text(r));
        assertFalse(text(r).contains("Exception"), "no stack trace, no exception's name: " + text(r));

        // the server is still there
        assertFalse(Boolean.TRUE.equals(call(c, "jobs", Map.of("limit", 1)).isError()));
    }

    @Test
    void placeAnswersWhatTheCommandLinesJsonPrintsAndSubmitsOnlyWithAllowActions() throws Exception {
        Path kueue = Path.of(getClass().getResource("/place/kueue.json").toURI());
        Path providers = Files.createTempDirectory("reckon-mcp-place").resolve("providers.yaml");
        Files.writeString(providers, String.join("\n", "providers:",
                "  - {name: lab, kind: kueue, saved: " + kueue + ", queue: team-a/user-queue}",
                "  - name: burst", "    kind: cloud", "    startup: 4m", "    max_instances: 4",
                "    shapes: [{name: c16, cpus: 16, mem: 32G, price_per_hour: 0.68}]", ""));
        McpSyncClient c = h.client(h.serve(h.settings(false, null)));
        McpSchema.CallToolResult place = call(c, "place", Map.of("time", "1h", "cpus", 4, "gpus", 0,
                "providers", providers.toString(), "select", "cheapest"));
        assertFalse(Boolean.TRUE.equals(place.isError()), text(place));
        JsonNode viaCli = tree(h.cli().run("place", "--time", "1h", "--cpus", "4", "--gpus", "0", "--providers",
                providers.toString(), "--select", "cheapest", "--json").out());
        assertEquals(viaCli, structured(place));
        assertEquals("lab", viaCli.get("chosen").asText(), viaCli.toString());
        McpSchema.CallToolResult submit = call(c, "place", Map.of("time", "1h", "wrap", "true", "submit", true,
                "providers", providers.toString()));
        assertTrue(submit.isError());
        assertTrue(text(submit).contains("--allow-actions"), text(submit));
    }

    @Test
    void actionsAreRefusedWithoutAllowActions() throws Exception {
        McpSyncClient c = h.client(h.serve(h.settings(false, null)));
        for (String tool : List.of("reclaim", "hold", "exits_enforce")) {
            McpSchema.CallToolResult r = call(c, tool, Map.of("apply", true));
            assertTrue(r.isError(), tool);
            assertTrue(text(r).contains("refused") && text(r).contains("--allow-actions"), text(r));
        }
        McpSchema.CallToolResult submit = call(c, "optimise_submit", Map.of("campaign", "x.campaign.yaml", "apply", true));
        assertTrue(submit.isError());
        assertTrue(text(submit).contains("--allow-actions"), text(submit));
        McpSchema.CallToolResult draft = call(c, "charter_draft", Map.of("id", "x", "write", true));
        assertTrue(draft.isError());
        assertTrue(text(draft).contains("--allow-actions"), text(draft));
        assertTrue(audit().isEmpty(), "nothing audited: " + audit());
    }

    @Test
    void withAllowActionsAnActionIsADryRunUnlessTheCallSaysApply() throws Exception {
        McpSyncClient c = h.client(h.serve(h.settings(true, new Channels(null, "cat >/dev/null"))));
        McpSchema.CallToolResult plan = call(c, "reclaim", Map.of("since", "2026-11-02"));
        assertFalse(Boolean.TRUE.equals(plan.isError()), text(plan));
        assertTrue(structured(plan).get("dry_run").asBoolean());
        assertEquals(tree(h.cli().run("reclaim", "--since", "2026-11-02", "--json").out()), structured(plan).get("steps"));
        assertTrue(audit().isEmpty(), "a dry run does nothing: " + audit());
        assertTrue(structured(plan).get("steps").toString().contains("\"102\""), text(plan));

        McpSchema.CallToolResult hold = call(c, "hold", Map.of("since", "2026-11-02"));
        assertFalse(Boolean.TRUE.equals(hold.isError()), text(hold));
        assertTrue(structured(hold).get("dry_run").asBoolean());
        assertEquals(tree(h.cli().run("hold", "--since", "2026-11-02", "--json").out()), structured(hold).get("steps"));
        assertTrue(audit().isEmpty(), "a dry run does nothing: " + audit());

        McpSchema.CallToolResult enforce = call(c, "exits_enforce", Map.of());
        assertFalse(Boolean.TRUE.equals(enforce.isError()), text(enforce));
        assertTrue(structured(enforce).get("dry_run").asBoolean());
        assertEquals(tree(h.cli().run("exits", "enforce", "--json").out()), structured(enforce).get("steps"));
        assertTrue(audit().isEmpty(), "a dry run does nothing: " + audit());
    }

    @Test
    void anAppliedActionIsAuditedWithTheClientsName() throws Exception {
        McpSyncClient c = h.client(h.serve(h.settings(true, new Channels(null, "cat >/dev/null"))));
        McpSchema.CallToolResult done = call(c, "reclaim", Map.of("since", "2026-11-02", "apply", true));
        assertFalse(Boolean.TRUE.equals(done.isError()), text(done));
        assertFalse(structured(done).get("dry_run").asBoolean());
        List<AuditEntry> entries = audit();
        assertFalse(entries.isEmpty(), "the notices are audited");
        for (AuditEntry e : entries) {
            assertTrue(e.actor().contains(McpHarness.CLIENT), "the audit names the MCP client: " + e.actor());
        }
        assertTrue(entries.stream().anyMatch(e -> "102".equals(e.jobId())), entries.toString());
    }

    @Test
    void aCharterDraftIsCheckedAndWrittenOnlyWhenAsked() throws Exception {
        McpSyncClient c = h.client(h.serve(h.settings(true, null)));
        Map<String, Object> fields = Map.of("id", "asr", "purpose", "Train the speech model.", "owner", "carol",
                "budget_gpu_hours", "200", "budget_cpu_hours", "2000", "end", "2026-12-31",
                "success", List.of("wer <= 0.08"), "failure", List.of("wer > 0.2 after 100 gpu_hours"));
        McpSchema.CallToolResult draft = call(c, "charter_draft", fields);
        assertFalse(Boolean.TRUE.equals(draft.isError()), text(draft));
        JsonNode d = structured(draft);
        assertFalse(d.get("written").asBoolean());
        assertEquals(0, d.get("problems").size(), d.toString());
        assertTrue(d.get("yaml").asText().contains("id: asr"), d.toString());
        assertFalse(Files.exists(h.charters.resolve("asr.yaml")), "a draft writes nothing");

        McpSchema.CallToolResult clash = call(c, "charter_draft", Map.of("id", "llm-ft", "owner", "carol"));
        assertFalse(Boolean.TRUE.equals(clash.isError()), text(clash));
        assertFalse(structured(clash).get("written").asBoolean());
        assertTrue(structured(clash).get("problems").toString().contains("already exists"), text(clash));
        assertFalse(structured(clash).toString().contains("reckon-mcp-draft"), "no scratch path leaks: " + text(clash));

        java.util.Map<String, Object> write = new java.util.HashMap<>(fields);
        write.put("write", true);
        McpSchema.CallToolResult written = call(c, "charter_draft", write);
        assertTrue(structured(written).get("written").asBoolean(), text(written));
        assertTrue(Files.exists(h.charters.resolve("asr.yaml")));

        McpSchema.CallToolResult check = call(c, "charter_check", Map.of());
        assertEquals(2, structured(check).get("valid").asInt(), text(check));
    }

    @Test
    void theChartersTheLatestReviewAndTheCalendarAreResources() throws Exception {
        McpSyncClient c = h.client(h.serve(h.settings(false, null)));
        List<String> uris = c.listResources().resources().stream().map(McpSchema.Resource::uri).toList();
        assertTrue(uris.containsAll(List.of("reckon://charters/llm-ft", "reckon://review/latest",
                "reckon://exits/calendar")), uris.toString());
        McpSchema.TextResourceContents charter = (McpSchema.TextResourceContents) c.readResource(
                new McpSchema.ReadResourceRequest("reckon://charters/llm-ft")).contents().get(0);
        assertEquals(tree(h.cli().run("charter", "show", "llm-ft", "--json").out()), tree(charter.text()));
        McpSchema.TextResourceContents review = (McpSchema.TextResourceContents) c.readResource(
                new McpSchema.ReadResourceRequest("reckon://review/latest")).contents().get(0);
        assertEquals("application/json", review.mimeType());
        assertTrue(tree(review.text()).has("kill_list"), review.text());
        McpSchema.TextResourceContents ics = (McpSchema.TextResourceContents) c.readResource(
                new McpSchema.ReadResourceRequest("reckon://exits/calendar")).contents().get(0);
        assertEquals("text/calendar", ics.mimeType());
        assertTrue(ics.text().startsWith("BEGIN:VCALENDAR"), ics.text());
    }

    @Test
    void threePromptsGuideAnAgentThroughReviewOptimisationAndChartering() throws Exception {
        McpSyncClient c = h.client(h.serve(h.settings(false, null)));
        assertEquals(Set.of("review_cluster", "plan_optimisation_campaign", "draft_charter"),
                c.listPrompts().prompts().stream().map(McpSchema.Prompt::name).collect(Collectors.toSet()));
        McpSchema.GetPromptResult p = c.getPrompt(new McpSchema.GetPromptRequest("plan_optimisation_campaign",
                Map.of("campaign", "asr.campaign.yaml")));
        String text = ((McpSchema.TextContent) p.messages().get(0).content()).text();
        assertTrue(text.contains("optimise_baseline") && text.contains("asr.campaign.yaml"), text);
        McpSchema.GetPromptResult d = c.getPrompt(new McpSchema.GetPromptRequest("draft_charter",
                Map.of("effort", "speech recognition for the call centre")));
        assertTrue(((McpSchema.TextContent) d.messages().get(0).content()).text().contains("charter_draft"));
    }

    private List<AuditEntry> audit() {
        return new Records(h.context()).audit(new Records.AuditRequest(null, null, null)).entries();
    }
}
