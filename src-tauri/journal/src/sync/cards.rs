//! Cards and the roster.
//!
//! A card is the public half of a journal's identity in a small file:
//! display name, role, the age recipient bundles for it are encrypted to,
//! the Ed25519 key its bundles are signed with, the fingerprint people read
//! aloud to check it, and the journal's devices: every change the journal
//! sends was made on one of them. The card is signed by its own signing
//! key, so nobody else can add a device to it. A journal trusts only the
//! cards in its roster, and a revoked card stays in the roster, marked, so
//! that its bundles are refused by name rather than as unknown.
//!
//! Card file format (JSON, version 2):
//!
//! ```json
//! { "format": "peerjournal-card", "version": 2, "name": "Sam", "role": "volunteer",
//!   "ageRecipient": "age1…", "signingKey": "<base64, 32 bytes>", "fingerprint": "XXXX-XXXX-XXXX-XXXX",
//!   "devices": ["<uuid>", …], "signature": "<base64, 64 bytes>" }
//! ```
//!
//! The signature covers every other member, serialised compactly in that
//! order after the line `peerjournal card v2`. The fingerprint hashes the
//! two keys (see [`identity::fingerprint`]) and is recomputed on import: a
//! card whose fingerprint does not match its keys, or whose signature does
//! not check out, is refused. So is a card of version 1, which named no
//! devices, and a card naming a device another journal's card already
//! names: a device belongs to one journal.

use std::fs;
use std::path::Path;

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use ed25519_dalek::{Signature, Signer, Verifier, VerifyingKey};
use rusqlite::{params, OptionalExtension};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{Error, Result};
use crate::journal::{now, Journal, Role};
use crate::model::ids::{binding, Binding, DeviceId, Fingerprint, IdOf};
use crate::store::identity;
use crate::store::roster::{claim_devices, RosterEntry};
use crate::sync::scope::Selection;

const CARD_FORMAT: &str = "peerjournal-card";
/// The card format version this build writes and reads.
pub const CARD_VERSION: u32 = 2;
/// What a card's signature is made over, before its members.
const SIGNED_PREFIX: &[u8] = b"peerjournal card v2\n";
/// At most this many devices on one card.
const MAX_DEVICES: usize = 64;

/// A card, as in the file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Card {
    format: String,
    version: u32,
    /// The journal keeper's display name.
    pub name: String,
    /// Volunteer or supervisor.
    pub role: Role,
    /// The age recipient bundles for this journal are encrypted to.
    pub age_recipient: String,
    /// The Ed25519 verifying key, base64.
    pub signing_key: String,
    /// The read-aloud fingerprint.
    pub fingerprint: Fingerprint,
    /// The ids of the journal's devices.
    pub devices: Vec<DeviceId>,
    /// Whether it is a demo journal's (made-up people): real journals
    /// refuse it. Absent from real journals' cards.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub demo: bool,
    /// The card's signature by its own signing key, base64.
    signature: String,
}

/// The members of a card its signature covers, in their order.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Signed<'a> {
    format: &'a str,
    version: u32,
    name: &'a str,
    role: Role,
    age_recipient: &'a str,
    signing_key: &'a str,
    fingerprint: &'a Fingerprint,
    devices: &'a [DeviceId],
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    demo: bool,
}

impl Card {
    /// The signing key's 32 bytes.
    pub fn signing_bytes(&self) -> Result<[u8; 32]> {
        B64.decode(&self.signing_key)
            .ok()
            .and_then(|b| b.try_into().ok())
            .ok_or_else(|| Error::invalid("that card is damaged: its signing key is not valid"))
    }

    /// What the signature is made over.
    fn signed_bytes(&self) -> Result<Vec<u8>> {
        let signed = Signed {
            format: &self.format,
            version: self.version,
            name: &self.name,
            role: self.role,
            age_recipient: &self.age_recipient,
            signing_key: &self.signing_key,
            fingerprint: &self.fingerprint,
            devices: &self.devices,
            demo: self.demo,
        };
        let mut bytes = SIGNED_PREFIX.to_vec();
        serde_json::to_writer(&mut bytes, &signed).map_err(|e| Error::invalid(e.to_string()))?;
        Ok(bytes)
    }

    /// Reads and checks a card file.
    pub fn read(path: &Path) -> Result<Card> {
        let bytes = fs::read(path).map_err(|e| Error::io("read", path, e))?;
        if bytes.len() > 16 * 1024 {
            return Err(Error::invalid("that file is too large to be a Peer Journal card"));
        }
        Card::from_json(&serde_json::from_slice(&bytes).map_err(|_| not_a_card())?)
    }

