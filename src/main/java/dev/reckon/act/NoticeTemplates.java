package dev.reckon.act;

import dev.reckon.core.InputError;
import dev.reckon.core.InputText;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The texts of notices: a subject and a plain-text body per kind of notice, from a template a site may change.
 *
 * <p>A template is a text file: its first line {@code Subject: ...}, a blank line, then the body. Each
 * {@code {placeholder}} (letters and {@code _}) is replaced by its value; a placeholder the notice does not know is an
 * {@link InputError} naming the file and line. The site's templates ({@code templates} in the site config, default
 * {@code /etc/reckon/templates}) are read first; a template the site does not have is the shipped one
 * ({@code src/main/resources/dev/reckon/notices}).
 */
public final class NoticeTemplates {
    /** A notice told to a job's user before reclaim cancels it. */
    public static final String RECLAIM = "reclaim-notice";
    /** A notice told to a job's user after reclaim cancelled it. */
    public static final String CANCELLED = "cancel-notice";
    /** A notice told to a job's user after its pending job was held. */
    public static final String HELD = "hold-notice";
    /** A notice told to a charter's owner: an exit approaches, or is due. */
    public static final String EXIT = "exit-notice";

    /** The placeholders each template knows. */
    public static final Map<String, List<String>> PLACEHOLDERS = Map.of(
            RECLAIM, List.of("job_id", "cluster", "name", "user", "holds", "class", "reason", "cancel_after", "grace",
                    "now"),
            CANCELLED, List.of("job_id", "cluster", "name", "user", "holds", "class", "reason", "notified_at",
                    "cancelled_at", "now"),
            HELD, List.of("job_id", "cluster", "name", "user", "holds", "class", "reason", "held_at", "now"),
            EXIT, List.of("charter", "owner", "verdict", "exit", "exit_part", "exit_due_at", "on_exit",
                    "on_exit_means", "why", "what", "kind", "now"));

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([A-Za-z_][A-Za-z0-9_]*)}");
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm z", Locale.ROOT);

    /** A notice's subject and body. */
    public record Text(String subject, String body) {}

    private final Path dir;
    private final ZoneId zone;
    private final Map<String, Template> loaded = new LinkedHashMap<>();

    private record Template(String file, List<String> lines) {}

    /**
     * @param dir  the site's templates directory; null or missing: only the shipped ones
     * @param zone the zone times are written in
     */
    public NoticeTemplates(Path dir, ZoneId zone) {
        this.dir = dir;
        this.zone = Objects.requireNonNull(zone, "zone");
    }

    /** The shipped templates, with times in UTC. */
    public static NoticeTemplates shipped() {
        return new NoticeTemplates(null, ZoneId.of("UTC"));
    }

    /** Reads and checks every template (the site's and the shipped ones): an unknown placeholder is an InputError. */
    public NoticeTemplates check() {
        for (String name : PLACEHOLDERS.keySet()) template(name);
        return this;
    }

    /** A time as notices write it: {@code 2026-11-30 14:00 CET}. */
    public String time(Instant t) {
        return t == null ? "-" : TIME.format(t.atZone(zone));
    }

    /** The notice of a template with these values (every placeholder it knows should be given; missing ones: "-"). */
    public Text render(String name, Map<String, String> values) {
        Template t = template(name);
        List<String> lines = t.lines();
        String subject = substitute(lines.get(0).substring("Subject:".length()).strip(), values);
        int from = 1;
        while (from < lines.size() && lines.get(from).isBlank()) from++;
        StringBuilder body = new StringBuilder();
        for (int i = from; i < lines.size(); i++) body.append(substitute(lines.get(i), values)).append('\n');
        return new Text(subject, body.toString().stripTrailing() + "\n");
    }

    private static String substitute(String line, Map<String, String> values) {
        Matcher m = PLACEHOLDER.matcher(line);
        StringBuilder b = new StringBuilder();
        while (m.find()) {
            String v = values.get(m.group(1));
            m.appendReplacement(b, Matcher.quoteReplacement(v == null ? "-" : v));
        }
        m.appendTail(b);
        return b.toString();
    }

    private Template template(String name) {
        Template t = loaded.get(name);
        if (t != null) return t;
        List<String> known = PLACEHOLDERS.get(name);
        if (known == null) throw new IllegalArgumentException("no notice template " + name);
        String file;
        String text;
        Path own = dir == null ? null : dir.resolve(name + ".txt");
        try {
            if (own != null && Files.isRegularFile(own)) {
                file = own.toString();
                text = InputText.utf8(Files.readAllBytes(own), file);
            } else {
                file = "(shipped) dev/reckon/notices/" + name + ".txt";
                try (InputStream in = NoticeTemplates.class.getResourceAsStream("/dev/reckon/notices/" + name + ".txt")) {
                    text = new String(Objects.requireNonNull(in, file).readAllBytes(), StandardCharsets.UTF_8);
                }
            }
        } catch (IOException e) {
            throw new InputError(own == null ? name : own.toString(), 0, null, "cannot read the notice template: " + e.getMessage());
        }
        List<String> lines = List.of(text.replace("\r\n", "\n").split("\n", -1));
        if (lines.isEmpty() || !lines.get(0).startsWith("Subject:"))
            throw new InputError(file, 1, "Subject", "a notice template starts with a line 'Subject: ...', then a blank "
                    + "line, then the body");
        Set<String> allowed = new TreeSet<>(known);
        for (int i = 0; i < lines.size(); i++) {
            Matcher m = PLACEHOLDER.matcher(lines.get(i));
            while (m.find()) {
                if (!allowed.contains(m.group(1)))
                    throw new InputError(file, i + 1, "{" + m.group(1) + "}", "unknown placeholder; this template "
                            + "knows " + String.join(", ", known.stream().map(k -> "{" + k + "}").toList()));
            }
        }
        t = new Template(file, lines);
        loaded.put(name, t);
        return t;
    }
}
