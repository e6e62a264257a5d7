package dev.reckon.charter;

import dev.reckon.model.Charter;
import dev.reckon.model.Charter.Budget;
import dev.reckon.model.Charter.Condition;
import dev.reckon.model.Charter.Match;
import dev.reckon.model.Charter.Status;
import dev.reckon.model.Charter.StatusChange;
import dev.reckon.model.Charter.UserJobs;
import dev.reckon.model.Charter.Window;
import dev.reckon.core.InputError;
import dev.reckon.core.InputText;
import dev.reckon.core.Times;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One charter file: a YAML mapping named {@code <id>.yaml} (or {@code .yml}). Reading it reports every problem at
 * once, each as an {@link InputError} with the line of the key at fault; a charter missing one of the parts that make
 * it a workload (a one-sentence purpose, one owner, a success and a failure criterion, a budget, an end date) is
 * refused with a message that says what is missing and why it matters. The format: {@code docs/charters.md}.
 */
public final class CharterFile {
    static final List<String> KEYS = List.of("id", "title", "purpose", "owner", "members", "accounts", "match",
            "budget", "window", "success", "failure", "review_every", "status", "history", "on_exit", "clusters");
    /** What a cluster name in {@code clusters:} may look like. */
    private static final Pattern CLUSTER = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final List<String> MATCH_KEYS = List.of("wckeys", "accounts", "jobs");
    private static final List<String> JOB_KEYS = List.of("user", "name");
    private static final List<String> BUDGET_KEYS = List.of("gpu_hours", "cpu_hours", "mem_gb_hours");
    private static final List<String> WINDOW_KEYS = List.of("start", "end");
    private static final List<String> HISTORY_KEYS = List.of("date", "status", "note");
    private static final Pattern OWNER_SEPARATORS = Pattern.compile("[,;&/+]|\\s(and|or|og|und|et)\\s", Pattern.CASE_INSENSITIVE);
    private static final Pattern SENTENCE_BREAK = Pattern.compile("[.!?]\\s+\\S");

    /** Why each required part matters, said once so that files, flags and prompts say the same. */
    static final Map<String, String> WHY = Map.of(
            "id", "the id is what jobs name with --comment=charter=<id>, and it must be the file's name",
            "purpose", "say in one sentence what this effort is for: if you cannot say in one sentence what a job is "
                    + "for and how you will know it worked, it is not a workload yet",
            "owner", "name the one person who answers for this effort: capacity that no single person defends is "
                    + "capacity nobody can justify or reclaim",
            "success", "say how you will know it worked (e.g. val_accuracy >= 0.92): without it nobody can tell when "
                    + "to stop and the effort runs on by habit",
            "failure", "say how you will know it is not working (e.g. loss > 2.5 after 50 gpu_hours): without it a "
                    + "failing effort runs until its budget is gone",
            "budget", "give gpu_hours and/or cpu_hours: without a budget there is no point at which the effort must "
                    + "stop and ask again",
            "window.end", "give the date by which it is done: an effort with no end date runs forever by habit");

    private CharterFile() {}

    /**
     * What reading a file gave: the charter when it is valid (else null), every problem, and the line of each key
     * read ({@code owner}, {@code budget.gpu_hours}, ...) for later checks to point at.
     */
    public record Result(String file, Charter charter, List<InputError> errors, Map<String, Long> lines) {
        public Result {
            errors = List.copyOf(errors);
            lines = Map.copyOf(lines);
        }

        public boolean ok() {
            return errors.isEmpty();
        }

        /** The line of a key path, or 1 when the file does not have it. */
        public long lineOf(String key) {
            return lines.getOrDefault(key, 1L);
        }

        /** The charter, or the first problem thrown. */
        public Charter orThrow() {
            if (!errors.isEmpty()) throw errors.get(0);
            return charter;
        }
    }

    /** The largest charter file read (checked before reading): a charter is a page of YAML. */
    public static final long MAX_BYTES = 256 * 1024;

