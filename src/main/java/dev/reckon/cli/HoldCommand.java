package dev.reckon.cli;

import dev.reckon.act.Hold;
import dev.reckon.app.Governance;
import dev.reckon.core.Json;
import dev.reckon.report.JsonVocabulary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.util.List;
import java.util.concurrent.Callable;

/** {@code reckon hold}: hold the pending jobs nobody defends, so that they do not start. */
@Command(name = "hold", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Reviews the window as 'reckon review' does and holds (scontrol -M CLUSTER hold) the kill "
                + "list's PENDING jobs, or only the JOBs named, so that they do not start and consume what no charter "
                + "defends. Running jobs are reclaim's ('reckon reclaim'); a defended job is never held. It reads the "
                + "ledger only: run 'reckon ingest slurm' first.",
                "Each hold is claimed in the ledger, then done, then written to the audit log: a job is held once "
                        + "(two runs at once hold it once; a job its user released is not held again). Its user is then "
                        + "told (--webhook and/or --mail-command, needed with --apply; the hold-notice template, "
                        + "docs/site.md) how to defend and release it.",
                "Without --apply nothing is held or recorded: one line per job says what would be done and why."})
final class HoldCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    CharterDir dir;

    @Parameters(paramLabel = "JOB", arity = "0..*",
            description = "Only these jobs (ID or CLUSTER:ID); default: every pending undefended job of the window.")
    List<String> jobs = List.of();
    @Option(names = {"-S", "--since"}, paramLabel = "TIME", defaultValue = "30d",
            description = "Review window start (default: ${DEFAULT-VALUE}).")
    String since;
    @Mixin
    ChannelOptions notice;
    @Option(names = "--json", description = "Print the plan (or what was done) as a JSON array.")
    boolean json;

    @Override
    public Integer call() {
        Door door = new Door(spec);
        List<Hold.Step> steps = door.show(new Governance(door.context(dir)).hold(new Governance.HoldRequest(
                door.time(since, "--since"), jobs, notice.channels(), notice.apply)));
        if (json) {
            door.out().println(Json.write(JsonVocabulary.steps(steps)));
            return Main.EXIT_OK;
        }
        for (Hold.Step s : steps) {
            String verb = !notice.apply || s.action() != Hold.Kind.HOLD ? s.action().word() : s.applied() ? "held" : "hold failed";
            door.out().println(verb + " " + (s.cluster().isEmpty() ? "" : s.cluster() + " ") + s.jobId()
                    + (s.user().isEmpty() ? "" : " " + s.user()) + ": " + s.why()
                    + (s.killListRank() > 0 ? " (kill list #" + s.killListRank() + ")" : "")
                    + (s.detail().isEmpty() ? "" : " [" + s.detail() + "]"));
        }
        long toHold = steps.stream().filter(s -> s.action() == Hold.Kind.HOLD).count();
        if (steps.isEmpty()) door.out().println("nothing to do: no pending undefended job in the window");
        if (!notice.apply && toHold > 0) door.out().println("(dry run: nothing was held; --apply carries it out)");
        int refused = (int) steps.stream().filter(s -> s.action() == Hold.Kind.REFUSE).count();
        int failed = door.failed(notice.apply, steps.stream()
                .filter(s -> s.action() == Hold.Kind.HOLD && !s.applied())
                .map(s -> "hold " + s.cluster() + " " + s.jobId()).toList());
        return failed != Main.EXIT_OK ? failed : refused > 0 ? Main.EXIT_USAGE : Main.EXIT_OK;
    }
}
