package dev.reckon.cli;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code reckon review --digest}: the periodic summary for group leads. */
class ReviewDigestTest {
    @TempDir
    Path home;
    Cli cli;
    Path charters;

    @BeforeEach
    void setUp() throws Exception {
        cli = new Cli(home);
        cli.env.put("RECKON_NOW", "2026-11-04T12:00:00Z");
        charters = home.resolve("charters");
        Files.createDirectories(charters);
        Files.writeString(charters.resolve("llm-ft.yaml"), String.join("\n",
                "id: llm-ft", "title: LLM fine-tuning", "purpose: Fine-tune the 7B model on support tickets.",
                "owner: alice", "members: [carol]", "budget: {gpu_hours: 100, cpu_hours: 1000}",
                "window: {start: 2026-10-01, end: 2026-12-31}", "success: val_accuracy >= 0.92",
                "failure: loss > 2.5 after 50 gpu_hours", "history:",
                "  - {date: 2026-11-01, status: active, note: reviewed}", ""));
        cli.env.put("RECKON_CHARTERS", charters.toString());
        Path fixture = Path.of(getClass().getResource("/sacct/review-charters.txt").toURI());
        assertEquals(0, cli.run("ingest", "sacct", fixture.toString()).exit());
    }

    @Test
    void theDigestSummarisesEachCharterUsedVersusBudgetVerdictUndefendedWorkOfItsPeopleAndUpcomingStops() {
        Cli.Result r = cli.run("review", "--digest", "--since", "2026-11-02");
        assertEquals(0, r.exit(), r.toString());
        String md = r.out();
        assertTrue(md.startsWith("# reckon review digest"), md);
        assertTrue(md.contains("## llm-ft — LLM fine-tuning"), md);
        assertTrue(md.contains("- Owner: alice; status: active"), md);
        assertTrue(md.contains("- Verdict: **"), md);
        assertTrue(md.contains(" of 100 GPU-h (") && md.contains(" of 1,000 CPU-h (") || md.contains(" of 1000 CPU-h ("), md);
        // carol is a member: her unchartered jobs are the lead's to see
        assertTrue(md.contains("- Undefended work of its people: 2 jobs"), md);
        assertTrue(md.contains("| 121 ") && md.contains("big_gpu") && md.contains("| 120 "), md);
        assertTrue(md.contains("--comment=charter=llm-ft"), md);
        assertTrue(md.contains("- Upcoming stops:") && md.contains("llm-ft: window ends (alice)"), md);
        assertFalse(md.contains("old_eval"), "bob is not one of its people: " + md);
    }

    @Test
    void theDigestIsMailedToEachOwnerOrToOneAddress() throws Exception {
        Path log = home.resolve("mail.log");
        Path mail = home.resolve("mail.sh");
        Files.writeString(mail, "#!/bin/sh\nfor a; do to=$a; done\n{ echo \"to=$to subject=$RECKON_SUBJECT\"; cat; } >> '" + log + "'\n");
        Files.setPosixFilePermissions(mail, PosixFilePermissions.fromString("rwxr-xr-x"));
        Cli.Result r = cli.run("review", "--digest", "--since", "2026-11-02", "--mail-command", mail.toString());
        assertEquals(0, r.exit(), r.toString());
        String got = Files.readString(log);
        assertTrue(got.startsWith("to=alice subject=[reckon] review digest: 1 charter of alice\n# reckon review digest"), got);
        assertTrue(r.out().contains("sent: mail to alice"), r.out());
        Files.delete(log);
        Cli.Result leads = cli.run("review", "--digest", "--since", "2026-11-02", "--mail-command", mail.toString(),
                "--to", "leads@example.org");
        assertEquals(0, leads.exit(), leads.toString());
        assertTrue(Files.readString(log).startsWith("to=leads@example.org subject=[reckon] review digest: 1 charter\n"));
        Cli.Result bad = cli.run("review", "--to", "x@example.org");
        assertEquals(2, bad.exit(), bad.toString());
    }
}
