package dev.reckon.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import dev.reckon.core.Json;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.spec.McpSchema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code reckon mcp} as an agent client starts it: a process speaking MCP on its standard input and output. */
class McpStdioTest {
    @TempDir
    Path home;

    static List<String> command() {
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        return List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", cp,
                "dev.reckon.cli.Main", "mcp");
    }

    @Test
    void anAgentStartsReckonMcpListsItsToolsAndCallsThem() throws Exception {
        McpHarness h = new McpHarness(home);
        List<String> cmd = command();
        ServerParameters params = ServerParameters.builder(cmd.get(0)).args(cmd.subList(1, cmd.size())).env(h.env).build();
        McpSyncClient c = McpClient.sync(new StdioClientTransport(params, McpJsonDefaults.getMapper()))
                .clientInfo(new McpSchema.Implementation(McpHarness.CLIENT, "1.0"))
                .requestTimeout(Duration.ofMinutes(2)).initializationTimeout(Duration.ofMinutes(2)).build();
        try {
            c.initialize();
            assertEquals(McpToolsTest.TOOLS.size(), c.listTools().tools().size());
            McpSchema.CallToolResult review = c.callTool(new McpSchema.CallToolRequest("review", Map.of("since", "2026-11-02")));
            assertFalse(Boolean.TRUE.equals(review.isError()), McpToolsTest.text(review));
            assertEquals(Json.mapper().readTree(h.cli().run("review", "--since", "2026-11-02", "--json").out()),
                    Json.mapper().valueToTree(review.structuredContent()));
            McpSchema.CallToolResult refused = c.callTool(new McpSchema.CallToolRequest("optimise_submit",
                    Map.of("campaign", "x.campaign.yaml")));
            assertTrue(refused.isError());
        } finally {
            c.closeGracefully();
        }
    }

    @Test
    void standardOutputCarriesTheProtocolOnlyAndMessagesGoToStandardError() throws Exception {
        McpHarness h = new McpHarness(home);
        ProcessBuilder pb = new ProcessBuilder(command());
        pb.environment().putAll(h.env);
        Process p = pb.start();
        List<String> out = new ArrayList<>();
        BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        try (OutputStream in = p.getOutputStream()) {
            in.write(("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
                    + "\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"raw\",\"version\":\"1\"}}}\n")
                    .getBytes(StandardCharsets.UTF_8));
            in.flush();
            out.add(r.readLine());
            in.write(("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}\n"
                    + "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":\"jobs\","
                    + "\"arguments\":{\"since\":\"not a time\"}}}\n").getBytes(StandardCharsets.UTF_8));
            in.flush();
            out.add(r.readLine());
        }
        assertTrue(p.waitFor(2, TimeUnit.MINUTES), "reckon mcp ends when its input does");
        StringBuilder rest = new StringBuilder();
        for (String line; (line = r.readLine()) != null; ) rest.append(line).append('\n');
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), err);
        assertTrue(rest.toString().isBlank(), "nothing after the responses: " + rest);
        for (String line : out) {
            JsonNode m = Json.mapper().readTree(line);
            assertEquals("2.0", m.get("jsonrpc").asText(), line);
        }
        JsonNode bad = Json.mapper().readTree(out.get(1));
        assertTrue(bad.get("result").get("isError").asBoolean(), out.get(1));
        assertTrue(err.contains("reckon mcp: serving"), err);
    }
}
