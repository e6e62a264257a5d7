package dev.reckon.sim;

import dev.reckon.source.slurm.SlurmCommands;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Runs a {@link Fidelity} workload on a real Slurm cluster: waits until the Unix second, mod 30, is the chosen phase
 * (Slurm's will-run test groups jobs in windows aligned to 30 s of Unix time, so two runs agree only when they start
 * at the same alignment), then submits each job at its moment ({@code sbatch} with its shape, a comment unique to the
 * run so that only its own jobs are read or cancelled), releases held jobs at theirs ({@code scontrol release}),
 * waits until every job has ended, and reads back what accounting recorded, with the other users' jobs that shared
 * the nodes meanwhile. The jobs are cancelled (by id) if anything goes wrong on the way.
 */
public final class FidelityRun {
    private static final Set<String> FINAL = Set.of("COMPLETED", "FAILED", "TIMEOUT", "CANCELLED", "OUT_OF_MEMORY",
            "NODE_FAIL", "PREEMPTED", "BOOT_FAIL", "DEADLINE");
    private static final DateTimeFormatter SACCT_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss");

    private FidelityRun() {}

    /**
     * What one run did.
     *
     * @param mine    the workload's jobs, as accounting recorded them
     * @param foreign other jobs that ran on the cluster between the first submission and the last end
     * @param origin  the aligned second the run began at (Unix seconds); job i was submitted at origin + its offset
     * @param tag     the comment the run's jobs carry
     */
    public record Run(List<Fidelity.Real> mine, List<Fidelity.Real> foreign, long origin, String tag) {}

    /** {@link #run(SlurmCommands, List, String, PrintStream, Duration, int)} at phase 0 (a multiple of 30 s), mine only. */
    public static List<Fidelity.Real> run(SlurmCommands slurm, List<Fidelity.Spec> specs, String outputDir,
                                          PrintStream progress, Duration timeout) throws InterruptedException {
        return run(slurm, specs, outputDir, progress, timeout, 0).mine();
    }

    /** Submits the workload at the given phase (Unix second mod 30), waits for it, and returns what Slurm did. */
    public static Run run(SlurmCommands slurm, List<Fidelity.Spec> specs, String outputDir, PrintStream progress,
                          Duration timeout, int phase) throws InterruptedException {
        if (phase < 0 || phase >= 30) throw new IllegalArgumentException("phase: 0 to 29");
        String tag = "reckon-fidelity-" + Long.toString(System.currentTimeMillis(), 36) + "-" + ProcessHandle.current().pid();
        List<String> ids = new ArrayList<>();
        Map<String, Fidelity.Spec> byId = new HashMap<>();
        boolean done = false;
        // wait for the aligned second (at least 1 s ahead, so that the first submission is on time)
        long nowMs = System.currentTimeMillis();
        long origin = nowMs / 1000 + 1;
        while (Math.floorMod(origin, 30) != phase) origin++;
        progress.printf("waiting %d s for the Unix second to be %d mod 30; run tag %s%n",
                (origin * 1000 - nowMs) / 1000, phase, tag);
        try {
            record Action(long atMs, Fidelity.Spec spec, boolean release) {}
            List<Action> actions = new ArrayList<>();
            for (Fidelity.Spec s : specs) {
                actions.add(new Action((origin + s.submitAfterS()) * 1000, s, false));
                if (s.holdS() > 0) actions.add(new Action((origin + s.submitAfterS() + s.holdS()) * 1000 + 200, s, true));
            }
            actions.sort(Comparator.comparingLong(Action::atMs)); // stable: submissions in spec order
            Map<String, String> idByName = new HashMap<>();
            for (Action a : actions) {
                long sleep = a.atMs() - System.currentTimeMillis();
                if (sleep > 0) Thread.sleep(sleep);
                Fidelity.Spec s = a.spec();
                if (a.release()) {
                    slurm.scontrol("release", idByName.get(s.name()));
                    continue;
                }
                List<String> args = new ArrayList<>(List.of("--job-name=" + s.name(), "--comment=" + tag));
                args.addAll(s.sbatchOptions());
                args.addAll(List.of("--chdir=" + outputDir, "--output=/dev/null", "--wrap=sleep " + s.sleepS()));
                String id = slurm.sbatch(args.toArray(String[]::new));
                ids.add(id);
                byId.put(id, s);
                idByName.put(s.name(), id);
            }
            progress.printf("submitted %d jobs; waiting for them to end%n", ids.size());
            Instant deadline = Instant.now().plus(timeout);
            List<Fidelity.Real> real;
            while ((real = read(slurm, ids, byId)) == null) {
                if (Instant.now().isAfter(deadline))
                    throw new IllegalStateException("the fidelity jobs did not all end within " + timeout);
                Thread.sleep(2000);
            }
            done = true;
            long last = origin;
            for (Fidelity.Real r : real) last = Math.max(last, r.end());
            return new Run(real, foreign(slurm, new HashSet<>(ids), origin, last), origin, tag);
        } finally {
            if (!done && !ids.isEmpty()) slurm.scancel(ids.toArray(String[]::new));
        }
    }

