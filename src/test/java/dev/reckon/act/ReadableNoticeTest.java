package dev.reckon.act;

import com.fasterxml.jackson.databind.JsonNode;
import dev.reckon.core.InputError;
import dev.reckon.core.Json;
import dev.reckon.ledger.Ledger;
import dev.reckon.review.Review;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Notices a person can read: a subject and a plain-text body, from templates a site can change. */
class ReadableNoticeTest {
    static final Instant T0 = Instant.parse("2026-03-02T10:00:00Z");

    @TempDir
    Path dir;

    static Reclaim.Step step(Reclaim.Kind kind, Instant notified) {
        return new Reclaim.Step(kind, 1, "4242", "reckon", "alice", "train-big", Review.JobClass.HABITUAL,
                "recurs weekly without a charter", 8, 2, 32L << 30, notified, T0.plus(Duration.ofHours(2)),
                "not yet told", false, "");
    }

    @Test
    void theReclaimNoticeSaysWhichJobWhyWhenItWillBeCancelledAndExactlyHowToDefendIt() throws Exception {
        NoticeTemplates t = new NoticeTemplates(null, ZoneId.of("Europe/Stockholm"));
        JsonNode n = Json.mapper().readTree(Reclaim.payload(step(Reclaim.Kind.NOTIFY, null), t, T0));
        String subject = n.get("subject").asText(), text = n.get("text").asText();
        assertTrue(subject.contains("4242") && subject.contains("2026-03-02 13:00 CET"), subject);
        assertTrue(text.contains("Hello alice"), text);
        assertTrue(text.contains("job 4242 (\"train-big\") on cluster reckon holds 8 CPUs, 2 GPUs, 32 GiB of memory"), text);
        assertTrue(text.contains("habitual (recurs weekly without a charter)"), text);
        assertTrue(text.contains("cancelled after 2026-03-02 13:00 CET (2h after this notice)"), text);
        assertTrue(text.contains("scontrol -M reckon update JobId=4242 Comment=charter=<ID>"), text);
        assertTrue(text.contains("sbatch --comment=charter=<ID>"), text);
        assertTrue(text.contains("reckon charter propose <ID>"), text);
        assertEquals("4242", n.get("job_id").asText(), "the machine-readable fields stay");
    }

    @Test
    void aSiteTemplateReplacesTheShippedOneAndAMissingOneFallsBackToIt() throws Exception {
        Files.writeString(dir.resolve("reclaim-notice.txt"), "Subject: Cluster {cluster}: job {job_id} to go at {cancel_after}\n\n"
                + "Dear {user}, see https://wiki.example/charters\n");
        NoticeTemplates t = new NoticeTemplates(dir, ZoneId.of("UTC")).check();
        JsonNode n = Json.mapper().readTree(Reclaim.payload(step(Reclaim.Kind.NOTIFY, null), t, T0));
        assertEquals("Cluster reckon: job 4242 to go at 2026-03-02 12:00 UTC", n.get("subject").asText());
        assertEquals("Dear alice, see https://wiki.example/charters\n", n.get("text").asText());
        JsonNode c = Json.mapper().readTree(Reclaim.cancelledPayload(step(Reclaim.Kind.CANCEL, T0.minusSeconds(7200)), t, T0));
        assertTrue(c.get("subject").asText().contains("was cancelled"), c.toString());
        assertTrue(c.get("text").asText().contains("You were told at 2026-03-02 08:00 UTC"), c.toString());
    }

    @Test
    void anUnknownPlaceholderIsAnInputErrorNamingTheFileAndLine() throws Exception {
        Path f = dir.resolve("exit-notice.txt");
        Files.writeString(f, "Subject: {charter}\n\nHello {owner},\nyour {budgte} is spent\n");
        InputError e = assertThrows(InputError.class, () -> new NoticeTemplates(dir, ZoneId.of("UTC")).check());
        assertTrue(e.getMessage().startsWith(f + ":4:"), e.getMessage());
        assertTrue(e.getMessage().contains("{budgte}") && e.getMessage().contains("{owner}"), e.getMessage());
        Files.writeString(f, "Hello {owner}\n");
        InputError noSubject = assertThrows(InputError.class, () -> new NoticeTemplates(dir, ZoneId.of("UTC")).check());
        assertTrue(noSubject.getMessage().contains(f + ":1:"), noSubject.getMessage());
    }

    @Test
    void mailGetsThePlainTextOnItsInputAndTheSubjectInItsEnvironment() throws Exception {
        Path log = dir.resolve("mail.log");
        Path mail = dir.resolve("mail.sh");
        Files.writeString(mail, "#!/bin/sh\nfor a; do to=$a; done\n{ echo \"to=$to subject=$RECKON_SUBJECT\"; cat; } > '" + log + "'\n");
        Files.setPosixFilePermissions(mail, PosixFilePermissions.fromString("rwxr-xr-x"));
        Notices n = new Notices(null, List.of("/bin/sh", "-c", mail + " \"$@\"", "reckon-notice"));
        n.send("alice", Reclaim.payload(step(Reclaim.Kind.NOTIFY, null), NoticeTemplates.shipped(), T0));
        String got = Files.readString(log);
        assertTrue(got.startsWith("to=alice subject=[reckon] job 4242 on reckon will be cancelled after 2026-03-02 12:00 UTC"), got);
        assertTrue(got.contains("\nHello alice,\n"), got);
        assertFalse(got.contains("\"job_id\""), "plain text, not JSON: " + got);
    }

