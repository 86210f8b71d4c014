//! The search index: the words of every record, in a full-text index kept
//! in a file of its own, `search.db`, beside `journal.db`.
//!
//! The index holds nothing that `records` does not: each live record's text
//! ([`kinds::search_text`]) under the record's rowid, split into words by
//! FTS5 (`unicode61`, diacritics removed). It is contentless: the words are
//! indexed, the text itself is kept only in `records`. So the index can be
//! thrown away and built again at any time, and it is, whenever it is
//! missing, unreadable, of another layout, or out of step with the journal.
//! It is encrypted like the journal, with a key and salt derived from the
//! journal's data key ([`DataKey::search_index_key`]).
//!
//! Why a file of its own: SQLite lets one connection at a time write to a
//! file. Here, a second thread writes the words while an import's records
//! go in (see [`crate::sync::import`]), and the index can be rebuilt, or
//! thrown away, without touching the journal (at the first unlock after an
//! upgrade, or after a crash between the two commits described below).
//!
//! Staying in step. The journal's `meta` holds a `search_generation`, and
//! this file's `state` the generation the index was last brought up to.
//! Every change to the words is a transaction on each file: the journal's
//! moves its generation from g to a new random number h, the index's moves
//! its own from g to h only if it was at g. (Random, not g + 1: two copies
//! of one journal, changed apart, never share a generation, so an index
//! copied from the one beside the other is seen to be out of step.) The journal's commits first, durably; the
//! index's second, at `synchronous = NORMAL` (a power cut may undo its last
//! commits: the journal holds the truth). If anything comes between the two
//! commits (a crash, a full disk, a power cut), the generations differ, and
//! the index is rebuilt from `records` before it is next searched or when
//! the journal is next unlocked. Locks are always taken journal first, index
//! second, so two processes never wait on each other crosswise (the one
//! lock taken alone, the index's by [`SearchIndex::merge_step`], is taken
//! holding no other).
//!
//! Merging. FTS5 writes each save's words as a small segment of its own and
//! merges segments as it goes. Left to itself it merges during saves, and
//! after a bulk load (an import, a rebuild), whose words are one large
//! segment on the lowest level, such a merge rewrites the whole index in
//! the middle of someone's save. So saves never merge here ([`SETTINGS`]). The
//! merging is done a little at a time when nothing else is happening
//! ([`SearchIndex::merge_step`], through `Journal::tidy_while_idle`, which
//! the app calls when it has been left alone for a few seconds and the
//! command line at the end of each command), and by FTS5 itself only when a
//! level reaches [`CRISIS_MERGE`] segments, which takes that many saves
//! with no such moment between them.
//! A search reads every segment, but small ones cost it little.
//!
//! Damage. An index whose file cannot be read as one (a changed byte fails
//! its page's authentication, a page does not parse) is never worked
//! around: it is marked damaged, its writes are skipped (a save or an
//! import goes in without it), and it is thrown away and made again from
//! `records` at the next unlock or search, as a missing one is. A full disk
//! or a lock another process holds is not damage: those are reported.

use std::cell::Cell;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::mpsc::Receiver;

use rusqlite::{params, Connection, OpenFlags, OptionalExtension, TransactionBehavior};

use crate::error::{Error, Result};
use crate::keys::{DataKey, DatabaseCipher};
use crate::model::kinds::{self, Fields, Kind};
use crate::store;

/// The index's file, in the journal's folder.
pub const SEARCH_FILE: &str = "search.db";

/// The layout of the index's file (its `user_version`). A file of another
/// layout is rebuilt, never migrated: it holds nothing that cannot be.
/// Layout 2: FTS5 set never to merge during saves ([`SETTINGS`]).
const LAYOUT: i64 = 2;

/// How the index's pages are encrypted: part of its layout, the same for
/// every journal (journals made before 8 KiB pages keep SQLCipher's
/// defaults for their own database, but their index is new).
const CIPHER: DatabaseCipher = DatabaseCipher::Pages8kHmacSha256;

const SCHEMA: &str = "
    CREATE VIRTUAL TABLE records_fts USING fts5 (
        body,
        content = '',
        contentless_delete = 1,
        tokenize = 'unicode61 remove_diacritics 2'
    );
    -- The journal's search generation this index was last brought up to;
    -- -1: never built.
    CREATE TABLE state (generation INTEGER NOT NULL) STRICT;
    INSERT INTO state (generation) VALUES (-1);";

/// How many segments a level of the index may gather before FTS5 merges
/// them during a save (its `crisismerge`; its default is 16).
pub(crate) const CRISIS_MERGE: i64 = 64;

/// FTS5's own settings, written when the file is laid out and restored when
/// a bulk load ends: no merging during writes (`automerge` 0; see the
/// module's documentation), a crisis merge only at [`CRISIS_MERGE`]
/// segments, and up to 1 MiB of words held before writing.
pub(crate) const SETTINGS: [(&str, i64); 3] = [("automerge", 0), ("crisismerge", CRISIS_MERGE), ("hashsize", 1 << 20)];
/// The settings a bulk load changes while it runs: room for a whole chunk
/// of words, so that each chunk becomes one segment and the merge at the end
/// ([`Work::Finish`]'s `tidy`) is the only one. Merging as it went rewrote
/// the words of an import of 100,000 records several times.
pub(crate) const BULK_SETTINGS: [(&str, i64); 1] = [("hashsize", 16 << 20)];

