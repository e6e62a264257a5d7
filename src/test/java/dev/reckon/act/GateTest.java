package dev.reckon.act;

import dev.reckon.model.Charter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GateTest {
    private static final Instant NOW = Instant.parse("2026-05-01T00:00:00Z");
    private static final String SITE_HOOK = "-- the site's own rules\nfunction slurm_job_submit(a, b, c) return slurm.SUCCESS end\n";

    @TempDir
    Path dir;

    private static Charter charter(String id, Charter.Status status, List<String> wckeys) {
        return new Charter(id, id, "Test the gate.", "alice", List.of(), List.of(),
                new Charter.Match(wckeys, List.of(), List.of()), new Charter.Budget(1, 10, null),
                new Charter.Window(Instant.parse("2026-01-01T00:00:00Z"), Instant.parse("2026-12-31T00:00:00Z")),
                List.of(Charter.Condition.parse("acc >= 0.9")), List.of(Charter.Condition.parse("loss > 2")), null,
                status, List.of());
    }

    @Test
    void theListCarriesStatusWindowOwnerAndWckeyAliases() {
        String list = Gate.list(List.of(charter("b-run", Charter.Status.WITHDRAWN, List.of()),
                charter("a-run", Charter.Status.ACTIVE, List.of("a-key", "a-run"))), NOW);
        List<String> lines = list.lines().filter(l -> !l.startsWith("#")).toList();
        assertEquals(List.of("a-run\tactive\t1767225600\t1798675200\talice", "b-run\twithdrawn\t1767225600\t1798675200\talice",
                "alias\ta-key\ta-run"), lines);
    }

    @Test
    void aSitesOwnHookIsKeptUnlessReplaceIsGiven() throws Exception {
        Files.writeString(dir.resolve(Gate.SCRIPT), SITE_HOOK);
        Gate.Refused refused = assertThrows(Gate.Refused.class,
                () -> Gate.install(dir, Gate.Mode.REJECT, List.of(), List.of(), NOW, false));
        assertTrue(refused.getMessage().contains("--replace") && refused.getMessage().contains("--module-only"));
        assertEquals(SITE_HOOK, Files.readString(dir.resolve(Gate.SCRIPT)));

        Gate.apply(Gate.install(dir, Gate.Mode.REJECT, List.of(0), List.of(), NOW, true));
        assertEquals(SITE_HOOK, Files.readString(dir.resolve(Gate.BACKUP)));
        assertTrue(Files.readString(dir.resolve(Gate.SCRIPT)).contains("dofile("));
        String module = Files.readString(dir.resolve(Gate.MODULE));
        assertTrue(module.contains("local MODE = \"reject\"") && module.contains("[0] = true"), module);

        Gate.apply(Gate.uninstall(dir));
        assertEquals(SITE_HOOK, Files.readString(dir.resolve(Gate.SCRIPT)), "uninstall puts the site's hook back");
        assertFalse(Files.exists(dir.resolve(Gate.BACKUP)));
        assertFalse(Files.exists(dir.resolve(Gate.MODULE)));
        assertFalse(Files.exists(dir.resolve(Gate.LIST)));
    }

    @Test
    void reinstallingOverwritesTheGatesOwnHookWithoutReplace() throws Exception {
        Gate.apply(Gate.install(dir, Gate.Mode.REJECT, List.of(), List.of(), NOW, false));
        Gate.apply(Gate.install(dir, Gate.Mode.WARN, List.of(), List.of(), NOW, false));
        assertTrue(Files.readString(dir.resolve(Gate.MODULE)).contains("local MODE = \"warn\""));
        assertFalse(Files.exists(dir.resolve(Gate.BACKUP)));
    }

    @Test
    void uninstallWithoutASavedHookLeavesOneThatAdmitsEverything() throws Exception {
        Gate.apply(Gate.install(dir, Gate.Mode.REJECT, List.of(), List.of(), NOW, false));
        Gate.apply(Gate.uninstall(dir));
        String hook = Files.readString(dir.resolve(Gate.SCRIPT));
        assertTrue(hook.contains("return slurm.SUCCESS") && !hook.contains("dofile"), hook);
    }

    @Test
    void luaFilesAreStampedLaterThanTheFileTheyReplace() throws Exception {
        Files.writeString(dir.resolve(Gate.SCRIPT), "-- Written by reckon gate: old\n");
        Instant future = Instant.now().plusSeconds(30);
        Files.setLastModifiedTime(dir.resolve(Gate.SCRIPT), java.nio.file.attribute.FileTime.from(future));
        Gate.apply(Gate.install(dir, Gate.Mode.REJECT, List.of(), List.of(), NOW, false));
        Instant stamped = Files.getLastModifiedTime(dir.resolve(Gate.SCRIPT)).toInstant();
        assertTrue(stamped.getEpochSecond() > future.getEpochSecond(),
                "slurmctld reloads only a hook stamped after the one it loaded: " + stamped);
    }

    @Test
    void syncWithoutAnInstalledGateIsRefused() {
        assertThrows(Gate.Refused.class, () -> Gate.sync(dir, List.of(), NOW));
    }

    @Test
    void aSlurmConfWithoutTheLuaPluginIsPointedOut() throws Exception {
        Files.writeString(dir.resolve("slurm.conf"), "ClusterName=x\nJobSubmitPlugins=all_partitions\n");
        assertTrue(Gate.pluginWarning(dir).orElseThrow().contains("JobSubmitPlugins=lua"));
        Files.writeString(dir.resolve("slurm.conf"), "ClusterName=x\njobsubmitplugins = all_partitions,lua\n");
        assertTrue(Gate.pluginWarning(dir).isEmpty());
    }

    @Test
    void pathsAreQuotedAsLuaStrings() {
        assertEquals("\"/etc/sl\\\"urm\\\\x\"", Gate.lua("/etc/sl\"urm\\x"));
    }
}
