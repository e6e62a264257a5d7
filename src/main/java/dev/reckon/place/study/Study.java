package dev.reckon.place.study;

import dev.reckon.place.Offer;
import dev.reckon.place.Request;
import dev.reckon.place.Selector;
import dev.reckon.sim.SimDefaults;
import dev.reckon.sim.SimResult;
import dev.reckon.sim.Simulator;
import dev.reckon.sim.Workload;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A simulation study of placement: every cell of workloads x fleets x selectors places each job of its workload, in
 * submit order, on its fleet. At each job every provider's queue is moved to the job's submit time and answers an
 * {@link Offer} for the job's {@link Request} (its predicted start from its conservative-backfill profile); the
 * selector chooses; the job joins that provider's queue. Then each provider's background and placed jobs are run
 * with the simulator ({@code conservative}), so turnaround, wait, cost and utilisation are measured, not predicted.
 * Pure: workloads and fleets in, rows out; cells are independent, so the rows are the same for any thread count.
 */
public final class Study {
    /** Seconds of background load before the first job, so that queues are warm when placing starts. */
    static final long WARM_UP_S = 86_400;

    /**
     * A study.
     *
     * @param workloads the workloads, each with its name
     * @param fleets    the fleets
     * @param selectors the selectors compared
     * @param slack     a job's deadline (for {@code cheapest-by-deadline}): submit + slack x its time limit
     * @param seed      the background loads' seed
     */
    public record Spec(List<Named> workloads, List<Fleet> fleets, List<Selector> selectors, double slack, long seed) {
        public Spec {
            workloads = List.copyOf(workloads);
            fleets = List.copyOf(fleets);
            selectors = List.copyOf(selectors);
            if (workloads.isEmpty() || fleets.isEmpty() || selectors.isEmpty()) {
                throw new IllegalArgumentException("a study needs a workload, a fleet and a selector");
            }
            if (!(slack >= 1)) throw new IllegalArgumentException("the deadline slack is at least 1");
        }

        /** Cells in all: workloads x fleets x selectors. */
        public int cells() {
            return workloads.size() * fleets.size() * selectors.size();
        }

        /** Placements in all: each workload's jobs once per fleet and selector. */
        public long placements() {
            long n = 0;
            for (Named w : workloads) n += w.workload().size();
            return n * fleets.size() * selectors.size();
        }
    }

    /** A workload with its name. */
    public record Named(String name, Workload workload) {
        public Named {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(workload, "workload");
        }
    }

    private Study() {}

