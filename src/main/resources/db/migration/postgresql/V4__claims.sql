-- Claims: an action on a job (or a charter) is claimed here before it is carried out, so that two runs at once
-- (two reckon reclaim --apply, two exits enforce) never carry out the same action twice. The insert fails for the
-- second claimant; a claim is then settled as done or failed, and only a failed one may be claimed again. job_id and
-- charter are '' where they do not apply (a key column must not be null to be unique).
CREATE TABLE claims (
    cluster   TEXT NOT NULL,
    job_id    TEXT NOT NULL,
    action    TEXT NOT NULL,
    charter   TEXT NOT NULL,
    state     TEXT NOT NULL,
    actor     TEXT NOT NULL,
    at_ms     BIGINT NOT NULL,
    PRIMARY KEY (cluster, job_id, action, charter)
);
