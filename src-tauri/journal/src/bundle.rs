//! Bundles: the signed, encrypted files journals exchange.
//!
//! A bundle is one age file, encrypted to each recipient's card and to the
//! sender's own, so the sender can read its exports. Inside, newline-
//! delimited JSON (sign-then-encrypt):
//!
//! 1. a header line: format, version, bundle id, the sender's fingerprint,
//!    the device that made it, and the sender's card (which names the
//!    sender journal's devices and is signed by its own key);
//! 2. one line per event;
//! 3. a trailer line: `{"manifest": "<manifest JSON>", "signature": "<base64>"}`.
//!
//! The manifest holds the format version, bundle id, sender, the recipients,
//! each device's sequence range, counts, the SHA-256 of the header line and
//! of the event lines, and the receipts. The Ed25519 signature covers the
//! manifest's exact bytes, so the header, every event and the recipient list
//! are all bound into what is signed: a recipient cannot re-encrypt a bundle
//! to a third party without the third party noticing it was not named.
//!
//! Writing is streamed: events go from the database through the encryptor
//! to a temporary file renamed into place at the end. Reading is one
//! streamed pass on two threads. The header is checked first (our format,
//! not newer, not this journal's own, signed by a trusted card) before
//! anything is written. Then one thread decrypts each event line, adds it
//! to the tally the manifest is checked against, and validates it as
//! strictly as a local write, while the other applies it in a transaction.
//! The transaction commits only when the trailer checks out: signature,
//! hashes, counts, ranges and recipients. A bundle that fails any check
//! leaves the journal exactly as it was, and a bundle that does not check
//! out is refused as such even when an event inside it is invalid too.
//!
//! Who may send what. A signature proves who sent a file, not that they may
//! change what is in it. A bundle carries only events made on its sender's
//! own devices (those its card names), of the kinds its sender's role
//! writes, changing or erasing only records its sender's journal owns; an
//! event that breaks any of these makes the whole bundle refused, naming
//! the sender and what it tried. A journal exports only what its own
//! devices wrote, and a supervisor only what belongs to the volunteer it
//! is for. A bundle from another device of this same journal (a copy given
//! a device of its own) is imported like anyone else's.
//!
//! Clocks. A clock outside the dates that can be written is refused as an
//! invalid record. One far ahead is accepted (an urgent concern must never
//! wait behind a wrong clock), but moves this journal's clock at most a
//! day past this computer's, and the import says whose clock seems off.

use std::collections::BTreeMap;
use std::fs::{self, File};
use std::io::{BufRead, BufReader, BufWriter, Read, Write};
use std::path::Path;

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use rusqlite::{params, OptionalExtension, TransactionBehavior};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};
use ts_rs::TS;
use uuid::Uuid;
use zeroize::Zeroizing;

use crate::cards::normalise_fingerprint;
use crate::error::{Error, Result};
use crate::events::{self, Applied, Event, FieldChange};
use crate::hlc::{self, Hlc};
use crate::identity;
use crate::incoming::Incoming;
use crate::journal::{now, Journal, Role};
use crate::kinds::Kind;
use crate::search::SearchTx;

const FORMAT: &str = "peerjournal-bundle";
/// The bundle format version this build writes and reads. Version 1,
/// before cards named devices, is refused as too old.
pub const VERSION: u32 = 2;
/// No line of a bundle is longer than this; a longer one is damage or an attack.
const MAX_LINE: u64 = 4 * 1024 * 1024;

/// Why a bundle was refused. Every message is plain, and the journal is
/// unchanged whenever one is returned.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum Refusal {
    /// Not an age file, or not one of ours inside.
    #[error("this is not a Peer Journal bundle")]
    NotABundle,
    /// Encrypted, but not to this journal.
    #[error("this file was not made for this journal")]
    NotForUs,
    /// Cut short or changed on the way.
    #[error("this bundle is damaged or incomplete (it may have been cut short or changed on the way); ask for it to be exported again")]
    Damaged,
    /// Made by a newer Peer Journal.
    #[error("this bundle was made by a newer version of Peer Journal (bundle version {0}); update Peer Journal to import it")]
    TooNew(u32),
    /// Signed by a card not in the roster.
    #[error("this bundle is signed by someone whose card is not in this journal; import their card first and check its fingerprint with them")]
    UnknownSigner,
    /// Signed by a revoked card.
    #[error("this bundle is signed by a card that was revoked in this journal; it has not been imported")]
    RevokedSigner,
    /// The signed recipient list does not name this journal.
    #[error("this bundle was not addressed to this journal (it may have been passed on by someone it was sent to); ask the sender to export it to you")]
    NotAddressedToUs,
    /// This journal made it.
    #[error("this bundle was made by this journal; import it in the journal it was sent to")]
    OwnBundle,
    /// A record inside does not pass validation.
    #[error("this bundle contains a record that is not valid ({0}); nothing was imported")]
    InvalidRecord(String),
    /// Made by an older Peer Journal, from before cards named devices.
    #[error("this bundle was made by an older version of Peer Journal (bundle version {0}); ask the sender to update Peer Journal and export it again")]
    TooOld(u32),
    /// The card inside does not check out, or is not its signer's.
    #[error("the card inside this bundle is damaged or is not its sender's; ask for it to be exported again")]
    BadCard,
    /// The sender's card names a device of another journal's.
    #[error("{sender}'s card names a device that belongs to {owner}; nothing was imported (two journals cannot share a device)")]
    DeviceClaimed {
        /// The sender's name.
        sender: String,
        /// Whose the device is, in words ("Kim's journal").
        owner: String,
    },
    /// An event made on a device that is not the sender's.
    #[error("{sender}'s file carries changes made on a device that is not theirs; nothing was imported")]
    ForeignDevice {
        /// The sender's name.
        sender: String,
    },
    /// A change to, or an erasure of, a record its sender does not own.
    #[error("{sender}'s file tries to {action} {what}; nothing was imported")]
    NotTheirs {
        /// The sender's name.
        sender: String,
        /// "change" or "erase".
        action: &'static str,
        /// The record, in words ("a supervision note you wrote").
        what: String,
    },
    /// A kind of record its sender's role does not write.
    #[error("{sender}'s file carries {what}, which only {writers} write; nothing was imported")]
    NotTheirRole {
        /// The sender's name.
        sender: String,
        /// The kind, in words ("a supervision note").
        what: String,
        /// Who writes it ("supervisors").
        writers: &'static str,
    },
    /// A change to a record this journal does not hold, and the bundle does
    /// not create: someone else's record, or one this journal has lost.
    #[error("{sender}'s file changes {what} this journal does not have; nothing was imported. If this journal was restored from a backup, ask {sender} to send everything again (a full export)")]
    Unheld {
        /// The sender's name.
        sender: String,
        /// The kind of record, in words ("a contact").
        what: String,
    },
    /// A supervision note for another volunteer.
    #[error("{sender}'s file carries a supervision note for another volunteer; nothing was imported")]
    NotForThisVolunteer {
        /// The sender's name.
        sender: String,
    },
}

