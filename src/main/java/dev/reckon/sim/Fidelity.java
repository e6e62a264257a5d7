package dev.reckon.sim;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * How closely the simulator reproduces a real scheduler: a workload run for real (see {@code sim.FidelityRun}) is
 * replayed with the same submit times, time limits, sizes and runtimes, and each job's start is compared.
 *
 * <p>What a replay can be expected to match: the real scheduler adds latency the simulator does not model (a job
 * starts up to a second or two after room appears: the scheduler's trigger on a job's end, its 1-second backfill
 * interval, the launch), and accounting times have 1-second resolution. So waits differ by a few seconds per job and
 * the difference grows along a chain of jobs waiting for one another; the order of starts that are several seconds
 * apart should agree, the order of near-simultaneous ones need not.
 */
public final class Fidelity {
    private Fidelity() {}

    /**
     * One job of the validation workload.
     *
     * @param name         its name, {@code fid-<n>}
     * @param submitAfterS when to submit it, after the first submission
     * @param cpus         CPUs on one node
     * @param memMb        memory, MB
     * @param limitMin     time limit, minutes (Slurm's unit)
     * @param sleepS       what it does: sleep this long
     */
    public record Spec(String name, long submitAfterS, int cpus, long memMb, int limitMin, int sleepS, int tasks,
                       int nodes, boolean exclusive, int holdS, int tasksPerNode, int gpusPerNode) {
        public Spec {
            if (tasksPerNode < 0 || gpusPerNode < 0)
                throw new IllegalArgumentException("job " + name + ": tasks and GPUs per node >= 0");
        }

        /** Without GPUs. */
        public Spec(String name, long submitAfterS, int cpus, long memMb, int limitMin, int sleepS, int tasks,
                    int nodes, boolean exclusive, int holdS, int tasksPerNode) {
            this(name, submitAfterS, cpus, memMb, limitMin, sleepS, tasks, nodes, exclusive, holdS, tasksPerNode, 0);
        }

        /** Without {@code --ntasks-per-node} or GPUs. */
        public Spec(String name, long submitAfterS, int cpus, long memMb, int limitMin, int sleepS, int tasks,
                    int nodes, boolean exclusive, int holdS) {
            this(name, submitAfterS, cpus, memMb, limitMin, sleepS, tasks, nodes, exclusive, holdS, 0);
        }

        /** One task of {@code cpus} CPUs on one node, not held. */
        public Spec(String name, long submitAfterS, int cpus, long memMb, int limitMin, int sleepS) {
            this(name, submitAfterS, cpus, memMb, limitMin, sleepS, 1, 1, false, 0);
        }

        /**
         * Its shape in sbatch's words, for reports: {@code 2x1cpu}, {@code 1x2cpu/1n}, {@code 8x1cpu/2n(4/n)},
         * {@code excl}, {@code +held}.
         */
        public String shape() {
            String s = exclusive ? "excl" : tasks + "x" + cpus + "cpu" + (nodes > 0 ? "/" + nodes + "n" : "")
                    + (tasksPerNode > 0 ? "(" + tasksPerNode + "/n)" : "");
            if (gpusPerNode > 0) s += "+" + gpusPerNode + "gpu/n";
            return holdS > 0 ? s + " held " + holdS + "s" : s;
        }

        /** The sbatch options of its shape (tasks, CPUs, nodes, memory, limit, hold). */
        public List<String> sbatchOptions() {
            List<String> o = new ArrayList<>();
            if (nodes > 0) o.add("--nodes=" + nodes);
            o.add("--ntasks=" + tasks);
            if (tasksPerNode > 0) o.add("--ntasks-per-node=" + tasksPerNode);
            if (gpusPerNode > 0) o.add("--gres=gpu:" + gpusPerNode);
            o.add("--cpus-per-task=" + cpus);
            if (exclusive) o.add("--exclusive");
            o.add("--mem=" + memMb + "M");
            o.add("--time=" + limitMin);
            if (holdS > 0) o.add("--hold");
            return o;
        }
    }

