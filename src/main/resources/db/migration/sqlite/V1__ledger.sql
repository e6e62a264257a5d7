-- The ledger of jobs (SQLite). One row per job, keyed by (cluster, job_id); instants are epoch seconds.
-- steps: the job's steps as compact JSON (see dev.reckon.ledger.JobCodec); content_hash: a hash of every
-- job field including the steps, so that an ingest can tell unchanged jobs from updated ones cheaply.
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
    job_id_raw      TEXT,
    job_name        TEXT,
    user_name       TEXT,
    account         TEXT,
    partition_name  TEXT,
    qos             TEXT,
    wckey           TEXT,
    job_comment     TEXT,
    state           TEXT,
    exit_code       TEXT,
    submit_s        INTEGER,
    start_s         INTEGER,
    end_s           INTEGER,
    elapsed_s       INTEGER,
    timelimit_s     INTEGER,
    req_cpus        INTEGER,
    req_mem_bytes   INTEGER,
    alloc_cpus      INTEGER,
    alloc_nodes     INTEGER,
    alloc_mem_bytes INTEGER,
    alloc_gpus      INTEGER,
    total_cpu_s     REAL,
    peak_mem_bytes  INTEGER,
    node_list       TEXT,
    steps           TEXT,
    id_num          INTEGER,
    is_final        INTEGER NOT NULL,
    content_hash    INTEGER NOT NULL,
    source          TEXT,
    ingest_id       INTEGER,
    PRIMARY KEY (cluster, job_id)
);

-- the order jobs are listed in (see Ledger); its prefix serves the window on submit time
CREATE INDEX jobs_in_order ON jobs (submit_s, id_num, length(job_id), job_id, cluster);

CREATE TABLE marks (
    mark_key   TEXT NOT NULL PRIMARY KEY,
    mark_value TEXT NOT NULL
);
