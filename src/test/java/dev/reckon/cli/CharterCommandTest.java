package dev.reckon.cli;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CharterCommandTest {
    @TempDir
    Path home;
    Path charters;
    Cli cli;

    static final String[] NEW = {"charter", "new", "--id", "llm-ft", "--purpose", "Fine-tune the 7B model on support tickets.",
            "--owner", "alice", "--budget-gpu-hours", "500", "--budget-cpu-hours", "4000", "--end", "2030-06-30",
            "--success", "val_accuracy >= 0.92", "--failure", "loss > 2.5 after 50 gpu_hours", "--account", "nlp",
            "--match-jobs", "alice:ft-*"};

    @BeforeEach
    void setUp() {
        cli = new Cli(home);
        charters = home.resolve("charters");
        cli.env.put("RECKON_CHARTERS", charters.toString());
        cli.env.put("RECKON_NOW", "2026-01-05T10:00:00Z");
    }

    @Test
    void newWritesAFileThatCheckAcceptsAndRefusesToOverwrite() throws IOException {
        Cli.Result r = cli.run(NEW);
        assertEquals(0, r.exit(), r.toString());
        Path file = charters.resolve("llm-ft.yaml");
        String text = Files.readString(file);
        assertTrue(text.contains("start: 2026-01-05"), text);
        Cli.Result check = cli.run("charter", "check");
        assertEquals(0, check.exit(), check.toString());
        assertEquals("", check.err());
        Cli.Result again = cli.run(NEW);
        assertEquals(65, again.exit(), again.toString());
        assertTrue(again.err().contains("already exists"), again.toString());
        assertEquals(text, Files.readString(file));
    }

    @Test
    void newWithoutTheRequiredPartsSaysWhichOptionAndWhy() {
        Cli.Result r = cli.run("charter", "new", "--id", "x", "--owner", "alice,bob");
        assertEquals(65, r.exit(), r.toString());
        assertTrue(r.err().contains("--purpose: missing"), r.err());
        assertTrue(r.err().contains("it is not a workload yet"), r.err());
        assertTrue(r.err().contains("--owner: "), r.err());
        assertTrue(r.err().contains("--end: missing"), r.err());
        assertTrue(r.err().contains("--success: missing"), r.err());
        assertTrue(r.err().contains("--failure: missing"), r.err());
        assertFalse(Files.exists(charters.resolve("x.yaml")));
    }

    @Test
    void newAsksForEachMissingFieldAndAsksAgainAfterAProblem() throws IOException {
        // id, title, purpose, owner, members, accounts, match wckeys, accounts, jobs, GPU- and CPU-hours, start, end,
        // success, failure, review_every, on_exit; then success again
        cli.stdin = String.join("\n", "demo", "", "Train the demo model on the toy set.", "bob", "", "", "", "", "",
                "10", "100", "", "2030-01-31", "acc >= high", "loss > 3 after 5 gpu_hours", "", "", "acc >= 0.9", "")
                .getBytes(StandardCharsets.UTF_8);
        Cli.Result r = cli.run("charter", "new", "--ask");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("purpose — one sentence"), r.out());
        assertTrue(r.out().contains("\"high\" is not a number"), r.out());
        assertEquals(0, cli.run("charter", "check").exit());
        assertTrue(Files.readString(charters.resolve("demo.yaml")).contains("acc >= 0.9"));
    }

    @Test
    void askAlsoAsksForTheMatchRulesTheStartAndWhatHappensAtTheExit() throws IOException {
        // issue 12 item 12: --ask asked neither the match rules nor the start date nor on_exit
        cli.stdin = String.join("\n", "asr", "", "Train the speech model on the new corpus.", "bob", "carol", "",
                "asr-key", "speech", "carol:asr-*,bob:prep-?", "10", "100", "2026-02-01", "2030-01-31",
                "wer <= 0.1", "wer > 0.5 after 5 gpu_hours", "", "hold", "").getBytes(StandardCharsets.UTF_8);
        Cli.Result r = cli.run("charter", "new", "--ask");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("match.jobs — user:glob pairs"), r.out());
        assertTrue(r.out().contains("window.start — the day it starts"), r.out());
        assertTrue(r.out().contains("on_exit — what happens when an exit falls due"), r.out());
        String text = Files.readString(charters.resolve("asr.yaml"));
        assertTrue(text.contains("wckeys: [asr-key]"), text);
        assertTrue(text.contains("accounts: [speech]"), text);
        assertTrue(text.contains("- {user: carol, name: \"asr-*\"}") && text.contains("- {user: bob, name: \"prep-?\"}"), text);
        assertTrue(text.contains("start: 2026-02-01"), text);
        assertTrue(text.contains("on_exit: hold"), text);
        assertEquals(0, cli.run("charter", "check").exit());
    }

    @Test
    void anEndInThePastIsRefusedUnlessForced() throws IOException {
        // issue 12 item 12: it wrote an active charter that was over the moment it was written
        String[] past = NEW.clone();
        for (int i = 0; i < past.length; i++) if (past[i].equals("2030-06-30")) past[i] = "2026-01-04";
        Cli.Result r = cli.run(past);
        assertEquals(65, r.exit(), r.toString());
        assertTrue(r.err().contains("--end: \"2026-01-04\" is in the past (today is 2026-01-05)"), r.err());
        assertTrue(r.err().contains("--force"), r.err());
        assertFalse(Files.exists(charters.resolve("llm-ft.yaml")));
        String[] today = NEW.clone();
        for (int i = 0; i < today.length; i++) if (today[i].equals("2030-06-30")) today[i] = "2026-01-05";
        assertEquals(0, cli.run(today).exit(), "an end of today runs through the end of the day");
        Files.delete(charters.resolve("llm-ft.yaml"));
        List<String> forced = new java.util.ArrayList<>(List.of(past));
        forced.addAll(List.of("--force", "--start", "2025-10-01"));
        Cli.Result f = cli.run(forced.toArray(String[]::new));
        assertEquals(0, f.exit(), f.toString());
    }

    @Test
    void aMembersJobBelongsOnlyWhenItNamesTheCharterOrAMatchRuleTakesIt() {
        // issue 12 item 12: members are who work under it (charter apply ties them to its QOS), not a claim on all
        // their jobs; as docs/charters.md says
        dev.reckon.model.Charter c = dev.reckon.charter.CharterFile.parse("x.yaml", """
                id: x
                purpose: Train the model on the new corpus.
                owner: alice
                members: [bob]
                match:
                  jobs:
                    - {user: bob, name: "ft-*"}
                budget: {gpu_hours: 10}
                window: {end: 2030-01-01}
                success: acc >= 0.9
                failure: loss > 3 after 5 gpu_hours
                """, java.time.ZoneOffset.UTC).charter();
        assertFalse(c.matches(job("bob", "other", null)), "a member's unrelated job is his own");
        assertTrue(c.matches(job("bob", "other", "charter=x")), "named with the comment");
        assertTrue(c.matches(job("bob", "ft-3", null)), "taken by a match rule");
        assertTrue(c.matches(job("dave", "any", "charter=x")), "anyone who names it");
    }

    private static dev.reckon.model.Job job(String user, String name, String comment) {
        return new dev.reckon.model.Job("c", "1", "1", name, user, "acct", "p", null, null, comment, "COMPLETED",
                "0:0", null, null, null, null, null, null, null, null, null, null, null, null, null, null, null);
    }

    @Test
    void checkReportsEveryProblemOfEveryFileOneLineEachWithoutAStackTrace() throws IOException {
        assertEquals(0, cli.run(NEW).exit());
        Files.writeString(charters.resolve("bad.yaml"), "id: bad\nowner: [alice, bob]\npurpose: Do the thing well.\n"
                + "budgte: 3\nsuccess: acc >= high\nfailure: loss > 1\nwindow: {end: 2030-01-01}\n");
        Files.writeString(charters.resolve("broken.yml"), "id: broken\npurpose: [unclosed\n");
        Cli.Result r = cli.run("charter", "check");
        assertEquals(65, r.exit(), r.toString());
        String[] lines = r.err().strip().split("\n");
        for (String l : lines) assertTrue(l.matches(".*(bad\\.yaml|broken\\.yml):\\d+: .*"), l);
        assertTrue(r.err().contains("bad.yaml:2: field owner: "), r.err());
        assertTrue(r.err().contains("bad.yaml:4: field budgte: unknown key; did you mean budget?"), r.err());
        assertTrue(r.err().contains("bad.yaml:5: field success: \"high\" is not a number"), r.err());
        assertTrue(r.err().contains("bad.yaml:1: field budget: missing"), r.err());
        assertTrue(r.err().contains("broken.yml:"), r.err());
        assertEquals(5, lines.length, r.err());
        assertFalse(r.err().contains("Exception"), r.err());
        assertTrue(r.out().contains("1 of 3 charter files valid"), r.out());
    }

    @Test
    void checkOfNamedFilesChecksOnlyThose() throws IOException {
        assertEquals(0, cli.run(NEW).exit());
        Files.writeString(charters.resolve("bad.yaml"), "id: bad\n");
        assertEquals(0, cli.run("charter", "check", charters.resolve("llm-ft.yaml").toString()).exit());
        assertEquals(65, cli.run("charter", "check", charters.resolve("bad.yaml").toString()).exit());
        assertEquals(65, cli.run("charter", "check", home.resolve("nowhere.yaml").toString()).exit());
    }

    @Test
    void listAndShowPrintTheChartersAsTablesAndJson() {
        assertEquals(0, cli.run(NEW).exit());
        Cli.Result list = cli.run("charter", "list");
        assertEquals(0, list.exit(), list.toString());
        assertTrue(list.out().matches("(?s)ID +OWNER +STATUS +END .*\nllm-ft +alice +active +2030-06-30 +500 +4,000 .*"), list.out());
        Cli.Result json = cli.run("charter", "list", "--json");
        assertTrue(json.out().contains("\"gpu_hours\" : 500.0"), json.out());
        Cli.Result show = cli.run("charter", "show", "llm-ft");
        assertTrue(show.out().contains("Owner: alice"), show.out());
        assertTrue(show.out().contains("Failure (any): loss > 2.5 after 50 gpu_hours"), show.out());
        Cli.Result showJson = cli.run("charter", "show", "llm-ft", "--json");
        assertTrue(showJson.out().contains("\"review_every\" : \"14d\""), showJson.out());
        assertTrue(showJson.out().contains("\"until\" : \"2030-07-01T00:00:00Z\""), showJson.out());
        assertEquals(1, cli.run("charter", "show", "nope").exit());
    }

    @Test
    void theChartersOptionOverridesTheEnvironment() {
        Path other = home.resolve("other");
        String[] args = java.util.Arrays.copyOf(NEW, NEW.length + 2);
        args[NEW.length] = "--charters";
        args[NEW.length + 1] = other.toString();
        assertEquals(0, cli.run(args).exit());
        assertTrue(Files.exists(other.resolve("llm-ft.yaml")));
        assertTrue(cli.run("charter", "list", "--charters", other.toString()).out().contains("llm-ft"));
    }

    @Test
    void theDefaultDirectoryIsBesideTheConfigFile() {
        cli.env.remove("RECKON_CHARTERS");
        assertEquals(0, cli.run(NEW).exit());
        assertTrue(Files.exists(home.resolve(".config/reckon/charters/llm-ft.yaml")));
    }
}
