package dev.reckon.core;

/**
 * Bad input, located: the file (or {@code -} for standard input), the 1-based line, and the field at fault.
 * Its message is one line a user can act on, e.g. {@code jobs.txt:12: field Elapsed: "1-2x:00" is not a duration}.
 */
public final class InputError extends RuntimeException {
    private final String file;
    private final long line;
    private final String field;
    private final String problem;

    public InputError(String file, long line, String field, String problem) {
        super(format(file, line, field, problem), null, false, false);
        this.file = file;
        this.line = line;
        this.field = field;
        this.problem = problem;
    }

    private static String format(String file, long line, String field, String problem) {
        StringBuilder b = new StringBuilder(file == null ? "-" : file);
        if (line > 0) b.append(':').append(line);
        b.append(": ");
        if (field != null && !field.isEmpty()) b.append("field ").append(field).append(": ");
        // every problem is kept short: a bad value is quoted by its start and end, never whole
        b.append(InputText.problem(problem.replace('\n', ' ').replace('\r', ' ')));
        return b.toString();
    }

    public String file() { return file; }
    public long line() { return line; }
    public String field() { return field; }
    public String problem() { return problem; }
}
