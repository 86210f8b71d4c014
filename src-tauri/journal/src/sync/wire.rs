//! The bundle file's format, defined once: the header, each event's line,
//! the manifest and its trailer, the receipts. Export writes these types and
//! import reads them, straight to and from the file's bytes.
//!
//! A bundle is one age file, encrypted to each recipient's card and to the
//! sender's own, so the sender can read its exports. Inside, newline-
//! delimited JSON (sign-then-encrypt):
//!
//! 1. a [`Header`] line: format, version, bundle id, the sender's
//!    fingerprint, the device that made it, and the sender's card (which
//!    names the sender journal's devices and is signed by its own key);
//! 2. one [`EventLine`] per event;
//! 3. a [`Trailer`] line: `{"manifest": "<manifest JSON>", "signature": "<base64>"}`.
//!
//! The [`Manifest`] holds the format version, bundle id, sender, the
//! recipients, each device's sequence range, counts, the SHA-256 of the
//! header line and of the event lines, and the [`Receipt`]s. The Ed25519
//! signature covers the manifest's exact bytes, so the header, every event
//! and the recipient list are all bound into what is signed.
//!
//! **Do not modify** any of these types (names, order, meaning of a member)
//! without bumping [`VERSION`]: the bundles under `tests/golden/` were made
//! by this version, and every later one must still read them, or refuse
//! them, exactly as documented there.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::error::{Error, Refusal, Result};
use crate::model::event::Op;
use crate::model::kinds::Kind;

pub(crate) const FORMAT: &str = "peerjournal-bundle";
/// The bundle format version this build writes. Version 3 adds, in the
/// manifest, what a volunteer's device leaves out of every file on purpose
/// and how far it has written, so that a file gone missing shows.
pub const VERSION: u32 = 3;
/// The oldest version read. Version 1, before cards named devices, is
/// refused as too old; version 2 is read as version 3 without those two.
pub const OLDEST_READ: u32 = 2;
/// No line of a bundle is longer than this; a longer one is damage or an attack.
pub(crate) const MAX_LINE: u64 = 4 * 1024 * 1024;

/// A bundle's first line.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct Header {
    pub(crate) format: String,
    pub(crate) version: u32,
    pub(crate) bundle_id: String,
    pub(crate) sender: String,
    /// The device that made the bundle.
    pub(crate) device: String,
    /// The sender's card (see [`crate::sync::cards`]), naming its devices.
    pub(crate) card: Value,
}

/// One receipt: "I hold `device`'s events up to `seq`, received at `at`".
#[derive(Serialize, Deserialize, Clone, Debug)]
#[serde(deny_unknown_fields)]
pub(crate) struct Receipt {
    pub(crate) device: String,
    pub(crate) seq: i64,
    pub(crate) at: String,
}

/// What the sender signs: everything the bundle holds, summed up.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct Manifest {
    pub(crate) format: String,
    pub(crate) version: u32,
    pub(crate) bundle_id: String,
    pub(crate) sender: String,
    pub(crate) sender_name: String,
    pub(crate) recipients: Vec<String>,
    pub(crate) created_at: String,
    /// device → [first seq, last seq] carried.
    pub(crate) ranges: BTreeMap<String, (i64, i64)>,
    pub(crate) events: u64,
    pub(crate) kinds: BTreeMap<String, u64>,
    pub(crate) header_sha256: String,
    pub(crate) payload_sha256: String,
    pub(crate) receipts: Vec<Receipt>,
    /// Per device of the sender's: the numbers it never sends (private
    /// reflections), as [first, last] runs. Version 3, from volunteers.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub(crate) withheld: BTreeMap<String, Vec<(i64, i64)>>,
    /// Per device of the sender's: the highest number it had written when
    /// the file was made. Version 3, from volunteers.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub(crate) written: BTreeMap<String, i64>,
}

/// A bundle's last line: the manifest, as signed, and its signature.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Trailer {
    pub(crate) manifest: String,
    pub(crate) signature: String,
}

