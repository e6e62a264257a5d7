package dev.reckon.core;

/**
 * A request a use case cannot take as given: a value out of range, two choices that exclude each other. Its message
 * names the option or field and says what is expected, e.g. {@code --period: at least 1s}. The command line answers it
 * with exit 2, a web door with 400.
 */
public final class BadRequest extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public BadRequest(String message) {
        super(message, null, false, false);
    }
}
