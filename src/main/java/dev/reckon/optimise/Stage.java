package dev.reckon.optimise;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One stage of a pipeline.
 *
 * @param name      its name ({@code data_fetching}, {@code preprocessing}, {@code caching}, {@code training},
 *                  {@code eval}, or any)
 * @param shards    its target work, in units (400 preprocessing shards, 1 training run, 20 evaluations)
 * @param command   the job's command template: {@code {shard_first}}, {@code {shard_last}}, {@code {shards}},
 *                  {@code {cpus}}, {@code {mem_mb}}, {@code {gpus}}, {@code {time_s}}, {@code {stage}},
 *                  {@code {campaign}} are replaced per job
 * @param start     the starting shape (as submitted today)
 * @param bounds    the factors that may vary, each within inclusive bounds; a factor absent is fixed at the start
 * @param lanes     the lanes the stage may use
 * @param dependsOn the stages that must finish before it starts
 * @param match     how its past jobs are recognised in the ledger: a job-name pattern ({@code *} wildcards)
 */
public record Stage(String name, int shards, String command, Shape start, Map<Factor, Range> bounds, Set<Lane> lanes,
                    List<String> dependsOn, String match) {
    public Stage {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(start, "start");
        if (shards < 1) throw new IllegalArgumentException("a stage needs at least 1 unit of work");
        bounds = Map.copyOf(bounds);
        lanes = Set.copyOf(lanes);
        dependsOn = List.copyOf(dependsOn);
    }

    /** An inclusive range of a factor's values. */
    public record Range(long min, long max) {
        public Range {
            if (min > max) throw new IllegalArgumentException("min " + min + " > max " + max);
        }

        public boolean contains(long v) {
            return v >= min && v <= max;
        }

        public long clamp(long v) {
            return Math.max(min, Math.min(max, v));
        }
    }

    public boolean varies(Factor f) {
        return bounds.containsKey(f);
    }

    Stage withStart(Shape s) {
        return new Stage(name, shards, command, s, bounds, lanes, dependsOn, match);
    }
}
