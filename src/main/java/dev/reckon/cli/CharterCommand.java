package dev.reckon.cli;

import dev.reckon.app.Chartering;
import dev.reckon.app.Outcome;
import dev.reckon.charter.Charters;
import dev.reckon.model.Charter;
import dev.reckon.model.Charter.Condition;
import dev.reckon.model.Charter.UserJobs;
import dev.reckon.report.Format;
import dev.reckon.core.Json;
import dev.reckon.report.Table;
import dev.reckon.core.InputError;
import dev.reckon.core.Times;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

/** {@code reckon charter new|check|list|show}: the written charters that say what each effort is for. */
@Command(name = "charter", mixinStandardHelpOptions = true,
        description = {"Writes, checks and shows charters: one YAML file per effort, saying what it is for, who owns it, "
                + "which jobs are its, what it may consume, until when, and how you will know it worked.",
                "The charter directory: --charters, else $RECKON_CHARTERS, else the site's (/etc/reckon/charters, "
                        + "when a site is installed: docs/site.md), else the config's 'charters', else charters/ beside "
                        + "the config file (~/.config/reckon/charters). Format: docs/charters.md.",
                "At a site, 'new' writes a draft into your own directory; 'propose' hands it to the administrators, "
                        + "who 'approve' (or 'reject') it into the site's directory."},
        subcommands = {CharterCommand.New.class, CharterCommand.Check.class, CharterCommand.ListCharters.class,
                CharterCommand.Apply.class,
                CharterCommand.Show.class, ProposalCommands.Propose.class, ProposalCommands.Proposals.class,
                ProposalCommands.Approve.class, ProposalCommands.Reject.class})