    /** Reads a charter file; dates without an offset are in {@code zone}; a file over {@link #MAX_BYTES} is refused unread. */
    public static Result read(Path file, ZoneId zone) {
        String text;
        try {
            long size = Files.size(file);
            if (size > MAX_BYTES) {
                return new Result(file.toString(), null, List.of(new InputError(file.toString(), 0, null, "is " + size
                        + " bytes, more than a charter may be (" + MAX_BYTES + "): not read")), Map.of());
            }
            text = InputText.utf8(Files.readAllBytes(file), file.toString());
        } catch (InputError e) {
            return new Result(file.toString(), null, List.of(e), Map.of());
        } catch (CharacterCodingException e) {
            return new Result(file.toString(), null, List.of(new InputError(file.toString(), 0, null, "not UTF-8 text")), Map.of());
        } catch (IOException e) {
            return new Result(file.toString(), null, List.of(new InputError(file.toString(), 0, null,
                    "cannot read: " + e.getMessage())), Map.of());
        }
        return parse(file.toString(), text, zone);
    }

    /**
     * Reads a charter's text. {@code file} names it in errors; when it ends in {@code .yaml} or {@code .yml}, the
     * charter's id must be its base name.
     */
    public static Result parse(String file, String text, ZoneId zone) {
        return new Parser(file, zone).parse(text);
    }

    /** The id a file's name gives, or null when it is not {@code <id>.yaml} or {@code <id>.yml}. */
    public static String idOfFileName(String fileName) {
        String base = Path.of(fileName).getFileName() == null ? fileName : Path.of(fileName).getFileName().toString();
        for (String ext : List.of(".yaml", ".yml")) {
            if (base.endsWith(ext)) return base.substring(0, base.length() - ext.length());
        }
        return null;
    }

    // ------------------------------------------------------------------------------------------------ reading

    private static final class Parser {
        private final String file;
        private final ZoneId zone;
        private final List<InputError> errors = new ArrayList<>();
        private final Map<String, Long> lines = new LinkedHashMap<>();
        /** Where a missing top-level key is reported: the charter mapping's first line. */
        private long top = 1;

        Parser(String file, ZoneId zone) {
            this.file = file;
            this.zone = zone;
        }

        Result parse(String text) {
            Node root;
            try {
                LoaderOptions options = new LoaderOptions();
                options.setAllowDuplicateKeys(false);
                root = new Yaml(new SafeConstructor(options)).compose(new StringReader(text));
            } catch (MarkedYAMLException e) {
                Mark m = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
                String what = e.getProblem() != null ? e.getProblem() : e.getContext();
                return done(error(m == null ? 0 : m.getLine() + 1, null, "not valid YAML: " + what));
            } catch (YAMLException e) {
                return done(error(0, null, "not valid YAML: " + e.getMessage()));
            }
            if (root == null || isNull(root)) {
                error(1, null, "the file is empty; a charter needs at least id, purpose, owner, budget, window.end, "
                        + "success and failure (see docs/charters.md)");
                return done(null);
            }
            if (!(root instanceof MappingNode top)) {
                return done(error(line(root), null, "a charter is a mapping of keys (id:, purpose:, owner:, ...), not a "
                        + kind(root)));
            }
            this.top = line(top);
            Map<String, NodeTuple> keys = keys(top, "", KEYS);

            String id = required(keys, "id");
            String expected = idOfFileName(file);
            if (id == null) {
                // reported
            } else if (!Charter.ID.matcher(id).matches()) {
                error(lines.get("id"), "id", "\"" + id + "\" is not an id: letters, digits, '.', '_' and '-', "
                        + "starting with a letter or digit, at most 64 characters (it travels in Slurm comments)");
                id = null;
            } else if (expected != null && !expected.equals(id)) {
                error(lines.get("id"), "id", "\"" + id + "\" is not this file's name; a charter lives in <id>.yaml, "
                        + "so rename the file to " + id + ".yaml or the id to " + expected);
            }
            String title = scalar(keys, "title", "");
            String purpose = purpose(keys);
            String owner = owner(keys);
            List<String> members = names(keys, "members", "");
            List<String> accounts = names(keys, "accounts", "");
            Match match = match(keys);
            Budget budget = budget(keys);
            Window window = window(keys);
            List<Condition> success = conditions(keys, "success");
            List<Condition> failure = conditions(keys, "failure");
            Duration reviewEvery = reviewEvery(keys);
            List<StatusChange> history = history(keys);
            Status status = status(keys, history);
            Charter.OnExit onExit = onExit(keys);
            List<String> clusters = clusters(keys);

            if (!errors.isEmpty()) return done(null);
            return done(new Charter(id, title == null ? id : title, purpose, owner, members, accounts, match, budget,
                    window, success, failure, reviewEvery, status, history, onExit, clusters));
        }

