package dev.reckon.sim;

import dev.reckon.model.JobState;
import dev.reckon.source.Cluster;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link Cluster} on virtual time: jobs are scheduled by the simulator on a {@link Machine}, and what they truly
 * need comes from a {@link WorkloadModel}. Time moves only when asked: {@link #poll} advances to the next start or
 * end of the jobs polled (or by the wait given), {@link #advanceTo} to a given instant.
 *
 * <p>What a job does under its requests, given its model outcome (runtime R, peak memory P, fails F):
 * <ul>
 * <li>memory grows linearly from nothing to P over the run, so a job asking for M &lt; P is killed
 *     {@code OUT_OF_MEMORY} (exit {@code 0:125}) when it reaches M: after {@code R x M / P} seconds (at least 1);</li>
 * <li>a job whose time limit L is below its runtime is ended {@code TIMEOUT} (exit {@code 0:15}) at L;</li>
 * <li>whichever comes first wins (out of memory on a tie); otherwise it ends after R, {@code FAILED} (exit
 *     {@code 1:0}) when F, else {@code COMPLETED} ({@code 0:0}). Its reported peak is P scaled to how far it ran.</li>
 * </ul>
 * Optional background load, a workload (e.g. an SWF trace) replayed from the cluster's start, shares the machine;
 * its jobs run as recorded (ended at their limits) and are not reported. Scheduling is re-planned from the current
 * state at each step (running jobs hold what they hold until their ends; the queue keeps its order), as a real
 * scheduler re-plans at each pass; policies {@code fcfs}, {@code easy} and {@code conservative}.
 */
public final class SimulatedCluster implements Cluster {
    private final Machine machine;
    private final WorkloadModel model;
    private final String policy;
    private final SimDefaults defaults;
    private final List<Entry> entries = new ArrayList<>();
    private final Map<String, Entry> own = new HashMap<>();
    private long now;
    private int next = 1;
    private int backgroundDropped;

    /** One job the cluster holds: the user's or the background's. */
    private static final class Entry {
        final String id;
        final long submit, limit, duration, cores, mem, gpus, peak;
        final int nodes;
        String partition;
        final JobState finalState;
        final String exit;
        final boolean mine;
        long start = Long.MIN_VALUE, end = Long.MIN_VALUE;
        long runtimeOfModel;
        JobState state = JobState.PENDING;
        String exitNow;

        Entry(String id, long submit, long limit, long duration, int nodes, long cores, long mem, long gpus, long peak,
              JobState finalState, String exit, boolean mine) {
            this.id = id;
            this.nodes = nodes;
            this.submit = submit;
            this.limit = limit;
            this.duration = duration;
            this.cores = cores;
            this.mem = mem;
            this.gpus = gpus;
            this.peak = peak;
            this.finalState = finalState;
            this.exit = exit;
            this.mine = mine;
        }

        boolean over() {
            return state.isFinal();
        }
    }

    /**
     * A simulated cluster starting at {@code start}.
     *
     * @param background jobs replayed from {@code start} on (their first submit at {@code start}); null for none
     * @param policy     {@code fcfs}, {@code easy} or {@code conservative}
     */
    public SimulatedCluster(Machine machine, WorkloadModel model, Workload background, Instant start, String policy,
                            SimDefaults defaults) {
        if (!List.of("fcfs", "easy", "conservative").contains(policy)) {
            throw new IllegalArgumentException("a simulated cluster runs fcfs, easy or conservative, not " + policy);
        }
        this.machine = machine;
        this.model = model;
        this.policy = policy;
        this.defaults = defaults;
        this.now = start.getEpochSecond();
        if (background != null && background.size() > 0) {
            Pool check = new Pool(machine, background);
            long offset = now - background.submit(0);
            for (int j = 0; j < background.size(); j++) {
                if (!check.fits(j)) {
                    backgroundDropped++;
                    continue;
                }
                long d = Math.min(background.runtime(j), background.limit(j));
                entries.add(new Entry("bg-" + background.id(j), background.submit(j) + offset, background.limit(j), d,
                        background.nodes(j), background.cores(j), background.memBytes(j), background.gpus(j), 0,
                        background.runtime(j) > background.limit(j) ? JobState.TIMEOUT : JobState.COMPLETED, "0:0",
                        false));
                entries.get(entries.size() - 1).partition = background.partition(j);
            }
        }
    }

    /** The machine the cluster schedules on. */
    public Machine machine() {
        return machine;
    }

    /** The policy it schedules by. */
    public String policy() {
        return policy;
    }

    /**
     * The queue as a scheduler's clients see it now: the running and pending jobs (the background's too, not those
     * yet to be submitted), each running one with its time limit and how long it has run: what {@link Predict} reads.
     */
    public List<Predict.LiveJob> queue() {
        List<Predict.LiveJob> out = new ArrayList<>();
        for (Entry e : entries) {
            if (e.over() || e.submit > now) continue;
            boolean running = e.state == JobState.RUNNING;
            out.add(new Predict.LiveJob(e.id, running, e.partition, e.mine ? "me" : "other", 0,
                    Instant.ofEpochSecond(e.submit), e.limit, running ? now - e.start : 0, e.nodes, e.cores, e.mem, e.gpus));
        }
        return out;
    }

    /** Background jobs left out because they fit no part of the machine. */
    public int backgroundDropped() {
        return backgroundDropped;
    }

    @Override
    public Instant now() {
        return Instant.ofEpochSecond(now);
    }

    @Override
    public String submit(Submission s) {
        Workload one = new Workload.Builder().add("new", now, s.timeLimitS(), s.timeLimitS(), 1, s.cpus(),
                s.memBytes(), s.gpus(), null, s.partition(), null).build();
        Pool check = new Pool(machine, one);
        if (!check.fits(0)) throw new IllegalArgumentException("the cluster refuses " + s.name() + ": "
                + check.unfit.get(0).reason());
        WorkloadModel.Outcome o = model.outcome(s);
        long run = o.runtimeS();
        long d = run;
        JobState state = o.fails() ? JobState.FAILED : JobState.COMPLETED;
        String exit = o.fails() ? "1:0" : "0:0";
        if (s.timeLimitS() < d) {
            d = s.timeLimitS();
            state = JobState.TIMEOUT;
            exit = "0:15";
        }
        if (s.memBytes() > 0 && o.peakMemBytes() > s.memBytes()) {
            long oomAt = Math.max(1, (long) Math.floor((double) run * s.memBytes() / o.peakMemBytes()));
            if (oomAt <= d) {
                d = oomAt;
                state = JobState.OUT_OF_MEMORY;
                exit = "0:125";
            }
        }
        String id = Integer.toString(next++);
        Entry e = new Entry(id, now, s.timeLimitS(), d, 1, s.cpus(), s.memBytes(), s.gpus(), o.peakMemBytes(), state,
                exit, true);
        e.runtimeOfModel = run;
        e.partition = s.partition();
        entries.add(e);
        own.put(id, e);
        return id;
    }

    @Override
    public List<JobStatus> poll(Collection<String> ids, Duration wait) {
        List<Entry> es = mine(ids);
        long target = now + Math.max(0, wait.getSeconds());
        Plan plan = plan(target);
        long change = Long.MAX_VALUE;
        for (Entry e : es) {
            if (e.over()) continue;
            long st = plan.start(e), en = plan.end(e);
            if (st != Long.MIN_VALUE && st > now) change = Math.min(change, st);
            if (en != Long.MIN_VALUE && en > now) change = Math.min(change, en);
        }
        commit(plan, Math.min(target, change));
        return statuses(es);
    }

    /** Advances the virtual clock to {@code t} (not backwards), starting and ending jobs on the way. */
    public void advanceTo(Instant t) {
        long to = t.getEpochSecond();
        if (to < now) throw new IllegalArgumentException("the clock does not go back: " + t + " < " + now());
        commit(plan(to), to);
    }

    @Override
    public void cancel(String id) {
        Entry e = mine(List.of(id)).get(0);
        commit(plan(now), now);
        if (e.over()) return;
        e.end = now;
        e.state = JobState.CANCELLED;
        e.exitNow = "0:15";
    }

    @Override
    public List<JobStatus> accounting(Collection<String> ids) {
        List<Entry> ended = new ArrayList<>();
        for (Entry e : mine(ids)) if (e.over()) ended.add(e);
        return statuses(ended);
    }

    private List<Entry> mine(Collection<String> ids) {
        List<Entry> out = new ArrayList<>();
        for (String id : ids) {
            Entry e = own.get(id);
            if (e == null) throw new IllegalArgumentException("no job " + id + " on this cluster");
            out.add(e);
        }
        return out;
    }

    private List<JobStatus> statuses(List<Entry> es) {
        List<JobStatus> out = new ArrayList<>();
        for (Entry e : es) {
            boolean started = e.start != Long.MIN_VALUE;
            long ranTo = e.end != Long.MIN_VALUE ? e.end : now;
            long elapsed = started ? ranTo - e.start : 0;
            Long peak = !started ? null : e.state == JobState.OUT_OF_MEMORY ? Long.valueOf(e.mem)
                    : Long.valueOf(e.runtimeOfModel == 0 ? e.peak : Math.round(e.peak * Math.min(1.0,
                    (double) elapsed / e.runtimeOfModel)));
            out.add(new JobStatus(e.id, e.state, started ? Instant.ofEpochSecond(e.start) : null,
                    e.end != Long.MIN_VALUE ? Instant.ofEpochSecond(e.end) : null, e.exitNow, peak, elapsed));
        }
        return out;
    }

    /**
     * The schedule from now until {@code to}, for every job not yet over. Jobs submitted after {@code to} are left
     * out: the simulator is causal (what happens up to an instant depends only on the jobs submitted by then), so
     * the plan up to {@code to} is the same without them, and a poll no longer re-simulates days of background.
     */
    private record Plan(SimResult r, List<Entry> order, Map<Entry, Integer> index) {
        long start(Entry e) {
            Integer j = index.get(e);
            return j == null || !r.ran(j) ? Long.MIN_VALUE : r.start(j);
        }

        long end(Entry e) {
            Integer j = index.get(e);
            return j == null || !r.ran(j) ? Long.MIN_VALUE : r.end(j);
        }
    }

    private Plan plan(long to) {
        List<Entry> running = new ArrayList<>(), waiting = new ArrayList<>(), future = new ArrayList<>();
        for (Entry e : entries) {
            if (e.over()) continue;
            if (e.state == JobState.RUNNING) running.add(e);
            else if (e.submit <= now) waiting.add(e);
            else if (e.submit <= to) future.add(e);
        }
        Workload.Builder b = new Workload.Builder();
        List<Entry> order = new ArrayList<>();
        for (Entry e : running) {
            long left = Math.max(0, e.start + e.duration - now);
            b.add(e.id, now, Math.max(left, e.start + e.limit - now), left, e.nodes, e.cores, e.mem, e.gpus, null,
                    e.partition, null);
            order.add(e);
        }
        for (Entry e : waiting) {
            b.add(e.id, now, e.limit, e.duration, e.nodes, e.cores, e.mem, e.gpus, null, e.partition, null);
            order.add(e);
        }
        for (Entry e : future) {
            b.add(e.id, e.submit, e.limit, e.duration, e.nodes, e.cores, e.mem, e.gpus, null, e.partition, null);
            order.add(e);
        }
        Map<Entry, Integer> index = new java.util.IdentityHashMap<>();
        for (int j = 0; j < order.size(); j++) index.put(order.get(j), j);
        Workload w = b.build();
        return new Plan(Simulator.run(machine, w, policy, defaults), order, index);
    }

    /** Makes the plan's starts and ends up to {@code to} facts, and moves the clock there. */
    private void commit(Plan p, long to) {
        for (int j = 0; j < p.order().size(); j++) {
            Entry e = p.order().get(j);
            if (!p.r().ran(j)) continue;
            long st = p.r().start(j), en = p.r().end(j);
            if (e.state == JobState.PENDING && st <= to) {
                e.start = st;
                e.state = JobState.RUNNING;
            }
            if (e.state == JobState.RUNNING && en <= to) {
                e.end = en;
                e.state = e.finalState;
                e.exitNow = e.exit;
            }
        }
        now = Math.max(now, to);
    }
}
