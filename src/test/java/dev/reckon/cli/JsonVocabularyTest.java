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
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every {@code --json} speaks the one vocabulary of {@code docs/json.md}: the commands run on one ledger, and each
 * key they print is in the document; budgets, used hours and fractions, windows and instants have the same shape in
 * all of them; the same charter's budget reads the same in {@code charter show}, {@code review} and {@code exits}.
 */
class JsonVocabularyTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final ZoneId ZONE = ZoneId.of("Europe/Stockholm");
    static final Set<String> HOURS = Set.of("gpu_hours", "cpu_hours", "mem_gb_hours");
    static final Pattern UTC = Pattern.compile("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z");

    @TempDir
    Path home;
    Path charters;
    Cli cli;
    final Map<String, JsonNode> outputs = new LinkedHashMap<>();

    @BeforeEach
    void setUp() throws IOException, URISyntaxException {
        cli = new Cli(home);
        cli.env.put("RECKON_NOW", "2026-11-04T12:00:00Z");
        cli.env.put("RECKON_TZ", ZONE.getId());
        charters = home.resolve("charters");
        Files.createDirectories(charters);
        cli.env.put("RECKON_CHARTERS", charters.toString());
        Files.writeString(charters.resolve("llm-ft.yaml"), String.join("\n",
                "id: llm-ft",
                "purpose: Fine-tune the 7B model on support tickets.",
                "owner: alice",
                "budget: {gpu_hours: 100, cpu_hours: 1000}",
                "window: {start: 2026-10-01, end: 2026-12-31}",
                "success: val_accuracy >= 0.92",
                "failure: loss > 2.5 after 50 gpu_hours",
                ""));
        Files.writeString(charters.resolve("small.yaml"), String.join("\n",
                "id: small",
                "purpose: A small evaluation with a tiny GPU budget.",
                "owner: bob",
                "budget: {gpu_hours: 0.01}",
                "window: {end: 2026-11-29}",
                "success: acc >= 0.9",
                "failure: acc < 0.5",
                ""));
        Path fixture = Path.of(getClass().getResource("/sacct/review-charters.txt").toURI());
        run("ingest", "ingest", "sacct", fixture.toString(), "--json");
        run("metric", "metric", "llm-ft", "loss=0.5");
        run("jobs", "jobs", "--json");
        run("job", "job", "101", "--json");
        run("review", "review", "--since", "2026-11-02", "--json");
        run("owners", "owners", "--since", "2026-10-01", "--json");
        run("exits", "exits", "--json");
        run("calendar", "exits", "--calendar", "--json");
        run("enforce", "exits", "enforce", "--json");
        run("charter list", "charter", "list", "--json");
        run("charter show", "charter", "show", "llm-ft", "--json");
        run("metrics", "metrics", "llm-ft", "--json");
        run("audit", "audit", "--json");
        run("rightsize", "rightsize", "--since", "2026-10-01", "--json");
        Path trace = home.resolve("t.swf");
        Files.writeString(trace, SimulateCommandTest.TRACE);
        run("simulate", "simulate", "--trace", trace.toString(), "--json");
        run("whatif", "whatif", "--trace", trace.toString(), "--undefended-users", "u2", "--json");
        Path providers = home.resolve("providers.yaml");
        Files.writeString(providers, String.join("\n", "providers:",
                "  - {name: lab, kind: kueue, saved: " + Path.of(getClass().getResource("/place/kueue.json").toURI())
                        + ", queue: team-a/user-queue}",
                "  - {name: burst, kind: cloud, startup: 4m, max_instances: 4, shapes: [{name: c16, cpus: 16, mem: 32G, "
                        + "price_per_hour: 0.68}]}", ""));
        run("place", "place", "--time", "1h", "--cpus", "4", "--providers", providers.toString(), "--wrap", "true",
                "--submit", "--json");
        run("study", "study", "--workload", "synthetic:50", "--json");
    }

    private void run(String name, String... args) throws IOException {
        Cli.Result r = cli.run(args);
        assertEquals(0, r.exit(), name + ": " + r);
        if (List.of(args).contains("--json")) outputs.put(name, JSON.readTree(r.out()));
    }

    /** Every key at every depth, with its value, and the key of the object it sits in. */
    private static void walk(JsonNode n, String parent, TriConsumer f) {
        if (n.isArray()) {
            for (JsonNode e : n) walk(e, parent, f);
        } else if (n.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                f.accept(parent, e.getKey(), e.getValue());
                walk(e.getValue(), e.getKey(), f);
            }
        }
    }

    interface TriConsumer {
        void accept(String parent, String key, JsonNode value);
    }

    @Test
    void everyKeyThatACommandPrintsIsInTheVocabularyDocument() throws IOException {
        String doc = Files.readString(Path.of("docs/json.md"));
        int renamed = doc.indexOf("## Renamed in this version");
        assertTrue(renamed > 0, "docs/json.md lists the renamed keys last");
        Set<String> documented = new TreeSet<>();
        Matcher m = Pattern.compile("`([^`]+)`").matcher(doc.substring(0, renamed));
        while (m.find()) {
            for (String t : m.group(1).split("[^a-z0-9_]+")) if (!t.isEmpty()) documented.add(t);
        }
        Map<String, Set<String>> missing = new LinkedHashMap<>();
        outputs.forEach((cmd, root) -> walk(root, "", (p, k, v) -> {
            if (!documented.contains(k)) missing.computeIfAbsent(k, x -> new TreeSet<>()).add(cmd);
        }));
        assertTrue(missing.isEmpty(), "keys printed but not in docs/json.md (key=[commands]): " + missing);
        assertEquals(17, outputs.size(), outputs.keySet().toString());
    }

    @Test
    void budgetsUsedLeftAndFractionsAreTheSameObjectEverywhere() {
        List<String> seen = new ArrayList<>();
        outputs.forEach((cmd, root) -> walk(root, "", (p, k, v) -> {
            if (!Set.of("budget", "used", "left", "used_fraction").contains(k)) return;
            assertTrue(v.isObject(), cmd + ": " + k + " is an object of hours, not " + v);
            Set<String> keys = new TreeSet<>();
            v.fieldNames().forEachRemaining(keys::add);
            assertEquals(new TreeSet<>(HOURS), keys, cmd + ": " + k);
            for (String h : HOURS) assertTrue(v.get(h).isNull() || v.get(h).isNumber(), cmd + ": " + k + "." + h);
            if (k.equals("budget")) for (String h : HOURS)
                assertTrue(v.get(h).isNull() || v.get(h).asDouble() > 0, cmd + ": a budget grants a positive amount or is null: " + v);
            seen.add(cmd + ":" + k);
        }));
        for (String s : List.of("charter show:budget", "charter list:budget", "review:budget", "review:used",
                "review:used_fraction", "exits:budget", "exits:used", "exits:left", "exits:used_fraction"))
            assertTrue(seen.contains(s), s + " in " + seen);

        JsonNode shown = outputs.get("charter show").get("budget");
        JsonNode reviewed = charter(outputs.get("review").get("charters"), "charter", "llm-ft").get("budget");
        JsonNode evaluated = charter(outputs.get("exits"), "charter", "llm-ft").get("budget");
        assertEquals(shown, reviewed, "the same budget in charter show and review");
        assertEquals(shown, evaluated, "the same budget in charter show and exits");
        assertEquals(100, shown.get("gpu_hours").asDouble());
        assertTrue(shown.get("mem_gb_hours").isNull(), "a resource not granted is null, not 0: " + shown);

        JsonNode small = charter(outputs.get("review").get("charters"), "charter", "small");
        assertEquals(0.01, small.get("budget").get("gpu_hours").asDouble(), 1e-12, "a 0.01 budget stays 0.01");
        assertTrue(small.get("budget").get("cpu_hours").isNull(), small.toString());

        JsonNode llm = charter(outputs.get("review").get("charters"), "charter", "llm-ft");
        assertEquals(llm.get("used").get("gpu_hours").asDouble() / 100, llm.get("used_fraction").get("gpu_hours").asDouble(),
                1e-9, "used_fraction is used / budget, 1 = the whole budget");
    }

    @Test
    void windowsAreFromUntilWithUntilExclusive() {
        List<String> seen = new ArrayList<>();
        outputs.forEach((cmd, root) -> walk(root, "", (p, k, v) -> {
            if (!k.equals("window")) return;
            assertTrue(v.isObject() && v.has("from") && v.has("until"), cmd + ": window is {from, until}: " + v);
            Instant from = instant(cmd, "from", v.get("from"));
            Instant until = instant(cmd, "until", v.get("until"));
            if (from != null && until != null) assertFalse(until.isBefore(from), cmd + ": " + v);
            seen.add(cmd);
        }));
        for (String s : List.of("review", "owners", "exits", "charter show", "charter list", "rightsize"))
            assertTrue(seen.contains(s), s + " in " + seen);
        JsonNode w = charter(outputs.get("charter list"), "id", "small").get("window");
        assertEquals("2026-11-29", w.get("end").asText(), "the window's last day, as the file writes it");
        assertEquals(LocalDate.of(2026, 11, 30).atStartOfDay(ZONE).toInstant(), Instant.parse(w.get("until").asText()),
                "until is exclusive: the start of the day after the last");
        assertEquals(w.get("until"), charter(outputs.get("exits"), "charter", "small").get("window").get("until"));
        assertEquals(w.get("until"), charter(outputs.get("review").get("charters"), "charter", "small").get("window").get("until"));
        assertEquals("2026-11-01T23:00:00Z", outputs.get("review").get("window").get("from").asText(),
                "review's --since 2026-11-02 is midnight in the display zone, written in UTC");
    }

    @Test
    void instantsAreUtcAndDurationsAreSeconds() {
        List<String> instants = new ArrayList<>();
        outputs.forEach((cmd, root) -> walk(root, "", (p, k, v) -> {
            if (k.endsWith("_at") || k.equals("now") || k.equals("at")) {
                instant(cmd, k, v);
                instants.add(cmd + ":" + k);
            }
            if (k.endsWith("_s")) assertTrue(v.isNull() || v.isNumber(), cmd + ": " + k + " is seconds: " + v);
            if (k.endsWith("_bytes")) assertTrue(v.isNull() || v.isIntegralNumber(), cmd + ": " + k + " is bytes: " + v);
            if (k.endsWith("_eff") || k.endsWith("_fraction") && !v.isObject())
                assertTrue(v.isNull() || v.asDouble() >= 0 && v.asDouble() <= 10, cmd + ": " + k + " is a fraction: " + v);
            assertFalse(Set.of("submit", "since", "inserted", "spent", "cancel_after", "window_end", "review_due",
                    "projected_exhaustion", "budget_gpu_hours", "gpu_used").contains(k), cmd + ": the old key " + k);
            if (k.equals("start") || k.equals("end"))
                assertEquals("window", p, cmd + ": " + k + " only as a charter file writes its window");
        }));
        for (String s : List.of("jobs:submit_at", "job:start_at", "review:now", "review:start_at", "exits:at",
                "exits:review_due_at", "metrics:at", "calendar:at"))
            assertTrue(instants.contains(s), s + " in " + instants);
        JsonNode job = outputs.get("job");
        assertEquals("2026-11-03T08:00:00Z", job.get("start_at").asText(),
                "10:00 in Stockholm is written in UTC, whatever the display zone");
    }

    @Test
    void countsUseTheWordsOfTheText() {
        JsonNode ingest = outputs.get("ingest");
        assertEquals(9, ingest.get("new").asLong(), "'new' as the text line says: " + ingest);
        for (String k : List.of("read", "updated", "unchanged")) assertNotNull(ingest.get(k), k);
        assertFalse(ingest.has("inserted"));
    }

    private static JsonNode charter(JsonNode array, String key, String id) {
        for (JsonNode c : array) if (c.get(key).asText().equals(id)) return c;
        throw new AssertionError("no " + id + " in " + array);
    }

    private static Instant instant(String cmd, String key, JsonNode v) {
        if (v == null || v.isNull()) return null;
        assertTrue(v.isTextual() && UTC.matcher(v.asText()).matches(), cmd + ": " + key + " is an ISO-8601 UTC instant: " + v);
        return Instant.parse(v.asText());
    }
}
