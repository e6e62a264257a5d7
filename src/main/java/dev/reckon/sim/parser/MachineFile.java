package dev.reckon.sim.parser;

import dev.reckon.sim.Machine;
import dev.reckon.core.InputError;
import dev.reckon.core.SlurmSyntax;
import dev.reckon.source.swf.SwfMachines;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads a machine description, in whichever of three forms the file is:
 * <ul>
 * <li>saved {@code scontrol show node} output (any line with {@code NodeName=}): see {@link ScontrolNodes};</li>
 * <li>an SWF {@code .machines} file (six columns, the first a number): {@code cluster_id name nodes cpus_per_node
 *     speed ram_kb};</li>
 * <li>reckon's own: one node group a line, {@code name nodes cores memory [gpus [partition,partition...]]}, memory
 *     in Slurm size syntax ({@code 192G}; a bare number is MiB; 0 leaves memory out), {@code #} comments.</li>
 * </ul>
 */
public final class MachineFile {
    private MachineFile() {}

    public static Machine read(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.ISO_8859_1);
        return parse(text, file.toString());
    }

    public static Machine parse(String text, String fileName) throws IOException {
        if (ScontrolNodes.looksLike(text)) return ScontrolNodes.parse(text, fileName);
        String first = firstDataLine(text);
        if (first == null) throw new InputError(fileName, 0, null, "no node groups in the machine file");
        String[] f = first.split("\\s+");
        if (f.length == 6 && f[0].matches("\\d+")) {
            SwfMachines m = SwfMachines.parse(new StringReader(text), fileName);
            List<Machine.Group> groups = new ArrayList<>();
            for (SwfMachines.Machine x : m.machines()) {
                groups.add(new Machine.Group(x.name(), x.nodes(), x.cpusPerNode(), x.ramBytes(), 0, Set.of()));
            }
            return new Machine(groups);
        }
        return own(text, fileName);
    }

    private static String firstDataLine(String text) {
        for (String l : text.split("\r?\n")) {
            String t = l.strip();
            if (!t.isEmpty() && !t.startsWith("#") && !t.startsWith(";")) return t;
        }
        return null;
    }

    private static Machine own(String text, String fileName) {
        String[] names = {"name", "nodes", "cores", "memory", "gpus", "partitions"};
        List<Machine.Group> groups = new ArrayList<>();
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String t = lines[i].strip();
            int hash = t.indexOf('#');
            if (hash >= 0) t = t.substring(0, hash).strip();
            if (t.isEmpty()) continue;
            String[] f = t.split("\\s+");
            long line = i + 1;
            if (f.length < 4) {
                throw new InputError(fileName, line, (f.length + 1) + " (" + names[f.length] + ")",
                        "missing: a node group line is: name nodes cores memory [gpus [partitions]]");
            }
            if (f.length > 6) throw new InputError(fileName, line, "7", "too many columns (at most 6)");
            int nodes = count(f[1], fileName, line, "2 (nodes)", 0);
            int cores = count(f[2], fileName, line, "3 (cores)", 1);
            long mem;
            try {
                Long m = SlurmSyntax.sizeBytes(f[3], 'M');
                mem = m == null ? 0 : m;
            } catch (RuntimeException e) {
                throw new InputError(fileName, line, "4 (memory)", "\"" + f[3] + "\" is not a size such as 192G");
            }
            int gpus = f.length > 4 ? count(f[4], fileName, line, "5 (gpus)", 0) : 0;
            Set<String> parts = new LinkedHashSet<>();
            if (f.length > 5) for (String p : f[5].split(",")) if (!p.isBlank()) parts.add(p.strip());
            groups.add(new Machine.Group(f[0], nodes, cores, mem, gpus, parts));
        }
        if (groups.isEmpty()) throw new InputError(fileName, 0, null, "no node groups in the machine file");
        return new Machine(groups);
    }

    private static int count(String v, String file, long line, String field, int min) {
        try {
            int x = Integer.parseInt(v);
            if (x < min) throw new NumberFormatException();
            return x;
        } catch (NumberFormatException e) {
            throw new InputError(file, line, field, "\"" + v + "\" is not a whole number of at least " + min);
        }
    }
}
