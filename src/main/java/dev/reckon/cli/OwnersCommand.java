package dev.reckon.cli;

import dev.reckon.charter.Charters;
import dev.reckon.ledger.JobQuery;
import dev.reckon.ledger.Ledger;
import dev.reckon.model.Job;
import dev.reckon.core.Json;
import dev.reckon.report.OwnersReport;
import dev.reckon.review.Owners;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code reckon owners}: who holds which active charters, and how much babysitting their jobs cost. */
@Command(name = "owners", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Attention: for each charter owner, the active charters they hold (flagged above --limit) and the "
                + "babysitting load of their charters' jobs in the window, per week: failed, timed out, memory-killed "
                + "(OUT_OF_MEMORY, or FAILED with exit code 0:9 or 0:125) and resubmitted (the same user and name pattern "
                + "sent again within " + Owners.RESUBMIT_WINDOW_MIN + " minutes after a failure).",
                "Jobs no charter claims have no owner: their load is listed per user as unowned. Bad charter files are "
                        + "reported on standard error and left out."})
final class OwnersCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    CharterDir dir;

    @Option(names = {"-S", "--since"}, paramLabel = "TIME", defaultValue = "30d",
            description = "Window start (default: ${DEFAULT-VALUE}): 7d, 12h, 2024-03-01, 2024-03-01T08:00.")
    String since;
    @Option(names = {"-E", "--until"}, paramLabel = "TIME", description = "Window end (default: now).")
    String until;
    @Option(names = "--limit", paramLabel = "N", defaultValue = "" + Owners.DEFAULT_LIMIT,
            description = "Active charters one owner may hold before being flagged (default: ${DEFAULT-VALUE}).")
    int limit;
    @Option(names = "--json", description = "One JSON object: now, since, until, limit, weeks, owners, unowned.")
    boolean json;

    @Override
    public Integer call() {
        Door door = new Door(spec);
        if (limit < 0) throw door.usage("--limit: must be 0 or more");
        Instant from = door.time(since, "--since");
        Instant to = door.time(until, "--until");
        ZoneId zone = door.config().zone();
        Charters cs = Charters.load(dir.resolve(door), zone);
        CharterCommand.printProblems(door, cs.errors());
        List<Job> jobs = new ArrayList<>();
        try (Ledger ledger = door.openLedger()) {
            ledger.forEachJob(JobQuery.all().withWindow(from == null ? null : from.minus(Duration.ofHours(1)), to), jobs::add);
        }
        Owners.Result r = Owners.analyze(jobs, from, to, cs.all(), limit, door.now());
        if (json) door.out().println(Json.write(r));
        else door.out().print(OwnersReport.terminal(r, zone, 0));
        return Main.EXIT_OK;
    }
}
