-- 0002: records, the event log they are built from, and full-text search.
-- Shipped migrations are never edited; change the schema in a new file.

-- Every change is an event, numbered per device. The log is the truth:
-- `records` and `records_fts` are materialised from it in the same
-- transaction, and can be rebuilt from it.
CREATE TABLE events (
    device  TEXT    NOT NULL,
    seq     INTEGER NOT NULL CHECK (seq > 0),
    hlc     INTEGER NOT NULL,          -- hybrid logical clock: ms << 16 | counter
    record  TEXT    NOT NULL,
    kind    TEXT    NOT NULL,
    op      TEXT    NOT NULL CHECK (op IN ('put', 'delete', 'erase')),
    fields  TEXT    NOT NULL,          -- JSON object of the fields this event set
    PRIMARY KEY (device, seq)
) STRICT;
CREATE INDEX events_by_record ON events (record, hlc);

-- The current state of every record. `data` holds the current value of each
-- field; `clocks` the (hlc, device) of the event that wrote it, so that
-- per-field last-writer-wins needs no look at the log.
CREATE TABLE records (
    id              TEXT    PRIMARY KEY NOT NULL,
    kind            TEXT    NOT NULL,
    person          TEXT,              -- the person a record concerns
    at              TEXT,              -- when it happened, for timelines (RFC 3339 or date)
    due             TEXT,              -- when it needs attention (reminder, next contact)
    attention       INTEGER NOT NULL DEFAULT 0,  -- open concern, flagged issue, referral with no outcome
    data            TEXT    NOT NULL,
    clocks          TEXT    NOT NULL,
    created_hlc     INTEGER NOT NULL,
    created_device  TEXT    NOT NULL,
    updated_hlc     INTEGER NOT NULL,
    updated_device  TEXT    NOT NULL,
    deleted         INTEGER NOT NULL DEFAULT 0,
    conflict        INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX records_by_person ON records (person, at DESC, id) WHERE deleted = 0;
CREATE INDEX records_by_kind ON records (kind, at DESC, id) WHERE deleted = 0;
CREATE INDEX records_due ON records (due) WHERE deleted = 0 AND due IS NOT NULL;
CREATE INDEX records_attention ON records (kind, at DESC) WHERE deleted = 0 AND attention = 1;

-- People who were forgotten: their content is gone, this says only that.
CREATE TABLE erasures (
    person      TEXT    PRIMARY KEY NOT NULL,
    hlc         INTEGER NOT NULL,
    device      TEXT    NOT NULL
) STRICT;

-- Ids of records that were erased with a person, so that an event about
-- one of them arriving later is dropped rather than bringing it back.
CREATE TABLE erased_records (
    id  TEXT PRIMARY KEY NOT NULL
) STRICT;

-- Full-text search over every record's text. Contentless: the words are
-- indexed, the text itself lives only in `records`. The rowid is the
-- record's rowid in `records`.
CREATE VIRTUAL TABLE records_fts USING fts5 (
    body,
    content = '',
    contentless_delete = 1,
    tokenize = 'unicode61 remove_diacritics 2'
);
