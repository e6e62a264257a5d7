package dev.reckon.act;

import dev.reckon.model.Charter;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A charter's budget inside Slurm: a QOS named after the charter whose {@code GrpTRESMins} are the budget (CPU- and
 * GPU-minutes; memory in MB-minutes when the charter budgets memory) with {@code Flags=NoDecay}, allowed on the
 * associations of the charter's people in its accounts. A job run with {@code --qos=<id>} is then stopped by Slurm
 * itself when the effort has spent its budget (running jobs end as TIMEOUT, new ones wait with reason
 * {@code QOSGrpCPUMinutesLimit}), whether or not reckon runs. Slurm enforces this only with
 * {@code AccountingStorageEnforce} including {@code limits,qos} and {@code PriorityType=priority/multifactor}.
 *
 * <p>The plan is a list of {@code sacctmgr -i} command lines; the caller runs them (or prints them for a dry run).
 */
public final class CharterQos {
    /** The description that marks a QOS as a charter's: reckon only ever changes QOSes carrying it. */
    static final String MARK = "reckon charter ";

    private CharterQos() {}

    /** What Slurm has now, as far as the plan needs it. */
    public record Current(
            /* the QOS's description; null when there is no QOS of that name */
            String qosDescription,
            /* existing associations: "user|account" -> their QOS list (comma-separated) */
            Map<String, String> associations) {}

    /**
     * The plan.
     *
     * @param commands the sacctmgr command lines, in order
     * @param notes    what could not be tied, and why
     */
    public record Plan(String qos, String limits, List<List<String>> commands, List<String> notes) {}

    /** Refused: the name belongs to a QOS reckon did not make, or the charter gives nothing to tie. */
    public static final class Refused extends RuntimeException {
        public Refused(String message) {
            super(message);
        }
    }

    /** The QOS name for a charter: its id in lower case (Slurm keeps QOS names in lower case). */
    public static String qosName(Charter c) {
        return c.id().toLowerCase(Locale.ROOT);
    }

    /** {@code cpu=N,gres/gpu=M[,mem=K]}: the budget in Slurm's TRES-minutes, rounded up to whole minutes. */
    public static String limits(Charter.Budget b) {
        StringBuilder s = new StringBuilder();
        s.append("cpu=").append(minutes(b.cpuHours())).append(",gres/gpu=").append(minutes(b.gpuHours()));
        if (b.memGbHours() != null) s.append(",mem=").append(minutes(b.memGbHours() * 1024));
        return s.toString();
    }

    private static long minutes(double hours) {
        return (long) Math.ceil(Math.max(0, hours) * 60 - 1e-9);
    }

    /**
     * The commands that create (or update) the charter's QOS and add it to each association of its owner and members
     * in its accounts (or, for a charter naming no accounts, to each association those people have).
     *
     * @param cluster the cluster whose associations are meant
     * @param now     what Slurm has now
     */
    public static Plan plan(Charter c, String cluster, Current now) {
        String qos = qosName(c);
        String description = MARK + c.id() + ": " + (c.title() == null ? c.id() : c.title());
        if (now.qosDescription() != null && !now.qosDescription().toLowerCase(Locale.ROOT).startsWith(MARK))
            throw new Refused("Slurm already has a QOS named " + qos + " (\"" + now.qosDescription() + "\") that reckon "
                    + "did not make; it is left alone");
        String limits = limits(c.budget());
        List<List<String>> commands = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        if (now.qosDescription() == null) commands.add(List.of("sacctmgr", "-i", "add", "qos", qos));
        commands.add(List.of("sacctmgr", "-i", "modify", "qos", "where", "name=" + qos, "set",
                "Description=" + description.replaceAll("[\"'|]", " "), "GrpTRESMins=" + limits, "Flags=NoDecay"));

        Set<String> people = new LinkedHashSet<>();
        people.add(c.owner());
        people.addAll(c.members());
        int tied = 0;
        for (String person : people) {
            List<String> accounts = new ArrayList<>();
            for (String key : now.associations().keySet()) {
                String[] ua = key.split("\\|", 2);
                if (ua[0].equals(person) && (c.accounts().isEmpty() || c.accounts().contains(ua[1]))) accounts.add(ua[1]);
            }
            if (accounts.isEmpty()) {
                notes.add(person + " has no Slurm association" + (c.accounts().isEmpty() ? "" : " in "
                        + String.join(",", c.accounts())) + " on " + cluster + ": not tied");
                continue;
            }
            for (String account : accounts) {
                String have = now.associations().get(person + "|" + account);
                if (have != null && List.of(have.split(",")).contains(qos)) {
                    tied++;
                    continue;
                }
                commands.add(List.of("sacctmgr", "-i", "modify", "user", "where", "name=" + person,
                        "account=" + account, "cluster=" + cluster, "set", "qos+=" + qos));
                tied++;
            }
        }
        if (tied == 0)
            throw new Refused("no association of " + String.join(", ", people) + " to tie the QOS to on " + cluster
                    + (notes.isEmpty() ? "" : " (" + String.join("; ", notes) + ")"));
        return new Plan(qos, limits, commands, notes);
    }
}
