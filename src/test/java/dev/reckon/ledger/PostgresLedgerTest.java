package dev.reckon.ledger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The ledger contract on a real PostgreSQL server, given by {@code RECKON_TEST_PG_URL} (start one with
 * {@code scripts/postgres-dev up}; {@code scripts/postgres-dev url} prints the URL). Skipped when that is unset,
 * unless {@code RECKON_REQUIRE_PG=1}, which turns the skip into a failure. Each test works in a schema of its own,
 * dropped afterwards.
 */
class PostgresLedgerTest extends LedgerContract {

    private static String baseUrl;
    private String url;
    private String schema;

    @BeforeAll
    static void needsAServer() {
        baseUrl = System.getenv("RECKON_TEST_PG_URL");
        if (baseUrl == null || baseUrl.isBlank()) {
            if ("1".equals(System.getenv("RECKON_REQUIRE_PG"))) {
                fail("RECKON_REQUIRE_PG=1 but RECKON_TEST_PG_URL is not set (scripts/postgres-dev up; "
                        + "export RECKON_TEST_PG_URL=$(scripts/postgres-dev url))");
            }
            assumeTrue(false, "RECKON_TEST_PG_URL is not set: PostgreSQL tests skipped");
        }
    }

    @BeforeEach
    void freshSchema() throws SQLException {
        schema = "reckon_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection c = DriverManager.getConnection(baseUrl)) {
            c.createStatement().execute("CREATE SCHEMA " + schema);
        }
        url = baseUrl + (baseUrl.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }

    @AfterEach
    void dropSchema() throws SQLException {
        try (Connection c = DriverManager.getConnection(baseUrl)) {
            c.createStatement().execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        }
    }

    @Override
    String location() {
        return url;
    }

    @Override
    Connection raw() throws SQLException {
        return DriverManager.getConnection(url);
    }
}
