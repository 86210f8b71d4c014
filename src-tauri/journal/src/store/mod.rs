//! The encrypted SQLite store: opening a SQLCipher connection, the pragmas
//! every connection gets, and the numbered migrations embedded in the binary.
//!
//! All per-connection settings live in [`open`], in one place. Migrations run
//! in order, each in its own transaction, and a shipped migration is never
//! edited: a change to the schema is a new file. This module knows nothing of
//! passphrases or key files; it is handed a data key.

pub mod fold;
pub mod identity;
pub(crate) mod log;
pub mod roster;
pub(crate) mod rows;
pub mod search;

use std::fs;
use std::path::{Path, PathBuf};

use rusqlite::{params, Connection, OpenFlags, OptionalExtension, TransactionBehavior};

use crate::error::{Error, Result};
use crate::keys::{DataKey, DatabaseCipher, DatabaseSalt};

/// The migrations, in order. Each is applied once; `PRAGMA user_version`
/// records how many have been.
pub(crate) const MIGRATIONS: &[&str] = &[
    include_str!("../../migrations/0001_init.sql"),
    include_str!("../../migrations/0002_records.sql"),
    include_str!("../../migrations/0003_sync.sql"),
    include_str!("../../migrations/0004_lean_events.sql"),
    include_str!("../../migrations/0005_lazy_creation_fields.sql"),
    include_str!("../../migrations/0006_creation_events_in_records.sql"),
    include_str!("../../migrations/0007_index_ties_by_rowid.sql"),
    include_str!("../../migrations/0008_search_index_in_own_file.sql"),
    include_str!("../../migrations/0009_index_keys_as_numbers.sql"),
    include_str!("../../migrations/0010_due_index_without_contacts.sql"),
    include_str!("../../migrations/0011_due_from_indexes_alone.sql"),
    include_str!("../../migrations/0012_lists_for_a_person_and_conflicts_from_indexes.sql"),
    include_str!("../../migrations/0013_devices_by_number.sql"),
    include_str!("../../migrations/0014_ownership.sql"),
    include_str!("../../migrations/0015_drafts.sql"),
    include_str!("../../migrations/0016_flagged_contacts_need_attention.sql"),
    include_str!("../../migrations/0017_coverage.sql"),
];

/// Undoes migrations 0017 to 0014, for tests that make a journal as an
/// older build left it: no drafts, devices belong to no journal, notes and
/// acknowledgements have no `about` column, nothing is marked read.
/// (Acknowledgements written into concerns are the test's to put back.)
#[cfg(test)]
pub(crate) const UNDO_OWNERSHIP: &str = "
    DROP TABLE coverage;
    DROP TABLE declared;
    DROP TABLE drafts;
    DROP INDEX devices_by_journal;
    ALTER TABLE devices DROP COLUMN journal;
    DROP INDEX records_about;
    ALTER TABLE records DROP COLUMN about;
    DROP TABLE read_marks;
    PRAGMA user_version = 13;";

