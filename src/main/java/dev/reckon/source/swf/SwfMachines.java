package dev.reckon.source.swf;

import dev.reckon.core.InputError;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The machine description that travels beside a trace ({@code trace.swf.machines}): one line per homogeneous group of
 * nodes, whitespace-separated {@code cluster_id name nodes cpus_per_node speed ram_kb}. Lines starting with
 * {@code ;} or {@code #} and blank lines are skipped.
 *
 * @param machines the groups, in file order
 */
public record SwfMachines(List<Machine> machines) {

    /**
     * One group of identical nodes.
     *
     * @param id          the cluster id the trace may refer to
     * @param name        its name, e.g. {@code seth}
     * @param nodes       how many nodes
     * @param cpusPerNode processors per node
     * @param speed       relative speed (1 = reference)
     * @param ramBytes    memory per node, in bytes (the file gives KiB)
     */
    public record Machine(int id, String name, int nodes, int cpusPerNode, double speed, long ramBytes) {
    }

    public SwfMachines {
        machines = List.copyOf(machines);
    }

    /**
     * Processors per node when every group agrees on it, else {@code null} (a heterogeneous site cannot turn a
     * processor count into a node count without knowing where the job ran).
     */
    public Integer cpusPerNode() {
        Integer c = null;
        for (Machine m : machines) {
            if (c == null) c = m.cpusPerNode();
            else if (c != m.cpusPerNode()) return null;
        }
        return c;
    }

    /** Parses a machine description; bad lines raise {@link InputError} naming the file, line and column. */
    public static SwfMachines parse(Reader in, String fileName) throws IOException {
        BufferedReader r = in instanceof BufferedReader b ? b : new BufferedReader(in);
        List<Machine> out = new ArrayList<>();
        String line;
        long no = 0;
        String[] names = {"cluster_id", "name", "nodes", "cpus_per_node", "speed", "ram_kb"};
        while ((line = r.readLine()) != null) {
            no++;
            String t = line.strip();
            if (t.isEmpty() || t.startsWith(";") || t.startsWith("#")) continue;
            String[] f = t.split("\\s+");
            if (f.length < names.length) {
                throw new InputError(fileName, no, (f.length + 1) + " (" + names[f.length] + ")",
                        "missing: a machine line has " + names.length + " columns, this one " + f.length);
            }
            int col = 0;
            try {
                int id = Integer.parseInt(f[col]);
                col = 2;
                int nodes = Integer.parseInt(f[col]);
                col = 3;
                int cpn = Integer.parseInt(f[col]);
                col = 4;
                double speed = Double.parseDouble(f[col]);
                col = 5;
                long ramKb = Long.parseLong(f[col]);
                if (nodes < 0 || cpn <= 0 || ramKb < 0 || !Double.isFinite(speed)) {
                    throw new NumberFormatException();
                }
                out.add(new Machine(id, f[1], nodes, cpn, speed, Math.multiplyExact(ramKb, 1024L)));
            } catch (NumberFormatException | ArithmeticException e) {
                throw new InputError(fileName, no, (col + 1) + " (" + names[col] + ")",
                        "\"" + f[col] + "\" is not a valid " + names[col]);
            }
        }
        return new SwfMachines(out);
    }

    /**
     * The description beside a trace file: {@code X.swf.machines} for {@code X.swf} or {@code X.swf.gz}; {@code null}
     * when there is none.
     */
    public static SwfMachines besides(Path trace) throws IOException {
        String name = trace.getFileName().toString();
        List<Path> candidates = new ArrayList<>();
        candidates.add(trace.resolveSibling(name + ".machines"));
        if (name.endsWith(".gz")) {
            candidates.add(trace.resolveSibling(name.substring(0, name.length() - 3) + ".machines"));
        }
        for (Path p : candidates) {
            if (Files.isRegularFile(p)) {
                try (Reader r = Files.newBufferedReader(p, StandardCharsets.ISO_8859_1)) {
                    return parse(r, p.toString());
                }
            }
        }
        return null;
    }
}
