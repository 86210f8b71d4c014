//! The event log's own table work: writing an event to `events`, the SQL
//! functions the schema uses (the creating event's fields as the log keeps
//! them, the indexes' sort keys), and the look-ups folding needs (records of
//! a person, the erased, acknowledgements of a concern, concurrent
//! writes). No folding here: that is [`super::fold`]'s.

use std::collections::BTreeMap;

use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use serde_json::Value;

use crate::error::{Error, Result};
use crate::model::event::Event;
use crate::model::kinds::{self, Fields};

/// Whether a live acknowledgement points at `concern`.
pub(crate) fn acknowledged(conn: &Connection, concern: &str) -> Result<bool> {
    Ok(conn
        .prepare_cached(
            "SELECT 1 FROM records INDEXED BY records_about
             WHERE about = ?1 AND kind = 'acknowledgement' AND deleted = 0",
        )?
        .query_row([concern], |_| Ok(()))
        .optional()?
        .is_some())
}

/// Sets whether `concern` needs attention: until an acknowledgement points
/// at it. Nothing if it is not held here.
pub(crate) fn refresh_attention(conn: &Connection, concern: Option<&str>) -> Result<()> {
    let Some(concern) = concern else { return Ok(()) };
    let open = !acknowledged(conn, concern)?;
    conn.prepare_cached("UPDATE records SET attention = ?2 WHERE id = ?1 AND kind = 'concern' AND attention != ?2")?
        .execute(params![concern, open])?;
    Ok(())
}

/// Writes `event` to `events`, with its `fields`. False when the log
/// already holds an event with its (device, seq), in `events` or in a
/// record's row.
pub(crate) fn insert_event(conn: &Connection, event: &Event, fields: &str, source: Option<&str>) -> Result<bool> {
    let held_by_a_record = conn
        .prepare_cached(
            "SELECT 1 FROM records WHERE created_device = (SELECT n FROM devices WHERE id = ?1) AND lazy_seq = ?2",
        )?
        .query_row(params![event.device, event.seq], |_| Ok(()))
        .optional()?
        .is_some();
    if held_by_a_record {
        return Ok(false);
    }
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
            fields,
            source
        ])?;
    Ok(inserted == 1)
}

/// The fields of the event that created a record with `data` and nothing
/// since, as the log stores them: each value, over no base.
pub(crate) fn creation_fields(data: &Fields) -> Result<String> {
    /// A [`FieldChange`] over no base, borrowing its value.
    #[derive(Serialize)]
    struct Set<'v> {
        value: &'v Value,
    }
    let fields: BTreeMap<&str, Set<'_>> = data.iter().map(|(name, value)| (name.as_str(), Set { value })).collect();
    serde_json::to_string(&fields).map_err(|e| Error::invalid(e.to_string()))
}

/// The key a record's `person` is indexed by: 47 bits of the FNV-1a hash
/// of the person's id, a 6-byte number where the id is 36 characters.
/// Two people may share a key (about one pair in 10^8 among 1,000
/// people), so a query by person also checks `person` itself; the key only
/// narrows the index. Part of the file format: changing it needs a
/// migration that recomputes every key.
pub(crate) fn person_key(id: &str) -> i64 {
    let hash = id.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3));
    (hash >> 17) as i64
}

/// Registers the SQL functions the schema uses: `creation_fields(data)`,
/// which the `event_log` view reads a creating event's fields with, and
/// the sort keys of records' indexes, `person_key(id)` and `time_key(text)`
/// (see [`person_key`] and [`kinds::time_key`]).
pub(crate) fn register_functions(conn: &Connection) -> Result<()> {
    use rusqlite::functions::FunctionFlags;
    let flags = FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC;
    conn.create_scalar_function("person_key", 1, flags, |ctx| {
        Ok(ctx.get_raw(0).as_str_or_null().ok().flatten().map(person_key))
    })?;
    conn.create_scalar_function("time_key", 1, flags, |ctx| {
        Ok(ctx.get_raw(0).as_str_or_null().ok().flatten().and_then(kinds::time_key))
    })?;
    conn.create_scalar_function(
        "creation_fields",
        1,
        FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC,
        |ctx| {
            let Some(data) = ctx.get::<Option<String>>(0)? else { return Ok(None) };
            let unreadable = || rusqlite::Error::UserFunctionError("a record's data is unreadable".into());
            let data: Fields = serde_json::from_str(&data).map_err(|_| unreadable())?;
            creation_fields(&data).map(Some).map_err(|_| unreadable())
        },
    )?;
    Ok(())
}

pub(crate) fn is_erased(conn: &Connection, record: &str) -> Result<bool> {
    Ok(conn
        .prepare_cached("SELECT 1 FROM erased_records WHERE id = ?1")?
        .query_row([record], |_| Ok(()))
        .optional()?
        .is_some())
}

/// The ids of a person and every record about them.
pub(crate) fn records_of_person(conn: &Connection, person: &str) -> Result<Vec<String>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id FROM records WHERE id = ?1
         UNION SELECT id FROM records WHERE person_key = person_key(?1) AND person = ?1",
    )?;
    let ids = stmt.query_map([person], |r| r.get(0))?.collect::<rusqlite::Result<Vec<String>>>()?;
    Ok(ids)
}
