-- The state of optimisation campaigns: one row per trial (a JSON document), written before the trial is sent and
-- again as its jobs are sent and end, so that a campaign killed at any point resumes without sending a trial twice.
CREATE TABLE campaign_items (
    campaign   TEXT NOT NULL,
    item       INTEGER NOT NULL,
    doc        TEXT NOT NULL,
    updated_ms INTEGER NOT NULL,
    PRIMARY KEY (campaign, item)
);
