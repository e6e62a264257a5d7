package dev.reckon.sim;

import java.util.Arrays;

/**
 * Conservative backfill (Mu'alem and Feitelson 2001): every queued job, in submit order, gets a reservation at the
 * earliest time its time limit fits in the availability profile (what running jobs and earlier reservations leave);
 * a job starts when its reservation comes. A later job may start early only where it delays no earlier reservation.
 *
 * <p>The profile is kept between passes and only rebuilt (all reservations recomputed in order, which never moves
 * one later) when a job ends before its limit. At most {@code depth} queued jobs hold reservations at once; the rest
 * wait for a place among them, as Slurm's backfill depth leaves jobs beyond it untested.
 */
final class ConservativeBackfill implements Policy {
    private final Pool pool;
    private final Workload w;
    private final JobQueue queue;
    private final int depth;
    private final Profile[] profiles;
    private final long[] reservation;
    private final int[] reservedGroup;
    private boolean rebuild = true;
    private int planned;

    ConservativeBackfill(Pool pool, int depth) {
        this.pool = pool;
        this.w = pool.workload();
        this.queue = new JobQueue(w.size());
        this.depth = depth;
        this.profiles = new Profile[pool.groups];
        for (int g = 0; g < pool.groups; g++) profiles[g] = new Profile();
        this.reservation = new long[w.size()];
        this.reservedGroup = new int[w.size()];
        Arrays.fill(reservation, Long.MIN_VALUE);
    }

    /** Job {@code j}'s current reservation, {@link Long#MIN_VALUE} when it has none. */
    long reservation(int j) {
        return reservation[j];
    }

    @Override
    public void submitted(int job, long now) {
        queue.append(job);
    }

    @Override
    public void ended(int job, long now) {
        if (pool.end[job] < pool.start[job] + w.limit[job]) rebuild = true;
    }

    @Override
    public long schedule(long now) {
        if (rebuild) {
            for (int j = queue.head(); j >= 0; j = queue.next(j)) reservation[j] = Long.MIN_VALUE;
            planned = 0;
            startWhileTheHeadFits(now);
            if (queue.head() < 0) return Long.MAX_VALUE; // nothing waits: the profile is built when something does
            for (int g = 0; g < pool.groups; g++) profiles[g].build(pool, g, now);
            rebuild = false;
        } else {
            for (Profile p : profiles) p.trim(now);
        }
        int k = 0;
        for (int j = queue.head(); j >= 0 && k < depth; k++) {
            int nj = queue.next(j);
            if (reservation[j] == Long.MIN_VALUE) place(j, now);
            if (reservation[j] == now) {
                int g = reservedGroup[j];
                if (!pool.fitsIn(j, g)) throw new IllegalStateException("reservation without room: job " + w.id(j));
                queue.remove(j);
                planned--;
                reservation[j] = Long.MIN_VALUE;
                pool.start(j, g, now);
                k--;
            }
            j = nj;
        }
        return Long.MAX_VALUE;
    }

    /**
     * Starts queued jobs from the head while each fits now, without a profile. Right after a rebuild the profile holds
     * only running jobs, so free resources never shrink later on: a job that fits now has its reservation now, in the
     * first group (in mask order) where it fits, which is where {@link #place} would put it; and a started job (with a
     * limit of at least a second) leaves the same profile as its reservation would. Most passes of a machine with a
     * short queue end here, which is what keeps conservative backfill linear at 10,000 nodes: the profile (a walk of
     * every running job) is built only when a job has to wait.
     */
    private void startWhileTheHeadFits(long now) {
        for (int j = queue.head(); j >= 0 && w.limit[j] >= 1; j = queue.head()) {
            int g = pool.fitNow(j);
            if (g < 0) return;
            queue.remove(j);
            pool.start(j, g, now);
        }
    }

    private void place(int j, long now) {
        long best = Long.MAX_VALUE;
        int bestGroup = -1;
        int bestSegment = -1;
        long mk = pool.mask[j];
        while (mk != 0) {
            int g = Long.numberOfTrailingZeros(mk);
            mk &= mk - 1;
            long t = profiles[g].earliest(w.cores[j], w.mem[j], w.gpus[j], held(j));
            if (t < best) {
                best = t;
                bestGroup = g;
                bestSegment = profiles[g].found;
            }
        }
        profiles[bestGroup].take(bestSegment, best, held(j), w.cores[j], w.mem[j], w.gpus[j]);
        reservation[j] = best;
        reservedGroup[j] = bestGroup;
        planned++;
    }

