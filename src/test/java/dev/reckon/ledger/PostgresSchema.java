package dev.reckon.ledger;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A schema of its own on the PostgreSQL server given by {@code RECKON_TEST_PG_URL} (start one with
 * {@code scripts/postgres-dev up}; {@code scripts/postgres-dev url} prints the URL), for one test: created by
 * {@link #create}, dropped with everything in it by {@link #close}. Without the variable the calling test is skipped,
 * or fails when {@code RECKON_REQUIRE_PG=1}.
 */
public final class PostgresSchema implements AutoCloseable {
    private final String baseUrl;
    private final String name;

    private PostgresSchema(String baseUrl, String name) {
        this.baseUrl = baseUrl;
        this.name = name;
    }

    /** The server's URL; skips the calling test when none is given (fails it under {@code RECKON_REQUIRE_PG=1}). */
    public static String baseUrl() {
        String url = System.getenv("RECKON_TEST_PG_URL");
        if (url == null || url.isBlank()) {
            if ("1".equals(System.getenv("RECKON_REQUIRE_PG"))) {
                fail("RECKON_REQUIRE_PG=1 but RECKON_TEST_PG_URL is not set (scripts/postgres-dev up; "
                        + "export RECKON_TEST_PG_URL=$(scripts/postgres-dev url))");
            }
            assumeTrue(false, "RECKON_TEST_PG_URL is not set: PostgreSQL tests skipped");
        }
        return url;
    }

    /** A new, empty schema with a random name. */
    public static PostgresSchema create() throws SQLException {
        String base = baseUrl();
        String name = "reckon_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection c = DriverManager.getConnection(base)) {
            c.createStatement().execute("CREATE SCHEMA " + name);
        }
        return new PostgresSchema(base, name);
    }

    /** The ledger URL of this schema (the server's URL with {@code currentSchema}). */
    public String url() {
        return baseUrl + (baseUrl.contains("?") ? "&" : "?") + "currentSchema=" + name;
    }

    /** Drops the schema and everything in it. */
    @Override
    public void close() throws SQLException {
        try (Connection c = DriverManager.getConnection(baseUrl)) {
            c.createStatement().execute("DROP SCHEMA IF EXISTS " + name + " CASCADE");
        }
    }
}