/// Undoes migration 0013 (after [`UNDO_OWNERSHIP`]), for tests that make a
/// journal as an older build left it: records name their devices by id
/// again.
#[cfg(test)]
pub(crate) const UNDO_DEVICE_NUMBERS: &str = "
    DROP VIEW event_log;
    CREATE TABLE records_old (
        id TEXT PRIMARY KEY NOT NULL, kind TEXT NOT NULL, person TEXT, at TEXT, due TEXT,
        attention INTEGER NOT NULL DEFAULT 0, data TEXT NOT NULL, clocks TEXT NOT NULL,
        created_hlc INTEGER NOT NULL, created_device TEXT NOT NULL, updated_hlc INTEGER NOT NULL,
        updated_device TEXT NOT NULL, deleted INTEGER NOT NULL DEFAULT 0, conflict INTEGER NOT NULL DEFAULT 0,
        lazy_seq INTEGER CHECK (lazy_seq > 0), lazy_source TEXT, person_key INTEGER, at_key INTEGER, due_key INTEGER
    ) STRICT;
    INSERT INTO records_old (rowid, id, kind, person, at, due, attention, data, clocks, created_hlc, created_device,
                             updated_hlc, updated_device, deleted, conflict, lazy_seq, lazy_source, person_key,
                             at_key, due_key)
        SELECT r.rowid, r.id, r.kind, r.person, r.at, r.due, r.attention, r.data, r.clocks, r.created_hlc, c.id,
               r.updated_hlc, u.id, r.deleted, r.conflict, r.lazy_seq, r.lazy_source, r.person_key, r.at_key,
               r.due_key
        FROM records r JOIN devices c ON c.n = r.created_device JOIN devices u ON u.n = r.updated_device;
    DROP TABLE records;
    DROP TABLE devices;
    ALTER TABLE records_old RENAME TO records;
    CREATE UNIQUE INDEX records_lazy_event ON records (created_device, lazy_seq) WHERE lazy_seq IS NOT NULL;
    CREATE INDEX records_by_person ON records (person_key, at_key) WHERE deleted = 0;
    CREATE INDEX records_by_kind ON records (kind, at_key) WHERE deleted = 0;
    CREATE INDEX records_attention ON records (kind, at_key) WHERE deleted = 0 AND attention = 1;
    CREATE INDEX records_due ON records (due_key, person, kind)
        WHERE deleted = 0 AND due_key IS NOT NULL AND kind != 'contact';
    CREATE INDEX records_endings ON records (person, at) WHERE deleted = 0 AND kind = 'ending';
    CREATE INDEX records_conflicts ON records (id) WHERE conflict = 1 AND deleted = 0;
    CREATE VIEW event_log (device, seq, hlc, record, kind, op, fields, source) AS
        SELECT device, seq, hlc, record, kind, op, fields, source FROM events
        UNION ALL
        SELECT created_device, lazy_seq, created_hlc, id, kind, 'put', creation_fields(data), lazy_source
        FROM records WHERE lazy_seq IS NOT NULL;
    PRAGMA user_version = 12;";

/// Undoes migrations 0009 to 0012 (after [`UNDO_DEVICE_NUMBERS`]), for
/// tests that make a journal as an older build left it.
#[cfg(test)]
pub(crate) const UNDO_INDEX_KEYS: &str = "
    DROP INDEX records_by_person; DROP INDEX records_by_kind; DROP INDEX records_due; DROP INDEX records_attention;
    DROP INDEX records_endings; DROP INDEX records_conflicts;
    ALTER TABLE records DROP COLUMN person_key; ALTER TABLE records DROP COLUMN at_key;
    ALTER TABLE records DROP COLUMN due_key;
    CREATE INDEX records_by_person ON records (person, at) WHERE deleted = 0;
    CREATE INDEX records_by_kind ON records (kind, at) WHERE deleted = 0;
    CREATE INDEX records_due ON records (due) WHERE deleted = 0 AND due IS NOT NULL;
    CREATE INDEX records_attention ON records (kind, at) WHERE deleted = 0 AND attention = 1;
    PRAGMA user_version = 8;";

/// The schema version this build writes (the number of migrations).
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// How long a connection waits for another process's write to finish.
pub(crate) const BUSY_TIMEOUT_MS: u32 = 5_000;

/// Whether [`open`] may create the database file.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Mode {
    Create,
    Existing,
}