    /// Reads and checks a card given as JSON (a file's, or the one a
    /// bundle carries).
    pub fn from_json(value: &serde_json::Value) -> Result<Card> {
        #[derive(Deserialize)]
        struct Envelope {
            format: String,
            version: u32,
        }
        let envelope = Envelope::deserialize(value).map_err(|_| not_a_card())?;
        if envelope.format != CARD_FORMAT {
            return Err(not_a_card());
        }
        if envelope.version > CARD_VERSION {
            return Err(Error::invalid(format!(
                "that card was made by a newer version of Peer Journal (card version {}); update Peer Journal to import it",
                envelope.version
            )));
        }
        if envelope.version < CARD_VERSION {
            let name = value.get("name").and_then(serde_json::Value::as_str).unwrap_or("its owner");
            return Err(Error::invalid(format!(
                "that card was made by an older version of Peer Journal, which did not name the journal's devices; \
                 ask {name} for a fresh card"
            )));
        }
        let card = Card::deserialize(value)
            .map_err(|_| Error::invalid("that card is damaged: some of its fields are missing or wrong"))?;
        card.check()?;
        Ok(card)
    }

    /// Checks everything a card says of itself: its keys, that its
    /// fingerprint is theirs, its name, its devices and its signature.
    fn check(&self) -> Result<()> {
        self.age_recipient
            .parse::<age::x25519::Recipient>()
            .map_err(|_| Error::invalid("that card is damaged: its receiving key is not valid"))?;
        let signing = self.signing_bytes()?;
        let key = VerifyingKey::from_bytes(&signing)
            .map_err(|_| Error::invalid("that card is damaged: its signing key is not valid"))?;
        if identity::fingerprint(&self.age_recipient, &signing) != self.fingerprint {
            return Err(Error::invalid("that card is damaged or altered: its fingerprint does not match its keys"));
        }
        if self.name.trim().is_empty() || self.name.chars().count() > 80 || self.name.chars().any(char::is_control) {
            return Err(Error::invalid("that card's name is not valid"));
        }
        let mut devices = self.devices.clone();
        devices.sort();
        devices.dedup();
        // (Each is a well-formed id: reading the card checked that.)
        if devices.is_empty() || devices.len() != self.devices.len() || devices.len() > MAX_DEVICES {
            return Err(Error::invalid("that card is damaged: its list of devices is not valid"));
        }
        // A device made since ids were bound to their journal checks
        // against this card's key: no card can name another's device.
        if devices.iter().any(|d| binding(IdOf::Device, d.as_str(), &signing) == Binding::Other) {
            return Err(Error::invalid("that card names a device of another journal's; it was not added"));
        }
        let signature: [u8; 64] = B64
            .decode(&self.signature)
            .ok()
            .and_then(|b| b.try_into().ok())
            .ok_or_else(|| Error::invalid("that card is damaged: its signature is not valid"))?;
        key.verify(&self.signed_bytes()?, &Signature::from_bytes(&signature))
            .map_err(|_| Error::invalid("that card is damaged or altered: its signature does not match"))
    }
}

#[cfg(test)]
impl Card {
    /// The same card naming `devices` instead, signed with `key`: what its
    /// owner (or, with another key, a forger) could make.
    pub(crate) fn signed_with_devices(&self, devices: Vec<DeviceId>, key: &ed25519_dalek::SigningKey) -> Card {
        let mut card = Card { devices, ..self.clone() };
        card.signature = B64.encode(key.sign(&card.signed_bytes().unwrap()).to_bytes());
        card
    }
}

fn not_a_card() -> Error {
    Error::invalid("that file is not a Peer Journal card")
}

impl Journal {
    /// This journal's own card, naming all its devices, signed.
    pub fn card(&self) -> Result<Card> {
        let status = self.status()?;
        let public = identity::public(&self.conn)?;
        let mut card = Card {
            format: CARD_FORMAT.into(),
            version: CARD_VERSION,
            name: status.name,
            role: status.role,
            age_recipient: public.age_recipient,
            signing_key: B64.encode(public.signing_public),
            devices: self.own_devices()?,
            demo: self.is_demo()?,
            fingerprint: public.fingerprint,
            signature: String::new(),
        };
        let signature = self.signing_key()?.sign(&card.signed_bytes()?);
        card.signature = B64.encode(signature.to_bytes());
        Ok(card)
    }

    /// Writes this journal's card to `path` (refusing to overwrite a file).
    pub fn export_card(&self, path: &Path) -> Result<Card> {
        let card = self.card()?;
        let json = serde_json::to_vec_pretty(&card).map_err(|e| Error::invalid(e.to_string()))?;
        let mut f = fs::OpenOptions::new().write(true).create_new(true).open(path).map_err(|e| match e.kind() {
            std::io::ErrorKind::AlreadyExists => {
                Error::invalid(format!("{} already exists; choose another name", path.display()))
            }
            _ => Error::io("write", path, e),
        })?;
        use std::io::Write;
        f.write_all(&json).and_then(|_| f.write_all(b"\n")).map_err(|e| Error::io("write", path, e))?;
        Ok(card)
    }

