//! A record's row in `records`: reading it back ([`load`]), the values
//! every column takes ([`RowValues`]), and the per-field clocks it keeps.
//! Writing rows is the fold's ([`super::fold`]); this module only knows
//! their shape.

use std::collections::BTreeMap;

use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::{Error, Result};
use crate::model::event::{Clock, Event, FieldChange, DELETED};
use crate::model::kinds::{self, Fields, Kind};
use crate::store::log::person_key;

/// The clock of one field's current value.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct FieldClock {
    /// The winning write's stamp and device.
    pub h: i64,
    pub d: String,
    /// The base the winner replaced.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub b: Option<(i64, String)>,
    /// Whether the winner has a concurrent sibling (a conflict).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub c: bool,
}

/// A record's per-field clocks, by field name.
pub(crate) type FieldClocks = BTreeMap<String, FieldClock>;

/// Reads `records.clocks`. Only clocks that say more than "written when the
/// record was made" are stored: a field present in `data` with no entry was
/// set by the record's creating event, over nothing. For a record written
/// once, which most are, that leaves nothing to store.
pub(crate) fn read_clocks(data: &Fields, stored: &str, created: &Clock) -> Result<FieldClocks> {
    let mut clocks: FieldClocks =
        serde_json::from_str(stored).map_err(|_| Error::CheckFailed("a record's clocks are unreadable".into()))?;
    for name in data.keys() {
        if !clocks.contains_key(name) {
            clocks.insert(name.clone(), creation_clock(created));
        }
    }
    Ok(clocks)
}

/// The form [`read_clocks`] reads: without the entries it would restore.
pub(crate) fn stored_clocks(data: &Fields, clocks: &FieldClocks, created: &Clock) -> Result<String> {
    let implied = creation_clock(created);
    let kept: BTreeMap<&String, &FieldClock> =
        clocks.iter().filter(|(name, clock)| !(data.contains_key(name.as_str()) && **clock == implied)).collect();
    serde_json::to_string(&kept).map_err(|e| Error::invalid(e.to_string()))
}

pub(crate) fn creation_clock(created: &Clock) -> FieldClock {
    FieldClock { h: created.0, d: created.1.clone(), b: None, c: false }
}

pub(crate) struct Row {
    pub(crate) data: Fields,
    /// Every field's clock, implicit ones included.
    pub(crate) clocks: FieldClocks,
    pub(crate) created: Clock,
    pub(crate) conflict: bool,
    pub(crate) kind: Kind,
    /// The journal that owns the record (its creating device's), if known.
    pub(crate) owner: Option<String>,
}

impl Row {
    /// The row of a record that `event`, setting `changes`, creates: every
    /// value as given, each field written by this event over its base.
    pub(crate) fn created_by(event: &Event, changes: &[(String, FieldChange)]) -> Row {
        let mut data = Fields::new();
        let mut clocks = FieldClocks::new();
        for (name, change) in changes {
            if !change.value.is_null() {
                data.insert(name.clone(), change.value.clone());
            }
            let clock = FieldClock { h: event.hlc, d: event.device.clone(), b: change.base.clone(), c: false };
            clocks.insert(name.clone(), clock);
        }
        Row {
            data,
            clocks,
            created: Clock(event.hlc, event.device.clone()),
            conflict: false,
            kind: event.kind,
            owner: None,
        }
    }
}

pub(crate) fn load(conn: &Connection, id: &str) -> Result<Option<Row>> {
    let row = conn
        .prepare_cached(
            "SELECT r.data, r.clocks, r.created_hlc, d.id, r.conflict, r.kind, d.journal
             FROM records r JOIN devices d ON d.n = r.created_device WHERE r.id = ?1",
        )?
        .query_row([id], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get::<_, String>(5)?,
                r.get::<_, Option<String>>(6)?,
            ))
        })
        .optional()?;
    let Some((data, clocks, ch, cd, conflict, kind, owner)) = row else { return Ok(None) };
    let data: Fields =
        serde_json::from_str(&data).map_err(|_| Error::CheckFailed("a record's data is unreadable".into()))?;
    let created = Clock(ch, cd);
    let clocks = read_clocks(&data, &clocks, &created)?;
    Ok(Some(Row { data, clocks, created, conflict, kind: Kind::parse(&kind)?, owner }))
}

/// A record's row as stored: its columns, and the text to index.
pub(crate) struct RowValues {
    pub(crate) id: String,
    pub(crate) kind: &'static str,
    pub(crate) person: Option<String>,
    /// The record a note or an acknowledgement is about.
    pub(crate) about: Option<String>,
    pub(crate) at: Option<String>,
    pub(crate) due: Option<String>,
    /// The sort keys the indexes hold (see [`person_key`], [`kinds::time_key`]).
    pub(crate) person_key: Option<i64>,
    pub(crate) at_key: Option<i64>,
    pub(crate) due_key: Option<i64>,
    pub(crate) attention: bool,
    /// Whether the data holds every field its kind requires.
    pub(crate) whole: bool,
    pub(crate) data: String,
    pub(crate) clocks: String,
    pub(crate) created: Clock,
    pub(crate) updated: Clock,
    pub(crate) deleted: bool,
    pub(crate) conflict: bool,
    /// The words to index (None when deleted).
    pub(crate) body: Option<String>,
}

impl RowValues {
    /// The stored form of `row`, record `id` of `kind`.
    pub(crate) fn of(id: &str, kind: Kind, row: &Row) -> Result<Self> {
        // The record's "updated" clock is the greatest of its field clocks.
        let updated = row
            .clocks
            .values()
            .map(|c| (c.h, c.d.as_str()))
            .max()
            .map(|(h, d)| Clock(h, d.to_string()))
            .unwrap_or_else(|| row.created.clone());
        let clocks = stored_clocks(&row.data, &row.clocks, &row.created)?;
        RowValues::new(id, kind, &row.data, clocks, row.created.clone(), updated, row.conflict)
    }

