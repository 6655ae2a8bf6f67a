-- Lantern TSDB schema, version 4: write-ahead records (`wal.data`) are now written in
-- record version 2 (Sources/Storage/SQLite/RecordCodec.swift): two marker bytes 0, 1, then
-- a snappy block of ref- and time-delta-encoded samples. Version-1 records, which never
-- start with byte 0, are still replayed. No table changes: this version number makes
-- version-3 binaries, which cannot decode the new records, refuse files written from now on.
SELECT 1;
