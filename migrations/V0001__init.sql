-- placeholder, replaced by the storage schema
CREATE TABLE IF NOT EXISTS lantern_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;
