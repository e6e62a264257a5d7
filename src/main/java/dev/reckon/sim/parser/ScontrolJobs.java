package dev.reckon.sim.parser;

import dev.reckon.core.InputError;
import dev.reckon.core.SlurmSyntax;
import dev.reckon.sim.Predict;
import dev.reckon.sim.SlurmModel;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads {@code scontrol show job -d -o} (one job a line, with the detail of where a running job sits) into
 * {@link Predict.Asked}: what {@link dev.reckon.sim.SlurmModel} needs beyond squeue: how a job asked for its CPUs (tasks, CPUs per task, whether
 * it fixed its node count, tasks per node, memory per node or per CPU, {@code --exclusive}) and, for a job that runs,
 * the CPUs, memory and GPUs it holds on each node ({@code Nodes=n[1-2] CPU_IDs=0-1 Mem=512 GRES=gpu:1(IDX:0)}),
 * and the GPUs it asks for ({@code TresPerNode}, {@code TresPerTask}, {@code TresPerJob}).
 */
public final class ScontrolJobs {
    /** The most nodes one detail group may name. */
    private static final int MAX_NODES = 1_000_000;

    private ScontrolJobs() {}

    /**
     * The jobs of {@code text}, each under its {@code JobId} and, for an array's task, also under squeue's
     * {@code ArrayJobId_ArrayTaskId}; a value that cannot be read raises {@link InputError} naming the line and field.
     */
    public static Map<String, Predict.Asked> parse(String text, String fileName) {
        Map<String, Predict.Asked> out = new HashMap<>();
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String l = lines[i];
            if (l.isBlank()) continue;
            long no = i + 1;
            String id = value(l, "JobId");
            if (id == null) continue;
            int tasks = (int) Math.max(1, number(l, "NumTasks", 1, fileName, no));
            int perTask = (int) Math.max(1, number(l, "CPUs/Task", 1, fileName, no));
            String numNodes = value(l, "NumNodes");
            int asked = 0;
            if (numNodes != null) {
                int dash = numNodes.indexOf('-');
                if (dash > 0 && numNodes.substring(0, dash).equals(numNodes.substring(dash + 1))) {
                    asked = (int) read(numNodes.substring(0, dash), "NumNodes", fileName, no);
                }
            }
            String perNode = value(l, "NtasksPerN:B:S:C");
            int tasksPerNode = 0;
            if (perNode != null && perNode.indexOf(':') > 0) {
                String first = perNode.substring(0, perNode.indexOf(':'));
                if (!first.equals("*")) tasksPerNode = (int) read(first, "NtasksPerN:B:S:C", fileName, no);
            }
            long memNode = mem(l, "MinMemoryNode", fileName, no);
            long memCpu = mem(l, "MinMemoryCPU", fileName, no);
            boolean exclusive = "NO".equals(value(l, "OverSubscribe"));
            SlurmModel.Gpus gpus = new SlurmModel.Gpus(gpus(l, "TresPerNode", fileName, no),
                    gpus(l, "TresPerTask", fileName, no), gpus(l, "TresPerJob", fileName, no));
            Map<String, long[]> held = new HashMap<>();
            int at = 0;
            while ((at = l.indexOf(" Nodes=", at)) >= 0) {
                at += 1;
                String nodes = value(l.substring(at), "Nodes");
                String cpuIds = value(l.substring(at), "CPU_IDs");
                String memMb = value(l.substring(at), "Mem");
                String gres = groupValue(l.substring(at), "GRES");
                if (gres == null || gres.isEmpty()) gres = groupValue(l.substring(at), "GRES_IDX"); // Slurm before 20.02
                if (nodes == null || cpuIds == null) continue;
                long cpus = cpuCount(cpuIds, fileName, no);
                long mb = memMb == null || memMb.isEmpty() ? 0 : read(memMb, "Mem", fileName, no);
                long gp = heldGpus(gres, fileName, no);
                List<String> names;
                try {
                    names = SlurmSyntax.hosts(nodes, MAX_NODES);
                } catch (IllegalArgumentException e) {
                    throw new InputError(fileName, no, "Nodes", e.getMessage());
                }
                for (String n : names) {
                    long[] h = held.computeIfAbsent(n, k -> new long[3]);
                    h[0] += cpus;
                    h[1] += mb;
                    h[2] += gp;
                }
            }
            Predict.Asked d = new Predict.Asked(id, tasks, perTask, asked, tasksPerNode, memNode, memCpu, exclusive,
                    gpus, held);
            out.put(id, d);
            String arrayJob = value(l, "ArrayJobId"), task = value(l, "ArrayTaskId");
            if (arrayJob != null && task != null) out.put(arrayJob + "_" + task.replaceFirst("%.*", ""), d);
        }
        return out;
    }

    /** The value after {@code key=} at the line's start or after a space, up to the next space; null when absent. */
    static String value(String line, String key) {
        String k = key + "=";
        int at = line.startsWith(k) ? 0 : -1;
        if (at < 0) {
            int s = line.indexOf(" " + k);
            if (s < 0) return null;
            at = s + 1;
        }
        int from = at + k.length(), end = line.indexOf(' ', from);
        return line.substring(from, end < 0 ? line.length() : end);
    }

    /** The value of {@code key=} within one detail group: up to the next detail group ({@code " Nodes="}). */
    private static String groupValue(String group, String key) {
        int next = group.indexOf(" Nodes=", 1);
        return value(next < 0 ? group : group.substring(0, next), key);
    }

    /** The GPUs a TRES-per field asks for ({@code TresPerNode=gres:gpu:2}); 0 when absent or naming none. */
    private static int gpus(String l, String key, String file, long no) {
        try {
            return SlurmModel.Gpus.count(value(l, key));
        } catch (IllegalArgumentException e) {
            throw new InputError(file, no, key, e.getMessage());
        }
    }

    /**
     * The GPUs a detail group's {@code GRES=} holds on each of its nodes: the indexes it names
     * ({@code gpu:2(IDX:0-1)}, {@code gpu(IDX:0,2)}), else the count; 0 when absent.
     */
    private static long heldGpus(String gres, String file, long no) {
        if (gres == null || gres.isEmpty() || gres.equals("(null)")) return 0;
        long n = 0;
        // gpu:a100:2(IDX:0-1),gpu:v100:1(IDX:3): split at the commas outside parentheses
        int depth = 0, from = 0;
        for (int i = 0; i <= gres.length(); i++) {
            char c = i < gres.length() ? gres.charAt(i) : ',';
            if (c == '(') depth++;
            else if (c == ')') depth--;
            else if (c == ',' && depth == 0) {
                String part = gres.substring(from, i);
                from = i + 1;
                if (!part.startsWith("gpu")) continue;
                int idx = part.indexOf("(IDX:");
                if (idx >= 0) {
                    String ids = part.substring(idx + 5, part.indexOf(')', idx) < 0 ? part.length() : part.indexOf(')', idx));
                    if (!ids.equals("N/A")) {
                        n += cpuCount(ids, file, no, "GRES");
                        continue;
                    }
                }
                try {
                    n += SlurmModel.Gpus.count(idx >= 0 ? part.substring(0, idx) : part);
                } catch (IllegalArgumentException e) {
                    throw new InputError(file, no, "GRES", e.getMessage());
                }
            }
        }
        return n;
    }

    private static long number(String l, String key, long absent, String file, long no) {
        String v = value(l, key);
        return v == null || v.isEmpty() || v.equals("*") || v.equals("N/A") ? absent : read(v, key, file, no);
    }

    private static long read(String v, String key, String file, long no) {
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new InputError(file, no, key, "\"" + v + "\" is not a whole number");
        }
    }

    private static long mem(String l, String key, String file, long no) {
        String v = value(l, key);
        if (v == null || v.isEmpty() || v.equals("0")) return 0;
        try {
            Long b = SlurmSyntax.sizeBytes(v, 'M');
            return b == null ? 0 : b >> 20;
        } catch (IllegalArgumentException e) {
            throw new InputError(file, no, key, e.getMessage());
        }
    }

    private static long cpuCount(String ids, String file, long no) {
        return cpuCount(ids, file, no, "CPU_IDs");
    }

    /** How many CPUs (or GPU indexes) {@code 0-3,8,10-11} names. */
    private static long cpuCount(String ids, String file, long no, String field) {
        if (ids.isEmpty()) return 0;
        long n = 0;
        for (String part : ids.split(",")) {
            int dash = part.indexOf('-');
            if (dash < 0) {
                read(part, field, file, no);
                n++;
            } else {
                long a = read(part.substring(0, dash), field, file, no), z = read(part.substring(dash + 1), field, file, no);
                if (z < a) throw new InputError(file, no, field, "\"" + ids + "\" has a range that runs backwards");
                n += z - a + 1;
            }
        }
        return n;
    }
}
