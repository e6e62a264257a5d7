package dev.reckon.place;

import dev.reckon.core.InputError;
import dev.reckon.core.SlurmSyntax;

import java.util.ArrayList;
import java.util.List;

/**
 * The job shape an sbatch script asks for in its {@code #SBATCH} lines (read as sbatch reads them: from the top,
 * until the first line that is neither blank nor a comment). Understood: {@code -N/--nodes}, {@code -n/--ntasks},
 * {@code -c/--cpus-per-task}, {@code --ntasks-per-node}, {@code --mem} (per node), {@code --mem-per-cpu},
 * {@code -G/--gpus}, {@code --gpus-per-node}, {@code --gres=gpu[:type]:N} (per node), {@code -t/--time},
 * {@code -p/--partition}, {@code -J/--job-name}; other options are listed in {@link Shape#ignored()} (they travel
 * with the script when it is submitted).
 */
public final class SbatchScript {
    private SbatchScript() {}

    /**
     * What the script asks for.
     *
     * @param timeS     its time limit, seconds; null when it names none
     * @param partition null when it names none
     * @param name      its job name, or null
     * @param ignored   the options read but not part of the shape ({@code --account}, {@code --output}, ...)
     */
    public record Shape(int nodes, long cpus, long memBytes, long gpus, Long timeS, String partition, String name,
                        List<String> ignored) {
        public Shape {
            ignored = List.copyOf(ignored);
        }
    }

