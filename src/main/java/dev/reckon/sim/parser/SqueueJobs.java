package dev.reckon.sim.parser;

import dev.reckon.sim.Predict;
import dev.reckon.core.InputError;
import dev.reckon.source.LiveQueue;
import dev.reckon.core.SlurmSyntax;
import dev.reckon.model.Tres;

import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the live queue ({@code squeue -O} with {@link LiveQueue#SQUEUE_FIELDS}) into {@link Predict.LiveJob}s, and
 * the nodes ({@code scontrol show node -o}) into a machine of the nodes that can take work. A job's CPUs, memory,
 * nodes and GPUs come from its TRES ({@code tres-alloc}: allocated for running jobs, requested for pending ones)
 * where it names them, else from {@code NumCPUs}, {@code MinMemory} (per node) x nodes, {@code NumNodes} and
 * {@code tres-per-node} ({@code gres:gpu:N} or {@code gres/gpu:N}) x nodes. States other than pending and running
 * (completing jobs hold their nodes: counted as running with nothing left) are skipped, and so are held jobs (pending
 * with priority 0: Slurm's mark of a hold), which start only when someone releases them. A pending job submitted to
 * several partitions keeps them as Slurm prints them ({@code debug,gpu}); the simulator lets it run in any of them.
 * A pending job whose {@code OverSubscribe} is {@code NO} asked for {@code --exclusive}: squeue shows the CPUs it
 * asked for, and {@link Predict} gives it whole nodes (a running one's {@code tres-alloc} already counts them).
 *
 * <p>A pending job array is one line ({@code 105_[1-6]}: {@code JobArrayID}; a plain {@code JobID} column shows only
 * {@code 105} and the array counts as one job): it stands for its tasks, one pending job each, or, under a
 * {@code %N} limit smaller than its tasks ({@code 105_[1-6%2]}), N lanes that run its tasks back to back, the first
 * lanes behind the array's tasks that already run ({@code 105_1}).
 */
public final class SqueueJobs {
    private static final String[] FIELDS = {"JobID", "State", "Partition", "UserName", "PriorityLong", "SubmitTime",
            "TimeLimit", "TimeUsed", "NumNodes", "NumCPUs", "MinMemory", "tres-alloc", "tres-per-node"};

    private SqueueJobs() {}

    /** The jobs of {@code text}; a malformed line raises {@link InputError} naming {@code fileName}, line and field. */
    public static List<Predict.LiveJob> parse(String text, String fileName, ZoneId zone) {
        List<Predict.LiveJob> out = new ArrayList<>();
        List<PendingArray> arrays = new ArrayList<>();
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            if (line.isBlank()) continue;
            String[] f = line.split("\\|", -1);
            long no = i + 1;
            if (f.length < FIELDS.length) {
                throw new InputError(fileName, no, (f.length + 1) + " (" + FIELDS[f.length] + ")",
                        "missing: expected squeue -O " + LiveQueue.SQUEUE_FIELDS);
            }
            for (int k = 0; k < f.length; k++) f[k] = f[k].strip();
            String state = f[1];
            boolean running = state.equals("RUNNING") || state.equals("COMPLETING") || state.equals("CONFIGURING");
            if (!running && !state.equals("PENDING")) continue;
            if (!running && f[4].equals("0")) continue; // held (scontrol hold, sbatch -H): it will not start by itself
            Long limit = field(fileName, no, 7, f[6], SlurmSyntax::durationSeconds);
            Long used = field(fileName, no, 8, f[7], SlurmSyntax::durationSeconds);
            if (state.equals("COMPLETING")) limit = used;
            long priority = field(fileName, no, 5, f[4], s -> Long.parseLong(s));
            Instant submit = field(fileName, no, 6, f[5], s -> SlurmSyntax.time(s, zone));
            int nodes = field(fileName, no, 9, f[8], s -> Integer.parseInt(s));
            long cpus = field(fileName, no, 10, f[9], s -> Long.parseLong(s));
            Long minMem = f[10].isEmpty() || f[10].equals("0") ? Long.valueOf(0)
                    : field(fileName, no, 11, f[10], s -> SlurmSyntax.sizeBytes(s, 'M'));
            Tres tres = f[11].isEmpty() || f[11].equals("N/A") || f[11].equals("(null)") ? Tres.EMPTY
                    : field(fileName, no, 12, f[11], s -> SlurmSyntax.tres(s, false));
            long gpusPerNode = gpus(f[12], fileName, no);
            if (tres.nodes() != null && tres.nodes() > 0) nodes = tres.nodes();
            if (tres.cpu() != null && tres.cpu() > 0) cpus = Math.round(tres.cpu());
            long mem = tres.memBytes() != null ? tres.memBytes() : minMem * Math.max(1, nodes);
            long gpus = tres.gpus() != null ? tres.gpus() : gpusPerNode * Math.max(1, nodes);
            boolean withOverSubscribe = overSubscribe(f);
            Predict.LiveJob job = new Predict.LiveJob(f[0], running, f[2].isEmpty() ? null : f[2], f[3], priority,
                    submit, limit, used == null ? 0 : used, Math.max(1, nodes), Math.max(1, cpus), mem, gpus,
                    running ? 0 : 1, name(lines[i], withOverSubscribe), withOverSubscribe && f[13].equals("NO"));
            java.util.regex.Matcher m = PENDING_ARRAY.matcher(f[0]);
            if (!running && m.matches()) {
                SlurmSyntax.ArrayRange range = field(fileName, no, 1, m.group(2), SlurmSyntax::arrayRange);
                arrays.add(new PendingArray(m.group(1), m.group(2), range, job));
            } else {
                out.add(job);
            }
        }
        for (PendingArray a : arrays) expand(a, out);
        return out;
    }

    /** What squeue's {@code OverSubscribe} column can say: {@code NO} is a job that asked for {@code --exclusive}. */
    private static final java.util.Set<String> OVER_SUBSCRIBE = java.util.Set.of("OK", "NO", "YES", "USER", "MCS",
            "FORCE", "TOPO");

    /**
     * Whether the line has the {@code OverSubscribe} column after the 13 fields (output saved before reckon asked
     * for it has the job name there, or nothing).
     */
    private static boolean overSubscribe(String[] f) {
        return f.length >= FIELDS.length + 3 && OVER_SUBSCRIBE.contains(f[FIELDS.length]);
    }

    /**
     * The job name: what follows the 13th {@code |} (the 14th after an {@code OverSubscribe} column) up to the line's
     * last {@code |} (a name may hold {@code |}); null when the line has no name column (output saved before reckon
     * asked for it) or the name is empty.
     */
    private static String name(String line, boolean afterOverSubscribe) {
        int at = -1;
        for (int k = 0; k < FIELDS.length + (afterOverSubscribe ? 1 : 0); k++) {
            at = line.indexOf('|', at + 1);
            if (at < 0) return null;
        }
        String rest = line.substring(at + 1).stripTrailing();
        if (rest.endsWith("|")) rest = rest.substring(0, rest.length() - 1);
        rest = rest.strip();
        return rest.isEmpty() ? null : rest;
    }

    /** A pending job array's line: {@code 105_[1-6]}, {@code 105_[3-6%2]}. */
    private static final java.util.regex.Pattern PENDING_ARRAY = java.util.regex.Pattern.compile("(\\d+)_\\[(.+)]");

    private record PendingArray(String base, String range, SlurmSyntax.ArrayRange tasks, Predict.LiveJob line) {}

    /**
     * A pending array's tasks into {@code out}: one pending job per task; under a {@code %N} cap smaller than the
     * tasks, N lanes of tasks back to back, the first of them behind the array's tasks already running (each such
     * running task carries its lane after it).
     */
    private static void expand(PendingArray a, List<Predict.LiveJob> out) {
        Predict.LiveJob t = a.line();
        long n = a.tasks().tasks();
        int cap = a.tasks().cap();
        if (cap == 0 || cap >= n) {
            for (long k = 0; k < n; k++) {
                out.add(new Predict.LiveJob(a.base() + "_[" + a.range() + "]#" + (k + 1), false, t.partition(), t.user(),
                        t.priority(), t.submit(), t.limitS(), 0, t.nodes(), t.cpus(), t.memBytes(), t.gpus(), 1, t.name(),
                        t.exclusive()));
            }
            return;
        }
        List<Integer> runningTasks = new ArrayList<>();
        for (int i = 0; i < out.size(); i++) {
            Predict.LiveJob j = out.get(i);
            if (j.running() && j.id().startsWith(a.base() + "_") && !j.id().startsWith(a.base() + "_[")) runningTasks.add(i);
        }
        for (int lane = 0; lane < cap; lane++) {
            long share = n / cap + (lane < n % cap ? 1 : 0);
            if (share == 0) continue;
            Long laneLimit = t.limitS() == null ? null : t.limitS() * share;
            if (lane < runningTasks.size()) {
                int i = runningTasks.get(lane);
                Predict.LiveJob r = out.get(i);
                Long limit = r.limitS() == null || laneLimit == null ? null : r.limitS() + laneLimit;
                out.set(i, new Predict.LiveJob(r.id(), true, r.partition(), r.user(), r.priority(), r.submit(), limit,
                        r.elapsedS(), r.nodes(), r.cpus(), r.memBytes(), r.gpus(), share, r.name()));
            } else {
                out.add(new Predict.LiveJob(a.base() + "_[" + a.range() + "]/lane" + (lane + 1), false, t.partition(),
                        t.user(), t.priority(), t.submit(), laneLimit, 0, t.nodes(), t.cpus(), t.memBytes(), t.gpus(), share,
                        t.name(), t.exclusive()));
            }
        }
    }

    /** GPUs per node in a {@code tres-per-node} value: {@code gres:gpu:2}, {@code gres/gpu:a100:2}, {@code N/A}. */
    static long gpus(String v, String file, long line) {
        if (v.isEmpty() || v.equals("N/A") || v.equals("(null)")) return 0;
        long total = 0;
        for (String part : v.split(",")) {
            String p = part.strip().replaceFirst("^gres[:/]", "");
            if (!p.startsWith("gpu")) continue;
            String[] f = p.split("[:=]");
            if (f.length == 1) {
                total += 1;
                continue;
            }
            try {
                total += Long.parseLong(f[f.length - 1]);
            } catch (NumberFormatException e) {
                if (f.length == 2) total += 1;
                else throw new InputError(file, line, "13 (tres-per-node)", "\"" + part + "\" has no GPU count");
            }
        }
        return total;
    }

    /** The nodes of {@code scontrol show node -o} output that can take work: down, drained and failed nodes left out. */
    public static String usableNodes(String scontrolOneLine) {
        StringBuilder b = new StringBuilder();
        for (String line : scontrolOneLine.split("\r?\n")) {
            if (line.isBlank()) continue;
            String state = "";
            for (String tok : line.strip().split("\\s+")) if (tok.startsWith("State=")) state = tok.substring(6);
            if (state.matches("(?i).*(DOWN|DRAIN|FAIL|NOT_RESPONDING|POWER|FUTURE|MAINT).*")) continue;
            b.append(line).append('\n');
        }
        return b.toString();
    }

    private interface Parse<T> {
        T apply(String s);
    }

    private static <T> T field(String file, long line, int index, String value, Parse<T> parse) {
        try {
            return parse.apply(value);
        } catch (RuntimeException e) {
            throw new InputError(file, line, index + " (" + FIELDS[index - 1] + ")", "\"" + value + "\" cannot be read"
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        }
    }
}
