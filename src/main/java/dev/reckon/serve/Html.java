package dev.reckon.serve;

import com.fasterxml.jackson.databind.JsonNode;
import dev.reckon.core.Json;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;

/**
 * The frame of the served pages: one stylesheet (inline: the pages load nothing from anywhere), the navigation, and
 * tables drawn from the very JSON the API serves for the same request, so that a page's numbers and the API's cannot
 * differ. Pages that reckon already renders (the review, what-if, a campaign's round report) are served as those
 * renderers write them, with the navigation added.
 */
final class Html {
    /** The pages, in the navigation's order: path and label. */
    static final List<String[]> NAV = List.of(
            new String[] {"/review", "Review"},
            new String[] {"/exits", "Exits"},
            new String[] {"/owners", "Owners"},
            new String[] {"/jobs", "Jobs"},
            new String[] {"/whatif", "What-if"},
            new String[] {"/campaigns", "Campaigns"});

    static final String NAV_CSS = """
            nav.reckon{display:flex;flex-wrap:wrap;gap:4px 14px;align-items:center;padding:10px 18px;\
            background:#1d232b;font:15px system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif}
            nav.reckon a{color:#dfe6ee;text-decoration:none;padding:4px 2px}nav.reckon a.here{color:#fff;\
            border-bottom:2px solid #E69F00}nav.reckon b{color:#fff;margin-right:8px}
            """;

    static final String CSS = """
            body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;margin:0;\
            background:#f6f7f9;color:#1d232b;line-height:1.4}
            main{max-width:1060px;margin:0 auto;padding:20px 16px 48px}
            h1{font-size:24px;margin:0 0 4px}h2{font-size:18px;margin:0 0 6px}
            .sub{color:#5b6570;margin:0 0 14px}.note{color:#5b6570;font-size:13px;margin:4px 0 12px}
            section{background:#fff;border:1px solid #e1e4e8;border-radius:10px;padding:14px 16px;margin:16px 0}
            table{border-collapse:collapse;width:100%;font-size:14px}
            th{text-align:left;color:#5b6570;font-weight:600;border-bottom:2px solid #e1e4e8;padding:6px 8px;\
            white-space:nowrap}
            td{border-bottom:1px solid #eef0f2;padding:5px 8px;vertical-align:top;white-space:nowrap}
            td.long{white-space:normal;min-width:18em;overflow-wrap:break-word}
            td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
            .scroll{overflow-x:auto}
            form.filters{display:flex;flex-wrap:wrap;gap:8px 12px;align-items:flex-end}
            form.filters label{display:flex;flex-direction:column;font-size:13px;color:#5b6570}
            form.filters input{font:inherit;padding:5px 7px;border:1px solid #c9cfd6;border-radius:6px;width:9em}
            form.filters button{font:inherit;padding:6px 14px;border-radius:6px;border:1px solid #0072B2;\
            background:#0072B2;color:#fff}
            .none{color:#5b6570;font-style:italic}.problem{color:#D55E00}
            ul.notes{margin:4px 0;padding-left:20px;color:#5b6570;font-size:13px}
            @media (max-width:640px){main{padding:12px 8px 32px}section{padding:10px 8px}table{font-size:13px}\
            td,th{padding:4px 5px}}
            """;

    private Html() {}

    /** Text made safe for HTML content and attribute values: the reports' escaper. */
    static String esc(String s) {
        return dev.reckon.report.ReviewHtml.escape(s);
    }

