-- 0003: the roster of trusted cards, and what has been exchanged with whom.
-- Shipped migrations are never edited; change the schema in a new file.

-- Cards this journal trusts. A bundle is accepted only from a card here
-- that has not been revoked.
CREATE TABLE roster (
    fingerprint     TEXT PRIMARY KEY NOT NULL,
    name            TEXT NOT NULL,
    role            TEXT NOT NULL,
    age_recipient   TEXT NOT NULL,
    signing_public  BLOB NOT NULL CHECK (length(signing_public) = 32),
    added_at        TEXT NOT NULL,
    revoked_at      TEXT
) STRICT;

-- Where each event came from: NULL for events written here, otherwise the
-- fingerprint of the card whose bundle brought it.
ALTER TABLE events ADD COLUMN source TEXT;
CREATE INDEX events_by_device ON events (device, seq);

-- What each peer has told us (by receipt) it holds of each device's events:
-- everything up to `seq`. Export to that peer sends what comes after.
CREATE TABLE acked (
    peer    TEXT NOT NULL,
    device  TEXT NOT NULL,
    seq     INTEGER NOT NULL,
    at      TEXT NOT NULL,      -- when the peer imported it, by its own clock
    PRIMARY KEY (peer, device)
) STRICT;

-- What we hold from each peer's bundles, per device: the receipts we send back.
CREATE TABLE received (
    peer    TEXT NOT NULL,
    device  TEXT NOT NULL,
    seq     INTEGER NOT NULL,
    at      TEXT NOT NULL,
    PRIMARY KEY (peer, device)
) STRICT;

-- Every bundle made or imported, so re-imports are recognised and `status`
-- can say what went where.
CREATE TABLE bundles (
    id          TEXT PRIMARY KEY NOT NULL,
    direction   TEXT NOT NULL CHECK (direction IN ('out', 'in')),
    peer        TEXT NOT NULL,     -- recipients (out, comma-separated) or sender (in)
    at          TEXT NOT NULL,
    events      INTEGER NOT NULL
) STRICT;