/// Opens (or creates) the encrypted database at `path`, keyed with `key`
/// and `salt`, applies the pragmas and brings the schema up to date.
pub(crate) fn open(
    path: &Path,
    key: &DataKey,
    salt: &DatabaseSalt,
    cipher: DatabaseCipher,
    mode: Mode,
) -> Result<Connection> {
    let journal_dir = path.parent().unwrap_or(path).to_path_buf();
    let mut flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    if mode == Mode::Create {
        flags |= OpenFlags::SQLITE_OPEN_CREATE;
    } else if !path.exists() {
        return Err(Error::NotAJournal(journal_dir, "its database file journal.db is missing"));
    }
    if mode == Mode::Existing {
        check_salt(path, salt, &journal_dir)?;
    }
    let conn = connect(path, flags, key, salt, cipher)?;

    conn.set_prepared_statement_cache_capacity(64);
    conn.busy_timeout(std::time::Duration::from_millis(BUSY_TIMEOUT_MS.into()))?;
    // cache_size: SQLCipher decrypts and authenticates every page it reads,
    // so the cache keeps the indexes of a large journal decrypted and warm
    // (docs/performance.md has the figures). An import sets it lower while
    // it runs: see `BulkLoad`.
    // wal_autocheckpoint: folding the write-ahead log back into the database
    // file is left to idle moments (`Journal::fold_log`, which the app calls
    // when nothing has happened for a few seconds, and closing the journal).
    // A save folds it only once it has grown to 8,000 pages (64 MiB of
    // 8 KiB pages, 32 MiB in older journals) without an idle moment,
    // instead of at every 1,000 pages, which made one save in many several
    // times slower than the rest. An import does not fold at all:
    // see `BulkLoad`.
    conn.execute_batch(&format!(
        "PRAGMA journal_mode = WAL;
         PRAGMA synchronous = FULL;
         PRAGMA foreign_keys = ON;
         PRAGMA secure_delete = ON;
         PRAGMA temp_store = MEMORY;
         PRAGMA cache_size = -{CACHE_KIB};
         PRAGMA wal_autocheckpoint = {FOLD_AFTER_PAGES};"
    ))?;
    require_wal(&conn, "the journal")?;
    crate::store::log::register_functions(&conn)?;
    migrate(&conn)?;
    Ok(conn)
}

/// The page cache of a journal's connection, in KiB, and while a bulk load
/// (an import) runs.
const CACHE_KIB: i64 = 32 * 1024;
const BULK_CACHE_KIB: i64 = 16 * 1024;

/// How many pages of write-ahead log a commit lets build up before it folds
/// them into the database file itself (see `open`).
const FOLD_AFTER_PAGES: i64 = 8000;

/// A journal connection set for a bulk load (an import) for as long as this
/// is held, and set back when it is dropped:
///
/// - a smaller page cache: a bulk load writes most pages once, and needs
///   less to go as fast, with a lower peak of memory (only the connection
///   doing the work may be set lower: see `SearchIndex::apply_all`);
/// - no fold of the write-ahead log at its commit: the log is already
///   durable, and folding a large import's pages into the database file
///   would lengthen the import's commit for nothing. The fold is left to the next
///   idle moment or to closing the journal (the command line closes it as
///   it ends), not to the next save: the setting stays off when this is
///   dropped, and [`fold_on_commit`] turns it back on once the next fold
///   (`Journal::fold_log`) has emptied the log.
pub(crate) struct BulkLoad<'c> {
    conn: &'c Connection,
}

impl<'c> BulkLoad<'c> {
    pub(crate) fn new(conn: &'c Connection) -> Result<Self> {
        conn.execute_batch(&format!("PRAGMA cache_size = -{BULK_CACHE_KIB}; PRAGMA wal_autocheckpoint = 0;"))?;
        Ok(BulkLoad { conn })
    }
}

impl Drop for BulkLoad<'_> {
    fn drop(&mut self) {
        // Only a setting: should this fail, the connection keeps the
        // smaller cache.
        let _ = self.conn.execute_batch(&format!("PRAGMA cache_size = -{CACHE_KIB};"));
    }
}