        private Result done(Object ignored) {
            errors.sort(java.util.Comparator.comparingLong(InputError::line));
            return new Result(file, ignored instanceof Charter c ? c : null, errors, lines);
        }

        // ---- the parts

        private String purpose(Map<String, NodeTuple> keys) {
            String p = required(keys, "purpose");
            if (p == null) return null;
            p = p.strip().replaceAll("\\s+", " ");
            long line = lines.get("purpose");
            if (SENTENCE_BREAK.matcher(p).find()) {
                error(line, "purpose", "is more than one sentence; " + WHY.get("purpose"));
                return null;
            }
            if (p.split(" ").length < 3) {
                error(line, "purpose", "\"" + p + "\" is not a sentence (say what the effort does and to what); "
                        + WHY.get("purpose"));
                return null;
            }
            return p;
        }

        private String owner(Map<String, NodeTuple> keys) {
            NodeTuple t = keys.get("owner");
            if (t == null) {
                missing("owner", top);
                return null;
            }
            Node v = t.getValueNode();
            long line = lines.get("owner");
            if (v instanceof SequenceNode s) {
                error(line, "owner", (s.getValue().size() > 1 ? "names " + s.getValue().size() + " people" : "is a list")
                        + "; a charter has exactly one owner (put the others under members:): " + WHY.get("owner"));
                return null;
            }
            String o = required(keys, "owner");
            if (o == null) return null;
            o = o.strip();
            if (OWNER_SEPARATORS.matcher(o).find()) {
                error(line, "owner", "\"" + o + "\" names more than one person; a charter has exactly one owner "
                        + "(put the others under members:): " + WHY.get("owner"));
                return null;
            }
            return o;
        }

        private Match match(Map<String, NodeTuple> keys) {
            NodeTuple t = keys.get("match");
            if (t == null || isNull(t.getValueNode())) return Match.NONE;
            MappingNode m = mapping(t, "match");
            if (m == null) return Match.NONE;
            Map<String, NodeTuple> mk = keys(m, "match.", MATCH_KEYS);
            List<String> wckeys = names(mk, "wckeys", "match.");
            List<String> accounts = names(mk, "accounts", "match.");
            List<UserJobs> jobs = new ArrayList<>();
            NodeTuple jt = mk.get("jobs");
            if (jt != null && !isNull(jt.getValueNode())) {
                if (!(jt.getValueNode() instanceof SequenceNode seq)) {
                    error(line(jt.getKeyNode()), "match.jobs", "is a list of {user: NAME, name: GLOB} entries, not a "
                            + kind(jt.getValueNode()));
                } else {
                    for (Node item : seq.getValue()) {
                        if (!(item instanceof MappingNode im)) {
                            error(line(item), "match.jobs", "each entry is {user: NAME, name: GLOB}, not a " + kind(item));
                            continue;
                        }
                        Map<String, NodeTuple> ik = keys(im, "match.jobs.", JOB_KEYS);
                        String user = scalar(ik, "user", "match.jobs.");
                        String name = scalar(ik, "name", "match.jobs.");
                        if (user == null) {
                            if (!ik.containsKey("user")) error(line(item), "match.jobs.user",
                                    "missing: each entry names the user whose jobs belong (and optionally a job-name glob)");
                            continue;
                        }
                        jobs.add(new UserJobs(user.strip(), name == null ? "*" : name.strip()));
                    }
                }
            }
            return new Match(wckeys, accounts, jobs);
        }

        private Budget budget(Map<String, NodeTuple> keys) {
            NodeTuple t = keys.get("budget");
            if (t == null || isNull(t.getValueNode())) {
                missing("budget", t == null ? top : line(t.getKeyNode()));
                return null;
            }
            MappingNode m = mapping(t, "budget");
            if (m == null) return null;
            Map<String, NodeTuple> bk = keys(m, "budget.", BUDGET_KEYS);
            Double gpu = amount(bk, "gpu_hours", "budget.");
            Double cpu = amount(bk, "cpu_hours", "budget.");
            Double mem = amount(bk, "mem_gb_hours", "budget.");
            if (!bk.containsKey("gpu_hours") && !bk.containsKey("cpu_hours")) {
                error(line(t.getKeyNode()), "budget", "missing: gpu_hours or cpu_hours; " + WHY.get("budget"));
                return null;
            }
            if ((bk.containsKey("gpu_hours") && gpu == null) || (bk.containsKey("cpu_hours") && cpu == null)
                    || (bk.containsKey("mem_gb_hours") && mem == null)) return null;
            return new Budget(gpu == null ? 0 : gpu, cpu == null ? 0 : cpu, mem);
        }

