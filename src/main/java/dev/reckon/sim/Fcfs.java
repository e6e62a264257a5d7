package dev.reckon.sim;

/** First come, first served: jobs start in submit order; a job that does not fit blocks every job behind it. */
final class Fcfs implements Policy {
    private final Pool pool;
    private final JobQueue queue;

    Fcfs(Pool pool) {
        this.pool = pool;
        this.queue = new JobQueue(pool.workload().size());
    }

    @Override
    public void submitted(int job, long now) {
        queue.append(job);
    }

    @Override
    public void ended(int job, long now) {
    }

    @Override
    public long schedule(long now) {
        for (int h = queue.head(); h >= 0; h = queue.head()) {
            int g = pool.fitNow(h);
            if (g < 0) break;
            queue.remove(h);
            pool.start(h, g, now);
        }
        return Long.MAX_VALUE;
    }
}
