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
    public record Spec(String name, long submitAfterS, int cpus, long memMb, int limitMin, int sleepS) {}

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
     */
    public record Real(String jobId, String name, long submit, long start, long end, long limitS, int cpus, long memBytes) {
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

    private static long idNumber(String id) {
        try {
            return Long.parseLong(id);
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE;
        }
    }

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
        inOrder.sort(Comparator.comparingLong(Real::submit).thenComparingLong(r -> idNumber(r.jobId())));
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
}
