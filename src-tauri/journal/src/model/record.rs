//! Records as the journal shows them: a record with its fields and
//! stamps, a change in its history, a search hit, a conflict to settle,
//! which page of a list, how many of each kind. Plain data, what the app and the command line see.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use ts_rs::TS;

use crate::error::{Error, Result};
use crate::model::ids::{DeviceId, Fingerprint, PersonId, RecordId};
use crate::model::kinds::Kind;

/// A record as shown and exported. (Called `JournalRecord` in TypeScript,
/// where `Record` is a built-in type.)
#[derive(Clone, Debug, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, rename = "JournalRecord")]
pub struct Record {
    /// The record's id.
    pub id: RecordId,
    /// What kind of record.
    pub kind: Kind,
    /// The person it concerns, if any.
    pub person: Option<PersonId>,
    /// When it happened, as given.
    pub at: Option<String>,
    /// The record's fields by name.
    #[ts(type = "{ [field in string]?: unknown }")]
    pub fields: Map<String, Value>,
    /// When it was first written (UTC).
    pub created_at: String,
    /// When it was last changed (UTC).
    pub updated_at: String,
    /// The device that last changed it.
    pub updated_by: DeviceId,
    /// The fingerprint of the journal that owns it (whose device made it):
    /// only that journal changes it.
    pub owner: Option<Fingerprint>,
    /// True when two devices changed a field at once and someone should choose.
    pub conflict: bool,
}

impl Record {
    /// The person this record is, if it is a person's record.
    pub fn as_person(&self) -> Option<PersonId> {
        (self.kind == Kind::Person).then(|| PersonId::trusted(self.id.as_str()))
    }
}

/// One change in a record's history.
#[derive(Clone, Debug, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct HistoryEntry {
    /// When (UTC), by the writing device's clock.
    pub at: String,
    /// The device that made the change.
    pub device: DeviceId,
    /// That device's sequence number for the change.
    #[ts(type = "number")]
    pub seq: i64,
    /// The fields set, with their new values (null: cleared).
    #[ts(type = "{ [field in string]?: unknown }")]
    pub changed: Map<String, Value>,
}

/// A search hit: the record and a short excerpt around the words found.
#[derive(Clone, Debug, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SearchHit {
    /// The record found.
    #[serde(flatten)]
    pub record: Record,
    /// A few words around the first match.
    pub excerpt: String,
}

/// What `purge` erased.
#[derive(Clone, Debug, Default, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PurgeReport {
    /// The names of the people whose relationship ended longer ago than the
    /// journal keeps.
    pub erased_people: Vec<String>,
    /// How many records went with them.
    pub erased_records: u32,
    /// People past retention kept because a concern about them is still open.
    pub kept_for_open_concern: u32,
}

/// Which page of a list (as the app asks for one, too).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Page {
    /// At most this many.
    pub limit: u32,
    /// After skipping this many.
    pub offset: u32,
}

impl Default for Page {
    fn default() -> Self {
        Page { limit: 50, offset: 0 }
    }
}

impl Page {
    pub(crate) fn checked(self) -> Result<Self> {
        if self.limit == 0 || self.limit > 1000 {
            return Err(Error::invalid("a page holds between 1 and 1000 records"));
        }
        Ok(self)
    }
}

/// How many records of each kind a journal holds (kinds it holds none of
/// are left out).
pub type RecordCounts = std::collections::BTreeMap<Kind, u32>;

/// A record two devices changed at once, and the values to choose between.
#[derive(Clone, Debug, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Conflict {
    /// The record as it stands (with the value that won for now).
    pub record: Record,
    /// The fields in conflict.
    pub fields: Vec<ConflictField>,
}

/// One field two devices changed at once.
#[derive(Clone, Debug, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ConflictField {
    /// The field's name.
    pub field: String,
    /// The value in the record now.
    #[ts(type = "unknown")]
    pub current: Value,
    /// The other values written at the same time elsewhere.
    #[ts(type = "Array<unknown>")]
    pub others: Vec<Value>,
}
