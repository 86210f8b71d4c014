//! Events: every change to a record, as a device made it, with the clock
//! of each value it replaced. The log is made of these; a bundle carries
//! them. Plain data: no database here.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::error::{Error, Result};
use crate::model::kinds::Kind;

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
    /// Reads the stored spelling.
    pub(crate) fn parse(s: &str) -> Option<Op> {
        [Op::Put, Op::Erase].into_iter().find(|op| op.as_str() == s)
    }

    /// The stored spelling.
    pub(crate) fn as_str(self) -> &'static str {
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
    // In this order, the order of their names, so that a change written out
    // reads exactly as the same change read into a JSON object and written
    // out again: the log's text does not depend on which way it was made.
    /// The clock of the value this one replaced, as the writer saw it;
    /// absent when the field had no value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base: Option<(i64, String)>,
    /// The new value (null clears an optional field).
    pub value: Value,
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
    /// The fields set, by name, each a [`FieldChange`]. For an erasure:
    /// nothing (what it covers, each journal works out for itself).
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
