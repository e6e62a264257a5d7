package dev.reckon.optimise;

import dev.reckon.core.InputError;
import dev.reckon.core.Times;
import dev.reckon.model.Charter;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One campaign file: a YAML mapping that describes a staged pipeline for {@code reckon optimise} (format:
 * {@code docs/optimise.md}). Reading reports every problem at once, each an {@link InputError} with the line of the
 * value at fault and its field ({@code stages.training.start.cpus}); {@link #write} gives text that reads back to an
 * equal campaign.
 */
public final class CampaignFile {
    static final List<String> KEYS = List.of("name", "charter", "version", "stages");
    static final List<String> STAGE_KEYS = List.of("name", "work", "command", "match", "start", "vary", "lanes", "after");
    static final List<String> SHAPE_KEYS = List.of("cpus", "mem", "gpus", "time", "partition", "shards_per_job",
            "concurrency");
    static final List<String> FACTOR_KEYS = java.util.Arrays.stream(Factor.values()).map(Factor::word).toList();
    /** Campaign and stage names: they travel in Slurm comments ({@code campaign=}, {@code stage=}). */
    public static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    /** At most this many stages. */
    static final int MAX_STAGES = 64;
    private static final long MAX_TIME_S = 365L * 86_400;
    private static final String START_SHAPE = "{cpus: N, mem: SIZE, gpus: N, time: DURATION, partition: NAME, "
            + "shards_per_job: N, concurrency: N}";

    private CampaignFile() {}

    /** What reading gave: the campaign when the file is valid (else null), and every problem, by line. */
    public record Result(String file, Campaign campaign, List<InputError> errors) {
        public Result {
            errors = List.copyOf(errors);
        }

        public boolean ok() {
            return errors.isEmpty();
        }

        /** The campaign, or the first problem thrown. */
        public Campaign orThrow() {
            if (!errors.isEmpty()) throw errors.get(0);
            return campaign;
        }
    }

    /** Reads a campaign file. */
    public static Result read(Path file) {
        List<InputError> errors = new ArrayList<>();
        String text = YamlFields.readText(file, errors);
        if (text == null) return new Result(file.toString(), null, errors);
        return parse(file.toString(), text);
    }

    /** Reads a campaign's text; {@code file} names it in errors. */
    public static Result parse(String file, String text) {
        return new Parser(file).parse(text);
    }

    // ------------------------------------------------------------------------------------------------ reading

    private static final class Parser {
        private final YamlFields y;

        Parser(String file) {
            this.y = new YamlFields(file);
        }

        Result parse(String text) {
            Node root = y.compose(text, "a campaign needs name, charter and stages (see docs/optimise.md)");
            if (root == null) return done(null);
            if (!(root instanceof MappingNode top)) {
                y.error(YamlFields.line(root), null, "a campaign is a mapping of keys (name:, charter:, stages:), not a "
                        + YamlFields.kind(root));
                return done(null);
            }
            Map<String, NodeTuple> keys = y.keys(top, "", KEYS);
            long topLine = YamlFields.line(top);

            String name = y.text(YamlFields.value(keys, "name"), "name");
            if (name == null) {
                y.error(lineOf(keys, "name", topLine), "name", "missing: name the campaign (it travels in its jobs' "
                        + "comments as campaign=<name>)");
            } else if (!NAME.matcher(name).matches()) {
                y.error(lineOf(keys, "name", topLine), "name", "\"" + name + "\" is not a name: letters, digits, '.', "
                        + "'_' and '-', starting with a letter or digit, at most 64 characters");
                name = null;
            }
            String charter = y.text(YamlFields.value(keys, "charter"), "charter");
            if (charter == null) {
                y.error(lineOf(keys, "charter", topLine), "charter", "missing: name the charter the campaign charges; "
                        + "its budget limits the campaign");
            } else if (!Charter.ID.matcher(charter).matches()) {
                y.error(lineOf(keys, "charter", topLine), "charter", "\"" + charter + "\" is not a charter id");
                charter = null;
            }
            Long version = 1L;
            if (keys.containsKey("version")) {
                version = y.whole(YamlFields.value(keys, "version"), "version", 1, Integer.MAX_VALUE,
                        "the campaign's version, 1 or more");
                if (version == null && YamlFields.value(keys, "version") != null
                        && YamlFields.isNull(YamlFields.value(keys, "version"))) version = 1L;
            }
            List<Stage> stages = stages(keys, topLine);

            if (!y.errors.isEmpty() || version == null) return done(null);
            return done(new Campaign(name, version.intValue(), charter, stages));
        }

        private Result done(Campaign c) {
            return new Result(y.file, y.errors.isEmpty() ? c : null, y.sorted());
        }

        private static long lineOf(Map<String, NodeTuple> keys, String key, long otherwise) {
            NodeTuple t = keys.get(key);
            return t == null ? otherwise : YamlFields.line(t.getKeyNode());
        }

        private List<Stage> stages(Map<String, NodeTuple> keys, long topLine) {
            NodeTuple t = keys.get("stages");
            if (t == null || YamlFields.isNull(t.getValueNode())) {
                y.error(t == null ? topLine : YamlFields.line(t.getKeyNode()), "stages", "missing: a campaign has at "
                        + "least one stage ({name: NAME, work: N, start: {...}})");
                return List.of();
            }
            if (!(t.getValueNode() instanceof SequenceNode seq)) {
                y.error(YamlFields.line(t.getKeyNode()), "stages", "is a list of stages (- name: NAME ...), not a "
                        + YamlFields.kind(t.getValueNode()));
                return List.of();
            }
            if (seq.getValue().isEmpty()) {
                y.error(YamlFields.line(t.getKeyNode()), "stages", "is empty; a campaign has at least one stage");
                return List.of();
            }
            if (seq.getValue().size() > MAX_STAGES) {
                y.error(YamlFields.line(t.getKeyNode()), "stages", "has " + seq.getValue().size() + " stages; at most "
                        + MAX_STAGES);
                return List.of();
            }
            List<Stage> out = new ArrayList<>();
            Map<String, Long> seen = new LinkedHashMap<>();
            Map<String, Long> afterLines = new HashMap<>();
            Map<String, List<String>> afterLists = new LinkedHashMap<>();
            int i = 0;
            for (Node item : seq.getValue()) {
                i++;
                if (!(item instanceof MappingNode m)) {
                    y.error(YamlFields.line(item), "stages", "each stage is a mapping (name:, work:, start:, ...), not a "
                            + YamlFields.kind(item));
                    continue;
                }
                String stageName = null;
                for (NodeTuple kt : m.getValue()) {
                    if (kt.getKeyNode() instanceof ScalarNode k && k.getValue().equals("name")
                            && kt.getValueNode() instanceof ScalarNode v && !v.getValue().isBlank()) {
                        stageName = v.getValue().strip();
                    }
                }
                String where = stageName != null && NAME.matcher(stageName).matches() ? "stages." + stageName
                        : "stages[" + i + "]";
                Stage s = stage(m, where, seen, afterLines, afterLists);
                if (s != null) out.add(s);
            }
            dependencies(seen, afterLines, afterLists);
            return out;
        }

        private Stage stage(MappingNode m, String where, Map<String, Long> seen, Map<String, Long> afterLines,
                            Map<String, List<String>> afterLists) {
            int before = y.errors.size();
            Map<String, NodeTuple> k = y.keys(m, where, STAGE_KEYS);
            long line = YamlFields.line(m);
            String name = y.text(YamlFields.value(k, "name"), where + ".name");
            if (name == null) {
                y.error(line, where + ".name", "missing: each stage has a name");
            } else if (!NAME.matcher(name).matches()) {
                y.error(lineOf(k, "name", line), where + ".name", "\"" + name + "\" is not a name: letters, digits, "
                        + "'.', '_' and '-', starting with a letter or digit, at most 64 characters");
                name = null;
            } else if (seen.containsKey(name)) {
                y.error(lineOf(k, "name", line), where + ".name", "another stage is named " + name + " (line "
                        + seen.get(name) + "); stage names are unique");
                name = null;
            } else {
                seen.put(name, lineOf(k, "name", line));
            }
            Long work = null;
            if (!k.containsKey("work") || YamlFields.isNull(YamlFields.value(k, "work"))) {
                y.error(lineOf(k, "work", line), where + ".work", "missing: the stage's target work, in units (shards) "
                        + "the jobs split between them");
            } else {
                work = y.whole(YamlFields.value(k, "work"), where + ".work", 1, Integer.MAX_VALUE,
                        "units of work, 1 or more");
            }
            String command = y.text(YamlFields.value(k, "command"), where + ".command");
            if (command != null) {
                List<String> unknown = Commands.unknown(command);
                if (!unknown.isEmpty()) {
                    y.error(lineOf(k, "command", line), where + ".command", "unknown placeholder"
                            + (unknown.size() == 1 ? " {" + unknown.get(0) + "}" : "s {" + String.join("}, {", unknown) + "}")
                            + " (known: {" + String.join("}, {", Commands.PLACEHOLDERS) + "})");
                }
            }
            String match = y.text(YamlFields.value(k, "match"), where + ".match");
            if (match == null && name != null) match = name + "*";

            Map<Factor, Stage.Range> bounds = vary(k, where);
            Shape start = start(k, where, line, work);
            Set<Lane> lanes = lanes(k, where, line, bounds, start);
            List<String> after = afterNames(k, where, name, afterLines);
            if (name != null) afterLists.put(name, after);

            if (start != null) {
                for (Map.Entry<Factor, Stage.Range> e : bounds.entrySet()) {
                    long v = get(start, e.getKey());
                    if (!e.getValue().contains(v)) {
                        String f = e.getKey().word();
                        y.error(lineOf(k, "start", line), where + ".start." + f, text(e.getKey(), v) + " is outside "
                                + "vary." + f + " " + rangeText(e.getKey(), e.getValue()) + "; start within the bounds");
                    }
                }
            }
            if (y.errors.size() > before || name == null || work == null || start == null || lanes == null) return null;
            return new Stage(name, work.intValue(), command, start, bounds, lanes, after, match);
        }

        private Shape start(Map<String, NodeTuple> k, String where, long line, Long work) {
            NodeTuple t = k.get("start");
            String w = where + ".start";
            if (t == null || YamlFields.isNull(t.getValueNode())) {
                y.error(t == null ? line : YamlFields.line(t.getKeyNode()), w, "missing: the stage's jobs as submitted "
                        + "today, " + START_SHAPE);
                return null;
            }
            MappingNode m = y.mapping(t.getValueNode(), w, START_SHAPE);
            if (m == null) return null;
            int before = y.errors.size();
            Map<String, NodeTuple> s = y.keys(m, w, SHAPE_KEYS);
            long sl = YamlFields.line(t.getKeyNode());
            Long cpus = required(s, w, "cpus", sl, "CPUs per job");
            Long mem = null;
            if (s.containsKey("mem") && !YamlFields.isNull(YamlFields.value(s, "mem"))) {
                mem = y.size(YamlFields.value(s, "mem"), w + ".mem", 1);
            } else {
                y.error(sl, w + ".mem", "missing: memory per job (16G, 512M)");
            }
            Long gpus = s.containsKey("gpus") ? y.whole(YamlFields.value(s, "gpus"), w + ".gpus", 0, 4096, "GPUs per job")
                    : Long.valueOf(0);
            if (gpus == null && s.containsKey("gpus") && YamlFields.isNull(YamlFields.value(s, "gpus"))) gpus = 0L;
            Long time = null;
            if (s.containsKey("time") && !YamlFields.isNull(YamlFields.value(s, "time"))) {
                time = y.seconds(YamlFields.value(s, "time"), w + ".time", 1);
                if (time != null && time > MAX_TIME_S) {
                    y.error(sl, w + ".time", "is longer than a year");
                    time = null;
                }
            } else {
                y.error(sl, w + ".time", "missing: the time limit per job (" + Times.DURATION_HINT + ")");
            }
            String partition = y.text(YamlFields.value(s, "partition"), w + ".partition");
            Long spj = s.containsKey("shards_per_job") && !YamlFields.isNull(YamlFields.value(s, "shards_per_job"))
                    ? y.whole(YamlFields.value(s, "shards_per_job"), w + ".shards_per_job", 1, Integer.MAX_VALUE,
                    "units of work per job") : Long.valueOf(1);
            Long conc = null;
            if (s.containsKey("concurrency") && !YamlFields.isNull(YamlFields.value(s, "concurrency"))) {
                conc = y.whole(YamlFields.value(s, "concurrency"), w + ".concurrency", 1, Integer.MAX_VALUE,
                        "jobs at once");
            } else if (work != null && spj != null) {
                conc = (long) ((work + spj - 1) / spj); // every job at once
            }
            if (y.errors.size() > before || cpus == null || mem == null || gpus == null || time == null || spj == null
                    || conc == null) return null;
            return new Shape(cpus.intValue(), mem, gpus.intValue(), time, partition, spj.intValue(), conc.intValue());
        }

        private Long required(Map<String, NodeTuple> s, String w, String key, long line, String what) {
            if (!s.containsKey(key) || YamlFields.isNull(YamlFields.value(s, key))) {
                y.error(line, w + "." + key, "missing: " + what);
                return null;
            }
            return y.whole(YamlFields.value(s, key), w + "." + key, 1, 100_000, what);
        }

        private Map<Factor, Stage.Range> vary(Map<String, NodeTuple> k, String where) {
            Map<Factor, Stage.Range> out = new EnumMap<>(Factor.class);
            NodeTuple t = k.get("vary");
            String w = where + ".vary";
            if (t == null) return out;
            MappingNode m = y.mapping(t.getValueNode(), w, "of factors to [min, max] (cpus: [1, 16], mem: [2G, 64G])");
            if (m == null) return out;
            Map<String, NodeTuple> v = y.keys(m, w, FACTOR_KEYS);
            for (Map.Entry<String, NodeTuple> e : v.entrySet()) {
                Factor f = Factor.of(e.getKey());
                String field = w + "." + e.getKey();
                Node val = e.getValue().getValueNode();
                long line = YamlFields.line(e.getValue().getKeyNode());
                if (!(val instanceof SequenceNode seq) || seq.getValue().size() != 2) {
                    y.error(line, field, "is [min, max], inclusive bounds " + example(f));
                    continue;
                }
                Long lo = bound(f, seq.getValue().get(0), field);
                Long hi = bound(f, seq.getValue().get(1), field);
                if (lo == null || hi == null) continue;
                if (lo > hi) {
                    y.error(line, field, "min " + text(f, lo) + " is above max " + text(f, hi));
                    continue;
                }
                out.put(f, new Stage.Range(lo, hi));
            }
            return out;
        }

        private Long bound(Factor f, Node n, String field) {
            if (n == null || YamlFields.isNull(n)) {
                y.error(YamlFields.line(n), field, "a bound is empty; write [min, max] " + example(f));
                return null;
            }
            return switch (f) {
                case MEM -> y.size(n, field, 1);
                case TIME -> {
                    Long s = y.seconds(n, field, 1);
                    if (s != null && s > MAX_TIME_S) {
                        y.error(YamlFields.line(n), field, "is longer than a year");
                        yield null;
                    }
                    yield s;
                }
                case GPUS -> y.whole(n, field, 0, 4096, "GPUs per job");
                case CPUS -> y.whole(n, field, 1, 100_000, "CPUs per job");
                case SHARDS_PER_JOB -> y.whole(n, field, 1, Integer.MAX_VALUE, "units of work per job");
                case CONCURRENCY -> y.whole(n, field, 1, Integer.MAX_VALUE, "jobs at once");
            };
        }

        private Set<Lane> lanes(Map<String, NodeTuple> k, String where, long line, Map<Factor, Stage.Range> bounds,
                                Shape start) {
            String field = where + ".lanes";
            Stage.Range g = bounds.get(Factor.GPUS);
            boolean zeroAllowed = g != null ? g.min() == 0 : start != null && start.gpus() == 0;
            boolean someAllowed = g != null ? g.max() >= 1 : start != null && start.gpus() >= 1;
            NodeTuple t = k.get("lanes");
            if (t == null || YamlFields.isNull(t.getValueNode())) {
                if (start == null && g == null) return null;
                Set<Lane> out = EnumSet.noneOf(Lane.class);
                if (zeroAllowed) out.add(Lane.CPU);
                if (someAllowed) out.add(Lane.GPU);
                return out;
            }
            Set<Lane> out = EnumSet.noneOf(Lane.class);
            long l = YamlFields.line(t.getKeyNode());
            for (Node n : y.items(t.getValueNode(), field, "lanes (cpu, gpu)")) {
                String s = y.text(n, field);
                Lane lane = Lane.of(s);
                if (lane == null) {
                    y.error(YamlFields.line(n), field, "\"" + (s == null ? "" : s) + "\" is not a lane; use cpu or gpu");
                    return null;
                }
                out.add(lane);
            }
            if (out.isEmpty()) {
                y.error(l, field, "is empty; give cpu, gpu or both");
                return null;
            }
            String gpusSay = g != null ? "vary.gpus " + rangeText(Factor.GPUS, g) : "start.gpus " + (start == null ? "?" : start.gpus())
                    + " (fixed)";
            if (out.contains(Lane.GPU) && !someAllowed) {
                y.error(l, field, "has gpu but " + gpusSay + " allows no GPU; raise the GPUs or drop gpu");
                return null;
            }
            if (out.contains(Lane.CPU) && !zeroAllowed) {
                y.error(l, field, "has cpu but " + gpusSay + " always asks for a GPU; let gpus go down to 0 or drop cpu");
                return null;
            }
            if (!out.contains(Lane.CPU) && zeroAllowed && (g != null || start != null)) {
                y.error(l, field, "has no cpu but " + gpusSay + " allows 0 GPUs; add cpu or raise the GPUs' minimum to 1");
                return null;
            }
            if (!out.contains(Lane.GPU) && someAllowed) {
                y.error(l, field, "has no gpu but " + gpusSay + " allows GPUs; add gpu or keep gpus at 0");
                return null;
            }
            return out;
        }

        private List<String> afterNames(Map<String, NodeTuple> k, String where, String name, Map<String, Long> lines) {
            NodeTuple t = k.get("after");
            if (t == null) return List.of();
            String field = where + ".after";
            Set<String> out = new LinkedHashSet<>();
            for (Node n : y.items(t.getValueNode(), field, "stage names")) {
                String s = y.text(n, field);
                if (s == null) {
                    y.error(YamlFields.line(n), field, "each entry is a stage's name, not an empty value");
                } else if (s.equals(name)) {
                    y.error(YamlFields.line(n), field, "a stage cannot wait for itself");
                } else if (!out.add(s)) {
                    y.error(YamlFields.line(n), field, s + " is named twice");
                }
            }
            if (name != null) lines.put(name, YamlFields.line(t.getKeyNode()));
            return List.copyOf(out);
        }

        /** Every dependency names a stage, and they form no cycle. */
        private void dependencies(Map<String, Long> nameLines, Map<String, Long> afterLines,
                                  Map<String, List<String>> after) {
            boolean named = true;
            for (Map.Entry<String, List<String>> e : after.entrySet()) {
                for (String d : e.getValue()) {
                    if (!nameLines.containsKey(d)) {
                        named = false;
                        String near = YamlFields.nearest(d, List.copyOf(nameLines.keySet()));
                        y.error(afterLines.getOrDefault(e.getKey(), 0L), "stages." + e.getKey() + ".after", "no stage "
                                + "is named " + d + (near == null ? "" : "; did you mean " + near + "?")
                                + " (stages: " + String.join(", ", nameLines.keySet()) + ")");
                    }
                }
            }
            if (!named) return;
            Map<String, Integer> state = new HashMap<>();
            for (String s : after.keySet()) {
                List<String> cycle = cycle(s, after, state, new ArrayList<>());
                if (cycle != null) {
                    y.error(afterLines.getOrDefault(cycle.get(0), nameLines.getOrDefault(cycle.get(0), 0L)),
                            "stages." + cycle.get(0) + ".after", "the stages wait for each other in a cycle: "
                                    + String.join(" waits for ", cycle));
                    return;
                }
            }
        }

        /** A cycle through {@code n}'s dependencies (first stage repeated at its end), or null. */
        private static List<String> cycle(String n, Map<String, List<String>> after, Map<String, Integer> state,
                                          List<String> path) {
            Integer st = state.get(n);
            if (st != null && st == 2) return null;
            if (st != null && st == 1) {
                List<String> c = new ArrayList<>(path.subList(path.indexOf(n), path.size()));
                c.add(n);
                return c;
            }
            state.put(n, 1);
            path.add(n);
            for (String d : after.getOrDefault(n, List.of())) {
                List<String> c = cycle(d, after, state, path);
                if (c != null) return c;
            }
            path.remove(path.size() - 1);
            state.put(n, 2);
            return null;
        }
    }

    // ------------------------------------------------------------------------------------------------ values

    /** A shape's value of a factor, in the factor's unit (bytes, seconds, counts). */
    static long get(Shape s, Factor f) {
        return switch (f) {
            case CPUS -> s.cpus();
            case MEM -> s.memBytes();
            case GPUS -> s.gpus();
            case TIME -> s.timeS();
            case SHARDS_PER_JOB -> s.shardsPerJob();
            case CONCURRENCY -> s.concurrency();
        };
    }

    /** A factor's value as a file writes it: sizes for memory, durations for time, numbers for the rest. */
    static String text(Factor f, long v) {
        return switch (f) {
            case MEM -> YamlFields.sizeText(v);
            case TIME -> Times.text(Duration.ofSeconds(v));
            default -> Long.toString(v);
        };
    }

    private static String rangeText(Factor f, Stage.Range r) {
        return "[" + text(f, r.min()) + ", " + text(f, r.max()) + "]";
    }

    private static String example(Factor f) {
        return switch (f) {
            case MEM -> "(mem: [2G, 64G])";
            case TIME -> "(time: [10m, 4h])";
            case GPUS -> "(gpus: [0, 1])";
            default -> "(" + f.word() + ": [1, 16])";
        };
    }

    // ------------------------------------------------------------------------------------------------ writing

    /** The campaign as file text that {@link #parse} reads back to an equal campaign. */
    public static String write(Campaign c) {
        StringBuilder b = new StringBuilder();
        b.append("# A campaign for reckon optimise: a staged pipeline to finish sooner. Format: docs/optimise.md\n");
        b.append("name: ").append(YamlFields.quote(c.name())).append('\n');
        b.append("charter: ").append(YamlFields.quote(c.charter())).append('\n');
        b.append("version: ").append(c.version()).append('\n');
        b.append("stages:\n");
        for (Stage s : c.stages()) {
            b.append("  - name: ").append(YamlFields.quote(s.name())).append('\n');
            b.append("    work: ").append(s.shards()).append('\n');
            if (s.command() != null) b.append("    command: ").append(YamlFields.quote(s.command())).append('\n');
            if (s.match() != null) b.append("    match: ").append(YamlFields.quote(s.match())).append('\n');
            Shape st = s.start();
            b.append("    start: {cpus: ").append(st.cpus()).append(", mem: ").append(text(Factor.MEM, st.memBytes()))
                    .append(", gpus: ").append(st.gpus()).append(", time: ").append(text(Factor.TIME, st.timeS()));
            if (st.partition() != null) b.append(", partition: ").append(YamlFields.quote(st.partition()));
            b.append(", shards_per_job: ").append(st.shardsPerJob()).append(", concurrency: ").append(st.concurrency())
                    .append("}\n");
            if (!s.bounds().isEmpty()) {
                b.append("    vary:\n");
                for (Factor f : Factor.values()) {
                    Stage.Range r = s.bounds().get(f);
                    if (r != null) b.append("      ").append(f.word()).append(": ").append(rangeText(f, r)).append('\n');
                }
            }
            b.append("    lanes: [");
            boolean first = true;
            for (Lane l : Lane.values()) {
                if (!s.lanes().contains(l)) continue;
                b.append(first ? "" : ", ").append(l.word());
                first = false;
            }
            b.append("]\n");
            if (!s.dependsOn().isEmpty()) {
                b.append("    after: [");
                for (int i = 0; i < s.dependsOn().size(); i++) {
                    b.append(i == 0 ? "" : ", ").append(YamlFields.quote(s.dependsOn().get(i)));
                }
                b.append("]\n");
            }
        }
        return b.toString();
    }
}
