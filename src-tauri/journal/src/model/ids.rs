//! The ids records, people, devices and journals go by, and how each is
//! written. Ids are text on the wire and in the database; the types here
//! ([`RecordId`], [`PersonId`], [`DeviceId`], [`Fingerprint`]) say which
//! kind of id a value is at the public API, and check its form where it
//! enters from outside (typed, or sent by the app: `FromStr` and
//! `Deserialize` check). What the journal reads back from its own tables it
//! wrote checked, and takes as it is.

use std::fmt;
use std::str::FromStr;

use rusqlite::types::{FromSql, FromSqlResult, ToSql, ToSqlOutput, ValueRef};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{Error, Result};

/// Declares an id type: text of a checked form.
macro_rules! text_id {
    ($(#[$doc:meta])* $name:ident, $what:literal, $check:path) => {
        $(#[$doc])*
        // A newtype: serde writes it as the text alone.
        #[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, TS)]
        #[ts(export)]
        pub struct $name(String);

        impl $name {
            /// The id as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// One the journal wrote itself (read from its tables, or made
            /// and checked here): taken as it is.
            pub(crate) fn trusted(id: impl Into<String>) -> Self {
                $name(id.into())
            }
        }

        impl FromStr for $name {
            type Err = Error;

            /// Checks the form, and writes it as the journal does.
            fn from_str(s: &str) -> Result<Self> {
                $check(s.trim()).map($name).ok_or_else(|| Error::invalid(format!("{:?} is not {}", s.trim(), $what)))
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
                String::deserialize(d)?.parse().map_err(serde::de::Error::custom)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.0 == other
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.0 == *other
            }
        }

        impl PartialEq<String> for $name {
            fn eq(&self, other: &String) -> bool {
                &self.0 == other
            }
        }

        impl PartialEq<$name> for String {
            fn eq(&self, other: &$name) -> bool {
                *self == other.0
            }
        }

        impl PartialEq<$name> for str {
            fn eq(&self, other: &$name) -> bool {
                self == other.0
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> String {
                id.0
            }
        }

        impl ToSql for $name {
            fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
                self.0.to_sql()
            }
        }

        impl FromSql for $name {
            fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
                String::column_result(value).map($name)
            }
        }
    };
}

text_id!(
    /// A record's id: a UUID, written in lower case with dashes.
    RecordId,
    "a record id",
    canonical_uuid
);

text_id!(
    /// A person's id: the id of their `person` record.
    PersonId,
    "a person's id",
    canonical_uuid
);

text_id!(
    /// A device's id: a UUID, written in lower case with dashes.
    DeviceId,
    "a device id",
    canonical_uuid
);

text_id!(
    /// A journal's fingerprint, as its card shows it: four groups of four
    /// letters and digits, like `7K3M-Q9TX-2B4D-HW8R`. Read in any case,
    /// with or without dashes.
    Fingerprint,
    "a fingerprint (four groups of four letters and digits, like 7K3M-Q9TX-2B4D-HW8R)",
    checked_fingerprint
);

impl PersonId {
    /// The id of the person's own record.
    pub fn record(&self) -> RecordId {
        RecordId(self.0.clone())
    }
}

impl From<PersonId> for RecordId {
    fn from(id: PersonId) -> RecordId {
        RecordId(id.0)
    }
}

/// `s` as the journal writes a UUID, if it is one.
fn canonical_uuid(s: &str) -> Option<String> {
    uuid::Uuid::try_parse(s).ok().map(|u| u.hyphenated().to_string())
}

/// `s` as a card writes a fingerprint, if it can be one.
fn checked_fingerprint(s: &str) -> Option<String> {
    let normal = normalise_fingerprint(s);
    is_fingerprint(&normal).then_some(normal)
}

/// Accepts a fingerprint as people type it: any case, with or without
/// dashes. Text that cannot be one comes back trimmed, as it was.
pub fn normalise_fingerprint(s: &str) -> String {
    let chars: String = s.chars().filter(|c| c.is_ascii_alphanumeric()).map(|c| c.to_ascii_uppercase()).collect();
    if chars.len() != 16 {
        return s.trim().to_string();
    }
    chars.as_bytes().chunks(4).map(|c| String::from_utf8_lossy(c).into_owned()).collect::<Vec<_>>().join("-")
}

/// Whether `s` is a fingerprint as a card writes it: four groups of
/// four Crockford base32 characters, joined by dashes.
pub fn is_fingerprint(s: &str) -> bool {
    let groups: Vec<&str> = s.split('-').collect();
    groups.len() == 4
        && groups.iter().all(|g| {
            g.len() == 4 && g.bytes().all(|b| b.is_ascii_digit() || (b.is_ascii_uppercase() && !b"ILOU".contains(&b)))
        })
}

/// What a record's or a device's id is bound to (see [`new_bound_id`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Binding {
    /// Made by the journal whose signing key was asked about.
    Bound,
    /// Made by another journal: bound to another key.
    Other,
    /// Made before ids were bound to their journal (a version 7 UUID):
    /// nothing to tell.
    Unbound,
    /// Not an id at all.
    Malformed,
}