/// One event, one line. Export writes it with the fields as the log keeps
/// them (`F` = [`serde_json::value::RawValue`], copied as they are), import
/// reads it with the fields straight into the changes they make (see
/// `incoming`), and the tally reads only its key.
#[derive(Serialize, Deserialize)]
pub(crate) struct EventLine<'a, F> {
    /// The device that made the change.
    #[serde(borrow)]
    pub(crate) device: Cow<'a, str>,
    /// That device's sequence number.
    pub(crate) seq: i64,
    /// Its clock stamp.
    pub(crate) hlc: i64,
    /// The record changed (for an erasure, the person).
    #[serde(borrow)]
    pub(crate) record: Cow<'a, str>,
    /// The record's kind.
    pub(crate) kind: Kind,
    /// What the event does.
    pub(crate) op: Op,
    /// The fields set: each `{"value": …, "base": [hlc, device]}`; for an
    /// erasure, nothing.
    pub(crate) fields: F,
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    data_encoding::HEXLOWER.encode(bytes)
}

/// How many bytes of a file have been read, shared with whoever reports
/// progress while another part of the program reads.
#[derive(Clone, Debug, Default)]
pub(crate) struct BytesRead(Arc<AtomicU64>);

impl BytesRead {
    pub(crate) fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}

/// A reader that counts what it reads into a [`BytesRead`].
struct Counting<R> {
    inner: R,
    read: BytesRead,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read.0.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// Opens the age layer. Every failure is one of the plain refusals.
#[cfg(test)]
pub(crate) fn open_stream(path: &Path, identity: &age::x25519::Identity) -> Result<impl BufRead + Send> {
    Ok(open_counted(path, identity, &BytesRead::default())?.0)
}

/// [`open_stream`], counting the file's bytes read into `read`; also
/// returns the file's size.
pub(crate) fn open_counted(
    path: &Path,
    identity: &age::x25519::Identity,
    read: &BytesRead,
) -> Result<(impl BufRead + Send, u64)> {
    let file = File::open(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => Error::invalid(format!("no file at {}", path.display())),
        _ => Error::io("read", path, e),
    })?;
    let size = file.metadata().map_err(|e| Error::io("read", path, e))?.len();
    let mut input = BufReader::with_capacity(256 * 1024, Counting { inner: file, read: read.clone() });
    // An age file that fails to parse was cut or changed; anything else is
    // simply not a bundle.
    let is_age = input.fill_buf().map(|b| b.starts_with(b"age-encryption.org/")).unwrap_or(false);
    let decryptor = match age::Decryptor::new_buffered(input) {
        Ok(d) => d,
        Err(_) if !is_age => return Err(Refusal::NotABundle.into()),
        Err(_) => return Err(Refusal::Damaged.into()),
    };
    if decryptor.is_scrypt() {
        return Err(Refusal::NotABundle.into());
    }
    let reader = decryptor.decrypt(std::iter::once(identity as &dyn age::Identity)).map_err(|e| match e {
        age::DecryptError::NoMatchingKeys => Error::from(Refusal::NotForUs),
        _ => Error::from(Refusal::Damaged),
    })?;
    Ok((BufReader::with_capacity(256 * 1024, reader), size))
}

/// Reads one line, at most [`MAX_LINE`] bytes. `Ok(None)` at the clean end.
pub(crate) fn next_line(reader: &mut impl BufRead, buf: &mut Vec<u8>) -> Result<Option<()>> {
    buf.clear();
    let n = reader.by_ref().take(MAX_LINE + 1).read_until(b'\n', buf).map_err(|_| Error::from(Refusal::Damaged))?;
    if n == 0 {
        return Ok(None);
    }
    if buf.last() != Some(&b'\n') {
        return Err(Refusal::Damaged.into());
    }
    Ok(Some(()))
}

/// What the event lines of a bundle add up to, to be checked against its
/// signed manifest.
#[derive(Default)]
pub(crate) struct Tally {
    pub(crate) payload: Sha256,
    pub(crate) ranges: BTreeMap<String, (i64, i64)>,
    pub(crate) count: u64,
}

impl Tally {
    pub(crate) fn add(&mut self, line: &[u8], device: &str, seq: i64) {
        self.payload.update(line);
        match self.ranges.get_mut(device) {
            Some(r) => *r = (r.0.min(seq), r.1.max(seq)),
            None => {
                self.ranges.insert(device.to_string(), (seq, seq));
            }
        }
        self.count += 1;
    }

    /// Adds a line the caller did not parse further.
    pub(crate) fn add_line(&mut self, line: &[u8]) -> Result<()> {
        let key: EventLine<'_, serde::de::IgnoredAny> =
            serde_json::from_slice(line).map_err(|_| Error::from(Refusal::Damaged))?;
        self.add(line, &key.device, key.seq);
        Ok(())
    }
}
