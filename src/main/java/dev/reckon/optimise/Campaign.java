package dev.reckon.optimise;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * An optimisation campaign: one staged pipeline (data_fetching, preprocessing, caching, training, eval, ...) whose
 * target work should finish in the shortest total wall-clock — queue wait + runtime + retries — without crashes or
 * running out of memory, charged to one charter whose budget limits it.
 *
 * @param name    the campaign's name (letters, digits, {@code _ . -})
 * @param version its version: 1 for the file as written, one more for each configuration promoted back into it
 * @param charter the id of the charter it charges
 * @param stages  its stages, in the order the file gives them (dependencies say what must finish first)
 */
public record Campaign(String name, int version, String charter, List<Stage> stages) {
    public Campaign {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(charter, "charter");
        stages = List.copyOf(stages);
        if (version < 1) throw new IllegalArgumentException("version must be at least 1");
    }

    public Optional<Stage> stage(String stageName) {
        return stages.stream().filter(s -> s.name().equals(stageName)).findFirst();
    }

    /** This campaign with one stage's starting shape replaced (a promoted configuration), version + 1. */
    public Campaign promote(String stageName, Shape shape) {
        return new Campaign(name, version + 1, charter,
                stages.stream().map(s -> s.name().equals(stageName) ? s.withStart(shape) : s).toList());
    }
}
