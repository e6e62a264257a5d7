package dev.reckon.cli;

import dev.reckon.ledger.PostgresSchema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * {@link ConcurrentProcessesTest}'s real processes on one PostgreSQL ledger (a schema of its own on the server given
 * by {@code RECKON_TEST_PG_URL}; skipped when that is unset, failed under {@code RECKON_REQUIRE_PG=1}): two ingests at
 * once store every job, two {@code reclaim --apply} at once tell and cancel each job exactly once, a run killed while
 * notifying never notifies twice until its claim is released.
 */
class PostgresConcurrentProcessesTest extends ConcurrentProcessesTest {
    private PostgresSchema schema;

    @BeforeEach
    void freshSchema() throws Exception {
        schema = PostgresSchema.create();
    }

    @AfterEach
    void dropSchema() throws Exception {
        if (schema != null) schema.close();
    }

    @Override
    String ledger() {
        return schema.url();
    }
}
