package dev.reckon.cli;

import dev.reckon.charter.CharterFile;
import dev.reckon.charter.Charters;
import dev.reckon.ledger.JobQuery;
import dev.reckon.ledger.Ledger;
import dev.reckon.model.Charter;
import dev.reckon.model.Job;
import dev.reckon.core.Json;
import dev.reckon.report.ReviewHtml;
import dev.reckon.report.ReviewReport;
import dev.reckon.review.Review;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;

/** {@code reckon review}: who defends each job of a window, and what nobody does. */
@Command(name = "review", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Classifies every job that ran or waited in the window as defended (an active charter in its "
                + "window, reviewed on time, owner on the roster), habitual (a charter that exited, expired or is overdue "
                + "for review, or an uncharted job that recurs: same user, name pattern and shape in at least "
                + Review.RECURRING_WEEKS + " of the " + Review.LOOKBACK_WEEKS + " weeks before) or orphaned (nobody "
                + "claims it).",
                "Prints each class's share of CPU-, GPU- and memory-hours, each charter's consumption against its budget, "
                        + "the kill list (running and pending undefended jobs, most capacity first) and the top "
                        + "undefended signatures. Bad charter files are reported on standard error and left out."})
final class ReviewCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    CharterDir dir;

    @Option(names = {"-S", "--since"}, paramLabel = "TIME", defaultValue = "30d",
            description = "Window start (default: ${DEFAULT-VALUE}): 7d, 12h, 2024-03-01, 2024-03-01T08:00.")
    String since;
    @Option(names = {"-E", "--until"}, paramLabel = "TIME", description = "Window end (default: no end).")
    String until;
    @Option(names = "--period", paramLabel = "DURATION", defaultValue = "7d",
            description = "The periods recurrence is judged over (default: ${DEFAULT-VALUE}, weeks from Monday 00:00 "
                    + "UTC): a job recurs when its signature ran in " + Review.RECURRING_WEEKS + " of the "
                    + Review.LOOKBACK_WEEKS + " periods before its own. 1d for daily jobs.")
    String period;
    @Option(names = "--json", description = "One JSON object: jobs, shares, charters, kill_list, signatures.")
    boolean json;
    @Option(names = "--markdown", description = "The tables as Markdown.")
    boolean markdown;
    @Option(names = "--html", paramLabel = "FILE", description = "Writes the review as one self-contained HTML page "
            + "with charts (no network, no script) to FILE and prints its path; - writes the page to standard output.")
    String html;

    @Override
    public Integer call() {
        Door door = new Door(spec);
        if ((json ? 1 : 0) + (markdown ? 1 : 0) + (html != null ? 1 : 0) > 1)
            throw door.usage("--json, --markdown and --html: choose one");
        Instant from = door.time(since, "--since");
        Instant to = door.time(until, "--until");
        Duration every = door.duration(period, "--period");
        if (every.getSeconds() < 1) throw door.usage("--period: at least 1s");
        ZoneId zone = door.config().zone();
        Path d = dir.resolve(door);
        Charters cs = Charters.load(d, zone);
        CharterCommand.printProblems(door, cs.errors());
        List<Charter> charters = withRosterRefused(cs, zone);

        List<Job> jobs = new ArrayList<>();
        java.util.Map<String, Instant> won;
        try (Ledger ledger = door.openLedger()) {
            ledger.forEachJob(JobQuery.all().withWindow(Review.historyStart(from, every), to), jobs::add);
            // when each active charter's success condition came true: its later consumption is overrun after victory
            List<Charter> active = charters.stream().filter(c -> c.status() == Charter.Status.ACTIVE).toList();
            won = dev.reckon.exits.Exits.successes(ExitsCommand.evaluate(ledger, active, door.now(),
                    dev.reckon.exits.Exits.Options.DEFAULT));
        }
        Review.Result r = Review.review(jobs, from, to, charters, cs.roster().orElse(null), door.now(), every, won);
        if (html != null) return writeHtml(door, ReviewHtml.page(r, zone));
        if (json) door.out().println(Json.write(r));
        else if (markdown) door.out().print(ReviewReport.markdown(r, zone));
        else door.out().print(ReviewReport.terminal(r, zone));
        return Main.EXIT_OK;
    }

    private int writeHtml(Door door, String page) {
        return door.write(html, page);
    }

    /**
     * The valid charters, plus those refused only because their owner is not on the roster: the review still needs
     * them, to call their jobs orphaned for that reason rather than for having no charter.
     */
    static List<Charter> withRosterRefused(Charters cs, ZoneId zone) {
        List<Charter> out = new ArrayList<>(cs.all());
        if (cs.roster().isEmpty()) return out;
        Set<String> ids = new HashSet<>();
        for (Charter c : out) ids.add(c.id());
        for (Path f : cs.files()) {
            CharterFile.Result r = CharterFile.read(f, zone);
            if (r.ok() && r.charter() != null && ids.add(r.charter().id())
                    && !cs.roster().get().contains(r.charter().owner())) out.add(r.charter());
        }
        return out;
    }
}
