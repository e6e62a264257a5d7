package dev.reckon.sim;

import java.util.Arrays;

/**
 * EASY backfill (Lifka's Argonne scheduler; Mu'alem and Feitelson 2001): jobs start in queue order while they fit;
 * the first that does not (the head) gets a reservation at the earliest time running jobs' limits free enough for
 * it; then up to {@code depth} queued jobs, head included, are tested and any that fits now starts if it will end
 * (by its limit) before the reservation, or uses only what the reservation leaves over.
 *
 * <p>The queue is in submit order, or, with a {@link Multifactor}, in priority order (Slurm's multifactor priority
 * with its backfill), recomputed every {@code calcPeriod}.
 *
 * <p>A pass after an instant with only arrivals tests only the new jobs: nothing freed, so every earlier verdict and
 * the head's reservation stand.
 */
final class EasyBackfill implements Policy {
    private final Pool pool;
    private final Workload w;
    private final JobQueue queue;
    private final int depth;
    private final Multifactor priority;
    private final long[] firstReservation;

    private boolean freed = true;
    private int lastHead = -1;
    private int firstNew = -1;
    private int tested;
    private long shadow;
    private int shadowGroup;
    private long nextCalc = Long.MIN_VALUE;

    EasyBackfill(Pool pool, int depth, Multifactor priority) {
        this.pool = pool;
        this.w = pool.workload();
        this.queue = new JobQueue(w.size());
        this.depth = depth;
        this.priority = priority;
        this.firstReservation = new long[w.size()];
        Arrays.fill(firstReservation, Long.MIN_VALUE);
    }

    /** The reservation job {@code j} got when it first headed a blocked queue; {@link Long#MIN_VALUE} if never. */
    long firstReservation(int j) {
        return firstReservation[j];
    }

    @Override
    public void submitted(int job, long now) {
        if (priority == null) {
            queue.append(job);
            if (firstNew < 0) firstNew = job;
        } else {
            double p = priority.atSubmit(job);
            int after = queue.tail();
            while (after >= 0 && priority.value(after) < p) after = queue.prev(after);
            queue.insertAfter(job, after);
            freed = true;
        }
    }

    @Override
    public void ended(int job, long now) {
        freed = true;
        if (priority != null) priority.ended(job, now);
    }

    @Override
    public long schedule(long now) {
        if (priority != null && now >= nextCalc) {
            queue.reorder(priority.recalc(queue.toArray(), now));
            nextCalc = now + priority.period();
            freed = true;
        }
        for (int h = queue.head(); h >= 0; h = queue.head()) {
            int g = pool.fitNow(h);
            if (g < 0) break;
            start(h, g, now);
        }
        int h = queue.head();
        if (h < 0) {
            firstNew = -1;
            lastHead = -1;
            return wake();
        }
        int j;
        if (freed || h != lastHead || firstNew < 0) {
            shadow = pool.reserve(h, now);
            shadowGroup = pool.reservedGroup();
            if (firstReservation[h] == Long.MIN_VALUE) firstReservation[h] = shadow;
            tested = 1;
            j = queue.next(h);
        } else {
            j = firstNew;
        }
        while (j >= 0 && tested < depth) {
            tested++;
            int nj = queue.next(j);
            backfill(j, now);
            j = nj;
        }
        freed = false;
        lastHead = h;
        firstNew = -1;
        return wake();
    }

    private long wake() {
        return priority != null && !queue.isEmpty() ? nextCalc : Long.MAX_VALUE;
    }

    private void backfill(int j, long now) {
        long mk = pool.mask[j];
        boolean endsInTime = now + w.limit[j] <= shadow;
        while (mk != 0) {
            int g = Long.numberOfTrailingZeros(mk);
            mk &= mk - 1;
            if (!pool.fitsIn(j, g)) continue;
            if (endsInTime || g != shadowGroup) {
                start(j, g, now);
                return;
            }
            if (pool.fitsExtra(j)) {
                pool.takeExtra(j);
                start(j, g, now);
                return;
            }
        }
    }

    private void start(int j, int g, long now) {
        queue.remove(j);
        if (priority != null) priority.started(j, now);
        pool.start(j, g, now);
    }
}
