//! The event log and the materialised state built from it.
//!
//! Every change to a record is an [`Event`]: the device that made it, that
//! device's sequence number, a hybrid logical clock stamp, the record, and
//! the fields it set — each with the clock of the value it replaced (its
//! *base*). [`apply`] folds one event into `records` and `records_fts` in the
//! caller's transaction. Applying is order-independent: per field, the value
//! with the greatest (stamp, device) wins, so any set of events gives the same
//! state whatever order they arrive in and however often. Two writes that
//! replaced the same base from different devices are concurrent: the loser
//! stays in the log (and so in history) and the field is marked as a
//! conflict until someone writes over the winner.
//!
//! Erasure ("forget this person") is absorbing: it deletes the person's
//! records and every event about them, and any such event that arrives later
//! is dropped.

use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::error::{Error, Result};
use crate::kinds::{self, Fields, Kind};

/// What an event does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Op {
    /// Sets some fields (creating the record if new). Deleting is a put of
    /// the reserved field `_deleted`.
    Put,
    /// Erases a person and every record about them.
    Erase,
}

impl Op {
    fn as_str(self) -> &'static str {
        match self {
            Op::Put => "put",
            Op::Erase => "erase",
        }
    }
}

/// The reserved field that marks a record deleted.
pub const DELETED: &str = "_deleted";

/// A value's clock: the stamp and device of the event that wrote it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Clock(pub i64, pub String);

/// One field set by an event.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FieldChange {
    /// The new value (null clears an optional field).
    pub value: Value,
    /// The clock of the value this one replaced, as the writer saw it;
    /// absent when the field had no value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base: Option<(i64, String)>,
}

/// One change to one record.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// The device that made the change.
    pub device: String,
    /// That device's sequence number, from 1, without gaps when made.
    pub seq: i64,
    /// When, by the device's hybrid logical clock.
    pub hlc: i64,
    /// The record changed (for an erasure, the person).
    pub record: String,
    /// The record's kind.
    pub kind: Kind,
    /// What the event does.
    pub op: Op,
    /// The fields set, by name. For an erasure: `records`, the ids erased.
    pub fields: Map<String, Value>,
}

impl Event {
    /// The fields as changes with their bases.
    pub fn changes(&self) -> Result<Vec<(String, FieldChange)>> {
        self.fields
            .iter()
            .map(|(k, v)| {
                FieldChange::deserialize(v)
                    .map(|c| (k.clone(), c))
                    .map_err(|_| Error::invalid(format!("event field {k} is malformed")))
            })
            .collect()
    }
}

/// The per-field clocks of a record, as stored in `records.clocks`.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
struct FieldClock {
    /// Winner's stamp and device.
    h: i64,
    d: String,
    /// The base the winner replaced.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    b: Option<(i64, String)>,
    /// Whether the winner has a concurrent sibling.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    c: bool,
}

/// What applying an event did, for import summaries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Applied {
    /// The event was already in the log.
    Duplicate,
    /// A new record.
    Created,
    /// An existing record changed (or the event lost every field).
    Updated,
    /// The record had been erased; the event was dropped.
    Dropped,
    /// A person and their records were erased.
    Erased,
}

/// Writes `event` to the log and folds it into the materialised tables.
/// `source` is the fingerprint of the card whose bundle brought it (None for
/// a change made here). Must run inside a transaction.
pub fn apply(conn: &Connection, event: &Event, source: Option<&str>) -> Result<Applied> {
    if is_erased(conn, &event.record)? && event.op == Op::Put {
        return Ok(Applied::Dropped);
    }
    let fields_json = serde_json::to_string(&event.fields).map_err(|e| Error::invalid(e.to_string()))?;
    let inserted = conn
        .prepare_cached(
            "INSERT OR IGNORE INTO events (device, seq, hlc, record, kind, op, fields, source)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        )?
        .execute(params![
            event.device,
            event.seq,
            event.hlc,
            event.record,
            event.kind.as_str(),
            event.op.as_str(),
            fields_json,
            source
        ])?;
    if inserted == 0 {
        return Ok(Applied::Duplicate);
    }
    match event.op {
        Op::Put => apply_put(conn, event),
        Op::Erase => {
            erase(conn, event)?;
            Ok(Applied::Erased)
        }
    }
}

/// [`apply`] for a change made in this journal.
pub fn apply_local(conn: &Connection, event: &Event) -> Result<Applied> {
    apply(conn, event, None)
}

struct Row {
    data: Fields,
    clocks: Map<String, Value>,
    created: Clock,
}

fn load(conn: &Connection, id: &str) -> Result<Option<Row>> {
    let row = conn
        .prepare_cached("SELECT data, clocks, created_hlc, created_device FROM records WHERE id = ?1")?
        .query_row([id], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get(2)?, r.get(3)?)))
        .optional()?;
    let Some((data, clocks, ch, cd)) = row else { return Ok(None) };
    let data: Fields =
        serde_json::from_str(&data).map_err(|_| Error::CheckFailed("a record's data is unreadable".into()))?;
    let clocks: Map<String, Value> =
        serde_json::from_str(&clocks).map_err(|_| Error::CheckFailed("a record's clocks are unreadable".into()))?;
    Ok(Some(Row { data, clocks, created: Clock(ch, cd) }))
}

