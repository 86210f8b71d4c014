//! A journal's identity: the age X25519 key pair it receives bundles with,
//! the Ed25519 key pair it signs them with, and the short fingerprint people
//! read aloud to each other to check a card.
//!
//! Both secret keys are created at `init` and live only inside the encrypted
//! database. This module creates and stores them; exchanging cards and
//! bundles is the sync's business, not this module's.

use age::secrecy::ExposeSecret;
use ed25519_dalek::SigningKey;
use rand::rngs::OsRng;
use rusqlite::{params, Connection, OptionalExtension};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use crate::error::{Error, Result};
use crate::keys::base32;
use crate::model::ids::Fingerprint;

/// The public half of an identity, as it appears on a card.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PublicIdentity {
    /// The age recipient (`age1…`) bundles for this journal are encrypted to.
    pub age_recipient: String,
    /// The Ed25519 verifying key bundles from this journal are signed with.
    pub signing_public: [u8; 32],
    /// The short, read-aloud form, e.g. `7K3M-Q9TX-2B4D-HW8R`.
    pub fingerprint: Fingerprint,
}

/// The fingerprint: the first 80 bits of a SHA-256 over both public keys,
/// in Crockford base32 as four groups of four.
pub fn fingerprint(age_recipient: &str, signing_public: &[u8; 32]) -> Fingerprint {
    let digest = Sha256::new_with_prefix(b"peerjournal card v1\n")
        .chain_update(age_recipient.as_bytes())
        .chain_update(b"\n")
        .chain_update(signing_public)
        .finalize();
    let chars = base32(&digest[..10]);
    Fingerprint::trusted(
        chars.as_bytes().chunks(4).map(|c| String::from_utf8_lossy(c).into_owned()).collect::<Vec<_>>().join("-"),
    )
}

/// Creates this journal's key pairs and stores them. Called once, at `init`.
pub(crate) fn create(conn: &Connection, now: &str) -> Result<PublicIdentity> {
    let age_secret = age::x25519::Identity::generate();
    let age_recipient = age_secret.to_public().to_string();
    let signing = SigningKey::generate(&mut OsRng);
    let signing_public = signing.verifying_key().to_bytes();
    let signing_secret = Zeroizing::new(signing.to_bytes());
    let fingerprint = fingerprint(&age_recipient, &signing_public);
    let age_secret_text = age_secret.to_string();
    conn.execute(
        "INSERT INTO identity (id, age_secret, age_recipient, signing_secret, signing_public, fingerprint, created_at)
         VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            age_secret_text.expose_secret(),
            age_recipient,
            &signing_secret[..],
            &signing_public[..],
            fingerprint,
            now
        ],
    )?;
    Ok(PublicIdentity { age_recipient, signing_public, fingerprint: Fingerprint::trusted(fingerprint) })
}

/// Reads the public half of this journal's identity.
pub(crate) fn public(conn: &Connection) -> Result<PublicIdentity> {
    let row = conn
        .query_row("SELECT age_recipient, signing_public, fingerprint FROM identity WHERE id = 1", [], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, Vec<u8>>(1)?, r.get::<_, String>(2)?))
        })
        .optional()?;
    let (age_recipient, public, fingerprint) =
        row.ok_or_else(|| Error::CheckFailed("this journal has no identity keys".into()))?;
    let signing_public: [u8; 32] =
        public.try_into().map_err(|_| Error::CheckFailed("this journal's signing key is malformed".into()))?;
    Ok(PublicIdentity { age_recipient, signing_public, fingerprint: Fingerprint::trusted(fingerprint) })
}

/// Checks that the stored secret keys match the stored public keys.
pub(crate) fn verify(conn: &Connection) -> Result<Vec<String>> {
    let (age_secret, signing_secret): (Zeroizing<String>, Zeroizing<Vec<u8>>) =
        conn.query_row("SELECT age_secret, signing_secret FROM identity WHERE id = 1", [], |r| {
            Ok((Zeroizing::new(r.get(0)?), Zeroizing::new(r.get(1)?)))
        })?;
    let public = public(conn)?;
    let mut problems = Vec::new();
    match age_secret.parse::<age::x25519::Identity>() {
        Ok(id) if id.to_public().to_string() == public.age_recipient => {}
        _ => problems.push("the journal's receiving key does not match its card".to_string()),
    }
    let secret: Option<Zeroizing<[u8; 32]>> = signing_secret.as_slice().try_into().ok().map(Zeroizing::new);
    match secret {
        Some(s) if SigningKey::from_bytes(&s).verifying_key().to_bytes() == public.signing_public => {}
        _ => problems.push("the journal's signing key does not match its card".to_string()),
    }
    if fingerprint(&public.age_recipient, &public.signing_public) != public.fingerprint {
        problems.push("the journal's fingerprint does not match its keys".to_string());
    }
    Ok(problems)
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::model::ids::{is_fingerprint, normalise_fingerprint};

    #[test]
    fn fingerprint_is_four_groups_of_four_and_depends_on_both_keys() {
        let a = fingerprint("age1example", &[1; 32]);
        assert_eq!(a.as_str().len(), 19);
        assert_eq!(a.as_str().split('-').count(), 4);
        assert!(is_fingerprint(a.as_str()));
        assert_eq!(normalise_fingerprint(&a.as_str().to_lowercase().replace('-', " ")), a);
        for not in ["", "7K3M-Q9TX-2B4D", "7K3M-Q9TX-2B4D-HW8U", "7k3m-q9tx-2b4d-hw8r", "7K3MQ9TX2B4DHW8R"] {
            assert!(!is_fingerprint(not), "{not}");
        }
        assert_ne!(a, fingerprint("age1example", &[2; 32]));
        assert_ne!(a, fingerprint("age1examplf", &[1; 32]));
    }
}