    /** Every job's record once all have ended; null while some have not. */
    private static List<Fidelity.Real> read(SlurmCommands slurm, List<String> ids, Map<String, Fidelity.Spec> byId) {
        String out = slurm.run("sacct", "-X", "-n", "-P", "-j", String.join(",", ids),
                "-o", "JobIDRaw,State,Submit,Eligible,Start,End,TimelimitRaw,AllocCPUS,ReqMem,JobName");
        ZoneId zone = slurm.zone();
        List<Fidelity.Real> real = new ArrayList<>();
        for (String line : out.lines().toList()) {
            String[] f = line.split("\\|", -1);
            if (f.length < 10 || !byId.containsKey(f[0])) continue;
            String state = f[1].split(" ")[0];
            if (!FINAL.contains(state)) return null;
            Fidelity.Spec s = byId.get(f[0]);
            long submit = epoch(f[2], zone);
            long eligible = f[3].matches("\\d{4}-.*") ? epoch(f[3], zone) : submit;
            real.add(new Fidelity.Real(f[0], s.name(), submit, eligible, epoch(f[4], zone), epoch(f[5], zone),
                    limitS(f[6]), Integer.parseInt(f[7]), s.memMb() << 20, s));
        }
        return real.size() == ids.size() ? real : null;
    }

    /**
     * What the cluster ran, as a run to replay: the jobs submitted from {@code from} to {@code to} (Unix seconds; of
     * {@code user} only, when given) that started and ended, each with the shape accounting shows for it, and as
     * other users' jobs everything else that ran or waited meanwhile. Null when no such job ended in the window.
     *
     * <p>The shape from accounting ({@code ReqCPUS}, {@code ReqNodes}, {@code AllocCPUS}, {@code AllocNodes},
     * {@code ReqMem} per node): more CPUs allocated than asked is {@code --exclusive}; two or more nodes asked is that
     * many nodes, one task each; one node asked but more held is tasks of one CPU spread by Slurm; else one task of
     * its CPUs on one node (accounting does not say whether such a job asked for tasks or CPUs per task).
     */
    public static Run fromAccounting(SlurmCommands slurm, long from, long to, String user) {
        ZoneId zone = slurm.zone();
        // no -E: sacct's window selects jobs by their state within it, and a job held past the window's end would be
        // left out; the submit times are filtered here instead
        List<String> args = new ArrayList<>(List.of("-X", "-n", "-P",
                "-S", LocalDateTime.ofInstant(Instant.ofEpochSecond(from), zone).format(SACCT_TIME), "-o", FIELDS));
        if (user == null) args.add(0, "-a");
        else args.addAll(0, List.of("-u", user));
        String out = slurm.run("sacct", args.toArray(String[]::new));
        List<Fidelity.Real> real = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        long first = Long.MAX_VALUE, last = from;
        for (String line : out.lines().toList()) {
            Fidelity.Real r = accounted(line, zone, -1, false);
            if (r == null || r.submit() < from || r.submit() >= to) continue;
            real.add(r);
            ids.add(r.jobId());
            first = Math.min(first, r.submit());
            last = Math.max(last, r.end());
        }
        if (real.isEmpty()) return null;
        return new Run(arraysEligibleTogether(real), foreign(slurm, ids, first, last), first, "accounting");
    }

