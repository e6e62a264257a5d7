package dev.reckon.sim.parser;

import dev.reckon.core.InputError;
import dev.reckon.core.SlurmSyntax;
import dev.reckon.sim.Predict;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads {@code scontrol show job -d -o} (one job a line, with the detail of where a running job sits) into
 * {@link Predict.Asked}: what {@link dev.reckon.sim.SlurmModel} needs beyond squeue: how a job asked for its CPUs (tasks, CPUs per task, whether
 * it fixed its node count, tasks per node, memory per node or per CPU, {@code --exclusive}) and, for a job that runs,
 * the CPUs and memory it holds on each node ({@code Nodes=n[1-2] CPU_IDs=0-1 Mem=512}).
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
            Map<String, long[]> held = new HashMap<>();
            int at = 0;
            while ((at = l.indexOf(" Nodes=", at)) >= 0) {
                at += 1;
                String nodes = value(l.substring(at), "Nodes");
                String cpuIds = value(l.substring(at), "CPU_IDs");
                String memMb = value(l.substring(at), "Mem");
                if (nodes == null || cpuIds == null) continue;
                long cpus = cpuCount(cpuIds, fileName, no);
                long mb = memMb == null || memMb.isEmpty() ? 0 : read(memMb, "Mem", fileName, no);
                List<String> names;
                try {
                    names = SlurmSyntax.hosts(nodes, MAX_NODES);
                } catch (IllegalArgumentException e) {
                    throw new InputError(fileName, no, "Nodes", e.getMessage());
                }
                for (String n : names) {
                    long[] h = held.computeIfAbsent(n, k -> new long[2]);
                    h[0] += cpus;
                    h[1] += mb;
                }
            }
            Predict.Asked d = new Predict.Asked(id, tasks, perTask, asked, tasksPerNode, memNode, memCpu, exclusive, held);
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

    /** How many CPUs {@code 0-3,8,10-11} names. */
    private static long cpuCount(String ids, String file, long no) {
        if (ids.isEmpty()) return 0;
        long n = 0;
        for (String part : ids.split(",")) {
            int dash = part.indexOf('-');
            if (dash < 0) {
                read(part, "CPU_IDs", file, no);
                n++;
            } else {
                long a = read(part.substring(0, dash), "CPU_IDs", file, no), z = read(part.substring(dash + 1), "CPU_IDs", file, no);
                if (z < a) throw new InputError(file, no, "CPU_IDs", "\"" + ids + "\" has a range that runs backwards");
                n += z - a + 1;
            }
        }
        return n;
    }
}