impl From<Refusal> for Error {
    fn from(r: Refusal) -> Self {
        Error::Refused(r)
    }
}

/// What to export.
#[derive(Debug, Clone)]
pub struct ExportOptions {
    /// The recipients' fingerprints.
    pub to: Vec<String>,
    /// Send everything, not only what the recipients have not acknowledged.
    pub full: bool,
}

/// What an export wrote.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ExportSummary {
    /// The bundle's id.
    pub bundle_id: String,
    /// Where it was written.
    pub path: String,
    /// The recipients' fingerprints.
    pub recipients: Vec<String>,
    /// How many events it carries.
    #[ts(type = "number")]
    pub events: u64,
    /// How many events of each kind.
    #[ts(type = "{ [kind in string]?: number }")]
    pub kinds: BTreeMap<String, u64>,
}

/// Per-kind counts of what an import did.
#[derive(Debug, Clone, Default, Serialize, TS, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct KindCounts {
    /// Records new to this journal.
    #[ts(type = "number")]
    pub new: u64,
    /// Records that changed.
    #[ts(type = "number")]
    pub updated: u64,
    /// Records now marked as a conflict to review.
    #[ts(type = "number")]
    pub conflicts: u64,
}

/// What an import did.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ImportSummary {
    /// The bundle's id.
    pub bundle_id: String,
    /// Who sent it.
    pub sender: String,
    /// Their fingerprint.
    pub sender_fingerprint: String,
    /// True when this bundle had been imported before (nothing changed).
    pub already_imported: bool,
    /// Events in the bundle.
    #[ts(type = "number")]
    pub events: u64,
    /// Events this journal already had.
    #[ts(type = "number")]
    pub duplicates: u64,
    /// People erased at the sender's request ("forget this person").
    #[ts(type = "number")]
    pub erased: u64,
    /// New, updated and conflicting records by kind.
    pub kinds: BTreeMap<String, KindCounts>,
    /// Things the person should know (the import itself went in).
    pub notices: Vec<ImportNotice>,
}

/// Something an import noticed that the person should know; the import
/// went in all the same. Shown with its plain words ([`ImportNotice::words`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase", tag = "kind")]
#[ts(export)]
pub enum ImportNotice {
    /// Changes in the bundle are stamped more than a day ahead of this
    /// computer's clock: the sender's clock seems to be off. They were
    /// imported; this journal's clock was not moved with them.
    #[serde(rename_all = "camelCase")]
    ClockAhead {
        /// The sender's name.
        sender: String,
        /// How far ahead, in minutes.
        #[ts(type = "number")]
        minutes: i64,
    },
    /// The sender holds changes numbered as this device's own that this
    /// journal did not make here: its folder has been copied (or restored
    /// from a backup) and used on two computers without a new device.
    #[serde(rename_all = "camelCase")]
    DeviceShared {
        /// The sender's name.
        sender: String,
    },
}

impl ImportNotice {
    /// The notice in plain words.
    pub fn words(&self) -> String {
        match self {
            ImportNotice::ClockAhead { sender, minutes } => format!(
                "{sender}'s computer clock seems to be {} ahead of this one: what they write is dated in the future. \
                 Their changes were imported; ask them to check the date and time on their computer.",
                duration_words(*minutes)
            ),
            ImportNotice::DeviceShared { sender } => format!(
                "{sender} holds changes numbered as this computer's own that this journal does not have: this \
                 journal's folder seems to have been copied, or restored from a backup, and used on two computers. \
                 Give this copy a device of its own (`peerjournal device new`) so that what you write from now on \
                 reaches {sender}."
            ),
        }
    }
}

