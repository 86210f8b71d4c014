//! Support for the benchmarks: a bare bulk insert of a journal's rows, the
//! yardstick import is measured against. Not used by the app.

use std::path::Path;
use std::time::{Duration, Instant};

use rusqlite::types::Value as SqlValue;

use crate::error::Result;
use crate::journal::Journal;
use crate::keys::{DataKey, DatabaseSalt};
use crate::model::kinds::{self, Kind};
use crate::store::search::SearchIndex;
use crate::store::{self, Mode};

/// How a bare bulk insert commits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Commits {
    /// Everything in one transaction on each file, as one import of one
    /// bundle holding all of it.
    Once,
    /// A transaction on each file for the rows of each journal that wrote
    /// them (by the journal its devices belong to), in the order the rows
    /// are stored: as a supervisor's imports of one file from each
    /// volunteer commit.
    PerWriter,
}

/// The rows of one transaction (see [`Commits`]).
#[derive(Default)]
struct Group {
    devices: Vec<Vec<SqlValue>>,
    events: Vec<Vec<SqlValue>>,
    records: Vec<Vec<SqlValue>>,
    bodies: Vec<String>,
}

/// Copies every device, event, record and search entry of `source` into a
/// new, empty journal database and search index in `dir` with plain
/// prepared inserts, committed as `commits` says — the same rows into the
/// same tables, indexes and search index, without any of import's checking
/// or merging — and returns how long the inserts and the commits took. In
/// each transaction the search entries go in after the rows, on the same
/// thread, as a bulk loader would write them (see
/// [`crate::store::fold::Batch`]). The new files have the page caches an
/// import into `source` has; `source`'s own are emptied while they are
/// written.
pub fn bare_bulk_insert(source: &Journal, dir: &Path, commits: Commits) -> Result<Duration> {
    // Each row's last column is the journal that wrote it (its device's
    // owner, or the device itself where none is known): the key its
    // transaction is chosen by.
    let read = |sql: &str, n: usize| -> Result<Vec<(String, Vec<SqlValue>)>> {
        let mut stmt = source.conn.prepare(sql)?;
        let rows = stmt.query_map([], |r| {
            let row = (0..n).map(|i| r.get::<_, SqlValue>(i)).collect::<rusqlite::Result<Vec<_>>>()?;
            Ok((r.get::<_, Option<String>>(n)?.unwrap_or_default(), row))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    };
    let devices = read("SELECT n, id, journal, coalesce(journal, id) FROM devices", 3)?;
    let events = read(
        "SELECT e.device, e.seq, e.hlc, e.record, e.kind, e.op, e.fields, e.source, coalesce(d.journal, e.device)
         FROM events e LEFT JOIN devices d ON d.id = e.device ORDER BY e.rowid",
        8,
    )?;
    let records = read(
        "SELECT r.id, r.kind, r.person, r.at, r.due, r.attention, r.data, r.clocks, r.created_hlc, r.created_device,
                r.updated_hlc, r.updated_device, r.deleted, r.conflict, r.lazy_seq, r.lazy_source, r.person_key,
                r.at_key, r.due_key, r.about, coalesce(d.journal, d.id)
         FROM records r LEFT JOIN devices d ON d.n = r.created_device ORDER BY r.rowid",
        20,
    )?;

    // The transactions, in the order their first row is stored.
    let mut groups: Vec<(String, Group)> = Vec::new();
    fn group(groups: &mut Vec<(String, Group)>, commits: Commits, writer: String) -> usize {
        let writer = if commits == Commits::Once { String::new() } else { writer };
        match groups.iter().position(|(w, _)| *w == writer) {
            Some(i) => i,
            None => {
                groups.push((writer, Group::default()));
                groups.len() - 1
            }
        }
    }
    let mut placed = Vec::new();
    for (writer, row) in records {
        let body = match (&row[1], &row[6]) {
            (SqlValue::Text(kind), SqlValue::Text(data)) => {
                let kind = Kind::parse(kind).unwrap_or(Kind::Person);
                kinds::search_text(kind, &serde_json::from_str(data).unwrap_or_default())
            }
            _ => String::new(),
        };
        placed.push((group(&mut groups, commits, writer), row, body));
    }
    let mut others = Vec::new();
    for (writer, row) in events {
        others.push((group(&mut groups, commits, writer), false, row));
    }
    // A device goes in with its journal's rows; one whose journal wrote
    // none (this journal's own, say), in the first transaction.
    for (writer, row) in devices {
        let i = match groups.iter().position(|(w, _)| *w == writer || commits == Commits::Once) {
            Some(i) => i,
            None if groups.is_empty() => group(&mut groups, commits, writer),
            None => 0,
        };
        others.push((i, true, row));
    }
    for (i, row, body) in placed {
        groups[i].1.records.push(row);
        groups[i].1.bodies.push(body);
    }
    for (i, device, row) in others {
        let g = &mut groups[i].1;
        if device {
            g.devices.push(row);
        } else {
            g.events.push(row);
        }
    }

    // A process's connections share one pool of cached pages, each allowed
    // its `cache_size` in it (see `SearchIndex::apply_all`): the source's
    // share would be the bare insert's to use, which an import into the
    // source did not have. Its pages go, and its share is set to nothing
    // while the inserts run.
    let source_conns = [&source.conn, source.search.conn()];
    let mut source_caches = Vec::new();
    for c in source_conns {
        source_caches.push(c.query_row("PRAGMA cache_size", [], |r| r.get::<_, i64>(0))?);
        c.execute_batch("PRAGMA cache_size = 0; PRAGMA shrink_memory;")?;
    }
    let inserted = insert(source, dir, &groups);
    for (c, size) in source_conns.iter().zip(source_caches) {
        c.execute_batch(&format!("PRAGMA cache_size = {size};"))?;
    }
    inserted
}

/// The timed part of [`bare_bulk_insert`]: `groups` into new files in `dir`.
fn insert(source: &Journal, dir: &Path, groups: &[(String, Group)]) -> Result<Duration> {
    let conn = store::open(
        &dir.join("bare.db"),
        &DataKey::generate(),
        &DatabaseSalt::generate(),
        source.key_file.database_cipher(),
        Mode::Create,
    )?;
    let search = SearchIndex::create_empty(&dir.join("bare-search.db"), &DataKey::generate())?;
    // Set as an import sets the journal: the same cache, no fold at commit.
    let _bulk_load = store::BulkLoad::new(&conn)?;
    let start = Instant::now();
    for (_, g) in groups {
        let tx = conn.unchecked_transaction()?;
        let rowids = {
            let mut ins = tx.prepare_cached("INSERT INTO devices (n, id, journal) VALUES (?1, ?2, ?3)")?;
            for d in &g.devices {
                ins.execute(rusqlite::params_from_iter(d.iter()))?;
            }
            let mut ins = tx.prepare_cached(
                "INSERT INTO events (device, seq, hlc, record, kind, op, fields, source)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )?;
            for e in &g.events {
                ins.execute(rusqlite::params_from_iter(e.iter()))?;
            }
            let mut ins = tx.prepare_cached(
                "INSERT INTO records (id, kind, person, at, due, attention, data, clocks, created_hlc, created_device,
                                      updated_hlc, updated_device, deleted, conflict, lazy_seq, lazy_source,
                                      person_key, at_key, due_key, about)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20)",
            )?;
            let mut rowids = Vec::with_capacity(g.records.len());
            for r in &g.records {
                ins.execute(rusqlite::params_from_iter(r.iter()))?;
                rowids.push(tx.last_insert_rowid());
            }
            rowids
        };
        tx.commit()?;
        let search_tx = search.conn().unchecked_transaction()?;
        {
            let mut fts = search_tx.prepare_cached("INSERT INTO records_fts (rowid, body) VALUES (?1, ?2)")?;
            for (rowid, body) in rowids.iter().zip(&g.bodies) {
                if !body.is_empty() {
                    fts.execute(rusqlite::params![rowid, body])?;
                }
            }
        }
        search_tx.commit()?;
    }
    Ok(start.elapsed())
}
