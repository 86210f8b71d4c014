-- 0001: the journal's own settings and its identity.
-- Shipped migrations are never edited; change the schema in a new file.

-- Journal-wide settings: journal_id, name, role, device_id, created_at,
-- idle_lock_minutes. Small, read at unlock.
CREATE TABLE meta (
    key   TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
) STRICT;

-- This journal's identity: the age key pair it receives bundles with and the
-- Ed25519 key pair it signs them with. Secrets never leave the encrypted
-- database. Exactly one row.
CREATE TABLE identity (
    id              INTEGER PRIMARY KEY CHECK (id = 1),
    age_secret      TEXT NOT NULL,
    age_recipient   TEXT NOT NULL,
    signing_secret  BLOB NOT NULL CHECK (length(signing_secret) = 32),
    signing_public  BLOB NOT NULL CHECK (length(signing_public) = 32),
    fingerprint     TEXT NOT NULL,
    created_at      TEXT NOT NULL
) STRICT;