/// At most how many pages of the index one step of merging writes
/// ([`SearchIndex::merge_step`]).
const MERGE_STEP_PAGES: i64 = 64;

/// Entries to rewrite, by record rowid: whether the record may have an
/// entry from before (to be removed first), and the text to index now
/// (None: nothing, the record is gone or deleted).
pub(crate) type Entries = BTreeMap<i64, (bool, Option<String>)>;

/// A piece of work for the index, done in its own transaction (begun by the
/// first piece, committed by [`SearchTx::commit`]).
pub(crate) enum Work {
    /// Remove every entry (before a rebuild of the journal).
    Clear,
    /// Rewrite these entries.
    Write(Entries),
    /// Hold many words before writing (a bulk load begins).
    Bulk,
    /// The batch is done: end a bulk load if one began, merge if asked,
    /// and move the index's generation from the first to the second.
    Finish { bulk: bool, tidy: bool, advance: Option<(i64, i64)> },
}

/// The search index of an open journal.
pub(crate) struct SearchIndex {
    conn: Connection,
    /// Known to be out of step with the journal (a commit of the index
    /// failed after the journal's): rebuilt before the next search.
    stale: Cell<bool>,
    /// Known to be damaged: made again from nothing before the next search
    /// (see the module's documentation); meanwhile nothing is written to it.
    damaged: Cell<bool>,
}

/// How an index stands (see [`SearchIndex::health`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Health {
    /// Nothing wrong.
    Sound,
    /// Behind the journal (a crash between the two commits): rebuild it.
    OutOfStep,
    /// Its file is damaged: make it again.
    Damaged,
}

/// Whether an error from the index means its file is damaged (rather than
/// busy, full, or out of reach).
pub(crate) fn is_damage(e: &Error) -> bool {
    matches!(e, Error::Database(_) | Error::DatabaseDamaged(_) | Error::SearchIndexLayout(_) | Error::CheckFailed(_))
}

impl SearchIndex {
    /// Opens the index of the journal in `dir` whose database is `journal`,
    /// rebuilding it from `records` if it is missing, unreadable, of another
    /// layout or out of step.
    pub(crate) fn open(dir: &Path, key: &DataKey, journal: &Connection) -> Result<SearchIndex> {
        let path = dir.join(SEARCH_FILE);
        let opened = Self::connect(&path, key).and_then(|index| index.generation().map(|g| (index, g)));
        let (index, generation) = match opened {
            // Damaged, made with another key, or of another layout: nothing
            // in it is lost by starting again. (Any other failure, a lock
            // held too long say, is reported: the file may be in use.)
            Err(e) if is_damage(&e) => {
                remove_files(&path)?;
                let index = Self::connect(&path, key)?;
                let generation = index.generation()?;
                (index, generation)
            }
            opened => opened?,
        };
        if generation != journal_generation(journal)? {
            if let Err(e) = index.rebuild(journal) {
                if !is_damage(&e) {
                    return Err(e);
                }
                // Damaged further in than its first pages: made again.
                drop(index);
                remove_files(&path)?;
                let index = Self::connect(&path, key)?;
                index.rebuild(journal)?;
                return Ok(index);
            }
        }
        Ok(index)
    }

    /// Throws the index away and makes it again from `records`: for an
    /// index found damaged.
    pub(crate) fn recreate(&mut self, dir: &Path, key: &DataKey, journal: &Connection) -> Result<()> {
        let path = dir.join(SEARCH_FILE);
        // The connection to the damaged file goes first, so that nothing
        // of it is kept open while it is removed.
        let placeholder = Connection::open_in_memory()?;
        drop(std::mem::replace(&mut self.conn, placeholder));
        remove_files(&path)?;
        let fresh = Self::connect(&path, key)?;
        fresh.rebuild(journal)?;
        *self = fresh;
        Ok(())
    }

    /// Whether the index is known to be damaged (see [`SearchIndex::recreate`]).
    pub(crate) fn is_damaged(&self) -> bool {
        self.damaged.get()
    }

    /// `result`, unless it is damage: then the index is marked damaged and
    /// the work counts as done (see the module's documentation).
    fn unless_damaged<T: Default>(&self, result: Result<T>) -> Result<T> {
        match result {
            Err(e) if is_damage(&e) => {
                self.damaged.set(true);
                if !self.conn.is_autocommit() {
                    let _ = self.conn.execute_batch("ROLLBACK");
                }
                Ok(T::default())
            }
            other => other,
        }
    }

    /// An empty index in `path`, for the benchmarks' bare insert.
    #[cfg(feature = "bench")]
    pub(crate) fn create_empty(path: &Path, key: &DataKey) -> Result<SearchIndex> {
        remove_files(path)?;
        Self::connect(path, key)
    }