    /**
     * Runs the cells {@code keep} accepts (all: {@code i -> true}; shard I of N: {@code i % N == I}) on
     * {@code threads} threads; the rows come in cell order.
     */
    public static List<StudyRow> run(Spec spec, SimDefaults defaults, int threads,
                                     java.util.function.IntPredicate keep) {
        List<Integer> cells = new ArrayList<>();
        for (int i = 0; i < spec.cells(); i++) if (keep.test(i)) cells.add(i);
        if (threads <= 1 || cells.size() <= 1) {
            List<StudyRow> out = new ArrayList<>();
            for (int i : cells) out.add(cell(spec, i, defaults));
            return out;
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(threads, cells.size()), r -> {
            Thread t = new Thread(r, "reckon-study");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<StudyRow>> futures = new ArrayList<>();
            for (int i : cells) futures.add(pool.submit(() -> cell(spec, i, defaults)));
            List<StudyRow> out = new ArrayList<>();
            for (Future<StudyRow> f : futures) out.add(f.get());
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("the study was interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            throw new IllegalStateException(e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    /** Runs one cell of the cross product. */
    public static StudyRow cell(Spec spec, int cell, SimDefaults defaults) {
        int s = spec.selectors().size(), f = spec.fleets().size();
        int si = cell % s, fi = (cell / s) % f, wi = cell / (s * f);
        Named named = spec.workloads().get(wi);
        Fleet fleet = spec.fleets().get(fi);
        Selector selector = spec.selectors().get(si);
        Workload w = named.workload();
        int jobs = w.size();
        int np = fleet.providers().size();
        long first = jobs == 0 ? 0 : w.submit(0), last = jobs == 0 ? 0 : w.submit(jobs - 1);
        long from = first - WARM_UP_S;

        ProviderQueue[] queues = new ProviderQueue[np];
        Workload[] backgrounds = new Workload[np];
        for (int p = 0; p < np; p++) {
            Provider pr = fleet.providers().get(p);
            backgrounds[p] = SyntheticJobs.background(pr, from, last, spec.seed() * 1_000_003L + p);
            queues[p] = new ProviderQueue(pr, backgrounds[p], from);
        }
        int[] where = new int[jobs];
        long[] predicted = new long[jobs];
        Arrays.fill(where, -1);
        List<Offer> offers = new ArrayList<>(np);
        Map<String, Integer> index = new HashMap<>();
        for (int p = 0; p < np; p++) index.put(fleet.providers().get(p).name(), p);
        long nowhere = 0;
        for (int j = 0; j < jobs; j++) {
            long t = w.submit(j);
            long cores = w.cores(j), gpus = w.gpus(j), limit = Math.max(1, w.limit(j));
            Request req = new Request(1, cores, 0, gpus, limit, w.user(j),
                    Instant.ofEpochSecond(t + (long) Math.ceil(spec.slack() * limit)));
            offers.clear();
            for (ProviderQueue q : queues) {
                q.advance(t);
                offers.add(q.offer(cores, gpus, limit));
            }
            Optional<Offer> chosen = selector.choose(offers, req);
            if (chosen.isEmpty()) {
                nowhere++;
                continue;
            }
            int p = index.get(chosen.get().provider());
            queues[p].advance(t);
            queues[p].offer(cores, gpus, limit);
            where[j] = p;
            predicted[j] = queues[p].place(j, cores, gpus, limit, w.runtime(j));
        }
        return measure(spec, cell, named, fleet, selector, backgrounds, where, predicted, nowhere, first, defaults);
    }

    private static StudyRow measure(Spec spec, int cell, Named named, Fleet fleet, Selector selector,
                                    Workload[] backgrounds, int[] where, long[] predicted, long nowhere, long first,
                                    SimDefaults defaults) {
        Workload w = named.workload();
        int np = fleet.providers().size();
        int jobs = w.size();
        long[] start = new long[jobs], end = new long[jobs];
        double[] cost = new double[jobs];
        double[] busy = new double[np];
        long[] bgLastEnd = new long[np];
        long lastEnd = first;
        for (int p = 0; p < np; p++) {
            Provider pr = fleet.providers().get(p);
            Workload bg = backgrounds[p];
            Workload.Builder b = new Workload.Builder();
            for (int k = 0; k < bg.size(); k++) {
                b.add(bg.id(k), bg.submit(k), bg.limit(k), bg.runtime(k), bg.nodes(k), bg.cores(k), 0, bg.gpus(k),
                        "background", null, null);
            }
            List<Integer> mine = new ArrayList<>();
            long su = pr.startupS();
            for (int j = 0; j < jobs; j++) {
                if (where[j] != p) continue;
                long lim = Math.max(1, w.limit(j));
                b.add("p" + j, w.submit(j), lim + su, Math.min(lim, w.runtime(j)) + su, 0, w.cores(j), 0, w.gpus(j),
                        w.user(j), null, null);
                mine.add(j);
            }
            if (b.size() == 0) continue;
            SimResult r = Simulator.run(pr.machine(), b.build(), "conservative", defaults);
            Workload sw = r.workload();
            for (int k = 0; k < sw.size(); k++) {
                if (!r.ran(k)) continue;
                long st = Math.max(r.start(k), first), en = r.end(k);
                if (en > st) busy[p] += (double) (en - st) * sw.cores(k);
                lastEnd = Math.max(lastEnd, en);
                String id = sw.id(k);
                if (id.startsWith("p")) {
                    int j = Integer.parseInt(id, 1, id.length(), 10);
                    start[j] = r.start(k) + su;
                    end[j] = r.end(k);
                    cost[j] = pr.cost(w.cores(j), w.gpus(j), r.end(k) - r.start(k));
                } else {
                    bgLastEnd[p] = Math.max(bgLastEnd[p], en);
                }
            }
            if (r.dropped().size() > 0) {
                throw new IllegalStateException(pr.name() + ": the simulator dropped " + r.dropped().size()
                        + " jobs the queue accepted");
            }
        }
        long placed = 0;
        double sumT = 0, sumW = 0, sumCost = 0, sumErr = 0;
        long[] turn = new long[jobs];
        Map<String, double[]> slow = new HashMap<>();
        boolean[] used = new boolean[np];
        double bound = Math.max(1, defaults.slowdownBoundS());
        for (int j = 0; j < jobs; j++) {
            if (where[j] < 0) continue;
            used[where[j]] = true;
            long t = end[j] - w.submit(j);
            long wait = start[j] - w.submit(j);
            long run = Math.max(0, end[j] - start[j]);
            turn[(int) placed++] = t;
            sumT += t;
            sumW += wait;
            sumCost += cost[j];
            sumErr += Math.abs(predicted[j] - start[j]);
            double[] us = slow.computeIfAbsent(w.user(j), u -> new double[2]);
            us[0] += Math.max(1.0, (wait + run) / Math.max(run, bound));
            us[1]++;
        }
        long[] sorted = Arrays.copyOf(turn, (int) placed);
        Arrays.sort(sorted);
        double p95 = placed == 0 ? 0 : sorted[(int) Math.max(0, Math.ceil(0.95 * placed) - 1)];
        double span = Math.max(1, lastEnd - first);
        double sumU = 0, sumU2 = 0;
        for (int p = 0; p < np; p++) {
            double u = busy[p] / (fleet.providers().get(p).cores() * span);
            sumU += u;
            sumU2 += u * u;
        }
        double meanU = sumU / np;
        double cv = meanU == 0 ? 0 : Math.sqrt(Math.max(0, sumU2 / np - meanU * meanU)) / meanU;
        double sx = 0, sx2 = 0;
        List<String> users = new ArrayList<>(slow.keySet());
        java.util.Collections.sort(users);
        for (String u : users) {
            double[] us = slow.get(u);
            double x = us[0] / us[1];
            sx += x;
            sx2 += x * x;
        }
        double jain = users.isEmpty() ? 1 : sx * sx / (users.size() * sx2);
        int usedCount = 0;
        for (boolean b : used) if (b) usedCount++;
        return new StudyRow(cell, spec.cells(), named.name(), fleet.name(), selector.name(), jobs, np, placed, nowhere,
                usedCount, placed == 0 ? 0 : sumT / placed, p95, placed == 0 ? 0 : sumW / placed, sumCost, cv, jain,
                placed == 0 ? 0 : sumErr / placed);
    }
}
