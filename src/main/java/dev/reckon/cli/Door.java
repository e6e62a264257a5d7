package dev.reckon.cli;

import dev.reckon.config.Config;
import dev.reckon.ledger.Ledger;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

import dev.reckon.source.SlurmSyntax;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What every command needs from the door: settings, the clock, the ledger, the streams. */
final class Door {
    private static final Pattern SHORT_DURATION = Pattern.compile("(\\d+)([smhd])");
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
        return root.err == System.err && System.console() != null;
    }

    Instant now() {
        return root.clock().instant();
    }

    Ledger openLedger() {
        return Ledger.open(config().ledger());
    }

    /** Parses a {@code --since}/{@code --until} value; a bad one is a usage error naming the option. */
    Instant time(String text, String option) {
        if (text == null) return null;
        try {
            return TimeArg.parse(text, root.clock(), config().zone(), option);
        } catch (DateTimeParseException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }

    /** A duration option: {@code 0s}, {@code 30m}, {@code 2h}, {@code 7d}, or Slurm-style {@code [D-]HH:MM:SS}. */
    Duration duration(String text, String option) {
        String g = text.strip();
        Matcher m = SHORT_DURATION.matcher(g);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
        }
        Long s = g.contains(":") || g.contains("-") ? SlurmSyntax.durationSeconds(g) : null;
        if (s == null || s < 0)
            throw usage(option + ": \"" + text + "\" is not a duration (try 0s, 30m, 2h, 7d or 02:00:00)");
        return Duration.ofSeconds(s);
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
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            String why = e.getClass().getSimpleName().replace("Exception", "");
            err().println("reckon: " + spec.commandLine().getCommandName() + ": cannot write " + file + ": " + why
                    + (e.getMessage() == null || e.getMessage().equals(file.toString()) ? "" : " (" + e.getMessage() + ")"));
            return Main.EXIT_IO;
        }
        out().println(file.toAbsolutePath());
        return Main.EXIT_OK;
    }
}