        private Double amount(Map<String, NodeTuple> keys, String key, String prefix) {
            String s = scalar(keys, key, prefix);
            if (s == null) return null;
            long line = lines.get(prefix + key);
            try {
                double v = Double.parseDouble(s.strip().replace("_", ""));
                if (Double.isFinite(v) && v >= 0 && !s.strip().matches(".*[dDfF]$")) return v;
            } catch (NumberFormatException e) {
                // reported below
            }
            error(line, prefix + key, "\"" + s + "\" is not a number of hours (0 or more)");
            return null;
        }

        private Window window(Map<String, NodeTuple> keys) {
            NodeTuple t = keys.get("window");
            if (t == null || isNull(t.getValueNode())) {
                missing("window.end", t == null ? top : line(t.getKeyNode()));
                return null;
            }
            MappingNode m = mapping(t, "window");
            if (m == null) return null;
            Map<String, NodeTuple> wk = keys(m, "window.", WINDOW_KEYS);
            Instant start = time(wk, "start", false);
            Instant end = time(wk, "end", true);
            if (!wk.containsKey("end") || (end == null && isNull(wk.get("end").getValueNode()))) {
                missing("window.end", line(t.getKeyNode()));
                return null;
            }
            if (start != null && end != null && !end.isAfter(start)) {
                error(lines.get("window.end"), "window.end", "is not after window.start");
                return null;
            }
            return end == null ? null : new Window(start, end);
        }

        private Instant time(Map<String, NodeTuple> keys, String key, boolean endOfDay) {
            String s = scalar(keys, key, "window.");
            if (s == null) return null;
            Instant t = parseTime(s.strip(), zone, endOfDay);
            if (t == null) error(lines.get("window." + key), "window." + key, "\"" + s + "\" is not a date or date-time "
                    + "(write 2024-06-30, 2024-06-30T18:00 or 2024-06-30T18:00:00+02:00)");
            return t;
        }

        private List<Condition> conditions(Map<String, NodeTuple> keys, String key) {
            NodeTuple t = keys.get(key);
            if (t == null || isNull(t.getValueNode())) {
                missing(key, t == null ? top : line(t.getKeyNode()));
                return List.of();
            }
            List<Node> items = t.getValueNode() instanceof SequenceNode s ? s.getValue() : List.of(t.getValueNode());
            if (items.isEmpty()) {
                missing(key, line(t.getKeyNode()));
                return List.of();
            }
            List<Condition> out = new ArrayList<>();
            for (Node item : items) {
                if (!(item instanceof ScalarNode sc) || isNull(item)) {
                    error(line(item), key, "each condition is one line of text like \"val_accuracy >= 0.92\", not a " + kind(item));
                    continue;
                }
                try {
                    out.add(Condition.parse(sc.getValue()));
                } catch (IllegalArgumentException e) {
                    error(line(item), key, e.getMessage());
                }
            }
            return out;
        }

        private Duration reviewEvery(Map<String, NodeTuple> keys) {
            String s = scalar(keys, "review_every", "");
            if (s == null) return null;
            Duration d = parseDuration(s.strip());
            if (d == null || d.isZero() || d.isNegative()) {
                error(lines.get("review_every"), "review_every", "\"" + s + "\" is not a duration (write 14d, 2w, 36h "
                        + "or Slurm's D-HH:MM:SS)");
                return null;
            }
            return d;
        }

