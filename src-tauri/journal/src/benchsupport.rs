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

/// Copies every event, record and search entry of `source` into a new,
/// empty journal database and search index in `dir` with plain prepared
/// inserts, one transaction per file — the same rows into the same tables,
/// indexes and search index, without any of import's checking or merging —
/// and returns how long the inserts and the commits took. The search
/// entries go in after the rows, on the same thread, as a bulk loader would
/// write them (see [`crate::store::fold::Batch`]).
pub fn bare_bulk_insert(source: &Journal, dir: &Path) -> Result<Duration> {
    let read = |sql: &str, n: usize| -> Result<Vec<Vec<SqlValue>>> {
        let mut stmt = source.conn.prepare(sql)?;
        let rows =
            stmt.query_map([], |r| (0..n).map(|i| r.get::<_, SqlValue>(i)).collect::<rusqlite::Result<Vec<_>>>())?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    };
    let devices = read("SELECT n, id FROM devices", 2)?;
    let events = read("SELECT device, seq, hlc, record, kind, op, fields, source FROM events", 8)?;
    let records = read(
        "SELECT id, kind, person, at, due, attention, data, clocks, created_hlc, created_device, updated_hlc,
                updated_device, deleted, conflict, lazy_seq, lazy_source, person_key, at_key, due_key FROM records",
        19,
    )?;
    let bodies: Vec<String> = records
        .iter()
        .map(|r| match (&r[1], &r[6]) {
            (SqlValue::Text(kind), SqlValue::Text(data)) => {
                let kind = Kind::parse(kind).unwrap_or(Kind::Person);
                kinds::search_text(kind, &serde_json::from_str(data).unwrap_or_default())
            }
            _ => String::new(),
        })
        .collect();

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
    let tx = conn.unchecked_transaction()?;
    let rowids = {
        let mut ins = tx.prepare("INSERT INTO devices (n, id) VALUES (?1, ?2)")?;
        for d in &devices {
            ins.execute(rusqlite::params_from_iter(d.iter()))?;
        }
        let mut ins = tx.prepare("INSERT INTO events (device, seq, hlc, record, kind, op, fields, source) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)")?;
        for e in &events {
            ins.execute(rusqlite::params_from_iter(e.iter()))?;
        }
        let mut ins = tx.prepare(
            "INSERT INTO records (id, kind, person, at, due, attention, data, clocks, created_hlc, created_device, updated_hlc,
                                  updated_device, deleted, conflict, lazy_seq, lazy_source, person_key, at_key, due_key)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19)",
        )?;
        let mut rowids = Vec::with_capacity(records.len());
        for r in &records {
            ins.execute(rusqlite::params_from_iter(r.iter()))?;
            rowids.push(tx.last_insert_rowid());
        }
        rowids
    };
    tx.commit()?;
    let search_tx = search.conn().unchecked_transaction()?;
    {
        let mut fts = search_tx.prepare("INSERT INTO records_fts (rowid, body) VALUES (?1, ?2)")?;
        for (rowid, body) in rowids.iter().zip(&bodies) {
            if !body.is_empty() {
                fts.execute(rusqlite::params![rowid, body])?;
            }
        }
    }
    search_tx.commit()?;
    Ok(start.elapsed())
}