/// "3 days", "5 hours", "40 minutes".
pub fn duration_words(minutes: i64) -> String {
    let plural = |n: i64, unit: &str| if n == 1 { format!("1 {unit}") } else { format!("{n} {unit}s") };
    match minutes {
        m if m >= 2 * 24 * 60 => plural(m / (24 * 60), "day"),
        m if m >= 2 * 60 => plural(m / 60, "hour"),
        m => plural(m, "minute"),
    }
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Header {
    format: String,
    version: u32,
    bundle_id: String,
    sender: String,
    /// The device that made the bundle.
    device: String,
    /// The sender's card (see [`crate::cards`]), naming its devices.
    card: Value,
}

/// One receipt: "I hold `device`'s events up to `seq`, received at `at`".
#[derive(Serialize, Deserialize, Clone, Debug)]
#[serde(deny_unknown_fields)]
struct Receipt {
    device: String,
    seq: i64,
    at: String,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Manifest {
    format: String,
    version: u32,
    bundle_id: String,
    sender: String,
    sender_name: String,
    recipients: Vec<String>,
    created_at: String,
    /// device → [first seq, last seq] carried.
    ranges: BTreeMap<String, (i64, i64)>,
    events: u64,
    kinds: BTreeMap<String, u64>,
    header_sha256: String,
    payload_sha256: String,
    receipts: Vec<Receipt>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Trailer {
    manifest: String,
    signature: String,
}

/// The journal's setting that names the partial file of an export under way.
const PARTIAL_EXPORT: &str = "export_partial";

/// Progress of a long export or import: (done, total).
pub type Progress<'a> = &'a mut dyn FnMut(u64, u64);

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

impl Journal {
    /// Writes a bundle for `options.to` to `out`.
    pub fn export_bundle(
        &mut self,
        options: &ExportOptions,
        out: &Path,
        progress: Progress<'_>,
    ) -> Result<ExportSummary> {
        if options.to.is_empty() {
            return Err(Error::invalid("say who the bundle is for: --to FINGERPRINT (see `card list`)"));
        }
        let own = self.own_fingerprint()?;
        let mut recipients = Vec::new();
        let mut age_recipients = Vec::new();
        for fp in &options.to {
            let fp = normalise_fingerprint(fp);
            if fp == own {
                return Err(Error::invalid(
                    "a bundle is for someone else; your own card is added to every bundle anyway",
                ));
            }
            match self.trusted_keys(&fp)? {
                None => {
                    return Err(Error::invalid(format!(
                        "no card with fingerprint {fp} in this journal; import their card first"
                    )))
                }
                Some((_, _, true)) => {
                    return Err(Error::invalid(format!("the card {fp} was revoked; nothing is exported to it")))
                }
                Some((age, _, false)) => {
                    age_recipients.push(
                        age.parse::<age::x25519::Recipient>()
                            .map_err(|_| Error::CheckFailed("a roster card's receiving key is invalid".into()))?,
                    );
                    if !recipients.contains(&fp) {
                        recipients.push(fp);
                    }
                }
            }
        }
        let own_public = identity::public(&self.conn)?;
        age_recipients.push(
            own_public
                .age_recipient
                .parse()
                .map_err(|_| Error::CheckFailed("this journal's receiving key is invalid".into()))?,
        );
        let role = self.role()?;
        let selection = Selection::new(self, &recipients, role, options.full)?;
        let total = selection.count(&self.conn)?;
        let receipts = self.receipts_for(&recipients)?;
        let signing = self.signing_key()?;
        let bundle_id = Uuid::now_v7().to_string();
        let sender_name = self.status()?.name;
        let card = serde_json::to_value(self.card()?).map_err(|e| Error::invalid(e.to_string()))?;
        let device = self.device_id()?;

        // The file is written under a name of its own, and renamed into
        // place once whole. Where it is is noted in the journal first, so
        // that a partial file left by an export that was stopped (killed,
        // or the computer switched off) is removed by the next export or
        // unlock, whatever its folder.
        self.remove_partial_export();
        let tmp =
            out.with_file_name(format!(".{}.partial", out.file_name().and_then(|n| n.to_str()).unwrap_or("bundle")));
        self.set_meta(PARTIAL_EXPORT, &tmp.to_string_lossy())?;
        let result = (|| -> Result<ExportSummary> {
            // Errors name the file asked for: the partial one is ours.
            let io = |e: std::io::Error| Error::io("write", out, e);
            let file = File::create(&tmp).map_err(io)?;
            let encryptor = age::Encryptor::with_recipients(age_recipients.iter().map(|r| r as &dyn age::Recipient))
                .map_err(|_| Error::CheckFailed("could not set up encryption for those cards".into()))?;
            let mut writer = encryptor.wrap_output(BufWriter::with_capacity(256 * 1024, file)).map_err(io)?;

            let header = serde_json::to_string(&Header {
                format: FORMAT.into(),
                version: VERSION,
                bundle_id: bundle_id.clone(),
                sender: own.clone(),
                device: device.clone(),
                card: card.clone(),
            })
            .map_err(|e| Error::invalid(e.to_string()))?;
            writer.write_all(header.as_bytes()).map_err(io)?;
            writer.write_all(b"\n").map_err(io)?;

            let mut payload = Sha256::new();
            let mut ranges: BTreeMap<String, (i64, i64)> = BTreeMap::new();
            let mut kinds: BTreeMap<String, u64> = BTreeMap::new();
            let mut count = 0u64;
            let mut line = String::with_capacity(1024);
            selection.for_each(&self.conn, |event| {
                let LogLine { device, seq, hlc, record, kind, op, fields } = event;
                let (seq, hlc) = (*seq, *hlc);
                line.clear();
                line.push_str("{\"device\":");
                line.push_str(&Value::String(device.to_string()).to_string());
                line.push_str(&format!(",\"seq\":{seq},\"hlc\":{hlc},\"record\":"));
                line.push_str(&Value::String(record.to_string()).to_string());
                line.push_str(",\"kind\":");
                line.push_str(&Value::String(kind.to_string()).to_string());
                line.push_str(",\"op\":");
                line.push_str(&Value::String(op.to_string()).to_string());
                line.push_str(",\"fields\":");
                line.push_str(fields);
                line.push_str("}\n");
                payload.update(line.as_bytes());
                writer.write_all(line.as_bytes()).map_err(io)?;
                let range = ranges.entry(device.to_string()).or_insert((seq, seq));
                range.0 = range.0.min(seq);
                range.1 = range.1.max(seq);
                *kinds.entry(kind.to_string()).or_default() += 1;
                count += 1;
                if count % 1000 == 0 {
                    progress(count, total);
                }
                Ok(())
            })?;
            progress(count, total);

            let manifest = Manifest {
                format: FORMAT.into(),
                version: VERSION,
                bundle_id: bundle_id.clone(),
                sender: own.clone(),
                sender_name,
                recipients: recipients.clone(),
                created_at: now(),
                ranges,
                events: count,
                kinds: kinds.clone(),
                header_sha256: hex(&Sha256::digest(format!("{header}\n").as_bytes())),
                payload_sha256: hex(&payload.finalize()),
                receipts,
            };
            let manifest = serde_json::to_string(&manifest).map_err(|e| Error::invalid(e.to_string()))?;
            let signature = signing.sign(manifest.as_bytes());
            let trailer = serde_json::to_string(&Trailer { manifest, signature: B64.encode(signature.to_bytes()) })
                .map_err(|e| Error::invalid(e.to_string()))?;
            writer.write_all(trailer.as_bytes()).map_err(io)?;
            writer.write_all(b"\n").map_err(io)?;
            let mut inner = writer.finish().map_err(io)?;
            inner.flush().map_err(io)?;
            inner.into_inner().map_err(|e| io(e.into_error()))?.sync_all().map_err(io)?;
            fs::rename(&tmp, out).map_err(|e| Error::io("write", out, e))?;
            Ok(ExportSummary {
                bundle_id: bundle_id.clone(),
                path: out.display().to_string(),
                recipients: recipients.clone(),
                events: count,
                kinds,
            })
        })();
        if result.is_err() {
            let _ = fs::remove_file(&tmp);
        }
        let _ = self.conn.execute("DELETE FROM meta WHERE key = ?1", [PARTIAL_EXPORT]);
        let summary = result?;
        self.conn.execute(
            "INSERT INTO bundles (id, direction, peer, at, events) VALUES (?1, 'out', ?2, ?3, ?4)",
            params![summary.bundle_id, summary.recipients.join(","), now(), summary.events as i64],
        )?;
        Ok(summary)
    }

    /// Removes the partial file of an export that was stopped before it
    /// finished, if one was noted (see `export_bundle`). Called by the next
    /// export and at unlock. Only tidying: a failure is not reported.
    pub(crate) fn remove_partial_export(&self) {
        if let Ok(Some(path)) = self.meta(PARTIAL_EXPORT) {
            let path = std::path::PathBuf::from(path);
            let ours = path.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.ends_with(".partial"));
            if ours {
                let _ = fs::remove_file(&path);
            }
            let _ = self.conn.execute("DELETE FROM meta WHERE key = ?1", [PARTIAL_EXPORT]);
        }
    }

    pub(crate) fn signing_key(&self) -> Result<SigningKey> {
        let secret: Zeroizing<Vec<u8>> =
            Zeroizing::new(self.conn.query_row("SELECT signing_secret FROM identity WHERE id = 1", [], |r| r.get(0))?);
        let bytes: Zeroizing<[u8; 32]> = Zeroizing::new(
            secret
                .as_slice()
                .try_into()
                .map_err(|_| Error::CheckFailed("this journal's signing key is malformed".into()))?,
        );
        Ok(SigningKey::from_bytes(&bytes))
    }

    fn age_identity(&self) -> Result<age::x25519::Identity> {
        let text: Zeroizing<String> =
            Zeroizing::new(self.conn.query_row("SELECT age_secret FROM identity WHERE id = 1", [], |r| r.get(0))?);
        text.parse().map_err(|_| Error::CheckFailed("this journal's receiving key is malformed".into()))
    }

    fn receipts_for(&self, peers: &[String]) -> Result<Vec<Receipt>> {
        let mut out = Vec::new();
        let mut stmt =
            self.conn.prepare_cached("SELECT device, seq, at FROM received WHERE peer = ?1 ORDER BY device")?;
        for peer in peers {
            for r in stmt.query_map([peer], |r| Ok(Receipt { device: r.get(0)?, seq: r.get(1)?, at: r.get(2)? }))? {
                out.push(r?);
            }
        }
        Ok(out)
    }

    /// Imports a bundle in one transaction, committed only once all of it
    /// has been verified. Importing the same bundle again changes nothing;
    /// a second import of a bundle already being imported (another window,
    /// another command) waits for the first, then says it was already
    /// imported.
    pub fn import_bundle(&mut self, path: &Path, progress: Progress<'_>) -> Result<ImportSummary> {
        let identity = self.age_identity()?;
        let own = self.own_fingerprint()?;
        let own_device = self.device_id()?;
        let opened = open_bundle(self, path, &identity, &own, &own_device)?;
        if bundle_imported(&self.conn, &opened.header.bundle_id)? {
            return already_imported(opened, &own);
        }
        let sender = opened.sender.clone();
        let owners = events::Owners {
            sender: sender.fingerprint.clone(),
            sender_name: sender.name.clone(),
            own: own.clone(),
            names: self.roster()?.into_iter().map(|c| (c.fingerprint, c.name)).collect(),
        };
        let receiver = Receiver { fingerprint: own.clone(), role: self.role()? };
        // Applied as it is read, in a transaction committed only once the
        // whole bundle has checked out. The records' words go to the search
        // index on a thread of its own while the records go in; its
        // transaction is committed after the journal's (see `search`).
        let _bulk_load = crate::store::BulkLoad::new(&self.conn)?;
        let tx = begin_import(&self.conn)?;
        if bundle_imported(&tx, &opened.header.bundle_id)? {
            // The same bundle went in from elsewhere while this one waited.
            drop(tx);
            return already_imported(opened, &own);
        }
        if let Some(other) = crate::cards::claim_devices(&tx, &sender.fingerprint, &sender.devices)? {
            let owner = self.journal_name(&other)?;
            return Err(Refusal::DeviceClaimed { sender: sender.name.clone(), owner }.into());
        }
        let stored_seq = crate::journal::meta_i64(&tx, "device_seq")?;
        let search = &mut self.search;
        let mut max_hlc = 0i64;
        let mut own_device_seq = 0i64;
        let mut done = 0u64;
        let (mut duplicates, mut erased) = (0u64, 0u64);
        let mut kinds: BTreeMap<String, KindCounts> = BTreeMap::new();
        let (to_index, indexing) = std::sync::mpsc::sync_channel(INDEXING_DEPTH);
        let written = std::thread::scope(|scope| {
            let indexer = scope.spawn(move || search.apply_all(indexing));
            let mut batch = events::Batch::with_indexer(&tx, to_index);
            batch.only_from(owners);
            let applied = apply_checked(opened, &receiver, |ready| {
                let event = ready.event();
                max_hlc = max_hlc.max(event.hlc);
                if event.device == own_device {
                    own_device_seq = own_device_seq.max(event.seq);
                }
                let counts = kinds.entry(event.kind.as_str().to_string()).or_default();
                match batch.apply_ready(ready, Some(&sender.fingerprint))? {
                    Applied::Duplicate | Applied::Dropped => duplicates += 1,
                    Applied::Created => counts.new += 1,
                    Applied::Updated => counts.updated += 1,
                    Applied::Erased => erased += 1,
                }
                done += 1;
                if done % 1000 == 0 {
                    progress(done, 0);
                }
                Ok(())
            })
            .and_then(|manifest| {
                if let Some(kind) = batch.unfinished()? {
                    let what = crate::kinds::a(kind.spec().label);
                    return Err(Refusal::Unheld { sender: sender.name.clone(), what }.into());
                }
                let conflicts: Vec<Kind> = batch.new_conflicts().map(|(_, kind)| kind).collect();
                // Hands the index its last words and hangs up: the indexer
                // ends once it has written them.
                batch.finish()?;
                Ok((manifest, conflicts))
            });
            // What is left of the journal's writing is done while the
            // indexer finishes (at the end of a bulk load it merges the new
            // words, some 0.1 s for 100,000 records): the bookkeeping, and
            // the transaction's pages written to the log and made durable,
            // so that its commit, once the index has its words, is short.
            let written = applied.and_then(|(manifest, conflicts)| {
                progress(done, manifest.events);
                let own_device_seq = own_device_seq.max(receipt_for(&manifest, &own_device));
                let notices = record_import(&tx, &sender, &manifest, max_hlc, (stored_seq, own_device_seq))?;
                tx.cache_flush()?;
                crate::store::sync_log(&tx)?;
                Ok((manifest, conflicts, notices))
            });
            // The batch is gone by now, finished or dropped on a failure, and
            // with it the indexer's channel: the indexer ends.
            let indexed = indexer.join().unwrap_or_else(|_| Err(Error::CheckFailed("the search index failed".into())));
            // A failure of the index's own (a full disk, say) is the one to
            // report: it is why the journal's side stopped, if it did.
            indexed.and(written)
        });
        // The index's transaction, left open by the indexer: committed after
        // the journal's, rolled back if anything fails before.
        let search_tx = SearchTx::new(&self.search);
        let (manifest, conflicts, notices) = written?;
        tx.commit()?;
        search_tx.commit_after_journal();
        let mut summary = ImportSummary {
            bundle_id: manifest.bundle_id,
            sender: manifest.sender_name,
            sender_fingerprint: sender.fingerprint,
            already_imported: false,
            events: manifest.events,
            duplicates,
            erased,
            kinds,
            notices,
        };
        for kind in conflicts {
            summary.kinds.entry(kind.as_str().to_string()).or_default().conflicts += 1;
        }
        summary.kinds.retain(|_, c| *c != KindCounts::default());
        if erased > 0 {
            // As after forgetting someone here: no page of either file keeps
            // the erased words. The import itself has been committed, so a
            // failure here is not reported as its own; the next erasure or
            // merge of the index takes the words out.
            let _ = self.scrub();
        }
        Ok(summary)
    }
}

/// How long an import waits for another write to the journal to finish
/// (another import of a large bundle, say) before saying it is busy.
const IMPORT_WAIT: std::time::Duration = std::time::Duration::from_secs(120);

/// Begins an import's write transaction, waiting up to [`IMPORT_WAIT`] for
/// another writer rather than the few seconds a save waits.
fn begin_import(conn: &rusqlite::Connection) -> Result<rusqlite::Transaction<'_>> {
    conn.busy_timeout(IMPORT_WAIT)?;
    let tx = rusqlite::Transaction::new_unchecked(conn, TransactionBehavior::Immediate);
    conn.busy_timeout(std::time::Duration::from_millis(crate::store::BUSY_TIMEOUT_MS.into()))?;
    Ok(tx?)
}

/// Whether this journal has imported the bundle `id`.
fn bundle_imported(conn: &rusqlite::Connection, id: &str) -> Result<bool> {
    Ok(conn
        .prepare_cached("SELECT 1 FROM bundles WHERE id = ?1 AND direction = 'in'")?
        .query_row([id], |_| Ok(()))
        .optional()?
        .is_some())
}

/// The summary of a bundle imported before, once the whole of it has been
/// checked all the same: a damaged or passed-on copy of a bundle imported
/// before is refused as such.
fn already_imported<R: BufRead>(opened: Opened<R>, own: &str) -> Result<ImportSummary> {
    let sender = opened.sender.fingerprint.clone();
    let manifest = opened.verify(own)?;
    Ok(ImportSummary {
        bundle_id: manifest.bundle_id,
        sender: manifest.sender_name,
        sender_fingerprint: sender,
        already_imported: true,
        events: manifest.events,
        duplicates: manifest.events,
        erased: 0,
        kinds: BTreeMap::new(),
        notices: Vec::new(),
    })
}

/// The highest sequence number of `device` that the manifest's receipts
/// say its sender holds (0: none).
fn receipt_for(manifest: &Manifest, device: &str) -> i64 {
    manifest.receipts.iter().filter(|r| r.device == device).map(|r| r.seq).max().unwrap_or(0)
}

/// Notes, in the import's transaction, what an import of `manifest` from
/// `sender` brought: the sequence numbers now received from each device
/// (acknowledged in the next bundle back), the sender's receipts for what we
/// sent, our clock moved past every event seen (but never more than a day
/// past this computer's), and the bundle itself. `own_seq`: this device's
/// own sequence number, and the highest the sender holds of it (in events
/// or by receipt); should the sender hold more than this journal made, the
/// number moves past it, so nothing written here from now on reuses one.
/// Returns what the person should be told.
fn record_import(
    tx: &rusqlite::Transaction<'_>,
    sender: &Sender,
    manifest: &Manifest,
    max_hlc: i64,
    own_seq: (i64, i64),
) -> Result<Vec<ImportNotice>> {
    let at = now();
    for (device, (_, last)) in &manifest.ranges {
        tx.execute(
            "INSERT INTO received (peer, device, seq, at) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT(peer, device) DO UPDATE SET seq = max(seq, excluded.seq), at = excluded.at",
            params![sender.fingerprint, device, last, at],
        )?;
    }
    for receipt in &manifest.receipts {
        tx.execute(
            "INSERT INTO acked (peer, device, seq, at) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT(peer, device) DO UPDATE SET seq = max(seq, excluded.seq), at = excluded.at",
            params![sender.fingerprint, receipt.device, receipt.seq, receipt.at],
        )?;
    }
    let mut notices = Vec::new();
    let wall = hlc::wall_ms();
    let ahead = Hlc(max_hlc).millis() - wall;
    if ahead > hlc::MAX_AHEAD_MS {
        notices.push(ImportNotice::ClockAhead { sender: sender.name.clone(), minutes: ahead / 60_000 });
    }
    let stored = Hlc(crate::journal::meta_i64(tx, "hlc")?);
    crate::journal::set_meta(tx, "hlc", &stored.observe_bounded(Hlc(max_hlc), wall).0.to_string())?;
    let (seq, held) = own_seq;
    if held > seq {
        crate::journal::set_meta(tx, "device_seq", &held.to_string())?;
        notices.push(ImportNotice::DeviceShared { sender: sender.name.clone() });
    }
    tx.execute(
        "INSERT INTO bundles (id, direction, peer, at, events) VALUES (?1, 'in', ?2, ?3, ?4)",
        params![manifest.bundle_id, sender.fingerprint, at, manifest.events as i64],
    )?;
    Ok(notices)
}

/// Which events go to which recipients: only what this journal's own
/// devices wrote (never what it holds of anyone else's), never a private
/// reflection, and from a supervisor only what belongs to the volunteer the
/// bundle is for.
struct Selection {
    /// Per device of this journal's, send events after this sequence number.
    after: BTreeMap<String, i64>,
    recipients: Vec<String>,
    role: Role,
}

impl Selection {
    fn new(journal: &Journal, recipients: &[String], role: Role, full: bool) -> Result<Self> {
        let mut after = BTreeMap::new();
        let mut stmt = journal.conn.prepare_cached("SELECT seq FROM acked WHERE peer = ?1 AND device = ?2")?;
        for device in journal.own_devices()? {
            // A device not acknowledged by every recipient is sent from the
            // start for all of them: one bundle serves everyone named.
            let mut least = i64::MAX;
            for r in recipients {
                let seq: i64 = stmt.query_row(params![r, device], |row| row.get(0)).optional()?.unwrap_or(0);
                least = least.min(seq);
            }
            after.insert(device, if full || least == i64::MAX { 0 } else { least });
        }
        Ok(Selection { after, recipients: recipients.to_vec(), role })
    }

    /// The events to send from one part of the log, in (device, seq) order.
    fn sql(&self, part: LogPart) -> String {
        // The two parts of the log as one shape, `e`. (The `event_log` view
        // unites them, but SQLite would sort the union as a whole rather
        // than walk each part's own (device, seq) index.) Records hold
        // their device's number: the held part walks `devices` in id order
        // and each device's events in `records_lazy_event`; `CROSS JOIN`
        // keeps `devices` the outer loop, which the planner, left to
        // itself, did not, and sorted every event instead. `temp_after`
        // holds this journal's own devices alone: nothing else is sent.
        let from = match part {
            LogPart::Events => "events e",
            LogPart::HeldByRecords => {
                "(SELECT d.id AS device, r.lazy_seq AS seq, r.created_hlc AS hlc, r.id AS record, r.kind,
                         'put' AS op, creation_fields(r.data) AS fields
                  FROM devices d CROSS JOIN records r ON r.created_device = d.n AND r.lazy_seq IS NOT NULL
                  WHERE d.id IN (SELECT device FROM temp_after)) e"
            }
        };
        let quoted: Vec<String> = self.recipients.iter().map(|r| format!("'{}'", r.replace('\'', "''"))).collect();
        let mut sql = format!(
            "SELECT e.device, e.seq, e.hlc, e.record, e.kind, e.op, e.fields FROM {from}
             WHERE e.device IN (SELECT device FROM temp_after)
               AND e.seq > (SELECT value FROM temp_after WHERE device = e.device)
               AND NOT (e.kind = 'reflection' AND NOT EXISTS (
                     SELECT 1 FROM records r WHERE r.id = e.record AND json_extract(r.data, '$.shared') = 1))"
        );
        if self.role == Role::Supervisor {
            // The directory goes to everyone. A note goes only in a bundle
            // for the one volunteer it is for; an acknowledgement only in a
            // bundle for the one volunteer whose concern it acknowledges.
            let (notes, acks) = match quoted.as_slice() {
                [one] => (
                    format!(
                        "(e.kind = 'supervision-note' AND EXISTS (SELECT 1 FROM records n WHERE n.id = e.record
                           AND json_extract(n.data, '$.volunteer') = {one}))"
                    ),
                    format!(
                        "(e.kind = 'acknowledgement' AND EXISTS (
                           SELECT 1 FROM records a JOIN records c ON c.id = a.about
                                                   JOIN devices o ON o.n = c.created_device
                           WHERE a.id = e.record AND o.journal = {one}))"
                    ),
                ),
                _ => ("0".to_string(), "0".to_string()),
            };
            sql.push_str(&format!(" AND e.op = 'put' AND (e.kind = 'service' OR {notes} OR {acks})"));
        }
        sql.push_str(" ORDER BY e.device, e.seq");
        sql
    }

    fn prepare_after(&self, conn: &rusqlite::Connection) -> Result<()> {
        conn.execute_batch("CREATE TEMP TABLE IF NOT EXISTS temp_after (device TEXT PRIMARY KEY, value INTEGER); DELETE FROM temp_after;")?;
        let mut stmt = conn.prepare_cached("INSERT INTO temp_after (device, value) VALUES (?1, ?2)")?;
        for (d, v) in &self.after {
            stmt.execute(params![d, v])?;
        }
        Ok(())
    }

    fn count(&self, conn: &rusqlite::Connection) -> Result<u64> {
        self.prepare_after(conn)?;
        let mut n = 0;
        for part in [LogPart::Events, LogPart::HeldByRecords] {
            n += conn.query_row(&format!("SELECT count(*) FROM ({})", self.sql(part)), [], |r| r.get::<_, i64>(0))?;
        }
        Ok(n as u64)
    }

    /// Calls `f` with each event to send, in (device, seq) order: the two
    /// parts of the log are read side by side and merged, so that an import
    /// meets each record's creating event before any later one.
    fn for_each(&self, conn: &rusqlite::Connection, mut f: impl FnMut(&LogLine) -> Result<()>) -> Result<()> {
        self.prepare_after(conn)?;
        let mut logged = conn.prepare(&self.sql(LogPart::Events))?;
        let mut held = conn.prepare(&self.sql(LogPart::HeldByRecords))?;
        let (mut logged, mut held) = (logged.query([])?, held.query([])?);
        let (mut a, mut b) = (LogLine::next(&mut logged)?, LogLine::next(&mut held)?);
        loop {
            let take_a = match (&a, &b) {
                (None, None) => return Ok(()),
                (Some(x), Some(y)) => (x.device.as_str(), x.seq) <= (y.device.as_str(), y.seq),
                (Some(_), None) => true,
                (None, Some(_)) => false,
            };
            if take_a {
                if let Some(line) = &a {
                    f(line)?;
                }
                a = LogLine::next(&mut logged)?;
            } else {
                if let Some(line) = &b {
                    f(line)?;
                }
                b = LogLine::next(&mut held)?;
            }
        }
    }
}

