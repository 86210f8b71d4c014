//! The roster: the cards this journal trusts, and which journal each
//! device belongs to. Reading and writing its tables; what a card file
//! holds, and checking one, is the sync's ([`crate::sync::cards`]).

use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use ts_rs::TS;

use crate::error::{Error, Result};
use crate::model::ids::{normalise_fingerprint, DeviceId, Fingerprint};
use crate::model::kinds::Role;

/// A card in the roster.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct RosterEntry {
    /// The card's fingerprint.
    pub fingerprint: Fingerprint,
    /// Its display name.
    pub name: String,
    /// Volunteer or supervisor.
    pub role: Role,
    /// When it was added.
    pub added_at: String,
    /// When it was revoked, if it was.
    pub revoked_at: Option<String>,
}

/// What the roster holds of a card to trust its bundles.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct TrustedCard {
    /// The age recipient bundles for this journal are encrypted to.
    pub age_recipient: String,
    /// The Ed25519 key its bundles are signed with.
    pub signing_key: [u8; 32],
    /// Whether the card was revoked here.
    pub revoked: bool,
}

/// The roster, by name.
pub(crate) fn all(conn: &Connection) -> Result<Vec<RosterEntry>> {
    let mut stmt = conn.prepare_cached(
        "SELECT fingerprint, name, role, added_at, revoked_at FROM roster ORDER BY name, fingerprint",
    )?;
    let rows = stmt.query_map([], roster_row)?;
    let mut out = Vec::new();
    for r in rows {
        out.push(r??);
    }
    Ok(out)
}

/// The roster's entry for the card `fingerprint` (as people type it).
pub(crate) fn entry(conn: &Connection, fingerprint: &str) -> Result<Option<RosterEntry>> {
    let row = conn
        .prepare_cached("SELECT fingerprint, name, role, added_at, revoked_at FROM roster WHERE fingerprint = ?1")?
        .query_row([normalise_fingerprint(fingerprint)], roster_row)
        .optional()?;
    row.transpose()
}

/// The keys of the card `fingerprint`, and whether it was revoked.
pub(crate) fn trusted(conn: &Connection, fingerprint: &str) -> Result<Option<TrustedCard>> {
    let row = conn
        .prepare_cached(
            "SELECT age_recipient, signing_public, revoked_at IS NOT NULL FROM roster WHERE fingerprint = ?1",
        )?
        .query_row([fingerprint], |r| Ok((r.get::<_, String>(0)?, r.get::<_, Vec<u8>>(1)?, r.get::<_, bool>(2)?)))
        .optional()?;
    let Some((age_recipient, key, revoked)) = row else { return Ok(None) };
    let signing_key = key.try_into().map_err(|_| Error::CheckFailed("a roster signing key is malformed".into()))?;
    Ok(Some(TrustedCard { age_recipient, signing_key, revoked }))
}

/// The ids of the devices of the journal `fingerprint`, oldest first.
pub(crate) fn devices_of(conn: &Connection, fingerprint: &str) -> Result<Vec<String>> {
    let mut stmt = conn.prepare_cached("SELECT id FROM devices WHERE journal = ?1 ORDER BY n")?;
    let devices = stmt.query_map([fingerprint], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
    Ok(devices)
}

/// Notes that `devices` belong to the journal whose card has `fingerprint`.
/// Refuses, writing nothing, if any of them belongs to another journal:
/// returns the other journal's fingerprint.
pub(crate) fn claim_devices(conn: &Connection, fingerprint: &str, devices: &[DeviceId]) -> Result<Option<String>> {
    let mut owner = conn.prepare_cached("SELECT journal FROM devices WHERE id = ?1")?;
    for device in devices {
        let held: Option<Option<String>> = owner.query_row([device], |r| r.get(0)).optional()?;
        if let Some(Some(other)) = held.filter(|o| o.as_deref() != Some(fingerprint)) {
            return Ok(Some(other));
        }
    }
    for device in devices {
        conn.prepare_cached(
            "INSERT INTO devices (id, journal) VALUES (?1, ?2)
             ON CONFLICT(id) DO UPDATE SET journal = excluded.journal WHERE journal IS NULL",
        )?
        .execute(params![device, fingerprint])?;
    }
    Ok(None)
}

fn roster_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Result<RosterEntry>> {
    let role: String = r.get(2)?;
    let fingerprint: Fingerprint = r.get(0)?;
    Ok(role.parse::<Role>().map(|role| RosterEntry {
        fingerprint,
        name: r.get(1).unwrap_or_default(),
        role,
        added_at: r.get(3).unwrap_or_default(),
        revoked_at: r.get(4).unwrap_or_default(),
    }))
}
