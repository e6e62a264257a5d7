package dev.reckon.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.reckon.core.InputError;
import dev.reckon.core.InputText;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.Map;

/**
 * Every setting reckon reads, and its default, in one place. Settings come from, in rising order of precedence:
 * the defaults below, the YAML config file, environment variables, and command-line options.
 *
 * <p>The config file is {@code $RECKON_CONFIG}, else {@code $XDG_CONFIG_HOME/reckon/config.yaml}, else
 * {@code ~/.config/reckon/config.yaml}; it is optional. Its keys:
 * <pre>
 * ledger: ~/.local/share/reckon/ledger.db   # a file path (SQLite) or a jdbc:postgresql:// URL   (env RECKON_LEDGER)
 * timezone: Europe/Stockholm                # zone of sacct's local timestamps and of displayed times (env RECKON_TZ)
 * cluster: mycluster                        # cluster name for input that does not name one      (env RECKON_CLUSTER)
 * charters: ~/.config/reckon/charters       # the charter directory, relative to this file's    (env RECKON_CHARTERS)
 * exits:                                    # when reckon exits calls a charter approaching
 *   approach_budget: 0.8                    #   this fraction of any budget used (0 to 1]
 *   approach_days: 7                        #   this many days before its window ends
 * </pre>
 *
 * @param file     the config file that was read, or null when none exists
 * @param ledger   where the ledger lives
 * @param zone     the zone for reading local timestamps and showing times
 * @param cluster  the cluster name to give jobs whose input names none
 * @param charters the charter directory (default: {@code charters/} beside the config file)
 * @param exits    when a charter counts as approaching its exits
 * @param site     the site layer (see {@link Site}); {@link Site#NONE} when there is no site installation
 *
 * <p><b>The site layer.</b> Below the user's file sits the site's, {@code $RECKON_SITE_DIR/config.yaml} (default
 * {@code /etc/reckon/config.yaml}), with the same keys and these more:
 * <pre>
 * charters: charters                   # the site charter directory, relative to the site dir (default: charters)
 * proposals: /var/spool/reckon/proposals     # where 'reckon charter propose' writes proposals
 * metric_spool: /var/spool/reckon/metrics    # where 'reckon metric' appends when the ledger is not writable
 * templates: templates                 # notice templates overriding the shipped ones (default: templates)
 * </pre>
 * A site is in force when its config file or its charter directory exists. Then every user reads the site's charter
 * directory (only {@code --charters} or {@code $RECKON_CHARTERS} choose another), and the user's own directory
 * ({@code charters} of the user's file, else {@code ~/.config/reckon/charters}) holds drafts only. The user's file
 * overrides the site's ledger, timezone, cluster and exits; the environment overrides both.
 */
