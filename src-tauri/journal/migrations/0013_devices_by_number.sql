-- 0013: records name the devices that made and last changed them by a
-- number, not by their 36-character id. Shipped migrations are never
-- edited; change the schema in a new file.
--
-- `created_device` and `updated_device` were the largest columns of a
-- record after its data, and `records_lazy_event` kept the creating
-- device's id in every entry, so every insert compared it, character by
-- character, at each step down that index (an import's records mostly come
-- from one device). `devices` numbers each device once; a record's row,
-- and the index, hold the number. On an import of 100,000 records the
-- journal's file is about a sixth smaller and inserting a record about a
-- sixth quicker. The `event_log` view reads the ids back.

CREATE TABLE devices (
    n   INTEGER PRIMARY KEY,
    id  TEXT NOT NULL UNIQUE
) STRICT;
INSERT INTO devices (id)
    SELECT created_device FROM records UNION SELECT updated_device FROM records ORDER BY 1;

DROP VIEW event_log;
CREATE TABLE records_new (
    id              TEXT    PRIMARY KEY NOT NULL,
    kind            TEXT    NOT NULL,
    person          TEXT,              -- the person a record concerns
    at              TEXT,              -- when it happened, for timelines (RFC 3339 or date)
    due             TEXT,              -- when it needs attention (reminder, next contact)
    attention       INTEGER NOT NULL DEFAULT 0,  -- open concern, flagged issue, referral with no outcome
    data            TEXT    NOT NULL,
    clocks          TEXT    NOT NULL,
    created_hlc     INTEGER NOT NULL,
    created_device  INTEGER NOT NULL,  -- devices.n
    updated_hlc     INTEGER NOT NULL,
    updated_device  INTEGER NOT NULL,  -- devices.n
    deleted         INTEGER NOT NULL DEFAULT 0,
    conflict        INTEGER NOT NULL DEFAULT 0,
    lazy_seq        INTEGER CHECK (lazy_seq > 0),
    lazy_source     TEXT,
    person_key      INTEGER,
    at_key          INTEGER,
    due_key         INTEGER
) STRICT;
-- Each record keeps its rowid: it is the record's key in the search index.
INSERT INTO records_new (rowid, id, kind, person, at, due, attention, data, clocks, created_hlc, created_device,
                         updated_hlc, updated_device, deleted, conflict, lazy_seq, lazy_source, person_key, at_key,
                         due_key)
    SELECT r.rowid, r.id, r.kind, r.person, r.at, r.due, r.attention, r.data, r.clocks, r.created_hlc, c.n,
           r.updated_hlc, u.n, r.deleted, r.conflict, r.lazy_seq, r.lazy_source, r.person_key, r.at_key, r.due_key
    FROM records r JOIN devices c ON c.id = r.created_device JOIN devices u ON u.id = r.updated_device;
DROP TABLE records;
ALTER TABLE records_new RENAME TO records;

CREATE UNIQUE INDEX records_lazy_event ON records (created_device, lazy_seq) WHERE lazy_seq IS NOT NULL;
CREATE INDEX records_by_person ON records (person_key, at_key) WHERE deleted = 0;
CREATE INDEX records_by_kind ON records (kind, at_key) WHERE deleted = 0;
CREATE INDEX records_attention ON records (kind, at_key) WHERE deleted = 0 AND attention = 1;
CREATE INDEX records_due ON records (due_key, person, kind) WHERE deleted = 0 AND due_key IS NOT NULL AND kind != 'contact';
CREATE INDEX records_endings ON records (person, at) WHERE deleted = 0 AND kind = 'ending';
CREATE INDEX records_conflicts ON records (id) WHERE conflict = 1 AND deleted = 0;

CREATE VIEW event_log (device, seq, hlc, record, kind, op, fields, source) AS
    SELECT device, seq, hlc, record, kind, op, fields, source FROM events
    UNION ALL
    SELECT d.id, r.lazy_seq, r.created_hlc, r.id, r.kind, 'put', creation_fields(r.data), r.lazy_source
    FROM records r JOIN devices d ON d.n = r.created_device WHERE r.lazy_seq IS NOT NULL;