        private List<StatusChange> history(Map<String, NodeTuple> keys) {
            NodeTuple t = keys.get("history");
            if (t == null || isNull(t.getValueNode())) return List.of();
            if (!(t.getValueNode() instanceof SequenceNode seq)) {
                error(line(t.getKeyNode()), "history", "is a list of {date: YYYY-MM-DD, status: WORD, note: TEXT} entries, "
                        + "not a " + kind(t.getValueNode()));
                return List.of();
            }
            List<StatusChange> out = new ArrayList<>();
            for (Node item : seq.getValue()) {
                if (!(item instanceof MappingNode im)) {
                    error(line(item), "history", "each entry is {date: YYYY-MM-DD, status: WORD, note: TEXT}, not a " + kind(item));
                    continue;
                }
                Map<String, NodeTuple> hk = keys(im, "history.", HISTORY_KEYS);
                String date = scalar(hk, "date", "history.");
                String status = scalar(hk, "status", "history.");
                String note = scalar(hk, "note", "history.");
                LocalDate d = null;
                if (date == null) {
                    error(line(item), "history.date", "missing: each status change is dated");
                } else {
                    try {
                        d = LocalDate.parse(date.strip());
                    } catch (DateTimeException e) {
                        error(line(hk.get("date").getValueNode()), "history.date", "\"" + date + "\" is not a date (YYYY-MM-DD)");
                    }
                }
                Status st = null;
                if (status == null) {
                    error(line(item), "history.status", "missing: say what the status became (" + statusWords() + ")");
                } else if ((st = Status.of(status)) == null) {
                    error(line(hk.get("status").getValueNode()), "history.status", "\"" + status + "\" is not a status; use "
                            + statusWords());
                }
                if (d != null && !out.isEmpty() && out.get(out.size() - 1).date() != null
                        && d.isBefore(out.get(out.size() - 1).date())) {
                    error(line(item), "history.date", date + " is before the entry above it; list the changes oldest first");
                }
                out.add(new StatusChange(d, st, note == null ? null : note.strip()));
            }
            return out;
        }

        private Charter.OnExit onExit(Map<String, NodeTuple> keys) {
            String s = scalar(keys, "on_exit", "");
            if (s == null) return Charter.OnExit.NOTIFY;
            Charter.OnExit o = Charter.OnExit.of(s);
            if (o == null) {
                error(lines.get("on_exit"), "on_exit", "\"" + s + "\" is not what to do at an exit; use notify (tell the "
                        + "owner), hold (also hold its pending jobs) or cancel (also cancel its running jobs after a "
                        + "grace period)");
            }
            return o;
        }

        private Status status(Map<String, NodeTuple> keys, List<StatusChange> history) {
            String s = scalar(keys, "status", "");
            Status latest = history.isEmpty() ? null : history.get(history.size() - 1).status();
            if (s == null) return latest == null ? Status.ACTIVE : latest;
            Status st = Status.of(s);
            if (st == null) {
                error(lines.get("status"), "status", "\"" + s + "\" is not a status; use " + statusWords());
                return null;
            }
            if (latest != null && latest != st) {
                error(lines.get("status"), "status", "is " + st.word() + " but the last history entry says "
                        + latest.word() + "; add a dated history entry for the change");
            }
            return st;
        }

        // ---- helpers

        /** The keys of a mapping, each once; unknown and repeated ones are errors. Records each key's line. */
        private Map<String, NodeTuple> keys(MappingNode m, String prefix, List<String> known) {
            Map<String, NodeTuple> out = new LinkedHashMap<>();
            for (NodeTuple t : m.getValue()) {
                Node k = t.getKeyNode();
                long line = line(k);
                if (!(k instanceof ScalarNode ks)) {
                    error(line, prefix.isEmpty() ? null : prefix.substring(0, prefix.length() - 1), "a key must be a plain word");
                    continue;
                }
                String key = ks.getValue();
                if (!known.contains(key)) {
                    String near = nearest(key, known);
                    error(line, prefix + key, "unknown key" + (near == null ? "" : "; did you mean " + near + "?")
                            + " (known" + (prefix.isEmpty() ? "" : " under " + prefix.substring(0, prefix.length() - 1))
                            + ": " + String.join(", ", known) + ")");
                    continue;
                }
                if (out.containsKey(key)) {
                    error(line, prefix + key, "given twice (also on line " + line(out.get(key).getKeyNode()) + ")");
                    continue;
                }
                out.put(key, t);
                lines.putIfAbsent(prefix + key, line);
            }
            return out;
        }

        /** A key's text, or null when absent or null; a non-scalar is an error. */
        private String scalar(Map<String, NodeTuple> keys, String key, String prefix) {
            NodeTuple t = keys.get(key);
            if (t == null) return null;
            Node v = t.getValueNode();
            if (isNull(v)) return null;
            if (!(v instanceof ScalarNode s)) {
                error(line(t.getKeyNode()), prefix + key, "is one value, not a " + kind(v));
                return null;
            }
            if (s.getValue().isBlank()) return null;
            return s.getValue();
        }

        /** A key's text; absent or empty is reported as missing, with why it matters. */
        private String required(Map<String, NodeTuple> keys, String key) {
            NodeTuple t = keys.get(key);
            String s = scalar(keys, key, "");
            if (s == null && (t == null || t.getValueNode() instanceof ScalarNode)) {
                missing(key, t == null ? top : line(t.getKeyNode()));
            }
            return s;
        }

