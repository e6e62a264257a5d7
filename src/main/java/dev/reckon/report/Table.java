package dev.reckon.report;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * A plain terminal table: a header, rows, columns padded to their widest cell, numbers right-aligned.
 * Cells wider than a column's cap are cut with an ellipsis so that a long job name cannot break the layout.
 *
 * <p>A table {@linkplain #streamingTo streaming to} a stream keeps only its first rows: once it holds that many, it
 * prints them with the widths they need and prints every later row at once, so a million rows need no more
 * memory than a few thousand.
 */
public final class Table {
    private final List<String> header;
    private final boolean[] rightAligned;
    private final int[] caps;
    private final List<String[]> rows = new ArrayList<>();
    private PrintStream stream;
    private int keep;
    private int[] widths;
    private long count;

    /** Columns by name; a name ending in {@code >} is right-aligned (the marker is not printed). */
    public Table(String... columns) {
        header = new ArrayList<>();
        rightAligned = new boolean[columns.length];
        caps = new int[columns.length];
        for (int i = 0; i < columns.length; i++) {
            String c = columns[i];
            rightAligned[i] = c.endsWith(">");
            header.add(Terminal.visible(rightAligned[i] ? c.substring(0, c.length() - 1) : c, false));
            caps[i] = 40;
        }
    }

    /** Cuts the cells of column {@code column} (from 0) at {@code width} characters, with an ellipsis. */
    public Table cap(int column, int width) {
        caps[column] = Math.max(2, width);
        return this;
    }

    /** Prints to {@code out} once {@code keep} rows are held, and every row after them as it comes; see {@link #finish}. */
    public Table streamingTo(PrintStream out, int keep) {
        this.stream = out;
        this.keep = keep;
        return this;
    }

    public Table row(Object... cells) {
        if (cells.length != header.size()) throw new IllegalArgumentException("row has " + cells.length + " cells, table has " + header.size());
        String[] r = new String[cells.length];
        for (int i = 0; i < cells.length; i++) {
            // shown, never obeyed: an escape sequence or a line break in a name cannot reach the terminal
            String s = Terminal.visible(Format.orDash(cells[i]), false);
            if (s.length() > caps[i]) s = s.substring(0, caps[i] - 1) + "…";
            r[i] = s;
        }
        count++;
        if (widths != null) {
            StringBuilder b = new StringBuilder();
            line(b, r, widths);
            stream.print(b);
        } else {
            rows.add(r);
            if (stream != null && rows.size() >= keep) {
                stream.print(render());
                widths = widths();
                rows.clear();
            }
        }
        return this;
    }

    /** Rows so far, printed or held. */
    public long size() {
        return count;
    }

    /** For a streaming table: prints what is still held (all of it, when there were fewer rows than it keeps). */
    public void finish() {
        if (stream != null && widths == null && !rows.isEmpty()) stream.print(render());
        rows.clear();
    }

    /** The rows held as a Markdown table (a table that streams has none held once it printed them). */
    public String markdown() {
        StringBuilder b = new StringBuilder("|");
        for (String h : header) b.append(' ').append(mdCell(h)).append(" |");
        b.append("\n|");
        for (boolean right : rightAligned) b.append(right ? " ---: |" : " --- |");
        b.append('\n');
        for (String[] r : rows) {
            b.append('|');
            for (String c : r) b.append(' ').append(mdCell(c)).append(" |");
            b.append('\n');
        }
        return b.toString();
    }

    /** Text for Markdown outside a table: control characters shown, HTML's special characters escaped. */
    public static String escapeMarkdown(String s) {
        return html(plain(s));
    }

    /** Text for a terminal: control characters (escape sequences among them) shown as {@code ^[} and the like. */
    public static String plain(String s) {
        return Terminal.visible(s, true);
    }

    /** A Markdown table cell: HTML shown, not live; a pipe or a backslash cannot end the cell; no line break. */
    private static String mdCell(String s) {
        return html(Terminal.visible(s, false)).replace("\\", "\\\\").replace("|", "\\|");
    }

    private static String html(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    public String render() {
        int[] w = widths();
        StringBuilder b = new StringBuilder();
        line(b, header.toArray(new String[0]), w);
        for (String[] r : rows) line(b, r, w);
        return b.toString();
    }

    private int[] widths() {
        int n = header.size();
        int[] w = new int[n];
        for (int i = 0; i < n; i++) w[i] = header.get(i).length();
        for (String[] r : rows) for (int i = 0; i < n; i++) w[i] = Math.max(w[i], r[i].length());
        return w;
    }

    private void line(StringBuilder b, String[] cells, int[] w) {
        StringBuilder l = new StringBuilder();
        for (int i = 0; i < cells.length; i++) {
            if (i > 0) l.append("  ");
            String c = cells[i];
            String pad = " ".repeat(Math.max(0, w[i] - c.length()));
            if (rightAligned[i]) l.append(pad).append(c);
            else l.append(c).append(i == cells.length - 1 ? "" : pad);
        }
        b.append(l.toString().stripTrailing()).append('\n');
    }
}