/// Where the log keeps an event: in `events`, or, for a record's creating
/// event while it is the record's only one, in the record's row.
#[derive(Clone, Copy)]
enum LogPart {
    Events,
    HeldByRecords,
}

/// One event of the log, as exported.
struct LogLine {
    device: String,
    seq: i64,
    hlc: i64,
    record: String,
    kind: String,
    op: String,
    fields: String,
}

impl LogLine {
    fn next(rows: &mut rusqlite::Rows<'_>) -> Result<Option<LogLine>> {
        let Some(r) = rows.next()? else { return Ok(None) };
        Ok(Some(LogLine {
            device: r.get(0)?,
            seq: r.get(1)?,
            hlc: r.get(2)?,
            record: r.get(3)?,
            kind: r.get(4)?,
            op: r.get(5)?,
            fields: r.get(6)?,
        }))
    }
}

/// The part of an event line the tally needs.
#[derive(Deserialize)]
struct EventKey<'a> {
    #[serde(borrow)]
    device: std::borrow::Cow<'a, str>,
    seq: i64,
}

/// Opens the age layer. Every failure is one of the plain refusals.
fn open_stream(path: &Path, identity: &age::x25519::Identity) -> Result<impl BufRead + Send> {
    let file = File::open(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => Error::invalid(format!("no file at {}", path.display())),
        _ => Error::io("read", path, e),
    })?;
    let mut input = BufReader::with_capacity(256 * 1024, file);
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
    Ok(BufReader::with_capacity(256 * 1024, reader))
}