        /** A list of names, or one name. */
        private List<String> names(Map<String, NodeTuple> keys, String key, String prefix) {
            NodeTuple t = keys.get(key);
            if (t == null || isNull(t.getValueNode())) return List.of();
            Node v = t.getValueNode();
            if (v instanceof ScalarNode s) return s.getValue().isBlank() ? List.of() : List.of(s.getValue().strip());
            if (!(v instanceof SequenceNode seq)) {
                error(line(t.getKeyNode()), prefix + key, "is a list of names, not a " + kind(v));
                return List.of();
            }
            List<String> out = new ArrayList<>();
            for (Node item : seq.getValue()) {
                if (item instanceof ScalarNode s && !isNull(item) && !s.getValue().isBlank()) out.add(s.getValue().strip());
                else error(line(item), prefix + key, "each entry is one name, not a " + kind(item));
            }
            return out;
        }

        /** {@code clusters: [a, b]}: Slurm cluster names, each once; absent or empty: every cluster. */
        private List<String> clusters(Map<String, NodeTuple> keys) {
            List<String> names = names(keys, "clusters", "");
            if (names.isEmpty()) return names;
            long line = lines.getOrDefault("clusters", top);
            java.util.Set<String> seen = new java.util.HashSet<>();
            for (String n : names) {
                if (!CLUSTER.matcher(n).matches()) {
                    error(line, "clusters", "\"" + n + "\" is not a cluster name (Slurm's ClusterName: letters, digits, "
                            + "'.', '_' and '-', at most 64 characters)");
                } else if (!seen.add(n)) {
                    error(line, "clusters", "\"" + n + "\" is named twice");
                }
            }
            return names;
        }

        private MappingNode mapping(NodeTuple t, String field) {
            if (t.getValueNode() instanceof MappingNode m) return m;
            String shape = field.equals("budget") ? "{gpu_hours: N, cpu_hours: N}" : field.equals("window")
                    ? "{start: DATE, end: DATE}" : "{wckeys: [...], accounts: [...], jobs: [{user: U, name: GLOB}]}";
            error(line(t.getKeyNode()), field, "is a mapping " + shape + ", not a " + kind(t.getValueNode()));
            return null;
        }

        private void missing(String field, long line) {
            error(line, field, "missing: " + WHY.get(field));
        }

        private InputError error(long line, String field, String problem) {
            if (field != null && field.length() > 60) field = field.substring(0, 60) + "...";
            InputError e = new InputError(file, line, field, InputText.problem(problem));
            errors.add(e);
            return e;
        }
    }

    private static boolean isNull(Node n) {
        return n instanceof ScalarNode s && (Tag.NULL.equals(s.getTag()) || s.getValue().isEmpty());
    }

    private static long line(Node n) {
        return n.getStartMark() == null ? 0 : n.getStartMark().getLine() + 1;
    }

    private static String kind(Node n) {
        if (n instanceof MappingNode) return "mapping";
        if (n instanceof SequenceNode) return "list";
        return isNull(n) ? "empty value" : "single value";
    }

    private static String statusWords() {
        StringBuilder b = new StringBuilder();
        for (Status s : Status.values()) b.append(b.length() == 0 ? "" : ", ").append(s.word());
        return b.toString();
    }

    /** The known word within two edits of {@code key}, or one that starts the same way; null when none is close. */
    static String nearest(String key, List<String> known) {
        String best = null;
        int bestD = Integer.MAX_VALUE;
        String k = key.toLowerCase(Locale.ROOT).replace('-', '_');
        for (String w : known) {
            int d = distance(k, w);
            if (d < bestD) {
                bestD = d;
                best = w;
            }
        }
        if (best != null && bestD <= Math.max(1, Math.min(2, key.length() / 3))) return best;
        for (String w : known) if (k.length() >= 3 && (w.startsWith(k) || k.startsWith(w))) return w;
        return null;
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) prev[j] = j;
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    /**
     * A window bound: {@code 2024-06-30} (the start of that day, or for an end the start of the next: an end date
     * includes its day), {@code 2024-06-30T18:00} or {@code 2024-06-30 18:00} (in {@code zone}), or with an offset.
     * Null when it is none of these.
     */
    public static Instant parseTime(String s, ZoneId zone, boolean endOfDay) {
        return Times.instant(s, null, zone, endOfDay);
    }

