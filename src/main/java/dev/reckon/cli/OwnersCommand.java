package dev.reckon.cli;

import dev.reckon.app.Governance;
import dev.reckon.core.Json;
import dev.reckon.report.JsonVocabulary;
import dev.reckon.report.OwnersReport;
import dev.reckon.review.Owners;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

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
    @Option(names = {"-M", "--cluster"}, paramLabel = "NAME[,NAME...]", split = ",",
            description = "Only the jobs of these clusters (repeatable, or a comma list; default: every cluster).")
    java.util.List<String> clusters;
    @Option(names = "--json", description = "One JSON object: now, since, until, limit, weeks, owners, unowned.")
    boolean json;

    @Override
    public Integer call() {
        Door door = new Door(spec);
        Owners.Result r = door.show(new Governance(door.context(dir)).owners(
                new Governance.OwnersRequest(door.time(since, "--since"), door.time(until, "--until"), limit,
                        clusters)));
        if (json) door.out().println(Json.write(JsonVocabulary.owners(r)));
        else door.out().print(OwnersReport.terminal(r, door.config().zone(), 0));
        return Main.EXIT_OK;
    }
}
