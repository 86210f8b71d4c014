//! Cards and the roster.
//!
//! A card is the public half of a journal's identity in a small file:
//! display name, role, the age recipient bundles for it are encrypted to,
//! the Ed25519 key its bundles are signed with, and the fingerprint people
//! read aloud to check it. A journal trusts only the cards in its roster,
//! and a revoked card stays in the roster, marked, so that its bundles are
//! refused by name rather than as unknown.
//!
//! Card file format (JSON, version 1):
//!
//! ```json
//! { "format": "peerjournal-card", "version": 1, "name": "Sam", "role": "volunteer",
//!   "ageRecipient": "age1…", "signingKey": "<base64, 32 bytes>", "fingerprint": "XXXX-XXXX-XXXX-XXXX" }
//! ```
//!
//! The fingerprint is recomputed from the keys on import; a card whose
//! fingerprint does not match its keys is refused.

use std::fs;
use std::path::Path;

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use rusqlite::{params, OptionalExtension};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{Error, Result};
use crate::identity;
use crate::journal::{now, Journal, Role};

const CARD_FORMAT: &str = "peerjournal-card";
/// The card format version this build writes and the newest it reads.
pub const CARD_VERSION: u32 = 1;

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
    pub fingerprint: String,
}

/// A card in the roster.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct RosterEntry {
    /// The card's fingerprint.
    pub fingerprint: String,
    /// Its display name.
    pub name: String,
    /// Volunteer or supervisor.
    pub role: Role,
    /// When it was added.
    pub added_at: String,
    /// When it was revoked, if it was.
    pub revoked_at: Option<String>,
}

impl Card {
    /// The signing key's 32 bytes.
    pub fn signing_bytes(&self) -> Result<[u8; 32]> {
        B64.decode(&self.signing_key)
            .ok()
            .and_then(|b| b.try_into().ok())
            .ok_or_else(|| Error::invalid("this card's signing key is damaged"))
    }

    /// Reads and checks a card file.
    pub fn read(path: &Path) -> Result<Card> {
        let bytes = fs::read(path).map_err(|e| Error::io("read", path, e))?;
        if bytes.len() > 16 * 1024 {
            return Err(Error::invalid("that file is too large to be a Peer Journal card"));
        }
        #[derive(Deserialize)]
        struct Envelope {
            format: String,
            version: u32,
        }
        let envelope: Envelope =
            serde_json::from_slice(&bytes).map_err(|_| Error::invalid("that file is not a Peer Journal card"))?;
        if envelope.format != CARD_FORMAT {
            return Err(Error::invalid("that file is not a Peer Journal card"));
        }
        if envelope.version > CARD_VERSION {
            return Err(Error::invalid(format!(
                "that card was made by a newer version of Peer Journal (card version {}); update Peer Journal to import it",
                envelope.version
            )));
        }
        let card: Card = serde_json::from_slice(&bytes)
            .map_err(|_| Error::invalid("that card is damaged: some of its fields are missing or wrong"))?;
        card.age_recipient
            .parse::<age::x25519::Recipient>()
            .map_err(|_| Error::invalid("that card is damaged: its receiving key is not valid"))?;
        let signing = card.signing_bytes()?;
        ed25519_dalek::VerifyingKey::from_bytes(&signing)
            .map_err(|_| Error::invalid("that card is damaged: its signing key is not valid"))?;
        if identity::fingerprint(&card.age_recipient, &signing) != card.fingerprint {
            return Err(Error::invalid("that card is damaged or altered: its fingerprint does not match its keys"));
        }
        if card.name.trim().is_empty() || card.name.chars().count() > 80 || card.name.chars().any(char::is_control) {
            return Err(Error::invalid("that card's name is not valid"));
        }
        Ok(card)
    }
}

