package dev.reckon.optimise;

import java.util.Locale;

/** Where a stage's work may run: on CPUs alone, or with GPUs. */
public enum Lane {
    CPU, GPU;

    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The lane for a word, in any case; null when it names none. */
    public static Lane of(String word) {
        for (Lane l : values()) if (l.name().equalsIgnoreCase(word == null ? "" : word.strip())) return l;
        return null;
    }
}
