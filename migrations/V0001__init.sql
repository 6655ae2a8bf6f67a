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
-- A rowid table: chunks are appended in write order, so its pages fill densely; a
-- (series_id, mint)-keyed table would split pages on every time round and stay ~60% full.
CREATE TABLE chunks (
    id        INTEGER PRIMARY KEY,
    series_id INTEGER NOT NULL,
    mint      INTEGER NOT NULL,
    maxt      INTEGER NOT NULL,
    crc       INTEGER NOT NULL,
    data      BLOB    NOT NULL
) STRICT;

-- Reads go by series and time; INSERT OR REPLACE of a partial chunk hits this key.
CREATE UNIQUE INDEX chunks_by_series ON chunks (series_id, mint);

-- Retention deletes the oldest chunks first.
CREATE INDEX chunks_by_maxt ON chunks (maxt);

-- Write-ahead records: one per commit, holding the samples not yet in chunks.
-- Deleted once a head checkpoint has put all their samples into chunks. crc: CRC-32C of data.
CREATE TABLE wal (
    seq  INTEGER PRIMARY KEY,
    crc  INTEGER NOT NULL,
    data BLOB    NOT NULL
) STRICT;