    /** What {@link #accounted} reads of each job ({@code sacct -X -P -o}); the submit line last, as it may hold '|'. */
    private static final String FIELDS = "JobIDRaw,State,Submit,Eligible,Start,End,TimelimitRaw,AllocCPUS,ReqMem,"
            + "JobName,ReqCPUS,ReqNodes,AllocNodes,Partition,AllocTRES,JobID,ReqTRES,SubmitLine";

    /**
     * One line of {@link #FIELDS} as a job that started, its shape as asked (see {@link #fromAccounting}), named by
     * its job name ({@code byName}) or id; null for a line that is not a job's or a job that never started, or that
     * has not ended when {@code now} is negative (else it is taken to end at {@code now}). With {@code now} given, a
     * job that became eligible but never started is read too ({@link Fidelity.Real#started()} false): it waited until
     * it was cancelled (its end), or until {@code now}; one held all along (no eligible time) is left out.
     */
    static Fidelity.Real accounted(String line, ZoneId zone, long now, boolean byName) {
        String[] f = line.split("\\|", -1);
        if (f.length < 18 || !f[0].matches("\\d+") || !f[2].matches("\\d{4}-.*")) return null;
        boolean started = f[4].matches("\\d{4}-.*");
        boolean ended = f[5].matches("\\d{4}-.*");
        if (!ended && now < 0) return null;
        if (!started && (now < 0 || !f[3].matches("\\d{4}-.*"))) return null; // never started; or held all along
        long submit = epoch(f[2], zone);
        long end = ended ? epoch(f[5], zone) : now, start = started ? epoch(f[4], zone) : end;
        long eligible = f[3].matches("\\d{4}-.*") ? epoch(f[3], zone) : submit;
        // cancelled before it was eligible (a --begin in the future): accounting records its start as the cancel,
        // but it never ran, nor waited where it could have
        if (started && eligible > start) return null;
        int alloc = f[7].matches("\\d+") ? Math.max(1, Integer.parseInt(f[7])) : 1;
        int req = f[10].matches("\\d+") ? Math.max(1, Integer.parseInt(f[10])) : alloc;
        int reqNodes = f[11].matches("\\d+") ? Math.max(1, Integer.parseInt(f[11])) : 1;
        int allocNodes = f[12].matches("\\d+") ? Math.max(1, Integer.parseInt(f[12])) : 1;
        long memMb = memPerNodeMb(f[8], alloc, started ? allocNodes : reqNodes);
        int limitMin = (int) Math.min(Integer.MAX_VALUE, limitS(f[6]) / 60);
        // the submit line says how the job asked, where its options were given on it rather than in the script
        Map<String, String> options = sbatchOptions(line.substring(nthBar(line, 17) + 1));
        Fidelity.Spec shape = fromOptions(f[0], options, memMb, limitMin);
        if (shape != null && started) shape = agreeingWithHeld(shape, alloc, options.containsKey("--ntasks"));
        if (shape == null) {
            if (alloc > req) shape = new Fidelity.Spec(f[0], 0, Math.max(1, req / reqNodes), memMb, limitMin, 0,
                    reqNodes, reqNodes, true, 0);
            else if (reqNodes > 1) shape = new Fidelity.Spec(f[0], 0, Math.max(1, req / reqNodes), memMb, limitMin, 0,
                    reqNodes, reqNodes, false, 0);
            else if (allocNodes > 1) shape = new Fidelity.Spec(f[0], 0, 1, memMb, limitMin, 0, req, 0, false, 0);
            else shape = new Fidelity.Spec(f[0], 0, req, memMb, limitMin, 0, 1, 1, false, 0);
        }
        // the GPUs as asked on the sbatch line, else as held (as asked, ReqTRES, for a job that never started): on
        // each node of a job of one node, else in all
        SlurmModel.Gpus gpus = gpusFromOptions(options);
        if (gpus == null) {
            int held = heldGpus(started ? f[14] : f[16]);
            gpus = held == 0 ? SlurmModel.Gpus.NONE
                    : allocNodes == 1 ? new SlurmModel.Gpus(held, 0, 0) : new SlurmModel.Gpus(0, 0, held);
        }
        String partition = f[13].isBlank() ? null : f[13];
        // a task of an array (JobID 123_4): its tasks ran at most --array's %N at once
        // (named by its JobID: its tasks wait as one job of the array's id and start in task order, whatever ids
        // Slurm gives them as they start)
        int u = f[15].indexOf('_');
        String array = u > 0 && f[15].substring(0, u).matches("\\d+") ? f[15].substring(0, u) : null;
        String id = array != null ? f[15] : f[0];
        return new Fidelity.Real(id, byName ? f[9] : id, submit, eligible, start, end, limitS(f[6]), alloc,
                memMb << 20, shape, gpus, started, partition, array, array == null ? 0 : arrayLimitOf(options));
    }