    /** How long a reservation holds: the time limit, at least one second so that a zero limit still holds its place. */
    private long held(int j) {
        return Math.max(1, w.limit[j]);
    }

    /**
     * A group's availability profile: free cores, memory and GPUs as a step function of time from now on. Segment
     * {@code k} holds from {@code time[k]} until {@code time[k+1]}; the last one forever.
     */
    static final class Profile {
        long[] time = new long[64];
        long[] free = new long[64 * 3];
        int n;
        /** The segment the last {@link #earliest} returned the start of. */
        int found;

        void build(Pool pool, int g, long now) {
            n = 0;
            long c = pool.free[g * 3], m = pool.free[g * 3 + 1], gp = pool.free[g * 3 + 2];
            add(now, c, m, gp);
            long[] a = pool.running[g];
            int cnt = pool.runningCount[g];
            for (int k = 0; k < cnt; k++) {
                int r = (int) (a[k] & Pool.JOB_MASK);
                long t = (a[k] >>> Pool.JOB_BITS) + pool.t0;
                c += pool.w.cores[r];
                m += pool.w.mem[r];
                gp += pool.w.gpus[r];
                if (t <= now) {
                    free[0] = c;
                    free[1] = m;
                    free[2] = gp;
                } else if (time[n - 1] == t) {
                    free[(n - 1) * 3] = c;
                    free[(n - 1) * 3 + 1] = m;
                    free[(n - 1) * 3 + 2] = gp;
                } else {
                    add(t, c, m, gp);
                }
            }
        }

        private void add(long t, long c, long m, long g) {
            if (n == time.length) grow();
            time[n] = t;
            free[n * 3] = c;
            free[n * 3 + 1] = m;
            free[n * 3 + 2] = g;
            n++;
        }

        private void grow() {
            time = Arrays.copyOf(time, time.length * 2);
            free = Arrays.copyOf(free, free.length * 2);
        }

        /** Drops segments that ended before {@code now}. */
        void trim(long now) {
            int k = 0;
            while (k + 1 < n && time[k + 1] <= now) k++;
            if (k > 0) {
                System.arraycopy(time, k, time, 0, n - k);
                System.arraycopy(free, k * 3, free, 0, (n - k) * 3);
                n -= k;
            }
            if (n > 0 && time[0] < now) time[0] = now;
        }

        private boolean fits(int k, long c, long m, long g) {
            int b = k * 3;
            return free[b] >= c && free[b + 1] >= m && free[b + 2] >= g;
        }

        /** The earliest segment start from which the demand fits for {@code length} seconds. */
        long earliest(long c, long m, long g, long length) {
            int k = 0;
            while (k < n) {
                if (!fits(k, c, m, g)) {
                    k++;
                    continue;
                }
                long endAt = time[k] + length;
                int x = k + 1;
                while (x < n && time[x] < endAt && fits(x, c, m, g)) x++;
                if (x >= n || time[x] >= endAt) {
                    found = k;
                    return time[k];
                }
                k = x + 1;
            }
            return Long.MAX_VALUE;
        }

        /** Takes the demand from {@code [at, at + length)}; {@code at} is the start of segment {@code k}. */
        void take(int k, long at, long length, long c, long m, long g) {
            if (length <= 0) return;
            if (time[k] != at) throw new IllegalStateException("not a segment start");
            long endAt = at + length;
            int x = k;
            while (x < n && time[x] < endAt) x++;
            if (x == n || time[x] != endAt) {
                // split the segment before x at endAt
                insert(x, endAt, x - 1);
            }
            for (int i = k; i < x; i++) {
                free[i * 3] -= c;
                free[i * 3 + 1] -= m;
                free[i * 3 + 2] -= g;
            }
        }

        private void insert(int at, long t, int copyOf) {
            if (n == time.length) grow();
            System.arraycopy(time, at, time, at + 1, n - at);
            System.arraycopy(free, at * 3, free, (at + 1) * 3, (n - at) * 3);
            time[at] = t;
            free[at * 3] = free[copyOf * 3];
            free[at * 3 + 1] = free[copyOf * 3 + 1];
            free[at * 3 + 2] = free[copyOf * 3 + 2];
            n++;
        }
    }
}
