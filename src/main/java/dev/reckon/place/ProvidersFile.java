package dev.reckon.place;

import dev.reckon.core.InputError;
import dev.reckon.optimise.YamlFields;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The providers file: a YAML mapping with one key, {@code providers}, a list of the places work may go (format:
 * {@code docs/place.md}). Reading reports every problem at once, each an {@link InputError} with the line of the
 * value at fault and its field ({@code providers.burst.shapes[1].cpus}), unknown keys refused with a did-you-mean,
 * as charter and campaign files are read.
 */
public final class ProvidersFile {
    static final List<String> KEYS = List.of("providers");
    static final List<String> KINDS = List.of("slurm", "kueue", "cloud");
    static final List<String> SLURM_KEYS = List.of("name", "kind", "cluster", "partition", "cpu_hour_price",
            "gpu_hour_price");
    static final List<String> KUEUE_KEYS = List.of("name", "kind", "saved", "context", "queue", "runtime",
            "gpu_resource", "cpu_hour_price", "gpu_hour_price");
    static final List<String> CLOUD_KEYS = List.of("name", "kind", "startup", "max_instances", "in_use", "shapes");
    static final List<String> SHAPE_KEYS = List.of("name", "cpus", "mem", "gpus", "price_per_hour");
    /** Provider names: they travel in audit entries and JSON; Slurm cluster names are words too. */
    public static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    /** A Kubernetes LocalQueue as {@code namespace/name}. */
    static final Pattern QUEUE = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?/[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?");
    /** What a Kueue workload is assumed to run once admitted when nothing says: one hour. */
    public static final long DEFAULT_RUNTIME_S = 3600;
    static final int MAX_PROVIDERS = 1000;

    private ProvidersFile() {}

    /** What reading gave: the providers when the file is valid (else empty), and every problem, by line. */
    public record Result(String file, List<Provider> providers, List<InputError> errors) {
        public Result {
            providers = List.copyOf(providers);
            errors = List.copyOf(errors);
        }

        public boolean ok() {
            return errors.isEmpty();
        }

        /** The providers, or the first problem thrown. */
        public List<Provider> orThrow() {
            if (!errors.isEmpty()) throw errors.get(0);
            return providers;
        }
    }

    /** Reads a providers file; a {@code saved} path is read relative to the file's folder. */
    public static Result read(Path file) {
        List<InputError> errors = new ArrayList<>();
        String text = YamlFields.readText(file, errors);
        if (text == null) return new Result(file.toString(), List.of(), errors);
        Path dir = file.toAbsolutePath().getParent();
        return parse(file.toString(), text, dir);
    }

    /** Reads a providers file's text; {@code file} names it in errors, {@code dir} anchors relative paths. */
    public static Result parse(String file, String text, Path dir) {
        return new Parser(file, dir).parse(text);
    }

    private static final class Parser {
        private final YamlFields y;
        private final Path dir;

        Parser(String file, Path dir) {
            this.y = new YamlFields(file);
            this.dir = dir;
        }

        Result parse(String text) {
            Node root = y.compose(text, "a providers file lists providers: (see docs/place.md)");
            if (root == null) return done(List.of());
            if (!(root instanceof MappingNode top)) {
                y.error(YamlFields.line(root), null, "a providers file is a mapping with one key, providers:, not a "
                        + YamlFields.kind(root));
                return done(List.of());
            }
            Map<String, NodeTuple> keys = y.keys(top, "", KEYS);
            NodeTuple t = keys.get("providers");
            if (t == null || YamlFields.isNull(t.getValueNode())) {
                y.error(t == null ? YamlFields.line(top) : YamlFields.line(t.getKeyNode()), "providers",
                        "missing: list at least one provider (- name: NAME, kind: slurm|kueue|cloud)");
                return done(List.of());
            }
            List<Node> items = y.items(t.getValueNode(), "providers", "providers");
            if (items.size() > MAX_PROVIDERS) {
                y.error(YamlFields.line(t.getKeyNode()), "providers", "has " + items.size() + " providers; at most "
                        + MAX_PROVIDERS);
                return done(List.of());
            }
            List<Provider> out = new ArrayList<>();
            Map<String, Long> seen = new LinkedHashMap<>();
            int i = 0;
            for (Node item : items) {
                i++;
                if (!(item instanceof MappingNode m)) {
                    y.error(YamlFields.line(item), "providers[" + i + "]", "each provider is a mapping (name:, kind:, "
                            + "...), not a " + YamlFields.kind(item));
                    continue;
                }
                Provider p = provider(m, i, seen);
                if (p != null) out.add(p);
            }
            return done(out);
        }

        private Result done(List<Provider> ps) {
            return new Result(y.file, y.errors.isEmpty() ? ps : List.of(), y.sorted());
        }

        private Provider provider(MappingNode m, int i, Map<String, Long> seen) {
            String name = null, kind = null;
            for (NodeTuple kt : m.getValue()) {
                if (kt.getKeyNode() instanceof ScalarNode k && kt.getValueNode() instanceof ScalarNode v) {
                    if (k.getValue().equals("name")) name = v.getValue().strip();
                    if (k.getValue().equals("kind")) kind = v.getValue().strip();
                }
            }
            String where = name != null && NAME.matcher(name).matches() ? "providers." + name : "providers[" + i + "]";
            long line = YamlFields.line(m);
            if (kind == null || kind.isEmpty()) {
                y.error(line, where + ".kind", "missing: one of " + String.join(", ", KINDS));
                return null;
            }
            if (!KINDS.contains(kind)) {
                y.error(line, where + ".kind", "\"" + kind + "\" is not a kind of provider: one of "
                        + String.join(", ", KINDS));
                return null;
            }
            int before = y.errors.size();
            Map<String, NodeTuple> k = y.keys(m, where, switch (kind) {
                case "slurm" -> SLURM_KEYS;
                case "kueue" -> KUEUE_KEYS;
                default -> CLOUD_KEYS;
            });
            name = y.text(YamlFields.value(k, "name"), where + ".name");
            if (name == null) {
                y.error(line, where + ".name", "missing: each provider has a name");
            } else if (!NAME.matcher(name).matches()) {
                y.error(lineOf(k, "name", line), where + ".name", "\"" + name + "\" is not a name: letters, digits, "
                        + "'.', '_' and '-', starting with a letter or digit, at most 64 characters");
            } else if (seen.containsKey(name)) {
                y.error(lineOf(k, "name", line), where + ".name", "another provider is named " + name + " (line "
                        + seen.get(name) + "); provider names are unique");
            } else {
                seen.put(name, lineOf(k, "name", line));
            }
            Provider p = switch (kind) {
                case "slurm" -> slurm(k, where, name, line);
                case "kueue" -> kueue(k, where, name, line);
                default -> cloud(k, where, name, line);
            };
            return y.errors.size() == before ? p : null;
        }

        private Provider.Slurm slurm(Map<String, NodeTuple> k, String where, String name, long line) {
            String cluster = y.text(YamlFields.value(k, "cluster"), where + ".cluster");
            if (cluster != null && !NAME.matcher(cluster).matches()) {
                y.error(lineOf(k, "cluster", line), where + ".cluster", "\"" + cluster + "\" is not a Slurm cluster name");
            }
            String partition = y.text(YamlFields.value(k, "partition"), where + ".partition");
            if (partition != null && !NAME.matcher(partition).matches()) {
                y.error(lineOf(k, "partition", line), where + ".partition", "\"" + partition + "\" is not a partition name");
            }
            return new Provider.Slurm(name, line, cluster == null ? name : cluster, partition,
                    price(k, "cpu_hour_price", where), price(k, "gpu_hour_price", where));
        }

        private Provider.Kueue kueue(Map<String, NodeTuple> k, String where, String name, long line) {
            String saved = y.text(YamlFields.value(k, "saved"), where + ".saved");
            String context = y.text(YamlFields.value(k, "context"), where + ".context");
            if (saved != null && context != null) {
                y.error(lineOf(k, "context", line), where + ".context", "a provider is read live (context:) or from a "
                        + "saved output (saved:), not both");
            }
            if (context != null && (context.startsWith("-") || context.chars().anyMatch(Character::isWhitespace))) {
                y.error(lineOf(k, "context", line), where + ".context", "\"" + context + "\" is not a kubectl context");
            }
            String queue = y.text(YamlFields.value(k, "queue"), where + ".queue");
            if (queue == null) {
                y.error(lineOf(k, "queue", line), where + ".queue", "missing: the LocalQueue jobs go to, as "
                        + "namespace/name (e.g. team-a/user-queue)");
            } else if (!QUEUE.matcher(queue).matches()) {
                y.error(lineOf(k, "queue", line), where + ".queue", "\"" + queue + "\" is not namespace/name of a "
                        + "LocalQueue (e.g. team-a/user-queue)");
            }
            Long runtime = YamlFields.has(k, "runtime") ? y.seconds(YamlFields.value(k, "runtime"), where + ".runtime", 1)
                    : Long.valueOf(DEFAULT_RUNTIME_S);
            String gpu = y.text(YamlFields.value(k, "gpu_resource"), where + ".gpu_resource");
            Path savedPath = saved == null ? null : dir == null ? Path.of(saved) : dir.resolve(saved);
            return new Provider.Kueue(name, line, savedPath, context, queue, runtime == null ? DEFAULT_RUNTIME_S : runtime,
                    gpu == null ? "nvidia.com/gpu" : gpu, price(k, "cpu_hour_price", where),
                    price(k, "gpu_hour_price", where));
        }

        private Provider.Cloud cloud(Map<String, NodeTuple> k, String where, String name, long line) {
            Long startup = YamlFields.has(k, "startup") ? y.seconds(YamlFields.value(k, "startup"), where + ".startup", 0)
                    : null;
            if (!YamlFields.has(k, "startup")) {
                y.error(line, where + ".startup", "missing: how long an instance takes to start (e.g. 3m)");
            }
            Long max = y.whole(YamlFields.value(k, "max_instances"), where + ".max_instances", 1, 1_000_000,
                    "the most instances the pool may hold");
            if (!YamlFields.has(k, "max_instances")) {
                y.error(line, where + ".max_instances", "missing: the most instances the pool may hold at once");
            }
            Long inUse = YamlFields.has(k, "in_use") ? y.whole(YamlFields.value(k, "in_use"), where + ".in_use", 0,
                    1_000_000, "instances already running") : Long.valueOf(0);
            if (max != null && inUse != null && inUse > max) {
                y.error(lineOf(k, "in_use", line), where + ".in_use", inUse + " instances in use is above max_instances "
                        + max);
            }
            List<Provider.Shape> shapes = new ArrayList<>();
            NodeTuple st = k.get("shapes");
            List<Node> items = st == null ? List.of() : y.items(st.getValueNode(), where + ".shapes", "instance shapes");
            if (items.isEmpty()) {
                y.error(st == null ? line : YamlFields.line(st.getKeyNode()), where + ".shapes", "missing: at least one "
                        + "instance shape ({name: NAME, cpus: N, mem: SIZE, gpus: N, price_per_hour: X})");
            }
            Map<String, Long> seen = new LinkedHashMap<>();
            int i = 0;
            for (Node item : items) {
                i++;
                String at = where + ".shapes[" + i + "]";
                if (!(item instanceof MappingNode m)) {
                    y.error(YamlFields.line(item), at, "is a mapping {name: NAME, cpus: N, mem: SIZE, gpus: N, "
                            + "price_per_hour: X}, not a " + YamlFields.kind(item));
                    continue;
                }
                Map<String, NodeTuple> s = y.keys(m, at, SHAPE_KEYS);
                long sl = YamlFields.line(m);
                String sn = y.text(YamlFields.value(s, "name"), at + ".name");
                if (sn == null) {
                    y.error(sl, at + ".name", "missing: each shape has a name (the instance type)");
                } else if (seen.containsKey(sn)) {
                    y.error(lineOf(s, "name", sl), at + ".name", "another shape is named " + sn + " (line "
                            + seen.get(sn) + ")");
                } else {
                    seen.put(sn, lineOf(s, "name", sl));
                }
                Long cpus = y.whole(YamlFields.value(s, "cpus"), at + ".cpus", 1, 1_000_000, "CPUs per instance");
                if (!YamlFields.has(s, "cpus")) y.error(sl, at + ".cpus", "missing: CPUs per instance");
                Long mem = y.size(YamlFields.value(s, "mem"), at + ".mem", 1 << 20);
                if (!YamlFields.has(s, "mem")) y.error(sl, at + ".mem", "missing: memory per instance (e.g. 64G)");
                Long gpus = YamlFields.has(s, "gpus") ? y.whole(YamlFields.value(s, "gpus"), at + ".gpus", 0, 1024,
                        "GPUs per instance") : Long.valueOf(0);
                Double price = y.number(YamlFields.value(s, "price_per_hour"), at + ".price_per_hour", 0, 1e9,
                        "what one instance costs per hour, 0 or more");
                if (!YamlFields.has(s, "price_per_hour")) {
                    y.error(sl, at + ".price_per_hour", "missing: what one instance costs per hour");
                }
                if (sn != null && cpus != null && mem != null && gpus != null && price != null) {
                    shapes.add(new Provider.Shape(sn, cpus.intValue(), mem, gpus.intValue(), price));
                }
            }
            return new Provider.Cloud(name, line, startup == null ? 0 : startup, max == null ? 1 : max.intValue(),
                    inUse == null ? 0 : inUse.intValue(), shapes);
        }

        private double price(Map<String, NodeTuple> k, String key, String where) {
            if (!YamlFields.has(k, key)) return 0;
            Double d = y.number(YamlFields.value(k, key), where + "." + key, 0, 1e9, "a price, 0 or more");
            return d == null ? 0 : d;
        }

        private static long lineOf(Map<String, NodeTuple> keys, String key, long otherwise) {
            NodeTuple t = keys.get(key);
            return t == null ? otherwise : YamlFields.line(t.getKeyNode());
        }
    }
}
