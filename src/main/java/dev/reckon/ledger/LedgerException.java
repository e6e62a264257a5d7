package dev.reckon.ledger;

/**
 * The ledger could not do what was asked: the server is unreachable, the file cannot be written, the schema is
 * newer than this version knows, the database refused a statement. The message is one line a user can act on;
 * the cause, where there is one, keeps the driver's detail. Its {@link #kind()} tells a door which exit code (or
 * HTTP status) fits: the database server could not be reached at all, or anything else.
 */
public final class LedgerException extends RuntimeException {

    /** What went wrong, for the door's exit code. */
    public enum Kind {
        /** The ledger's file or database could not be read or written, or refused a statement (exit 74). */
        IO,
        /** The ledger's database server could not be reached or refused the connection (exit 69). */
        UNAVAILABLE
    }

    private final Kind kind;

    public LedgerException(String message) {
        this(Kind.IO, message, null);
    }

    public LedgerException(String message, Throwable cause) {
        this(Kind.IO, message, cause);
    }

    public LedgerException(Kind kind, String message, Throwable cause) {
        super(oneLine(message), cause);
        this.kind = kind == null ? Kind.IO : kind;
    }

    /** Whether the server was unavailable or the ledger failed otherwise. */
    public Kind kind() {
        return kind;
    }

    /** The text on one line: line breaks and runs of blanks become single spaces. */
    static String oneLine(String text) {
        if (text == null) return "";
        return text.replaceAll("\\s+", " ").strip();
    }
}