    fn connect(path: &Path, key: &DataKey) -> Result<SearchIndex> {
        let (key, salt) = key.search_index_key();
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = store::connect(path, flags, &key, &salt, CIPHER)?;
        conn.set_prepared_statement_cache_capacity(16);
        conn.busy_timeout(std::time::Duration::from_millis(store::BUSY_TIMEOUT_MS.into()))?;
        // wal_autocheckpoint: as the journal's (see `store::open`), folding
        // the log back is left to idle moments (`Journal::fold_log` folds
        // both files), so that no save pays for it.
        // cache_size: enough to search a large index after many saves
        // (docs/performance.md has the figures). A bulk load, which writes
        // the index in order and keeps its words in FTS5's own memory (see
        // BULK_SETTINGS), would need less, but leaves it as it is (see
        // `apply_all`).
        conn.execute_batch(
            "PRAGMA journal_mode = WAL;
             PRAGMA synchronous = NORMAL;
             PRAGMA secure_delete = ON;
             PRAGMA temp_store = MEMORY;
             PRAGMA cache_size = -8192;
             PRAGMA wal_autocheckpoint = 8000;",
        )?;
        store::require_wal(&conn, "the search index")?;
        let layout: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if layout == 0 {
            let tx = rusqlite::Transaction::new_unchecked(&conn, TransactionBehavior::Immediate)?;
            // Another process may have laid it out while we waited.
            if tx.query_row("PRAGMA user_version", [], |r| r.get::<_, i64>(0))? == 0 {
                tx.execute_batch(SCHEMA)?;
                configure(&tx, &SETTINGS)?;
                tx.pragma_update(None, "user_version", LAYOUT)?;
            }
            tx.commit()?;
        } else if layout != LAYOUT {
            return Err(Error::SearchIndexLayout(layout));
        }
        Ok(SearchIndex { conn, stale: Cell::new(false), damaged: Cell::new(false) })
    }

    /// The journal generation the index was last brought up to.
    pub(crate) fn generation(&self) -> Result<i64> {
        Ok(self.conn.query_row("SELECT generation FROM state", [], |r| r.get(0))?)
    }

    /// Whether the index is known to be out of step with the journal.
    pub(crate) fn is_stale(&self) -> bool {
        self.stale.get()
    }