    /**
     * The jobs, with the tasks of each array that limits its running tasks ({@code %N}) eligible when its first task
     * was: accounting records such a task eligible only when the limit let it start, and the replay, which holds
     * the limit itself, would otherwise keep it from starting a moment earlier than Slurm did, where other jobs then
     * take its place.
     */
    static List<Fidelity.Real> arraysEligibleTogether(List<Fidelity.Real> jobs) {
        Map<String, Long> first = new HashMap<>();
        for (Fidelity.Real r : jobs)
            if (r.arrayMax() > 0) first.merge(r.array(), Math.max(r.submit(), r.eligible()), Math::min);
        if (first.isEmpty()) return jobs;
        List<Fidelity.Real> out = new ArrayList<>(jobs.size());
        for (Fidelity.Real r : jobs) {
            Long e = r.arrayMax() > 0 ? first.get(r.array()) : null;
            out.add(e == null || e >= r.eligible() ? r : new Fidelity.Real(r.jobId(), r.name(), r.submit(), e, r.start(),
                    r.end(), r.limitS(), r.cpus(), r.memBytes(), r.spec(), r.gpus(), r.started(), r.partition(),
                    r.array(), r.arrayMax()));
        }
        return out;
    }

    /**
     * The {@code %N} of an sbatch line's {@code --array} ({@code --array=0-9%3}, {@code -a 1-5%2}): at most N of the
     * array's tasks run at once; 0 when the line gives none (or the array was asked for in the script).
     */
    static int arrayLimit(String submitLine) {
        return arrayLimitOf(sbatchOptions(submitLine));
    }

    private static int arrayLimitOf(Map<String, String> o) {
        String v = o == null ? null : o.get("--array");
        int pct = v == null ? -1 : v.lastIndexOf('%');
        if (pct < 0 || !v.substring(pct + 1).matches("\\d{1,9}")) return 0;
        return Integer.parseInt(v.substring(pct + 1));
    }

    /** The GPUs of an AllocTRES value ({@code cpu=2,gres/gpu=2,mem=1G}), read as ingest reads it; 0 when none or unreadable. */
    static int heldGpus(String allocTres) {
        try {
            Integer g = dev.reckon.core.SlurmSyntax.tresGpus(allocTres);
            return g == null ? 0 : g;
        } catch (IllegalArgumentException e) {
            return 0; // a value this reader does not know: the job is replayed without GPUs
        }
    }

    private static int nthBar(String line, int n) {
        int at = -1;
        for (int k = 0; k < n && (at = line.indexOf('|', at + 1)) >= 0; k++) { }
        return at;
    }

