package dev.reckon.place;

import dev.reckon.sim.WhatIf;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Kueue queue's answer, from a quota-based forward simulation of its ClusterQueue. The job is one workload of
 * {@code nodes} pods asking for its CPUs, memory and GPUs in all. Its quota per resource is the ClusterQueue's
 * nominal quota summed over flavors, plus, in a cohort, what it may borrow now: the other ClusterQueues' unused
 * lendable quota (their lending limit, else their nominal quota, less what they use), up to its borrowing limit.
 * Admitted workloads hold their requests until {@code admitted at + run time}; pending workloads of the
 * ClusterQueue's LocalQueues, the new job among them as if created now, are admitted in Kueue's order (higher
 * priority first, then the earlier created) as quota frees, each holding its requests for its run time: its
 * {@code maximumExecutionTimeSeconds} when it names one, else the provider's {@code runtime} (Kueue does not know
 * how long work runs; default 1 h); the new job holds its time limit. Under StrictFIFO the head of the queue blocks
 * those behind it; under BestEffortFIFO (the default) a workload that fits goes ahead. Flavors are pooled (a pod
 * set's choice of flavor is not modelled), and other ClusterQueues' future work is not. Pure.
 */
public final class KueueOffers {
    /** At most this many admissions are simulated before giving up on a start. */
    static final int MAX_STEPS = 100_000;

    private KueueOffers() {}

    public static Offer offer(Provider.Kueue p, KueueState s, Request r, Instant now) {
        KueueState.LocalQueue lq = s.localQueue(p.queue());
        if (lq == null) {
            return Offer.refused(p.name(), p.kind(), Readiness.INCOMPATIBLE, "no LocalQueue " + p.queue());
        }
        KueueState.ClusterQueue cq = s.clusterQueue(lq.clusterQueue());
        if (cq == null) {
            return Offer.refused(p.name(), p.kind(), Readiness.INCOMPATIBLE, "LocalQueue " + p.queue()
                    + " points to ClusterQueue " + lq.clusterQueue() + ", which does not exist");
        }
        String cqName = "ClusterQueue " + cq.name();
        if (cq.held()) {
            return Offer.refused(p.name(), p.kind(), Readiness.RESTRICTED, cqName + " admits nothing new (stopPolicy "
                    + cq.stopPolicy() + ")");
        }
        Map<String, Long> demand = new LinkedHashMap<>();
        demand.put("cpu", r.cpus() * 1000);
        if (r.memBytes() > 0) demand.put("memory", Math.multiplyExact(r.memBytes(), 1000L));
        if (r.gpus() > 0) demand.put(p.gpuResource(), r.gpus() * 1000);
        if (cq.nominal().containsKey("pods")) demand.put("pods", r.nodes() * 1000L);
        for (String res : demand.keySet()) {
            if (!cq.nominal().containsKey(res)) {
                return Offer.refused(p.name(), p.kind(), Readiness.INCOMPATIBLE, cqName + " covers no " + res);
            }
        }
        Map<String, Long> capNow = new LinkedHashMap<>(), capEver = new LinkedHashMap<>();
        for (String res : cq.nominal().keySet()) {
            long lendNow = 0, lendEver = 0;
            if (cq.cohort() != null) {
                for (KueueState.ClusterQueue o : s.clusterQueues()) {
                    if (o == cq || !cq.cohort().equals(o.cohort()) || !o.nominal().containsKey(res)) continue;
                    long lendable = o.lendingLimit().getOrDefault(res, o.nominal().get(res));
                    lendEver += lendable;
                    lendNow += Math.max(0, Math.min(lendable, o.nominal().get(res) - o.usage().getOrDefault(res, 0L)));
                }
            }
            Long limit = cq.borrowingLimit().get(res);
            if (limit != null) {
                lendNow = Math.min(lendNow, limit);
                lendEver = Math.min(lendEver, limit);
            }
            capNow.put(res, cq.nominal().get(res) + lendNow);
            capEver.put(res, cq.nominal().get(res) + lendEver);
        }
        for (Map.Entry<String, Long> e : demand.entrySet()) {
            if (e.getValue() > capEver.get(e.getKey())) {
                return Offer.refused(p.name(), p.kind(), Readiness.INCOMPATIBLE, "asks " + amount(e.getKey(), e.getValue())
                        + " " + e.getKey() + "; " + cqName + "'s quota is " + amount(e.getKey(), cq.nominal().get(e.getKey()))
                        + (capEver.get(e.getKey()) > cq.nominal().get(e.getKey()) ? " (with what its cohort may lend, "
                        + amount(e.getKey(), capEver.get(e.getKey())) + ")" : ""));
            }
            if (e.getValue() > capNow.get(e.getKey())) {
                return Offer.refused(p.name(), p.kind(), Readiness.RESTRICTED, "asks " + amount(e.getKey(), e.getValue())
                        + " " + e.getKey() + "; " + cqName + " may use " + amount(e.getKey(), capNow.get(e.getKey()))
                        + " now (its quota and what its cohort lends now)");
            }
        }

        // the queues' workloads: admitted ones hold their requests; pending ones of this ClusterQueue wait in order
        List<String> feeding = new ArrayList<>();
        for (KueueState.LocalQueue q : s.localQueues()) {
            if (q.clusterQueue().equals(cq.name())) feeding.add(q.namespace() + "/" + q.name());
        }
        List<Held> running = new ArrayList<>();
        List<Waiting> waiting = new ArrayList<>();
        long nowS = now.getEpochSecond();
        for (KueueState.Workload w : s.workloads()) {
            long run = w.maxExecS() != null && w.maxExecS() > 0 ? w.maxExecS() : p.runtimeS();
            if (w.admitted() && w.admittedTo().equals(cq.name())) {
                long from = w.admittedAt() == null ? nowS : w.admittedAt().getEpochSecond();
                running.add(new Held(Math.max(nowS, from + run), w.requests()));
            } else if (w.pending() && feeding.contains(w.namespace() + "/" + w.queueName())) {
                waiting.add(new Waiting(w.priority(), w.created() == null ? nowS : w.created().getEpochSecond(), run,
                        w.requests(), false));
            }
        }
        Waiting mine = new Waiting(0, nowS, r.timeS(), demand, true);
        waiting.add(mine);
        waiting.sort(Comparator.comparingInt(Waiting::priority).reversed().thenComparingLong(Waiting::created)
                .thenComparing(Waiting::mine));
        int ahead = waiting.indexOf(mine);
        double depth = 0;
        for (Held h : running) depth += h.requests().getOrDefault("cpu", 0L) / 1000.0 * (h.end() - nowS);
        for (int i = 0; i < ahead; i++) depth += waiting.get(i).requests().getOrDefault("cpu", 0L) / 1000.0 * waiting.get(i).runS();
        int admittedNow = running.size();

        Map<String, Long> used = new LinkedHashMap<>();
        for (Held h : running) add(used, h.requests(), 1);
        long t = nowS;
        Long start = null;
        for (int step = 0; step < MAX_STEPS && start == null; step++) {
            for (var it = waiting.iterator(); it.hasNext(); ) {
                Waiting w = it.next();
                if (fits(used, w.requests(), capNow)) {
                    add(used, w.requests(), 1);
                    running.add(new Held(t + w.runS(), w.requests()));
                    it.remove();
                    if (w.mine()) {
                        start = t;
                        break;
                    }
                } else if (cq.strictFifo()) {
                    break;
                }
            }
            if (start != null) break;
            long next = Long.MAX_VALUE;
            for (Held h : running) next = Math.min(next, h.end());
            if (next == Long.MAX_VALUE) break;
            t = Math.max(t, next);
            final long at = t;
            for (var it = running.iterator(); it.hasNext(); ) {
                Held h = it.next();
                if (h.end() <= at) {
                    add(used, h.requests(), -1);
                    it.remove();
                }
            }
        }
        if (start == null) {
            return Offer.refused(p.name(), p.kind(), Readiness.RESTRICTED, cqName + ": it would wait behind workloads "
                    + "that never fit its quota");
        }
        double hours = r.timeS() / 3600.0;
        double cost = r.cpus() * hours * p.cpuHourPrice() + r.gpus() * hours * p.gpuHourPrice();
        long wait = start - nowS;
        Readiness readiness = wait <= SlurmOffers.READY_WITHIN_S ? Readiness.READY : Readiness.BUSY;
        String reason = (readiness == Readiness.READY ? "admitted now" : "waits " + WhatIf.human(wait)) + " ("
                + cqName + ": " + admittedNow + " admitted, " + ahead + " pending ahead, each assumed to run "
                + WhatIf.human(p.runtimeS()) + " unless it names its maximum)";
        Instant st = Instant.ofEpochSecond(start);
        return new Offer(p.name(), p.kind(), readiness, reason, st, st.plusSeconds(r.timeS()), cost, depth);
    }

    private record Held(long end, Map<String, Long> requests) {}

    private record Waiting(int priority, long created, long runS, Map<String, Long> requests, boolean mine) {}

    /** Whether {@code req} fits on top of {@code used} within {@code cap}; resources the queue does not cover are ignored. */
    private static boolean fits(Map<String, Long> used, Map<String, Long> req, Map<String, Long> cap) {
        for (Map.Entry<String, Long> e : req.entrySet()) {
            Long c = cap.get(e.getKey());
            if (c != null && used.getOrDefault(e.getKey(), 0L) + e.getValue() > c) return false;
        }
        return true;
    }

    private static void add(Map<String, Long> used, Map<String, Long> req, int sign) {
        for (Map.Entry<String, Long> e : req.entrySet()) used.merge(e.getKey(), sign * e.getValue(), Long::sum);
    }

    /** A quantity in thousandths as people write it: memory in GiB, the rest in units. */
    private static String amount(String resource, long thousandths) {
        double v = thousandths / 1000.0;
        if (resource.equals("memory")) return String.format(java.util.Locale.ROOT, "%.1fGi", v / (1L << 30));
        return v == Math.rint(v) ? String.valueOf((long) v) : String.format(java.util.Locale.ROOT, "%.2f", v);
    }
}