/// Makes durable what `conn` has written to its write-ahead log so far, in
/// the middle of a transaction: its commit then has only its last page to
/// make durable. For a bulk load, whose pages are written to the log as
/// they leave the page cache (and, with `Connection::cache_flush`, the rest
/// of them), this moves most of the commit's wait for the disk to a moment
/// chosen by the caller. The commit makes everything durable in any case;
/// a failure here is reported all the same, as the commit's would be
/// (after a failed sync the same pages may look written to a second one).
///
/// Not on Apple's systems, where Rust's sync is a full flush of the drive's
/// cache (`F_FULLFSYNC`), far slower than the `fsync` SQLite's commit uses
/// there: the early sync would cost more than it saves.
pub(crate) fn sync_log(conn: &Connection) -> Result<()> {
    if cfg!(target_vendor = "apple") {
        return Ok(());
    }
    let Some(path) = conn.path().filter(|p| !p.is_empty()) else {
        return Ok(()); // a database in memory has no log
    };
    let log = PathBuf::from(format!("{path}-wal"));
    // Opened for writing, though nothing is written: some systems make
    // durable only through a handle that may write. Closing it is safe:
    // POSIX drops a process's locks on a file when any handle to it closes,
    // but SQLite locks the database and `-shm` files, never the log.
    let file = fs::OpenOptions::new().write(true).open(&log).map_err(|e| Error::io("open", &log, e))?;
    file.sync_data().map_err(|e| match e.kind() {
        std::io::ErrorKind::StorageFull | std::io::ErrorKind::QuotaExceeded => Error::DiskFull,
        _ => Error::io("save", &log, e),
    })
}

/// Lets commits fold a long write-ahead log again (see `open`), after a bulk
/// load turned that off ([`BulkLoad`]).
pub(crate) fn fold_on_commit(conn: &Connection) -> Result<()> {
    conn.execute_batch(&format!("PRAGMA wal_autocheckpoint = {FOLD_AFTER_PAGES};"))?;
    Ok(())
}

/// Opens the SQLCipher file at `path` with `flags`, keys it and proves the
/// key by reading from it. No pragmas beyond the cipher's, no migrations:
/// shared by the journal's database ([`open`]) and the search index's
/// ([`crate::store::search`]).
pub(crate) fn connect(
    path: &Path,
    flags: OpenFlags,
    key: &DataKey,
    salt: &DatabaseSalt,
    cipher: DatabaseCipher,
) -> Result<Connection> {
    let journal_dir = path.parent().unwrap_or(path).to_path_buf();
    let conn = Connection::open_with_flags(path, flags)?;

    // A plain SQLite build would silently ignore `PRAGMA key` and write
    // plaintext. SQLCipher answers `cipher_version`; anything else is refused.
    let version: Option<String> = conn.query_row("PRAGMA cipher_version", [], |r| r.get(0)).ok();
    if version.as_deref().is_none_or(str::is_empty) {
        return Err(Error::NoEncryption);
    }
    // SQLCipher logs decryption failures to standard error by itself; the
    // errors we return say all there is to say, in plain words.
    conn.execute_batch("PRAGMA cipher_log_level = NONE;")?;
    conn.execute_batch(&key.sqlcipher_pragma(salt, cipher))?;

    // The first read proves the key: SQLCipher reports "not a database"
    // when page one does not decrypt and authenticate.
    if let Err(e) = conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get::<_, i64>(0)) {
        return Err(match e.sqlite_error_code() {
            Some(rusqlite::ErrorCode::NotADatabase | rusqlite::ErrorCode::DatabaseCorrupt) => {
                Error::DatabaseDamaged(journal_dir)
            }
            _ => e.into(),
        });
    }
    Ok(conn)
}

/// Refuses a connection that is not in WAL mode (asked for by the caller's
/// pragmas): SQLite falls back silently, on a file system without shared
/// memory for instance. `what`: "the journal", "the search index".
pub(crate) fn require_wal(conn: &Connection, what: &str) -> Result<()> {
    let journal_mode: String = conn.query_row("PRAGMA journal_mode", [], |r| r.get(0))?;
    if !journal_mode.eq_ignore_ascii_case("wal") {
        return Err(Error::CheckFailed(format!("{what} could not switch to WAL mode ({journal_mode})")));
    }
    Ok(())
}