    /**
     * The shape a job asked for on its {@code sbatch} line ({@code SubmitLine}: {@code --ntasks}/{@code -n},
     * {@code --cpus-per-task}/{@code -c}, {@code --nodes}/{@code -N}, {@code --exclusive}, {@code --mem}); null when
     * the line gives none of the first three or {@code --exclusive} (they were in the script, or not given), or is
     * not an sbatch line. Options after {@code --wrap} or the script's name are the job's own, not sbatch's.
     */
    static Fidelity.Spec fromSubmitLine(String id, String line, long memMb, int limitMin) {
        return fromOptions(id, sbatchOptions(line), memMb, limitMin);
    }

    /** {@link #fromSubmitLine} of the line's options as {@link #sbatchOptions} reads them (null: not sbatch's). */
    private static Fidelity.Spec fromOptions(String id, Map<String, String> o, long memMb, int limitMin) {
        if (o == null) return null;
        Integer tasks = null, perTask = null, nodes = null, perNode = null;
        boolean exclusive = o.containsKey("--exclusive");
        long mem = memMb;
        try {
            if (o.containsKey("--ntasks")) tasks = Integer.parseInt(o.get("--ntasks"));
            if (o.containsKey("--cpus-per-task")) perTask = Integer.parseInt(o.get("--cpus-per-task"));
            if (o.containsKey("--ntasks-per-node")) perNode = Integer.parseInt(o.get("--ntasks-per-node"));
            if (o.containsKey("--nodes")) {
                String v = o.get("--nodes");
                nodes = Integer.parseInt(v.contains("-") ? v.substring(0, v.indexOf('-')) : v);
            }
            if (o.containsKey("--mem")) mem = memMb(o.get("--mem"));
        } catch (RuntimeException e) {
            return null; // a value sbatch would have refused, or one not read here: go by accounting
        }
        if (tasks == null && perTask == null && nodes == null && perNode == null && !exclusive) return null;
        int n = nodes == null ? 0 : Math.max(1, nodes);
        int tpn = perNode == null ? 0 : Math.max(1, perNode);
        // without --ntasks: a task per node, or --ntasks-per-node on each (sbatch's own reading)
        int k = tasks != null ? Math.max(1, tasks) : tpn > 0 ? tpn * Math.max(1, n) : Math.max(1, n);
        return new Fidelity.Spec(id, 0, perTask == null ? 1 : Math.max(1, perTask), mem, limitMin, 0, k, n, exclusive, 0,
                tpn);
    }

    /**
     * The shape of a job that started, made to agree with the CPUs it held ({@code AllocCPUS}): where the sbatch line
     * gives fewer or more CPUs than the job held, the job's script asked for the rest: beside the line's
     * {@code --ntasks} ({@code tasksGiven}), CPUs per task, so each task has its share of the CPUs held; else
     * {@code #SBATCH --ntasks-per-node} or {@code --ntasks}, so the tasks are what the CPUs held make of the line's CPUs
     * per task, spread evenly over the line's nodes. Null when they cannot be (go by accounting alone). An exclusive
     * job holds whole nodes, whatever it asked.
     */
    static Fidelity.Spec agreeingWithHeld(Fidelity.Spec s, int held, boolean tasksGiven) {
        if (s.exclusive() || held <= 0 || (long) s.tasks() * s.cpus() == held) return s;
        if (tasksGiven) { // the script's --cpus-per-task (or Slurm's CPUs per GPU): as many tasks, more CPUs each
            if (held % s.tasks() != 0) return null;
            return new Fidelity.Spec(s.name(), s.submitAfterS(), held / s.tasks(), s.memMb(), s.limitMin(), s.sleepS(),
                    s.tasks(), s.nodes(), false, s.holdS(), s.tasksPerNode());
        }
        if (held % s.cpus() != 0) return null;
        int tasks = held / s.cpus();
        int perNode = s.nodes() > 0 && tasks % s.nodes() == 0 ? tasks / s.nodes() : 0;
        return new Fidelity.Spec(s.name(), s.submitAfterS(), s.cpus(), s.memMb(), s.limitMin(), s.sleepS(), tasks,
                s.nodes(), false, s.holdS(), perNode);
    }