fn apply_put(conn: &Connection, event: &Event) -> Result<Applied> {
    let existing = load(conn, &event.record)?;
    let created = existing.is_none();
    let mut row = existing.unwrap_or(Row {
        data: Fields::new(),
        clocks: Map::new(),
        created: Clock(event.hlc, event.device.clone()),
    });
    // The record's creation is its earliest event, whichever arrives first.
    let this = Clock(event.hlc, event.device.clone());
    if this < row.created {
        row.created = this.clone();
    }
    let changes = event.changes()?;
    for (name, change) in &changes {
        let current: Option<FieldClock> = row.clocks.get(name).and_then(|v| FieldClock::deserialize(v).ok());
        let wins = current.as_ref().is_none_or(|c| (event.hlc, event.device.as_str()) > (c.h, c.d.as_str()));
        let mut winner = match (wins, current) {
            (true, _) | (false, None) => {
                FieldClock { h: event.hlc, d: event.device.clone(), b: change.base.clone(), c: false }
            }
            (false, Some(c)) => c,
        };
        if wins {
            if change.value.is_null() {
                row.data.remove(name);
            } else {
                row.data.insert(name.clone(), change.value.clone());
            }
        }
        // A record this event created has no other events, so no siblings.
        winner.c = !created && has_concurrent_sibling(conn, &event.record, name, &winner)?;
        row.clocks.insert(name.clone(), serde_json::to_value(&winner).map_err(|e| Error::invalid(e.to_string()))?);
    }
    write_row(conn, event, &row, created)?;
    Ok(if created { Applied::Created } else { Applied::Updated })
}

/// True when another device wrote `field` over the same base as the winner:
/// the two writes were made without seeing each other.
fn has_concurrent_sibling(conn: &Connection, record: &str, field: &str, winner: &FieldClock) -> Result<bool> {
    let mut stmt = conn.prepare_cached("SELECT device, hlc, fields FROM events WHERE record = ?1 AND op = 'put'")?;
    let mut rows = stmt.query([record])?;
    while let Some(r) = rows.next()? {
        let device: String = r.get(0)?;
        let hlc: i64 = r.get(1)?;
        if device == winner.d {
            continue; // one device's writes are never concurrent with each other
        }
        let _ = hlc;
        let fields: String = r.get(2)?;
        let Ok(map) = serde_json::from_str::<Map<String, Value>>(&fields) else { continue };
        let Some(change) = map.get(field).and_then(|v| FieldChange::deserialize(v).ok()) else {
            continue;
        };
        if change.base == winner.b {
            return Ok(true);
        }
    }
    Ok(false)
}

fn write_row(conn: &Connection, event: &Event, row: &Row, created: bool) -> Result<()> {
    let kind = event.kind;
    let spec = kind.spec();
    let text = |name: Option<&str>| name.and_then(|n| row.data.get(n)).and_then(Value::as_str).map(str::to_string);
    let person = if kind == Kind::Person { Some(event.record.clone()) } else { text(Some("person")) };
    let at = text(spec.at);
    let due = kinds::due_date(kind, &row.data);
    let attention = kinds::needs_attention(kind, &row.data);
    let deleted = row.data.get(DELETED).and_then(Value::as_bool).unwrap_or(false);
    let conflict = row.clocks.values().any(|v| v.get("c").and_then(Value::as_bool).unwrap_or(false));
    let data = serde_json::to_string(&row.data).map_err(|e| Error::invalid(e.to_string()))?;
    let clocks = serde_json::to_string(&row.clocks).map_err(|e| Error::invalid(e.to_string()))?;
    // The record's "updated" clock is the greatest of its field clocks.
    let updated = row
        .clocks
        .values()
        .filter_map(|v| FieldClock::deserialize(v).ok())
        .map(|c| Clock(c.h, c.d))
        .max()
        .unwrap_or_else(|| row.created.clone());
    // One statement for new and existing records; an update keeps the rowid,
    // which is the record's key in the search index.
    let rowid: i64 = conn
        .prepare_cached(
            "INSERT INTO records (id, kind, person, at, due, attention, data, clocks, created_hlc, created_device,
                                  updated_hlc, updated_device, deleted, conflict)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)
             ON CONFLICT(id) DO UPDATE SET person = excluded.person, at = excluded.at, due = excluded.due,
                 attention = excluded.attention, data = excluded.data, clocks = excluded.clocks,
                 created_hlc = excluded.created_hlc, created_device = excluded.created_device,
                 updated_hlc = excluded.updated_hlc, updated_device = excluded.updated_device,
                 deleted = excluded.deleted, conflict = excluded.conflict
             RETURNING rowid",
        )?
        .query_row(
            params![
                event.record,
                kind.as_str(),
                person,
                at,
                due,
                attention,
                data,
                clocks,
                row.created.0,
                row.created.1,
                updated.0,
                updated.1,
                deleted,
                conflict
            ],
            |r| r.get(0),
        )?;
    if !created {
        conn.prepare_cached("DELETE FROM records_fts WHERE rowid = ?1")?.execute([rowid])?;
    }
    if !deleted {
        let body = kinds::search_text(kind, &row.data);
        if !body.is_empty() {
            conn.prepare_cached("INSERT INTO records_fts (rowid, body) VALUES (?1, ?2)")?
                .execute(params![rowid, body])?;
        }
    }
    Ok(())
}

