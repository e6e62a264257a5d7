package dev.reckon.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.reckon.core.Json;
import dev.reckon.model.Charter;
import dev.reckon.model.Hours;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The one vocabulary of every {@code --json} (see {@code docs/json.md}): the same thing has the same key and unit in
 * every command. Instants are ISO-8601 in UTC ({@code 2026-11-30T00:00:00Z}) under keys ending {@code _at} (and
 * {@code now}, {@code at}); a span of time is {@code window: {from, until}}, {@code until} exclusive; a budget, what
 * was used and the used fraction are objects of {@code cpu_hours}, {@code gpu_hours}, {@code mem_gb_hours}, null where
 * the budget grants none of that resource; durations are seconds under keys ending {@code _s}; nulls are written.
 *
 * <p>The analyses' result records serialise by their component names; the functions here turn those trees into the
 * vocabulary's shape, so that each command's JSON is its result's tree with the same few mechanical changes.
 */
public final class JsonVocabulary {
    private JsonVocabulary() {}

    /** An instant as every JSON shows it: ISO-8601 in UTC; null when unknown. */
    public static String instant(Instant t) {
        return t == null ? null : DateTimeFormatter.ISO_INSTANT.format(t);
    }

    /** The tree Jackson makes of a value (records by their component names, snake_case). */
    public static JsonNode tree(Object value) {
        return Json.mapper().valueToTree(value);
    }

    /** A window {@code {from, until}}: from inclusive, until exclusive; either null when open (or not known). */
    public static ObjectNode window(Instant from, Instant until) {
        ObjectNode w = Json.mapper().createObjectNode();
        w.put("from", instant(from));
        w.put("until", instant(until));
        return w;
    }

    /** A window of two ISO instants already written as text (or JSON nulls); one with an offset is made UTC. */
    public static ObjectNode window(JsonNode from, JsonNode until) {
        ObjectNode w = Json.mapper().createObjectNode();
        w.set("from", utc(from));
        w.set("until", utc(until));
        return w;
    }

    /** An instant written with an offset ({@code 2026-10-01T00:00:00+02:00}) as the vocabulary writes it, in UTC. */
    private static JsonNode utc(JsonNode t) {
        if (t == null || !t.isTextual()) return t == null ? Json.mapper().nullNode() : t;
        try {
            return Json.mapper().getNodeFactory().textNode(instant(java.time.OffsetDateTime.parse(t.asText()).toInstant()));
        } catch (java.time.format.DateTimeParseException e) {
            return t;
        }
    }

    /** A budget: what it grants of each resource; null where it grants none (absent or 0 in its file). */
    public static ObjectNode budget(Charter.Budget b) {
        return hours(Hours.Resource.GPU.budgetOf(b), Hours.Resource.CPU.budgetOf(b), Hours.Resource.MEM.budgetOf(b));
    }

    /** The three resources' amounts, in the order budgets list them; each may be null. */
    public static ObjectNode hours(Double gpu, Double cpu, Double mem) {
        ObjectNode o = Json.mapper().createObjectNode();
        o.put("gpu_hours", gpu);
        o.put("cpu_hours", cpu);
        o.put("mem_gb_hours", mem);
        return o;
    }

