-- The ledger of jobs (SQLite). One row per job, keyed by (cluster, job_id); instants are epoch seconds.
-- doc: every field of the job but its steps as one compact JSON array; steps: the job's steps as compact JSON (both
-- written by dev.reckon.ledger.JobCodec; a job is read from these two). The other columns repeat what queries
-- filter or order on, or are derived at ingest; content_hash: a hash of doc and steps, so that an ingest can tell
-- unchanged jobs from updated ones cheaply.
CREATE TABLE ingests (
    id              INTEGER PRIMARY KEY,
    source          TEXT NOT NULL,
    started_s       INTEGER NOT NULL,
    finished_s      INTEGER,
    read_count      INTEGER NOT NULL DEFAULT 0,
    inserted_count  INTEGER NOT NULL DEFAULT 0,
    updated_count   INTEGER NOT NULL DEFAULT 0,
    unchanged_count INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE jobs (
    cluster         TEXT NOT NULL,
    job_id          TEXT NOT NULL,
    user_name       TEXT,
    account         TEXT,
    partition_name  TEXT,
    state           TEXT,
    submit_s        INTEGER,
    end_s           INTEGER,
    id_num          INTEGER,
    is_final        INTEGER NOT NULL,
    content_hash    INTEGER NOT NULL,
    source          TEXT,
    ingest_id       INTEGER,
    doc             TEXT NOT NULL,
    steps           TEXT,
    PRIMARY KEY (cluster, job_id)
);

-- the window on submit time, and the first part of the order jobs are listed in (see Ledger)
CREATE INDEX jobs_by_submit ON jobs (submit_s);

CREATE TABLE marks (
    mark_key   TEXT NOT NULL PRIMARY KEY,
    mark_value TEXT NOT NULL
);