impl Journal {
    /// This journal's own card.
    pub fn card(&self) -> Result<Card> {
        let status = self.status()?;
        let public = identity::public(&self.conn)?;
        Ok(Card {
            format: CARD_FORMAT.into(),
            version: CARD_VERSION,
            name: status.name,
            role: status.role,
            age_recipient: public.age_recipient,
            signing_key: B64.encode(public.signing_public),
            fingerprint: public.fingerprint,
        })
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

    /// Adds a card to the roster. Re-adding the same card is harmless; a
    /// revoked card cannot be re-added this way, and a card cannot be this
    /// journal's own.
    pub fn add_card(&mut self, card: &Card) -> Result<RosterEntry> {
        if card.fingerprint == identity::public(&self.conn)?.fingerprint {
            return Err(Error::invalid("that is this journal's own card"));
        }
        if let Some(existing) = self.roster_entry(&card.fingerprint)? {
            if existing.revoked_at.is_some() {
                return Err(Error::invalid("that card was revoked in this journal; it cannot be added again"));
            }
            return Ok(existing);
        }
        self.conn.execute(
            "INSERT INTO roster (fingerprint, name, role, age_recipient, signing_public, added_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![card.fingerprint, card.name, card.role.as_str(), card.age_recipient, &card.signing_bytes()?[..], now()],
        )?;
        self.roster_entry(&card.fingerprint)?.ok_or_else(|| Error::CheckFailed("the card was not saved".into()))
    }

    /// The roster, by name.
    pub fn roster(&self) -> Result<Vec<RosterEntry>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT fingerprint, name, role, added_at, revoked_at FROM roster ORDER BY name, fingerprint",
        )?;
        let rows = stmt.query_map([], roster_row)?;
        let mut out = Vec::new();
        for r in rows {
            out.push(r??);
        }
        Ok(out)
    }

    /// One roster entry.
    pub fn roster_entry(&self, fingerprint: &str) -> Result<Option<RosterEntry>> {
        let row = self
            .conn
            .prepare_cached("SELECT fingerprint, name, role, added_at, revoked_at FROM roster WHERE fingerprint = ?1")?
            .query_row([normalise_fingerprint(fingerprint)], roster_row)
            .optional()?;
        row.transpose()
    }

    /// Revokes a card: its bundles are refused from now on, and nothing more
    /// is exported to it.
    pub fn revoke_card(&mut self, fingerprint: &str) -> Result<RosterEntry> {
        let fp = normalise_fingerprint(fingerprint);
        let changed = self.conn.execute(
            "UPDATE roster SET revoked_at = coalesce(revoked_at, ?2) WHERE fingerprint = ?1",
            params![fp, now()],
        )?;
        if changed == 0 {
            return Err(Error::invalid(format!("no card with fingerprint {fp} in this journal")));
        }
        self.roster_entry(&fp)?.ok_or_else(|| Error::CheckFailed("the card disappeared".into()))
    }

    /// The age recipient and signing key of a trusted, unrevoked card.
    pub(crate) fn trusted_keys(&self, fingerprint: &str) -> Result<Option<(String, [u8; 32], bool)>> {
        let row = self
            .conn
            .prepare_cached(
                "SELECT age_recipient, signing_public, revoked_at IS NOT NULL FROM roster WHERE fingerprint = ?1",
            )?
            .query_row([fingerprint], |r| Ok((r.get::<_, String>(0)?, r.get::<_, Vec<u8>>(1)?, r.get::<_, bool>(2)?)))
            .optional()?;
        Ok(match row {
            Some((age, key, revoked)) => Some((
                age,
                key.try_into().map_err(|_| Error::CheckFailed("a roster signing key is malformed".into()))?,
                revoked,
            )),
            None => None,
        })
    }
}

fn roster_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Result<RosterEntry>> {
    let role: String = r.get(2)?;
    Ok(role.parse::<Role>().map(|role| RosterEntry {
        fingerprint: r.get(0).unwrap_or_default(),
        name: r.get(1).unwrap_or_default(),
        role,
        added_at: r.get(3).unwrap_or_default(),
        revoked_at: r.get(4).unwrap_or_default(),
    }))
}

/// Accepts a fingerprint as people type it: any case, with or without dashes.
pub fn normalise_fingerprint(s: &str) -> String {
    let chars: String = s.chars().filter(|c| c.is_ascii_alphanumeric()).map(|c| c.to_ascii_uppercase()).collect();
    if chars.len() != 16 {
        return s.trim().to_string();
    }
    chars.as_bytes().chunks(4).map(|c| String::from_utf8_lossy(c).into_owned()).collect::<Vec<_>>().join("-")
}

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

/// SQL counting device `?1`'s events whose `seq` meets `filter`, wherever
/// the log keeps them (in `events`, or held by the record they made).
fn count_own_events(filter: &str) -> String {
    format!(
        "SELECT (SELECT count(*) FROM events WHERE device = ?1 AND {filter})
              + (SELECT count(*) FROM (SELECT lazy_seq AS seq FROM records
                               WHERE created_device = (SELECT n FROM devices WHERE id = ?1) AND lazy_seq IS NOT NULL)
                 WHERE {filter})"
    )
}

impl Journal {
    /// For each card: what was sent, and what they have confirmed receiving.
    pub fn peer_status(&self) -> Result<Vec<PeerStatus>> {
        let device = self.device_id()?;
        let own_total: i64 = self.conn.query_row(&count_own_events("1"), [&device], |r| r.get(0))?;
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
            let acked: Option<(i64, String)> = self
                .conn
                .query_row(
                    "SELECT seq, at FROM acked WHERE peer = ?1 AND device = ?2",
                    params![card.fingerprint, device],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            let (received_changes, received_at) = match acked {
                Some((seq, at)) => {
                    (self.conn.query_row(&count_own_events("seq <= ?2"), params![device, seq], |r| r.get(0))?, Some(at))
                }
                None => (0, None),
            };
            out.push(PeerStatus {
                card,
                last_sent,
                received_at,
                received_changes,
                waiting_changes: own_total - received_changes,
            });
        }
        Ok(out)
    }
}
