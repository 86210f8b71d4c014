//! Drafts of the app's forms: what someone has typed into a form and not
//! yet saved as a record, kept as it is typed so that nothing is lost to a
//! lock, a crash or a closed window.
//!
//! A draft lives only in this journal's encrypted database (the `drafts`
//! table, migration 0015). It is never an event: never sent in a bundle,
//! never in the search index, never in a record's history. It is not
//! checked as a record is (half a date is fine in a draft), only bounded:
//! it names fields of its kind alone, holds plain values, and is at most
//! [`MAX_DRAFT_BYTES`]. Its key says which form it is: `<kind>:new` for a
//! new record, `<kind>:<record id>` for changes to one.
//!
//! Erasing a person erases every draft whose `person` field names them or
//! that changes one of the records erased with them (see
//! `store::fold`); the retention purge erases through the same path.

use rusqlite::{params, OptionalExtension, Row};
use serde::Serialize;
use serde_json::Value;
use ts_rs::TS;

use crate::error::{Error, Result};
use crate::journal::Journal;
use crate::model::ids::{PersonId, RecordId};
use crate::model::kinds::{Fields, Kind};

/// The most a draft may hold, as JSON: more than the longest record of any
/// kind, written in any script.
pub const MAX_DRAFT_BYTES: usize = 512 * 1024;
/// The longest key after its kind: room for a record's id and then some.
const MAX_KEY_SUFFIX: usize = 64;

/// A form's draft, as kept.
#[derive(Clone, Debug, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Draft {
    /// Which form: `contact:new`, `contact:<record id>`.
    pub key: String,
    /// The kind of record the form writes.
    pub kind: Kind,
    /// The record the form changes, when it changes one.
    pub record: Option<RecordId>,
    /// The person it is about: the one its `person` field names, or the
    /// person whose own record it changes.
    pub person: Option<PersonId>,
    /// The fields as typed so far.
    #[ts(type = "{ [field in string]?: unknown }")]
    pub fields: Fields,
    /// When it was last saved (RFC 3339, UTC).
    pub updated_at: String,
}

impl Journal {
    /// Keeps `fields`, as typed into the form `key` for a record of `kind`,
    /// replacing what was kept under `key` before.
    pub fn save_draft(&mut self, key: &str, kind: Kind, fields: Fields) -> Result<Draft> {
        let record = record_of_key(key, kind)?;
        let role = self.role()?;
        if !kind.written_by(role) {
            return Err(Error::NotAllowed(super::write::not_for_role(kind, role)));
        }
        for (name, value) in &fields {
            if kind.spec().field(name).is_none() {
                return Err(Error::invalid(format!("a {} has no field called {name}", kind.spec().label)));
            }
            if value.is_array() || value.is_object() {
                return Err(Error::invalid(format!("a draft keeps what is typed into {name}: one value, not a list")));
            }
        }
        let json = serde_json::to_string(&fields).map_err(|e| Error::CheckFailed(e.to_string()))?;
        if json.len() > MAX_DRAFT_BYTES {
            return Err(Error::invalid(format!(
                "this draft is too long to keep ({} KB; a draft holds at most {} KB): shorten what you have written",
                json.len().div_ceil(1024),
                MAX_DRAFT_BYTES / 1024
            )));
        }
        let person = match (kind, &record) {
            (Kind::Person, Some(id)) => Some(PersonId::trusted(id.as_str())),
            _ => fields.get("person").and_then(Value::as_str).and_then(|p| p.parse().ok()),
        };
        let draft = Draft { key: key.to_string(), kind, record, person, fields, updated_at: crate::journal::now() };
        // Replaced, not updated: a new row, so the latest saved has the
        // highest rowid (stamps can tie within a millisecond).
        self.conn
            .prepare_cached(
                "INSERT OR REPLACE INTO drafts (key, kind, record, person, fields, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?
            .execute(params![draft.key, kind.as_str(), draft.record, draft.person, json, draft.updated_at])?;
        Ok(draft)
    }

    /// Every draft kept, the most recently saved first.
    pub fn drafts(&self) -> Result<Vec<Draft>> {
        let mut stmt = self.conn.prepare_cached(&format!("{SELECT} ORDER BY rowid DESC"))?;
        let rows = stmt.query_map([], draft_from_row)?;
        // A draft of a kind this version does not know is left out.
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?.into_iter().flatten().collect())
    }

    /// The draft kept under `key`, if there is one.
    pub fn draft(&self, key: &str) -> Result<Option<Draft>> {
        let found = self.conn.prepare_cached(&format!("{SELECT} WHERE key = ?1"))?.query_row([key], draft_from_row);
        Ok(found.optional()?.flatten())
    }

    /// Throws away the draft kept under `key` (there may be none).
    pub fn discard_draft(&mut self, key: &str) -> Result<()> {
        self.conn.prepare_cached("DELETE FROM drafts WHERE key = ?1")?.execute([key])?;
        Ok(())
    }
}

const SELECT: &str = "SELECT key, kind, record, person, fields, updated_at FROM drafts";

fn draft_from_row(row: &Row<'_>) -> rusqlite::Result<Option<Draft>> {
    let Ok(kind) = Kind::parse(&row.get::<_, String>(1)?) else { return Ok(None) };
    Ok(Some(Draft {
        key: row.get(0)?,
        kind,
        record: row.get(2)?,
        person: row.get(3)?,
        fields: serde_json::from_str(&row.get::<_, String>(4)?).unwrap_or_default(),
        updated_at: row.get(5)?,
    }))
}

/// Checks the form of a draft's key (`<kind>:new`, `<kind>:<record id>`)
/// and returns the record it changes, if it names one.
fn record_of_key(key: &str, kind: Kind) -> Result<Option<RecordId>> {
    let suffix = key.strip_prefix(kind.as_str()).and_then(|rest| rest.strip_prefix(':'));
    match suffix {
        Some(s)
            if !s.is_empty()
                && s.len() <= MAX_KEY_SUFFIX
                && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') =>
        {
            Ok(s.parse().ok())
        }
        _ => Err(Error::invalid(format!(
            "a draft of {} is kept as {kind}:new, or as {kind}:ID for changes to the record ID",
            crate::model::kinds::a(kind.spec().label),
            kind = kind.as_str()
        ))),
    }
}
