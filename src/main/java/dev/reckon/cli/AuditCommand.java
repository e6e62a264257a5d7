package dev.reckon.cli;

import dev.reckon.app.Records;
import dev.reckon.model.AuditEntry;
import dev.reckon.report.Format;
import dev.reckon.core.Json;
import dev.reckon.report.Table;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code reckon audit}: what reckon did, or would have done, to jobs: notices, holds, cancellations. */
@Command(name = "audit", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Lists the audit log: every notice, hold and cancellation reckon made or proposed, oldest first.",
                "APPLIED: yes when the action was carried out, no when it was only proposed (a dry run) or failed."})
final class AuditCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = {"-S", "--since"}, paramLabel = "TIME", description = "From this time: 30d, 12h, 2024-03-01, 2024-03-01T08:00 (default: the start).")
    String since;
    @Option(names = {"-E", "--until"}, paramLabel = "TIME", description = "Before this time (default: no end).")
    String until;
    @Option(names = {"-j", "--job"}, paramLabel = "ID", description = "Only entries about this job (its id as sacct prints it).")
    String job;
    @Option(names = "--json", description = "One JSON array of entry objects, for scripts.")
    boolean json;

    @Override
    public Integer call() {
        Door door = new Door(spec);
        Instant from = door.time(since, "--since");
        Instant to = door.time(until, "--until");
        ZoneId zone = door.config().zone();
        Records.AuditLog log = new Records(door.context()).audit(new Records.AuditRequest(from, to, job));
        if (json) {
            door.out().println(Json.write(log));
            return 0;
        }
        List<AuditEntry> entries = log.entries();
        if (entries.isEmpty()) {
            door.err().println("the audit log holds no entries" + (job == null ? "" : " for job " + job)
                    + (from == null && to == null ? "" : " in that window"));
            return 0;
        }
        Table t = new Table("TIME (" + dev.reckon.report.Format.zone(zone) + ")", "ACTION", "APPLIED", "CLUSTER", "JOBID", "CHARTER", "ACTOR", "DETAIL");
        for (AuditEntry e : entries) {
            t.row(Format.time(e.at(), zone), e.action(), e.applied() ? "yes" : "no", e.cluster(), e.jobId(),
                    e.charter(), e.actor(), e.detail());
        }
        door.out().print(t.render());
        return 0;
    }
}
