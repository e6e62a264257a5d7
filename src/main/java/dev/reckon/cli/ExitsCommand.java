package dev.reckon.cli;

import dev.reckon.act.ExitEnforcement;
import dev.reckon.app.ExitPlanning;
import dev.reckon.exits.Calendar;
import dev.reckon.exits.Exits;
import dev.reckon.report.ExitsReport;
import dev.reckon.report.Ical;
import dev.reckon.core.Json;
import dev.reckon.report.JsonVocabulary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.time.ZoneId;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code reckon exits}: every charter against its exits, the plan of stops, and (enforce) carrying the exits out. */
@Command(name = "exits", mixinStandardHelpOptions = true, sortOptions = false,
        subcommands = ExitsCommand.Enforce.class,
        description = {"Gives each charter a verdict at a moment (--at, default now): continue; approaching (a budget "
                + "nearly used or the window nearly over); success-exit (a success condition holds on the latest "
                + "reported metrics); failure-exit (budget spent, window over, or a failure condition holds, without "
                + "success); overrun (an exit is due and the charter's jobs consumed after it fell due — how much).",
                "Consumption is what the charter's jobs in the ledger held (allocated CPUs, GPUs, memory x time) from "
                        + "its window start; the burn rate is per day over the last --burn-days; the projected "
                        + "exhaustion is when the first budget runs out at that rate. See docs/exits.md."})
