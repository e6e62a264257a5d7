package dev.reckon.cli;

import dev.reckon.act.ExitEnforcement;
import dev.reckon.act.Notices;
import dev.reckon.charter.CharterFile;
import dev.reckon.charter.Charters;
import dev.reckon.exits.Calendar;
import dev.reckon.exits.Exits;
import dev.reckon.ledger.JobQuery;
import dev.reckon.ledger.Ledger;
import dev.reckon.model.Charter;
import dev.reckon.model.Job;
import dev.reckon.report.ExitsReport;
import dev.reckon.report.Ical;
import dev.reckon.core.Json;
import dev.reckon.source.slurm.SlurmCommands;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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

        Exits.Options options(Door door) {
            double fraction = approachBudget != null ? approachBudget : door.config().exits().approachBudget();
            int days = approachDays != null ? approachDays : door.config().exits().approachDays();
            if (!(fraction > 0 && fraction <= 1)) throw door.usage("--approach-budget: a fraction in (0, 1], e.g. 0.8");
            if (days < 0) throw door.usage("--approach-days: must not be negative");
            if (burnDays < 1) throw door.usage("--burn-days: at least 1");
            return new Exits.Options(fraction, Duration.ofDays(days), Duration.ofDays(burnDays));
        }

        Instant at(Door door) {
            return at == null ? door.now() : door.time(at, "--at");
        }
    }

    @Override
    public Integer call() throws IOException {
        Door door = new Door(spec);
        int formats = (json ? 1 : 0) + (markdown ? 1 : 0);
        if (formats > 1) throw door.usage("--json and --markdown: choose one");
        if ((calendar ? 1 : 0) + (ics != null ? 1 : 0) + (closed ? 1 : 0) > 1)
            throw door.usage("--calendar, --ics and --closed: choose one");
        ZoneId zone = door.config().zone();
        if (closed) {
            List<ExitEnforcement.Closing> cs;
            try (Ledger ledger = door.openLedger()) {
                cs = ExitEnforcement.closings(ledger);
            }
            door.out().print(json ? Json.write(cs) + "\n" : ExitsReport.closings(cs, zone));
            return Main.EXIT_OK;
        }
        Instant at = evaluation.at(door);
        Charters cs = Charters.load(dir.resolve(door), zone);
        CharterCommand.printProblems(door, cs.errors());
        List<Exits.Evaluation> es;
        try (Ledger ledger = door.openLedger()) {
            es = evaluate(ledger, cs.all(), at, evaluation.options(door));
        }
        if (calendar || ics != null) {
            List<Calendar.Stop> stops = Calendar.stops(es, at);
            if (ics != null) return writeIcs(door, Ical.write(stops, door.now()));
            door.out().print(json ? Json.write(stops) + "\n" : ExitsReport.calendar(stops, zone));
            return Main.EXIT_OK;
        }
        if (json) door.out().println(Json.write(es));
        else if (markdown) door.out().print(ExitsReport.markdown(es, zone));
        else door.out().print(es.isEmpty() ? "no charters in " + cs.dir() + "\n" : ExitsReport.terminal(es, zone));
        return Main.EXIT_OK;
    }

    /** The charters evaluated at {@code at} over the ledger's jobs that belong to any of them, and their metrics. */
    static List<Exits.Evaluation> evaluate(Ledger ledger, List<Charter> charters, Instant at, Exits.Options o) {
        List<Job> jobs = chartered(ledger, charters);
        return Exits.evaluate(charters, jobs, ledger::metrics, at, o);
    }

    /** The ledger's jobs that belong to at least one of the charters. */
    static List<Job> chartered(Ledger ledger, List<Charter> charters) {
        List<Job> jobs = new ArrayList<>();
        if (charters.isEmpty()) return jobs;
        ledger.forEachJob(JobQuery.all(), j -> {
            for (Charter c : charters) {
                if (c.matches(j)) {
                    jobs.add(j);
                    return;
                }
            }
        });
        return jobs;
    }

    private int writeIcs(Door door, String text) {
        return door.write(ics, text);
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
            Duration grace = notice.grace(door);
            Notices notices = notice.notices(door);
            Exits.Options options = evaluation.options(door);
            Instant now = evaluation.at(door);
            ZoneId zone = door.config().zone();
            Path d = dir.resolve(door);
            Charters cs = Charters.load(d, zone);
            CharterCommand.printProblems(door, cs.errors());
            List<ExitEnforcement.Step> steps;
            try (Ledger ledger = door.openLedger()) {
                List<Job> jobs = chartered(ledger, cs.all());
                List<Exits.Evaluation> es = Exits.evaluate(cs.all(), jobs, ledger::metrics, now, options);
                steps = ExitEnforcement.plan(cs.all(), es, jobs, ledger, now, grace);
                if (notice.apply) {
                    SlurmCommands slurm = new SlurmCommands(SlurmCommands.DEFAULT_TIMEOUT, zone);
                    Map<String, Boolean> confirmed = new HashMap<>();
                    steps = ExitEnforcement.carryOut(steps, ledger, now, System.getProperty("user.name", "reckon"),
                            new dev.reckon.act.SlurmJobActions(notices, slurm),
                            s -> close(d, zone, s),
                            s -> confirmed.computeIfAbsent(s.charter(), id -> stillDue(d, zone, id, ledger, now, options)));
                }
            }
            if (json) {
                door.out().println(Json.write(steps));
                return Main.EXIT_OK;
            }
            for (ExitEnforcement.Step s : steps) {
                String verb = s.action().word() + (!notice.apply || s.action() == ExitEnforcement.Kind.WAIT
                        || s.action() == ExitEnforcement.Kind.SKIP ? "" : s.applied() ? " done" : " failed");
                door.out().println(verb + " " + s.charter() + (s.jobId() == null ? "" : " " + s.cluster() + " "
                        + s.jobId() + " " + s.user()) + ": " + s.why() + (s.detail().isEmpty() ? "" : " [" + s.detail() + "]"));
            }
            if (steps.isEmpty()) door.out().println("nothing to do: no charter approaches or is at an exit");
            else if (!notice.apply) door.out().println("(dry run: nothing was done; --apply carries it out)");
            return Main.EXIT_OK;
        }

        /** Whether the charter, as its file reads now, is still active and at (or approaching) an exit. */
        private static boolean stillDue(Path d, ZoneId zone, String id, Ledger ledger, Instant now, Exits.Options o) {
            Charters fresh = Charters.load(d, zone);
            Optional<Charter> c = fresh.byId(id);
            if (c.isEmpty() || c.get().status() != Charter.Status.ACTIVE) return false;
            Exits.Evaluation e = evaluate(ledger, List.of(c.get()), now, o).get(0);
            return e.exit() != null || e.verdict() == dev.reckon.model.Verdict.APPROACHING;
        }

        private static String close(Path d, ZoneId zone, ExitEnforcement.Step s) throws IOException {
            Path file = fileOf(d, s.charter());
            String text = Files.readString(file);
            Charter.Status status = Charter.Status.of(s.closing().status());
            String note = s.exit() + " exit closed by reckon: " + s.closing().reason();
            String out = CharterFile.withStatus(file.toString(), text, status,
                    new Charter.StatusChange(LocalDate.ofInstant(s.closing().closedAt(), zone), status, note), zone);
            Path tmp = file.resolveSibling("." + file.getFileName() + ".reckon-tmp");
            Files.writeString(tmp, out, StandardCharsets.UTF_8);
            Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            return "wrote status " + status.word() + " to " + file;
        }

        private static Path fileOf(Path d, String id) throws IOException {
            for (String ext : List.of(".yaml", ".yml")) {
                Path p = d.resolve(id + ext);
                if (Files.isRegularFile(p)) return p;
            }
            throw new IOException("no charter file " + id + ".yaml in " + d);
        }
    }

}