    /// The stored form of record `id` of `kind` with `data`, its `clocks`
    /// as stored, and when it was made and last changed.
    pub(crate) fn new(
        id: &str,
        kind: Kind,
        data: &Fields,
        clocks: String,
        created: Clock,
        updated: Clock,
        conflict: bool,
    ) -> Result<Self> {
        let spec = kind.spec();
        let text = |name: Option<&str>| name.and_then(|n| data.get(n)).and_then(Value::as_str).map(str::to_string);
        let deleted = data.get(DELETED).and_then(Value::as_bool).unwrap_or(false);
        let person = if kind == Kind::Person { Some(id.to_string()) } else { text(Some("person")) };
        let about = text(spec.field("about").map(|f| f.name));
        let at = text(spec.at);
        let due = kinds::due_date(kind, data);
        Ok(RowValues {
            id: id.to_string(),
            kind: kind.as_str(),
            person_key: person.as_deref().map(person_key),
            at_key: at.as_deref().and_then(kinds::time_key),
            due_key: due.as_deref().and_then(kinds::time_key),
            person,
            about,
            at,
            due,
            attention: kinds::needs_attention(kind, data),
            whole: kinds::is_whole(kind, data),
            data: serde_json::to_string(data).map_err(|e| Error::invalid(e.to_string()))?,
            clocks,
            created,
            updated,
            deleted,
            conflict,
            body: (!deleted).then(|| kinds::search_text(kind, data)),
        })
    }
}

impl RowValues {
    /// The record's data, read back.
    pub(crate) fn data(&self) -> Result<Fields> {
        serde_json::from_str(&self.data).map_err(|_| Error::CheckFailed("a record's data is unreadable".into()))
    }

    /// The row's columns, numbered as the statements below number them,
    /// with the numbers of its `devices` (created, updated).
    pub(crate) fn columns<'a>(&'a self, devices: &'a (i64, i64)) -> [&'a dyn rusqlite::ToSql; 18] {
        [
            &self.id,
            &self.kind,
            &self.person,
            &self.at,
            &self.due,
            &self.attention,
            &self.data,
            &self.clocks,
            &self.created.0,
            &devices.0,
            &self.updated.0,
            &devices.1,
            &self.deleted,
            &self.conflict,
            &self.person_key,
            &self.at_key,
            &self.due_key,
            &self.about,
        ]
    }
}

/// Inserts the row unless its record exists, holding its creating event
/// when `lazy` says which. `open`: false when the record is a concern
/// already acknowledged (the acknowledgement came first), which then needs
/// no attention. Returns the new row's rowid, or None when the record was
/// already there (or, from a hand-made bundle, another record's row holds
/// that event).
pub(crate) fn insert_new_row(
    conn: &Connection,
    v: &RowValues,
    devices: (i64, i64),
    lazy: Option<&LazyEvent<'_>>,
    open: bool,
) -> Result<Option<i64>> {
    // Not `RETURNING rowid`: SQLite gathers returned rows in a temporary
    // table, which on an import of many records cost a tenth of its time.
    let [c1, c2, c3, c4, c5, _, c7, c8, c9, c10, c11, c12, c13, c14, c15, c16, c17, c18] = v.columns(&devices);
    let (seq, source) = (lazy.map(|l| l.seq), lazy.and_then(|l| l.source));
    let attention = v.attention && open;
    let inserted = conn
        .prepare_cached(
            "INSERT INTO records (id, kind, person, at, due, attention, data, clocks, created_hlc, created_device,
                                  updated_hlc, updated_device, deleted, conflict, person_key, at_key, due_key,
                                  about, lazy_seq, lazy_source)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20)
             ON CONFLICT DO NOTHING",
        )?
        .execute([
            c1, c2, c3, c4, c5, &attention, c7, c8, c9, c10, c11, c12, c13, c14, c15, c16, c17, c18, &seq, &source,
        ])?;
    Ok((inserted == 1).then(|| conn.last_insert_rowid()))
}

/// Rewrites the row of an existing record (whose kind never changes),
/// keeping its rowid (the record's key in the search index), and returns
/// that rowid. A record changed after its creation holds no event: the
/// caller has written its creating event out to `events`.
pub(crate) fn update_row(conn: &Connection, v: &RowValues, devices: (i64, i64)) -> Result<i64> {
    Ok(conn
        .prepare_cached(
            "UPDATE records SET person = ?3, at = ?4, due = ?5, attention = ?6, data = ?7, clocks = ?8,
                 created_hlc = ?9, created_device = ?10, updated_hlc = ?11, updated_device = ?12, deleted = ?13,
                 conflict = ?14, person_key = ?15, at_key = ?16, due_key = ?17, about = ?18, lazy_seq = NULL,
                 lazy_source = NULL
             WHERE id = ?1 AND kind = ?2 RETURNING rowid",
        )?
        .query_row(&v.columns(&devices)[..], |r| r.get(0))?)
}

/// The creating event a new record's row holds instead of `events`.
pub(crate) struct LazyEvent<'s> {
    pub(crate) seq: i64,
    pub(crate) source: Option<&'s str>,
}

/// The fingerprint of the journal that owns record `id` (whose device
/// created it), if known.
pub(crate) fn record_owner(conn: &Connection, id: &str) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached("SELECT d.journal FROM records r JOIN devices d ON d.n = r.created_device WHERE r.id = ?1")?
        .query_row([id], |r| r.get::<_, Option<String>>(0))
        .optional()?
        .flatten())
}