    /// Rebuilds the index from the journal's records, in step with it. Any
    /// damage met on the way is reported (and nothing committed): the
    /// index is then made again from nothing ([`SearchIndex::recreate`]).
    pub(crate) fn rebuild(&self, journal: &Connection) -> Result<()> {
        // The journal's write lock first, so no record changes under the
        // rebuild; nothing is written to the journal.
        let held = rusqlite::Transaction::new_unchecked(journal, TransactionBehavior::Immediate)?;
        let generation = journal_generation(&held)?;
        let pending = SearchTx::new(self);
        self.apply_here(Work::Clear)?;
        self.apply_here(Work::Bulk)?;
        let mut entries = Entries::new();
        let mut stmt = held.prepare("SELECT rowid, kind, data FROM records WHERE deleted = 0")?;
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            let kind = Kind::parse(&row.get::<_, String>(1)?)?;
            let data: Fields = serde_json::from_str(&row.get::<_, String>(2)?)
                .map_err(|_| Error::CheckFailed("a record's fields are unreadable".into()))?;
            entries.insert(row.get(0)?, (false, Some(kinds::search_text(kind, &data))));
            if entries.len() >= REBUILD_CHUNK {
                self.apply_here(Work::Write(std::mem::take(&mut entries)))?;
            }
        }
        self.apply_here(Work::Write(entries))?;
        self.conn.execute("UPDATE state SET generation = ?1", [generation])?;
        self.apply_here(Work::Finish { bulk: true, tidy: true, advance: None })?;
        pending.commit()?;
        self.stale.set(false);
        self.damaged.set(false);
        // This SQLite keeps one page cache for all of the process's
        // connections, each with its own share (it is built with
        // SQLITE_ENABLE_MEMORY_MANAGEMENT). After a rebuild of 100,000
        // records' words both shares were full, and from then on the pages
        // of one of the two files were let go of as soon as they were read:
        // searches missed the cache nearly every time and took twice as long
        // until the journal was locked (19,000 misses in 500 searches, not
        // 60). Emptying the cache of every page not in use, the journal's
        // too, puts that right; they are read again as needed. An import,
        // which writes the index with a smaller cache, was not seen to do
        // this. Only about the cache: a failure here is not the rebuild's.
        let _ = self.conn.execute_batch("PRAGMA shrink_memory;");
        Ok(())
    }

    /// Does one piece of work, in the index's transaction (begun here if
    /// none is open). Nothing, once the index is known to be damaged, and
    /// damage found doing it marks it so (see the module's documentation).
    pub(crate) fn apply(&self, work: Work) -> Result<()> {
        if self.is_damaged() {
            return Ok(());
        }
        let done = self.apply_here(work);
        self.unless_damaged(done)
    }

    fn apply_here(&self, work: Work) -> Result<()> {
        if self.conn.is_autocommit() {
            self.conn.execute_batch("BEGIN IMMEDIATE")?;
        }
        match work {
            Work::Clear => self.conn.execute_batch("INSERT INTO records_fts (records_fts) VALUES ('delete-all');")?,
            Work::Bulk => configure(&self.conn, &BULK_SETTINGS)?,
            Work::Write(entries) => {
                // Every removal, then every insertion, so that all of them
                // go through FTS5's in-memory hash together.
                let mut remove = self.conn.prepare_cached("DELETE FROM records_fts WHERE rowid = ?1")?;
                let mut insert = self.conn.prepare_cached("INSERT INTO records_fts (rowid, body) VALUES (?1, ?2)")?;
                for (rowid, (existed, _)) in &entries {
                    if *existed {
                        remove.execute([rowid])?;
                    }
                }
                for (rowid, (_, body)) in entries {
                    if let Some(body) = body.filter(|b| !b.is_empty()) {
                        insert.execute(params![rowid, body])?;
                    }
                }
            }
            Work::Finish { bulk, tidy, advance } => {
                if bulk {
                    configure(&self.conn, &SETTINGS)?;
                }
                if tidy {
                    self.conn.execute_batch("INSERT INTO records_fts (records_fts) VALUES ('optimize');")?;
                }
                // Only from the generation the journal moved from: an index
                // already out of step stays so, and is rebuilt.
                if let Some((from, to)) = advance {
                    self.conn.execute("UPDATE state SET generation = ?2 WHERE generation = ?1", [from, to])?;
                }
            }
        }
        Ok(())
    }

    /// Does each piece of work sent, until the sender hangs up: the other
    /// end of an import, on a thread of its own. Nothing is committed.
    ///
    /// The index's page cache is left as it is. SQLite as built here
    /// (`SQLITE_ENABLE_MEMORY_MANAGEMENT`) keeps one pool of cached pages
    /// for all of a process's connections, each allowed its `cache_size`
    /// in it. Lowering a connection's size does not make it give up the
    /// pages it holds, and while the pool holds more than its connections
    /// are allowed, any page a connection stops using is dropped at once,
    /// its B-trees' roots too. When an import lowered this cache to 2 MiB,
    /// the index, idle while the records went in, kept the pages of its
    /// last write, and the journal read and decrypted a page or two again
    /// for every record it inserted: a supervisor's imports of 50 files of
    /// 2,000 records took 1.5 to 2 times as long (docs/performance.md).
    pub(crate) fn apply_all(&mut self, work: Receiver<Work>) -> Result<()> {
        work.into_iter().try_for_each(|piece| self.apply(piece))
    }

    /// The rowids of the records whose words match the FTS5 `query`, newest
    /// first, a page at a time.
    pub(crate) fn matching(&self, query: &str, limit: i64, offset: i64) -> Result<Vec<i64>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT rowid FROM records_fts WHERE records_fts MATCH ?1 ORDER BY rowid DESC LIMIT ?2 OFFSET ?3",
        )?;
        let rowids = stmt.query_map(params![query, limit, offset], |r| r.get(0))?;
        Ok(rowids.collect::<rusqlite::Result<_>>()?)
    }

    /// Merges the index into one segment, in a transaction of its own.
    pub(crate) fn tidy(&self) -> Result<()> {
        let pending = SearchTx::new(self);
        self.apply(Work::Finish { bulk: false, tidy: true, advance: None })?;
        let committed = pending.commit();
        self.unless_damaged(committed)
    }

    /// Does one step of the merging saves leave undone (see the module's
    /// documentation), writing at most [`MERGE_STEP_PAGES`] pages, in a
    /// transaction of its own; nothing if no level has enough segments to
    /// merge and no merge is under way, nor if the index is to be rebuilt
    /// or has a transaction open. Returns whether it merged anything.
    /// Does not wait for a lock another process holds (an import on the
    /// command line holds it for seconds, and the app would wait with it):
    /// it is work for idle moments, and can be done at the next one.
    pub(crate) fn merge_step(&self) -> Result<bool> {
        if self.is_stale() || self.is_damaged() || !self.conn.is_autocommit() {
            return Ok(false);
        }
        let before = self.conn.total_changes();
        // Should setting the wait back fail, later writes fail at once
        // instead of waiting on a busy index, and it is rebuilt: slower,
        // never wrong.
        self.conn.busy_timeout(std::time::Duration::ZERO)?;
        let merged =
            self.conn.execute("INSERT INTO records_fts (records_fts, rank) VALUES ('merge', ?1)", [MERGE_STEP_PAGES]);
        self.conn.busy_timeout(std::time::Duration::from_millis(store::BUSY_TIMEOUT_MS.into()))?;
        self.unless_damaged(merged.map(|_| ()).map_err(Error::from))?;
        // FTS5 counts a change for the command itself, and more for any
        // block it writes.
        Ok(!self.is_damaged() && self.conn.total_changes() - before >= 2)
    }

    /// Lets go of the index's cached pages (see `Journal::release_memory`).
    pub(crate) fn release_memory(&self) -> Result<()> {
        Ok(self.conn.execute_batch("PRAGMA shrink_memory;")?)
    }

    /// Folds the index's write-ahead log into its file; with `truncate`,
    /// empties the log too (after an erasure). Returns the pages left
    /// unfolded (another process reading can hold some back).
    pub(crate) fn fold_log(&self, truncate: bool) -> Result<u64> {
        let mode = if truncate { "TRUNCATE" } else { "PASSIVE" };
        let (log, folded): (i64, i64) =
            self.conn.query_row(&format!("PRAGMA wal_checkpoint({mode})"), [], |r| Ok((r.get(1)?, r.get(2)?)))?;
        Ok(u64::try_from(log - folded).unwrap_or(0))
    }

    /// How the index stands: damaged (its pages fail their authentication,
    /// or FTS5's own check fails), out of step with the journal, or sound.
    /// Marks it accordingly, for the caller to make it again or rebuild it.
    pub(crate) fn health(&self, journal: &Connection) -> Result<Health> {
        let checked = store::integrity_problems(&self.conn).map(|problems| {
            let fts =
                self.conn.execute_batch("INSERT INTO records_fts (records_fts, rank) VALUES ('integrity-check', 0);");
            !problems.is_empty() || fts.is_err()
        });
        let damaged = match checked {
            Ok(damaged) => damaged,
            Err(e) if is_damage(&e) => true,
            Err(e) => return Err(e),
        };
        if damaged || self.is_damaged() {
            self.damaged.set(true);
            return Ok(Health::Damaged);
        }
        if self.is_stale() || self.generation()? != journal_generation(journal)? {
            self.stale.set(true);
            return Ok(Health::OutOfStep);
        }
        Ok(Health::Sound)
    }

    /// The index's connection, for tests and the benchmarks.
    #[cfg(any(test, feature = "bench"))]
    pub(crate) fn conn(&self) -> &Connection {
        &self.conn
    }
}

