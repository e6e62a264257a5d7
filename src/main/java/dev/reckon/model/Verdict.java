package dev.reckon.model;

import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;

/**
 * Where a charter stands against its exits at a moment: still inside them, close to one, at one, or past one and
 * still consuming.
 */
public enum Verdict {
    /** No exit is due and none is near. */
    CONTINUE,
    /** No exit is due yet, but the budget is nearly spent or the window nearly over. */
    APPROACHING,
    /** A success condition holds: the effort has won and should stop. */
    SUCCESS_EXIT,
    /** The budget is spent, the window is over, or a failure condition holds, and no success condition does. */
    FAILURE_EXIT,
    /** An exit is due and the effort has consumed since it fell due. */
    OVERRUN;

    /** The word used in reports and JSON: {@code continue}, {@code approaching}, {@code success-exit}, ... */
    @JsonValue
    public String word() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The verdict for a word, in any case; null when it names none. */
    public static Verdict of(String word) {
        for (Verdict v : values()) if (v.word().equalsIgnoreCase(word == null ? "" : word.strip())) return v;
        return null;
    }
}