    /** Reads the script's text; {@code file} names it in errors ({@code file:line: --mem: ...}). */
    public static Shape parse(String text, String file) {
        Integer nodes = null, ntasks = null, cpusPerTask = null, tasksPerNode = null;
        Long memPerNode = null, memPerCpu = null, gpus = null, gpusPerNode = null, gresPerNode = null, timeS = null;
        String partition = null, name = null;
        List<String> ignored = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            long line = i + 1;
            String l = lines[i].strip();
            if (i == 0 && l.startsWith("#!")) continue;
            if (l.isEmpty()) continue;
            if (!l.startsWith("#")) break;
            if (!l.startsWith("#SBATCH")) continue;
            String rest = l.substring("#SBATCH".length()).strip();
            int hash = rest.indexOf(" #");
            if (hash >= 0) rest = rest.substring(0, hash).strip();
            List<String[]> opts = options(rest);
            for (String[] o : opts) {
                String key = o[0], v = o[1];
                try {
                    switch (key) {
                        case "-N", "--nodes" -> nodes = atLeastOne(firstOfRange(v), key, file, line);
                        case "-n", "--ntasks" -> ntasks = atLeastOne(v, key, file, line);
                        case "-c", "--cpus-per-task" -> cpusPerTask = atLeastOne(v, key, file, line);
                        case "--ntasks-per-node" -> tasksPerNode = atLeastOne(v, key, file, line);
                        case "--mem" -> memPerNode = size(v, key, file, line);
                        case "--mem-per-cpu" -> memPerCpu = size(v, key, file, line);
                        case "-G", "--gpus" -> gpus = (long) atLeastZero(lastCount(v), key, file, line);
                        case "--gpus-per-node" -> gpusPerNode = (long) atLeastZero(lastCount(v), key, file, line);
                        case "--gres" -> gresPerNode = gres(v, key, file, line);
                        case "-t", "--time" -> {
                            Long t = v == null ? null : SlurmSyntax.durationSeconds(v);
                            if (t == null || t < 1) throw new InputError(file, line, key, "\"" + v + "\" is not a time "
                                    + "limit (minutes, [D-]HH:MM:SS or D-HH)");
                            timeS = t;
                        }
                        case "-p", "--partition" -> partition = need(v, key, file, line);
                        case "-J", "--job-name" -> name = need(v, key, file, line);
                        default -> ignored.add(key);
                    }
                } catch (IllegalArgumentException e) {
                    throw new InputError(file, line, key, e.getMessage());
                }
            }
        }
        int n = nodes == null ? 1 : nodes;
        long tasks = ntasks != null ? ntasks : tasksPerNode != null ? (long) tasksPerNode * n : 1;
        long cpus = Math.max(tasks * (cpusPerTask == null ? 1 : cpusPerTask), n);
        long mem = memPerNode != null ? memPerNode * n : memPerCpu != null ? memPerCpu * cpus : 0;
        long g = gpus != null ? gpus : gpusPerNode != null ? gpusPerNode * n : gresPerNode != null ? gresPerNode * n : 0;
        return new Shape(n, cpus, mem, g, timeS, partition, name, ignored);
    }

    /** The options of one {@code #SBATCH} line: {@code --key=value}, {@code --key value}, {@code -k value}, {@code -kvalue}. */
    private static List<String[]> options(String rest) {
        List<String[]> out = new ArrayList<>();
        String[] words = rest.isEmpty() ? new String[0] : rest.split("\\s+");
        for (int i = 0; i < words.length; i++) {
            String w = words[i];
            if (w.startsWith("--")) {
                int eq = w.indexOf('=');
                if (eq > 0) {
                    out.add(new String[]{w.substring(0, eq), unquote(w.substring(eq + 1))});
                } else if (i + 1 < words.length && !words[i + 1].startsWith("-")) {
                    out.add(new String[]{w, unquote(words[++i])});
                } else {
                    out.add(new String[]{w, null});
                }
            } else if (w.startsWith("-") && w.length() >= 2) {
                String k = w.substring(0, 2);
                if (w.length() > 2) out.add(new String[]{k, unquote(w.substring(w.charAt(2) == '=' ? 3 : 2))});
                else if (i + 1 < words.length) out.add(new String[]{k, unquote(words[++i])});
                else out.add(new String[]{k, null});
            }
        }
        return out;
    }

    private static String unquote(String v) {
        if (v.length() >= 2 && (v.startsWith("\"") && v.endsWith("\"") || v.startsWith("'") && v.endsWith("'"))) {
            return v.substring(1, v.length() - 1);
        }
        return v;
    }

    private static String need(String v, String key, String file, long line) {
        if (v == null || v.isEmpty()) throw new InputError(file, line, key, "needs a value");
        return v;
    }

    private static int atLeastOne(String v, String key, String file, long line) {
        Integer n = SlurmSyntax.count(need(v, key, file, line));
        if (n == null || n < 1) throw new InputError(file, line, key, "\"" + v + "\" is not a count of at least 1");
        return n;
    }

    private static int atLeastZero(String v, String key, String file, long line) {
        Integer n = SlurmSyntax.count(need(v, key, file, line));
        if (n == null) throw new InputError(file, line, key, "\"" + v + "\" is not a count");
        return n;
    }

    /** {@code 2-4} nodes: the least, 2 (the shape placed is the smallest the job accepts). */
    private static String firstOfRange(String v) {
        if (v == null) return null;
        int dash = v.indexOf('-');
        return dash > 0 ? v.substring(0, dash) : v;
    }

    /** {@code a100:2} for {@code --gpus}: the count after the last colon. */
    private static String lastCount(String v) {
        if (v == null) return null;
        int c = v.lastIndexOf(':');
        return c >= 0 ? v.substring(c + 1) : v;
    }

    private static long size(String v, String key, String file, long line) {
        Long b = SlurmSyntax.sizeBytes(need(v, key, file, line), 'M');
        if (b == null) throw new InputError(file, line, key, "\"" + v + "\" is not a size such as 32G");
        return b;
    }

    /** GPUs per node from {@code --gres}: {@code gpu:2}, {@code gpu:a100:2}, {@code gpu} (1), among other gres. */
    private static Long gres(String v, String key, String file, long line) {
        long total = 0;
        boolean any = false;
        for (String g : need(v, key, file, line).split(",")) {
            String[] parts = g.split(":");
            if (!parts[0].equals("gpu")) continue;
            any = true;
            String last = parts[parts.length - 1];
            if (parts.length == 1) total += 1;
            else if (last.matches("\\d+")) total += Long.parseLong(last);
            else if (parts.length == 2) total += 1; // gpu:a100
            else throw new InputError(file, line, key, "\"" + g + "\" is not gpu[:type]:N");
        }
        return any ? total : null;
    }
}
