package dev.reckon.model;

import com.fasterxml.jackson.annotation.JsonValue;

import java.time.Instant;
import java.util.Locale;
import java.util.Objects;

/**
 * An exit of a charter that has fallen due: which way it went, since when, and why.
 *
 * @param kind   success or failure
 * @param dueAt  the moment it fell due (the success condition came true, the budget ran out, the window closed, ...)
 * @param reason what made it due, in plain words
 */
public record Exit(Kind kind, Instant dueAt, String reason) {
    public Exit {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(dueAt, "dueAt");
        reason = reason == null ? "" : reason;
    }

    /** Which way an effort ends. */
    public enum Kind {
        SUCCESS, FAILURE;

        @JsonValue
        public String word() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The charter status an exit of this kind closes the charter with. */
        public Charter.Status closingStatus() {
            return this == SUCCESS ? Charter.Status.SUCCEEDED : Charter.Status.FAILED;
        }
    }
}
