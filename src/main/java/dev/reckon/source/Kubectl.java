package dev.reckon.source;

import dev.reckon.core.Unavailable;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Kubernetes' {@code kubectl}, read-only: what {@code kubectl get clusterqueues,localqueues,workloads -A -o json}
 * prints (Kueue's queues), with a timeout. A kubectl that is missing, times out or fails raises {@link Unavailable}
 * with a one-line message.
 */
public final class Kubectl {
    /** The command's arguments after {@code kubectl} (and any {@code --context}). */
    public static final List<String> KUEUE_QUERY = List.of("get", "clusterqueues,localqueues,workloads", "-A", "-o",
            "json");

    private final Duration timeout;

    public Kubectl(Duration timeout) {
        this.timeout = timeout;
    }

    /** The queues as JSON text; {@code context}: kubectl's {@code --context}, or null for its current one. */
    public String kueueQueues(String context) {
        List<String> cmd = new ArrayList<>();
        cmd.add("kubectl");
        if (context != null) cmd.add("--context=" + context);
        cmd.addAll(KUEUE_QUERY);
        String shown = String.join(" ", cmd);
        Path out = null, err = null;
        try {
            out = Files.createTempFile("reckon-kubectl-", ".out");
            err = Files.createTempFile("reckon-kubectl-", ".err");
            Process p;
            try {
                p = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                        .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            } catch (IOException e) {
                throw new Unavailable(String.valueOf(e.getMessage()).contains("error=2,")
                        ? "kubectl not found: give the provider a saved output (saved: FILE) instead"
                        : "could not run kubectl: " + e.getMessage());
            }
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new Unavailable("kubectl timed out after " + timeout.toSeconds() + " s: " + shown);
            }
            if (p.exitValue() != 0) {
                // kubectl repeats its retries; the last line says what went wrong
                List<String> lines = Files.readString(err, StandardCharsets.UTF_8).lines().map(String::strip)
                        .filter(l -> !l.isEmpty()).collect(Collectors.toList());
                String why = lines.isEmpty() ? "" : lines.get(lines.size() - 1);
                throw new Unavailable("kubectl failed (exit " + p.exitValue() + "): " + shown
                        + (why.isEmpty() ? "" : ": " + why));
            }
            return Files.readString(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unavailable("kubectl interrupted: " + shown);
        } finally {
            for (Path f : new Path[]{out, err}) {
                try {
                    if (f != null) Files.deleteIfExists(f);
                } catch (IOException ignored) {
                    // a temporary file left behind is harmless
                }
            }
        }
    }
}