public record Config(Path file, String ledger, ZoneId zone, String cluster, Path charters, ExitSettings exits,
                     Site site) {

    /** Settings without a site layer (as before there was one). */
    public Config(Path file, String ledger, ZoneId zone, String cluster, Path charters, ExitSettings exits) {
        this(file, ledger, zone, cluster, charters, exits, Site.NONE);
    }

    public Config {
        site = site == null ? Site.NONE : site;
    }

    /** The default site directory. */
    public static final Path DEFAULT_SITE_DIR = Path.of("/etc/reckon");
    /** The default proposals spool. */
    public static final Path DEFAULT_PROPOSALS = Path.of("/var/spool/reckon/proposals");
    /** The default metric spool. */
    public static final Path DEFAULT_METRIC_SPOOL = Path.of("/var/spool/reckon/metrics");

    /**
     * The site installation.
     *
     * @param dir          the site directory ({@code $RECKON_SITE_DIR}, else {@code /etc/reckon})
     * @param file         its config file, or null when there is none
     * @param present      whether a site is in force (its config file or its charter directory exists)
     * @param charters     the site charter directory
     * @param proposals    the proposals spool
     * @param metricSpool  the metric spool
     * @param templates    the notice templates' directory (a missing file there: the shipped template)
     * @param drafts       where {@code charter new} writes: the user's own directory when the site's charters are
     *                     in force, else the charter directory in force
     * @param siteCharters whether the charter directory in force is the site's
     */
    public record Site(Path dir, Path file, boolean present, Path charters, Path proposals, Path metricSpool,
                       Path templates, Path drafts, boolean siteCharters) {
        public static final Site NONE = new Site(DEFAULT_SITE_DIR, null, false, DEFAULT_SITE_DIR.resolve("charters"),
                DEFAULT_PROPOSALS, DEFAULT_METRIC_SPOOL, DEFAULT_SITE_DIR.resolve("templates"), null, false);

        Site withDrafts(Path d, boolean fromSite) {
            return new Site(dir, file, present, charters, proposals, metricSpool, templates, d, fromSite);
        }
    }

    /** Where {@code charter new} writes: drafts when the site's charters are in force, else the charter directory. */
    public Path drafts() {
        return site.drafts() != null ? site.drafts() : charters;
    }

    /**
     * When {@code reckon exits} calls a charter approaching: at {@code approachBudget} of any budget used (default
     * 0.8), or {@code approachDays} days before its window ends (default 7).
     */
    public record ExitSettings(Double approachBudget, Integer approachDays) {
        public static final ExitSettings DEFAULT = new ExitSettings(0.8, 7);

        public ExitSettings {
            approachBudget = approachBudget == null ? 0.8 : approachBudget;
            approachDays = approachDays == null ? 7 : approachDays;
        }
    }

    /** The default cluster name for input that names none. */
    public static final String DEFAULT_CLUSTER = "default";

    /** The settings file's shape: every key optional. */
    private record FileSettings(String ledger, String timezone, String cluster, String charters, ExitSettings exits) {
        static final FileSettings NONE = new FileSettings(null, null, null, null, null);
    }

    /** The site file's shape: the user's keys and the site's own. */
    private record SiteSettings(String ledger, String timezone, String cluster, String charters, ExitSettings exits,
                                String proposals, String metricSpool, String templates) {
        static final SiteSettings NONE = new SiteSettings(null, null, null, null, null, null, null, null);
    }

    /** The site directory: {@code $RECKON_SITE_DIR}, else {@code /etc/reckon}. */
    static Path siteDir(Map<String, String> env) {
        String d = env.get("RECKON_SITE_DIR");
        return d != null && !d.isBlank() ? Path.of(d) : DEFAULT_SITE_DIR;
    }

    /** Loads the settings from the usual places, for the given environment. */
    public static Config load(Map<String, String> env) {
        Path file = configFile(env);
        FileSettings fs = Files.isRegularFile(file) ? read(file, FileSettings.class, FileSettings.NONE, KNOWN)
                : FileSettings.NONE;
        Path siteDir = siteDir(env).toAbsolutePath();
        Path siteFile = siteDir.resolve("config.yaml");
        SiteSettings ss = Files.isRegularFile(siteFile)
                ? read(siteFile, SiteSettings.class, SiteSettings.NONE, KNOWN + ", proposals, metric_spool, templates")
                : SiteSettings.NONE;
        Path siteCharters = ss.charters() == null ? siteDir.resolve("charters")
                : siteDir.resolve(expandHome(ss.charters(), env));
        boolean sitePresent = Files.isRegularFile(siteFile) || Files.isDirectory(siteCharters);
        String ledger = first(env.get("RECKON_LEDGER"), fs.ledger(), first(ss.ledger(), defaultLedger(env).toString(), null));
        String tz = first(env.get("RECKON_TZ"), fs.timezone(), ss.timezone());
        String cluster = first(env.get("RECKON_CLUSTER"), fs.cluster(), first(ss.cluster(), DEFAULT_CLUSTER, null));
        Path own = fs.charters() == null ? file.toAbsolutePath().getParent().resolve("charters")
                : file.toAbsolutePath().getParent().resolve(expandHome(fs.charters(), env));
        boolean fromEnv = env.get("RECKON_CHARTERS") != null && !env.get("RECKON_CHARTERS").isBlank();
        Path chartersDir = fromEnv ? Path.of(expandHome(env.get("RECKON_CHARTERS"), env)) : sitePresent ? siteCharters : own;
        boolean siteInForce = !fromEnv && sitePresent;
        Site site = new Site(siteDir, Files.isRegularFile(siteFile) ? siteFile : null, sitePresent, siteCharters,
                ss.proposals() == null ? DEFAULT_PROPOSALS : siteDir.resolve(expandHome(ss.proposals(), env)),
                ss.metricSpool() == null ? DEFAULT_METRIC_SPOOL : siteDir.resolve(expandHome(ss.metricSpool(), env)),
                siteDir.resolve(ss.templates() == null ? "templates" : expandHome(ss.templates(), env)),
                siteInForce ? own : null, siteInForce);
        if (fs.exits() == null && ss.exits() != null) {
            fs = new FileSettings(fs.ledger(), fs.timezone(), fs.cluster(), fs.charters(), ss.exits());
            file = siteFile;
        }
        ZoneId zone;
        try {
            zone = tz == null ? ZoneId.systemDefault() : ZoneId.of(tz);
        } catch (DateTimeException e) {
            String where = env.get("RECKON_TZ") != null ? "RECKON_TZ" : fs.timezone() != null ? file.toString() : siteFile.toString();
            throw new InputError(where, 0, "timezone", InputText.problem("\"" + tz + "\" is not a time zone (try e.g. UTC or Europe/Paris)"));
        }
        ExitSettings exits = fs.exits() == null ? ExitSettings.DEFAULT : fs.exits();
        if (!(exits.approachBudget() > 0 && exits.approachBudget() <= 1))
            throw new InputError(file.toString(), lineOfKey(Files.isRegularFile(file) ? readQuietly(file) : "", "approach_budget", 0),
                    "exits.approach_budget", exits.approachBudget() + " is not a fraction in (0, 1], e.g. 0.8");
        if (exits.approachDays() < 0)
            throw new InputError(file.toString(), lineOfKey(readQuietly(file), "approach_days", 0), "exits.approach_days",
                    "must not be negative");
        Path userFile = configFile(env);
        return new Config(Files.isRegularFile(userFile) ? userFile : null, expandHome(ledger, env), zone, cluster,
                chartersDir, exits, site);
    }

    public Config withLedger(String newLedger) {
        return newLedger == null ? this : new Config(file, newLedger, zone, cluster, charters, exits, site);
    }

    /** These settings with another charter directory ({@code --charters}), drafts included; null keeps them. */
    public Config withCharters(Path newCharters) {
        return newCharters == null ? this : new Config(file, ledger, zone, cluster, newCharters, exits,
                site.withDrafts(null, false));
    }

    static Path configFile(Map<String, String> env) {
        String explicit = env.get("RECKON_CONFIG");
        if (explicit != null && !explicit.isBlank()) return Path.of(explicit);
        String xdg = env.get("XDG_CONFIG_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : home(env).resolve(".config");
        return base.resolve("reckon").resolve("config.yaml");
    }

    static Path defaultLedger(Map<String, String> env) {
        String xdg = env.get("XDG_DATA_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : home(env).resolve(".local").resolve("share");
        return base.resolve("reckon").resolve("ledger.db");
    }

    private static Path home(Map<String, String> env) {
        String h = env.get("HOME");
        return Path.of(h != null && !h.isBlank() ? h : System.getProperty("user.home"));
    }

    private static String expandHome(String location, Map<String, String> env) {
        if (location.equals("~") || location.startsWith("~/")) return home(env) + location.substring(1);
        return location;
    }

    /** The largest settings file read (checked before reading). */
    public static final long MAX_BYTES = 64 * 1024;

    private static final String KNOWN = "ledger, timezone, cluster, charters, exits (approach_budget, approach_days)";

    private static <T> T read(Path file, Class<T> type, T none, String known) {
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory())
                .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        String text = "";
        try {
            long size = Files.size(file);
            if (size > MAX_BYTES) {
                throw new InputError(file.toString(), 0, null, "is " + size + " bytes, more than a settings file may be ("
                        + MAX_BYTES + "): not read");
            }
            text = InputText.utf8(Files.readAllBytes(file), file.toString());
            if (text.isBlank()) return none;
            T fs = yaml.readValue(text, type);
            return fs == null ? none : fs;
        } catch (UnrecognizedPropertyException e) {
            String key = e.getPropertyName() == null || e.getPropertyName().length() <= 60 ? e.getPropertyName()
                    : e.getPropertyName().substring(0, 60) + "...";
            throw new InputError(file.toString(), lineOfKey(text, e.getPropertyName(), line(e)), key,
                    "unknown setting; known: " + known);
        } catch (JsonProcessingException e) {
            throw new InputError(file.toString(), line(e), null, InputText.problem("not valid YAML: " + e.getOriginalMessage()));
        } catch (IOException e) {
            throw new InputError(file.toString(), 0, null, InputText.problem("cannot read: " + e.getMessage()));
        }
    }

    /** The line a top-level key is on (the parser reports where it stopped reading, which may be later). */
    private static long lineOfKey(String text, String key, long fallback) {
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String l = lines[i].strip();
            if (l.startsWith(key) && l.substring(key.length()).strip().startsWith(":")) return i + 1;
        }
        return fallback;
    }

    private static String readQuietly(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "";
        }
    }

    private static long line(JsonProcessingException e) {
        JsonLocation loc = e.getLocation();
        return loc == null ? 0 : Math.max(0, loc.getLineNr());
    }

    private static String first(String a, String b, String c) {
        if (a != null && !a.isBlank()) return a;
        if (b != null && !b.isBlank()) return b;
        return c;
    }
}