    /**
     * Renames keys of {@code o} in place, keeping their order: {@code pairs} is old, new, old, new, ... A key that is
     * not there is skipped.
     */
    public static ObjectNode rename(JsonNode node, String... pairs) {
        ObjectNode o = (ObjectNode) node;
        Map<String, String> to = new java.util.HashMap<>();
        for (int i = 0; i < pairs.length; i += 2) to.put(pairs[i], pairs[i + 1]);
        List<Map.Entry<String, JsonNode>> entries = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) entries.add(it.next());
        o.removeAll();
        for (Map.Entry<String, JsonNode> e : entries) o.set(to.getOrDefault(e.getKey(), e.getKey()), e.getValue());
        return o;
    }

    /**
     * Replaces the keys {@code fromKey} and {@code untilKey} of {@code o} by one {@code window: {from, until}} where
     * the first of them stood ({@code fromKey} null: the window's start is not known here, written as null).
     */
    public static ObjectNode nestWindow(JsonNode node, String fromKey, String untilKey) {
        ObjectNode o = (ObjectNode) node;
        JsonNode from = fromKey == null ? null : o.get(fromKey);
        JsonNode until = o.get(untilKey);
        return replace(o, fromKey != null ? fromKey : untilKey, "window", window(from, until), fromKey, untilKey);
    }

    /**
     * Puts {@code value} under {@code key} where {@code at} stood, and drops the keys {@code drop}; keeps the order of
     * the others.
     */
    public static ObjectNode replace(ObjectNode o, String at, String key, JsonNode value, String... drop) {
        java.util.Set<String> gone = new java.util.HashSet<>();
        for (String d : drop) if (d != null) gone.add(d);
        List<Map.Entry<String, JsonNode>> entries = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) entries.add(it.next());
        o.removeAll();
        boolean placed = false;
        for (Map.Entry<String, JsonNode> e : entries) {
            if (e.getKey().equals(at)) {
                o.set(key, value);
                placed = true;
            }
            if (!gone.contains(e.getKey()) && !e.getKey().equals(at)) o.set(e.getKey(), e.getValue());
        }
        if (!placed) o.set(key, value);
        return o;
    }

    /** Applies {@code f} to each element of an array (or nothing, for null or a non-array). */
    public static void each(JsonNode array, java.util.function.Consumer<ObjectNode> f) {
        if (!(array instanceof ArrayNode a)) return;
        for (JsonNode e : a) if (e instanceof ObjectNode o) f.accept(o);
    }

    // ------------------------------------------------------------------------------------------------ per result

    /** {@code reckon review --json}: the window, each job's times, each charter's budget, used and used fraction. */
    public static JsonNode review(Object reviewResult) {
        ObjectNode root = (ObjectNode) tree(reviewResult);
        nestWindow(root, "since", "until");
        each(root.get("jobs"), j -> rename(j, "start", "start_at", "end", "end_at"));
        each(root.get("charters"), JsonVocabulary::charterUse);
        each(root.get("kill_list"), k -> rename(k, "submit", "submit_at"));
        return root;
    }

    /**
     * {@link #review} written to {@code out} as it goes: the same JSON, but the jobs (a million, in a large site's
     * month) are written one by one from the result and never become one tree in memory. {@code out} is flushed, not
     * closed.
     */
    public static void writeReview(dev.reckon.review.Review.Result r, java.io.OutputStream out) {
        dev.reckon.review.Review.Result small = new dev.reckon.review.Review.Result(r.now(), r.since(), r.until(),
                List.of(), r.shares(), r.charters(), r.killList(), r.signatures());
        JsonNode root = review(small);
        try (com.fasterxml.jackson.core.JsonGenerator g = Json.mapper().getFactory().createGenerator(out)) {
            g.disable(com.fasterxml.jackson.core.JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            g.useDefaultPrettyPrinter();
            g.writeStartObject();
            for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                g.writeFieldName(e.getKey());
                if (!e.getKey().equals("jobs")) {
                    Json.mapper().writeTree(g, e.getValue());
                    continue;
                }
                g.writeStartArray();
                for (dev.reckon.review.Review.JobVerdict v : r.jobs()) Json.mapper().writeValue(g, v);
                g.writeEndArray();
            }
            g.writeEndObject();
            g.flush();
            out.write('\n');
            out.flush();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void charterUse(ObjectNode c) {
        ObjectNode budget = hours(granted(c.get("budget_gpu_hours")), granted(c.get("budget_cpu_hours")),
                granted(c.get("budget_mem_gb_hours")));
        ObjectNode used = hours(number(c.get("gpu_hours")), number(c.get("cpu_hours")), number(c.get("mem_gb_hours")));
        ObjectNode fraction = hours(number(c.get("gpu_used")), number(c.get("cpu_used")), number(c.get("mem_used")));
        rename(c, "review_due", "review_due_at");
        nestWindow(c, null, "window_end");
        replace(c, "budget_gpu_hours", "budget", budget, "budget_cpu_hours", "budget_mem_gb_hours");
        replace(c, "gpu_hours", "used", used, "cpu_hours", "mem_gb_hours");
        replace(c, "gpu_used", "used_fraction", fraction, "cpu_used", "mem_used");
    }

    /** A budget figure as the vocabulary writes it: null where none is granted (absent, or 0). */
    private static Double granted(JsonNode n) {
        Double v = number(n);
        return v == null || v <= 0 ? null : v;
    }

    private static Double number(JsonNode n) {
        return n == null || n.isNull() ? null : n.asDouble();
    }

    /** {@code reckon owners --json}: the window. */
    public static JsonNode owners(Object ownersResult) {
        return nestWindow(tree(ownersResult), "since", "until");
    }

    /** {@code reckon exits --json}: each charter's window, due and projected instants, burn-rate window. */
    public static JsonNode exits(Object evaluations) {
        JsonNode root = tree(evaluations);
        each(root, e -> {
            rename(e, "review_due", "review_due_at", "projected_exhaustion", "projected_exhaustion_at");
            nestWindow(e, null, "window_end");
            if (e.get("burn_rate") instanceof ObjectNode b) nestWindow(b, "since", "until");
            each(e.get("conditions"), c -> rename(c, "counts_from", "counts_from_at", "since", "holds_since_at"));
        });
        return root;
    }

    /** {@code reckon exits --closed --json}: what each closed charter used. */
    public static JsonNode closings(Object closings) {
        JsonNode root = tree(closings);
        each(root, JsonVocabulary::closing);
        return root;
    }

    private static void closing(ObjectNode c) {
        rename(c, "spent", "used");
        exitObject(c, c.get("reason"));
    }

    /**
     * An exit named by its kind ({@code "success"}) becomes the object {@code exits} writes: {@code {kind, due_at,
     * reason}} ({@code exit_due_at} stays beside it, as in {@code exits}).
     */
    private static void exitObject(ObjectNode o, JsonNode reason) {
        JsonNode kind = o.get("exit");
        if (kind == null || !kind.isTextual()) return;
        ObjectNode exit = Json.mapper().createObjectNode();
        exit.set("kind", kind);
        exit.set("due_at", o.has("exit_due_at") ? o.get("exit_due_at") : exit.nullNode());
        exit.set("reason", reason == null ? exit.nullNode() : reason);
        o.set("exit", exit);
    }

    /** {@code reckon exits enforce --json} and {@code reckon reclaim --json}: each step's instants. */
    public static JsonNode steps(Object steps) {
        JsonNode root = tree(steps);
        each(root, s -> {
            rename(s, "cancel_after", "cancel_at");
            exitObject(s, null);
            if (s.get("closing") instanceof ObjectNode c) closing(c);
        });
        return root;
    }

    /** {@code reckon rightsize --json}: the window. */
    public static JsonNode rightsize(Object plan) {
        return nestWindow(tree(plan), "since", "until");
    }
}