    /**
     * The GPUs a job asked for on its {@code sbatch} line ({@code --gres=gpu[:type]:N}, {@code --gpus-per-node},
     * {@code --gpus-per-task}, {@code -G}/{@code --gpus}); null when the line names none (or is not sbatch's).
     */
    static SlurmModel.Gpus gpusFromSubmitLine(String line) {
        return gpusFromOptions(sbatchOptions(line));
    }

    private static SlurmModel.Gpus gpusFromOptions(Map<String, String> o) {
        if (o == null) return null;
        int perNode = 0, perTask = 0, perJob = 0;
        boolean any = false;
        try {
            if (o.containsKey("--gres")) { perNode = SlurmModel.Gpus.count(o.get("--gres")); any = true; }
            if (o.containsKey("--gpus-per-node")) { perNode = SlurmModel.Gpus.count("gpu:" + o.get("--gpus-per-node")); any = true; }
            if (o.containsKey("--gpus-per-task")) { perTask = SlurmModel.Gpus.count("gpu:" + o.get("--gpus-per-task")); any = true; }
            if (o.containsKey("--gpus")) { perJob = SlurmModel.Gpus.count("gpu:" + o.get("--gpus")); any = true; }
        } catch (RuntimeException e) {
            return null; // a value sbatch would have refused, or one not read here: go by accounting
        }
        return any ? new SlurmModel.Gpus(perNode, perTask, perJob) : null;
    }

    /** sbatch's short options that take a value, by their long names. */
    private static final Map<Character, String> SHORT_WITH_VALUE = Map.ofEntries(
            Map.entry('A', "--account"), Map.entry('a', "--array"), Map.entry('b', "--begin"),
            Map.entry('c', "--cpus-per-task"), Map.entry('C', "--constraint"), Map.entry('D', "--chdir"),
            Map.entry('d', "--dependency"), Map.entry('e', "--error"), Map.entry('G', "--gpus"),
            Map.entry('i', "--input"), Map.entry('J', "--job-name"), Map.entry('L', "--licenses"),
            Map.entry('M', "--clusters"), Map.entry('m', "--distribution"), Map.entry('N', "--nodes"),
            Map.entry('n', "--ntasks"), Map.entry('o', "--output"), Map.entry('p', "--partition"),
            Map.entry('q', "--qos"), Map.entry('S', "--core-spec"), Map.entry('t', "--time"),
            Map.entry('w', "--nodelist"), Map.entry('x', "--exclude"));
    /** sbatch's short flags (no value), by their long names. */
    private static final Map<Character, String> SHORT_FLAGS = Map.of('H', "--hold", 'I', "--immediate",
            'k', "--no-kill", 'O', "--overcommit", 's', "--oversubscribe", 'Q', "--quiet", 'v', "--verbose",
            'W', "--wait", 'h', "--help", 'V', "--version");
    /** sbatch's long options that take no value unless given with '='. */
    private static final Set<String> LONG_FLAGS = Set.of("--exclusive", "--hold", "--parsable", "--requeue",
            "--no-requeue", "--wait", "--test-only", "--overcommit", "--oversubscribe", "--contiguous", "--spread-job",
            "--use-min-nodes", "--verbose", "--quiet", "--ignore-pbs", "--no-kill", "--reboot", "--help", "--usage",
            "--version", "--get-user-env", "--immediate", "--nice", "--propagate", "--x11");

