package dev.reckon.cli;

import dev.reckon.core.AtomicFiles;
import dev.reckon.app.Context;
import dev.reckon.app.Outcome;
import dev.reckon.config.Config;
import dev.reckon.core.InputError;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

import dev.reckon.core.Times;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/** What every command needs from the door: settings, the clock, the ledger, the streams. */
final class Door {
    private final CommandSpec spec;
    private final Main root;

    Door(CommandSpec spec) {
        this.spec = spec;
        this.root = (Main) spec.root().userObject();
    }

    Config config() {
        return root.config();
    }

    PrintStream out() {
        return root.out;
    }

    PrintStream err() {
        return root.err;
    }

    Main root() {
        return root;
    }

    /** Whether a person is watching: the streams are the process's own and it has a terminal. */
    boolean interactive() {
        return root.rawErr == System.err && System.console() != null;
    }

    /** The unguarded error stream, for the progress line only (it moves the cursor on purpose; it shows no data). */
    PrintStream progress() {
        return root.rawErr;
    }

    Instant now() {
        return root.clock().instant();
    }

    /** The application layer's context: the settings in force, the clock, and who acts. */
    Context context() {
        return new Context(config(), root.clock(), System.getProperty("user.name", "reckon"));
    }

    /** {@link #context()} with the charter directory of a {@code --charters} option, when given. */
    Context context(CharterDir charters) {
        return context().withCharters(charters == null ? null : charters.dir);
    }

    /** Shows what a use case met on the way: each problem ({@code file:line: field F: ...}) and note on standard error. */
    <T> T show(Outcome<T> outcome) {
        for (InputError e : outcome.problems()) err().println(e.getMessage());
        for (String n : outcome.notes()) err().println("reckon: " + n);
        return outcome.value();
    }

    /** Parses a {@code --since}/{@code --until} value ({@link Times}); a bad one is a usage error naming the option. */
    Instant time(String text, String option) {
        if (text == null) return null;
        Instant t = Times.instant(text, now(), config().zone());
        if (t == null) throw usage(option + ": \"" + text.strip() + "\" is not a time (try " + Times.TIME_HINT + ")");
        return t;
    }

    CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }

    /** A duration option in reckon's one grammar ({@link Times}); a bad one is a usage error naming the option. */
    Duration duration(String text, String option) {
        Duration d = Times.duration(text);
        if (d == null)
            throw usage(option + ": \"" + (text == null ? "" : text.strip()) + "\" is not a duration (try " + Times.DURATION_HINT + ")");
        return d;
    }

    /**
     * Writes a whole document (an HTML page, an iCalendar file) to the file named and prints the file's path; {@code -}
     * writes it to standard output instead. Returns the exit code: a file that cannot be written is exit 74.
     */
    int write(String target, String text) {
        if (target.equals("-")) {
            out().print(text);
            return Main.EXIT_OK;
        }
        Path file = Path.of(target);
        try {
            AtomicFiles.write(file, text);
        } catch (IOException e) {
            String why = e.getClass().getSimpleName().replace("Exception", "");
            err().println("reckon: " + spec.commandLine().getCommandName() + ": cannot write " + file + ": " + why
                    + (e.getMessage() == null || e.getMessage().equals(file.toString()) ? "" : " (" + e.getMessage() + ")"));
            return Main.EXIT_IO;
        }
        out().println(file.toAbsolutePath());
        return Main.EXIT_OK;
    }

    /** Exit 75 when an action that was carried out failed, saying which and what happens next. */
    int failed(boolean apply, java.util.List<String> failures) {
        if (!apply || failures.isEmpty()) return Main.EXIT_OK;
        err().println("reckon: " + failures.size() + " action" + (failures.size() == 1 ? "" : "s") + " failed ("
                + String.join(", ", failures.subList(0, Math.min(5, failures.size()))) + (failures.size() > 5 ? ", ..." : "")
                + "): each is in the audit log with why (reckon audit) and is tried again on the next run; fix the "
                + "cause (the notice channel, Slurm, the charter file's permissions) if it fails again");
        return Main.EXIT_TEMPFAIL;
    }
}
