package dev.reckon.place;

import java.time.Instant;
import java.util.Locale;

/**
 * A cloud pool's answer: the cheapest instance shape that holds the job (instances enough for its CPUs, memory and
 * GPUs, at least one per node), started after the pool's start-up delay when the pool's cap allows that many more
 * instances. Pure.
 */
public final class CloudOffers {
    private CloudOffers() {}

    /** How many instances of {@code s} the job needs; 0 when that shape cannot hold it (GPUs asked, none there). */
    static long instances(Provider.Shape s, Request r) {
        if (r.gpus() > 0 && s.gpus() == 0) return 0;
        long n = Math.max(r.nodes(), ceil(r.cpus(), s.cpus()));
        if (r.memBytes() > 0) n = Math.max(n, ceil(r.memBytes(), s.memBytes()));
        if (r.gpus() > 0) n = Math.max(n, ceil(r.gpus(), s.gpus()));
        return n;
    }

    public static Offer offer(Provider.Cloud p, Request r, Instant now) {
        Provider.Shape best = null;
        long bestN = 0;
        double bestCost = 0;
        double hours = r.timeS() / 3600.0;
        for (Provider.Shape s : p.shapes()) {
            long n = instances(s, r);
            if (n == 0) continue;
            double cost = n * s.pricePerHour() * hours;
            if (best == null || cost < bestCost || cost == bestCost && n < bestN) {
                best = s;
                bestN = n;
                bestCost = cost;
            }
        }
        if (best == null) {
            return Offer.refused(p.name(), p.kind(), Readiness.INCOMPATIBLE, "no instance shape has GPUs ("
                    + r.gpus() + " asked)");
        }
        if (bestN > p.maxInstances()) {
            return Offer.refused(p.name(), p.kind(), Readiness.RESTRICTED, "needs " + bestN + " x " + best.name()
                    + "; the pool's cap is " + p.maxInstances() + " instances");
        }
        if (bestN > p.maxInstances() - p.inUse()) {
            return Offer.refused(p.name(), p.kind(), Readiness.RESTRICTED, "needs " + bestN + " x " + best.name()
                    + "; " + p.inUse() + " of the cap of " + p.maxInstances() + " instances are in use");
        }
        Instant start = now.plusSeconds(p.startupS());
        return new Offer(p.name(), p.kind(), Readiness.READY, bestN + " x " + best.name() + " at "
                + String.format(Locale.ROOT, "%.2f", best.pricePerHour()) + "/h, up in " + dev.reckon.sim.WhatIf.human(p.startupS()),
                start, start.plusSeconds(r.timeS()), bestCost, 0);
    }

    private static long ceil(long a, long b) {
        return (a + b - 1) / b;
    }
}
