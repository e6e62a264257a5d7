package dev.reckon.optimise;

import dev.reckon.core.InputError;
import dev.reckon.core.SlurmSyntax;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The reading of one YAML file of the optimiser (a campaign, a workload model; and the place room's providers file) in the style of charter files: safe
 * loading of the node tree (no types, no duplicate keys, few aliases, a size limit), every problem collected as an
 * {@link InputError} with the file, the line and the field at fault, unknown keys refused with a did-you-mean.
 */
public final class YamlFields {
    /** The largest file read, in characters: a campaign or a model is a page of text. */
    static final int MAX_CHARS = 1 << 20;

    public final String file;
    public final List<InputError> errors = new ArrayList<>();

    public YamlFields(String file) {
        this.file = file;
    }

    /** The text of a file, or null with the problem recorded (not UTF-8, too large, unreadable). */
    public static String readText(Path file, List<InputError> errors) {
        try {
            if (Files.size(file) > 4L * MAX_CHARS) {
                errors.add(new InputError(file.toString(), 0, null, "is too large (over " + MAX_CHARS / 1024
                        + " KiB); a campaign or model file is a page of text"));
                return null;
            }
            return Files.readString(file);
        } catch (CharacterCodingException e) {
            errors.add(new InputError(file.toString(), 0, null, "not UTF-8 text"));
        } catch (IOException e) {
            errors.add(new InputError(file.toString(), 0, null, "cannot read: " + e.getMessage()));
        }
        return null;
    }

    /** The document's root node; null with the problem recorded when it is not YAML, too large or empty. */
    public Node compose(String text, String emptyHint) {
        if (text.length() > MAX_CHARS) {
            error(0, null, "is too large (over " + MAX_CHARS / 1024 + " KiB)");
            return null;
        }
        Node root;
        try {
            LoaderOptions options = new LoaderOptions();
            options.setAllowDuplicateKeys(false);
            options.setMaxAliasesForCollections(20);
            options.setCodePointLimit(MAX_CHARS + 1);
            options.setNestingDepthLimit(20);
            root = new Yaml(new SafeConstructor(options)).compose(new StringReader(text));
        } catch (MarkedYAMLException e) {
            Mark m = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            String what = e.getProblem() != null ? e.getProblem() : e.getContext();
            error(m == null ? 0 : m.getLine() + 1, null, "not valid YAML: " + what);
            return null;
        } catch (YAMLException e) {
            error(0, null, "not valid YAML: " + e.getMessage());
            return null;
        }
        if (root == null || isNull(root)) {
            error(1, null, "the file is empty; " + emptyHint);
            return null;
        }
        return root;
    }

    public List<InputError> sorted() {
        List<InputError> out = new ArrayList<>(errors);
        out.sort(Comparator.comparingLong(InputError::line));
        return out;
    }

    // ------------------------------------------------------------------------------------------------ structure

    /**
     * The keys of a mapping, each once; unknown and repeated keys are errors. {@code where} names the mapping in
     * messages ({@code stages.training.start}); empty at the top.
     */
    public Map<String, NodeTuple> keys(MappingNode m, String where, List<String> known) {
        Map<String, NodeTuple> out = new LinkedHashMap<>();
        String prefix = where.isEmpty() ? "" : where + ".";
        for (NodeTuple t : m.getValue()) {
            Node k = t.getKeyNode();
            if (!(k instanceof ScalarNode ks) || isNull(k)) {
                error(line(k), where.isEmpty() ? null : where, "a key must be a plain word");
                continue;
            }
            String key = ks.getValue();
            if (!known.contains(key)) {
                String near = nearest(key, known);
                error(line(k), prefix + key, "unknown key" + (near == null ? "" : "; did you mean " + near + "?")
                        + " (known" + (where.isEmpty() ? "" : " under " + where) + ": " + String.join(", ", known) + ")");
                continue;
            }
            if (out.containsKey(key)) {
                error(line(k), prefix + key, "given twice (also on line " + line(out.get(key).getKeyNode()) + ")");
                continue;
            }
            out.put(key, t);
        }
        return out;
    }

    /** The value as a mapping, or null with an error naming the shape expected; null values are null silently. */
    public MappingNode mapping(Node v, String field, String shape) {
        if (v == null || isNull(v)) return null;
        if (v instanceof MappingNode m) return m;
        error(line(v), field, "is a mapping " + shape + ", not a " + kind(v));
        return null;
    }

    /** The value's items: a list's, or a single value as a list of one; empty for null. */
    public List<Node> items(Node v, String field, String what) {
        if (v == null || isNull(v)) return List.of();
        if (v instanceof SequenceNode s) return s.getValue();
        if (v instanceof ScalarNode) return List.of(v);
        error(line(v), field, "is a list of " + what + ", not a " + kind(v));
        return List.of();
    }

    /** The value's text, stripped; null when absent, null or blank; a non-scalar is an error. */
    public String text(Node v, String field) {
        if (v == null || isNull(v)) return null;
        if (!(v instanceof ScalarNode s)) {
            error(line(v), field, "is one value, not a " + kind(v));
            return null;
        }
        String t = s.getValue().strip();
        return t.isEmpty() ? null : t;
    }

    /** Whether the key is given a value (not absent, not null). */
    public static boolean has(Map<String, NodeTuple> keys, String key) {
        Node v = value(keys, key);
        return v != null && !isNull(v);
    }

    public static Node value(Map<String, NodeTuple> keys, String key) {
        NodeTuple t = keys.get(key);
        return t == null ? null : t.getValueNode();
    }

    // ------------------------------------------------------------------------------------------------ values

    /** A whole number in {@code [min, max]}; null (with an error when given) otherwise. */
    public Long whole(Node v, String field, long min, long max, String what) {
        String s = text(v, field);
        if (s == null) return null;
        String d = s.replace("_", "");
        if (d.matches("\\d{1,18}")) {
            long n = Long.parseLong(d);
            if (n >= min && n <= max) return n;
            error(line(v), field, s + " is out of range: " + what + " is " + range(min, max));
            return null;
        }
        error(line(v), field, "\"" + s + "\" is not a whole number (" + what + ")");
        return null;
    }

    /** A number in {@code [min, max]}; null (with an error when given) otherwise. */
    public Double number(Node v, String field, double min, double max, String what) {
        String s = text(v, field);
        if (s == null) return null;
        try {
            if (!s.matches(".*[dDfFxX].*")) {
                double n = Double.parseDouble(s.replace("_", ""));
                if (n >= min && n <= max) return n;
                error(line(v), field, s + " is out of range: " + what);
                return null;
            }
        } catch (NumberFormatException e) {
            // below
        }
        error(line(v), field, "\"" + s + "\" is not a number (" + what + ")");
        return null;
    }

    /** A size in Slurm's syntax ({@code 16G}, {@code 512M}; a bare number is MiB), at least {@code min} bytes. */
    public Long size(Node v, String field, long min) {
        String s = text(v, field);
        if (s == null) return null;
        try {
            Long b = SlurmSyntax.sizeBytes(s, 'M');
            if (b != null && b >= min) return b;
            error(line(v), field, s + " is too small (at least " + sizeText(min) + ")");
            return null;
        } catch (IllegalArgumentException e) {
            error(line(v), field, "\"" + s + "\" is not a size (write 16G, 512M or 1.5T; a bare number is MiB)");
            return null;
        }
    }

    /** A duration in reckon's one grammar ({@code 30m}, {@code 2h}, {@code 1-00:00:00}), at least {@code min} seconds. */
    public Long seconds(Node v, String field, long min) {
        String s = text(v, field);
        if (s == null) return null;
        Duration d = Times.duration(s);
        if (d == null) {
            error(line(v), field, "\"" + s + "\" is not a duration (write " + Times.DURATION_HINT + ")");
            return null;
        }
        if (d.getSeconds() < min) {
            error(line(v), field, s + " is too short (at least " + min + " s)");
            return null;
        }
        return d.getSeconds();
    }

    public InputError error(long line, String field, String problem) {
        InputError e = new InputError(file, line, field, problem);
        errors.add(e);
        return e;
    }

    // ------------------------------------------------------------------------------------------------ helpers

    public static boolean isNull(Node n) {
        return n instanceof ScalarNode s && (Tag.NULL.equals(s.getTag()) || s.getValue().isBlank());
    }

    public static long line(Node n) {
        return n == null || n.getStartMark() == null ? 0 : n.getStartMark().getLine() + 1;
    }

    public static String kind(Node n) {
        if (n instanceof MappingNode) return "mapping";
        if (n instanceof SequenceNode) return "list";
        return isNull(n) ? "empty value" : "single value";
    }

    private static String range(long min, long max) {
        if (max == Long.MAX_VALUE || max == Integer.MAX_VALUE) return "at least " + min;
        return "from " + min + " to " + max;
    }

    /** A size as files write it: the largest unit that gives it exactly ({@code 16G}, {@code 1536M}, {@code 100B}). */
    public static String sizeText(long bytes) {
        String units = "KMGTPE";
        for (int u = units.length(); u >= 1; u--) {
            long unit = 1L << (10 * u);
            if (bytes != 0 && bytes % unit == 0) return bytes / unit + String.valueOf(units.charAt(u - 1));
        }
        return bytes + "B";
    }

    /** A YAML scalar: plain when it is a safe word, else double-quoted with escapes YAML reads back. */
    public static String quote(String s) {
        if (s.matches("[A-Za-z_][A-Za-z0-9_.@-]*") && !s.matches("(?i)y|n|yes|no|on|off|true|false|null")) return s;
        StringBuilder b = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            switch (ch) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\t' -> b.append("\\t");
                default -> {
                    if (ch < 0x20 || (ch >= 0x7f && ch < 0xa0) || ch == 0x2028 || ch == 0x2029 || ch == 0xfeff
                            || Character.isSurrogate(ch) && !validPair(s, i)) {
                        b.append(String.format(Locale.ROOT, "\\u%04x", (int) ch));
                    } else {
                        b.append(ch);
                    }
                }
            }
        }
        return b.append('"').toString();
    }

    private static boolean validPair(String s, int i) {
        char c = s.charAt(i);
        if (Character.isHighSurrogate(c)) return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
        return i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
    }

    /** The known word within two edits of {@code key}, or one that starts the same way; null when none is close. */
    public static String nearest(String key, List<String> known) {
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
}
