-- 0004: drop an index that duplicated the event log's primary key.
-- Shipped migrations are never edited; change the schema in a new file.

-- `events_by_device (device, seq)` was the same key as `PRIMARY KEY
-- (device, seq)`, which SQLite already indexes: every event paid for two
-- identical index entries.
DROP INDEX events_by_device;
