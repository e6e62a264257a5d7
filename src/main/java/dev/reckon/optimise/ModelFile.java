package dev.reckon.optimise;

import dev.reckon.core.InputError;
import dev.reckon.sim.Machine;
import dev.reckon.sim.parser.MachineFile;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One workload model file: a YAML mapping describing a simulated cluster and how a pipeline's jobs behave on it
 * (format: {@code docs/optimise.md}), read into a {@link PipelineModel} with every problem reported at once, each an
 * {@link InputError} with line and field, in the style of campaign and charter files.
 */
public final class ModelFile {
    static final List<String> KEYS = List.of("machine", "machine_file", "background", "seed", "noise", "policy",
            "stages");
    static final List<String> GROUP_KEYS = List.of("name", "nodes", "cores", "mem", "gpus", "partitions");
    static final List<String> BACKGROUND_KEYS = List.of("utilisation", "job_cores", "job_time", "seed", "horizon");
    static final List<String> STAGE_KEYS = List.of("work_per_shard", "serial_fraction", "gpu_speedup", "startup",
            "mem_base", "mem_per_shard", "failure_rate");
    /** How long background arrivals go on when the file does not say: two days. */
    public static final long DEFAULT_HORIZON_S = 2 * 86_400;

    private ModelFile() {}

    /** What reading gave: the model when the file is valid (else null), and every problem, by line. */
    public record Result(String file, PipelineModel model, List<InputError> errors) {
        public Result {
            errors = List.copyOf(errors);
        }

        public boolean ok() {
            return errors.isEmpty();
        }

        /** The model, or the first problem thrown. */
        public PipelineModel orThrow() {
            if (!errors.isEmpty()) throw errors.get(0);
            return model;
        }
    }

    /** Reads a model file; a {@code machine_file} is read relative to its directory. */
    public static Result read(Path file) {
        List<InputError> errors = new ArrayList<>();
        String text = YamlFields.readText(file, errors);
        if (text == null) return new Result(file.toString(), null, errors);
        return parse(file.toString(), text);
    }

    /** Reads a model's text; {@code file} names it in errors, and its directory is where a machine file is found. */
    public static Result parse(String file, String text) {
        return new Parser(file).parse(text);
    }

    private static final class Parser {
        private final YamlFields y;

        Parser(String file) {
            this.y = new YamlFields(file);
        }

        Result parse(String text) {
            Node root = y.compose(text, "a model needs machine (or machine_file) and stages (see docs/optimise.md)");
            if (root == null) return done(null);
            if (!(root instanceof MappingNode top)) {
                y.error(YamlFields.line(root), null, "a model is a mapping of keys (machine:, background:, stages:), not a "
                        + YamlFields.kind(root));
                return done(null);
            }
            Map<String, NodeTuple> keys = y.keys(top, "", KEYS);
            long topLine = YamlFields.line(top);
            Machine machine = machine(keys, topLine);
            Long seed = YamlFields.has(keys, "seed") ? y.whole(YamlFields.value(keys, "seed"), "seed", 0, Long.MAX_VALUE,
                    "the seed of the jobs' noise") : Long.valueOf(1);
            Double noise = YamlFields.has(keys, "noise") ? y.number(YamlFields.value(keys, "noise"), "noise", 0, 0.99,
                    "a fraction from 0 to 0.99 (0.05: +-5%)") : Double.valueOf(0);
            String policy = y.text(YamlFields.value(keys, "policy"), "policy");
            if (policy == null) {
                policy = "easy";
            } else if (!PipelineModel.POLICIES.contains(policy)) {
                y.error(line(keys, "policy", topLine), "policy", "\"" + policy + "\" is not a scheduling policy; use "
                        + String.join(", ", PipelineModel.POLICIES));
            }
            PipelineModel.Background background = background(keys, seed == null ? 1 : seed, machine);
            Map<String, PipelineModel.StageModel> stages = stages(keys, topLine);
            if (!y.errors.isEmpty() || machine == null || seed == null || noise == null) return done(null);
            return done(new PipelineModel(machine, background, seed, noise, policy, stages));
        }

        private Result done(PipelineModel m) {
            return new Result(y.file, y.errors.isEmpty() ? m : null, y.sorted());
        }

        private static long line(Map<String, NodeTuple> keys, String key, long otherwise) {
            NodeTuple t = keys.get(key);
            return t == null ? otherwise : YamlFields.line(t.getKeyNode());
        }

