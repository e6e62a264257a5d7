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
        subcommands = {AuditCommand.ClaimsList.class, AuditCommand.Release.class},
        description = {"Lists the audit log: every notice, hold and cancellation reckon made or proposed, oldest first.",
                "APPLIED: yes when the action was carried out, no when it was only proposed (a dry run) or failed.",
                "'reckon audit claims' lists the actions claimed and never settled (a run killed while acting); "
                        + "'reckon audit release CLAIM' lets the next run carry one out."})
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

    // ------------------------------------------------------------------------------------------------ claims

    @Command(name = "claims", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Lists the claims never settled, oldest first. reclaim --apply and exits enforce --apply "
                    + "claim each action in the ledger before carrying it out and settle the claim after; a run "
                    + "killed in between leaves its claim, and no later run carries that action out (it may or may "
                    + "not have happened). Check (the notice's recipient, squeue, the audit log), then release it.",
                    "A claim of a few seconds or minutes may belong to a run still in progress: leave it."})
    static final class ClaimsList implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Option(names = "--json", description = "One JSON array of claim objects (id, cluster, job_id, action, "
                + "charter, actor, at, age_seconds), for scripts.")
        boolean json;

        @Override
        public Integer call() {
            Door door = new Door(spec);
            Records.Unsettled claims = new Records(door.context()).claims();
            if (json) {
                door.out().println(Json.write(claims));
                return 0;
            }
            List<Records.ClaimView> views = claims.json();
            if (views.isEmpty()) {
                door.err().println("no unsettled claims: every action claimed was settled");
                return 0;
            }
            Table t = new Table("CLAIM", "ACTION", "CLUSTER", "JOBID", "CHARTER", "ACTOR", "SINCE", "AGE");
            List<Instant> times = claims.times();
            for (int i = 0; i < views.size(); i++) {
                Records.ClaimView v = views.get(i);
                t.row(v.id(), v.action(), v.cluster(), v.jobId(), v.charter(), v.actor(),
                        Format.time(times.get(i), door.config().zone()), age(v.ageSeconds()));
            }
            door.out().print(t.render());
            door.out().println("(check each action was not carried out, or that doing it again is wanted; then "
                    + "'reckon audit release CLAIM')");
            return 0;
        }

        private static String age(long s) {
            if (s < 120) return s + "s";
            if (s < 7200) return s / 60 + "m";
            if (s < 172_800) return s / 3600 + "h";
            return s / 86_400 + "d";
        }
    }

    @Command(name = "release", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Releases a claim never settled (see 'reckon audit claims'), so that the next reclaim "
                    + "--apply or exits enforce --apply carries its action out, again if the killed run had done it "
                    + "already. The release is audited (action release-claim). Exit 1 when no unsettled claim has "
                    + "that id."})
    static final class Release implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @picocli.CommandLine.Parameters(paramLabel = "CLAIM",
                description = "The claim's id as 'reckon audit claims' prints it: CLUSTER/JOBID/ACTION/CHARTER.")
        String id;

        @Override
        public Integer call() {
            Door door = new Door(spec);
            Records.Released r = new Records(door.context()).release(id);
            if (!r.released()) {
                door.err().println("reckon: no unsettled claim " + id + " (reckon audit claims lists them)");
                return 1;
            }
            door.out().println("released " + r.id() + ": " + r.claim().action() + " claimed by " + r.claim().actor()
                    + " at " + r.claim().at() + "; the next run may carry it out");
            return 0;
        }
    }
}
