package dev.reckon.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MainTest {
    @TempDir
    Path dir;

    @Test
    void helpListsTheCommands() {
        Cli.Result r = new Cli(dir).run("--help");
        assertEquals(0, r.exit());
        for (String c : new String[] {"ingest", "jobs", "job", "demo", "bench", "completion"}) {
            assertTrue(r.out().contains(c), c + " missing from help: " + r.out());
        }
    }

    private static List<Class<?>> built(String... args) {
        return Main.commandsFor(args).stream().<Class<?>>map(java.util.Map.Entry::getValue).toList();
    }

    @Test
    void aLineBuildsOnlyTheCommandItNamesAndEveryCommandIsRegisteredUnderItsOwnName() {
        for (java.util.Map.Entry<String, Class<?>> c : Main.COMMANDS) {
            picocli.CommandLine.Command a = c.getValue().getAnnotation(picocli.CommandLine.Command.class);
            assertEquals(a.name(), c.getKey(), c.getValue().getName());
        }
        assertEquals(List.of(JobsCommand.class), built("jobs", "--json"));
        assertEquals(List.of(HoldCommand.class), built("--ledger", "x.db", "hold", "12"));
        assertEquals(List.of(ReviewCommand.class), built("--ledger=x.db", "review"));
        assertEquals(List.of(), built("--version"));
        for (String[] all : new String[][] {{"--help"}, {"help", "jobs"}, {"jbos"}, {}, {"completion"}})
            assertEquals(Main.COMMANDS.size(), built(all).size(), String.join(" ", all));
        Cli.Result typo = new Cli(dir).run("jbos");
        assertEquals(2, typo.exit(), typo.toString());
        assertTrue(typo.err().contains("jobs"), "an unknown command still gets suggestions: " + typo);
        Cli.Result alias = new Cli(dir).run("optimize", "--help");
        assertEquals(0, alias.exit(), alias.toString());
    }

    @Test
    void versionNamesTheRelease() {
        Cli.Result r = new Cli(dir).run("--version");
        assertEquals(0, r.exit());
        assertTrue(r.out().startsWith("reckon "), r.out());
        assertFalse(r.out().contains("${"), r.out());
    }

    @Test
    void completionPrintsABashScript() {
        Cli.Result r = new Cli(dir).run("completion");
        assertEquals(0, r.exit());
        assertTrue(r.out().contains("complete -F"), r.out().substring(0, 200));
    }

    @Test
    void aBadSinceIsAUsageError() {
        Cli.Result r = new Cli(dir).run("jobs", "--since", "last tuesday");
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().contains("--since"), r.err());
    }

    @Test
    void anUnknownJobExitsOne() {
        dev.reckon.ledger.Ledger.open(dir.resolve("ledger.db").toString()).close();
        Cli.Result r = new Cli(dir).run("job", "999");
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().contains("no job 999"), r.err());
    }

    @Test
    void anUnwritableLedgerIsOneLineNotAStackTrace() {
        Cli cli = new Cli(dir);
        cli.env.put("RECKON_LEDGER", "/proc/reckon/ledger.db");
        Cli.Result r = cli.run("jobs");
        assertEquals(74, r.exit(), r.toString());
        assertEquals(1, r.err().strip().lines().count(), r.err());
    }

    @Test
    void aConfigFileWithAnUnknownKeyNamesFileAndLine() throws Exception {
        Path cfg = dir.resolve("config.yaml");
        Files.writeString(cfg, "ledger: " + dir.resolve("x.db") + "\nledgr: typo\n");
        Cli cli = new Cli(dir);
        cli.env.remove("RECKON_LEDGER");
        cli.env.put("RECKON_CONFIG", cfg.toString());
        Cli.Result r = cli.run("jobs");
        assertEquals(65, r.exit(), r.toString());
        assertTrue(r.err().contains(cfg + ":2"), r.err());
        assertTrue(r.err().contains("ledgr"), r.err());
    }

    @Test
    void theLedgerComesFromTheConfigFile() throws Exception {
        Path cfg = dir.resolve("config.yaml");
        Path ledger = dir.resolve("from-config.db");
        Files.writeString(cfg, "ledger: " + ledger + "\n");
        Cli cli = new Cli(dir);
        cli.env.remove("RECKON_LEDGER");
        cli.env.put("RECKON_CONFIG", cfg.toString());
        assertEquals(74, cli.run("jobs").exit(), "a reading command creates no ledger");
        assertFalse(Files.exists(ledger));
        assertEquals(0, cli.run("ingest", "sacct", "/dev/null").exit());
        assertTrue(Files.exists(ledger));
        assertEquals(0, cli.run("jobs").exit());
    }
}
