package dev.reckon.cli;

import dev.reckon.app.Channels;
import dev.reckon.app.Governance;
import dev.reckon.core.Json;
import dev.reckon.report.JsonVocabulary;
import dev.reckon.report.ReviewHtml;
import dev.reckon.report.ReviewReport;
import dev.reckon.review.Review;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.time.Duration;
import java.time.ZoneId;
import java.util.concurrent.Callable;

/** {@code reckon review}: who defends each job of a window, and what nobody does. */
@Command(name = "review", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Classifies every job that ran or waited in the window as defended (an active charter in its "
                + "window, reviewed on time, owner on the roster), habitual (a charter that exited, expired or is overdue "
                + "for review, each as it stood when the job ran; or an unchartered job that recurs: same user, name "
                + "pattern and shape in at least " + Review.RECURRING_WEEKS + " of the " + Review.LOOKBACK_WEEKS
                + " weeks, or days, before) or orphaned (nobody claims it).",
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
    @Option(names = "--period", paramLabel = "DURATION",
            description = "Judge recurrence over periods of this length only (aligned on Monday 00:00 UTC): a job "
                    + "recurs when its signature ran in " + Review.RECURRING_WEEKS + " of the " + Review.LOOKBACK_WEEKS
                    + " periods before its own. Default: weeks and days both (a weekly habit from its fourth week, a "
                    + "daily one from its fourth day).")
    String period;
    @Option(names = {"-M", "--cluster"}, paramLabel = "NAME[,NAME...]", split = ",",
            description = "Only the jobs of these clusters (repeatable, or a comma list; default: every cluster).")
    java.util.List<String> clusters;
    @Option(names = "--json", description = "One JSON object: jobs, shares, charters, kill_list, signatures.")
    boolean json;
    @Option(names = "--markdown", description = "The tables as Markdown.")
    boolean markdown;
    @Option(names = "--html", paramLabel = "FILE", description = "Writes the review as one self-contained HTML page "
            + "with charts (no network, no script) to FILE and prints its path; - writes the page to standard output.")
    String html;

    @Option(names = "--digest", description = "A digest for group leads instead, as Markdown: per charter, what it "
            + "used against its budget, its verdict, the undefended work of its owner and members, its upcoming stops. "
            + "With --mail-command (or --webhook) it is sent: to --to, else to each charter's owner (their charters).")
    boolean digest;
    @Option(names = "--mail-command", paramLabel = "CMD", description = "With --digest: run CMD (through /bin/sh) per "
            + "recipient with the digest on standard input, its subject in $RECKON_SUBJECT and the recipient as the "
            + "last argument, e.g. 'mail -s \"$RECKON_SUBJECT\"'.")
    String mailCommand;
    @Option(names = "--webhook", paramLabel = "URL", description = "With --digest: POST it as JSON (subject, text).")
    String webhook;
    @Option(names = "--to", paramLabel = "ADDRESS", description = "With --digest: send the whole digest here "
            + "instead of to each owner.")
    String to;

    @Override
    public Integer call() {
        Door door = new Door(spec);
        if ((json ? 1 : 0) + (markdown ? 1 : 0) + (html != null ? 1 : 0) + (digest ? 1 : 0) > 1)
            throw door.usage("--json, --markdown, --html and --digest: choose one");
        if (!digest && (mailCommand != null || webhook != null || to != null))
            throw door.usage("--mail-command, --webhook and --to go with --digest");
        if (digest) {
            Governance.Digest d = door.show(new Governance(door.context(dir)).digest(new Governance.DigestRequest(
                    door.time(since, "--since"), door.time(until, "--until"), new Channels(webhook, mailCommand), to)));
            if (mailCommand == null && webhook == null) door.out().print(d.markdown());
            for (String s : d.sent()) door.out().println("sent: " + s);
            for (String f : d.failed()) door.err().println("reckon: " + f);
            return d.failed().isEmpty() ? Main.EXIT_OK : Main.EXIT_TEMPFAIL;
        }
        Duration every = period == null ? null : door.duration(period, "--period");
        Review.Result r = door.show(new Governance(door.context(dir)).review(
                new Governance.ReviewRequest(door.time(since, "--since"), door.time(until, "--until"), every,
                        clusters)));
        ZoneId zone = door.config().zone();
        if (html != null) return door.write(html, ReviewHtml.page(r, zone));
        if (json) JsonVocabulary.writeReview(r, door.out());
        else if (markdown) door.out().print(ReviewReport.markdown(r, zone));
        else door.out().print(ReviewReport.terminal(r, zone));
        return Main.EXIT_OK;
    }
}
