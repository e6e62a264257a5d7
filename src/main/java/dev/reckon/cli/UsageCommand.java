package dev.reckon.cli;

import dev.reckon.app.Accounting;
import dev.reckon.report.UsageReport;
import dev.reckon.review.UsageTally;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code reckon usage}: what the window's jobs consumed, per user, account, partition, charter or cluster. */
@Command(name = "usage", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Usage summaries from the ledger: the CPU-, GPU- and memory-hours the jobs held inside the "
                + "window (allocation x time: what was charged, used or not; a job running across the window's start "
                + "or end counts its part inside), and how many jobs, per group, largest first, each with its share "
                + "of the total.",
                "--by charter groups each job under the first charter that claims it (charter=<id> comment, wckey, "
                        + "account, user and job name) and shows each charter's budget and how much of it the window "
                        + "used. --over-time adds each group per day or week with running totals; --charter ID shows "
                        + "one charter over time against its budget, from its start (every job it claims, as "
                        + "reckon exits counts them).",
                "The ledger selects the window's jobs; the hours are summed as they stream past (one entry per group "
                        + "and period in memory). See docs/ledger.md."})
final class UsageCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    CharterDir dir;

    @Option(names = "--by", paramLabel = "GROUP", completionCandidates = ByNames.class,
            description = "user, account, partition, charter or cluster (default: user).")
    String by;
    @Option(names = {"-S", "--since"}, paramLabel = "TIME", description = "Window start (default: 30d; with "
            + "--charter, its start): 7d, 12h, 2024-03-01, 2024-03-01T08:00.")
    String since;
    @Option(names = {"-E", "--until"}, paramLabel = "TIME", description = "Window end, excluded (default: now).")
    String until;
    @Option(names = "--charter", paramLabel = "ID", description = "One charter over time against its budget.")
    String charter;
    @Option(names = {"-M", "--cluster"}, paramLabel = "NAME[,NAME...]", split = ",",
            description = "Only the jobs of these clusters (repeatable, or a comma list; default: every cluster).")
    java.util.List<String> clusters;
    @Option(names = "--over-time", description = "Each group per day or week as well, with running totals "
            + "(and, for charters, the share of the budget used so far).")
    boolean overTime;
    @Option(names = "--per", paramLabel = "day|week", description = "The period over time (default: day for windows "
            + "up to 31 days, else week; weeks start on Monday).")
    String per;
    @Option(names = "--sort", paramLabel = "cpu|gpu|mem|jobs", description = "What to sort the groups by, largest "
            + "first (default: cpu; gpu for charters).")
    String sort;
    @Option(names = "--json", description = "One JSON object: since, until, by, per, sort, total, groups (each: name, "
            + "jobs, cpu_hours, gpu_hours, mem_gb_hours, cpu_share, gpu_share, mem_gb_share, budget, budget_used, "
            + "periods).")
    boolean json;
    @Option(names = "--markdown", description = "As Markdown tables.")
    boolean markdown;

    /** The groupings, for completion. */
    static final class ByNames implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return Accounting.BY.iterator();
        }
    }

    @Override
    public Integer call() {
        Door door = new Door(spec);
        if (json && markdown) throw door.usage("--json and --markdown: choose one");
        UsageTally.Summary s = door.show(new Accounting(door.context(dir)).usage(new Accounting.Request(by,
                door.time(since, "--since"), door.time(until, "--until"), charter, overTime, per, sort,
                clusters)));
        if (json) door.out().println(UsageReport.json(s, door.config().zone()));
        else if (markdown) door.out().print(UsageReport.markdown(s, door.config().zone()));
        else door.out().print(UsageReport.terminal(s, door.config().zone()));
        return Main.EXIT_OK;
    }
}
