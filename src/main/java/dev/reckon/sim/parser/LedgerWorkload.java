package dev.reckon.sim.parser;

import dev.reckon.ledger.JobQuery;
import dev.reckon.ledger.Ledger;
import dev.reckon.model.Job;

import java.time.Instant;
import java.util.function.Function;

/**
 * A period of real history from the ledger, for simulation: every job submitted in {@code [since, until)}, times in
 * epoch seconds. Memory requests are modelled (the machine file says what nodes hold). Jobs that never started
 * or are still running have no runtime and are dropped with the reason. The ledger says nothing about the machine:
 * the caller supplies one ({@link MachineFile}). See {@link JobMapping} for the rest of the rules.
 */
public final class LedgerWorkload {
    private LedgerWorkload() {}

    /** The jobs submitted in the window; {@code since}/{@code until} may be null (open). */
    public static Load read(Ledger ledger, Instant since, Instant until) {
        return read(ledger, since, until, j -> null);
    }

    /** The same, each job tagged by {@code tagger} (e.g. {@code "undefended"}; null for none). */
    public static Load read(Ledger ledger, Instant since, Instant until, Function<Job, String> tagger) {
        JobMapping map = new JobMapping(true);
        ledger.forEachJob(JobQuery.all().withWindow(since, until), j -> add(map, j, since, until, tagger));
        return new Load(map.build(), null, null, map.dropped(), map.notes());
    }

    /**
     * The same rules over jobs already read (e.g. for a what-if that also reviews them): the jobs of {@code jobs}
     * submitted in the window, each tagged by {@code tagger}.
     */
    public static Load of(Iterable<Job> jobs, Instant since, Instant until, Function<Job, String> tagger) {
        JobMapping map = new JobMapping(true);
        for (Job j : jobs) add(map, j, since, until, tagger);
        return new Load(map.build(), null, null, map.dropped(), map.notes());
    }

    /** A workload built one job at a time, by the same rules: for a reading that feeds several workloads at once. */
    public static final class Builder {
        private final JobMapping map = new JobMapping(true);
        private final Instant since;
        private final Instant until;
        private final Function<Job, String> tagger;

        public Builder(Instant since, Instant until, Function<Job, String> tagger) {
            this.since = since;
            this.until = until;
            this.tagger = tagger;
        }

        public void add(Job j) {
            LedgerWorkload.add(map, j, since, until, tagger);
        }

        /**
         * Adds the job with this tag (null: none) instead of the tagger's; returns where it is among the jobs kept, for
         * {@link #tag}, or -1 when it is left out (outside the window, or dropped with its reason).
         */
        public int add(Job j, String tag) {
            return LedgerWorkload.add(map, j, since, until, x -> tag);
        }

        /** Tags anew the job {@link #add(Job, String)} put at {@code index} (null: no tag), before {@link #load}. */
        public void tag(int index, String tag) {
            map.tag(index, tag);
        }

        public Load load() {
            return new Load(map.build(), null, null, map.dropped(), map.notes());
        }
    }

    private static int add(JobMapping map, Job j, Instant since, Instant until, Function<Job, String> tagger) {
        if (j.submit() != null && since != null && j.submit().isBefore(since)) return -1;
        if (j.submit() != null && until != null && !j.submit().isBefore(until)) return -1;
        if (j.start() == null && j.end() != null) {
            map.drop(j.jobId(), "never started (" + j.state() + ")");
            return -1;
        }
        if (j.start() != null && j.end() == null) {
            map.drop(j.jobId(), "still running: runtime unknown");
            return -1;
        }
        return map.add(j, 0, tagger.apply(j));
    }
}
