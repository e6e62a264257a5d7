package dev.reckon.optimise;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A stage's job command from its template, and the job comment that says what a job is for.
 *
 * <p><b>Placeholders.</b> A placeholder is a lowercase word in braces, {@code {cpus}}, not preceded by {@code $}
 * (so the shell's {@code ${HOME}} and {@code ${data_dir}} are left alone, as is anything else in braces that is not
 * a lowercase word, such as awk's {@code {print $1}}). The known ones are {@link #PLACEHOLDERS}; a campaign file
 * naming any other is refused.
 *
 * <p><b>The comment convention.</b> Every job the optimiser submits carries the comment
 * {@code charter=<id>,campaign=<name>,stage=<stage>,shards=<n>,round=<r>,trial=<t>}: {@code charter=} charges the
 * campaign's charter (reckon's charter matching), {@code stage=} and {@code shards=} tell a simulated cluster's
 * {@link PipelineModel} what the job does, {@code round=} and {@code trial=} tie the job to the experiment it belongs
 * to. Keys are lowercase words, values have no {@code ,} or {@code =}; readers ignore keys they do not know.
 */
public final class Commands {
    /** The placeholders a command template may use. */
    public static final List<String> PLACEHOLDERS = List.of("shard_first", "shard_last", "shards", "cpus", "mem_mb",
            "gpus", "time_s", "stage", "campaign", "partition");

    private Commands() {}

    /**
     * The command of one job of {@code stage} in {@code shape}, doing shards {@code firstShard..lastShard}
     * (inclusive): each placeholder replaced by its value ({@code {mem_mb}} is the memory in MiB rounded up,
     * {@code {partition}} empty for the default partition).
     *
     * @throws IllegalArgumentException when the stage has no command, or {@code lastShard < firstShard}
     */
    public static String render(Stage stage, Shape shape, int firstShard, int lastShard, String campaign) {
        if (stage.command() == null) throw new IllegalArgumentException("stage " + stage.name() + " has no command");
        if (lastShard < firstShard) {
            throw new IllegalArgumentException("shards " + firstShard + ".." + lastShard + ": the last is before the first");
        }
        Map<String, String> values = new LinkedHashMap<>();
        values.put("shard_first", Integer.toString(firstShard));
        values.put("shard_last", Integer.toString(lastShard));
        values.put("shards", Long.toString((long) lastShard - firstShard + 1));
        values.put("cpus", Integer.toString(shape.cpus()));
        values.put("mem_mb", Long.toString((shape.memBytes() + (1L << 20) - 1) >> 20));
        values.put("gpus", Integer.toString(shape.gpus()));
        values.put("time_s", Long.toString(shape.timeS()));
        values.put("stage", stage.name());
        values.put("campaign", campaign == null ? "" : campaign);
        values.put("partition", shape.partition() == null ? "" : shape.partition());
        return replace(stage.command(), values::get);
    }

    /** The placeholders of a template that are not known, in order of appearance (each once). */
    public static List<String> unknown(String template) {
        List<String> out = new ArrayList<>();
        replace(template, name -> {
            if (!PLACEHOLDERS.contains(name) && !out.contains(name)) out.add(name);
            return "";
        });
        return out;
    }

    /** The template with each placeholder replaced by {@code value}'s answer (null: left as written). */
    private static String replace(String template, Function<String, String> value) {
        StringBuilder b = new StringBuilder(template.length() + 32);
        int i = 0, n = template.length();
        while (i < n) {
            char c = template.charAt(i);
            if (c == '{' && (i == 0 || template.charAt(i - 1) != '$')) {
                int j = i + 1;
                while (j < n && isWordChar(template.charAt(j))) j++;
                if (j > i + 1 && j < n && template.charAt(j) == '}' && Character.isLowerCase(template.charAt(i + 1))) {
                    String v = value.apply(template.substring(i + 1, j));
                    b.append(v == null ? template.substring(i, j + 1) : v);
                    i = j + 1;
                    continue;
                }
            }
            b.append(c);
            i++;
        }
        return b.toString();
    }

    private static boolean isWordChar(char c) {
        return (c >= 'a' && c <= 'z') || c == '_' || (c >= '0' && c <= '9');
    }

    // ------------------------------------------------------------------------------------------------ comments

    /** The comment of a job the optimiser submits (see the class's convention). */
    public static String comment(String charter, String campaign, String stage, int shards, int round, int trial) {
        return "charter=" + charter + ",campaign=" + campaign + ",stage=" + stage + ",shards=" + shards
                + ",round=" + round + ",trial=" + trial;
    }

    /** The {@code key=value} pairs of a comment, in order; parts without {@code =} are left out. Empty for null. */
    public static Map<String, String> tags(String comment) {
        Map<String, String> out = new LinkedHashMap<>();
        if (comment == null) return out;
        for (String part : comment.split(",")) {
            int eq = part.indexOf('=');
            if (eq <= 0) continue;
            out.putIfAbsent(part.substring(0, eq).strip(), part.substring(eq + 1).strip());
        }
        return out;
    }
}
