-- Lantern TSDB schema, version 2.
--
-- Chunk blobs now start with an encoding byte (Sources/Storage/Chunks/ChunkEncoding.swift):
-- 0 = XOR (the version-1 layout, unchanged: its first byte, the high byte of the sample
-- count, is always 0), 1 = packed decimal columns. Version-1 binaries cannot decode
-- packed chunks, so this version number also makes them refuse files written from now on.

-- Retention walks the rowid order instead: chunks are inserted when the head cuts or
-- checkpoints them, so rowid order is write order and a chunk's maxt is never later than
-- its write time. The index cost ~20 bytes per chunk.
DROP INDEX IF EXISTS chunks_by_maxt;

-- Label strings, each stored once. A series row's labels then are symbol ids:
-- byte 0, uvarint pair count, then uvarint name id and uvarint value id per pair (sorted by
-- name). Version-1 rows (plain strings, first byte = pair count >= 1) are still read.
-- No UNIQUE index: the single writer keeps the value -> id map in memory.
CREATE TABLE symbols (
    id    INTEGER PRIMARY KEY,
    value TEXT    NOT NULL
) STRICT;