    /// Adds a card to the roster, with its devices. Re-adding the same card
    /// is harmless (and notes any device it names that is new); a revoked
    /// card cannot be re-added this way, a card cannot be this journal's
    /// own, and a card naming a device of another journal's is refused.
    pub fn add_card(&mut self, card: &Card) -> Result<RosterEntry> {
        card.check()?;
        if card.fingerprint == identity::public(&self.conn)?.fingerprint {
            return Err(Error::invalid("that is this journal's own card"));
        }
        match (card.demo, self.is_demo()?) {
            (true, false) => {
                return Err(Error::invalid(
                    "that card is from a demo journal of made-up people; a real journal never takes it",
                ))
            }
            (false, true) => {
                return Err(Error::invalid(
                    "this is a demo journal of made-up people: it takes only cards from other demo journals",
                ))
            }
            _ => {}
        }
        let existing = self.roster_entry(&card.fingerprint)?;
        if existing.as_ref().is_some_and(|e| e.revoked_at.is_some()) {
            return Err(Error::invalid("that card was revoked in this journal; it cannot be added again"));
        }
        let tx = self.conn.unchecked_transaction()?;
        if let Some(other) = claim_devices(&tx, card.fingerprint.as_str(), &card.devices)? {
            return Err(Error::invalid(format!(
                "that card names a device that belongs to {}; it was not added (two journals cannot share a device)",
                self.journal_name(&other)?
            )));
        }
        if existing.is_none() {
            tx.execute(
                "INSERT INTO roster (fingerprint, name, role, age_recipient, signing_public, added_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![
                    card.fingerprint,
                    card.name,
                    card.role.as_str(),
                    card.age_recipient,
                    &card.signing_bytes()?[..],
                    now()
                ],
            )?;
        }
        tx.commit()?;
        self.roster_entry(&card.fingerprint)?.ok_or_else(|| Error::CheckFailed("the card was not saved".into()))
    }

    /// Revokes a card: its bundles are refused from now on, and nothing more
    /// is exported to it.
    pub fn revoke_card(&mut self, fp: &Fingerprint) -> Result<RosterEntry> {
        let changed = self.conn.execute(
            "UPDATE roster SET revoked_at = coalesce(revoked_at, ?2) WHERE fingerprint = ?1",
            params![fp, now()],
        )?;
        if changed == 0 {
            return Err(Error::invalid(format!("no card with fingerprint {fp} in this journal")));
        }
        self.roster_entry(fp)?.ok_or_else(|| Error::CheckFailed("the card disappeared".into()))
    }
}

pub use crate::model::ids::normalise_fingerprint;

/// What one card in the roster has of this journal, as far as its receipts say.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PeerStatus {
    /// The card.
    #[serde(flatten)]
    pub card: RosterEntry,
    /// When a bundle was last made for them.
    pub last_sent: Option<String>,
    /// When a bundle of theirs was last brought in here.
    pub last_received: Option<String>,
    /// When they last imported something of ours, by their receipt (None:
    /// nothing confirmed yet, whatever was sent).
    pub received_at: Option<String>,
    /// How many of this journal's own changes they have confirmed.
    #[ts(type = "number")]
    pub received_changes: i64,
    /// How many of this journal's own changes they have not confirmed.
    #[ts(type = "number")]
    pub waiting_changes: i64,
}

impl Journal {
    /// For each card: what was sent, and what they have confirmed receiving
    /// of what this journal's devices wrote. Only what a bundle for them
    /// would carry counts (never a private reflection; from a supervisor,
    /// only what is theirs to have), so neither figure includes what is
    /// never sent.
    pub fn peer_status(&self) -> Result<Vec<PeerStatus>> {
        let role = self.role()?;
        let mut out = Vec::new();
        for card in self.roster()? {
            let last_sent: Option<String> = self
                .conn
                .query_row(
                    "SELECT max(at) FROM bundles WHERE direction = 'out' AND (',' || peer || ',') LIKE ('%,' || ?1 || ',%')",
                    [&card.fingerprint],
                    |r| r.get(0),
                )
                .optional()?
                .flatten();
            let last_received: Option<String> = self
                .conn
                .query_row(
                    "SELECT max(at) FROM bundles WHERE direction = 'in' AND peer = ?1",
                    [&card.fingerprint],
                    |r| r.get(0),
                )
                .optional()?
                .flatten();
            let received_at: Option<String> = self
                .conn
                .query_row(
                    "SELECT max(at) FROM acked WHERE peer = ?1
                       AND device IN (SELECT id FROM devices WHERE journal = (SELECT fingerprint FROM identity))",
                    [&card.fingerprint],
                    |r| r.get(0),
                )
                .optional()?
                .flatten();
            let peer = [String::from(card.fingerprint.clone())];
            let sendable = Selection::new(self, &peer, role, true)?.count(&self.conn)? as i64;
            let waiting_changes = Selection::new(self, &peer, role, false)?.count(&self.conn)? as i64;
            let received_changes = sendable - waiting_changes;
            out.push(PeerStatus { card, last_sent, last_received, received_at, received_changes, waiting_changes });
        }
        Ok(out)
    }
}