/// What a bound id is of: the tag its hash starts with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IdOf {
    /// A record (a person is one too).
    Record,
    /// A device of a journal.
    Device,
}

impl IdOf {
    fn tag(self) -> &'static [u8] {
        match self {
            IdOf::Record => b"peerjournal record id\n",
            IdOf::Device => b"peerjournal device id\n",
        }
    }
}

/// Random bits of a bound id, and bits of its hash: 74 in all, which is
/// what a version 8 UUID leaves free after its time.
const RANDOM_BITS: u32 = 42;
const HASH_BITS: u32 = 32;

/// A new id for a record or a device of the journal whose signing key is
/// `key`, bound to that key: a version 8 UUID (RFC 9562) that starts, as a
/// version 7 one does, with the time in milliseconds (so ids sort by when
/// they were made), then 42 bits that are random (counted up within one
/// millisecond, so no two made here are alike), then 32 bits of a SHA-256
/// over the key, the time and those bits. Anyone can check an id against a
/// card ([`binding`]); nobody without the key's card in hand can make an id
/// that checks against another journal's key, so nobody can claim another
/// journal's record or device as their own, even knowing its id.
pub fn new_bound_id(of: IdOf, key: &[u8; 32]) -> String {
    use std::sync::Mutex;
    // The last (time, random) handed out, so that ids made within one
    // millisecond count up rather than risk meeting.
    static LAST: Mutex<(u64, u64)> = Mutex::new((0, 0));
    let now = u64::try_from(chrono::Utc::now().timestamp_millis()).unwrap_or(0) & ((1 << 48) - 1);
    let (ms, random) = {
        let mut last = LAST.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let next = if now <= last.0 {
            (last.0, (last.1 + 1) & ((1 << RANDOM_BITS) - 1))
        } else {
            (now, rand::random::<u64>() & ((1 << (RANDOM_BITS - 1)) - 1))
        };
        *last = next;
        next
    };
    compose(ms, random, tag_of(of, key, ms, random)).hyphenated().to_string()
}

/// Whether `id` was made by the journal whose signing key is `key`.
pub fn binding(of: IdOf, id: &str, key: &[u8; 32]) -> Binding {
    let Ok(uuid) = uuid::Uuid::parse_str(id) else { return Binding::Malformed };
    if uuid.get_version_num() != 8 {
        return Binding::Unbound;
    }
    let value = uuid.as_u128();
    let ms = (value >> 80) as u64;
    let free = (((value >> 64) & 0xfff) << 62) | (value & ((1 << 62) - 1));
    let (random, hash) = ((free >> HASH_BITS) as u64, (free & ((1 << HASH_BITS) - 1)) as u32);
    if tag_of(of, key, ms, random) == hash {
        Binding::Bound
    } else {
        Binding::Other
    }
}