    static String url(String s) {
        return URLEncoder.encode(s == null ? "" : s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    static String nav(String here) {
        StringBuilder b = new StringBuilder("<nav class=\"reckon\"><b>reckon</b>");
        for (String[] n : NAV)
            b.append("<a href=\"").append(n[0]).append('"').append(n[0].equals(here) ? " class=\"here\"" : "")
                    .append('>').append(n[1]).append("</a>");
        return b.append("<a href=\"/api/openapi.json\">API</a><a href=\"/metrics\">Metrics</a></nav>\n").toString();
    }

    /** A page of this server's own: the frame around {@code body}. */
    static String page(String title, String here, String body) {
        return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"/>"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>"
                + "<title>reckon: " + esc(title) + "</title><style>" + NAV_CSS + CSS + "</style></head>\n<body>"
                + nav(here) + "<main>\n<header><h1>" + esc(title) + "</h1></header>\n" + body + "</main></body></html>\n";
    }

    /**
     * A page a reckon renderer wrote whole ({@code ReviewHtml}, {@code WhatIfReport}, {@code OptimiseReport}) with
     * the navigation added at the top and {@code extra} (more sections) at the end of its content.
     */
    static String framed(String rendered, String here, String extra) {
        String s = rendered.replaceFirst("(?i)</head>", Matcher.quoteReplacement("<style>" + NAV_CSS + "</style></head>"));
        s = s.replaceFirst("(?i)<body([^>]*)>", "<body$1>" + Matcher.quoteReplacement(nav(here)));
        if (extra != null && !extra.isEmpty()) {
            int end = s.toLowerCase(java.util.Locale.ROOT).lastIndexOf("</main>");
            if (end < 0) end = s.toLowerCase(java.util.Locale.ROOT).lastIndexOf("</body>");
            s = s.substring(0, end) + extra + s.substring(end);
        }
        return s;
    }

    /** The problems (file:line: field) and notes a use case gave back, for the top of a page. */
    static String notes(List<String> problems, List<String> notes) {
        if (problems.isEmpty() && notes.isEmpty()) return "";
        StringBuilder b = new StringBuilder("<ul class=\"notes\">");
        for (String p : problems) b.append("<li class=\"problem\">").append(esc(p)).append("</li>");
        for (String n : notes) b.append("<li>").append(esc(n)).append("</li>");
        return b.append("</ul>\n").toString();
    }

    // ------------------------------------------------------------------------------------------------ JSON as tables

    /** How a table links a cell: the column whose value names a page, and the page's path before the value. */
    record Link(String column, String prefix) {}

    /**
     * A JSON value (as {@code --json} writes it) as HTML: an array of objects as one table (nested objects flattened
     * into {@code a.b} columns, lists joined), an object as a two-column table, anything else as text.
     *
     * @param columns the columns to show, in order; null: all, in the JSON's order
     */
    static String table(JsonNode node, List<String> columns, Link link) {
        if (node == null || node.isNull() || node.isMissingNode()) return "<p class=\"none\">none</p>";
        if (node.isArray()) {
            if (node.isEmpty()) return "<p class=\"none\">none</p>";
            List<Map<String, String>> rows = new ArrayList<>();
            List<String> keys = new ArrayList<>();
            for (JsonNode e : node) {
                Map<String, String> row = new LinkedHashMap<>();
                flatten("", e, row);
                for (String k : row.keySet()) if (!keys.contains(k)) keys.add(k);
                rows.add(row);
            }
            List<String> cols = columns == null ? keys : columns;
            StringBuilder b = new StringBuilder("<div class=\"scroll\"><table><thead><tr>");
            for (String c : cols) b.append("<th>").append(esc(c)).append("</th>");
            b.append("</tr></thead><tbody>\n");
            for (Map<String, String> row : rows) {
                b.append("<tr>");
                for (String c : cols) cell(b, c, row.get(c), link);
                b.append("</tr>\n");
            }
            return b.append("</tbody></table></div>\n").toString();
        }
        if (node.isObject()) {
            Map<String, String> row = new LinkedHashMap<>();
            flatten("", node, row);
            StringBuilder b = new StringBuilder("<div class=\"scroll\"><table><tbody>\n");
            for (Map.Entry<String, String> e : row.entrySet()) {
                if (columns != null && !columns.contains(e.getKey())) continue;
                b.append("<tr><th>").append(esc(e.getKey())).append("</th>");
                cell(b, e.getKey(), e.getValue(), link);
                b.append("</tr>\n");
            }
            return b.append("</tbody></table></div>\n").toString();
        }
        return "<p>" + esc(node.asText()) + "</p>";
    }

    static String table(Object value, List<String> columns, Link link) {
        return table(Json.mapper().valueToTree(value), columns, link);
    }

    private static void cell(StringBuilder b, String column, String v, Link link) {
        boolean number = v != null && v.matches("-?[0-9][0-9.eE+-]*");
        b.append(number ? "<td class=\"n\">" : v != null && v.length() > 32 ? "<td class=\"long\">" : "<td>");
        if (v == null) b.append("");
        else if (link != null && link.column().equals(column))
            b.append("<a href=\"").append(esc(link.prefix() + url(v))).append("\">").append(esc(v)).append("</a>");
        else b.append(esc(v));
        b.append("</td>");
    }

    private static void flatten(String prefix, JsonNode n, Map<String, String> out) {
        if (n.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> it = n.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                String key = prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey();
                if (e.getValue().isObject()) flatten(key, e.getValue(), out);
                else out.put(key, text(e.getValue()));
            }
        } else {
            out.put(prefix.isEmpty() ? "value" : prefix, text(n));
        }
    }

    private static String text(JsonNode v) {
        if (v == null || v.isNull()) return null;
        if (v.isArray()) {
            List<String> parts = new ArrayList<>();
            for (JsonNode e : v) parts.add(e.isValueNode() ? e.asText() : e.toString());
            return String.join("; ", parts);
        }
        if (v.isFloatingPointNumber()) {
            double d = v.asDouble();
            return Math.abs(d) >= 100 || d == Math.rint(d) ? String.format(java.util.Locale.ROOT, "%.1f", d)
                    : String.format(java.util.Locale.ROOT, "%.3f", d);
        }
        return v.isValueNode() ? v.asText() : v.toString();
    }
}
