package dev.reckon.cli;

import dev.reckon.charter.Charters;
import dev.reckon.exits.Exits;
import dev.reckon.ledger.JobQuery;
import dev.reckon.ledger.Ledger;
import dev.reckon.model.Charter;
import dev.reckon.model.Job;
import dev.reckon.review.Review;
import dev.reckon.sim.Machine;
import dev.reckon.sim.RightSizing;
import dev.reckon.sim.SimDefaults;
import dev.reckon.sim.WhatIf;
import dev.reckon.sim.Workload;
import dev.reckon.sim.parser.LedgerWorkload;
import dev.reckon.sim.parser.Load;
import dev.reckon.sim.parser.SwfWorkload;
import dev.reckon.report.sim.WhatIfReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.IntPredicate;

/** {@code reckon whatif}: one period replayed under variants side by side. */
@Command(name = "whatif", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Replays a period of the ledger (or an SWF trace) on a simulated machine under variants side by "
                + "side: as it happened, without the undefended jobs (habitual and orphaned, as reckon review "
                + "classifies them with the charters), with N%% more nodes, and with time limits and memory "
                + "right-sized to what the jobs used. Prints the waits, bounded slowdown, utilisation and makespan of "
                + "each, the recorded waits for reference, and the comparison in plain words.",
                "Right-sizing: time limit = used elapsed x 1.5 (at least 10 min), memory = peak x 1.5 (at least "
                        + "1 GiB), never above the request (defaults: src/main/resources/dev/reckon/sim/"
                        + "defaults.properties). See docs/sim.md."})
final class WhatIfCommand implements Callable<Integer> {
    static final String UNDEFENDED = "undefended";

    @Spec
    CommandSpec spec;
    @Mixin
    CharterDir dir;

    @Mixin
    SimSource input;
    @Option(names = "--add-nodes", paramLabel = "PERCENT", description = "Extra nodes for the 'more nodes' variant, "
            + "e.g. 10%% (default from the defaults file: 10%%).")
    String addNodes;
    @Option(names = "--undefended-users", paramLabel = "USER,...", split = ",", description = "With --trace: the "
            + "users whose jobs count as undefended.")
    List<String> undefendedUsers;
    @Option(names = "--json", description = "One JSON object: variants (name, jobs, metrics), recorded, undefended, "
            + "summary, notes.")
    boolean json;
    @Option(names = "--html", paramLabel = "FILE", description = "Writes a self-contained HTML page to FILE and prints "
            + "its path; - writes it to standard output.")
    String html;

    @Override
    public Integer call() throws IOException {
        Door door = new Door(spec);
        if (json && html != null) throw door.usage("--json and --html: choose one");
        input.check(door);
        if (input.trace == null && undefendedUsers != null) {
            throw door.usage("--undefended-users applies to --trace; the ledger's undefended come from the charters");
        }
        SimDefaults defaults = SimDefaults.load();
        double percent = addNodes == null ? defaults.addNodesPercent() : percent(door, addNodes);
        Inputs in = input.trace != null ? fromTrace(defaults.rightSizing()) : fromLedger(door, defaults.rightSizing());
        Machine machine = input.machine(in.load);
        WhatIf.Result r = WhatIf.compare(machine, in.load.workload(), in.undefended, in.rightSized,
                WhatIf.Recorded.of(in.waits), percent, input.policy, defaults);
        List<String> notes = new ArrayList<>(in.notes);
        notes.addAll(r.notes());
        notes.add("right-sizing: " + defaults.rightSizing().describe());
        r = new WhatIf.Result(r.policy(), r.variants(), r.recorded(), r.undefended(), r.summary(), notes);
        if (html != null) return writeHtml(door, WhatIfReport.html(r, in.source, machine));
        if (json) door.out().println(WhatIfReport.json(r, in.source, machine));
        else door.out().print(WhatIfReport.terminal(r, in.source, machine));
        return Main.EXIT_OK;
    }

    /** What a source gives the comparison. */
    private record Inputs(Load load, IntPredicate undefended, Workload rightSized, long[] waits, String source,
                          List<String> notes) {}

