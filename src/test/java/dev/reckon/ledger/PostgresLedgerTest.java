package dev.reckon.ledger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;


/**
 * The ledger contract on a real PostgreSQL server, given by {@code RECKON_TEST_PG_URL} (start one with
 * {@code scripts/postgres-dev up}; {@code scripts/postgres-dev url} prints the URL). Skipped when that is unset,
 * unless {@code RECKON_REQUIRE_PG=1}, which turns the skip into a failure. Each test works in a schema of its own,
 * dropped afterwards.
 */
class PostgresLedgerTest extends LedgerContract {

    private PostgresSchema schema;
    private String url;

    @BeforeAll
    static void needsAServer() {
        PostgresSchema.baseUrl();
    }

    @BeforeEach
    void freshSchema() throws SQLException {
        schema = PostgresSchema.create();
        url = schema.url();
    }

    @AfterEach
    void dropSchema() throws SQLException {
        schema.close();
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
