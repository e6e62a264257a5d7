package dev.reckon.cli;

import dev.reckon.config.Config;
import dev.reckon.ledger.LedgerException;
import dev.reckon.core.BadRequest;
import dev.reckon.core.InputError;
import dev.reckon.core.Unavailable;
import dev.reckon.core.Times;
import dev.reckon.report.Terminal;
import dev.reckon.source.slurm.SlurmCommandException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The command line: {@code reckon COMMAND ...}. Parses, calls one analysis, renders; nothing else.
 *
 * <p>Exit codes, for scripts (the README's table, and the footer of {@code --help}): 0 done; 1 not found or refused;
 * 2 wrong usage; 65 bad input (the message names file, line and field); 69 a needed service (Slurm, the ledger's
 * PostgreSQL server) is unavailable; 74 the ledger or a file cannot be read or written; 70 an internal error (a
 * bug: please report it with {@code RECKON_DEBUG=1} output).
 */
@Command(name = "reckon",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        sortOptions = false,
        usageHelpAutoWidth = true,
        description = {
                "Makes a batch cluster's consumption legible and governed.",
                "Reads what the scheduler's accounting says each job consumed into a durable ledger, and reports on it."},
        footerHeading = "%nEnvironment:%n",
        footer = {
                "  RECKON_LEDGER   where the ledger lives: a file path (SQLite) or a jdbc:postgresql:// URL",
                "  RECKON_CONFIG   the config file (default ~/.config/reckon/config.yaml)",
                "  RECKON_CHARTERS the charter directory (default: the site's, else ~/.config/reckon/charters)",
                "  RECKON_SITE_DIR the site installation (default /etc/reckon: its config.yaml and charters/)",
                "  RECKON_TZ       the zone of sacct's local timestamps and of displayed times",
                "  RECKON_NOW      a fixed 'now' (ISO-8601), for reproducible runs",
                "",
                "Exit codes:",
                "  0   done",
                "  1   not found or refused (reckon job, charter show, audit release, charter apply, gate)",
                "  2   wrong usage",
                "  65  bad input (file, line and field named)",
                "  69  a service is unavailable (Slurm, the ledger's PostgreSQL server)",
                "  70  internal error (run again with RECKON_DEBUG=1 and report it)",
                "  74  ledger or file I/O (no ledger at the path given, a file not readable or writable)",
                "  75  an action failed (reclaim, exits enforce with --apply): tried again on the next run"})
public final class Main implements Runnable {
    public static final int EXIT_OK = 0;
    public static final int EXIT_USAGE = 2;
    public static final int EXIT_DATA = 65;
    public static final int EXIT_SOFTWARE = 70;
    public static final int EXIT_UNAVAILABLE = 69;
    public static final int EXIT_IO = 74;
    /** An action (a notice, hold, cancellation, charter close) failed; it is tried again on the next run. */
    public static final int EXIT_TEMPFAIL = 75;

    /**
     * The commands, in the order {@code --help} lists them. Only the command a line names is built (picocli reads
     * each command's annotations by reflection, which costs start-up time); {@code --help}, {@code help},
     * {@code completion}, a line without a command and an unknown command get them all.
     */
    static final List<Map.Entry<String, Class<?>>> COMMANDS = List.of(
            Map.entry("ingest", IngestCommand.class),
            Map.entry("jobs", JobsCommand.class),
            Map.entry("job", JobCommand.class),
            Map.entry("charter", CharterCommand.class),
            Map.entry("review", ReviewCommand.class),
            Map.entry("simulate", SimulateCommand.class),
            Map.entry("study", StudyCommand.class),
            Map.entry("whatif", WhatIfCommand.class),
            Map.entry("predict", PredictCommand.class),
            Map.entry("place", PlaceCommand.class),
            Map.entry("rightsize", RightsizeCommand.class),
            Map.entry("optimise", OptimiseCommand.class),
            Map.entry("reclaim", ReclaimCommand.class),
            Map.entry("hold", HoldCommand.class),
            Map.entry("gate", GateCommand.class),
            Map.entry("exits", ExitsCommand.class),
            Map.entry("owners", OwnersCommand.class),
            Map.entry("usage", UsageCommand.class),
            Map.entry("metric", MetricCommand.class),
            Map.entry("metrics", MetricsCommand.class),
            Map.entry("audit", AuditCommand.class),
            Map.entry("serve", ServeCommand.class),
            Map.entry("demo", DemoCommand.class),
            Map.entry("bench", BenchCommand.class),
            Map.entry("mcp", McpCommand.class),
            Map.entry("completion", CompletionCommand.class),
            Map.entry("help", CommandLine.HelpCommand.class));

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--ledger", scope = CommandLine.ScopeType.INHERIT, paramLabel = "PATH|URL",
            description = "The ledger: a file path (SQLite) or a jdbc:postgresql:// URL. Default: $RECKON_LEDGER, "
                    + "the config file's 'ledger', else ~/.local/share/reckon/ledger.db.")
    String ledgerOption;

    final Map<String, String> env;
    final InputStream in;
    final PrintStream out;
    final PrintStream err;
    /** The process's own error stream, unguarded: for the progress line, which moves the cursor on purpose. */
    final PrintStream rawErr;
    /** The process's own output stream, unguarded: for a protocol on standard output ({@code reckon mcp}) only. */
    final PrintStream rawOut;
    private Config config;

    Main(Map<String, String> env, InputStream in, PrintStream out, PrintStream err, PrintStream rawOut,
         PrintStream rawErr) {
        this.env = env;
        this.rawOut = rawOut;
        this.in = in;
        this.out = out;
        this.err = err;
        this.rawErr = rawErr;
    }

    public static void main(String[] args) {
        System.exit(execute(System.getenv(), System.in, System.out, System.err, args));
    }

    /** Runs one command line with the given environment and streams; returns the exit code. */
    public static int execute(Map<String, String> env, InputStream in, PrintStream rawOut, PrintStream rawErr,
                              String... args) {
        // everything printed goes through a guard: data's control characters are shown, never obeyed
        PrintStream out = Terminal.guard(rawOut);
        PrintStream err = Terminal.guard(rawErr);
        Main main = new Main(env, in, out, err, rawOut, rawErr);
        CommandLine cl = new CommandLine(main);
        for (Map.Entry<String, Class<?>> c : commandsFor(args)) cl.addSubcommand(c.getKey(), c.getValue());
        cl.setColorScheme(CommandLine.Help.defaultColorScheme(CommandLine.Help.Ansi.OFF));
        cl.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
        cl.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> main.fail(ex));
        try {
            return cl.execute(args);
        } finally {
            Terminal.finish(out);
            Terminal.finish(err);
            rawOut.flush();
            rawErr.flush();
        }
    }

    /**
     * The commands a line needs built: the one it names (its first word that is not the root's option); none for
     * {@code --version}; all of them otherwise (help, completion, no command, an unknown one: its suggestions).
     */
    static List<Map.Entry<String, Class<?>>> commandsFor(String... args) {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--ledger")) {
                i++;
                continue;
            }
            if (a.startsWith("--ledger=")) continue;
            if (a.equals("--version") || a.equals("-V")) return List.of();
            if (a.startsWith("-") || a.equals("help") || a.equals("completion")) return COMMANDS;
            for (Map.Entry<String, Class<?>> c : COMMANDS) if (c.getKey().equals(a)) return List.of(c);
            return COMMANDS;
        }
        return COMMANDS;
    }

    @Override
    public void run() {
        spec.commandLine().usage(out);
    }

    /** The settings in force: config file and environment, with {@code --ledger} on top. */
    Config config() {
        if (config == null) config = Config.load(env).withLedger(ledgerOption);
        return config;
    }

    /** "Now", through one clock: {@code RECKON_NOW} fixes it for reproducible runs. */
    Clock clock() {
        String fixed = env.get("RECKON_NOW");
        if (fixed == null || fixed.isBlank()) return Clock.systemUTC();
        Instant t = Times.instant(fixed, null, config().zone());
        if (t == null) throw new InputError("RECKON_NOW", 0, null, "\"" + fixed + "\" is not a time (write 2026-03-01T08:00 or an ISO-8601 time)");
        return Clock.fixed(t, ZoneOffset.UTC);
    }

    private int fail(Exception ex) {
        if (env.get("RECKON_DEBUG") != null) ex.printStackTrace(err);
        Throwable e = ex;
        if (e instanceof UncheckedIOException u) e = u.getCause();
        if (e instanceof CommandLine.ParameterException pe) {
            err.println("reckon: " + pe.getMessage());
            err.println("Try 'reckon " + pe.getCommandLine().getCommandName() + " --help' for more.");
            return EXIT_USAGE;
        }
        if (e instanceof BadRequest br) {
            String command = spec.commandLine().getParseResult() == null ? "" : " " + subcommandName();
            err.println("reckon: " + br.getMessage());
            err.println("Try 'reckon" + command + " --help' for more.");
            return EXIT_USAGE;
        }
        if (e instanceof InputError ie) {
            err.println("reckon: " + ie.getMessage());
            return EXIT_DATA;
        }
        if (e instanceof LedgerException le) {
            err.println("reckon: ledger: " + le.getMessage());
            return le.kind() == LedgerException.Kind.UNAVAILABLE ? EXIT_UNAVAILABLE : EXIT_IO;
        }
        if (e instanceof Unavailable || e instanceof SlurmCommandException) {
            err.println("reckon: " + e.getMessage());
            return EXIT_UNAVAILABLE;
        }
        if (e instanceof IOException io) {
            err.println("reckon: " + io.getMessage());
            return EXIT_IO;
        }
        err.println("reckon: internal error: " + e + " (run again with RECKON_DEBUG=1 for details)");
        return EXIT_SOFTWARE;
    }

    /** The innermost subcommand the command line named, e.g. {@code exits enforce}. */
    private String subcommandName() {
        StringBuilder b = new StringBuilder();
        for (CommandLine.ParseResult p = spec.commandLine().getParseResult().subcommand(); p != null; p = p.subcommand())
            b.append(b.length() == 0 ? "" : " ").append(p.commandSpec().name());
        return b.toString();
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() throws IOException {
            Properties p = new Properties();
            try (var s = Main.class.getResourceAsStream("/dev/reckon/version.properties")) {
                if (s != null) p.load(s);
            }
            return new String[] {"reckon " + p.getProperty("version", "unknown"),
                    "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")"};
        }
    }

    static Instant now(Main root) {
        return root.clock().instant();
    }
}
