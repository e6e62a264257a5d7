package dev.reckon.report;

import java.util.ArrayList;
import java.util.List;

/**
 * A plain terminal table: a header, rows, columns padded to their widest cell, numbers right-aligned.
 * Cells wider than a column's cap are cut with an ellipsis so that a long job name cannot break the layout.
 */
public final class Table {
    private final List<String> header;
    private final boolean[] rightAligned;
    private final int[] caps;
    private final List<String[]> rows = new ArrayList<>();

    /** Columns by name; a name ending in {@code >} is right-aligned (the marker is not printed). */
    public Table(String... columns) {
        header = new ArrayList<>();
        rightAligned = new boolean[columns.length];
        caps = new int[columns.length];
        for (int i = 0; i < columns.length; i++) {
            String c = columns[i];
            rightAligned[i] = c.endsWith(">");
            header.add(rightAligned[i] ? c.substring(0, c.length() - 1) : c);
            caps[i] = 40;
        }
    }

    public Table row(Object... cells) {
        if (cells.length != header.size()) throw new IllegalArgumentException("row has " + cells.length + " cells, table has " + header.size());
        String[] r = new String[cells.length];
        for (int i = 0; i < cells.length; i++) {
            String s = Format.orDash(cells[i]);
            if (s.length() > caps[i]) s = s.substring(0, caps[i] - 1) + "…";
            r[i] = s;
        }
        rows.add(r);
        return this;
    }

    public int size() {
        return rows.size();
    }

    public String render() {
        int n = header.size();
        int[] w = new int[n];
        for (int i = 0; i < n; i++) w[i] = header.get(i).length();
        for (String[] r : rows) for (int i = 0; i < n; i++) w[i] = Math.max(w[i], r[i].length());
        StringBuilder b = new StringBuilder();
        line(b, header.toArray(new String[0]), w);
        for (String[] r : rows) line(b, r, w);
        return b.toString();
    }

    private void line(StringBuilder b, String[] cells, int[] w) {
        StringBuilder l = new StringBuilder();
        for (int i = 0; i < cells.length; i++) {
            if (i > 0) l.append("  ");
            String c = cells[i];
            String pad = " ".repeat(w[i] - c.length());
            if (rightAligned[i]) l.append(pad).append(c);
            else l.append(c).append(i == cells.length - 1 ? "" : pad);
        }
        b.append(l.toString().stripTrailing()).append('\n');
    }
}
