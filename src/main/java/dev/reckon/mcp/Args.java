package dev.reckon.mcp;

import dev.reckon.app.Context;
import dev.reckon.core.BadRequest;
import dev.reckon.core.Times;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A tool call's arguments, read the way the command line reads its options: the same time and duration grammar
 * ({@link Times}), and a {@link BadRequest} naming the argument for a value that does not read. An argument the
 * tool does not know is refused, naming the ones it does: an agent's typo must not pass as "no filter".
 */
final class Args {
    private final String tool;
    private final Map<String, Object> values;
    private final Context context;

    Args(String tool, Map<String, Object> values, Set<String> known, Context context) {
        this.tool = tool;
        this.values = values == null ? Map.of() : new LinkedHashMap<>(values);
        this.context = context;
        for (String k : this.values.keySet()) {
            if (!known.contains(k))
                throw new BadRequest(tool + ": unknown argument \"" + k + "\" (known: "
                        + String.join(", ", new TreeSet<>(known)) + ")");
        }
    }

    boolean has(String name) {
        return values.get(name) != null;
    }

    /** A text argument; null when absent. Numbers and booleans are taken as their text. */
    String string(String name) {
        Object v = values.get(name);
        if (v == null) return null;
        if (v instanceof String s) return s.isBlank() ? null : s;
        if (v instanceof Number || v instanceof Boolean) return v.toString();
        throw bad(name, "must be a string");
    }

    String required(String name) {
        String s = string(name);
        if (s == null) throw bad(name, "is required");
        return s;
    }

    Integer integer(String name) {
        Object v = values.get(name);
        if (v == null) return null;
        try {
            if (v instanceof Number n) {
                if (n.doubleValue() != Math.rint(n.doubleValue()) || Math.abs(n.doubleValue()) > Integer.MAX_VALUE)
                    throw new NumberFormatException();
                return n.intValue();
            }
            if (v instanceof String s) return Integer.parseInt(s.strip());
        } catch (NumberFormatException e) {
            throw bad(name, "\"" + v + "\" is not a whole number");
        }
        throw bad(name, "must be a whole number");
    }

    int integer(String name, int fallback) {
        Integer i = integer(name);
        return i == null ? fallback : i;
    }

    Double number(String name) {
        Object v = values.get(name);
        if (v == null) return null;
        try {
            if (v instanceof Number n) return n.doubleValue();
            if (v instanceof String s) return Double.parseDouble(s.strip());
        } catch (NumberFormatException e) {
            throw bad(name, "\"" + v + "\" is not a number");
        }
        throw bad(name, "must be a number");
    }

    boolean flag(String name) {
        Object v = values.get(name);
        if (v == null) return false;
        if (v instanceof Boolean b) return b;
        if (v instanceof String s && (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false")))
            return Boolean.parseBoolean(s);
        throw bad(name, "must be true or false");
    }

    /** A list of texts: a JSON array of strings, or one comma-separated string. Empty when absent. */
    List<String> strings(String name) {
        Object v = values.get(name);
        List<String> out = new ArrayList<>();
        if (v == null) return out;
        if (v instanceof String s) {
            for (String part : s.split(",")) if (!part.isBlank()) out.add(part.strip());
            return out;
        }
        if (v instanceof List<?> l) {
            for (Object o : l) {
                if (!(o instanceof String s)) throw bad(name, "must be a list of strings");
                if (!s.isBlank()) out.add(s.strip());
            }
            return out;
        }
        throw bad(name, "must be a list of strings");
    }

    /** An object of name to value (strings or numbers), in the order given. */
    Map<String, String> pairs(String name) {
        Object v = values.get(name);
        Map<String, String> out = new LinkedHashMap<>();
        if (v == null) return out;
        if (!(v instanceof Map<?, ?> m)) throw bad(name, "must be an object of name to value, e.g. {\"loss\": 0.31}");
        for (Map.Entry<?, ?> e : m.entrySet()) {
            Object x = e.getValue();
            if (!(x instanceof Number || x instanceof String))
                throw bad(name, "the value of \"" + e.getKey() + "\" must be a number");
            out.put(String.valueOf(e.getKey()), String.valueOf(x));
        }
        return out;
    }

    /** A time in reckon's grammar (7d, 2024-03-01, 2024-03-01T08:00); {@code fallback} when absent (null: none). */
    Instant time(String name, String fallback) {
        String text = string(name);
        if (text == null) text = fallback;
        if (text == null) return null;
        Instant t = Times.instant(text, context.now(), context.zone());
        if (t == null) throw bad(name, "\"" + text.strip() + "\" is not a time (try " + Times.TIME_HINT + ")");
        return t;
    }

    Duration duration(String name, String fallback) {
        String text = string(name);
        if (text == null) text = fallback;
        if (text == null) return null;
        Duration d = Times.duration(text);
        if (d == null) throw bad(name, "\"" + text.strip() + "\" is not a duration (try " + Times.DURATION_HINT + ")");
        return d;
    }

    Path path(String name) {
        String s = string(name);
        if (s == null) return null;
        try {
            return Path.of(s);
        } catch (java.nio.file.InvalidPathException e) {
            throw bad(name, "\"" + s + "\" is not a file path");
        }
    }

    Path requiredPath(String name) {
        Path p = path(name);
        if (p == null) throw bad(name, "is required (a file path)");
        return p;
    }

    BadRequest bad(String name, String problem) {
        return new BadRequest(tool + ": " + name + ": " + problem);
    }
}
