package dev.reckon.app;

import dev.reckon.core.InputError;

import java.util.List;
import java.util.Objects;

/**
 * What a use case gives back: its value, the problems met on the way that did not stop it (a charter file that
 * does not read, left out), and notes a person should see (why a list is empty, what to run next). Doors render the
 * value, report the problems (the command line on standard error) and show the notes.
 *
 * @param value    the answer
 * @param problems input that was set aside, each naming file, line and field
 * @param notes    plain sentences for the reader
 */
public record Outcome<T>(T value, List<InputError> problems, List<String> notes) {
    public Outcome {
        Objects.requireNonNull(value, "value");
        problems = List.copyOf(problems);
        notes = List.copyOf(notes);
    }

    public static <T> Outcome<T> of(T value) {
        return new Outcome<>(value, List.of(), List.of());
    }

    public static <T> Outcome<T> of(T value, List<InputError> problems, List<String> notes) {
        return new Outcome<>(value, problems, notes);
    }
}
