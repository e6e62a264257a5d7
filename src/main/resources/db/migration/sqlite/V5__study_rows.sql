-- Study rows (reckon study): one row per cell of a placement study (workload x fleet x selector), written by the
-- shard that computed it (reckon study --shard I/N) and merged by reckon study report. doc is the row as JSON. A
-- separate step of its own so that it can be renumbered beside other migrations; nothing existing changes.
CREATE TABLE study_rows (
    study      TEXT NOT NULL,
    cell       INTEGER NOT NULL,
    shard      TEXT NOT NULL,
    doc        TEXT NOT NULL,
    created_ms INTEGER NOT NULL,
    PRIMARY KEY (study, cell)
);