/// The first 16 bytes of a SQLCipher file are its salt. If they are not the
/// salt the key file recorded, the two files do not belong together (or the
/// database was replaced). An empty file has no salt yet and is let through:
/// its content may still be in the write-ahead log.
pub(crate) fn check_salt(path: &Path, salt: &DatabaseSalt, journal_dir: &Path) -> Result<()> {
    use std::io::Read;
    let mut f = fs::File::open(path).map_err(|e| Error::io("read", path, e))?;
    let mut head = [0u8; 16];
    let mut read = 0;
    while read < head.len() {
        match f.read(&mut head[read..]) {
            Ok(0) => break,
            Ok(n) => read += n,
            Err(e) => return Err(Error::io("read", path, e)),
        }
    }
    if read == 0 {
        return Ok(());
    }
    if read < head.len() || head != salt.0 {
        return Err(Error::KeyFileMismatch(journal_dir.to_path_buf()));
    }
    Ok(())
}

pub(crate) fn migrate(conn: &Connection) -> Result<()> {
    loop {
        let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if version > SCHEMA_VERSION {
            return Err(Error::SchemaTooNew(version));
        }
        let Some(sql) = MIGRATIONS.get(version as usize) else {
            return Ok(());
        };
        // Each migration in its own write transaction. Another process may
        // have migrated while we waited for the lock: re-read and go round.
        let tx = rusqlite::Transaction::new_unchecked(conn, TransactionBehavior::Immediate)?;
        let now: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if now == version {
            tx.execute_batch(sql)?;
            tx.execute_batch(&format!("PRAGMA user_version = {}", version + 1))?;
        }
        tx.commit()?;
    }
}

/// One of the journal's settings read as a number (0 when unset).
pub(crate) fn meta_i64(conn: &Connection, key: &str) -> Result<i64> {
    Ok(conn
        .prepare_cached("SELECT value FROM meta WHERE key = ?1")?
        .query_row([key], |r| r.get::<_, String>(0))
        .optional()?
        .and_then(|v| v.parse().ok())
        .unwrap_or(0))
}

/// Sets one of the journal's settings (inside the caller's transaction, if any).
pub(crate) fn set_meta(conn: &Connection, key: &str, value: &str) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO meta (key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
    )?
    .execute(params![key, value])?;
    Ok(())
}

/// The SQLCipher version in use.
pub(crate) fn cipher_version(conn: &Connection) -> Result<String> {
    Ok(conn.query_row("PRAGMA cipher_version", [], |r| r.get(0))?)
}

/// Runs SQLCipher's page authentication check and SQLite's own structure
/// checks. Returns the problems found, if any, as plain sentences.
pub(crate) fn integrity_problems(conn: &Connection) -> Result<Vec<String>> {
    let mut problems = Vec::new();
    // Every row returned by cipher_integrity_check is a page that failed its HMAC.
    let mut stmt = conn.prepare("PRAGMA cipher_integrity_check")?;
    let bad_pages = stmt.query_map([], |r| r.get::<_, String>(0))?.count();
    if bad_pages > 0 {
        problems.push(format!("{bad_pages} page(s) of the database failed their authentication check"));
    }
    let mut stmt = conn.prepare("PRAGMA integrity_check")?;
    for row in stmt.query_map([], |r| r.get::<_, String>(0))? {
        let row = row?;
        if row != "ok" {
            problems.push(format!("database structure: {row}"));
        }
    }
    let mut stmt = conn.prepare("PRAGMA foreign_key_check")?;
    let dangling = stmt.query_map([], |_| Ok(()))?.count();
    if dangling > 0 {
        problems.push(format!("{dangling} reference(s) point at missing rows"));
    }
    Ok(problems)
}