    /**
     * The options of an {@code sbatch} line by their long names ({@code -p gpu} and {@code --partition gpu} alike
     * as {@code --partition}; a flag's value empty), up to the script's name or {@code --wrap}; null when the line is
     * not sbatch's. Short options may be bundled ({@code -Hn2}); the last of a repeated option wins, as in sbatch.
     */
    static Map<String, String> sbatchOptions(String line) {
        String[] t = line.strip().split("\\s+");
        if (t.length == 0 || !(t[0].equals("sbatch") || t[0].endsWith("/sbatch"))) return null;
        Map<String, String> out = new HashMap<>();
        for (int i = 1; i < t.length; i++) {
            String a = t[i];
            if (a.startsWith("--wrap") || !a.startsWith("-") || a.equals("-") || a.equals("--")) break;
            if (a.startsWith("--")) {
                int eq = a.indexOf('=');
                if (eq > 0) out.put(a.substring(0, eq), a.substring(eq + 1));
                else if (LONG_FLAGS.contains(a) || i + 1 >= t.length) out.put(a, "");
                else out.put(a, t[++i]);
                continue;
            }
            for (int k = 1; k < a.length(); k++) { // -Hn2, -n 2, -p gpu
                char c = a.charAt(k);
                String withValue = SHORT_WITH_VALUE.get(c);
                if (withValue != null) {
                    String v = k + 1 < a.length() ? a.substring(k + 1) : i + 1 < t.length ? t[++i] : "";
                    out.put(withValue, v.startsWith("=") ? v.substring(1) : v);
                    break;
                }
                out.put(SHORT_FLAGS.getOrDefault(c, "-" + c), "");
            }
        }
        return out;
    }

    /**
     * Other jobs that ran, or waited, on the cluster between {@code from} and {@code to} (Unix seconds): those cancelled
     * while they waited too, as they held their place in the queue until then.
     */
    static List<Fidelity.Real> foreign(SlurmCommands slurm, Set<String> mine, long from, long to) {
        ZoneId zone = slurm.zone();
        String out;
        try {
            out = slurm.run("sacct", "-a", "-X", "-n", "-P",
                    "-S", LocalDateTime.ofInstant(Instant.ofEpochSecond(from - 3600), zone).format(SACCT_TIME),
                    "-E", LocalDateTime.ofInstant(Instant.ofEpochSecond(to + 1), zone).format(SACCT_TIME),
                    "-o", FIELDS);
        } catch (RuntimeException e) {
            return List.of();
        }
        List<Fidelity.Real> real = new ArrayList<>();
        long now = Instant.now().getEpochSecond();
        for (String line : out.lines().toList()) {
            Fidelity.Real r = accounted(line, zone, now, true);
            if (r == null || mine.contains(r.jobId()) || r.end() < from) continue;
            if (r.started() ? r.start() > to : Math.max(r.submit(), r.eligible()) > to) continue;
            real.add(r);
        }
        return arraysEligibleTogether(real);
    }

    private static long limitS(String raw) {
        return raw.matches("\\d+") ? Long.parseLong(raw) * 60 : 365L * 86400;
    }

    /**
     * ReqMem as sacct prints it, as MB on each of the job's nodes: since Slurm 21.08 the job's memory in all
     * ({@code 1500M} for {@code -n 3 --mem-per-cpu=500M}, {@code 600M} for {@code -N 2 --mem=300M}), shared evenly by its
     * nodes; before, per node ({@code 4Gn}) or per CPU ({@code 256Mc}, times the CPUs on a node).
     */
    static long memPerNodeMb(String reqMem, int cpus, int nodes) {
        int n = Math.max(1, nodes);
        try {
            dev.reckon.core.SlurmSyntax.MemRequest r = dev.reckon.core.SlurmSyntax.reqMem(reqMem);
            if (r == null) return 0;
            long mb = r.total(n, Math.max(1, cpus)) >> 20; // read as ingest reads it
            return (mb + n - 1) / n;
        } catch (IllegalArgumentException e) {
            return 0; // a value this reader does not know: the job asks no memory of its own
        }
    }

    /** A size as sacct and sbatch print it ({@code 2600M}, {@code 4G}, {@code 256Mc}): MB, any suffix after the unit ignored. */
    static long memMb(String reqMem) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+(?:\\.\\d+)?)([KMGT]?)").matcher(reqMem);
        if (!m.lookingAt()) return 0;
        double v = Double.parseDouble(m.group(1));
        return switch (m.group(2)) {
            case "K" -> (long) (v / 1024);
            case "G" -> (long) (v * 1024);
            case "T" -> (long) (v * 1024 * 1024);
            default -> (long) v;
        };
    }

    private static long epoch(String slurmTime, ZoneId zone) {
        return LocalDateTime.parse(slurmTime).atZone(zone).toEpochSecond();
    }
}
