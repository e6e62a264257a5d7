package dev.reckon.app;

import dev.reckon.charter.Charters;
import dev.reckon.config.Config;
import dev.reckon.ledger.Ledger;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Objects;

/**
 * What every use case is given by its door, as plain values: the settings in force (ledger, charter directory, zone,
 * defaults) and the clock. The application layer reads no environment variable and no configuration file of its own.
 *
 * @param config the settings, as the door resolved them (config file, environment, options)
 * @param clock  "now": the system clock, or a fixed one for reproducible runs
 * @param actor  who acts, for the audit log (a Unix user, or a web or MCP client)
 */
public record Context(Config config, Clock clock, String actor) {
    public Context {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(clock, "clock");
        actor = actor == null || actor.isBlank() ? "reckon" : actor;
    }

    public Instant now() {
        return clock.instant();
    }

    public ZoneId zone() {
        return config.zone();
    }

    /** The charter directory in force. */
    public Path charterDir() {
        return config.charters();
    }

    /** The site installation's places (the proposals and metric spools, templates, drafts). */
    public Config.Site site() {
        return config.site();
    }

    /** This context with another charter directory (a door's {@code --charters}); null keeps the one in force. */
    public Context withCharters(Path dir) {
        return dir == null ? this : new Context(config.withCharters(dir), clock, actor);
    }

    /** Opens the ledger in force to write to it, creating and upgrading it where needed; the caller closes it. */
    Ledger openLedger() {
        return Ledger.open(config.ledger());
    }

    /**
     * Opens the ledger in force to read it only: it must exist (a mistyped {@code --ledger} is an error naming the
     * path, never a new empty ledger), and a read-only file serves. The caller closes it.
     */
    Ledger readLedger() {
        return Ledger.openReadOnly(config.ledger());
    }

    /** Reads the charter directory in force. */
    Charters loadCharters() {
        return Charters.load(config.charters(), config.zone());
    }
}
