-- Lantern TSDB schema, version 3: remote-write progress, so a sender resumes where the
-- receiver last acknowledged, after an outage and after a restart.

-- One row per (remote, series): the newest sample time the receiver acknowledged for the
-- series. series_id 0 holds the remote's scan cursor (every sample before it was handled).
CREATE TABLE remote_write_positions (
    remote    TEXT    NOT NULL,
    series_id INTEGER NOT NULL,
    t         INTEGER NOT NULL,
    PRIMARY KEY (remote, series_id)
) STRICT, WITHOUT ROWID;
