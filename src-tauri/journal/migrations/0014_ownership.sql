-- 0014: who owns what. Every device belongs to one journal, and every
-- record to the journal whose device created it; only the owner changes
-- it. A supervisor acknowledges a concern with a record of its own that
-- points at the concern, instead of writing into it; supervision notes
-- and acknowledgements point at a person and a record, by indexed columns.
-- Shipped migrations are never edited; change the schema in a new file.

-- Every device the log names has a number, and the journal it belongs to:
-- the fingerprint of that journal's card (this journal's own for its own
-- devices). Whose a device seen before this version is cannot be told from
-- here (older versions passed on what they had received, so the card a
-- device's events came with need not be its owner's): it belongs to no
-- journal, and nobody changes its records, until a card names it (its
-- owner's next bundle carries their card).
INSERT OR IGNORE INTO devices (id) SELECT DISTINCT device FROM events;
INSERT OR IGNORE INTO devices (id) SELECT value FROM meta WHERE key = 'device_id';
ALTER TABLE devices ADD COLUMN journal TEXT;
UPDATE devices SET journal = (SELECT fingerprint FROM identity WHERE id = 1)
    WHERE id = (SELECT value FROM meta WHERE key = 'device_id');
CREATE INDEX devices_by_journal ON devices (journal, id);

-- What a note or an acknowledgement is about: the record's id.
ALTER TABLE records ADD COLUMN about TEXT;
UPDATE records SET about = json_extract(data, '$.about') WHERE kind = 'supervision-note';
CREATE INDEX records_about ON records (about) WHERE about IS NOT NULL;

-- Acknowledgements written into concerns (`acknowledged_by`,
-- `acknowledged_at`) leave the concerns and their events. The program
-- makes each one written on this journal's own device an acknowledgement
-- record, rebuilds `records` from the log, and drops this table, the first
-- time it opens the journal (see `journal::Journal::finish_upgrade`).
CREATE TABLE legacy_acknowledgements (
    concern  TEXT PRIMARY KEY NOT NULL,
    person   TEXT,
    by       TEXT,
    at       TEXT,
    device   TEXT            -- the device that wrote it
) STRICT;
INSERT INTO legacy_acknowledgements (concern, person, by, at, device)
    SELECT r.id, r.person, json_extract(r.data, '$.acknowledged_by'), json_extract(r.data, '$.acknowledged_at'),
           coalesce(json_extract(r.clocks, '$.acknowledged_at.d'), (SELECT id FROM devices WHERE n = r.created_device))
    FROM records r
    WHERE r.kind = 'concern' AND r.deleted = 0 AND json_extract(r.data, '$.acknowledged_at') IS NOT NULL;
UPDATE events SET fields = json_remove(fields, '$.acknowledged_by', '$.acknowledged_at')
    WHERE kind = 'concern' AND (json_type(fields, '$.acknowledged_by') IS NOT NULL
                                OR json_type(fields, '$.acknowledged_at') IS NOT NULL);
DELETE FROM events WHERE kind = 'concern' AND op = 'put' AND fields = '{}';
UPDATE records SET data = json_remove(data, '$.acknowledged_by', '$.acknowledged_at'),
                   clocks = json_remove(clocks, '$.acknowledged_by', '$.acknowledged_at')
    WHERE kind = 'concern' AND (json_type(data, '$.acknowledged_by') IS NOT NULL
                                OR json_type(data, '$.acknowledged_at') IS NOT NULL);

-- Which notes and acknowledgements from someone else have been read here.
-- Local: never sent.
CREATE TABLE read_marks (
    record  TEXT PRIMARY KEY NOT NULL,
    at      TEXT NOT NULL
) STRICT;
