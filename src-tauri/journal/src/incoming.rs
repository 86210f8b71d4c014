//! Events from elsewhere: read from a bundle's line straight into the
//! changes they make, and checked as strictly as a local write.
//!
//! An imported event is read once, in one pass: a put's fields go straight
//! into its [`FieldChange`]s, with no JSON tree built first and copied out
//! of after, and each value is checked against its field without being
//! copied either. An import reads every one of its events this way, so this
//! is most of the reading side's work.

use std::fmt;

use serde::de::value::{MapAccessDeserializer, SeqAccessDeserializer};
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::{Map, Value};
use uuid::Uuid;

use crate::bundle::Refusal;
use crate::error::{Error, Result};
use crate::events::{Event, FieldChange, Op, DELETED};
use crate::kinds::{self, Kind};

/// An event as a bundle's line holds it.
#[derive(Deserialize)]
pub(crate) struct Incoming {
    device: String,
    seq: i64,
    hlc: i64,
    record: String,
    kind: Kind,
    op: Op,
    fields: IncomingFields,
}

/// An event's fields, by name, as given.
struct IncomingFields(Vec<(String, IncomingValue)>);

/// One field as given: for a put, a change ({"value", "base"}); anything
/// else (an erasure's list of ids, or a malformed change) as plain JSON.
enum IncomingValue {
    Change(FieldChange),
    Other(Value),
}

impl Incoming {
    /// Reads an event line. An error here means the line is not an event
    /// in the bundle's format, down to each change's members (`value`, and
    /// `base` as a clock): it is refused as damage. Whether an event in
    /// that format is a valid one is [`Incoming::check`]'s to say.
    pub(crate) fn parse(line: &[u8]) -> serde_json::Result<Incoming> {
        serde_json::from_slice(line)
    }

    /// The device and sequence number the event claims (checked or not).
    pub(crate) fn key(&self) -> (&str, i64) {
        (&self.device, self.seq)
    }

    /// Checks the event as strictly as a local write is checked, and
    /// returns it with the changes it makes (for a put; an erasure has
    /// none, and keeps its fields: the ids it erases). A put's event comes
    /// back without fields, which are all in its changes.
    pub(crate) fn check(self) -> Result<(Event, Vec<(String, FieldChange)>)> {
        Uuid::parse_str(&self.device).map_err(|_| bad("a device id is malformed"))?;
        Uuid::parse_str(&self.record).map_err(|_| bad("a record id is malformed"))?;
        if self.seq < 1 || self.hlc < 0 {
            return Err(bad("a sequence number or clock is out of range"));
        }
        let Incoming { device, seq, hlc, record, kind, op, fields } = self;
        let mut fields = fields.0;
        let mut event = Event { device, seq, hlc, record, kind, op, fields: Map::new() };
        match op {
            Op::Erase => {
                let ids = match (kind, fields.pop(), fields.is_empty()) {
                    (Kind::Person, Some((name, IncomingValue::Other(Value::Array(ids)))), true)
                        if name == "records" =>
                    {
                        ids
                    }
                    _ => return Err(bad("an erasure is malformed")),
                };
                if ids.iter().any(|v| v.as_str().is_none_or(|s| Uuid::parse_str(s).is_err())) {
                    return Err(bad("an erasure names a malformed id"));
                }
                event.fields.insert("records".into(), Value::Array(ids));
                Ok((event, Vec::new()))
            }
            Op::Put => {
                if fields.is_empty() {
                    return Err(bad("a change changes nothing"));
                }
                // In name order, as everywhere else a put's fields are kept.
                fields.sort_by(|a, b| a.0.cmp(&b.0));
                if fields.windows(2).any(|w| w[0].0 == w[1].0) {
                    return Err(bad("a change names a field twice"));
                }
                let changes = fields
                    .into_iter()
                    .map(|(name, value)| match value {
                        IncomingValue::Change(change) => Ok((name, change)),
                        IncomingValue::Other(_) => Err(bad("a field is malformed")),
                    })
                    .collect::<Result<Vec<_>>>()?;
                for (name, change) in &changes {
                    check_change(kind, name, change)?;
                }
                Ok((event, changes))
            }
        }
    }
}

fn bad(why: &str) -> Error {
    Refusal::InvalidRecord(why.to_string()).into()
}

/// Checks one change of a put: its base, and its value against its field,
/// in the form Peer Journal writes.
fn check_change(kind: Kind, name: &str, change: &FieldChange) -> Result<()> {
    if name == DELETED {
        return if change.value.is_boolean() { Ok(()) } else { Err(bad("a deletion is malformed")) };
    }
    if let Some((hlc, device)) = &change.base {
        if *hlc < 0 || Uuid::parse_str(device).is_err() {
            return Err(bad("a change's base is malformed"));
        }
    }
    kinds::check_written_form(kind, name, &change.value).map_err(|e| bad(&e.to_string()))
}

impl<'de> Deserialize<'de> for IncomingFields {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct Fields;
        impl<'de> Visitor<'de> for Fields {
            type Value = IncomingFields;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object of fields")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<IncomingFields, A::Error> {
                let mut fields = Vec::with_capacity(map.size_hint().unwrap_or(8));
                while let Some(entry) = map.next_entry::<String, IncomingValue>()? {
                    fields.push(entry);
                }
                Ok(IncomingFields(fields))
            }
        }
        d.deserialize_map(Fields)
    }
}

