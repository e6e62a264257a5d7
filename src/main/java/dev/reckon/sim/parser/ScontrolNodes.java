package dev.reckon.sim.parser;

import dev.reckon.sim.Machine;
import dev.reckon.core.InputError;
import dev.reckon.core.SlurmSyntax;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the output of {@code scontrol show node} into a {@link Machine}: both the one-line form ({@code -o}) and the
 * default multi-line form, where a node's {@code Key=Value} pairs run over indented lines and nodes are separated by
 * blank lines or a new {@code NodeName=}. A value with spaces ({@code OS=Linux 6.1.0 #1 SMP}) continues until the
 * next {@code Key=}. Used per node: {@code CPUTot} (else {@code CPUs}), {@code RealMemory} (MiB), {@code Gres}
 * ({@code gpu:N}, {@code gpu:type:N}, with or without {@code (S:0-1)}) and {@code Partitions}. Nodes with the same
 * cores, memory, GPUs and partitions form one group named by its nodes as Slurm compresses a host list
 * ({@code n[1-2]}).
 */
public final class ScontrolNodes {
    private ScontrolNodes() {}

    /** Whether {@code text} looks like scontrol's node output. */
    public static boolean looksLike(String text) {
        return text.contains("NodeName=");
    }

    public static Machine parse(String text, String fileName) {
        List<Map<String, String>> nodes = new ArrayList<>();
        List<Long> lines = new ArrayList<>();
        Map<String, String> cur = null;
        String lastKey = null;
        String[] all = text.split("\r?\n", -1);
        for (int i = 0; i < all.length; i++) {
            String line = all[i];
            if (line.isBlank()) {
                lastKey = null;
                continue;
            }
            for (String tok : line.strip().split("\\s+")) {
                int eq = tok.indexOf('=');
                if (eq > 0 && tok.substring(0, eq).chars().allMatch(c -> Character.isLetterOrDigit(c) || c == '_')) {
                    String key = tok.substring(0, eq);
                    String value = tok.substring(eq + 1);
                    if (key.equals("NodeName")) {
                        cur = new LinkedHashMap<>();
                        nodes.add(cur);
                        lines.add(i + 1L);
                    } else if (cur == null) {
                        throw new InputError(fileName, i + 1, key, "comes before any NodeName=");
                    }
                    cur.put(key, value);
                    lastKey = key;
                } else if (cur != null && lastKey != null) {
                    cur.merge(lastKey, " " + tok, String::concat);
                }
            }
        }
        if (nodes.isEmpty()) throw new InputError(fileName, 0, null, "no NodeName= in scontrol show node output");
        Map<String, List<String>> names = new LinkedHashMap<>();
        Map<String, Machine.Group> shapes = new LinkedHashMap<>();
        for (int k = 0; k < nodes.size(); k++) {
            Map<String, String> n = nodes.get(k);
            long line = lines.get(k);
            String name = n.get("NodeName").strip();
            String cpuText = n.getOrDefault("CPUTot", n.get("CPUs"));
            int cpus = number(cpuText, fileName, line, "CPUTot");
            long memMib = n.containsKey("RealMemory") ? number(n.get("RealMemory"), fileName, line, "RealMemory") : 0;
            int gpus = gpus(n.getOrDefault("Gres", ""), fileName, line);
            Set<String> parts = new LinkedHashSet<>();
            String p = n.get("Partitions");
            if (p != null && !p.isBlank() && !p.strip().equals("(null)")) parts.addAll(Arrays.asList(p.strip().split(",")));
            String key = cpus + "/" + memMib + "/" + gpus + "/" + parts;
            names.computeIfAbsent(key, x -> new ArrayList<>()).add(name);
            shapes.putIfAbsent(key, new Machine.Group(name, 0, Math.max(1, cpus), memMib << 20, gpus, parts));
        }
        List<Machine.Group> groups = new ArrayList<>();
        for (Map.Entry<String, Machine.Group> e : shapes.entrySet()) {
            Machine.Group g = e.getValue();
            List<String> members = names.get(e.getKey());
            groups.add(new Machine.Group(SlurmSyntax.hostlist(members), members.size(), g.cores(), g.memBytes(), g.gpus(),
                    g.partitions()));
        }
        return new Machine(groups);
    }

    private static int number(String v, String file, long line, String field) {
        if (v == null) throw new InputError(file, line, field, "missing");
        try {
            int x = Integer.parseInt(v.strip());
            if (x < 0) throw new NumberFormatException();
            return x;
        } catch (NumberFormatException e) {
            throw new InputError(file, line, field, "\"" + v.strip() + "\" is not a count");
        }
    }

    /** GPUs in a Gres value: the sum of every {@code gpu[:type]:N} entry. */
    static int gpus(String gres, String file, long line) {
        int total = 0;
        String g = gres.strip();
        if (g.isEmpty() || g.equals("(null)")) return 0;
        for (String part : g.split(",(?![^(]*\\))")) {
            String s = part.strip();
            int paren = s.indexOf('(');
            if (paren >= 0) s = s.substring(0, paren);
            String[] f = s.split(":");
            if (!f[0].equals("gpu")) continue;
            String last = f[f.length - 1];
            if (f.length == 1) {
                total += 1;
                continue;
            }
            try {
                total += Integer.parseInt(last);
            } catch (NumberFormatException e) {
                if (f.length == 2) total += 1;
                else throw new InputError(file, line, "Gres", "\"" + part.strip() + "\" has no GPU count");
            }
        }
        return total;
    }
}