    private Inputs fromTrace(RightSizing sizing) throws IOException {
        Path t = input.traceFile();
        long[][] waits = {new long[1024]};
        int[] n = {0};
        Load load = SwfWorkload.read(t, j -> {
            if (j.submit() != null && j.start() != null && j.elapsedS() != null) {
                if (n[0] == waits[0].length) waits[0] = Arrays.copyOf(waits[0], n[0] * 2);
                waits[0][n[0]++] = j.start().getEpochSecond() - j.submit().getEpochSecond();
            }
            return j;
        });
        Workload sized = SwfWorkload.read(t, sizing::apply).workload();
        List<String> notes = new ArrayList<>(load.notes());
        IntPredicate undefended = null;
        if (undefendedUsers != null && !undefendedUsers.isEmpty()) {
            Set<String> users = new HashSet<>(undefendedUsers);
            Workload w = load.workload();
            undefended = j -> users.contains(w.user(j));
            notes.add("undefended: the jobs of " + String.join(", ", undefendedUsers) + " (--undefended-users)");
        } else {
            notes.add("an SWF trace has no charters: give --undefended-users to say whose jobs are undefended");
        }
        return new Inputs(load, undefended, sized, Arrays.copyOf(waits[0], n[0]), t.getFileName().toString(), notes);
    }

    private Inputs fromLedger(Door door, RightSizing sizing) {
        Instant from = input.from(door);
        Instant to = input.to(door);
        ZoneId zone = door.config().zone();
        Charters cs = Charters.load(dir.resolve(door), zone);
        CharterCommand.printProblems(door, cs.errors());
        List<Charter> charters = ReviewCommand.withRosterRefused(cs, zone);
        List<Job> jobs = new ArrayList<>();
        Map<String, Instant> won;
        try (Ledger ledger = door.openLedger()) {
            ledger.forEachJob(JobQuery.all().withWindow(Review.historyStart(from, Review.PERIOD), to), jobs::add);
            List<Charter> active = charters.stream().filter(c -> c.status() == Charter.Status.ACTIVE).toList();
            won = Exits.successes(ExitsCommand.evaluate(ledger, active, door.now(), Exits.Options.DEFAULT));
        }
        Review.Result review = Review.review(jobs, from, to, charters, cs.roster().orElse(null), door.now(),
                Review.PERIOD, won);
        Set<String> undefended = new HashSet<>();
        for (Review.JobVerdict v : review.jobs()) {
            if (v.jobClass() != Review.JobClass.DEFENDED) undefended.add(v.cluster() + "\u0000" + v.jobId());
        }
        java.util.function.Function<Job, String> tagger =
                j -> undefended.contains(j.cluster() + "\u0000" + j.jobId()) ? UNDEFENDED : null;
        Load load = LedgerWorkload.of(jobs, from, to, tagger);
        Workload sized = LedgerWorkload.of(jobs.stream().map(sizing::apply).toList(), from, to, tagger).workload();
        long[] waits = new long[jobs.size()];
        int n = 0;
        for (Job j : jobs) {
            if (j.submit() == null || j.start() == null || j.end() == null) continue;
            if (from != null && j.submit().isBefore(from)) continue;
            if (to != null && !j.submit().isBefore(to)) continue;
            waits[n++] = j.start().getEpochSecond() - j.submit().getEpochSecond();
        }
        List<String> notes = new ArrayList<>(load.notes());
        if (charters.isEmpty()) notes.add("no charters in " + dir.resolve(door) + ": every job counts as undefended");
        Workload w = load.workload();
        IntPredicate isUndefended = j -> UNDEFENDED.equals(w.tag(j));
        return new Inputs(load, isUndefended, sized, Arrays.copyOf(waits, n), "the ledger", notes);
    }

    private static double percent(Door door, String text) {
        String t = text.strip();
        if (t.endsWith("%")) t = t.substring(0, t.length() - 1).strip();
        try {
            double p = Double.parseDouble(t);
            if (!(p > -100) || p > 10_000 || Double.isNaN(p)) throw new NumberFormatException();
            return p;
        } catch (NumberFormatException e) {
            throw door.usage("--add-nodes: \"" + text + "\" is not a percentage such as 10%");
        }
    }

    private int writeHtml(Door door, String page) {
        return door.write(html, page);
    }
}
