package dev.reckon.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.reckon.cli.Cli;
import dev.reckon.config.Config;
import dev.reckon.core.Json;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The two doors of one test: the command line (in-process) and the application layer, on the same settings. */
final class Doors {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String NOW = "2026-11-10T00:00:00Z";

    final Path home;
    final Cli cli;

    Doors(Path home) {
        this.home = home;
        this.cli = new Cli(home);
        cli.env.put("RECKON_NOW", NOW);
    }

    /** The context the command line builds for the same environment and clock. */
    Context context() {
        return new Context(Config.load(cli.env), Clock.fixed(Instant.parse(NOW), ZoneOffset.UTC), "tester");
    }

    /** The default charter directory of this home. */
    Path charters() throws IOException {
        return Files.createDirectories(home.resolve(".config/reckon/charters"));
    }

    /** Runs the command line; it must exit as expected. */
    Cli.Result run(int exit, String... args) {
        Cli.Result r = cli.run(args);
        assertEquals(exit, r.exit(), r.toString());
        return r;
    }

    /** What the command line printed as JSON, as a tree. */
    static JsonNode tree(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A use case's result written by core.Json (what every --json prints), as a tree. */
    static JsonNode asJson(Object result) {
        return tree(Json.write(result));
    }

    /** Copies a sacct fixture from the test resources. */
    Path fixture(String name) throws IOException {
        Path p = home.resolve(name);
        try (InputStream in = Doors.class.getResourceAsStream("/sacct/" + name)) {
            Files.copy(in, p);
        }
        return p;
    }

    static final String CHARTER = String.join("\n",
            "id: %s",
            "purpose: Find out whether the new augmentation lifts validation accuracy.",
            "owner: %s",
            "budget: {gpu_hours: 100, cpu_hours: 1000}",
            "window: {start: 2026-10-01, end: 2026-12-31}",
            "success: val_accuracy >= 0.92",
            "failure: loss > 2.5 after 50 gpu_hours",
            "");

    /** Writes a valid charter (owner alice) into the default directory. */
    Path charter(String id) throws IOException {
        return charter(id, "alice");
    }

    Path charter(String id, String owner) throws IOException {
        return Files.writeString(charters().resolve(id + ".yaml"), CHARTER.formatted(id, owner));
    }
}
