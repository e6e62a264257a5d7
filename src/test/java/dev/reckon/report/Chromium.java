package dev.reckon.report;

import org.junit.jupiter.api.Assumptions;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * A real headless Chromium (Debian's {@code chromium}, installed by {@code scripts/browser install}) for tests of the
 * pages reckon writes. Tests using it skip when there is no Chromium, and fail instead under
 * {@code RECKON_REQUIRE_BROWSER=1} (as {@code scripts/test} sets).
 */
public final class Chromium {
    private static final List<String> NAMES = List.of("chromium", "chromium-browser", "google-chrome");

    private final Path binary;
    private final Path profile;

    private Chromium(Path binary, Path profile) {
        this.binary = binary;
        this.profile = profile;
    }

    /** The browser, with a fresh profile under {@code work}; skips (or fails, when required) without one. */
    public static Chromium in(Path work) throws IOException {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
            for (String name : NAMES) {
                Path p = Path.of(dir, name);
                if (Files.isExecutable(p)) return new Chromium(p, Files.createDirectories(work.resolve("chromium-profile")));
            }
        }
        String why = "no Chromium on PATH (scripts/browser install puts Debian's chromium there)";
        if ("1".equals(System.getenv("RECKON_REQUIRE_BROWSER"))) fail(why);
        Assumptions.assumeTrue(false, why);
        return null;
    }

    /** The page's DOM after Chromium loaded it and ran its scripts. */
    String dumpDom(Path page) throws Exception {
        return run(List.of("--dump-dom", page.toUri().toString()), page.resolveSibling("dom.out"));
    }

    /** What Chromium made of a page served over HTTP: its DOM after loading, and what it logged (console lines). */
    public record Loaded(String dom, String log) {
        /** The page's console messages (errors, CSP violations, failed loads), as Chromium logs them. */
        public List<String> console() {
            return log.lines().filter(l -> l.contains("CONSOLE") || l.contains("Refused to")).toList();
        }
    }

    /** Loads {@code url} (an http:// address) and gives back its DOM and Chromium's log; files go under {@code work}. */
    public Loaded load(String url, Path work) throws Exception {
        Path out = Files.createTempFile(work, "dom", ".out");
        String dom = run(List.of("--enable-logging=stderr", "--v=0", "--dump-dom", url), out);
        return new Loaded(dom, Files.readString(out.resolveSibling(out.getFileName() + ".err")));
    }

    /** A screenshot of the page at the given window size, as a PNG file. */
    Path screenshot(Path page, int width, int height) throws Exception {
        Path png = page.resolveSibling(page.getFileName() + ".png");
        run(List.of("--screenshot=" + png, "--window-size=" + width + "," + height, "--hide-scrollbars",
                page.toUri().toString()), page.resolveSibling("shot.out"));
        if (!Files.isRegularFile(png)) fail("Chromium wrote no screenshot " + png);
        return png;
    }

    private String run(List<String> args, Path out) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(binary.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--disable-dev-shm-usage", "--user-data-dir=" + profile,
                "--virtual-time-budget=5000"));
        cmd.addAll(args);
        Path err = out.resolveSibling(out.getFileName() + ".err");
        Process p = new ProcessBuilder(cmd).redirectInput(new File("/dev/null")).redirectOutput(out.toFile())
                .redirectError(err.toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("Chromium did not finish in 120 s: " + Files.readString(err));
        }
        if (p.exitValue() != 0) fail("Chromium exited " + p.exitValue() + ": " + Files.readString(err));
        return Files.readString(out, StandardCharsets.UTF_8);
    }
}
