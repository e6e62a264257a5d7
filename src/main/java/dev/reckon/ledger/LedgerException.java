package dev.reckon.ledger;

/**
 * The ledger could not do what was asked: the server is unreachable, the file cannot be written, the schema is
 * newer than this version knows, the database refused a statement. The message is one line a user can act on;
 * the cause, where there is one, keeps the driver's detail.
 */
public final class LedgerException extends RuntimeException {

    public LedgerException(String message) {
        super(oneLine(message));
    }

    public LedgerException(String message, Throwable cause) {
        super(oneLine(message), cause);
    }

    /** The text on one line: line breaks and runs of blanks become single spaces. */
    static String oneLine(String text) {
        if (text == null) return "";
        return text.replaceAll("\\s+", " ").strip();
    }
}