    @Test
    void afterACancellationTheUserIsToldAndTheSparedJobsSayWhy() {
        try (Ledger ledger = Ledger.open(dir.resolve("ledger.db").toString())) {
            Review.Kill loose = new Review.Kill("7", "reckon", "bob", "sweep", "RUNNING", Review.JobClass.ORPHANED,
                    "no charter claims it", T0.minusSeconds(9000), 9000L, 4, 0, 1L << 30);
            Review.Kill waiting = new Review.Kill("8", "reckon", "bob", "sweep2", "RUNNING", Review.JobClass.ORPHANED,
                    "no charter claims it", T0.minusSeconds(9000), 9000L, 4, 0, 1L << 30);
            Review.JobVerdict kept = new Review.JobVerdict("9", "reckon", "carol", "train", Review.JobClass.DEFENDED,
                    "llm-ft", "charter llm-ft", 1, 1, 1, "RUNNING", T0.minusSeconds(60), null);
            Review.Result r = new Review.Result(T0, null, null, List.of(kept), List.of(), List.of(),
                    List.of(loose, waiting), List.of());
            List<String> told = new ArrayList<>();
            Acting acting = Acting.of((who, payload) -> {
                told.add(who + ": " + Json.mapper().readTree(payload).get("subject").asText());
                return "sent";
            }, null, (c, id) -> "");
            // job 7 was told 3 h ago, job 8 only 1 h ago
            Reclaim.carryOut(Reclaim.plan(r, ledger, T0.minusSeconds(3 * 3600), Duration.ofHours(2)).subList(0, 1),
                    ledger, T0.minusSeconds(3 * 3600), "ops", acting, s -> true);
            Reclaim.carryOut(Reclaim.plan(r, ledger, T0.minusSeconds(3600), Duration.ofHours(2)).subList(1, 2),
                    ledger, T0.minusSeconds(3600), "ops", acting, s -> true);
            told.clear();
            List<Reclaim.Step> done = Reclaim.carryOut(Reclaim.plan(r, ledger, T0, Duration.ofHours(2)), ledger, T0,
                    "ops", acting, s -> true, NoticeTemplates.shipped());
            assertEquals(List.of("bob: [reckon] job 7 on reckon was cancelled: no charter defended it"), told);
            Reclaim.Step cancel = done.stream().filter(s -> s.jobId().equals("7")).findFirst().orElseThrow();
            assertEquals(Reclaim.Kind.CANCEL, cancel.action());
            assertTrue(cancel.detail().contains("user told"), cancel.detail());
            Reclaim.Step wait = done.stream().filter(s -> s.jobId().equals("8")).findFirst().orElseThrow();
            assertEquals(Reclaim.Kind.WAIT, wait.action());
            assertTrue(wait.why().contains("grace until"), wait.why());
            Reclaim.Step spare = done.stream().filter(s -> s.jobId().equals("9")).findFirst().orElseThrow();
            assertEquals(Reclaim.Kind.SPARE, spare.action());
            assertEquals("defended by charter llm-ft", spare.why());
            assertTrue(ledger.audited("reckon", "7", "cancel-notice"));
        }
    }

    @Test
    void theExitNoticeTellsTheOwnerWhichCharterWhyWhenAndWhatHappensToItsJobs() throws Exception {
        ExitEnforcement.Step s = new ExitEnforcement.Step(ExitEnforcement.Kind.NOTIFY_EXIT, "llm-ft", "alice",
                dev.reckon.model.Charter.OnExit.HOLD, dev.reckon.model.Verdict.FAILURE_EXIT, "failure", T0, null, null,
                null, null, 0, 0, 0, null, "budget spent: 100 of 100 GPU-hours", null, false, "");
        JsonNode n = Json.mapper().readTree(ExitEnforcement.payload(s, NoticeTemplates.shipped(), T0));
        assertEquals("[reckon] charter llm-ft: failure-exit (failure exit)", n.get("subject").asText());
        String text = n.get("text").asText();
        assertTrue(text.startsWith("Hello alice,"), text);
        assertTrue(text.contains("Why: budget spent: 100 of 100 GPU-hours"), text);
        assertTrue(text.contains("Exit due: 2026-03-02 10:00 UTC"), text);
        assertTrue(text.contains("On exit: hold (its pending jobs are held)"), text);
        assertEquals("llm-ft", n.get("charter").asText());
    }
}
