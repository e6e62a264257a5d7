package dev.reckon.cli;

import dev.reckon.act.CharterQos;
import dev.reckon.charter.Charters;
import dev.reckon.ledger.Ledger;
import dev.reckon.model.AuditEntry;
import dev.reckon.model.Charter;
import dev.reckon.source.slurm.SlurmCommands;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code reckon charter apply ID}: the charter's budget as a Slurm QOS, so Slurm itself stops the effort at it. */
@Command(name = "apply", mixinStandardHelpOptions = true,
        description = {"Creates (or updates) a Slurm QOS named after the charter, with GrpTRESMins equal to its budget "
                + "(cpu and gres/gpu minutes; mem in MB-minutes when it budgets memory) and Flags=NoDecay, and adds it "
                + "to the associations of the charter's owner and members in its accounts (all their accounts when it "
                + "names none). Jobs run with --qos=<id> are then stopped by Slurm when the budget is spent, even when "
                + "reckon is not running.",
                "Needs AccountingStorageEnforce=limits,qos and PriorityType=priority/multifactor in slurm.conf. Slurm "
                        + "counts from the moment the QOS exists. Every sacctmgr command is written to the audit log; "
                        + "--dry-run prints them instead."})
final class CharterApplyCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    CharterDir dir;
    @Parameters(paramLabel = "ID", description = "The charter's id.")
    String id;
    @Option(names = "--dry-run", description = "Print the sacctmgr commands; change nothing.")
    boolean dryRun;

    @Override
    public Integer call() {
        Door door = new Door(spec);
        Charters cs = Charters.load(dir.resolve(door), door.config().zone());
        Charter c = cs.byId(id).orElse(null);
        if (c == null) {
            CharterCommand.printProblems(door, cs.errors());
            door.err().println("reckon: no valid charter " + id + " in " + dir.resolve(door));
            return 1;
        }
        SlurmCommands slurm = new SlurmCommands(SlurmCommands.DEFAULT_TIMEOUT, door.config().zone());
        String cluster = slurm.clusterName();
        String qos = CharterQos.qosName(c);
        String description = null;
        for (String line : slurm.run("sacctmgr", "-n", "-P", "list", "qos", qos, "format=name,description").lines().toList()) {
            String[] f = line.split("\\|", -1);
            if (f.length >= 2 && f[0].equals(qos)) description = f[1];
        }
        Map<String, String> assocs = new LinkedHashMap<>();
        for (String line : slurm.run("sacctmgr", "-n", "-P", "list", "assoc", "cluster=" + cluster,
                "format=user,account,qos").lines().toList()) {
            String[] f = line.split("\\|", -1);
            if (f.length >= 3 && !f[0].isEmpty()) assocs.put(f[0] + "|" + f[1], f[2]);
        }
        CharterQos.Plan plan;
        try {
            plan = CharterQos.plan(c, cluster, new CharterQos.Current(description, assocs));
        } catch (CharterQos.Refused e) {
            door.err().println("reckon: charter apply: " + e.getMessage());
            return 1;
        }
        for (String n : plan.notes()) door.err().println("reckon: charter apply: note: " + n);
        try (Ledger ledger = dryRun ? null : door.openLedger()) {
            for (List<String> cmd : plan.commands()) {
                door.out().println((dryRun ? "would run: " : "") + String.join(" ", cmd));
                if (dryRun) continue;
                slurm.run(cmd.get(0), cmd.subList(1, cmd.size()).toArray(String[]::new));
                ledger.audit(new AuditEntry(door.now(), System.getProperty("user.name", "reckon"), "qos", cluster, null,
                        c.id(), true, String.join(" ", cmd)));
            }
        }
        door.out().println((dryRun ? "would limit" : "limited") + " charter " + c.id() + " in Slurm: QOS " + plan.qos()
                + " GrpTRESMins=" + plan.limits() + " Flags=NoDecay; its jobs run with --qos=" + plan.qos());
        return Main.EXIT_OK;
    }
}
