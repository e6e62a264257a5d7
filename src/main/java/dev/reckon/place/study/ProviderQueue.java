package dev.reckon.place.study;

import dev.reckon.place.Offer;
import dev.reckon.place.Readiness;
import dev.reckon.sim.Workload;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * One provider's queue as it evolves during a study, kept as conservative backfill keeps it: an availability profile
 * (free cores and GPUs as a step function of time) in which every queued job, in arrival order, holds a reservation
 * for its time limit. Running jobs hold their limit too; when one ends early and jobs are waiting, every reservation
 * is planned again in order (none moves later). Background jobs arrive on their own; placed jobs arrive when a
 * selector chooses this provider. An offer is the earliest start the profile gives the request now.
 */
final class ProviderQueue {
    /** A job in this queue: placed ({@code placed >= 0}, its index in the study's workload) or background (-1). */
    static final class QJob {
        final int placed;
        final long cores, gpus, hold, actual, seq;
        long reserved = Long.MIN_VALUE, start = Long.MIN_VALUE, heldEnd, end;

        QJob(int placed, long cores, long gpus, long hold, long actual, long seq) {
            this.placed = placed;
            this.cores = cores;
            this.gpus = gpus;
            this.hold = Math.max(1, hold);
            this.actual = Math.max(0, Math.min(actual, this.hold));
            this.seq = seq;
        }
    }

    private static final Comparator<QJob> BY_END = Comparator.<QJob>comparingLong(j -> j.end).thenComparingLong(j -> j.seq);
    private static final Comparator<QJob> BY_HELD_END = Comparator.<QJob>comparingLong(j -> j.heldEnd)
            .thenComparingLong(j -> j.seq);

    final Provider provider;
    private final long totalC, totalG;
    private final Workload background;
    private int nextBg;
    private long seq;
    private long now;
    private long[] time = new long[64], fc = new long[64], fg = new long[64];
    private int n;
    private final List<QJob> queued = new ArrayList<>();
    private final PriorityQueue<QJob> running = new PriorityQueue<>(BY_END);
    private long nextRes = Long.MAX_VALUE;
    private double queuedWork;
    private long offered = Long.MIN_VALUE;

    ProviderQueue(Provider provider, Workload background, long from) {
        this.provider = provider;
        this.totalC = provider.cores();
        this.totalG = provider.gpus();
        this.background = background;
        this.now = from;
        n = 1;
        time[0] = from;
        fc[0] = totalC;
        fg[0] = totalG;
    }

    /** Moves the queue to {@code to}: background arrivals, starts at reservations, ends, in time order. */
    void advance(long to) {
        int bgSize = background.size();
        while (true) {
            long tb = nextBg < bgSize ? Math.max(now, background.submit(nextBg)) : Long.MAX_VALUE;
            long te = running.isEmpty() ? Long.MAX_VALUE : running.peek().end;
            long t = Math.min(tb, Math.min(te, nextRes));
            if (t > to) break;
            now = t;
            trim(t);
            boolean replan = false;
            while (!running.isEmpty() && running.peek().end == t) {
                QJob j = running.poll();
                if (j.end < j.heldEnd) {
                    if (queued.isEmpty()) release(t, j.heldEnd, j.cores, j.gpus);
                    else replan = true;
                }
            }
            if (replan) replan();
            if (nextRes <= t) startDue();
            while (nextBg < bgSize && background.submit(nextBg) <= t) {
                long lim = background.limit(nextBg);
                enqueue(new QJob(-1, background.cores(nextBg), background.gpus(nextBg), lim,
                        Math.min(lim, background.runtime(nextBg)), seq++));
                nextBg++;
            }
        }
        if (to > now) {
            now = to;
            trim(to);
        }
        offered = Long.MIN_VALUE;
    }

    /** This provider's offer for a job of this shape, now (after {@link #advance}). */
    Offer offer(long cores, long gpus, long limit) {
        Provider p = provider;
        String why = p.incompatible(cores, gpus);
        if (why != null || cores > totalC) return Offer.refused(p.name(), p.kind(), Readiness.INCOMPATIBLE, why);
        if (p.maxTimeS() > 0 && limit > p.maxTimeS()) {
            return Offer.refused(p.name(), p.kind(), Readiness.RESTRICTED, "time limit above its maximum");
        }
        long hold = Math.max(1, limit + p.startupS());
        long t = earliest(cores, gpus, hold);
        offered = t;
        long start = t + p.startupS();
        return new Offer(p.name(), p.kind(), t == now ? Readiness.READY : Readiness.BUSY,
                t == now ? "starts now" : "queued", Instant.ofEpochSecond(start), Instant.ofEpochSecond(start + limit),
                p.cost(cores, gpus, limit + p.startupS()), queuedWork);
    }

