package dev.reckon.act;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Sends a notice (a reclaim notice to a job's user, an exit notice to a charter's owner) to a webhook (an HTTP POST of
 * the JSON payload, 10 s timeout; its {@code text} field makes it readable in chat tools) and/or a mail command (run
 * with the notice's plain text on standard input, its subject in the environment variable {@code RECKON_SUBJECT} and
 * the recipient as its last argument). A notice counts as sent when at least
 * one of the channels given took it.
 */
public final class Notices {
    /** How long one channel may take. */
    public static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final URI webhook;
    private final List<String> mailCommand;
    private HttpClient client;

    /**
     * @param webhook     the URL to POST to; null: none
     * @param mailCommand the command and its arguments (the user is appended); null or empty: none
     */
    public Notices(URI webhook, List<String> mailCommand) {
        this.webhook = webhook;
        this.mailCommand = mailCommand == null ? List.of() : List.copyOf(mailCommand);
        if (webhook == null && this.mailCommand.isEmpty()) throw new IllegalArgumentException("no channel for notices");
    }

    /**
     * Sends one JSON notice to a person through every channel given: POSTs it to the webhook, and runs the mail
     * command with it on standard input and the recipient as the last argument. Returns what was sent to whom; throws
     * with every channel's failure when none took it.
     */
    public String send(String recipient, String body) throws Exception {
        List<String> sent = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        if (webhook != null) {
            try {
                sent.add(post(body));
            } catch (Exception e) {
                failed.add("webhook: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
            }
        }
        if (!mailCommand.isEmpty()) {
            try {
                sent.add(mail(body, recipient));
            } catch (Exception e) {
                failed.add("mail: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
            }
        }
        if (sent.isEmpty()) throw new IOException(String.join("; ", failed));
        sent.addAll(failed);
        return String.join("; ", sent);
    }

    private String post(String body) throws IOException, InterruptedException {
        if (client == null) client = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
        HttpRequest req = HttpRequest.newBuilder(webhook).timeout(TIMEOUT).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build();
        HttpResponse<Void> resp = client.send(req, HttpResponse.BodyHandlers.discarding());
        if (resp.statusCode() / 100 != 2) throw new IOException(webhook + " answered HTTP " + resp.statusCode());
        return "webhook " + webhook + " (HTTP " + resp.statusCode() + ")";
    }

    /**
     * Why a user name cannot be handed to the mail command as a recipient, or null when it can: empty, starting with
     * {@code -} (an option to the command), or holding blanks or control characters (more than one argument, or a
     * header injected).
     */
    public static String refusal(String user) {
        if (user == null || user.isEmpty()) return "no recipient";
        if (user.startsWith("-")) return "a recipient may not start with '-'";
        for (int i = 0; i < user.length(); i++) {
            char c = user.charAt(i);
            if (Character.isWhitespace(c) || Character.isISOControl(c) || Character.isSpaceChar(c)) {
                return "a recipient may not hold blanks or control characters";
            }
        }
        return null;
    }

    /** The name for a message: each control character as {@code ?}. */
    private static String shown(String user) {
        StringBuilder b = new StringBuilder();
        String u = String.valueOf(user);
        for (int i = 0; i < u.length(); i++) b.append(Character.isISOControl(u.charAt(i)) ? '?' : u.charAt(i));
        return b.toString();
    }

    /** A mail's subject and its plain text. */
    record Readable(String subject, String text) {}

    /**
     * What mail sends of a notice: its {@code subject} and {@code text} when the JSON has them (one control character
     * or line break in a subject becomes a blank: it goes into a header); else the JSON itself, subject "reckon".
     */
    static Readable readable(String json) {
        try {
            com.fasterxml.jackson.databind.JsonNode n = dev.reckon.core.Json.mapper().readTree(json);
            if (n != null && n.hasNonNull("text")) {
                String subject = n.path("subject").asText("reckon");
                StringBuilder b = new StringBuilder();
                for (int i = 0; i < subject.length(); i++) {
                    char c = subject.charAt(i);
                    b.append(Character.isISOControl(c) ? ' ' : c);
                }
                return new Readable(b.toString(), n.get("text").asText());
            }
        } catch (Exception ignored) {
            // not JSON: sent as it is
        }
        return new Readable("reckon", json);
    }

    private String mail(String body, String user) throws IOException, InterruptedException {
        String refused = refusal(user);
        if (refused != null) {
            throw new IOException("refused recipient \"" + shown(user) + "\": " + refused + "; not sent");
        }
        List<String> cmd = new ArrayList<>(mailCommand);
        // after "--": a recipient is never read as an option, whatever the mail command
        cmd.add("--");
        cmd.add(user);
        Readable r = readable(body);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put("RECKON_SUBJECT", r.subject());
        pb.environment().put("RECKON_RECIPIENT", user);
        Process p = pb.start();
        try (OutputStream in = p.getOutputStream()) {
            in.write(r.text().getBytes(StandardCharsets.UTF_8));
        } catch (IOException ignored) {
            // the command did not read its input; its exit status says whether it worked
        }
        if (!p.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            throw new IOException(cmd.get(0) + " took longer than " + TIMEOUT.toSeconds() + " s");
        }
        if (p.exitValue() != 0) throw new IOException(cmd.get(0) + " exited with " + p.exitValue());
        return "mail to " + user + " via " + cmd.get(0);
    }
}