        private Machine machine(Map<String, NodeTuple> keys, long topLine) {
            boolean inline = keys.containsKey("machine"), file = keys.containsKey("machine_file");
            if (inline && file) {
                y.error(line(keys, "machine_file", topLine), "machine_file", "give machine or machine_file, not both");
                return null;
            }
            if (file) {
                String name = y.text(YamlFields.value(keys, "machine_file"), "machine_file");
                if (name == null) {
                    y.error(line(keys, "machine_file", topLine), "machine_file", "missing: the path of a machine file");
                    return null;
                }
                Path dir = Path.of(y.file).toAbsolutePath().getParent();
                Path p = dir == null ? Path.of(name) : dir.resolve(name);
                try {
                    return MachineFile.read(p);
                } catch (InputError e) {
                    y.errors.add(e);
                } catch (IOException | RuntimeException e) {
                    y.error(line(keys, "machine_file", topLine), "machine_file", "cannot read " + p + ": "
                            + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
                }
                return null;
            }
            NodeTuple t = keys.get("machine");
            if (t == null || YamlFields.isNull(t.getValueNode())) {
                y.error(t == null ? topLine : YamlFields.line(t.getKeyNode()), "machine", "missing: the simulated "
                        + "cluster's node groups, - {name: cpu, nodes: 20, cores: 32, mem: 128G} (or machine_file: PATH)");
                return null;
            }
            List<Machine.Group> groups = new ArrayList<>();
            Set<String> names = new LinkedHashSet<>();
            int before = y.errors.size();
            List<Node> items = y.items(t.getValueNode(), "machine", "node groups");
            if (items.size() > 62) {
                y.error(YamlFields.line(t.getKeyNode()), "machine", "has " + items.size() + " node groups; at most 62");
                return null;
            }
            for (Node item : items) {
                MappingNode m = y.mapping(item, "machine", "{name: NAME, nodes: N, cores: N, mem: SIZE, gpus: N, "
                        + "partitions: [P]}");
                if (m == null) {
                    if (YamlFields.isNull(item)) y.error(YamlFields.line(item), "machine", "a node group is empty");
                    continue;
                }
                Map<String, NodeTuple> g = y.keys(m, "machine", GROUP_KEYS);
                long l = YamlFields.line(m);
                String name = y.text(YamlFields.value(g, "name"), "machine.name");
                if (name == null) {
                    y.error(l, "machine.name", "missing: each node group has a name");
                } else if (!names.add(name)) {
                    y.error(l, "machine.name", "another node group is named " + name);
                }
                String w = "machine." + (name == null ? "?" : name);
                Long nodes = need(g, "nodes", w, l) ? y.whole(YamlFields.value(g, "nodes"), w + ".nodes", 1, 1_000_000,
                        "nodes in the group") : null;
                Long cores = need(g, "cores", w, l) ? y.whole(YamlFields.value(g, "cores"), w + ".cores", 1, 100_000,
                        "cores per node") : null;
                Long mem = YamlFields.has(g, "mem") ? y.size(YamlFields.value(g, "mem"), w + ".mem", 0) : Long.valueOf(0);
                Long gpus = YamlFields.has(g, "gpus") ? y.whole(YamlFields.value(g, "gpus"), w + ".gpus", 0, 1024,
                        "GPUs per node") : Long.valueOf(0);
                List<String> parts = new ArrayList<>();
                for (Node p : y.items(YamlFields.value(g, "partitions"), w + ".partitions", "partition names")) {
                    String s = y.text(p, w + ".partitions");
                    if (s != null) parts.add(s);
                }
                if (name == null || nodes == null || cores == null || mem == null || gpus == null) continue;
                groups.add(new Machine.Group(name, nodes.intValue(), cores.intValue(), mem, gpus.intValue(),
                        new LinkedHashSet<>(parts)));
            }
            if (y.errors.size() > before) return null;
            if (groups.isEmpty()) {
                y.error(YamlFields.line(t.getKeyNode()), "machine", "has no node groups");
                return null;
            }
            return new Machine(groups);
        }

        private boolean need(Map<String, NodeTuple> keys, String key, String where, long line) {
            if (keys.containsKey(key) && !YamlFields.isNull(YamlFields.value(keys, key))) return true;
            y.error(line, where + "." + key, "missing");
            return false;
        }

        private PipelineModel.Background background(Map<String, NodeTuple> keys, long seed, Machine machine) {
            NodeTuple t = keys.get("background");
            if (t == null) return null;
            String shape = "{utilisation: 0.7, job_cores: 16, job_time: 1h, seed: 1, horizon: 2d}";
            MappingNode m = y.mapping(t.getValueNode(), "background", shape);
            if (m == null) return null;
            int before = y.errors.size();
            Map<String, NodeTuple> b = y.keys(m, "background", BACKGROUND_KEYS);
            long l = YamlFields.line(t.getKeyNode());
            Double util = need(b, "utilisation", "background", l) ? y.number(YamlFields.value(b, "utilisation"),
                    "background.utilisation", 0.001, 1.5, "the share of the machine's cores other users keep busy, "
                            + "above 0 and at most 1.5") : null;
            Long cores = need(b, "job_cores", "background", l) ? y.whole(YamlFields.value(b, "job_cores"),
                    "background.job_cores", 1, 100_000, "cores per background job") : null;
            Long time = need(b, "job_time", "background", l) ? y.seconds(YamlFields.value(b, "job_time"),
                    "background.job_time", 1) : null;
            Long bgSeed = YamlFields.has(b, "seed") ? y.whole(YamlFields.value(b, "seed"), "background.seed", 0,
                    Long.MAX_VALUE, "the seed of the arrivals") : Long.valueOf(seed);
            Long horizon = YamlFields.has(b, "horizon") ? y.seconds(YamlFields.value(b, "horizon"), "background.horizon", 60)
                    : Long.valueOf(DEFAULT_HORIZON_S);
            if (cores != null && machine != null) {
                int widest = 0;
                for (Machine.Group g : machine.groups()) widest = Math.max(widest, g.cores());
                if (cores > widest) {
                    y.error(line(b, "job_cores", l), "background.job_cores", cores + " cores fit no node (the widest has "
                            + widest + ")");
                }
            }
            if (util != null && cores != null && time != null && horizon != null && machine != null) {
                double jobs = util * machine.totalCores() / cores * (1 + (double) horizon / time);
                if (jobs > PipelineModel.MAX_BACKGROUND_JOBS) {
                    y.error(l, "background", "would make about " + Math.round(jobs) + " jobs (at most "
                            + PipelineModel.MAX_BACKGROUND_JOBS + "); shorten the horizon or make the jobs wider or longer");
                }
            }
            if (y.errors.size() > before || util == null || cores == null || time == null || bgSeed == null
                    || horizon == null) return null;
            return new PipelineModel.Background(util, cores.intValue(), time, bgSeed, horizon);
        }

        private Map<String, PipelineModel.StageModel> stages(Map<String, NodeTuple> keys, long topLine) {
            NodeTuple t = keys.get("stages");
            Map<String, PipelineModel.StageModel> out = new LinkedHashMap<>();
            if (t == null || YamlFields.isNull(t.getValueNode())) {
                y.error(t == null ? topLine : YamlFields.line(t.getKeyNode()), "stages", "missing: each stage's model, "
                        + "by name (preprocessing: {work_per_shard: 20m, ...})");
                return out;
            }
            MappingNode m = y.mapping(t.getValueNode(), "stages", "of stage names to their models");
            if (m == null) return out;
            for (NodeTuple st : m.getValue()) {
                String name = y.text(st.getKeyNode(), "stages");
                long l = YamlFields.line(st.getKeyNode());
                if (name == null || !CampaignFile.NAME.matcher(name).matches()) {
                    y.error(l, "stages", "\"" + (name == null ? "" : name) + "\" is not a stage name");
                    continue;
                }
                if (out.containsKey(name)) {
                    y.error(l, "stages." + name, "given twice");
                    continue;
                }
                String w = "stages." + name;
                MappingNode sm = y.mapping(st.getValueNode(), w, "{work_per_shard: DURATION, serial_fraction: F, ...}");
                if (sm == null) {
                    if (YamlFields.isNull(st.getValueNode())) y.error(l, w + ".work_per_shard", "missing");
                    continue;
                }
                int before = y.errors.size();
                Map<String, NodeTuple> s = y.keys(sm, w, STAGE_KEYS);
                Long work = need(s, "work_per_shard", w, l) ? y.seconds(YamlFields.value(s, "work_per_shard"),
                        w + ".work_per_shard", 0) : null;
                Double serial = YamlFields.has(s, "serial_fraction") ? y.number(YamlFields.value(s, "serial_fraction"),
                        w + ".serial_fraction", 0, 1, "a fraction from 0 to 1") : Double.valueOf(0);
                Double speedup = YamlFields.has(s, "gpu_speedup") ? y.number(YamlFields.value(s, "gpu_speedup"),
                        w + ".gpu_speedup", 0.01, 10_000, "how many times faster with a GPU (1.0: the GPU sits idle)")
                        : Double.valueOf(1);
                Long startup = YamlFields.has(s, "startup") ? y.seconds(YamlFields.value(s, "startup"), w + ".startup", 0)
                        : Long.valueOf(0);
                Long memBase = YamlFields.has(s, "mem_base") ? y.size(YamlFields.value(s, "mem_base"), w + ".mem_base", 0)
                        : Long.valueOf(0);
                Long memShard = YamlFields.has(s, "mem_per_shard") ? y.size(YamlFields.value(s, "mem_per_shard"),
                        w + ".mem_per_shard", 0) : Long.valueOf(0);
                Double failure = YamlFields.has(s, "failure_rate") ? y.number(YamlFields.value(s, "failure_rate"),
                        w + ".failure_rate", 0, 1, "a probability from 0 to 1") : Double.valueOf(0);
                if (y.errors.size() > before || work == null || serial == null || speedup == null || startup == null
                        || memBase == null || memShard == null || failure == null) continue;
                out.put(name, new PipelineModel.StageModel(work, serial, speedup, startup, memBase, memShard, failure));
            }
            if (out.isEmpty() && m.getValue().isEmpty()) y.error(YamlFields.line(t.getKeyNode()), "stages", "is empty");
            return out;
        }
    }
}
