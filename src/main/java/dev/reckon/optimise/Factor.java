package dev.reckon.optimise;

import java.util.Locale;

/** What a campaign lets the optimiser vary in a stage's shape. */
public enum Factor {
    /** CPUs per job. */
    CPUS,
    /** Memory per job, bytes (set from evidence: peak seen x margin; bounded). */
    MEM,
    /** GPUs per job (0 moves the stage to the CPU lane, when the stage allows it). */
    GPUS,
    /** Time limit per job, seconds (set from evidence; bounded). */
    TIME,
    /** Units of work per job: the job granularity. */
    SHARDS_PER_JOB,
    /** Jobs of the stage at once. */
    CONCURRENCY;

    /** The word used in campaign files and reports: {@code cpus}, {@code shards_per_job}, ... */
    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Factor of(String word) {
        for (Factor f : values()) if (f.word().equalsIgnoreCase(word == null ? "" : word.strip())) return f;
        return null;
    }
}