fn is_erased(conn: &Connection, record: &str) -> Result<bool> {
    Ok(conn
        .prepare_cached("SELECT 1 FROM erased_records WHERE id = ?1")?
        .query_row([record], |_| Ok(()))
        .optional()?
        .is_some())
}

/// The ids of a person and every record about them.
pub fn records_of_person(conn: &Connection, person: &str) -> Result<Vec<String>> {
    let mut stmt = conn.prepare_cached("SELECT id FROM records WHERE id = ?1 OR person = ?1")?;
    let ids = stmt.query_map([person], |r| r.get(0))?.collect::<rusqlite::Result<Vec<String>>>()?;
    Ok(ids)
}

fn erase(conn: &Connection, event: &Event) -> Result<()> {
    // The ids named by the erasure, plus any about the person we hold that
    // the erasing device did not know of.
    let mut ids: Vec<String> = event
        .fields
        .get("records")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).map(str::to_string).collect())
        .unwrap_or_default();
    ids.extend(records_of_person(conn, &event.record)?);
    ids.push(event.record.clone());
    ids.sort();
    ids.dedup();
    for id in &ids {
        if let Some(rowid) =
            conn.query_row("SELECT rowid FROM records WHERE id = ?1", [id], |r| r.get::<_, i64>(0)).optional()?
        {
            conn.execute("DELETE FROM records_fts WHERE rowid = ?1", [rowid])?;
        }
        conn.execute("DELETE FROM records WHERE id = ?1", [id])?;
        conn.execute("DELETE FROM events WHERE record = ?1 AND op = 'put'", [id])?;
        conn.execute("INSERT OR IGNORE INTO erased_records (id) VALUES (?1)", [id])?;
    }
    conn.execute(
        "INSERT INTO erasures (person, hlc, device) VALUES (?1, ?2, ?3)
         ON CONFLICT(person) DO UPDATE SET hlc = min(hlc, excluded.hlc)",
        params![event.record, event.hlc, event.device],
    )?;
    Ok(())
}

/// Rebuilds `records` and `records_fts` from the event log, as a check that
/// the materialised state is exactly what the log says.
pub fn rebuild(conn: &Connection) -> Result<()> {
    conn.execute_batch(
        "DELETE FROM records; DELETE FROM records_fts; DELETE FROM erased_records; DELETE FROM erasures;
         CREATE TEMP TABLE replay AS SELECT * FROM events; DELETE FROM events;",
    )?;
    let result = (|| {
        let mut stmt = conn.prepare(
            "SELECT device, seq, hlc, record, kind, op, fields, source FROM replay ORDER BY hlc, device, seq",
        )?;
        let events = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, i64>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, String>(4)?,
                    r.get::<_, String>(5)?,
                    r.get::<_, String>(6)?,
                    r.get::<_, Option<String>>(7)?,
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        for (device, seq, hlc, record, kind, op, fields, source) in events {
            let event = Event {
                device,
                seq,
                hlc,
                record,
                kind: Kind::parse(&kind)?,
                op: if op == "erase" { Op::Erase } else { Op::Put },
                fields: serde_json::from_str(&fields)
                    .map_err(|_| Error::CheckFailed("an event is unreadable".into()))?,
            };
            apply(conn, &event, source.as_deref())?;
        }
        Ok(())
    })();
    conn.execute_batch("DROP TABLE temp.replay;")?;
    result
}