/// The 32 bits of hash a bound id carries.
fn tag_of(of: IdOf, key: &[u8; 32], ms: u64, random: u64) -> u32 {
    use sha2::{Digest, Sha256};
    let digest = Sha256::new()
        .chain_update(of.tag())
        .chain_update(key)
        .chain_update(ms.to_be_bytes())
        .chain_update(random.to_be_bytes())
        .finalize();
    u32::from_be_bytes([digest[0], digest[1], digest[2], digest[3]])
}

/// The version 8 UUID of time `ms` whose free bits are `random`, then `hash`.
fn compose(ms: u64, random: u64, hash: u32) -> uuid::Uuid {
    let free = (u128::from(random) << HASH_BITS) | u128::from(hash);
    let value = (u128::from(ms) << 80) | (8 << 76) | ((free >> 62) << 64) | (0b10 << 62) | (free & ((1 << 62) - 1));
    uuid::Uuid::from_u128(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_checked_where_they_come_in() {
        let id: RecordId = " 0190F2B4-7C1A-7000-8000-000000000001 ".parse().unwrap();
        assert_eq!(id, "0190f2b4-7c1a-7000-8000-000000000001");
        assert!("not an id".parse::<RecordId>().unwrap_err().to_string().contains("is not a record id"));
        let fp: Fingerprint = "7k3mq9tx2b4dhw8r".parse().unwrap();
        assert_eq!(fp.as_str(), "7K3M-Q9TX-2B4D-HW8R");
        assert!("7K3M-Q9TX".parse::<Fingerprint>().is_err());
        // From the app too: a malformed id does not deserialise.
        assert!(serde_json::from_str::<DeviceId>("\"nope\"").is_err());
        let person: PersonId = serde_json::from_str("\"0190f2b4-7c1a-7000-8000-000000000001\"").unwrap();
        assert_eq!(serde_json::to_string(&person).unwrap(), "\"0190f2b4-7c1a-7000-8000-000000000001\"");
        assert_eq!(person.record(), id);
    }

    #[test]
    fn a_bound_id_checks_against_its_own_key_only() {
        let (mine, theirs) = ([1u8; 32], [2u8; 32]);
        let id = new_bound_id(IdOf::Record, &mine);
        let uuid = uuid::Uuid::parse_str(&id).unwrap();
        assert_eq!((uuid.get_version_num(), uuid.get_variant()), (8, uuid::Variant::RFC4122));
        assert_eq!(binding(IdOf::Record, &id, &mine), Binding::Bound);
        assert_eq!(binding(IdOf::Record, &id, &theirs), Binding::Other);
        assert_eq!(binding(IdOf::Device, &id, &mine), Binding::Other, "a record's id is no device's");
        assert_eq!(binding(IdOf::Record, &uuid::Uuid::now_v7().to_string(), &mine), Binding::Unbound);
        assert_eq!(binding(IdOf::Record, "not an id", &mine), Binding::Malformed);
        // Any one bit changed, and it no longer checks.
        for bit in (0..128).filter(|b| !(76..80).contains(b) && !(62..64).contains(b)) {
            let changed = uuid::Uuid::from_u128(uuid.as_u128() ^ (1 << bit)).to_string();
            assert_ne!(binding(IdOf::Record, &changed, &mine), Binding::Bound, "bit {bit}");
        }
    }

    #[test]
    fn bound_ids_made_at_once_are_all_different_and_sort_by_time() {
        let key = [7u8; 32];
        let ids: Vec<String> = (0..10_000).map(|_| new_bound_id(IdOf::Record, &key)).collect();
        let distinct: std::collections::BTreeSet<&String> = ids.iter().collect();
        assert_eq!(distinct.len(), ids.len());
        let times: Vec<u128> = ids.iter().map(|id| uuid::Uuid::parse_str(id).unwrap().as_u128() >> 80).collect();
        assert!(times.windows(2).all(|w| w[0] <= w[1]));
        assert!(ids.iter().all(|id| binding(IdOf::Record, id, &key) == Binding::Bound));
    }
}
