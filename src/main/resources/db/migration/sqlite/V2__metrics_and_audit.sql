-- Metrics that efforts report, and the audit log of what reckon did to jobs (SQLite). Instants are epoch
-- milliseconds (at_ms); id keeps the order of rows written in the same millisecond.
CREATE TABLE metrics (
    id       INTEGER PRIMARY KEY,
    charter  TEXT NOT NULL,
    name     TEXT NOT NULL,
    value    REAL NOT NULL,
    at_ms    INTEGER NOT NULL,
    job_id   TEXT,
    cluster  TEXT,
    source   TEXT NOT NULL
);

-- the metrics of a charter in time order
CREATE INDEX metrics_by_charter ON metrics (charter, at_ms);

CREATE TABLE audit (
    id       INTEGER PRIMARY KEY,
    at_ms    INTEGER NOT NULL,
    actor    TEXT NOT NULL,
    action   TEXT NOT NULL,
    cluster  TEXT NOT NULL,
    job_id   TEXT,
    charter  TEXT,
    applied  INTEGER NOT NULL,
    detail   TEXT NOT NULL
);

-- the log in a window of time
CREATE INDEX audit_by_time ON audit (at_ms);
-- one job's entries, and whether an action was already taken on it
CREATE INDEX audit_by_job ON audit (job_id, cluster, action);