final class ExitsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    CharterDir dir;
    @Mixin
    Evaluation evaluation;

    @Option(names = "--json", description = "One JSON array, one object per charter (or per stop with --calendar, "
            + "per closing record with --closed).")
    boolean json;
    @Option(names = "--markdown", description = "The verdict table as Markdown.")
    boolean markdown;
    @Option(names = "--calendar", description = "The upcoming planned stops in date order: window ends, projected "
            + "budget exhaustion, review dates.")
    boolean calendar;
    @Option(names = "--ics", paramLabel = "FILE", description = "Writes the planned stops as an iCalendar file "
            + "(RFC 5545) to FILE and prints its path; - writes it to standard output.")
    String ics;
    @Option(names = {"-M", "--cluster"}, paramLabel = "NAME[,NAME...]", split = ",",
            description = "Only the charters that cover one of these clusters; each still counts its budget across every cluster it covers (repeatable, or a comma list; default: every cluster).")
    java.util.List<String> clusters;
    @Option(names = "--closed", description = "The closing records of the charters 'reckon exits enforce --apply' "
            + "closed: what each spent, achieved and freed.")
    boolean closed;

    /** The options that shape the evaluation, shared by the report and enforce. */
    static final class Evaluation {
        @Option(names = "--at", paramLabel = "TIME", description = "Evaluate at this moment (default: now): "
                + "2026-03-01, 2026-03-01T08:00, 3d (that long ago).")
        String at;
        @Option(names = "--approach-budget", paramLabel = "FRACTION", description = "Approaching from this fraction "
                + "of any budget used (default: the config's exits.approach_budget, else 0.8).")
        Double approachBudget;
        @Option(names = "--approach-days", paramLabel = "DAYS", description = "Approaching this many days before the "
                + "window ends (default: the config's exits.approach_days, else 7).")
        Integer approachDays;
        @Option(names = "--burn-days", paramLabel = "DAYS", defaultValue = "7", description = "The burn rate's window "
                + "(default: ${DEFAULT-VALUE} days).")
        int burnDays;

        ExitPlanning.Evaluation request(Door door) {
            return request(door, null);
        }

        ExitPlanning.Evaluation request(Door door, java.util.List<String> clusters) {
            return new ExitPlanning.Evaluation(at == null ? null : door.time(at, "--at"), approachBudget, approachDays,
                    burnDays, clusters);
        }
    }

    @Override
    public Integer call() {
        Door door = new Door(spec);
        int formats = (json ? 1 : 0) + (markdown ? 1 : 0);
        if (formats > 1) throw door.usage("--json and --markdown: choose one");
        if ((calendar ? 1 : 0) + (ics != null ? 1 : 0) + (closed ? 1 : 0) > 1)
            throw door.usage("--calendar, --ics and --closed: choose one");
        ZoneId zone = door.config().zone();
        ExitPlanning exits = new ExitPlanning(door.context(dir));
        if (closed) {
            List<ExitEnforcement.Closing> cs = exits.closed();
            door.out().print(json ? Json.write(JsonVocabulary.closings(cs)) + "\n" : ExitsReport.closings(cs, zone));
            return Main.EXIT_OK;
        }
        if (calendar || ics != null) {
            List<Calendar.Stop> stops = door.show(exits.calendar(evaluation.request(door, clusters)));
            if (ics != null) return door.write(ics, Ical.write(stops, door.now()));
            door.out().print(json ? Json.write(stops) + "\n" : ExitsReport.calendar(stops, zone));
            return Main.EXIT_OK;
        }
        List<Exits.Evaluation> es = door.show(exits.evaluate(evaluation.request(door, clusters)));
        if (json) door.out().println(Json.write(JsonVocabulary.exits(es)));
        else if (markdown) door.out().print(ExitsReport.markdown(es, zone));
        else door.out().print(es.isEmpty() ? "no charters in " + door.context(dir).charterDir() + "\n"
                : ExitsReport.terminal(es, zone));
        return Main.EXIT_OK;
    }

    // ------------------------------------------------------------------------------------------------ enforce

    @Command(name = "enforce", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Carries charters' exits out, per charter's on_exit (notify, the default; hold; cancel): "
                    + "tells the owner once when the charter approaches an exit and once when an exit falls due; with "
                    + "hold, also holds its pending jobs (scontrol hold); with cancel, also holds them and cancels its "
                    + "running jobs (scancel) once --grace has passed since the exit fell due or the owner was told, "
                    + "whichever is later. Then closes the charter: its final status (succeeded or failed) and a dated "
                    + "history entry in its file, and a closing record in the ledger ('reckon exits --closed').",
                    "It reads the ledger only: run 'reckon ingest slurm' first (both from cron). Every action is "
                            + "audited and none is done twice; a job that also belongs to another charter is never "
                            + "touched; charters are re-read before acting.",
                    "Without --apply nothing is sent, held, cancelled, written or recorded: one line per step says "
                            + "what would be done and why."})
    static final class Enforce implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        CharterDir dir;
        @Mixin
        Evaluation evaluation;
        @Mixin
        NoticeOptions notice;
        @Option(names = "--json", description = "Print the plan (or what was done) as a JSON array.")
        boolean json;

        @Override
        public Integer call() {
            Door door = new Door(spec);
            List<ExitEnforcement.Step> steps = door.show(new ExitPlanning(door.context(dir)).enforce(
                    new ExitPlanning.EnforceRequest(evaluation.request(door), notice.grace(door), notice.channels(),
                            notice.apply)));
            if (json) {
                door.out().println(Json.write(JsonVocabulary.steps(steps)));
                return Main.EXIT_OK;
            }
            List<ExitEnforcement.Step> spared = steps.stream().filter(s -> s.action() == ExitEnforcement.Kind.WAIT
                    || s.action() == ExitEnforcement.Kind.SKIP).toList();
            for (ExitEnforcement.Step s : steps) {
                if (spared.contains(s)) continue;
                String verb = s.action().word() + (!notice.apply ? "" : s.applied() ? " done" : " failed");
                door.out().println(verb + " " + s.charter() + (s.jobId() == null ? "" : " " + s.cluster() + " "
                        + s.jobId() + " " + s.user()) + ": " + s.why() + (s.detail().isEmpty() ? "" : " [" + s.detail() + "]"));
            }
            if (!spared.isEmpty()) {
                door.out().println("spared (" + spared.size() + "):");
                for (ExitEnforcement.Step s : spared) {
                    door.out().println("  " + s.charter() + (s.jobId() == null ? "" : " " + s.cluster() + " " + s.jobId()
                            + " " + s.user()) + ": " + (s.action() == ExitEnforcement.Kind.WAIT ? "within its grace: " : "")
                            + s.why());
                }
            }
            if (steps.isEmpty()) door.out().println("nothing to do: no charter approaches or is at an exit");
            else if (!notice.apply) door.out().println("(dry run: nothing was done; --apply carries it out)");
            return failures(door, notice.apply, steps);
        }

        /** Exit 75 when a carried-out step failed (a skipped or waiting step is no failure). */
        private static int failures(Door door, boolean apply, List<ExitEnforcement.Step> steps) {
            List<String> failed = steps.stream().filter(s -> s.action() != ExitEnforcement.Kind.WAIT
                    && s.action() != ExitEnforcement.Kind.SKIP && !s.applied())
                    .map(s -> s.action().word() + " " + s.charter() + (s.jobId() == null ? "" : " " + s.jobId())).toList();
            if (!apply || failed.isEmpty()) return Main.EXIT_OK;
            door.err().println("reckon: " + failed.size() + " action" + (failed.size() == 1 ? "" : "s") + " failed ("
                    + String.join(", ", failed.subList(0, Math.min(5, failed.size()))) + (failed.size() > 5 ? ", ..." : "")
                    + "): each is in the audit log with why (reckon audit) and is tried again on the next run; a charter "
                    + "is closed only once all its holds and cancellations worked");
            return Main.EXIT_TEMPFAIL;
        }
    }
}