    /**
     * A time-compressed workload of the shapes that make Slurm's choices matter, deterministic for a seed: arrivals
     * over the first {@code n / 2} seconds; about half single-node jobs of 1 or 2 CPUs, a sixth task jobs (2 or 3
     * tasks of 1 CPU, no node count: Slurm spreads them over nodes), a tenth exclusive jobs (whole nodes), a tenth
     * two-node jobs (one task per node), a tenth held jobs released 5-20 s after submission; 200 MB to 2.6 GB a node,
     * limits of 1 to 3 minutes, sleeps of 2 to 10 s.
     */
    public static List<Spec> mixed(long seed, int n) {
        Random r = new Random(seed);
        List<Long> at = new ArrayList<>();
        for (int i = 0; i < n; i++) at.add(i == 0 ? 0 : (long) r.nextInt(Math.max(1, n / 2)));
        at.sort(Comparator.naturalOrder());
        List<Spec> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            double u = r.nextDouble();
            long mem = 200 + 100L * r.nextInt(25);
            int limit = 1 + r.nextInt(3), sleep = 2 + r.nextInt(9);
            String name = "fid-" + (i + 1);
            int hold = r.nextDouble() < 0.1 ? 5 + r.nextInt(16) : 0;
            Spec s;
            if (u < 0.5) s = new Spec(name, at.get(i), r.nextDouble() < 0.6 ? 1 : 2, mem, limit, sleep, 1, 1, false, hold);
            else if (u < 0.7) s = new Spec(name, at.get(i), 1, Math.min(mem, 1500), limit, sleep, 2 + r.nextInt(2), 0, false, hold);
            else if (u < 0.8) s = new Spec(name, at.get(i), 1, mem, limit, sleep, 1, 1, true, hold);
            else if (u < 0.9) s = new Spec(name, at.get(i), 1, Math.min(mem, 1500), limit, sleep, 2, 2, false, hold);
            else s = new Spec(name, at.get(i), r.nextDouble() < 0.6 ? 1 : 2, mem, limit, sleep, 1, 1, false, hold);
            out.add(s);
        }
        return out;
    }

    /**
     * A time-compressed workload of varied sizes, limits and durations: arrivals over the first {@code n / 2}
     * seconds, 1 or 2 CPUs, 200 MB to 2.6 GB, limits of 1 to 3 minutes (far above the runtimes, as real limits are),
     * sleeps of 2 to 10 s. Deterministic for a seed.
     */
    public static List<Spec> workload(long seed, int n) {
        Random r = new Random(seed);
        List<Long> at = new ArrayList<>();
        for (int i = 0; i < n; i++) at.add(i == 0 ? 0 : (long) r.nextInt(Math.max(1, n / 2)));
        at.sort(Comparator.naturalOrder());
        List<Spec> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int cpus = r.nextDouble() < 0.6 ? 1 : 2;
            long mem = 200 + 100L * r.nextInt(25);
            out.add(new Spec("fid-" + (i + 1), at.get(i), cpus, mem, 1 + r.nextInt(3), 2 + r.nextInt(9)));
        }
        return out;
    }

    /**
     * What the real scheduler did with one job (times in epoch seconds).
     *
     * @param jobId  the scheduler's id
     * @param name   the spec's name
     * @param submit when it was submitted
     * @param start  when it started
     * @param end    when it ended
     * @param limitS its time limit, seconds
     * @param cpus   CPUs
     * @param memBytes memory
     * @param partition the partition it ran in (or asked for), as accounting names it; null for any node
     * @param array    the job array it is a task of ({@code 123} for {@code 123_4}), null when none
     * @param arrayMax at most this many of the array's tasks ran at once ({@code --array=1-9%2}); 0 for no limit
     */
    public record Real(String jobId, String name, long submit, long eligible, long start, long end, long limitS, int cpus,
                       long memBytes, Spec spec, SlurmModel.Gpus gpus, boolean started, String partition, String array,
                       int arrayMax) {
        public Real {
            if (gpus == null) gpus = SlurmModel.Gpus.NONE;
        }

        /** A job that is no array's task. */
        public Real(String jobId, String name, long submit, long eligible, long start, long end, long limitS, int cpus,
                    long memBytes, Spec spec, SlurmModel.Gpus gpus, boolean started, String partition) {
            this(jobId, name, submit, eligible, start, end, limitS, cpus, memBytes, spec, gpus, started, partition, null, 0);
        }

        /** A job of no partition in particular (any node may take it). */
        public Real(String jobId, String name, long submit, long eligible, long start, long end, long limitS, int cpus,
                    long memBytes, Spec spec, SlurmModel.Gpus gpus, boolean started) {
            this(jobId, name, submit, eligible, start, end, limitS, cpus, memBytes, spec, gpus, started, null);
        }

        /** A job that started. */
        public Real(String jobId, String name, long submit, long eligible, long start, long end, long limitS, int cpus,
                    long memBytes, Spec spec, SlurmModel.Gpus gpus) {
            this(jobId, name, submit, eligible, start, end, limitS, cpus, memBytes, spec, gpus, true);
        }

        /** A job that started and asked for no GPU. */
        public Real(String jobId, String name, long submit, long eligible, long start, long end, long limitS, int cpus,
                    long memBytes, Spec spec) {
            this(jobId, name, submit, eligible, start, end, limitS, cpus, memBytes, spec, SlurmModel.Gpus.NONE);
        }

        /** A job submitted eligible, of one task on one node. */
        public Real(String jobId, String name, long submit, long start, long end, long limitS, int cpus, long memBytes) {
            this(jobId, name, submit, submit, start, end, limitS, cpus, memBytes, null);
        }

        long waitS() {
            return start - submit;
        }
    }

    /** One job, real against simulated. */
    public record Row(String jobId, String name, long submit, long realStart, long simStart, long realWait, long simWait) {
        public long startDiff() {
            return simStart - realStart;
        }
    }

    /**
     * The comparison.
     *
     * @param policy            the simulator's policy
     * @param jobs              per job, in real start order
     * @param realMeanWait      mean wait, real (s)
     * @param simMeanWait       mean wait, simulated (s)
     * @param meanAbsStartDiff  mean |simulated start - real start| (s)
     * @param maxAbsStartDiff   the largest (s)
     * @param waited            jobs that waited for real (at least 2 s)
     * @param orderPairs        pairs of waited jobs whose real starts lie more than the tolerance apart
     * @param orderAgreeing     of those, the pairs the simulator starts in the same order
     * @param orderViolations   the others, as "a before b (real) but not simulated"
     */
    public record Report(String policy, List<Row> jobs, double realMeanWait, double simMeanWait,
                         double meanAbsStartDiff, long maxAbsStartDiff, int waited, int orderPairs, int orderAgreeing,
                         List<String> orderViolations) {
        /** Relative difference of mean waits: (sim - real) / real; 0 when nobody waited. */
        public double meanWaitError() {
            return realMeanWait == 0 ? 0 : (simMeanWait - realMeanWait) / realMeanWait;
        }
    }

    /** Jobs submitted in the same second in the scheduler's order: by id, an array's tasks by task. */
    private static final Comparator<Real> BY_ID = Comparator.<Real>comparingLong(r -> SlurmModel.idNumber(r.jobId()))
            .thenComparingLong(r -> SlurmModel.taskNumber(r.jobId()));

    /** The machine of the project's dev cluster: nodes n1 and n2, 2 CPUs and 4000 MB each, one group per node. */
    public static Machine devCluster() {
        long mem = 4000L << 20;
        return new Machine(List.of(new Machine.Group("n1", 1, 2, mem, 0, java.util.Set.of()),
                new Machine.Group("n2", 1, 2, mem, 0, java.util.Set.of())));
    }

    /**
     * Replays the real jobs on the machine under the policy and compares starts.
     *
     * @param orderToleranceS real starts closer than this are not held to an order
     */
    public static Report compare(List<Real> real, Machine machine, String policy, SimDefaults defaults,
                                 long orderToleranceS) {
        return compare(real, machine, policy, defaults, orderToleranceS, 0);
    }

    /**
     * {@link #compare(List, Machine, String, SimDefaults, long)} with the scheduler's turnaround modelled: each job
     * holds its resources {@code turnaroundS} seconds beyond its recorded runtime (the time a real scheduler takes
     * from one job's end to the next job's start on its resources: completion, epilog, the scheduling pass).
     */
    public static Report compare(List<Real> real, Machine machine, String policy, SimDefaults defaults,
                                 long orderToleranceS, long turnaroundS) {
        Workload.Builder b = new Workload.Builder();
        List<Real> inOrder = new ArrayList<>(real);
        // the same second holds several submissions: the scheduler's order is the job ids'
        inOrder.sort(Comparator.comparingLong(Real::submit).thenComparing(BY_ID));
        for (Real r : inOrder)
            b.add(r.jobId(), r.submit(), r.limitS() + turnaroundS, Math.max(0, r.end() - r.start()) + turnaroundS, 1,
                    r.cpus(), r.memBytes(), 0,
                    "fidelity", null, null);
        Workload w = b.build();
        SimResult s = Simulator.run(machine, w, policy, defaults);
        Map<String, Integer> index = new HashMap<>();
        for (int j = 0; j < w.size(); j++) index.put(w.id(j), j);

        List<Row> rows = new ArrayList<>();
        double realSum = 0, simSum = 0, absSum = 0;
        long maxAbs = 0;
        for (Real r : real) {
            Integer j = index.get(r.jobId());
            if (j == null || !s.ran(j)) throw new IllegalStateException("job " + r.jobId() + " did not run in the replay");
            long simStart = s.start(j);
            Row row = new Row(r.jobId(), r.name(), r.submit(), r.start(), simStart, r.waitS(), simStart - r.submit());
            rows.add(row);
            realSum += row.realWait();
            simSum += row.simWait();
            absSum += Math.abs(row.startDiff());
            maxAbs = Math.max(maxAbs, Math.abs(row.startDiff()));
        }
        rows.sort(Comparator.comparingLong(Row::realStart).thenComparing(Row::jobId));

        List<Row> waited = rows.stream().filter(r -> r.realWait() >= 2).toList();
        int pairs = 0, agree = 0;
        List<String> violations = new ArrayList<>();
        for (int a = 0; a < waited.size(); a++) {
            for (int c = a + 1; c < waited.size(); c++) {
                Row x = waited.get(a), y = waited.get(c);
                if (y.realStart() - x.realStart() <= orderToleranceS) continue;
                pairs++;
                if (x.simStart() <= y.simStart()) agree++;
                else violations.add(x.name() + " (" + x.jobId() + ") before " + y.name() + " (" + y.jobId()
                        + ") for real, after it simulated");
            }
        }
        int n = Math.max(1, rows.size());
        return new Report(policy, rows, realSum / n, simSum / n, absSum / n, maxAbs, waited.size(), pairs, agree,
                violations);
    }

    // ------------------------------------------------------------------------------------------------ job by job

    /**
     * One job as one side saw it, in seconds from that side's origin (the aligned second the run began at).
     *
     * @param name   the spec's name
     * @param submit submission
     * @param start  start
     */
    public record Timing(String name, long submit, long start) {
        public long waitS() {
            return start - submit;
        }
    }

    /** A run's jobs as timings from its origin, by name. */
    public static Map<String, Timing> timings(List<Real> real, long origin) {
        Map<String, Timing> out = new java.util.LinkedHashMap<>();
        for (Real r : real) out.put(r.name(), new Timing(r.name(), r.submit() - origin, r.start() - origin));
        return out;
    }

    /**
     * How far two sides agree job by job.
     *
     * @param what             e.g. "Slurm vs Slurm" or "reckon vs Slurm"
     * @param jobs             jobs both sides started
     * @param within5          share of starts within 5 s of each other
     * @param within30         share within 30 s
     * @param meanWaitA        mean wait of the first side (the reference), s
     * @param meanWaitB        mean wait of the second, s
     * @param spearman         rank correlation of the waits
     * @param meanAbsStartDiff mean |start difference|, s
     * @param maxAbsStartDiff  the largest, s
     * @param worst            the jobs that differ most, as text
     */
    public record Agreement(String what, int jobs, double within5, double within30, double meanWaitA, double meanWaitB,
                            double spearman, double meanAbsStartDiff, long maxAbsStartDiff, List<String> worst) {
        /** (B - A) / A of the mean waits; 0 when nobody waited. */
        public double meanWaitError() {
            return meanWaitA == 0 ? 0 : (meanWaitB - meanWaitA) / meanWaitA;
        }

        public String summary() {
            return String.format(java.util.Locale.ROOT, "%s: %d jobs, %.0f%% of starts within 5 s, %.0f%% within 30 s; "
                            + "mean wait %.1f s vs %.1f s (%+.1f%%); Spearman %.2f; mean |start diff| %.1f s, max %d s",
                    what, jobs, 100 * within5, 100 * within30, meanWaitA, meanWaitB, 100 * meanWaitError(), spearman,
                    meanAbsStartDiff, maxAbsStartDiff);
        }
    }

    /** Compares side B against reference side A, job by job (jobs on one side only are left out). */
    public static Agreement agreement(String what, Map<String, Timing> a, Map<String, Timing> b) {
        List<String> names = new ArrayList<>();
        for (String k : a.keySet()) if (b.containsKey(k)) names.add(k);
        int m = names.size();
        double[] wa = new double[m], wb = new double[m];
        int in5 = 0, in30 = 0;
        double sa = 0, sb = 0, abs = 0;
        long max = 0;
        List<long[]> diffs = new ArrayList<>();
        for (int i = 0; i < m; i++) {
            Timing x = a.get(names.get(i)), y = b.get(names.get(i));
            wa[i] = x.waitS();
            wb[i] = y.waitS();
            sa += wa[i];
            sb += wb[i];
            long d = Math.abs(y.start() - x.start());
            if (d <= 5) in5++;
            if (d <= 30) in30++;
            abs += d;
            max = Math.max(max, d);
            diffs.add(new long[]{d, i});
        }
        diffs.sort((p, q) -> Long.compare(q[0], p[0]));
        List<String> worst = new ArrayList<>();
        for (long[] d : diffs.subList(0, Math.min(5, diffs.size()))) {
            if (d[0] <= 5) break;
            String nm = names.get((int) d[1]);
            worst.add(nm + " starts " + a.get(nm).start() + " s vs " + b.get(nm).start() + " s");
        }
        int den = Math.max(1, m);
        return new Agreement(what, m, (double) in5 / den, (double) in30 / den, sa / den, sb / den, spearman(wa, wb),
                abs / den, max, worst);
    }

    /** Spearman's rank correlation (average ranks for ties); 1 when either side has no spread. */
    public static double spearman(double[] x, double[] y) {
        if (x.length < 2) return 1;
        double[] rx = ranks(x), ry = ranks(y);
        double mx = 0, my = 0;
        for (int i = 0; i < x.length; i++) {
            mx += rx[i];
            my += ry[i];
        }
        mx /= x.length;
        my /= x.length;
        double num = 0, dx = 0, dy = 0;
        for (int i = 0; i < x.length; i++) {
            num += (rx[i] - mx) * (ry[i] - my);
            dx += (rx[i] - mx) * (rx[i] - mx);
            dy += (ry[i] - my) * (ry[i] - my);
        }
        return dx == 0 || dy == 0 ? 1 : num / Math.sqrt(dx * dy);
    }

    private static double[] ranks(double[] v) {
        Integer[] idx = new Integer[v.length];
        for (int i = 0; i < v.length; i++) idx[i] = i;
        java.util.Arrays.sort(idx, Comparator.comparingDouble(i -> v[i]));
        double[] r = new double[v.length];
        for (int i = 0; i < v.length; ) {
            int j = i;
            while (j + 1 < v.length && v[idx[j + 1]] == v[idx[i]]) j++;
            for (int k = i; k <= j; k++) r[idx[k]] = (i + j) / 2.0 + 1;
            i = j + 1;
        }
        return r;
    }

    /**
     * What Slurm's own scheduler, modelled job by job ({@link SlurmModel}), does with what accounting recorded: the
     * same eligible times (submission, or release of a held job), limits, shapes and runtimes; other users' jobs in
     * {@code foreign} share the nodes. Returns each job's start (Unix seconds) by name; the foreign ones left out.
     */
    public static Map<String, Long> replay(List<Real> real, List<Real> foreign, SlurmModel model) {
        List<SlurmModel.Job> jobs = new ArrayList<>();
        Map<String, String> names = new HashMap<>();
        for (Real r : real) {
            jobs.add(job(r));
            names.put(r.jobId(), r.name());
        }
        for (Real r : foreign) jobs.add(job(r));
        Map<String, Long> starts = model.run(jobs);
        Map<String, Long> out = new java.util.LinkedHashMap<>();
        for (Real r : real) {
            Long st = starts.get(r.jobId());
            if (st != null) out.put(r.name(), st);
        }
        return out;
    }

    /** The GPUs asked, for the shape column: {@code +2gpu/n}, {@code +1gpu/task}, {@code +4gpu}; empty for none. */
    static String gpuShape(SlurmModel.Gpus g) {
        StringBuilder b = new StringBuilder();
        if (g.perNode() > 0) b.append('+').append(g.perNode()).append("gpu/n");
        if (g.perTask() > 0) b.append('+').append(g.perTask()).append("gpu/task");
        if (g.perJob() > 0) b.append('+').append(g.perJob()).append("gpu");
        return b.toString();
    }

    private static SlurmModel.Job job(Real r) {
        // a job that never started waited from its eligible time until it was cancelled (its end)
        long runtime = r.started() ? Math.max(0, r.end() - r.start()) : r.limitS();
        long leaves = r.started() ? SlurmModel.Job.STAYS : r.end();
        long eligible = Math.max(r.submit(), r.eligible());
        Spec s = r.spec();
        if (s == null) // what accounting says: CPUs in all, memory per node
            return new SlurmModel.Job(r.jobId(), r.submit(), eligible, r.limitS(), runtime, r.partition(), 0, r.cpus(), 1,
                    0, r.memBytes() >> 20, false, r.gpus(), leaves, r.array(), r.arrayMax());
        return new SlurmModel.Job(r.jobId(), r.submit(), eligible, r.limitS(), runtime, r.partition(), s.nodes(), s.tasks(),
                s.cpus(), s.tasksPerNode(), s.memMb(), s.exclusive(), r.gpus(), leaves, r.array(), r.arrayMax());
    }

    /**
     * One job across the runs: its shape, submission (from the run's origin), the real starts of each run, the
     * replay's (the model of Slurm's scheduler, of the first run) and the pooled simulator's (conservative backfill).
     */
    public record Line(String name, String shape, long submit, List<Long> slurmStarts, Long reckonStart,
                       Long pooledStart) {}

    /**
     * The side-by-side comparison {@code bench fidelity} prints.
     *
     * @param settings      the scheduler settings the model ran with
     * @param nodes         the nodes, one line
     * @param phase         the Unix second mod 30 each run began at
     * @param foreignJobs   per run, how many other users' jobs shared the cluster (replayed with ours)
     * @param turnaroundMs  per run, the scheduler's turnaround the replay used, as that run's accounting shows it
     *                      ({@link #turnaroundMs}; the model's default where too few jobs waited)
     * @param slurmVsSlurm  the second run against the first (null with one run)
     * @param reckonVsSlurm per run, the model's replay of that run against it
     * @param pooledVsSlurm per run, the pooled simulator (conservative backfill, one pool of CPUs per node group)
     * @param lines         per job (the first run's jobs)
     */
    public record Comparison(String settings, String nodes, int phase, List<Integer> foreignJobs,
                             List<Long> turnaroundMs, Agreement slurmVsSlurm, List<Agreement> reckonVsSlurm, List<Agreement> pooledVsSlurm,
                             List<Line> lines) {}

    /** Compares runs of one workload: Slurm against itself, and the model and the pooled simulator against each. */
    public static Comparison compare(List<FidelityRun.Run> runs, SlurmModel model, SimDefaults defaults) {
        List<Map<String, Timing>> real = new ArrayList<>();
        List<Map<String, Long>> replays = new ArrayList<>(), pooled = new ArrayList<>();
        List<Agreement> rv = new ArrayList<>(), pv = new ArrayList<>();
        List<Integer> foreign = new ArrayList<>();
        List<Long> turnarounds = new ArrayList<>();
        int k = 0;
        for (FidelityRun.Run run : runs) {
            k++;
            long o = run.origin();
            Map<String, Timing> t = timings(run.mine(), o);
            real.add(t);
            foreign.add(run.foreign().size());
            Long ta = turnaroundMs(run.mine(), run.foreign());
            SlurmModel calibrated = ta == null ? model
                    : new SlurmModel(model.nodes(), model.settings().withTurnaroundMs(ta));
            turnarounds.add(calibrated.settings().turnaroundMs());
            Map<String, Long> rep = replay(run.mine(), run.foreign(), calibrated);
            replays.add(rep);
            rv.add(agreement("reckon vs Slurm run " + k, t, shifted(run.mine(), rep, o)));
            Map<String, Long> pool = pooled(run.mine(), run.foreign(), model, defaults);
            pooled.add(pool);
            pv.add(agreement("pooled simulator vs Slurm run " + k, t, shifted(run.mine(), pool, o)));
        }
        Agreement ss = runs.size() < 2 ? null : agreement("Slurm run 2 vs run 1", real.get(0), real.get(1));
        List<Line> lines = new ArrayList<>();
        FidelityRun.Run first = runs.get(0);
        List<Real> ordered = new ArrayList<>(first.mine());
        ordered.sort(Comparator.comparingLong(Real::submit).thenComparing(BY_ID));
        for (Real r : ordered) {
            List<Long> starts = new ArrayList<>();
            for (Map<String, Timing> t : real) starts.add(t.containsKey(r.name()) ? t.get(r.name()).start() : null);
            Long rep = replays.get(0).get(r.name()), pool = pooled.get(0).get(r.name());
            lines.add(new Line(r.name(), (r.spec() == null ? r.cpus() + "cpu" : r.spec().shape()) + gpuShape(r.gpus()),
                    r.submit() - first.origin(), starts, rep == null ? null : rep - first.origin(),
                    pool == null ? null : pool - first.origin()));
        }
        StringBuilder nodes = new StringBuilder();
        for (SlurmModel.Node nd : model.nodes()) {
            if (!nodes.isEmpty()) nodes.append(", ");
            nodes.append(nd.name()).append(" (").append(nd.cpus()).append(" CPUs, ").append(nd.memMb()).append(" MB")
                    .append(nd.gpus() > 0 ? ", " + nd.gpus() + " GPUs)" : ")");
        }
        return new Comparison(model.settings().toString(), nodes.toString(),
                (int) Math.floorMod(first.origin(), 30L), foreign, turnarounds, ss, rv, pv, lines);
    }

    private static Map<String, Timing> shifted(List<Real> real, Map<String, Long> starts, long origin) {
        Map<String, Timing> out = new java.util.LinkedHashMap<>();
        for (Real r : real) {
            Long st = starts.get(r.name());
            if (st != null) out.put(r.name(), new Timing(r.name(), r.submit() - origin, st - origin));
        }
        return out;
    }

    /**
     * The pooled simulator's replay (what {@code bench fidelity} measured before the model): conservative backfill
     * on one pool per node group, every event an immediate pass, the 1-second turnaround; by name.
     */
    static Map<String, Long> pooled(List<Real> real, List<Real> foreign, SlurmModel model, SimDefaults d) {
        List<Machine.Group> groups = new ArrayList<>();
        for (SlurmModel.Node nd : model.nodes())
            groups.add(new Machine.Group(nd.name(), 1, nd.cpus(), nd.memMb() << 20, 0, java.util.Set.of()));
        int nodeCount = groups.size();
        SlurmModel.Node n0 = model.nodes().get(0);
        boolean uniform = model.nodes().stream().allMatch(x -> x.cpus() == n0.cpus() && x.memMb() == n0.memMb());
        Machine pooledMachine = uniform ? Machine.of(nodeCount, n0.cpus(), n0.memMb() << 20, 0) : new Machine(groups);
        Workload.Builder b = new Workload.Builder();
        List<Real> all = new ArrayList<>(real);
        all.addAll(foreign);
        all.sort(Comparator.comparingLong((Real r) -> Math.max(r.submit(), r.eligible()))
                .thenComparing(BY_ID));
        long ta = d.fidelityTurnaroundS();
        for (Real r : all) {
            if (!r.started()) continue; // the pooled simulator has no cancelled waiting jobs
            Spec s = r.spec();
            int nodes = s == null ? 1 : s.nodes();
            long cores = s != null && s.exclusive() ? (long) n0.cpus() * Math.max(1, s.nodes()) : r.cpus();
            long mem = s == null ? r.memBytes() : (s.memMb() << 20) * Math.max(1, s.nodes());
            b.add(r.jobId(), Math.max(r.submit(), r.eligible()), r.limitS() + ta,
                    Math.max(0, r.end() - r.start()) + ta, uniform ? nodes : 1, Math.max(1, cores), mem, 0,
                    "fidelity", null, null);
        }
        Workload w = b.build();
        SimResult res = Simulator.run(pooledMachine, w, "conservative", d);
        Map<String, String> names = new HashMap<>();
        for (Real r : real) names.put(r.jobId(), r.name());
        Map<String, Long> out = new HashMap<>();
        for (int j = 0; j < w.size(); j++)
            if (names.containsKey(w.id(j)) && res.ran(j)) out.put(names.get(w.id(j)), res.start(j));
        return out;
    }

    /**
     * The scheduler's turnaround as a run's accounting shows it: for each job that waited, the gap between its start
     * and the last end before it (another job's end is what let it start) is 0 or 1 recorded second, and the share of
     * 1 s gaps is the fraction of a second the scheduler took (a job ends at a uniform fraction of its second). Null
     * with fewer than 5 such jobs. Times in whole seconds, as accounting keeps them.
     */
    public static Long turnaroundMs(List<Real> real, List<Real> foreign) {
        List<Long> ends = new ArrayList<>();
        for (Real r : real) ends.add(r.end());
        for (Real r : foreign) if (r.started()) ends.add(r.end());
        ends.sort(Comparator.naturalOrder());
        int n = 0, ones = 0;
        for (Real r : real) {
            if (r.start() - Math.max(r.submit(), r.eligible()) < 2) continue;
            long last = Long.MIN_VALUE;
            for (long e : ends) if (e <= r.start()) last = e;
            long gap = r.start() - last;
            if (gap < 0 || gap > 1) continue;
            n++;
            if (gap == 1) ones++;
        }
        return n < 5 ? null : Math.round(1000.0 * ones / n);
    }
}
