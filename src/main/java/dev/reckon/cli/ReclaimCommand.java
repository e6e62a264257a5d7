package dev.reckon.cli;

import dev.reckon.act.Reclaim;
import dev.reckon.app.Governance;
import dev.reckon.core.Json;
import dev.reckon.report.JsonVocabulary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.util.List;
import java.util.concurrent.Callable;

/** {@code reckon reclaim}: tell the users of running undefended jobs, then cancel those still undefended later. */
@Command(name = "reclaim", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Reviews the window as 'reckon review' does and acts on the kill list's RUNNING jobs (pending "
                + "jobs hold nothing yet; they are taken up once they run). It reads the ledger only: run 'reckon ingest "
                + "slurm' first (both from cron, e.g. every 15 minutes).",
                "A job whose user has not been told gets a notice (a subject and a plain-text body: the job, why it is "
                        + "undefended, when it will be cancelled, how to defend it; from templates a site may change, "
                        + "docs/site.md) through --webhook and/or --mail-command; a job told at "
                        + "least --grace ago that is still undefended (charters re-read at that moment) is cancelled "
                        + "with scancel. Every notice and cancellation is written to the audit log; a job is never "
                        + "told twice nor cancelled twice, and a failed notice is tried again on the next run.",
                "After a cancellation the user is told that it happened. The running jobs left alone are listed "
                        + "as spared, with why (defended by charter X; within its grace until T; claimed by another run).",
                "Without --apply nothing is sent, cancelled or recorded: one line per job says what would be done "
                        + "(notify, wait or cancel) and why."})
final class ReclaimCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    CharterDir dir;

    @Option(names = {"-S", "--since"}, paramLabel = "TIME", defaultValue = "30d",
            description = "Review window start (default: ${DEFAULT-VALUE}).")
    String since;
    @Mixin
    NoticeOptions notice;
    @Option(names = "--json", description = "Print the plan (or what was done) as a JSON array.")
    boolean json;

    @Override
    public Integer call() {
        Door door = new Door(spec);
        List<Reclaim.Step> steps = door.show(new Governance(door.context(dir)).reclaim(new Governance.ReclaimRequest(
                door.time(since, "--since"), notice.grace(door), notice.channels(), notice.apply)));
        if (json) {
            door.out().println(Json.write(JsonVocabulary.steps(steps)));
            return Main.EXIT_OK;
        }
        List<Reclaim.Step> spared = steps.stream().filter(s -> s.action() == Reclaim.Kind.WAIT
                || s.action() == Reclaim.Kind.SPARE).toList();
        for (Reclaim.Step s : steps) {
            if (spared.contains(s)) continue;
            String verb = !notice.apply ? s.action().word() : switch (s.action()) {
                case NOTIFY -> s.applied() ? "notified" : "notify failed";
                case CANCEL -> s.applied() ? "cancelled" : "cancel failed";
                case WAIT, SPARE -> s.action().word();
            };
            door.out().println(verb + " " + s.cluster() + " " + s.jobId() + " " + s.user() + ": " + s.why()
                    + " (kill list #" + s.killListRank() + ")" + (s.detail().isEmpty() ? "" : " [" + s.detail() + "]"));
        }
        if (steps.size() == spared.size()) door.out().println("nothing to do: no running undefended job to tell or cancel");
        if (!spared.isEmpty()) {
            door.out().println("spared (" + spared.size() + " running job" + (spared.size() == 1 ? "" : "s") + "):");
            for (Reclaim.Step s : spared) {
                door.out().println("  " + s.cluster() + " " + s.jobId() + " " + s.user() + " " + s.name() + ": "
                        + (s.action() == Reclaim.Kind.WAIT ? "within its grace: " : "") + s.why());
            }
        }
        if (!notice.apply && steps.size() > spared.size())
            door.out().println("(dry run: nothing was sent or cancelled; --apply carries it out)");
        return door.failed(notice.apply, steps.stream().filter(s -> s.action() != Reclaim.Kind.WAIT
                        && s.action() != Reclaim.Kind.SPARE && !s.applied())
                .map(s -> s.action().word() + " " + s.cluster() + " " + s.jobId()).toList());
    }
}