    /** Places job {@code placed} here at the start its last offer gave; returns that start (the work's, after start-up). */
    long place(int placed, long cores, long gpus, long limit, long runtime) {
        long s = provider.startupS();
        QJob j = new QJob(placed, cores, gpus, limit + s, Math.min(limit, runtime) + s, seq++);
        long t = offered != Long.MIN_VALUE ? offered : earliest(cores, gpus, j.hold);
        take(t, j.hold, cores, gpus);
        j.reserved = t;
        queued.add(j);
        queuedWork += (double) cores * j.hold;
        if (t < nextRes) nextRes = t;
        if (t <= now) startDue(); // it starts at once: no longer queued work for the next offer
        offered = Long.MIN_VALUE;
        return t + s;
    }

    private void enqueue(QJob j) {
        long t = earliest(j.cores, j.gpus, j.hold);
        take(t, j.hold, j.cores, j.gpus);
        j.reserved = t;
        queued.add(j);
        queuedWork += (double) j.cores * j.hold;
        if (t < nextRes) nextRes = t;
    }

    private void startDue() {
        long min = Long.MAX_VALUE;
        int w = 0;
        for (int i = 0; i < queued.size(); i++) {
            QJob j = queued.get(i);
            if (j.reserved <= now) {
                j.start = now;
                j.heldEnd = now + j.hold;
                j.end = now + j.actual;
                running.add(j);
                queuedWork -= (double) j.cores * j.hold;
            } else {
                min = Math.min(min, j.reserved);
                queued.set(w++, j);
            }
        }
        for (int i = queued.size() - 1; i >= w; i--) queued.remove(i);
        nextRes = min;
        if (queued.isEmpty()) queuedWork = 0;
    }

    /** Plans every reservation again from what runs now (their limits), in arrival order. */
    private void replan() {
        QJob[] run = running.toArray(new QJob[0]);
        Arrays.sort(run, BY_HELD_END);
        long c = totalC, g = totalG;
        for (QJob j : run) {
            c -= j.cores;
            g -= j.gpus;
        }
        n = 0;
        add(now, c, g);
        for (QJob j : run) {
            c += j.cores;
            g += j.gpus;
            if (time[n - 1] == j.heldEnd) {
                fc[n - 1] = c;
                fg[n - 1] = g;
            } else {
                add(j.heldEnd, c, g);
            }
        }
        long min = Long.MAX_VALUE;
        for (QJob j : queued) {
            long t = earliest(j.cores, j.gpus, j.hold);
            take(t, j.hold, j.cores, j.gpus);
            j.reserved = t;
            min = Math.min(min, t);
        }
        nextRes = min;
    }

    private void add(long t, long c, long g) {
        if (n == time.length) grow();
        time[n] = t;
        fc[n] = c;
        fg[n] = g;
        n++;
    }

    private void grow() {
        int cap = time.length * 2;
        time = Arrays.copyOf(time, cap);
        fc = Arrays.copyOf(fc, cap);
        fg = Arrays.copyOf(fg, cap);
    }

    private void trim(long t) {
        int k = 0;
        while (k + 1 < n && time[k + 1] <= t) k++;
        if (k > 0) {
            System.arraycopy(time, k, time, 0, n - k);
            System.arraycopy(fc, k, fc, 0, n - k);
            System.arraycopy(fg, k, fg, 0, n - k);
            n -= k;
        }
        if (time[0] < t) time[0] = t;
    }

    /** The earliest segment start from which {@code c} cores and {@code g} GPUs are free for {@code length} seconds. */
    long earliest(long c, long g, long length) {
        int k = 0;
        while (k < n) {
            if (fc[k] < c || fg[k] < g) {
                k++;
                continue;
            }
            long endAt = time[k] + length;
            int x = k + 1;
            while (x < n && time[x] < endAt && fc[x] >= c && fg[x] >= g) x++;
            if (x >= n || time[x] >= endAt) return time[k];
            k = x + 1;
        }
        throw new IllegalStateException(provider.name() + ": no room ever for " + c + " cores");
    }

    /** Takes the demand from {@code [at, at + length)}; {@code at} is a segment start. */
    private void take(long at, long length, long c, long g) {
        adjust(at, at + length, -c, -g);
    }

    /** Gives back what a job that ended early held from {@code from} to {@code until}. */
    private void release(long from, long until, long c, long g) {
        if (until > from) adjust(from, until, c, g);
    }

    private void adjust(long from, long until, long dc, long dg) {
        int k = split(from);
        int x = split(until);
        for (int i = k; i < x; i++) {
            fc[i] += dc;
            fg[i] += dg;
        }
    }

    /** The index of the segment starting at {@code t}, splitting the one that holds it where needed. */
    private int split(long t) {
        int i = Arrays.binarySearch(time, 0, n, t);
        if (i >= 0) return i;
        int at = -i - 1;
        if (n == time.length) grow();
        System.arraycopy(time, at, time, at + 1, n - at);
        System.arraycopy(fc, at, fc, at + 1, n - at);
        System.arraycopy(fg, at, fg, at + 1, n - at);
        time[at] = t;
        fc[at] = fc[at - 1];
        fg[at] = fg[at - 1];
        n++;
        return at;
    }
}
