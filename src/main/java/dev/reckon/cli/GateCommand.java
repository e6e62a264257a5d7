package dev.reckon.cli;

import dev.reckon.act.Gate;
import dev.reckon.charter.Charters;
import dev.reckon.ledger.Ledger;
import dev.reckon.model.AuditEntry;
import dev.reckon.model.Charter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/** {@code reckon gate}: the admission gate, a Slurm job_submit.lua that admits only chartered jobs. */
@Command(name = "gate", mixinStandardHelpOptions = true,
        description = {"The admission gate: a Slurm job_submit.lua that refuses (or, in warn mode, flags) a submission "
                + "naming no charter (--comment=charter=<id> or --wckey=<id>), or one that is unknown or not active "
                + "now, telling the submitter how to write a charter.",
                "It needs JobSubmitPlugins=lua in slurm.conf (Debian's slurm-wlm-basic-plugins has the plugin). "
                        + "Installs, syncs and uninstalls are written to the audit log."},
        subcommands = {GateCommand.Install.class, GateCommand.Sync.class, GateCommand.Uninstall.class})
final class GateCommand {

    /** Where slurm.conf lives, and the choices every gate command shares. */
    static final class Where {
        @Option(names = "--slurm-conf-dir", paramLabel = "DIR",
                description = "The directory of slurm.conf (default: that of $SLURM_CONF, else /etc/slurm).")
        Path dir;
        @Option(names = "--dry-run", description = "Print what would be written; change nothing.")
        boolean dryRun;

        Path resolve(Door door) {
            if (dir != null) return dir;
            String conf = door.root().env.get("SLURM_CONF");
            if (conf != null && !conf.isBlank() && Path.of(conf).getParent() != null) return Path.of(conf).getParent();
            return Path.of("/etc/slurm");
        }
    }

    @Command(name = "install", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Writes the gate into the directory of slurm.conf: job_submit.lua (the hook), "
                    + "reckon_gate.lua (the check) and reckon_charters.txt (the charters it admits, from the charter "
                    + "directory). slurmctld picks the new hook up at the next submission.",
                    "A job_submit.lua of the site's own is kept: give --replace to swap it out (it is saved and put "
                            + "back by 'reckon gate uninstall'), or --module-only to call the check from it."})
    static final class Install implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        Where where;
        @Mixin
        CharterDir charters;
        @Option(names = "--mode", paramLabel = "reject|warn", defaultValue = "reject",
                description = "Refuse such jobs, or admit them with the message (default: ${DEFAULT-VALUE}).")
        String mode;
        @Option(names = "--exempt", paramLabel = "USER", split = ",",
                description = "Users (names or uids) the gate never stops, e.g. root or a service account.")
        List<String> exempt = new ArrayList<>();
        @Option(names = "--replace", description = "Replace a job_submit.lua the gate did not write (kept as "
                + Gate.BACKUP + ").")
        boolean replace;
        @Option(names = "--module-only", description = "Write only the check and the list, for a site's own hook to call.")
        boolean moduleOnly;

        @Override
        public Integer call() throws IOException {
            Door door = new Door(spec);
            Gate.Mode m = switch (mode.strip().toLowerCase(Locale.ROOT)) {
                case "reject" -> Gate.Mode.REJECT;
                case "warn" -> Gate.Mode.WARN;
                default -> throw door.usage("--mode: \"" + mode + "\" is neither reject nor warn");
            };
            List<Integer> uids = new ArrayList<>();
            for (String u : exempt) uids.add(uid(door, u.strip()));
            Path dir = where.resolve(door);
            List<Charter> cs = load(door, charters);
            return carryOut(door, where, "gate-install", () -> moduleOnly
                    ? Gate.installModule(dir, m, uids, cs, door.now())
                    : Gate.install(dir, m, uids, cs, door.now(), replace),
                    m.word() + " mode, " + cs.size() + " charters" + (uids.isEmpty() ? "" : ", exempt uids " + uids));
        }
    }

    @Command(name = "sync", mixinStandardHelpOptions = true,
            description = {"Refreshes the list of charters the installed gate reads (run it after charters change, or "
                    + "from cron). The gate decides at each submission whether a charter is active: its status, and "
                    + "whether now lies in its window."})
    static final class Sync implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        Where where;
        @Mixin
        CharterDir charters;

        @Override
        public Integer call() throws IOException {
            Door door = new Door(spec);
            Path dir = where.resolve(door);
            List<Charter> cs = load(door, charters);
            return carryOut(door, where, "gate-sync", () -> Gate.sync(dir, cs, door.now()), cs.size() + " charters");
        }
    }

    @Command(name = "uninstall", mixinStandardHelpOptions = true,
            description = {"Takes the gate out: the site's own job_submit.lua comes back if install replaced one; "
                    + "otherwise the hook becomes one that admits every job (slurmctld keeps running the last hook it "
                    + "loaded when the file is simply removed)."})
    static final class Uninstall implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        Where where;

        @Override
        public Integer call() throws IOException {
            Door door = new Door(spec);
            Path dir = where.resolve(door);
            return carryOut(door, where, "gate-uninstall", () -> Gate.uninstall(dir), "");
        }
    }

    private static List<Charter> load(Door door, CharterDir dir) {
        Charters cs = Charters.load(dir.resolve(door), door.config().zone());
        CharterCommand.printProblems(door, cs.errors());
        if (!cs.errors().isEmpty())
            door.err().println("reckon: gate: the charters with problems above are left out of the gate's list");
        return cs.all();
    }

    private static int carryOut(Door door, Where where, String action, java.util.function.Supplier<Gate.Plan> planner,
                                String detail) throws IOException {
        Gate.Plan plan;
        try {
            plan = planner.get();
        } catch (Gate.Refused e) {
            door.err().println("reckon: gate: " + e.getMessage());
            return 1;
        }
        for (Gate.Change c : plan.changes())
            door.out().println((where.dryRun ? "would " : "") + (c.content() == null ? "remove " : "write ") + c.path()
                    + "  (" + c.why() + ")");
        if (plan.changes().isEmpty()) door.out().println("nothing to do: no gate in " + where.resolve(door));
        for (String w : plan.warnings()) door.err().println("reckon: gate: note: " + w);
        if (where.dryRun) return Main.EXIT_OK;
        Gate.apply(plan);
        try (Ledger ledger = door.openLedger()) {
            ledger.audit(new AuditEntry(door.now(), System.getProperty("user.name", "reckon"), action,
                    door.config().cluster(), null, null, true,
                    where.resolve(door) + (detail.isEmpty() ? "" : ": " + detail)));
        }
        return Main.EXIT_OK;
    }

    /** A user name or uid as a uid, through the system's user database ({@code id -u}). */
    private static int uid(Door door, String user) {
        if (user.matches("\\d+")) return Integer.parseInt(user);
        try {
            Process p = new ProcessBuilder("id", "-u", user).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).strip();
            if (p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0 && out.matches("\\d+")) return Integer.parseInt(out);
        } catch (IOException e) {
            throw door.usage("--exempt: cannot look up user \"" + user + "\": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        throw door.usage("--exempt: no user \"" + user + "\" on this machine");
    }
}
