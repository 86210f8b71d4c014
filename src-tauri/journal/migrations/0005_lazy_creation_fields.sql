-- 0005: an event that made a record, while it is still that record's only
-- event, no longer stores its fields a second time: they are the record's
-- data. Shipped migrations are never edited; change the schema in a new file.
--
-- Most records are written once, so the log held a second copy of nearly
-- everything in the journal. Such an event now has NULL `fields`; the first
-- later change to its record writes them out before it is folded in. The
-- `event_log` view gives every event's fields, reading a NULL one from its
-- record: `creation_fields` is a function the program registers on every
-- connection it opens. Events stored before this keep their fields.
CREATE TABLE events_new (
    device  TEXT    NOT NULL,
    seq     INTEGER NOT NULL CHECK (seq > 0),
    hlc     INTEGER NOT NULL,          -- hybrid logical clock: ms << 16 | counter
    record  TEXT    NOT NULL,
    kind    TEXT    NOT NULL,
    op      TEXT    NOT NULL CHECK (op IN ('put', 'delete', 'erase')),
    fields  TEXT    CHECK (fields IS NOT NULL OR op = 'put'),  -- NULL: the record's data
    source  TEXT,                      -- NULL: written here; else the card whose bundle brought it
    PRIMARY KEY (device, seq)
) STRICT;
INSERT INTO events_new (device, seq, hlc, record, kind, op, fields, source)
    SELECT device, seq, hlc, record, kind, op, fields, source FROM events;
DROP TABLE events;
ALTER TABLE events_new RENAME TO events;
CREATE INDEX events_by_record ON events (record, hlc);

CREATE VIEW event_log AS
    SELECT device, seq, hlc, record, kind, op,
           coalesce(fields, creation_fields((SELECT data FROM records WHERE id = events.record))) AS fields,
           source
    FROM events;