/// Sets FTS5's `settings` (see [`SETTINGS`]), in `conn`'s transaction.
fn configure(conn: &Connection, settings: &[(&str, i64)]) -> Result<()> {
    let mut stmt = conn.prepare_cached("INSERT INTO records_fts (records_fts, rank) VALUES (?1, ?2)")?;
    for (name, value) in settings {
        stmt.execute(params![name, value])?;
    }
    Ok(())
}

/// How many records' words a rebuild writes at a time.
const REBUILD_CHUNK: usize = 10_000;

/// A new search generation (see the module's documentation): random, and
/// never -1, which an index never built holds.
pub(crate) fn new_generation() -> i64 {
    rand::random::<i64>() & i64::MAX
}

/// The journal's search generation (see the module's documentation).
pub(crate) fn journal_generation(journal: &Connection) -> Result<i64> {
    Ok(journal
        .query_row("SELECT value FROM meta WHERE key = 'search_generation'", [], |r| r.get::<_, String>(0))
        .optional()?
        .and_then(|v| v.parse().ok())
        .unwrap_or(0))
}

/// A transaction on the index that is committed only after the journal's:
/// rolled back if dropped uncommitted. One guard per transaction: a second
/// guard over the same index, dropped, would roll back the first's work.
pub struct SearchTx<'s> {
    index: Option<&'s SearchIndex>,
}

impl<'s> SearchTx<'s> {
    /// Takes charge of whatever transaction `index` has open, or opens later.
    pub(crate) fn new(index: &'s SearchIndex) -> Self {
        SearchTx { index: Some(index) }
    }

    /// Nothing to commit: the work went to another thread, whose index is
    /// taken charge of when it is done.
    pub(crate) fn none() -> Self {
        SearchTx { index: None }
    }

    /// Commits the index's transaction, if one is open. Call after the
    /// journal's own commit.
    pub(crate) fn commit(mut self) -> Result<()> {
        let Some(index) = self.index.take() else {
            return Ok(());
        };
        if index.conn.is_autocommit() {
            return Ok(());
        }
        if let Err(e) = index.conn.execute_batch("COMMIT") {
            let _ = index.conn.execute_batch("ROLLBACK");
            index.stale.set(true);
            return Err(e.into());
        }
        Ok(())
    }

    /// Commits after the journal has committed: the journal's change stands
    /// whatever happens here. If the index cannot commit, it is out of step
    /// and is rebuilt before the next search.
    pub(crate) fn commit_after_journal(self) {
        let _ = self.commit();
    }
}

impl Drop for SearchTx<'_> {
    fn drop(&mut self) {
        if let Some(index) = self.index.take() {
            if !index.conn.is_autocommit() {
                let _ = index.conn.execute_batch("ROLLBACK");
            }
        }
    }
}

