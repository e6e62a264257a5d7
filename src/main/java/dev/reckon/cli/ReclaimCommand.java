package dev.reckon.cli;

import dev.reckon.act.Notices;
import dev.reckon.act.Reclaim;
import dev.reckon.charter.Charters;
import dev.reckon.ledger.JobQuery;
import dev.reckon.ledger.Ledger;
import dev.reckon.model.Charter;
import dev.reckon.model.Job;
import dev.reckon.core.Json;
import dev.reckon.review.Review;
import dev.reckon.source.slurm.SlurmCommands;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code reckon reclaim}: tell the users of running undefended jobs, then cancel those still undefended later. */
@Command(name = "reclaim", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Reviews the window as 'reckon review' does and acts on the kill list's RUNNING jobs (pending "
                + "jobs hold nothing yet; they are taken up once they run). It reads the ledger only: run 'reckon ingest "
                + "slurm' first (both from cron, e.g. every 15 minutes).",
                "A job whose user has not been told gets a notice (JSON: job_id, cluster, user, name, class, reason, "
                        + "cpus, gpus, mem_bytes, cancel_after) through --webhook and/or --mail-command; a job told at "
                        + "least --grace ago that is still undefended (charters re-read at that moment) is cancelled "
                        + "with scancel. Every notice and cancellation is written to the audit log; a job is never "
                        + "told twice nor cancelled twice, and a failed notice is tried again on the next run.",
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
        Duration graceDuration = notice.grace(door);
        Notices notices = notice.notices(door);
        boolean apply = notice.apply;
        Instant from = door.time(since, "--since");
        Instant now = door.now();
        Path d = dir.resolve(door);

        List<Reclaim.Step> steps;
        try (Ledger ledger = door.openLedger()) {
            List<Job> jobs = new ArrayList<>();
            ledger.forEachJob(JobQuery.all().withWindow(Review.historyStart(from), null), jobs::add);
            Review.Result r = review(door, d, jobs, from, now, true);
            steps = Reclaim.plan(r, ledger, now, graceDuration);
            if (apply) {
                SlurmCommands slurm = new SlurmCommands(SlurmCommands.DEFAULT_TIMEOUT, door.config().zone());
                Review.Result[] latest = {null};
                steps = Reclaim.carryOut(steps, ledger, now, System.getProperty("user.name", "reckon"),
                        new dev.reckon.act.SlurmJobActions(notices, slurm),
                        s -> {
                            // the charters as they stand now: one written during the grace period saves the job
                            if (latest[0] == null) latest[0] = review(door, d, jobs, from, door.now(), false);
                            return latest[0].killList().stream().anyMatch(k -> k.jobId().equals(s.jobId())
                                    && k.cluster().equals(s.cluster()));
                        });
            }
        }
        if (json) {
            door.out().println(Json.write(steps));
        } else {
            for (Reclaim.Step s : steps) {
                String verb = !apply ? s.action().word() : switch (s.action()) {
                    case NOTIFY -> s.applied() ? "notified" : "notify failed";
                    case CANCEL -> s.applied() ? "cancelled" : "cancel failed";
                    case WAIT -> "wait";
                };
                door.out().println(verb + " " + s.cluster() + " " + s.jobId() + " " + s.user() + ": " + s.why()
                        + (s.detail().isEmpty() ? "" : " [" + s.detail() + "]"));
            }
            if (steps.isEmpty()) door.out().println("nothing to do: no running undefended job");
        }
        return Main.EXIT_OK;
    }

    private static Review.Result review(Door door, Path d, List<Job> jobs, Instant from, Instant now, boolean report) {
        Charters cs = Charters.load(d, door.config().zone());
        if (report) CharterCommand.printProblems(door, cs.errors());
        List<Charter> charters = new ArrayList<>(cs.all());
        return Review.review(jobs, from, null, charters, cs.roster().orElse(null), now);
    }
}