impl<'de> Deserialize<'de> for IncomingValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct Any;
        impl<'de> Visitor<'de> for Any {
            type Value = IncomingValue;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a field's change")
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> std::result::Result<IncomingValue, A::Error> {
                FieldChange::deserialize(MapAccessDeserializer::new(map)).map(IncomingValue::Change)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> std::result::Result<IncomingValue, A::Error> {
                Value::deserialize(SeqAccessDeserializer::new(seq)).map(IncomingValue::Other)
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> std::result::Result<IncomingValue, E> {
                Ok(IncomingValue::Other(Value::Bool(v)))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> std::result::Result<IncomingValue, E> {
                Ok(IncomingValue::Other(Value::from(v)))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> std::result::Result<IncomingValue, E> {
                Ok(IncomingValue::Other(Value::from(v)))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> std::result::Result<IncomingValue, E> {
                Ok(IncomingValue::Other(Value::from(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> std::result::Result<IncomingValue, E> {
                Ok(IncomingValue::Other(Value::from(v)))
            }
            fn visit_unit<E: de::Error>(self) -> std::result::Result<IncomingValue, E> {
                Ok(IncomingValue::Other(Value::Null))
            }
        }
        d.deserialize_any(Any)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const DEVICE: &str = "0192f0c2-7b1a-7000-8000-000000000001";
    const RECORD: &str = "0192f0c2-7b1a-7000-8000-0000000000aa";

    fn line(op: &str, kind: &str, fields: Value) -> Vec<u8> {
        let event =
            json!({"device": DEVICE, "seq": 1, "hlc": 5, "record": RECORD, "kind": kind, "op": op, "fields": fields});
        serde_json::to_vec(&event).unwrap()
    }

    fn checked(line: &[u8]) -> Result<(Event, Vec<(String, FieldChange)>)> {
        Incoming::parse(line).map_err(|_| Error::from(Refusal::Damaged))?.check()
    }

    fn refusal(line: &[u8]) -> String {
        checked(line).err().map(|e| e.to_string()).unwrap_or_default()
    }

    #[test]
    fn a_put_reads_as_the_changes_the_old_reading_made() {
        let fields = json!({
            "notes": {"value": "tea, and \"the letter\" ✉"},
            "alias": {"value": "Ada", "base": [3, DEVICE], "unknown": [1, 2]},
            "consent_date": {"value": null},
        });
        let text = line("put", "person", fields.clone());
        let (event, changes) = checked(&text).unwrap();
        assert!(event.fields.is_empty());
        let as_before = Event { fields: fields.as_object().unwrap().clone(), ..event.clone() }.changes().unwrap();
        assert_eq!(changes, as_before);
        assert_eq!(changes.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>(), ["alias", "consent_date", "notes"]);
        assert_eq!((event.device.as_str(), event.seq, event.hlc, event.kind), (DEVICE, 1, 5, Kind::Person));
    }

    #[test]
    fn an_erasure_keeps_its_list_of_ids() {
        let (event, changes) = checked(&line("erase", "person", json!({"records": [RECORD]}))).unwrap();
        assert!(changes.is_empty());
        assert_eq!(Value::Object(event.fields), json!({"records": [RECORD]}));
    }

    #[test]
    fn malformed_events_are_refused_for_what_is_wrong() {
        let invalid = |fields: Value| refusal(&line("put", "person", fields));
        assert!(invalid(json!({"alias": "Ada"})).contains("a field is malformed"));
        assert!(invalid(json!({"alias": ["Ada"]})).contains("a field is malformed"));
        assert!(invalid(json!({})).contains("changes nothing"));
        assert!(invalid(json!({"alias": {"value": "Ada", "base": [-1, DEVICE]}})).contains("base is malformed"));
        assert!(invalid(json!({"alias": {"value": 7}})).contains("must be text"));
        assert!(invalid(json!({"_deleted": {"value": "yes"}})).contains("deletion is malformed"));
        let twice = format!(
            r#"{{"device":"{DEVICE}","seq":1,"hlc":5,"record":"{RECORD}","kind":"person","op":"put","fields":{{"alias":{{"value":"A"}},"alias":{{"value":"B"}}}}}}"#
        );
        assert!(refusal(twice.as_bytes()).contains("names a field twice"));
        let erase = |kind: &str, fields: Value| refusal(&line("erase", kind, fields));
        assert!(erase("person", json!({"records": "all"})).contains("erasure is malformed"));
        assert!(erase("contact", json!({"records": []})).contains("erasure is malformed"));
        assert!(erase("person", json!({"records": [], "more": []})).contains("erasure is malformed"));
        assert!(erase("person", json!({"records": ["not an id"]})).contains("malformed id"));
        let damaged = Error::from(Refusal::Damaged).to_string();
        assert_eq!(refusal(b"{\"device\": 1}"), damaged);
        assert_eq!(refusal(&line("put", "no-such-kind", json!({"alias": {"value": "A"}}))), damaged);
    }

    #[test]
    fn values_must_be_in_the_form_peer_journal_writes() {
        let contact = |fields: Value| checked(&line("put", "contact", fields)).map(|_| ());
        assert!(contact(
            json!({"person": {"value": DEVICE}, "at": {"value": "2026-11-20T10:00"}, "minutes": {"value": 45}})
        )
        .is_ok());
        for (name, value) in [
            ("at", json!("2026-11-20 10:00")),
            ("at", json!("2026-11-20T10:00:00")),
            ("at", json!(" 2026-11-20T10:00")),
            ("minutes", json!("45")),
            ("person", json!(DEVICE.to_uppercase())),
        ] {
            let e = contact(json!({ (name): {"value": value} })).unwrap_err().to_string();
            assert!(e.contains("not in the form Peer Journal writes"), "{name} {value}: {e}");
        }
        for (name, value) in
            [("at", json!("2026-02-30T10:00")), ("at", json!("2026-11-20T24:00")), ("minutes", json!(1441))]
        {
            let e = contact(json!({ (name): {"value": value} })).unwrap_err().to_string();
            assert!(!e.contains("not in the form"), "{name} {value}: {e}");
        }
    }
}