/// Reads one line, at most [`MAX_LINE`] bytes. `Ok(None)` at the clean end.
fn next_line(reader: &mut impl BufRead, buf: &mut Vec<u8>) -> Result<Option<()>> {
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

/// A bundle whose header has been read and checked: the format is ours and
/// not older or newer, another device made it, its signer is trusted here
/// and the card it carries is the signer's. Its events and trailer are
/// still to be read from `reader`.
struct Opened<R> {
    reader: R,
    header: Header,
    header_hash: String,
    signer: VerifyingKey,
    sender: Sender,
}

/// Who sent a bundle, and what they may send.
#[derive(Clone, Debug)]
struct Sender {
    fingerprint: String,
    name: String,
    role: Role,
    /// The devices the sender's card names: its events are made on these.
    devices: Vec<String>,
    /// Another device of this journal.
    sibling: bool,
}

/// The journal importing a bundle.
struct Receiver {
    fingerprint: String,
    role: Role,
}

impl Sender {
    /// Checks, before it is applied, that an event is one its sender may
    /// send: made on one of its devices, of a kind its role writes, and (to
    /// a volunteer) no supervision note meant for someone else. Whose
    /// records it changes is the applying side's to check.
    fn may_send(&self, event: &Event, changes: &[(String, FieldChange)], receiver: &Receiver) -> Result<()> {
        if !self.devices.contains(&event.device) {
            return Err(Refusal::ForeignDevice { sender: self.name.clone() }.into());
        }
        if !event.kind.written_by(self.role) {
            let writers = match self.role {
                Role::Volunteer => "supervisors",
                Role::Supervisor => "volunteers",
            };
            let what = crate::kinds::a(event.kind.spec().label);
            return Err(Refusal::NotTheirRole { sender: self.name.clone(), what, writers }.into());
        }
        if event.kind == Kind::SupervisionNote && receiver.role == Role::Volunteer && !self.sibling {
            let for_someone_else = changes
                .iter()
                .any(|(name, change)| name == "volunteer" && change.value.as_str() != Some(&receiver.fingerprint));
            if for_someone_else {
                return Err(Refusal::NotForThisVolunteer { sender: self.name.clone() }.into());
            }
        }
        Ok(())
    }
}

/// Opens a bundle and checks its header. Writes nothing.
fn open_bundle(
    journal: &Journal,
    path: &Path,
    identity: &age::x25519::Identity,
    own: &str,
    own_device: &str,
) -> Result<Opened<impl BufRead + Send>> {
    let mut reader = open_stream(path, identity)?;
    let mut line = Vec::with_capacity(4096);
    if next_line(&mut reader, &mut line)?.is_none() {
        return Err(Refusal::Damaged.into());
    }
    let header_hash = hex(&Sha256::digest(&line));
    #[derive(Deserialize)]
    struct Envelope {
        format: String,
        version: u32,
    }
    let envelope: Envelope = serde_json::from_slice(&line).map_err(|_| Error::from(Refusal::NotABundle))?;
    if envelope.format != FORMAT {
        return Err(Refusal::NotABundle.into());
    }
    if envelope.version > VERSION {
        return Err(Refusal::TooNew(envelope.version).into());
    }
    if envelope.version < VERSION {
        return Err(Refusal::TooOld(envelope.version).into());
    }
    let header: Header = serde_json::from_slice(&line).map_err(|_| Error::from(Refusal::Damaged))?;
    let sibling = header.sender == own;
    if sibling && header.device == own_device {
        return Err(Refusal::OwnBundle.into());
    }
    let (key, name, role) = if sibling {
        let status = journal.status()?;
        (identity::public(&journal.conn)?.signing_public, status.name, status.role)
    } else {
        match journal.trusted_keys(&header.sender)? {
            None => return Err(Refusal::UnknownSigner.into()),
            Some((_, _, true)) => return Err(Refusal::RevokedSigner.into()),
            Some((_, key, false)) => {
                let entry = journal
                    .roster_entry(&header.sender)?
                    .ok_or_else(|| Error::CheckFailed("a roster card disappeared".into()))?;
                (key, entry.name, entry.role)
            }
        }
    };
    let signer =
        VerifyingKey::from_bytes(&key).map_err(|_| Error::CheckFailed("a roster signing key is invalid".into()))?;
    // The card must be the signer's own, unaltered: then the devices it
    // names are the sender's word.
    let card = crate::cards::Card::from_json(&header.card).map_err(|_| Error::from(Refusal::BadCard))?;
    if card.fingerprint != header.sender || card.signing_bytes()? != key || !card.devices.contains(&header.device) {
        return Err(Refusal::BadCard.into());
    }
    let sender = Sender { fingerprint: header.sender.clone(), name, role, devices: card.devices, sibling };
    Ok(Opened { reader, header, header_hash, signer, sender })
}

/// What the event lines of a bundle add up to, to be checked against its
/// signed manifest.
#[derive(Default)]
struct Tally {
    payload: Sha256,
    ranges: BTreeMap<String, (i64, i64)>,
    count: u64,
}

impl Tally {
    fn add(&mut self, line: &[u8], device: &str, seq: i64) {
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
    fn add_line(&mut self, line: &[u8]) -> Result<()> {
        let key: EventKey<'_> = serde_json::from_slice(line).map_err(|_| Error::from(Refusal::Damaged))?;
        self.add(line, &key.device, key.seq);
        Ok(())
    }
}

impl<R: BufRead> Opened<R> {
    /// Reads each line after the header until the trailer, handing event
    /// lines to `each`. Returns the trailer line.
    fn for_each_line(&mut self, mut each: impl FnMut(&[u8]) -> Result<()>) -> Result<Vec<u8>> {
        let mut line = Vec::with_capacity(4096);
        loop {
            if next_line(&mut self.reader, &mut line)?.is_none() {
                return Err(Refusal::Damaged.into()); // no trailer: cut short
            }
            if line.starts_with(b"{\"manifest\"") {
                return Ok(line);
            }
            each(&line)?;
        }
    }

    /// Checks the trailer against the header and what the event lines
    /// added up to: the signature over the manifest, its hashes, counts and
    /// ranges, that nothing follows it, and that this journal is a named
    /// recipient. Returns the manifest, which is then known to be the
    /// sender's own word.
    fn check_trailer(&mut self, trailer: &[u8], tally: Tally, own: &str) -> Result<Manifest> {
        let trailer: Trailer = serde_json::from_slice(trailer).map_err(|_| Error::from(Refusal::Damaged))?;
        let mut rest = Vec::new();
        if next_line(&mut self.reader, &mut rest)?.is_some() {
            return Err(Refusal::Damaged.into()); // anything after the trailer
        }
        let signature: [u8; 64] = B64
            .decode(&trailer.signature)
            .ok()
            .and_then(|b| b.try_into().ok())
            .ok_or_else(|| Error::from(Refusal::Damaged))?;
        self.signer
            .verify(trailer.manifest.as_bytes(), &Signature::from_bytes(&signature))
            .map_err(|_| Error::from(Refusal::Damaged))?;
        let manifest: Manifest = serde_json::from_str(&trailer.manifest).map_err(|_| Error::from(Refusal::Damaged))?;
        let header = &self.header;
        let consistent = manifest.format == FORMAT
            && manifest.version == header.version
            && manifest.bundle_id == header.bundle_id
            && manifest.sender == header.sender
            && manifest.header_sha256 == self.header_hash
            && manifest.payload_sha256 == hex(&tally.payload.finalize())
            && manifest.events == tally.count
            && manifest.ranges == tally.ranges;
        if !consistent {
            return Err(Refusal::Damaged.into());
        }
        // A journal reads what its other devices sent anyone: every bundle is
        // encrypted to its sender too.
        if !self.sender.sibling && !manifest.recipients.iter().any(|r| r == own) {
            return Err(Refusal::NotAddressedToUs.into());
        }
        Ok(manifest)
    }

    /// Reads the rest of the bundle only to check it. Writes nothing.
    fn verify(mut self, own: &str) -> Result<Manifest> {
        let mut tally = Tally::default();
        let trailer = self.for_each_line(|line| tally.add_line(line))?;
        self.check_trailer(&trailer, tally, own)
    }
}

/// Prepared events cross between the threads in bunches of this many (one
/// hand-over per event would cost more in waking threads than it saves),
/// and at most [`PIPELINE_DEPTH`] bunches wait: memory stays flat.
/// Tiny under test, so that every test crosses bunch boundaries.
const PIPELINE_BUNCH: usize = if cfg!(test) { 3 } else { 64 };
/// About 2,000 events, a few MiB: enough to ride out the applying side's
/// pauses (each 10,000 records it writes their words to the search index,
/// some 50 ms) without the reading side stopping for them. With room for
/// only two bunches both sides spent about 0.4 s of an import of 100,000
/// records waiting for the other.
const PIPELINE_DEPTH: usize = 32;

/// How many chunks of search entries (10,000 records each) may wait for the
/// thread writing the search index during an import: one, so that at most
/// three are in memory (one filling, one waiting, one being written).
const INDEXING_DEPTH: usize = 1;

/// Reads the rest of an opened bundle in one pass on two threads and checks
/// all of it. One thread decrypts, tallies, parses, validates and prepares
/// each event (all the work that needs no database) while the calling
/// thread hands them to `apply` in order. The caller applies them in a
/// transaction it commits only if this returns the manifest.
///
/// Whatever else is wrong, a bundle that does not check out (cut, changed,
/// badly signed, not addressed to this journal) is refused as such: after
/// an invalid event, or an error from `apply`, the reading thread stops
/// preparing events but reads on to the trailer, and its verdict on the
/// whole bundle comes first. An error from reading the file stops both at
/// once.
///
/// Applied bunches go back to the reading thread to be freed there: memory
/// freed on another thread than the one that allocated it makes the two
/// contend for the allocator's lock, which cost more than the second thread
/// saved.
fn apply_checked<R: BufRead + Send>(
    mut opened: Opened<R>,
    receiver: &Receiver,
    mut apply: impl FnMut(&events::Ready) -> Result<()>,
) -> Result<Manifest> {
    let own = receiver.fingerprint.as_str();
    let sender = opened.sender.clone();
    let (send, receive) = std::sync::mpsc::sync_channel::<Vec<events::Ready>>(PIPELINE_DEPTH);
    let (give_back, given_back) = std::sync::mpsc::channel::<Vec<events::Ready>>();
    std::thread::scope(|scope| {
        let reader = scope.spawn(move || -> Result<(Manifest, Option<Error>)> {
            let mut tally = Tally::default();
            // The first invalid event; after it, lines are only tallied.
            let mut invalid: Option<Error> = None;
            // False once the applying side has hung up: it failed.
            let mut sending = true;
            let mut bunch = Vec::with_capacity(PIPELINE_BUNCH);
            let trailer = opened.for_each_line(|line| {
                if invalid.is_some() || !sending {
                    return tally.add_line(line);
                }
                let incoming = match Incoming::parse(line) {
                    Ok(incoming) => incoming,
                    Err(_) => {
                        invalid = Some(Refusal::Damaged.into());
                        return tally.add_line(line);
                    }
                };
                let (device, seq) = incoming.key();
                tally.add(line, device, seq);
                let ready = incoming.check().and_then(|(event, changes)| {
                    sender.may_send(&event, &changes, receiver)?;
                    events::Ready::new(event, changes)
                });
                match ready {
                    Ok(ready) => bunch.push(ready),
                    Err(e) => {
                        invalid = Some(e);
                        return Ok(());
                    }
                }
                if bunch.len() == PIPELINE_BUNCH {
                    // The next bunch reuses an applied one, emptied here.
                    let mut next = Vec::with_capacity(PIPELINE_BUNCH);
                    for mut applied in given_back.try_iter() {
                        applied.clear();
                        next = applied;
                    }
                    sending = send.send(std::mem::replace(&mut bunch, next)).is_ok();
                }
                Ok(())
            })?;
            if sending && invalid.is_none() {
                let _ = send.send(bunch);
            }
            drop(send); // the applying side's loop ends here
            let manifest = opened.check_trailer(&trailer, tally, own)?;
            Ok((manifest, invalid))
        });
        let mut applied = Ok(());
        for bunch in &receive {
            applied = bunch.iter().try_for_each(&mut apply);
            let _ = give_back.send(bunch); // the reader may have finished: then it is freed here
            if applied.is_err() {
                break;
            }
        }
        drop(receive); // the reader tallies the rest without handing it over
        let read = reader.join().unwrap_or_else(|_| Err(Error::CheckFailed("reading the bundle failed".into())));
        let (manifest, invalid) = read?;
        if let Some(e) = invalid {
            return Err(e);
        }
        applied?;
        Ok(manifest)
    })
}

#[cfg(test)]
#[path = "bundle_tests.rs"]
mod tests;