/// Removes the index's file and its write-ahead log, if there.
pub(crate) fn remove_files(path: &Path) -> Result<()> {
    for suffix in ["", "-wal", "-shm"] {
        let mut name = path.as_os_str().to_owned();
        name.push(suffix);
        let file = Path::new(&name);
        match std::fs::remove_file(file) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(Error::io("remove", file, e)),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::journal::{Journal, NewJournal, Role};
    use crate::keys::KdfParams;
    use crate::model::record::Page;
    use serde_json::json;

    const PASS: &str = "a passphrase";

    fn journal() -> (tempfile::TempDir, Journal) {
        let dir = tempfile::tempdir().unwrap();
        let kdf = KdfParams { memory_kib: 1024, iterations: 1, parallelism: 1 };
        let (j, _) =
            Journal::create(dir.path(), &NewJournal { name: "T", role: Role::Volunteer, passphrase: PASS, kdf })
                .unwrap();
        (dir, j)
    }

    /// A journal with a person and three contacts whose notes say "kumquat".
    fn with_records() -> (tempfile::TempDir, Journal) {
        let (dir, mut j) = journal();
        let p = j.add(Kind::Person, json!({"alias": "R"}).as_object().cloned().unwrap()).unwrap().id;
        for i in 0..3 {
            let notes = format!("visit {i}: brought kumquats");
            j.add(Kind::Contact, json!({"person": p, "how": "phone", "notes": notes}).as_object().cloned().unwrap())
                .unwrap();
        }
        (dir, j)
    }

    fn found(j: &mut Journal, word: &str) -> usize {
        j.search(word, Page::default()).unwrap().len()
    }

    fn in_step(j: &Journal) -> bool {
        j.search.generation().unwrap() == journal_generation(&j.conn).unwrap()
    }

    /// Every save moves both generations on together; the index holds the
    /// words of what was saved.
    #[test]
    fn each_save_moves_the_index_on_in_step_with_the_journal() {
        let (_d, mut j) = with_records();
        let before = journal_generation(&j.conn).unwrap();
        assert!(in_step(&j));
        let p = j.add(Kind::Service, json!({"name": "Quince pantry"}).as_object().cloned().unwrap()).unwrap().id;
        assert_ne!(journal_generation(&j.conn).unwrap(), before);
        assert!(in_step(&j));
        assert_eq!(found(&mut j, "quince"), 1);
        j.delete(&p).unwrap();
        assert!(in_step(&j));
        assert_eq!(found(&mut j, "quince"), 0);
        assert!(j.check().unwrap().ok);
    }

    /// Missing, damaged, of another layout or made with another key: the
    /// index is made again at unlock, and searches find what they did.
    #[test]
    fn an_index_that_cannot_be_used_is_rebuilt_at_unlock() {
        let (d, mut j) = with_records();
        assert_eq!(found(&mut j, "kumquats"), 3);
        drop(j);
        type Spoil<'a> = (&'a str, &'a dyn Fn(&Path));
        let spoil: [Spoil<'_>; 4] = [
            ("missing", &|dir| {
                remove_files(&dir.join(SEARCH_FILE)).unwrap();
            }),
            ("damaged", &|dir| {
                remove_files(&dir.join(SEARCH_FILE)).unwrap();
                std::fs::write(dir.join(SEARCH_FILE), vec![0x5a; 64 * 1024]).unwrap();
            }),
            ("another layout", &|dir| {
                let j = Journal::open(dir, PASS).unwrap();
                j.search.conn().execute_batch("PRAGMA user_version = 99").unwrap();
            }),
            ("another key", &|dir| {
                let (other_dir, other) = journal();
                drop(other);
                remove_files(&dir.join(SEARCH_FILE)).unwrap();
                std::fs::copy(other_dir.path().join(SEARCH_FILE), dir.join(SEARCH_FILE)).unwrap();
            }),
        ];
        for (how, spoil) in spoil {
            spoil(d.path());
            let mut j = Journal::open(d.path(), PASS).unwrap();
            assert_eq!(found(&mut j, "kumquats"), 3, "{how}");
            assert!(in_step(&j), "{how}");
            assert!(j.check().unwrap().ok, "{how}: {:?}", j.check().unwrap().problems);
        }
    }

    /// The index's last commit lost (a crash or power cut between the two
    /// commits): the next unlock rebuilds it, and so does `check`, which says
    /// so.
    #[test]
    fn an_index_out_of_step_is_rebuilt_at_unlock_or_check() {
        let (d, mut j) = with_records();
        let lose_last_commit = |j: &Journal| {
            j.search
                .conn()
                .execute_batch(
                    "INSERT INTO records_fts (records_fts) VALUES ('delete-all');
                     INSERT INTO records_fts (rowid, body) VALUES (999, 'phantom');
                     UPDATE state SET generation = generation - 1;",
                )
                .unwrap()
        };
        lose_last_commit(&j);
        let report = j.check().unwrap();
        assert!(report.ok, "{report:?}");
        assert!(report.repaired.iter().any(|p| p.contains("out of step")), "{:?}", report.repaired);
        assert_eq!(found(&mut j, "kumquats"), 3);
        assert_eq!(found(&mut j, "phantom"), 0);
        assert!(j.check().unwrap().repaired.is_empty());
        lose_last_commit(&j);
        drop(j);
        let mut j = Journal::open(d.path(), PASS).unwrap();
        assert!(in_step(&j));
        assert_eq!((found(&mut j, "kumquats"), found(&mut j, "phantom")), (3, 0));
        assert!(j.check().unwrap().repaired.is_empty());
    }

    /// A changed byte anywhere in the index's file: it is made again, from
    /// nothing, like a missing one, whether the damage is found at unlock,
    /// by a search, by a save or by `check`; a save goes in all the same.
    #[test]
    fn a_damaged_index_is_made_again_like_a_missing_one() {
        let (d, j) = with_records();
        drop(j);
        let path = d.path().join(SEARCH_FILE);
        let pages = std::fs::metadata(&path).unwrap().len() / 8192;
        assert!(pages >= 3, "{pages}");
        for page in 0..pages {
            let mut bytes = std::fs::read(&path).unwrap();
            let at = (page * 8192 + 100) as usize;
            bytes[at] ^= 0x01;
            std::fs::write(&path, &bytes).unwrap();
            let mut j = Journal::open(d.path(), PASS).unwrap();
            let p = j.list(Kind::Person, None, Page::default()).unwrap()[0].id.clone();
            let saved = json!({"person": p, "how": "phone", "notes": "zanzibar"}).as_object().cloned().unwrap();
            let saved = j.add(Kind::Contact, saved).unwrap().id;
            let report = j.check().unwrap();
            assert!(report.ok, "page {page}: {report:?}");
            assert_eq!((found(&mut j, "kumquats"), found(&mut j, "zanzibar")), (3, 1), "page {page}");
            assert!(j.check().unwrap().repaired.is_empty(), "page {page}");
            j.delete(&saved).unwrap();
        }
    }

    /// An index copied from another copy of the same journal (same key,
    /// changed apart since) is out of step, never used as it is.
    #[test]
    fn an_index_from_another_copy_of_the_journal_is_not_used() {
        let (d, mut j) = with_records();
        j.conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)").unwrap();
        j.search.fold_log(true).unwrap();
        let copy = tempfile::tempdir().unwrap();
        for file in [crate::journal::DB_FILE, crate::journal::KEY_FILE, SEARCH_FILE] {
            std::fs::copy(d.path().join(file), copy.path().join(file)).unwrap();
        }
        let mut other = Journal::open(copy.path(), PASS).unwrap();
        let words = |w: &str| json!({"name": w}).as_object().cloned().unwrap();
        j.add(Kind::Service, words("Apricot")).unwrap();
        other.add(Kind::Service, words("Blackcurrant")).unwrap();
        other.search.fold_log(true).unwrap();
        drop((j, other));
        remove_files(&d.path().join(SEARCH_FILE)).unwrap();
        std::fs::copy(copy.path().join(SEARCH_FILE), d.path().join(SEARCH_FILE)).unwrap();
        let mut j = Journal::open(d.path(), PASS).unwrap();
        assert_eq!((found(&mut j, "apricot"), found(&mut j, "blackcurrant")), (1, 0));
        assert!(j.check().unwrap().repaired.is_empty());
    }

    /// Known stale in this session (the index failed to commit after the
    /// journal had): the next search rebuilds it first.
    #[test]
    fn a_stale_index_is_rebuilt_before_the_next_search() {
        let (_d, mut j) = with_records();
        j.search.conn().execute_batch("INSERT INTO records_fts (records_fts) VALUES ('delete-all');").unwrap();
        j.search.stale.set(true);
        assert_eq!(found(&mut j, "kumquats"), 3);
        assert!(!j.search.is_stale());
    }

    /// A journal made before the index had a file of its own: the upgrade
    /// drops the words from the journal's database and builds the index.
    #[test]
    fn a_journal_from_before_the_split_moves_its_words_out() {
        let (d, j) = with_records();
        j.conn.execute_batch(crate::store::UNDO_OWNERSHIP).unwrap();
        j.conn.execute_batch(crate::store::UNDO_DEVICE_NUMBERS).unwrap();
        j.conn.execute_batch(crate::store::UNDO_INDEX_KEYS).unwrap();
        j.conn
            .execute_batch(
                "CREATE VIRTUAL TABLE records_fts USING fts5 (body, content = '', contentless_delete = 1,
                     tokenize = 'unicode61 remove_diacritics 2');
                 INSERT INTO records_fts (rowid, body) SELECT rowid, data FROM records;
                 DELETE FROM meta WHERE key = 'search_generation';
                 PRAGMA user_version = 7;",
            )
            .unwrap();
        drop(j);
        remove_files(&d.path().join(SEARCH_FILE)).unwrap();
        let mut j = Journal::open(d.path(), PASS).unwrap();
        let left: i64 = j
            .conn
            .query_row("SELECT count(*) FROM sqlite_master WHERE name LIKE 'records_fts%'", [], |r| r.get(0))
            .unwrap();
        assert_eq!(left, 0);
        assert_eq!(found(&mut j, "kumquats"), 3);
        assert!(j.check().unwrap().ok, "{:?}", j.check().unwrap().problems);
    }

    fn segments(j: &Journal) -> i64 {
        j.search.conn().query_row("SELECT count(DISTINCT segid) FROM records_fts_idx", [], |r| r.get(0)).unwrap()
    }

    /// After a bulk load, saves write their words without merging (one
    /// segment each, where FTS5's defaults merged them at the 16th); idle
    /// steps merge them; only [`CRISIS_MERGE`] saves with no idle moment
    /// between them make a save merge. Search finds the same throughout.
    #[test]
    fn saves_leave_merging_to_idle_moments() {
        let (_d, mut j) = with_records();
        j.search.rebuild(&j.conn).unwrap();
        assert_eq!(segments(&j), 1);
        let p = j.list(Kind::Person, None, Page::default()).unwrap()[0].id.clone();
        let visit = |j: &mut Journal, i: usize| {
            let notes = format!("visit {i}: brought quinces");
            j.add(Kind::Contact, json!({"person": p, "how": "phone", "notes": notes}).as_object().cloned().unwrap())
                .unwrap();
        };
        for i in 0..20 {
            visit(&mut j, i);
        }
        assert_eq!(segments(&j), 21, "no save merged");
        assert_eq!((found(&mut j, "kumquats"), found(&mut j, "quinces")), (3, 20));

        let mut steps = 0;
        while j.tidy_while_idle().unwrap() {
            steps += 1;
            assert!(steps < 100, "merging ends");
        }
        assert!(steps >= 1);
        assert_eq!(segments(&j), 1, "merged at idle moments");
        assert!(!j.tidy_while_idle().unwrap(), "nothing left to merge");
        assert_eq!((found(&mut j, "kumquats"), found(&mut j, "quinces")), (3, 20));
        assert!(j.check().unwrap().ok, "{:?}", j.check().unwrap().problems);

        for i in 0..CRISIS_MERGE as usize {
            visit(&mut j, 100 + i);
        }
        assert!(segments(&j) < CRISIS_MERGE, "a save merged once a level was full");
        assert_eq!(j.search.matching("quinces", 1000, 0).unwrap().len(), 20 + CRISIS_MERGE as usize);
    }

    /// An index laid out before saves stopped merging (layout 1, with FTS5's
    /// own merge settings) is laid out anew at unlock, with today's.
    #[test]
    fn an_index_of_the_layout_before_is_laid_out_anew() {
        let (d, j) = with_records();
        j.search
            .conn()
            .execute_batch(
                "INSERT INTO records_fts (records_fts, rank) VALUES ('automerge', 4);
                 DELETE FROM records_fts_config WHERE k = 'crisismerge';
                 PRAGMA user_version = 1;",
            )
            .unwrap();
        drop(j);
        let mut j = Journal::open(d.path(), PASS).unwrap();
        let layout: i64 = j.search.conn().query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
        assert_eq!(layout, LAYOUT);
        let mut stmt = j
            .search
            .conn()
            .prepare(
                "SELECT k, v FROM records_fts_config WHERE k IN ('automerge', 'crisismerge', 'hashsize') ORDER BY k",
            )
            .unwrap();
        let settings: Vec<(String, i64)> =
            stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap().collect::<rusqlite::Result<_>>().unwrap();
        assert_eq!(settings, SETTINGS.iter().map(|(k, v)| (k.to_string(), *v)).collect::<Vec<_>>());
        drop(stmt);
        assert_eq!(found(&mut j, "kumquats"), 3);
    }

    /// A merge step does not wait for another process holding the index:
    /// it reports it busy at once, leaves the wait for saves as it was, and
    /// the next step goes ahead.
    #[test]
    fn a_merge_step_does_not_wait_for_a_busy_index() {
        let (d, j) = with_records();
        let other = Journal::open(d.path(), PASS).unwrap();
        other.search.conn().execute_batch("BEGIN IMMEDIATE").unwrap();
        let start = std::time::Instant::now();
        assert!(matches!(j.search.merge_step(), Err(Error::Busy)));
        // Not a budget: waiting would take the whole busy timeout.
        assert!(start.elapsed() < std::time::Duration::from_millis(store::BUSY_TIMEOUT_MS.into()));
        let wait: i64 = j.search.conn().query_row("PRAGMA busy_timeout", [], |r| r.get(0)).unwrap();
        assert_eq!(wait, i64::from(store::BUSY_TIMEOUT_MS));
        other.search.conn().execute_batch("COMMIT").unwrap();
        assert!(j.search.merge_step().is_ok());
    }

    /// The index's key and salt are derived from the data key, apart from it.
    #[test]
    fn the_index_has_a_key_of_its_own() {
        let key = DataKey::generate();
        let (a, salt_a) = key.search_index_key();
        let (b, salt_b) = key.search_index_key();
        assert_eq!(
            (a.sqlcipher_pragma(&salt_a, DatabaseCipher::NEW), salt_a),
            (b.sqlcipher_pragma(&salt_b, DatabaseCipher::NEW), salt_b)
        );
        let journal_salt = crate::keys::DatabaseSalt(salt_a.0);
        assert_ne!(
            *a.sqlcipher_pragma(&salt_a, DatabaseCipher::NEW),
            *key.sqlcipher_pragma(&journal_salt, DatabaseCipher::NEW)
        );
    }
}