final class CharterCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new Door(spec).usage("say what to do: new, check, list or show ID");
    }

    /**
     * Prints each problem as {@code file:line: field F: problem} on standard error. Kept for the commands not yet on
     * the application layer (review, owners, exits, reclaim, what-if); the others print an outcome with Door.show.
     */
    static void printProblems(Door door, List<InputError> errors) {
        for (InputError e : errors) door.err().println(e.getMessage());
    }

    // ------------------------------------------------------------------------------------------------ check

    @Command(name = "check", mixinStandardHelpOptions = true,
            description = {"Checks charter files: every file of the directory, or the ones named.",
                    "Prints one line per problem, file:line: field F: problem, on standard error; exit 0 when all are "
                            + "valid, 65 when any is not."})
    static final class Check implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        CharterDir dir;
        @Parameters(paramLabel = "FILE", arity = "0..*", description = "Charter files (default: all of the directory).")
        List<Path> files = new ArrayList<>();

        @Override
        public Integer call() {
            Door door = new Door(spec);
            Outcome<Charters> o = new Chartering(door.context(dir)).check(files);
            Charters cs = door.show(o);
            Path d = cs.dir();
            if (cs.files().isEmpty() && cs.errors().isEmpty()) {
                door.out().println("no charter files in " + d + " (write one with: reckon charter new)");
                return Main.EXIT_OK;
            }
            door.out().printf("%d of %d charter files valid%s%s%n", cs.all().size(), cs.files().size(),
                    cs.roster().map(r -> "; roster " + r.file() + " (" + r.people().size() + " people)").orElse(""),
                    cs.errors().isEmpty() ? "" : "; " + cs.errors().size() + " problem" + (cs.errors().size() == 1 ? "" : "s"));
            return cs.errors().isEmpty() ? Main.EXIT_OK : Main.EXIT_DATA;
        }
    }

    // ------------------------------------------------------------------------------------------------ list

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = {"Lists the valid charters: id, owner, status, window end, budget.",
                    "Problems of invalid files are printed on standard error, and make the exit code 65."})
    static final class ListCharters implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        CharterDir dir;
        @Option(names = "--json", description = "One JSON array of charter objects, for scripts.")
        boolean json;

        @Override
        public Integer call() {
            Door door = new Door(spec);
            ZoneId zone = door.config().zone();
            Outcome<Chartering.Listing> o = new Chartering(door.context(dir)).list();
            Chartering.Listing cs = o.value();
            if (json) {
                door.out().println(Json.write(cs));
            } else if (cs.charters().isEmpty()) {
                // when there are files but none is valid, the outcome's note says so
                if (o.notes().isEmpty())
                    door.err().println("no valid charters in " + cs.dir() + " (write one with: reckon charter new)");
            } else {
                Table t = new Table("ID", "OWNER", "STATUS", "END", "GPU-H>", "CPU-H>", "TITLE");
                for (Charter c : cs.charters()) {
                    t.row(c.id(), c.owner(), c.status().word(), Times.text(c.window().end(), zone, true),
                            Format.number(c.budget().gpuHours()), Format.number(c.budget().cpuHours()), c.title());
                }
                door.out().print(t.render());
            }
            door.show(o);
            return o.problems().isEmpty() ? Main.EXIT_OK : Main.EXIT_DATA;
        }
    }

    // ------------------------------------------------------------------------------------------------ show

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = {"Shows one charter in full.", "Exit code 1 when the directory has no charter with this id."})
    static final class Show implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        CharterDir dir;
        @Parameters(paramLabel = "ID", description = "The charter's id.")
        String id;
        @Option(names = "--json", description = "The charter as one JSON object.")
        boolean json;

        @Override
        public Integer call() {
            Door door = new Door(spec);
            Chartering.Shown s = new Chartering(door.context(dir)).show(id);
            if (!s.found()) {
                if (!s.problems().isEmpty()) {
                    printProblems(door, s.problems());
                    return Main.EXIT_DATA;
                }
                door.err().println("reckon: no charter " + id + " in " + s.dir());
                return 1;
            }
            if (json) door.out().println(Json.write(s));
            else print(s.charter(), door.config().zone(), door.out());
            return Main.EXIT_OK;
        }

        static void print(Charter c, ZoneId zone, PrintStream out) {
            out.printf("Charter: %s%s%n", c.id(), c.title().equals(c.id()) ? "" : " (" + c.title() + ")");
            out.printf("Purpose: %s%n", c.purpose());
            out.printf("Owner: %s%n", c.owner());
            if (!c.members().isEmpty()) out.printf("Members: %s%n", String.join(", ", c.members()));
            if (!c.accounts().isEmpty()) out.printf("Accounts: %s%n", String.join(", ", c.accounts()));
            if (!c.clusters().isEmpty()) out.printf("Clusters: %s (only its jobs there belong)%n", String.join(", ", c.clusters()));
            List<String> rules = new ArrayList<>();
            rules.add("comment charter=" + c.id());
            c.match().wckeys().forEach(w -> rules.add("wckey " + w));
            c.match().accounts().forEach(a -> rules.add("account " + a));
            for (UserJobs u : c.match().jobs()) rules.add("user " + u.user() + " with jobs named " + u.nameGlob());
            out.printf("Matches: %s%n", String.join("; ", rules));
            Charter.Budget b = c.budget();
            out.printf("Budget: %s GPU-hours, %s CPU-hours%s%n", Format.number(b.gpuHours()), Format.number(b.cpuHours()),
                    b.memGbHours() == null ? "" : ", " + Format.number(b.memGbHours()) + " GiB-hours of memory");
            out.printf("Window: %s to %s (inclusive)%n",
                    c.window().start() == null ? "(open)" : Times.text(c.window().start(), zone, false),
                    Times.text(c.window().end(), zone, true));
            out.printf("Success (any): %s%n", String.join("; ", c.success().stream().map(Condition::toString).toList()));
            out.printf("Failure (any): %s%n", String.join("; ", c.failure().stream().map(Condition::toString).toList()));
            out.printf("Review every: %s%n", Times.text(c.reviewEvery()));
            out.printf("Status: %s%n", c.status().word());
            for (Charter.StatusChange h : c.history()) {
                out.printf("  %s %s%s%n", h.date(), h.status().word(), h.note() == null ? "" : ": " + h.note());
            }
        }
    }

    // ------------------------------------------------------------------------------------------------ new

    @Command(name = "new", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Writes a new charter file, <dir>/<id>.yaml, after checking it by the same rules as check. "
                    + "At a site (docs/site.md) it is a draft in your own directory (~/.config/reckon/charters), to "
                    + "be proposed with 'reckon charter propose ID'; otherwise it is active at once.",
                    "On a terminal (or with --ask) asks for each field the options do not give; otherwise takes them "
                            + "from the options. Never overwrites: an existing charter is edited by hand.",
                    "Exit 0 when written; 65 when refused (the message says which part and why it matters)."})
    static final class New implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        CharterDir dir;
        @Option(names = "--id", paramLabel = "ID", description = "What jobs name with --comment=charter=ID.")
        String id;
        @Option(names = "--title", paramLabel = "TEXT", description = "A short title (default: the id).")
        String title;
        @Option(names = "--purpose", paramLabel = "SENTENCE", description = "What the effort is for, in one sentence.")
        String purpose;
        @Option(names = "--owner", paramLabel = "USER", description = "The one person who answers for it.")
        String owner;
        @Option(names = "--member", paramLabel = "USER", description = "Another person who works under it (repeatable): "
                + "'charter apply' ties them to its QOS; their jobs belong when they name it (--comment=charter=ID) or "
                + "a --match rule takes them, as anyone's do.")
        List<String> members = new ArrayList<>();
        @Option(names = "--account", paramLabel = "ACCOUNT", description = "A Slurm account it charges to (repeatable).")
        List<String> accounts = new ArrayList<>();
        @Option(names = "--match-wckey", paramLabel = "WCKEY", description = "Jobs with this wckey belong (repeatable).")
        List<String> matchWckeys = new ArrayList<>();
        @Option(names = "--match-account", paramLabel = "ACCOUNT", description = "Jobs of this account belong (repeatable).")
        List<String> matchAccounts = new ArrayList<>();
        @Option(names = "--match-jobs", paramLabel = "USER:GLOB",
                description = "This user's jobs whose name matches GLOB (* and ?) belong (repeatable).")
        List<String> matchJobs = new ArrayList<>();
        @Option(names = "--budget-gpu-hours", paramLabel = "N", description = "GPU-hours it may consume.")
        String gpuHours;
        @Option(names = "--budget-cpu-hours", paramLabel = "N", description = "CPU-hours it may consume.")
        String cpuHours;
        @Option(names = "--budget-mem-gb-hours", paramLabel = "N", description = "GiB-hours of memory (optional).")
        String memGbHours;
        @Option(names = "--start", paramLabel = "DATE", description = "When it starts (default: today).")
        String start;
        @Option(names = "--end", paramLabel = "DATE", description = "The last day it may run: 2024-06-30 or a date-time.")
        String end;
        @Option(names = "--success", paramLabel = "CONDITION",
                description = "How you will know it worked, e.g. 'val_accuracy >= 0.92' (repeatable: any one).")
        List<String> success = new ArrayList<>();
        @Option(names = "--failure", paramLabel = "CONDITION",
                description = "How you will know it is not working, e.g. 'loss > 2.5 after 50 gpu_hours' (repeatable).")
        List<String> failure = new ArrayList<>();
        @Option(names = "--review-every", paramLabel = "DURATION", description = "How often it is reviewed (default 14d).")
        String reviewEvery;
        @Option(names = "--on-exit", paramLabel = "ACTION", description = "What 'exits enforce' does when an exit falls "
                + "due: notify (default), hold or cancel.")
        String onExit;
        @Option(names = "--force", description = "Write it even when --end is in the past (to record an effort that "
                + "has already ended); otherwise such a charter is refused.")
        boolean force;
        @Option(names = "--ask", description = "Ask for each field the options do not give, even when not on a terminal "
                + "(answers are read line by line from standard input).")
        boolean ask;

        /** The fields, in the order they are asked for, with a one-line hint and the option that gives each. */
        private static final List<String[]> FIELDS = List.of(
                new String[] {"id", "--id", "a short name jobs will carry as --comment=charter=<id>, e.g. llm-ft"},
                new String[] {"title", "--title", "a few words for tables (empty: the id)"},
                new String[] {"purpose", "--purpose", "one sentence: what is this effort for?"},
                new String[] {"owner", "--owner", "the one person who answers for it (a user name)"},
                new String[] {"members", "--member", "other users whose jobs belong, comma-separated (may be empty)"},
                new String[] {"accounts", "--account", "Slurm accounts it charges to, comma-separated (may be empty)"},
                new String[] {"match.wckeys", "--match-wckey", "other wckeys whose jobs belong, comma-separated (may be "
                        + "empty; jobs naming it with --comment=charter=<id> or --wckey=<id> always belong)"},
                new String[] {"match.accounts", "--match-account", "accounts all of whose jobs belong, comma-separated "
                        + "(may be empty)"},
                new String[] {"match.jobs", "--match-jobs", "user:glob pairs whose jobs belong, comma-separated, e.g. "
                        + "bob:ft-* (may be empty)"},
                new String[] {"budget.gpu_hours", "--budget-gpu-hours", "GPU-hours it may consume (0 for none)"},
                new String[] {"budget.cpu_hours", "--budget-cpu-hours", "CPU-hours it may consume"},
                new String[] {"window.start", "--start", "the day it starts (empty: today)"},
                new String[] {"window.end", "--end", "the last day it may run, e.g. 2025-06-30"},
                new String[] {"success", "--success", "how you will know it worked, e.g. val_accuracy >= 0.92"},
                new String[] {"failure", "--failure", "how you will know it is not working, e.g. loss > 2.5 after 50 gpu_hours"},
                new String[] {"review_every", "--review-every", "how often its owner reviews it (empty: 14d)"},
                new String[] {"on_exit", "--on-exit", "what happens when an exit falls due: notify, hold or cancel "
                        + "(empty: notify)"});

        @Override
        public Integer call() throws IOException {
            Door door = new Door(spec);
            Chartering chartering = new Chartering(door.context(dir));
            Map<String, String> answers = fromOptions();
            boolean prompting = ask || door.interactive();
            BufferedReader in = prompting ? new BufferedReader(new InputStreamReader(door.root().in, StandardCharsets.UTF_8)) : null;
            if (prompting) {
                for (String[] f : FIELDS) {
                    if (!answers.containsKey(f[0]) && !ask(f, null, answers, in, door.out())) return aborted(door);
                }
            }
            while (true) {
                Chartering.Created c = chartering.create(request(answers));
                if (c.written()) {
                    if (c.draft()) {
                        door.out().println("wrote the draft " + c.file() + "; it is not active yet: the site's charters "
                                + "are in " + c.charterDir() + ".");
                        door.out().println("To make it active: reckon charter propose " + c.id()
                                + " (an administrator then approves it with 'reckon charter approve'); after that, jobs "
                                + "join it with --comment=charter=" + c.id());
                    } else {
                        door.out().println("wrote " + c.file() + "; it is active now: jobs join it with --comment=charter="
                                + c.id());
                    }
                    return Main.EXIT_OK;
                }
                if (!prompting) {
                    for (InputError e : c.problems()) door.err().println("reckon: charter new: " + flagOf(e.field()) + ": " + e.problem());
                    return Main.EXIT_DATA;
                }
                Set<String> again = new LinkedHashSet<>();
                for (InputError e : c.problems()) {
                    String[] f = fieldOf(e.field());
                    door.out().println("  " + f[0] + ": " + e.problem());
                    again.add(f[0]);
                }
                for (String[] f : FIELDS) {
                    if (again.contains(f[0]) && !ask(f, answers.get(f[0]), answers, in, door.out())) return aborted(door);
                }
            }
        }

        private static int aborted(Door door) {
            door.err().println("reckon: charter new: no answer; nothing written");
            return Main.EXIT_DATA;
        }

        /** Asks one field; false at the end of input. */
        private static boolean ask(String[] f, String previous, Map<String, String> answers, BufferedReader in, PrintStream out)
                throws IOException {
            out.print(f[0] + " — " + f[2] + (previous == null ? "" : " [was: " + previous + "]") + ": ");
            out.flush();
            String line = in.readLine();
            if (line == null) return false;
            line = line.strip();
            if (line.isEmpty()) answers.remove(f[0]);
            else answers.put(f[0], line);
            return true;
        }

        private Map<String, String> fromOptions() {
            Map<String, String> a = new LinkedHashMap<>();
            put(a, "id", id);
            put(a, "title", title);
            put(a, "purpose", purpose);
            put(a, "owner", owner);
            if (!members.isEmpty()) a.put("members", String.join(",", members));
            if (!accounts.isEmpty()) a.put("accounts", String.join(",", accounts));
            put(a, "budget.gpu_hours", gpuHours);
            put(a, "budget.cpu_hours", cpuHours);
            put(a, "budget.mem_gb_hours", memGbHours);
            put(a, "window.start", start);
            put(a, "window.end", end);
            if (!success.isEmpty()) a.put("success", String.join("\n", success));
            if (!failure.isEmpty()) a.put("failure", String.join("\n", failure));
            put(a, "review_every", reviewEvery);
            if (!matchWckeys.isEmpty()) a.put("match.wckeys", String.join(",", matchWckeys));
            if (!matchAccounts.isEmpty()) a.put("match.accounts", String.join(",", matchAccounts));
            if (!matchJobs.isEmpty()) a.put("match.jobs", String.join(",", matchJobs));
            put(a, "on_exit", onExit);
            return a;
        }

        private static void put(Map<String, String> a, String key, String value) {
            if (value != null && !value.isBlank()) a.put(key, value);
        }

        /** The answers (options, then what was asked) as the use case's request. */
        private Chartering.NewCharter request(Map<String, String> a) {
            return new Chartering.NewCharter(a.get("id"), a.get("title"), a.get("purpose"), a.get("owner"),
                    split(a.get("members"), ","), split(a.get("accounts"), ","), split(a.get("match.wckeys"), ","),
                    split(a.get("match.accounts"), ","), split(a.get("match.jobs"), ","),
                    a.get("budget.gpu_hours"), a.get("budget.cpu_hours"), a.get("budget.mem_gb_hours"),
                    a.get("window.start"), a.get("window.end"), split(a.get("success"), "\n"),
                    split(a.get("failure"), "\n"), a.get("review_every"), a.get("on_exit"), force);
        }

        private static List<String> split(String text, String separator) {
            return text == null ? List.of() : Arrays.asList(text.split(separator));
        }

        private static String[] fieldOf(String field) {
            if (field == null) return FIELDS.get(0);
            String f = field.equals("budget") ? "budget.gpu_hours" : field.equals("window") ? "window.end" : field;
            for (String[] x : FIELDS) if (x[0].equals(f)) return x;
            for (String prefix : List.of("match.wckeys", "match.accounts", "match.jobs"))
                if (f.startsWith(prefix)) return field(prefix);
            if (f.startsWith("match")) return field("match.jobs");
            if (f.startsWith("window.")) return field("window.end");
            if (f.startsWith("budget.")) return field("budget.gpu_hours");
            return new String[] {f, "--" + f.replace('_', '-').replace('.', '-'), ""};
        }

        private static String flagOf(String field) {
            if (field == null) return "charter";
            if (field.equals("budget")) return "--budget-gpu-hours/--budget-cpu-hours";
            if (field.equals("window.start")) return "--start";
            if (field.equals("budget.mem_gb_hours")) return "--budget-mem-gb-hours";
            return fieldOf(field)[1];
        }

        private static String[] field(String name) {
            for (String[] x : FIELDS) if (x[0].equals(name)) return x;
            throw new IllegalStateException(name);
        }
    }

    // ------------------------------------------------------------------------------------------------ apply

    @Command(name = "apply", mixinStandardHelpOptions = true,
            description = {"Creates (or updates) a Slurm QOS named after the charter, with GrpTRESMins equal to its budget "
                    + "(cpu and gres/gpu minutes; mem in MB-minutes when it budgets memory) and Flags=NoDecay, and adds it "
                    + "to the associations of the charter's owner and members in its accounts (all their accounts when it "
                    + "names none). Jobs run with --qos=<id> are then stopped by Slurm when the budget is spent, even when "
                    + "reckon is not running.",
                    "Needs AccountingStorageEnforce=limits,qos and PriorityType=priority/multifactor in slurm.conf. Slurm "
                            + "counts from the moment the QOS exists. Every sacctmgr command is written to the audit log; "
                            + "--dry-run prints them instead."})
    static final class Apply implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        CharterDir dir;
        @Parameters(paramLabel = "ID", description = "The charter's id.")
        String id;
        @Option(names = "--dry-run", description = "Print the sacctmgr commands; change nothing.")
        boolean dryRun;

        @Override
        public Integer call() {
            Door door = new Door(spec);
            Outcome<Chartering.Applied> o = new Chartering(door.context(dir)).apply(
                    new Chartering.ApplyRequest(id, dryRun),
                    cmd -> door.out().println((dryRun ? "would run: " : "") + String.join(" ", cmd)));
            Chartering.Applied a = door.show(o);
            if (a.charter() == null) {
                door.err().println("reckon: no valid charter " + id + " in " + a.dir());
                return 1;
            }
            if (a.refused() != null) {
                door.err().println("reckon: charter apply: " + a.refused());
                return 1;
            }
            door.out().println((dryRun ? "would limit" : "limited") + " charter " + a.charter().id() + " in Slurm: QOS "
                    + a.qos() + " GrpTRESMins=" + a.limits() + " Flags=NoDecay; its jobs run with --qos=" + a.qos());
            return Main.EXIT_OK;
        }
    }
}
