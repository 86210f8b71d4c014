-- 0006: the event that created a record, while it is still that record's
-- only event, is kept in the record's own row rather than as a row of
-- `events`. Shipped migrations are never edited; change the schema in a
-- new file.
--
-- 0005 left such an event's fields to the record's data; its row in
-- `events` still cost three B-tree entries (the row, its key and the
-- by-record index), most of an import's work besides the record itself.
-- Now the record's row says which event made it: `created_device` and
-- `created_hlc` (already there) with `lazy_seq` and `lazy_source` (NULL
-- once the record has a second event, when the first is written out to
-- `events` in full). `records_lazy_event` keeps (device, seq) unique among
-- these; the program checks them against `events` too. The `event_log`
-- view gives the whole log: `events` and the events held by records.

-- A creating event whose fields were left to its record is only ever the
-- record's one event and carries the record's creation clock. Write out,
-- defensively, any that is not.
UPDATE events SET fields = creation_fields((SELECT data FROM records WHERE id = events.record))
    WHERE fields IS NULL AND NOT EXISTS (
        SELECT 1 FROM records r
        WHERE r.id = events.record AND r.created_device = events.device AND r.created_hlc = events.hlc
          AND (SELECT count(*) FROM events o WHERE o.record = events.record) = 1);

ALTER TABLE records ADD COLUMN lazy_seq INTEGER CHECK (lazy_seq > 0);
ALTER TABLE records ADD COLUMN lazy_source TEXT;
UPDATE records SET (lazy_seq, lazy_source) = (
        SELECT e.seq, e.source FROM events e WHERE e.record = records.id AND e.fields IS NULL)
    WHERE id IN (SELECT record FROM events WHERE fields IS NULL);
CREATE UNIQUE INDEX records_lazy_event ON records (created_device, lazy_seq) WHERE lazy_seq IS NOT NULL;

-- What is left in `events` has its fields again: back to NOT NULL.
DROP VIEW event_log;
CREATE TABLE events_new (
    device  TEXT    NOT NULL,
    seq     INTEGER NOT NULL CHECK (seq > 0),
    hlc     INTEGER NOT NULL,          -- hybrid logical clock: ms << 16 | counter
    record  TEXT    NOT NULL,
    kind    TEXT    NOT NULL,
    op      TEXT    NOT NULL CHECK (op IN ('put', 'delete', 'erase')),
    fields  TEXT    NOT NULL,          -- JSON object of the fields this event set
    source  TEXT,                      -- NULL: written here; else the card whose bundle brought it
    PRIMARY KEY (device, seq)
) STRICT;
INSERT INTO events_new (device, seq, hlc, record, kind, op, fields, source)
    SELECT device, seq, hlc, record, kind, op, fields, source FROM events WHERE fields IS NOT NULL;
DROP TABLE events;
ALTER TABLE events_new RENAME TO events;
CREATE INDEX events_by_record ON events (record, hlc);

-- `creation_fields` is a function the program registers on every
-- connection it opens: a record's data as its creating event's fields.
CREATE VIEW event_log (device, seq, hlc, record, kind, op, fields, source) AS
    SELECT device, seq, hlc, record, kind, op, fields, source FROM events
    UNION ALL
    SELECT created_device, lazy_seq, created_hlc, id, kind, 'put', creation_fields(data), lazy_source
    FROM records WHERE lazy_seq IS NOT NULL;
