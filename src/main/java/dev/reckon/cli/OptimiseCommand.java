package dev.reckon.cli;

import dev.reckon.app.Optimising;
import dev.reckon.core.InputError;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code reckon optimise}: make a staged pipeline finish sooner, in rounds of small experiments. */
@Command(name = "optimise", aliases = "optimize", mixinStandardHelpOptions = true,
        description = {"Makes a staged pipeline (data fetching, preprocessing, caching, training, eval) finish sooner, "
                + "in rounds of small experiments on its jobs' shapes, against a real Slurm cluster or a simulated one.",
                "A campaign file describes the pipeline (docs/optimise.md)."},
        subcommands = {OptimiseCommand.New.class, OptimiseCommand.Baseline.class, OptimiseCommand.Plan.class,
                OptimiseCommand.Run.class, OptimiseCommand.Resume.class, OptimiseCommand.Status.class,
                OptimiseCommand.Report.class})
final class OptimiseCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(new Door(spec).out());
    }

    @Command(name = "new", mixinStandardHelpOptions = true,
            description = {"Writes a new campaign file from the options, or from questions on a terminal; never "
                    + "overwrites. Stages run one after another and may vary around their start (edit the file to "
                    + "narrow the bounds, add commands, or change the order). Prints the file's path."})
    static final class New implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        CharterDir dir;
        @Option(names = "--name", paramLabel = "NAME", description = "The campaign's name (letters, digits, . _ -).")
        String name;
        @Option(names = "--charter", paramLabel = "ID", description = "The charter it charges: its budget limits the campaign.")
        String charter;
        @Option(names = "--stage", paramLabel = Optimising.STAGE_FORM,
                description = "A stage as submitted today, in pipeline order (repeatable), e.g. "
                        + "preprocessing:400:4:16G:1:2h (400 units of work; 4 CPUs, 16 GiB, 1 GPU, 2 hours per job).")
        List<String> stages = new ArrayList<>();
        @Option(names = "--command", paramLabel = "STAGE=TEMPLATE",
                description = "A stage's job command, with placeholders such as {shard_first} {shard_last} {cpus} (repeatable).")
        List<String> commands = new ArrayList<>();
        @Option(names = "--out", paramLabel = "FILE", description = "The file to write (default: NAME.campaign.yaml here).")
        Path out;
        @Option(names = "--ask", description = "Ask for what the options do not give, even when not on a terminal "
                + "(answers are read line by line from standard input).")
        boolean ask;

        @Override
        public Integer call() throws IOException {
            Door door = new Door(spec);
            Optimising optimising = new Optimising(door.context(dir));
            Map<String, String> cmds = new LinkedHashMap<>();
            for (String c : commands) {
                int eq = c.indexOf('=');
                if (eq <= 0) throw door.usage("--command: \"" + c + "\" is not STAGE=TEMPLATE");
                cmds.put(c.substring(0, eq).strip(), c.substring(eq + 1));
            }
            boolean prompting = ask || door.interactive();
            BufferedReader in = prompting ? new BufferedReader(new InputStreamReader(door.root().in, StandardCharsets.UTF_8)) : null;
            String n = name, ch = charter;
            List<String> st = new ArrayList<>(stages);
            boolean askName = n == null, askCharter = ch == null, askStages = st.isEmpty();
            while (true) {
                if (prompting) {
                    if (askName && (n = ask("name", "the campaign's name, e.g. asr-pipeline", n, in, door.out())) == null)
                        return aborted(door);
                    if (askCharter && (ch = ask("charter", "the charter it charges, e.g. asr-2026", ch, in, door.out())) == null)
                        return aborted(door);
                    if (askStages && !askStages(st, in, door.out())) return aborted(door);
                }
                Optimising.Created c = optimising.create(new Optimising.NewCampaign(n, ch, st, cmds, out));
                if (c.written()) {
                    door.out().println(c.file().toAbsolutePath());
                    for (String note : c.notes()) door.err().println("reckon: " + note);
                    return Main.EXIT_OK;
                }
                if (!prompting) {
                    for (InputError e : c.problems()) {
                        door.err().println("reckon: optimise new: " + flagOf(e.field()) + ": " + e.problem());
                    }
                    return Main.EXIT_DATA;
                }
                askName = askCharter = askStages = false;
                for (InputError e : c.problems()) {
                    door.out().println("  " + (e.field() == null ? "campaign" : e.field()) + ": " + e.problem());
                    String f = e.field() == null ? "name" : e.field();
                    if (f.equals("name")) askName = true;
                    else if (f.equals("charter")) askCharter = true;
                    else if (f.equals("out")) {
                        door.err().println("reckon: optimise new: --out: " + e.problem());
                        return Main.EXIT_DATA;
                    }
                    else askStages = true;
                }
                if (askStages) st.clear();
            }
        }

        private static int aborted(Door door) {
            door.err().println("reckon: optimise new: no answer; nothing written");
            return Main.EXIT_DATA;
        }

        /** Asks one field; null at the end of input. */
        private static String ask(String field, String hint, String previous, BufferedReader in, PrintStream out)
                throws IOException {
            out.print(field + " — " + hint + (previous == null ? "" : " [was: " + previous + "]") + ": ");
            out.flush();
            String line = in.readLine();
            return line == null ? null : line.strip();
        }

        /** Asks for stages until an empty answer (at least one); false at the end of input. */
        private static boolean askStages(List<String> st, BufferedReader in, PrintStream out) throws IOException {
            out.println("stages, in pipeline order, each " + Optimising.STAGE_FORM + " (e.g. preprocessing:400:4:16G:1:2h: "
                    + "400 units of work, 4 CPUs, 16 GiB, 1 GPU, 2 hours per job); an empty line ends the list");
            while (true) {
                String line = ask("stage " + (st.size() + 1), Optimising.STAGE_FORM, null, in, out);
                if (line == null) return !st.isEmpty();
                if (line.isEmpty()) {
                    if (!st.isEmpty()) return true;
                    continue;
                }
                st.add(line);
            }
        }

        private static String flagOf(String field) {
            if (field == null || field.equals("name")) return "--name";
            if (field.equals("charter")) return "--charter";
            if (field.equals("out")) return "--out";
            if (field.endsWith(".command")) return "--command " + field.substring("stages.".length(), field.length() - ".command".length());
            if (field.startsWith("stages.")) {
                String rest = field.substring("stages.".length());
                int dot = rest.indexOf('.');
                return "--stage " + (dot < 0 ? rest : rest.substring(0, dot)) + (dot < 0 ? "" : " (" + rest.substring(dot + 1) + ")");
            }
            return "--stage";
        }
    }

    // ------------------------------------------------------------------------------------------------ baseline

    @Command(name = "baseline", mixinStandardHelpOptions = true,
            description = {"The campaign's baseline from the ledger: per stage, the charter's past jobs whose names match "
                    + "the stage (its match pattern, else its name*): CPUs asked and used, memory asked and peak, GPUs, "
                    + "time limit and runtime, queue wait, how they ended (out of memory, timeout, failed), retries, "
                    + "throughput; and the bottleneck stage, with why."})
    static final class Baseline implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @picocli.CommandLine.Parameters(paramLabel = "CAMPAIGN", description = "The campaign file.")
        Path file;
        @Mixin
        CharterDir dir;
        @Option(names = {"-S", "--since"}, paramLabel = "TIME", description = "History from (default: all of it).")
        String since;
        @Option(names = "--json", description = "One JSON object.")
        boolean json;

        @Override
        public Integer call() {
            Door door = new Door(spec);
            var b = door.show(new Optimising(door.context(dir)).baseline(file, door.time(since, "--since")));
            door.out().print(json ? dev.reckon.core.Json.write(b) + "\n" : dev.reckon.report.OptimiseReport.baseline(b));
            return Main.EXIT_OK;
        }
    }

    // ------------------------------------------------------------------------------------------------ rounds

    /** The options of plan, run, resume and report. */
    static final class Rounds {
        @picocli.CommandLine.Parameters(paramLabel = "CAMPAIGN", description = "The campaign file.")
        Path file;
        @Option(names = "--model", paramLabel = "FILE", description = "A workload model file: run on a simulated "
                + "cluster (docs/optimise.md); without it, this host's Slurm.")
        Path model;
        @Option(names = "--rounds", paramLabel = "N", description = "The last round (default 5: 0 smoke, 1 sweep, then scale).")
        Integer rounds;
        @Option(names = "--json", description = "The report as one JSON object.")
        boolean json;
        @Option(names = "--markdown", description = "The report as Markdown.")
        boolean markdown;
        @Option(names = "--html", paramLabel = "FILE", description = "Writes the report as a self-contained page with "
                + "charts to FILE and prints its path; - writes it to standard output.")
        String html;

        int render(Door door, Optimising.RunResult r) {
            if ((json ? 1 : 0) + (markdown ? 1 : 0) + (html != null ? 1 : 0) > 1)
                throw door.usage("--json, --markdown and --html: choose one");
            if (html != null) return door.write(html, dev.reckon.report.OptimiseReport.html(r.report()));
            if (json) door.out().println(dev.reckon.core.Json.write(r.report()));
            else door.out().print(markdown ? dev.reckon.report.OptimiseReport.markdown(r.report())
                    : dev.reckon.report.OptimiseReport.terminal(r.report()));
            return Main.EXIT_OK;
        }
    }

    @Command(name = "plan", mixinStandardHelpOptions = true,
            description = {"What round 0 would send (one job per stage and lane at the starting shape), with each "
                    + "trial's predicted queue wait; nothing is sent. For a campaign that has run: its stored state. "
                    + "With --model, against the model's simulated cluster (its other users' load), waits predicted "
                    + "on it."})
    static final class Plan implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        CharterDir dir;
        @Mixin
        Rounds rounds;

        @Override
        public Integer call() throws IOException {
            Door door = new Door(spec);
            var r = door.show(new Optimising(door.context(dir)).run(Optimising.RunRequest.plan(rounds.file, rounds.model,
                    rounds.rounds)));
            return rounds.render(door, r);
        }
    }

    @Command(name = "run", mixinStandardHelpOptions = true,
            description = {"Runs the campaign's rounds: 0 smoke (one job per stage and lane), 1 sweep (memory and time "
                    + "from the evidence, then at most two factors per stage), 2 and on scale (the best stable candidate "
                    + "at one wave), until a plateau, the budget, the target work or the last round. Out of memory: the "
                    + "next trial raises memory (peak seen x 1.5, at least +1 GiB) or splits the work; a configuration "
                    + "that ran out twice is never tried again.",
                    "On this host's Slurm, nothing is sent without --apply (a plan is printed); every job is tagged "
                            + "--comment=charter=ID,campaign=NAME,stage=S,shards=N,round=R,trial=T, audited, and counted "
                            + "against the charter's budget before it is sent. With --model, a simulated cluster runs it "
                            + "(nothing real is touched). The state is kept in the ledger: after a kill, 'resume' goes on "
                            + "without sending a trial twice. The chosen configuration is written beside the campaign file "
                            + "as its next version."})
    static final class Run implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        CharterDir dir;
        @Mixin
        Rounds rounds;
        @Option(names = "--apply", description = "Send the trials to this host's Slurm (default: the plan only).")
        boolean apply;

        @Override
        public Integer call() throws IOException {
            Door door = new Door(spec);
            var r = door.show(new Optimising(door.context(dir)).run(new Optimising.RunRequest(rounds.file, rounds.model,
                    apply, rounds.rounds)));
            return rounds.render(door, r);
        }
    }

    @Command(name = "resume", mixinStandardHelpOptions = true,
            description = {"Goes on with a campaign after a stop or a kill: trials that finished are not sent again, "
                    + "trials whose jobs were sent are waited for, and the rounds go on ('run --apply' does the same)."})
    static final class Resume implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        CharterDir dir;
        @Mixin
        Rounds rounds;

        @Override
        public Integer call() throws IOException {
            Door door = new Door(spec);
            var r = door.show(new Optimising(door.context(dir)).run(new Optimising.RunRequest(rounds.file, rounds.model,
                    true, rounds.rounds)));
            return rounds.render(door, r);
        }
    }

    @Command(name = "report", mixinStandardHelpOptions = true,
            description = {"The round report of what has run, from the stored state (nothing is sent), in eight parts: "
                    + "objective and scope; the experiments round by round; stage findings; resource fit (CPU and GPU "
                    + "apart); failures and mitigations; the chosen configuration and its expected impact; checkpoints; "
                    + "remaining risks and the next trials."})
    static final class Report implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        CharterDir dir;
        @Mixin
        Rounds rounds;

        @Override
        public Integer call() throws IOException {
            Door door = new Door(spec);
            var r = door.show(new Optimising(door.context(dir)).report(rounds.file, rounds.model));
            return rounds.render(door, r);
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = {"One line per stage: trials finished and open, the chosen configuration, and why the "
                    + "campaign stopped (from the stored state; nothing is sent)."})
    static final class Status implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        CharterDir dir;
        @Mixin
        Rounds rounds;

        @Override
        public Integer call() throws IOException {
            Door door = new Door(spec);
            var r = door.show(new Optimising(door.context(dir)).report(rounds.file, rounds.model));
            if (rounds.json) {
                door.out().println(dev.reckon.core.Json.write(r.run()));
                return Main.EXIT_OK;
            }
            door.out().print(dev.reckon.report.OptimiseReport.status(r.run()));
            return Main.EXIT_OK;
        }
    }
}
