-- Lantern TSDB schema, version 1. Applied once at open; PRAGMA user_version records it.
-- (auto_vacuum = INCREMENTAL is set by the opener before this runs: it must precede the first table.)

-- One row per series; id is the SeriesRef. labels: uvarint pair count, then for each pair
-- (sorted by name) uvarint length + UTF-8 name, uvarint length + UTF-8 value.
CREATE TABLE series (
    id     INTEGER PRIMARY KEY,
    labels BLOB    NOT NULL
) STRICT;

-- Gorilla/XOR chunks (delta-of-delta times, XOR floats), about 120 samples each.
-- A series' chunks never overlap in time. crc: CRC-32C of data.
CREATE TABLE chunks (
    series_id INTEGER NOT NULL,
    mint      INTEGER NOT NULL,
    maxt      INTEGER NOT NULL,
    crc       INTEGER NOT NULL,
    data      BLOB    NOT NULL,
    PRIMARY KEY (series_id, mint)
) STRICT, WITHOUT ROWID;

-- Retention deletes the oldest chunks first.
CREATE INDEX chunks_by_maxt ON chunks (maxt);

-- Write-ahead records: one per commit, holding the samples not yet in chunks.
-- Deleted once a head checkpoint has put all their samples into chunks. crc: CRC-32C of data.
CREATE TABLE wal (
    seq  INTEGER PRIMARY KEY,
    crc  INTEGER NOT NULL,
    data BLOB    NOT NULL
) STRICT;
