package dev.reckon.ledger;

/**
 * A reader for the positional JSON the ledger writes itself (arrays of strings, numbers, null and nested arrays),
 * several times faster than a general parser on these small texts. Throws {@link IllegalStateException} on
 * anything else.
 */
final class JsonCursor {
    private final String s;
    private int i;

    JsonCursor(String s) {
        this.s = s;
    }

    /** Consumes {@code c}, after any blanks and one separating comma. */
    void expect(char c) {
        skipSeparator();
        if (i >= s.length() || s.charAt(i) != c) throw error("expected '" + c + "'");
        i++;
    }

    /** True (and consumed) if the next token is {@code c}; otherwise nothing is consumed but the separator. */
    boolean take(char c) {
        skipSeparator();
        if (i < s.length() && s.charAt(i) == c) {
            i++;
            return true;
        }
        return false;
    }

    /** Whether the next token (after a separator) is a number, which is not consumed. */
    boolean atNumber() {
        skipSeparator();
        if (i >= s.length()) return false;
        char c = s.charAt(i);
        return (c >= '0' && c <= '9') || c == '-';
    }

    /** Whether another value follows in the current array (the next token is not its closing bracket). */
    boolean more() {
        skipSeparator();
        return i < s.length() && s.charAt(i) != ']';
    }

    /** Consumes one value of any kind this reader knows: a string, a number, null or a nested array. */
    void skipValue() {
        skipSeparator();
        if (i >= s.length()) throw error("expected a value");
        char c = s.charAt(i);
        if (c == '"') {
            nextString();
        } else if (c == '[') {
            i++;
            while (more()) skipValue();
            expect(']');
        } else if (c == 'n') {
            if (!isNull()) throw error("expected a value");
        } else {
            nextDouble();
        }
    }

    boolean atEnd() {
        while (i < s.length() && s.charAt(i) <= ' ') i++;
        return i >= s.length();
    }

    String nextString() {
        skipSeparator();
        if (isNull()) return null;
        if (i >= s.length() || s.charAt(i) != '"') throw error("expected a string");
        int start = ++i;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == '"') return s.substring(start, i++);
            if (c == '\\') return escapedString(start);
            i++;
        }
        throw error("unterminated string");
    }

    private String escapedString(int start) {
        StringBuilder b = new StringBuilder(s.length() - start);
        b.append(s, start, i);
        while (i < s.length()) {
            char c = s.charAt(i++);
            if (c == '"') return b.toString();
            if (c != '\\') {
                b.append(c);
                continue;
            }
            if (i >= s.length()) break;
            char e = s.charAt(i++);
            switch (e) {
                case 'n': b.append('\n'); break;
                case 'r': b.append('\r'); break;
                case 't': b.append('\t'); break;
                case 'b': b.append('\b'); break;
                case 'f': b.append('\f'); break;
                case 'u':
                    if (i + 4 > s.length()) throw error("bad escape");
                    b.append((char) Integer.parseInt(s, i, i + 4, 16));
                    i += 4;
                    break;
                default: b.append(e);
            }
        }
        throw error("unterminated string");
    }

    Long nextLong() {
        skipSeparator();
        if (isNull()) return null;
        int start = i;
        boolean neg = i < s.length() && s.charAt(i) == '-';
        if (neg) i++;
        long v = 0;
        int digits = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') break;
            v = v * 10 - (c - '0');
            i++;
            digits++;
        }
        if (digits == 0 || digits > 19 || (i < s.length() && (s.charAt(i) == '.' || s.charAt(i) == 'e'
                || s.charAt(i) == 'E'))) {
            i = start;
            throw error("expected an integer");
        }
        if (digits == 19) return Long.parseLong(s, start, i, 10);
        return neg ? v : -v;
    }

    Integer nextInt() {
        Long v = nextLong();
        if (v == null) return null;
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) throw error("integer out of range");
        return v.intValue();
    }

    Double nextDouble() {
        skipSeparator();
        if (isNull()) return null;
        int start = i;
        while (i < s.length()) {
            char c = s.charAt(i);
            if ((c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E') i++;
            else break;
        }
        if (i == start) throw error("expected a number");
        return Double.parseDouble(s.substring(start, i));
    }

    private boolean isNull() {
        if (s.startsWith("null", i)) {
            i += 4;
            return true;
        }
        return false;
    }

    private void skipSeparator() {
        while (i < s.length() && s.charAt(i) <= ' ') i++;
        if (i < s.length() && s.charAt(i) == ',') i++;
        while (i < s.length() && s.charAt(i) <= ' ') i++;
    }

    private IllegalStateException error(String what) {
        return new IllegalStateException(what + " at offset " + i);
    }
}
