package dev.reckon.app;

import dev.reckon.act.Gate;
import dev.reckon.charter.Charters;
import dev.reckon.core.BadRequest;
import dev.reckon.ledger.Ledger;
import dev.reckon.model.AuditEntry;
import dev.reckon.model.Charter;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The admission gate: a Slurm job_submit.lua that admits only chartered jobs, installed, kept in step with the
 * charter directory, and taken out. Every change carried out is written to the audit log.
 */
public final class Gatekeeping {
    private final Context ctx;

    public Gatekeeping(Context ctx) {
        this.ctx = Objects.requireNonNull(ctx, "ctx");
    }

    /**
     * {@code gate install}.
     *
     * @param slurmConfDir the directory of slurm.conf, where the gate is written
     * @param mode         {@code reject} (refuse unchartered jobs) or {@code warn} (admit them with the message)
     * @param exempt       users (names or uids) the gate never stops
     * @param replace      replace a job_submit.lua the gate did not write (it is kept, and put back on uninstall)
     * @param moduleOnly   write only the check and the list, for a site's own hook to call
     * @param dryRun       say what would be written; change nothing
     */
    public record InstallRequest(Path slurmConfDir, String mode, List<String> exempt, boolean replace,
                                 boolean moduleOnly, boolean dryRun) {
        public InstallRequest {
            exempt = exempt == null ? List.of() : List.copyOf(exempt);
        }
    }

    /** {@code gate sync}: refresh the list of charters the installed gate in {@code slurmConfDir} reads. */
    public record SyncRequest(Path slurmConfDir, boolean dryRun) {}

    /** {@code gate uninstall}: take the gate in {@code slurmConfDir} out. */
    public record UninstallRequest(Path slurmConfDir, boolean dryRun) {}

    /**
     * What a gate command did (or, on a dry run, would do): each file written or removed, and why; or why it refused
     * ({@code refused}, nothing changed). The outcome's problems are the charter files left out of the gate's list;
     * its notes say so, and carry the gate's warnings.
     */
    public record Done(Path dir, boolean dryRun, List<Gate.Change> changes, String refused) {
        public Done {
            changes = changes == null ? List.of() : List.copyOf(changes);
        }
    }

    public Outcome<Done> install(InstallRequest r) throws IOException {
        Path dir = require(r.slurmConfDir());
        String mode = r.mode() == null ? "reject" : r.mode();
        Gate.Mode m = switch (mode.strip().toLowerCase(Locale.ROOT)) {
            case "reject" -> Gate.Mode.REJECT;
            case "warn" -> Gate.Mode.WARN;
            default -> throw new BadRequest("--mode: \"" + mode + "\" is neither reject nor warn");
        };
        List<Integer> uids = new ArrayList<>();
        for (String u : r.exempt()) uids.add(uid(u.strip()));
        Outcome<Charters> loaded = Chartering.load(ctx);
        List<Charter> cs = loaded.value().all();
        return carryOut(loaded, dir, r.dryRun(), "gate-install", () -> r.moduleOnly()
                        ? Gate.installModule(dir, m, uids, cs, ctx.now())
                        : Gate.install(dir, m, uids, cs, ctx.now(), r.replace()),
                m.word() + " mode, " + cs.size() + " charters" + (uids.isEmpty() ? "" : ", exempt uids " + uids));
    }

    public Outcome<Done> sync(SyncRequest r) throws IOException {
        Path dir = require(r.slurmConfDir());
        Outcome<Charters> loaded = Chartering.load(ctx);
        List<Charter> cs = loaded.value().all();
        return carryOut(loaded, dir, r.dryRun(), "gate-sync", () -> Gate.sync(dir, cs, ctx.now()), cs.size() + " charters");
    }

    public Outcome<Done> uninstall(UninstallRequest r) throws IOException {
        Path dir = require(r.slurmConfDir());
        return carryOut(null, dir, r.dryRun(), "gate-uninstall", () -> Gate.uninstall(dir), "");
    }

    private static Path require(Path dir) {
        if (dir == null) throw new BadRequest("--slurm-conf-dir: give the directory of slurm.conf");
        return dir;
    }

    private Outcome<Done> carryOut(Outcome<Charters> loaded, Path dir, boolean dryRun, String action,
                                   Supplier<Gate.Plan> planner, String detail) throws IOException {
        List<dev.reckon.core.InputError> problems = loaded == null ? List.of() : loaded.problems();
        List<String> notes = new ArrayList<>(loaded == null ? List.of() : loaded.notes());
        if (!problems.isEmpty()) notes.add("gate: the charters with problems above are left out of the gate's list");
        Gate.Plan plan;
        try {
            plan = planner.get();
        } catch (Gate.Refused e) {
            return Outcome.of(new Done(dir, dryRun, List.of(), e.getMessage()), problems, notes);
        }
        for (String w : plan.warnings()) notes.add("gate: note: " + w);
        if (!dryRun) {
            Gate.apply(plan);
            try (Ledger ledger = ctx.openLedger()) {
                // the cluster the gate guards, as its slurm.conf names it (what sacct's jobs carry), else the configured one
                String cluster = Gate.clusterName(dir).orElse(ctx.config().cluster());
                ledger.audit(new AuditEntry(ctx.now(), ctx.actor(), action, cluster, null, null, true,
                        dir + (detail.isEmpty() ? "" : ": " + detail)));
            }
        }
        return Outcome.of(new Done(dir, dryRun, plan.changes(), null), problems, notes);
    }

    /** A user name or uid as a uid, through the system's user database ({@code id -u}). */
    private static int uid(String user) {
        if (user.matches("\\d+")) return Integer.parseInt(user);
        try {
            Process p = new ProcessBuilder("id", "-u", user).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).strip();
            if (p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0 && out.matches("\\d+")) return Integer.parseInt(out);
        } catch (IOException e) {
            throw new BadRequest("--exempt: cannot look up user \"" + user + "\": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        throw new BadRequest("--exempt: no user \"" + user + "\" on this machine");
    }
}
