package dev.reckon.cli;

import dev.reckon.act.Gate;
import dev.reckon.app.Gatekeeping;
import dev.reckon.app.Outcome;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

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
                    "A job_submit.lua of the site's own is kept: install refuses (exit 1, nothing written); give "
                            + "--replace to swap it out (it is saved and put back by 'reckon gate uninstall'), or "
                            + "--module-only to call the check from it."})
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
            return show(door, new Gatekeeping(door.context(charters)).install(new Gatekeeping.InstallRequest(
                    where.resolve(door), mode, exempt, replace, moduleOnly, where.dryRun)));
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
            return show(door, new Gatekeeping(door.context(charters)).sync(
                    new Gatekeeping.SyncRequest(where.resolve(door), where.dryRun)));
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
            return show(door, new Gatekeeping(door.context()).uninstall(
                    new Gatekeeping.UninstallRequest(where.resolve(door), where.dryRun)));
        }
    }

    /** Prints what the gate command did (or would do): its problems and notes, then each file changed. */
    private static int show(Door door, Outcome<Gatekeeping.Done> o) {
        Gatekeeping.Done d = door.show(o);
        if (d.refused() != null) {
            door.err().println("reckon: gate: " + d.refused());
            return 1;
        }
        for (Gate.Change c : d.changes())
            door.out().println((d.dryRun() ? "would " : "") + (c.content() == null ? "remove " : "write ") + c.path()
                    + "  (" + c.why() + ")");
        if (d.changes().isEmpty()) door.out().println("nothing to do: no gate in " + d.dir());
        return Main.EXIT_OK;
    }
}