    /** A duration in reckon's one grammar ({@link Times#duration}); null when it is not one. */
    public static Duration parseDuration(String s) {
        return Times.duration(s);
    }

    // ------------------------------------------------------------------------------------------------ closing

    /**
     * The text of a charter file with its status changed and one dated history entry added, the rest of the text
     * (comments, order, spelling, other keys) kept as it was: the {@code status:} value is replaced in place (or left
     * out when the file has none: the history then decides), the entry is appended under {@code history:} with the
     * indentation of the entries above it (a flow-style or empty history is rewritten as a block list), and a file
     * with no history gets one at its end. The new text is read back before it is returned.
     *
     * @throws InputError when the text is not a valid charter, or would not be one after the change
     */
    public static String withStatus(String file, String text, Status status, StatusChange change, ZoneId zone) {
        Result before = parse(file, text, zone);
        if (!before.ok()) throw before.errors().get(0);
        MappingNode top = (MappingNode) new Yaml(new SafeConstructor(new LoaderOptions())).compose(new StringReader(text));
        String nl = text.contains("\r\n") ? "\r\n" : "\n";
        List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
        NodeTuple statusT = null, historyT = null;
        for (NodeTuple t : top.getValue()) {
            String k = ((ScalarNode) t.getKeyNode()).getValue();
            if (k.equals("status")) statusT = t;
            if (k.equals("history")) historyT = t;
        }
        String entry = "{date: " + change.date() + ", status: " + change.status().word()
                + (change.note() == null ? "" : ", note: " + quote(change.note())) + "}";
        // the status first: replacing a value in its line keeps every line's number for the history below
        if (statusT != null) {
            Node v = statusT.getValueNode();
            int line = v.getStartMark().getLine();
            String l = lines.get(line);
            int from = l.offsetByCodePoints(0, v.getStartMark().getColumn());
            int to = v.getEndMark().getLine() == line ? l.offsetByCodePoints(0, v.getEndMark().getColumn()) : l.length();
            if (to > from && l.charAt(to - 1) == '\r') to--;
            lines.set(line, l.substring(0, from) + status.word() + l.substring(to));
        }
        if (historyT != null && historyT.getValueNode() instanceof SequenceNode seq && !seq.getValue().isEmpty()
                && seq.getFlowStyle() != org.yaml.snakeyaml.DumperOptions.FlowStyle.FLOW) {
            Node last = seq.getValue().get(seq.getValue().size() - 1);
            int endLine = last.getEndMark().getLine();
            if (last.getEndMark().getColumn() == 0) endLine--;
            String indent = " ".repeat(seq.getStartMark().getColumn());
            lines.add(endLine + 1, indent + "- " + entry + (nl.equals("\r\n") ? "\r" : ""));
        } else if (historyT != null) {
            int from = historyT.getKeyNode().getStartMark().getLine();
            Node v = historyT.getValueNode();
            int to = Math.max(from, v.getEndMark().getLine() - (v.getEndMark().getColumn() == 0 ? 1 : 0));
            StringBuilder b = new StringBuilder("history:");
            for (StatusChange h : before.charter().history()) {
                b.append(nl).append("  - {date: ").append(h.date()).append(", status: ").append(h.status().word());
                if (h.note() != null) b.append(", note: ").append(quote(h.note()));
                b.append('}');
            }
            b.append(nl).append("  - ").append(entry);
            for (int i = to; i > from; i--) lines.remove(i);
            lines.set(from, b.toString().replace("\r\n", "\n").replace("\n", nl.equals("\r\n") ? "\r\n" : "\n")
                    + (nl.equals("\r\n") ? "\r" : ""));
            lines = new ArrayList<>(List.of(String.join("\n", lines).split("\n", -1)));
        } else {
            int lastLine = lines.size() - 1;
            if (!lines.get(lastLine).isEmpty()) {
                lines.add("");
                lastLine++;
            }
            lines.add(lastLine, "history:" + (nl.equals("\r\n") ? "\r" : ""));
            lines.add(lastLine + 1, "  - " + entry + (nl.equals("\r\n") ? "\r" : ""));
        }
        String out = String.join("\n", lines);
        Result after = parse(file, out, zone);
        if (!after.ok()) throw after.errors().get(0);
        if (after.charter().status() != status)
            throw new InputError(file, after.lineOf("status"), "status", "could not be set to " + status.word());
        return out;
    }

