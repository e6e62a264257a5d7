package dev.reckon.app;

import dev.reckon.act.Gate;
import dev.reckon.cli.Cli;
import dev.reckon.core.BadRequest;
import dev.reckon.ledger.Ledger;
import dev.reckon.model.AuditEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GatekeepingTest {
    @TempDir
    Path dir;

    /** The lines the command line prints for the changes. */
    private static List<String> lines(Gatekeeping.Done d) {
        return d.changes().stream().map(c -> (d.dryRun() ? "would " : "") + (c.content() == null ? "remove " : "write ")
                + c.path() + "  (" + c.why() + ")").toList();
    }

    @Test
    void aDryRunInstallPlansWhatTheCommandPrintsAndChangesNothing() throws IOException {
        Doors d = new Doors(dir);
        d.charter("vision");
        Path conf = Files.createDirectories(dir.resolve("slurm"));
        Outcome<Gatekeeping.Done> o = new Gatekeeping(d.context()).install(new Gatekeeping.InstallRequest(conf,
                "warn", List.of("0"), false, false, true));
        assertNull(o.value().refused());
        assertFalse(o.value().changes().isEmpty());
        Cli.Result r = d.run(0, "gate", "install", "--slurm-conf-dir", conf.toString(), "--mode", "warn",
                "--exempt", "0", "--dry-run");
        assertEquals(r.out().lines().toList(), lines(o.value()));
        try (var files = Files.list(conf)) {
            assertEquals(0, files.count(), "a dry run writes nothing");
        }
    }

    @Test
    void installSyncAndUninstallChangeTheDirectoryAndAreAudited() throws IOException {
        Doors d = new Doors(dir);
        d.charter("vision");
        Files.writeString(d.charters().resolve("bad.yaml"), "id: bad\n");
        Path conf = Files.createDirectories(dir.resolve("slurm"));
        Gatekeeping g = new Gatekeeping(d.context());
        Outcome<Gatekeeping.Done> in = g.install(new Gatekeeping.InstallRequest(conf, null, List.of(), false, false, false));
        assertTrue(Files.exists(conf.resolve(Gate.SCRIPT)) && Files.exists(conf.resolve(Gate.LIST)));
        assertFalse(in.problems().isEmpty(), "the bad charter is reported");
        assertTrue(in.notes().contains("gate: the charters with problems above are left out of the gate's list"), in.notes().toString());
        assertFalse(g.sync(new Gatekeeping.SyncRequest(conf, false)).value().changes().isEmpty());
        g.uninstall(new Gatekeeping.UninstallRequest(conf, false));
        try (Ledger l = Ledger.open(d.cli.env.get("RECKON_LEDGER"))) {
            List<AuditEntry> log = l.auditLog(null, null, null);
            assertEquals(List.of("gate-install", "gate-sync", "gate-uninstall"), log.stream().map(AuditEntry::action).toList());
            assertEquals("tester", log.get(0).actor());
            assertEquals(conf + ": reject mode, 1 charters", log.get(0).detail());
        }
    }

    @Test
    void aBadModeIsABadRequestAndTheCommandSaysTheSame() throws IOException {
        Doors d = new Doors(dir);
        Path conf = Files.createDirectories(dir.resolve("slurm"));
        BadRequest e = assertThrows(BadRequest.class, () -> new Gatekeeping(d.context())
                .install(new Gatekeeping.InstallRequest(conf, "maybe", List.of(), false, false, true)));
        assertEquals("--mode: \"maybe\" is neither reject nor warn", e.getMessage());
        assertTrue(d.run(2, "gate", "install", "--slurm-conf-dir", conf.toString(), "--mode", "maybe").err()
                .contains(e.getMessage()));
        assertThrows(BadRequest.class, () -> new Gatekeeping(d.context())
                .install(new Gatekeeping.InstallRequest(conf, "warn", List.of("no-such-user-here"), false, false, true)));
    }

    @Test
    void theAuditLogNamesTheClusterAsItsSlurmConfDoes() throws IOException {
        // issue 12 item 12: the jobs are under the cluster's real name, so the gate's entries must be too
        Doors d = new Doors(dir);
        d.charter("vision");
        Path conf = Files.createDirectories(dir.resolve("slurm"));
        Files.writeString(conf.resolve("slurm.conf"), "# a comment\nClusterName=Reckon   # ours\nJobSubmitPlugins=lua\n");
        new Gatekeeping(d.context()).install(new Gatekeeping.InstallRequest(conf, null, List.of(), false, false, false));
        try (Ledger l = Ledger.open(d.cli.env.get("RECKON_LEDGER"))) {
            assertEquals("reckon", l.auditLog(null, null, null).get(0).cluster(), "Slurm lower-cases ClusterName");
        }
    }

    @Test
    void installOverTheSitesOwnHookIsRefusedWithExitOneAndChangesNothing() throws IOException {
        Doors d = new Doors(dir);
        d.charter("vision");
        Path conf = Files.createDirectories(dir.resolve("slurm"));
        Files.writeString(conf.resolve(Gate.SCRIPT), "-- the site's own\n");
        Cli.Result r = d.run(1, "gate", "install", "--slurm-conf-dir", conf.toString());
        assertTrue(r.err().contains("--replace") && r.err().contains("--module-only"), r.err());
        assertEquals("-- the site's own\n", Files.readString(conf.resolve(Gate.SCRIPT)));
        assertFalse(Files.exists(conf.resolve(Gate.LIST)), "nothing written");
        d.run(0, "gate", "install", "--slurm-conf-dir", conf.toString(), "--replace");
    }
}
