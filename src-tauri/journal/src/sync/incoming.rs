//! Events from elsewhere: read from a bundle's line straight into the
//! changes they make, and checked as strictly as a local write.
//!
//! An imported event is read once, in one pass: a put's fields go straight
//! into its [`FieldChange`]s, with no JSON tree built first and copied out
//! of after, and each value is checked against its field without being
//! copied either. An import reads every one of its events this way, so this
//! is most of the reading side's work.

use std::borrow::Cow;
use std::fmt;

use serde::de::value::{MapAccessDeserializer, SeqAccessDeserializer};
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::{Map, Value};
use uuid::Uuid;

use crate::error::Refusal;
use crate::error::{Error, Result};
use crate::model::event::{Event, FieldChange, Op, DELETED};
use crate::model::hlc::Hlc;
use crate::model::kinds::{self, FieldType, Kind};
use crate::sync::wire::EventLine;

/// An event as a bundle's line holds it (see [`EventLine`]), owned.
pub(crate) struct Incoming(EventLine<'static, IncomingFields>);

/// An event's fields, by name, as given.
pub(crate) struct IncomingFields(Vec<(String, IncomingValue)>);

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
        let read: EventLine<'_, IncomingFields> = serde_json::from_slice(line)?;
        let EventLine { device, seq, hlc, record, kind, op, fields } = read;
        let (device, record) = (Cow::Owned(device.into_owned()), Cow::Owned(record.into_owned()));
        Ok(Incoming(EventLine { device, seq, hlc, record, kind, op, fields }))
    }

    /// The device and sequence number the event claims (checked or not).
    pub(crate) fn key(&self) -> (&str, i64) {
        (&self.0.device, self.0.seq)
    }

    /// Checks the event as strictly as a local write is checked, and
    /// returns it with the changes it makes (for a put; an erasure has
    /// none, and keeps its fields: the ids it erases). A put's event comes
    /// back without fields, which are all in its changes.
    pub(crate) fn check(self) -> Result<(Event, Vec<(String, FieldChange)>)> {
        let EventLine { device, seq, hlc, record, kind, op, fields } = self.0;
        let (device, record) = (device.into_owned(), record.into_owned());
        Uuid::parse_str(&device).map_err(|_| bad("a device id is malformed"))?;
        Uuid::parse_str(&record).map_err(|_| bad("a record id is malformed"))?;
        if seq < 1 {
            return Err(bad("a sequence number is out of range"));
        }
        if !Hlc(hlc).is_valid() {
            return Err(bad("a change is stamped with a time no date can be written for"));
        }
        let mut fields = fields.0;
        let event = Event { device, seq, hlc, record, kind, op, fields: Map::new() };
        match op {
            Op::Erase => {
                // An erasure names the person; what it covers, each journal
                // works out for itself. A list of ids, which older versions
                // sent, is ignored.
                let listed = match fields.pop() {
                    None => true,
                    Some((name, IncomingValue::Other(Value::Array(_)))) => name == "records",
                    Some(_) => false,
                };
                if kind != Kind::Person || !listed || !fields.is_empty() {
                    return Err(bad("an erasure is malformed"));
                }
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
                // Dates are judged as a local write judges them, against the
                // moment the event was made, allowing for time zones.
                let written = Hlc(event.hlc).to_datetime().naive_utc() + kinds::TIME_ZONE_SLACK;
                let is_date = |name: &str| {
                    kind.spec().field(name).is_some_and(|f| matches!(f.ty, FieldType::Date | FieldType::DateTime))
                };
                let values: kinds::Fields = changes
                    .iter()
                    .filter(|(name, c)| is_date(name) && !c.value.is_null())
                    .map(|(name, c)| (name.clone(), c.value.clone()))
                    .collect();
                kinds::check_dates(kind, &values, written).map_err(|e| bad(&e.to_string()))?;
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
        if !Hlc(*hlc).is_valid() || Uuid::parse_str(device).is_err() {
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
    /// 2026-11-20T12:00 UTC, as a clock stamp.
    const NOON: i64 = 1_795_176_000_000 << 16;

    fn line_at(hlc: i64, op: &str, kind: &str, fields: Value) -> Vec<u8> {
        let event =
            json!({"device": DEVICE, "seq": 1, "hlc": hlc, "record": RECORD, "kind": kind, "op": op, "fields": fields});
        serde_json::to_vec(&event).unwrap()
    }

    fn line(op: &str, kind: &str, fields: Value) -> Vec<u8> {
        line_at(NOON, op, kind, fields)
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
        assert_eq!((event.device.as_str(), event.seq, event.hlc, event.kind), (DEVICE, 1, NOON, Kind::Person));
    }

    /// What an erasure covers each journal works out for itself: a list of
    /// ids (which older versions sent) is not kept, whatever it names.
    #[test]
    fn an_erasure_names_only_its_person() {
        for fields in [json!({}), json!({"records": [RECORD]}), json!({"records": ["not an id", DEVICE]})] {
            let (event, changes) = checked(&line("erase", "person", fields)).unwrap();
            assert!(changes.is_empty());
            assert_eq!((event.record.as_str(), Value::Object(event.fields)), (RECORD, json!({})));
        }
    }

    /// A clock no date can be written for is damage; a date in the record
    /// is judged as a local write judges it, against the event's own
    /// clock, with room for time zones.
    #[test]
    fn clocks_and_dates_out_of_range_are_refused() {
        let contact = |hlc: i64, at: &str| {
            refusal(&line_at(hlc, "put", "contact", json!({"at": {"value": at}, "how": {"value": "phone"}})))
        };
        for hlc in [-1, i64::MAX, crate::model::hlc::Hlc::MAX.0 + 1] {
            assert!(contact(hlc, "2026-11-20T10:00").contains("time no date can be written for"), "{hlc}");
        }
        assert_eq!(contact(crate::model::hlc::Hlc::MAX.0, "2026-11-20T10:00"), "", "the last stamp a clock may hold");
        assert!(contact(NOON, "9999-12-31T10:00").contains("cannot be dated more than a day ahead"));
        // A day ahead of noon UTC, and 14 hours more for a writer east of it.
        assert_eq!(contact(NOON, "2026-11-22T02:00"), "");
        assert!(contact(NOON, "2026-11-22T02:01").contains("more than a day ahead"));
        let base = json!({"alias": {"value": "A", "base": [i64::MAX, DEVICE]}});
        assert!(refusal(&line("put", "person", base)).contains("base is malformed"));
        // Dates that must come in order, when a change sets both.
        let backwards = json!({"at": {"value": "2026-11-20T10:00"}, "next_contact": {"value": "2026-11-19T10:00"}});
        assert!(refusal(&line("put", "contact", backwards)).contains("must come after this one"));
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
            r#"{{"device":"{DEVICE}","seq":1,"hlc":{NOON},"record":"{RECORD}","kind":"person","op":"put","fields":{{"alias":{{"value":"A"}},"alias":{{"value":"B"}}}}}}"#
        );
        assert!(refusal(twice.as_bytes()).contains("names a field twice"));
        let erase = |kind: &str, fields: Value| refusal(&line("erase", kind, fields));
        assert!(erase("person", json!({"records": "all"})).contains("erasure is malformed"));
        assert!(erase("contact", json!({"records": []})).contains("erasure is malformed"));
        assert!(erase("person", json!({"records": [], "more": []})).contains("erasure is malformed"));
        assert!(erase("person", json!({"others": []})).contains("erasure is malformed"));
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