    // ------------------------------------------------------------------------------------------------ writing

    /** The charter as file text that {@link #parse} reads back to an equal charter. */
    public static String write(Charter c, ZoneId zone) {
        StringBuilder b = new StringBuilder();
        b.append("id: ").append(c.id()).append('\n');
        b.append("title: ").append(quote(c.title())).append('\n');
        b.append("purpose: ").append(quote(c.purpose())).append('\n');
        b.append("owner: ").append(quote(c.owner())).append('\n');
        if (!c.members().isEmpty()) b.append("members: ").append(list(c.members())).append('\n');
        if (!c.accounts().isEmpty()) b.append("accounts: ").append(list(c.accounts())).append('\n');
        if (!c.clusters().isEmpty()) b.append("clusters: ").append(list(c.clusters())).append('\n');
        Match m = c.match();
        if (!m.equals(Match.NONE)) {
            b.append("match:                       # besides --comment=charter=").append(c.id()).append(", which always matches\n");
            if (!m.wckeys().isEmpty()) b.append("  wckeys: ").append(list(m.wckeys())).append('\n');
            if (!m.accounts().isEmpty()) b.append("  accounts: ").append(list(m.accounts())).append('\n');
            if (!m.jobs().isEmpty()) {
                b.append("  jobs:\n");
                for (UserJobs u : m.jobs()) {
                    b.append("    - {user: ").append(quote(u.user())).append(", name: ").append(quote(u.nameGlob())).append("}\n");
                }
            }
        }
        b.append("budget:\n");
        b.append("  gpu_hours: ").append(number(c.budget().gpuHours())).append('\n');
        b.append("  cpu_hours: ").append(number(c.budget().cpuHours())).append('\n');
        if (c.budget().memGbHours() != null) b.append("  mem_gb_hours: ").append(number(c.budget().memGbHours())).append('\n');
        b.append("window:\n");
        if (c.window().start() != null) b.append("  start: ").append(timeText(c.window().start(), zone, false)).append('\n');
        b.append("  end: ").append(timeText(c.window().end(), zone, true)).append('\n');
        b.append("success:\n");
        for (Condition s : c.success()) b.append("  - ").append(s).append('\n');
        b.append("failure:\n");
        for (Condition f : c.failure()) b.append("  - ").append(f).append('\n');
        b.append("review_every: ").append(durationText(c.reviewEvery())).append('\n');
        b.append("status: ").append(c.status().word()).append('\n');
        if (c.onExit() != Charter.OnExit.NOTIFY) b.append("on_exit: ").append(c.onExit().word()).append('\n');
        if (!c.history().isEmpty()) {
            b.append("history:\n");
            for (StatusChange h : c.history()) {
                b.append("  - {date: ").append(h.date()).append(", status: ").append(h.status().word());
                if (h.note() != null) b.append(", note: ").append(quote(h.note()));
                b.append("}\n");
            }
        }
        return b.toString();
    }

    /** A window bound as a file gives it: a date where it falls on midnight in {@code zone}, else with its offset. */
    public static String timeText(Instant t, ZoneId zone, boolean end) {
        return Times.text(t, zone, end);
    }

    /** A review period as a file gives it: {@code 14d}, {@code 36h}, or Slurm's {@code D-HH:MM:SS}. */
    public static String durationText(Duration d) {
        return Times.text(d);
    }

    private static String number(double v) {
        return new java.math.BigDecimal(Double.toString(v)).stripTrailingZeros().toPlainString();
    }

    private static String list(List<String> items) {
        StringBuilder b = new StringBuilder("[");
        for (String s : items) b.append(b.length() == 1 ? "" : ", ").append(quote(s));
        return b.append(']').toString();
    }

    /** A YAML scalar: plain when it is a safe word, else double-quoted with JSON escapes (YAML reads those). */
    static String quote(String s) {
        if (s.matches("[A-Za-z_][A-Za-z0-9_.@-]*") && !s.matches("(?i)y|n|yes|no|on|off|true|false|null")) return s;
        StringBuilder b = new StringBuilder("\"");
        for (char ch : s.toCharArray()) {
            switch (ch) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\t' -> b.append("\\t");
                default -> {
                    if (ch < 0x20) b.append(String.format(Locale.ROOT, "\\u%04x", (int) ch));
                    else b.append(ch);
                }
            }
        }
        return b.append('"').toString();
    }
}
