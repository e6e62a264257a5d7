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
        subcommands = {OptimiseCommand.New.class})
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
}
