package dev.reckon.charter;

import dev.reckon.model.Charter;
import dev.reckon.core.InputError;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CharterFileTest {
    static final ZoneId UTC = ZoneOffset.UTC;

    static final String VALID = """
            # the example of docs/charters.md
            id: llm-ft
            title: LLM fine-tuning
            purpose: Fine-tune the 7B model on last quarter's support tickets.
            owner: alice
            members: [bob, carol]
            accounts: [nlp]
            match:
              wckeys: [llm-ft]
              accounts: [nlp-ft]
              jobs:
                - {user: bob, name: "ft-*"}
            budget:
              gpu_hours: 500
              cpu_hours: 4000
              mem_gb_hours: 20000
            window:
              start: 2024-03-01
              end: 2024-06-30
            success:
              - val_accuracy >= 0.92
            failure:
              - loss > 2.5 after 50 gpu_hours
              - f1 < 0.3 after 10 days
            review_every: 14d
            status: active
            history:
              - {date: 2024-03-01, status: active, note: approved at the group meeting}
            """;

    static List<InputError> errors(String text) {
        return CharterFile.parse("llm-ft.yaml", text, UTC).errors();
    }

    static InputError only(String text, String field) {
        List<InputError> es = errors(text).stream().filter(e -> field.equals(e.field())).toList();
        assertEquals(1, es.size(), () -> "errors for " + field + ": " + errors(text));
        return es.get(0);
    }

    @Test
    void aCharterNamesTheClustersItCoversAndKeepsThemThroughItsFileText() {
        Charter every = CharterFile.parse("llm-ft.yaml", VALID, UTC).orThrow();
        assertEquals(List.of(), every.clusters(), "absent: every cluster");
        assertTrue(every.covers("anything"));
        Charter some = CharterFile.parse("llm-ft.yaml", VALID.replace("accounts: [nlp]\n",
                "accounts: [nlp]\nclusters: [reckon, annex]\n"), UTC).orThrow();
        assertEquals(List.of("reckon", "annex"), some.clusters());
        assertTrue(some.covers("annex"));
        assertTrue(!some.covers("elsewhere"));
        assertEquals(some, CharterFile.parse("llm-ft.yaml", CharterFile.write(some, UTC), UTC).orThrow());
    }

    @Test
    void aClusterNamedTwiceOrNotAClusterNameIsRefusedAtItsLine() {
        InputError twice = only(VALID.replace("accounts: [nlp]\n", "accounts: [nlp]\nclusters: [annex, annex]\n"),
                "clusters");
        assertEquals(8, twice.line());
        assertTrue(twice.problem().contains("named twice"), twice.problem());
        InputError bad = only(VALID.replace("accounts: [nlp]\n", "accounts: [nlp]\nclusters: [\"-M all\"]\n"),
                "clusters");
        assertTrue(bad.problem().contains("not a cluster name"), bad.problem());
        InputError mapping = only(VALID.replace("accounts: [nlp]\n", "accounts: [nlp]\nclusters: {a: b}\n"),
                "clusters");
        assertTrue(mapping.problem().contains("list of names"), mapping.problem());
    }

    @Test
    void aValidCharterIsReadWhole() {
        Charter c = CharterFile.parse("llm-ft.yaml", VALID, UTC).orThrow();
        assertEquals("llm-ft", c.id());
        assertEquals("alice", c.owner());
        assertEquals(List.of("bob", "carol"), c.members());
        assertEquals(500.0, c.budget().gpuHours());
        assertEquals(20000.0, c.budget().memGbHours());
        assertEquals(Instant.parse("2024-03-01T00:00:00Z"), c.window().start());
        assertEquals(Instant.parse("2024-07-01T00:00:00Z"), c.window().end(), "an end date includes its day");
        assertEquals(Duration.ofDays(14), c.reviewEvery());
        assertEquals(Charter.Status.ACTIVE, c.status());
        assertEquals("f1 < 0.3 after 10 days", c.failure().get(1).toString());
        assertEquals("approved at the group meeting", c.history().get(0).note());
    }

    @Test
    void aCharterRoundTripsThroughItsFileText() {
        ZoneId zone = ZoneId.of("Europe/Stockholm");
        Charter c = CharterFile.parse("llm-ft.yaml", VALID, zone).orThrow();
        String text = CharterFile.write(c, zone);
        assertEquals(c, CharterFile.parse("llm-ft.yaml", text, zone).orThrow(), text);
    }

    @Test
    void eachMissingRequiredPartHasItsOwnMessageSayingWhyItMatters() {
        record Case(String key, String field, String why, long line) {}
        for (Case k : List.of(
                new Case("purpose", "purpose", "it is not a workload yet", 2),
                new Case("owner", "owner", "one person who answers", 2),
                new Case("success", "success", "how you will know it worked", 2),
                new Case("failure", "failure", "not working", 2),
                new Case("budget", "budget", "without a budget", 2))) {
            String text = drop(VALID, k.key());
            InputError e = only(text, k.field());
            assertTrue(e.problem().startsWith("missing"), e.getMessage());
            assertTrue(e.problem().contains(k.why()), e.getMessage());
            assertEquals(k.line(), e.line(), e.getMessage());
            assertEquals(1, errors(text).size(), () -> k.key() + ": " + errors(text));
        }
        InputError end = only(VALID.replace("  end: 2024-06-30\n", ""), "window.end");
        assertEquals(17, end.line(), "reported at window:");
        assertTrue(end.problem().contains("no end date runs forever"));
    }

    @Test
    void anEmptyValueIsMissingAtItsOwnLine() {
        InputError e = only(VALID.replace("purpose: Fine-tune the 7B model on last quarter's support tickets.", "purpose:"), "purpose");
        assertEquals(4, e.line());
        assertTrue(e.problem().contains("one sentence"));
    }

    @Test
    void twoOwnersAreRefusedAsAListOrInWords() {
        InputError list = only(VALID.replace("owner: alice", "owner: [alice, bob]"), "owner");
        assertEquals(5, list.line());
        assertTrue(list.problem().contains("exactly one owner"), list.getMessage());
        assertTrue(only(VALID.replace("owner: alice", "owner: alice and bob"), "owner").problem().contains("more than one person"));
        assertTrue(only(VALID.replace("owner: alice", "owner: alice, bob"), "owner").problem().contains("exactly one owner"));
    }

    @Test
    void aPurposeOfTwoSentencesOrOneWordIsRefused() {
        assertTrue(only(VALID.replace("support tickets.", "support tickets. Then evaluate it."), "purpose")
                .problem().contains("more than one sentence"));
        assertTrue(only(VALID.replace("purpose: Fine-tune the 7B model on last quarter's support tickets.", "purpose: research"), "purpose")
                .problem().contains("not a sentence"));
    }

    @Test
    void badConditionTextIsLocatedAtItsLine() {
        InputError e = only(VALID.replace("loss > 2.5 after 50 gpu_hours", "loss > 2.5 after 50 parsecs"), "failure");
        assertEquals(23, e.line());
        assertTrue(e.problem().contains("\"parsecs\" is not a unit"), e.getMessage());
        assertTrue(e.getMessage().startsWith("llm-ft.yaml:23: field failure: "), e.getMessage());
    }

    @Test
    void unknownKeysAreErrorsWithADidYouMean() {
        InputError top = only(VALID.replace("review_every:", "review_evry:"), "review_evry");
        assertEquals(25, top.line());
        assertTrue(top.problem().contains("did you mean review_every?"), top.getMessage());
        InputError nested = only(VALID.replace("gpu_hours: 500", "gpu_hour: 500"), "budget.gpu_hour");
        assertTrue(nested.problem().contains("did you mean gpu_hours?"), nested.getMessage());
        assertTrue(only(VALID.replace("title:", "zebra:"), "zebra").problem().startsWith("unknown key (known"));
    }

    @Test
    void theIdMustBeTheFileName() {
        List<InputError> es = CharterFile.parse("other.yaml", VALID, UTC).errors();
        assertEquals(1, es.size());
        assertEquals("id", es.get(0).field());
        assertTrue(es.get(0).problem().contains("rename the file to llm-ft.yaml"));
    }

    @Test
    void badValuesAreLocated() {
        assertEquals(14, only(VALID.replace("gpu_hours: 500", "gpu_hours: lots"), "budget.gpu_hours").line());
        assertEquals(19, only(VALID.replace("end: 2024-06-30", "end: June"), "window.end").line());
        assertTrue(only(VALID.replace("end: 2024-06-30", "end: 2024-02-01"), "window.end").problem().contains("not after"));
        assertEquals(25, only(VALID.replace("review_every: 14d", "review_every: fortnightly"), "review_every").line());
        assertTrue(only(VALID.replace("status: active", "status: done"), "status").problem().contains("succeeded"));
        assertTrue(only(VALID.replace("status: active\nhistory", "status: succeeded\nhistory"), "status").problem().contains("history"));
    }

    @Test
    void notYamlIsLocatedAndAnEmptyFileSaysWhatACharterNeeds() {
        InputError e = errors("id: a\npurpose: [unclosed\n").get(0);
        assertTrue(e.problem().startsWith("not valid YAML"), e.getMessage());
        assertTrue(e.line() >= 2);
        assertTrue(errors("").get(0).problem().contains("needs at least"));
        assertTrue(errors("- a list\n").get(0).problem().contains("mapping"));
    }

    @Test
    void optionalPartsTakeTheirDefaults() {
        String text = drop(drop(drop(drop(drop(drop(drop(VALID, "title"), "members"), "accounts"), "match"), "review_every"), "status"), "history").replace("  mem_gb_hours: 20000\n", "");
        Charter c = CharterFile.parse("llm-ft.yaml", text, UTC).orThrow();
        assertEquals("llm-ft", c.title());
        assertEquals(Charter.Match.NONE, c.match());
        assertEquals(Charter.DEFAULT_REVIEW_EVERY, c.reviewEvery());
        assertEquals(Charter.Status.ACTIVE, c.status());
        assertNull(c.budget().memGbHours());
        assertNotNull(c.window().end());
    }

    @Test
    void reviewPeriodsTakeShortAndSlurmForms() {
        assertEquals(Duration.ofDays(14), CharterFile.parseDuration("14d"));
        assertEquals(Duration.ofDays(14), CharterFile.parseDuration("2w"));
        assertEquals(Duration.ofHours(36), CharterFile.parseDuration("36h"));
        assertEquals(Duration.ofDays(14), CharterFile.parseDuration("14-00:00:00"));
        assertNull(CharterFile.parseDuration("soon"));
    }

    /** The text without a top-level key and its indented lines. */
    static String drop(String text, String key) {
        StringBuilder b = new StringBuilder();
        boolean dropping = false;
        for (String l : text.split("\n")) {
            if (l.startsWith(key + ":")) {
                dropping = true;
                continue;
            }
            if (dropping && (l.startsWith(" ") || l.startsWith("-"))) continue;
            dropping = false;
            b.append(l).append('\n');
        }
        return b.toString();
    }
}
