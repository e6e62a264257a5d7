package dev.reckon.cli;

import dev.reckon.config.Config;
import dev.reckon.ledger.Ledger;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintStream;
import java.time.Instant;
import java.time.format.DateTimeParseException;

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
}
