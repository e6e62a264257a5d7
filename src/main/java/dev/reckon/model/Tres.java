package dev.reckon.model;

import java.util.Map;

/**
 * A trackable-resource string as Slurm prints it ({@code billing=8,cpu=6,mem=64G,node=1,gres/gpu=2}), parsed.
 * Memory is in bytes; {@code null} where the string did not name the resource.
 *
 * @param other every entry by its name, as text, including the ones above
 */
public record Tres(Double cpu, Long memBytes, Integer gpus, Integer nodes, Double billing, Map<String, String> other) {
    public static final Tres EMPTY = new Tres(null, null, null, null, null, Map.of());
}
