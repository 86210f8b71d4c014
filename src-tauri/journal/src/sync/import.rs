//! Reading a bundle into the journal: the header checked before anything
//! is written (our format, a trusted signer, a card that is the signer's),
//! then one streamed pass on two threads, one reading and checking each
//! event (as strictly as a local write, and against what its sender may
//! send) while the other applies it, in a transaction committed only once
//! the signed trailer checks out. A bundle that fails any check leaves the
//! journal exactly as it was, and one that does not check out is refused as
//! such even when an event in it is invalid too.
//!
//! Who may send what. A signature proves who sent a file, not that they may
//! change what is in it. A bundle carries only events made on its sender's
//! own devices (those its card names), of the kinds its sender's role
//! writes, changing or erasing only records its sender's journal owns; an
//! event that breaks any of these makes the whole bundle refused, naming
//! the sender and what it tried. A bundle from another device of this same
//! journal (a copy given a device of its own) is imported like anyone
//! else's.
//!
//! Clocks. A clock outside the dates that can be written is refused as an
//! invalid record. One far ahead is accepted (an urgent concern must never
//! wait behind a wrong clock), but moves this journal's clock at most a
//! day past this computer's, and the import says whose clock seems off.

use std::collections::BTreeMap;
use std::io::BufRead;
use std::path::Path;

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use ed25519_dalek::{Signature, Verifier, VerifyingKey};
use rusqlite::{params, OptionalExtension, TransactionBehavior};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use ts_rs::TS;
use zeroize::Zeroizing;

use crate::error::{Error, Refusal, Result};
use crate::journal::{now, Journal, Role};
use crate::model::event::{Event, FieldChange};
use crate::model::hlc::{self, Hlc};
use crate::model::ids::{DeviceId, Fingerprint};
use crate::model::kinds::Kind;
use crate::store::fold::{self, Applied};
use crate::store::identity;
use crate::store::search::SearchTx;
use crate::sync::export::Progress;
use crate::sync::incoming::Incoming;
use crate::sync::wire::{
    hex, next_line, open_counted, BytesRead, Header, Manifest, Tally, Trailer, FORMAT, OLDEST_READ, VERSION,
};

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
    pub sender_fingerprint: Fingerprint,
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

/// What a bundle file says of itself before it is imported: who it is from,
/// and whether this journal has it already. Read from its first line alone
/// (only the start of the file is decrypted), with the sender checked
/// against the roster as an import checks it; the signature, at the end of
/// the file, is checked by the import itself, which refuses a forgery.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct BundleLook {
    /// The bundle's id.
    pub bundle_id: String,
    /// Who it says it is from: a name from this journal's roster.
    pub sender: String,
    /// Their fingerprint.
    pub sender_fingerprint: Fingerprint,
    /// Their role.
    pub sender_role: Role,
    /// Whether it was imported here before.
    pub already_imported: bool,
    /// Whether it comes from another computer of this same journal.
    pub from_this_journal: bool,
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
    /// Changes in the bundle bear the numbers of different changes its
    /// sender's journal sent before: its folder has been copied and used on
    /// two computers without a device of its own. Those were not imported.
    #[serde(rename_all = "camelCase")]
    ChangesClash {
        /// The sender's name.
        sender: String,
        /// How many changes clashed.
        #[ts(type = "number")]
        changes: u64,
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
            ImportNotice::ChangesClash { sender, changes } => {
                let (what, bear, were) = if *changes == 1 {
                    ("1 change".to_string(), "bears", "was")
                } else {
                    (format!("{changes} changes"), "bear", "were")
                };
                format!(
                    "{what} in {sender}'s file {bear} the numbers of other changes {sender} sent before, and {were} \
                     not imported: {sender}'s journal seems to have been copied and used on two computers without \
                     a device of its own. Ask {sender} to give one of the copies a new device (`peerjournal device \
                     new`) and send everything again."
                )
            }
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

impl Journal {
    pub(crate) fn age_identity(&self) -> Result<age::x25519::Identity> {
        let text: Zeroizing<String> =
            Zeroizing::new(self.conn.query_row("SELECT age_secret FROM identity WHERE id = 1", [], |r| r.get(0))?);
        text.parse().map_err(|_| Error::CheckFailed("this journal's receiving key is malformed".into()))
    }

    /// Looks at a bundle without importing it (see [`BundleLook`]). Fails
    /// with the refusal an import would meet at its start: not for this
    /// journal, written here, from a card not in the roster or revoked, not
    /// a bundle, damaged. Changes nothing.
    pub fn peek_bundle(&self, path: &Path) -> Result<BundleLook> {
        let identity = self.age_identity()?;
        let own = self.own_fingerprint()?;
        let own_device = String::from(self.device_id()?);
        let opened = open_bundle(self, path, &identity, &own, &own_device)?;
        let already_imported = bundle_imported(&self.conn, &opened.header.bundle_id)?;
        let Sender { fingerprint, name, role, sibling, .. } = opened.sender;
        Ok(BundleLook {
            bundle_id: opened.header.bundle_id,
            sender: name,
            sender_fingerprint: Fingerprint::trusted(fingerprint),
            sender_role: role,
            already_imported,
            from_this_journal: sibling,
        })
    }

    /// Imports a bundle in one transaction, committed only once all of it
    /// has been verified. Importing the same bundle again changes nothing;
    /// a second import of a bundle already being imported (another window,
    /// another command) waits for the first, then says it was already
    /// imported.
    pub fn import_bundle(&mut self, path: &Path, progress: Progress<'_>) -> Result<ImportSummary> {
        let identity = self.age_identity()?;
        let own = self.own_fingerprint()?;
        let own_device = String::from(self.device_id()?);
        let opened = open_bundle(self, path, &identity, &own, &own_device)?;
        if bundle_imported(&self.conn, &opened.header.bundle_id)? {
            return already_imported(opened, &own);
        }
        let sender = opened.sender.clone();
        let (read, size) = (opened.read.clone(), opened.size);
        self.stop.store(false, std::sync::atomic::Ordering::Relaxed);
        let stop = std::sync::Arc::clone(&self.stop);
        let owners = fold::Owners {
            sender: sender.fingerprint.clone(),
            sender_name: sender.name.clone(),
            own: own.clone(),
            names: self.roster()?.into_iter().map(|c| (c.fingerprint.into(), c.name)).collect(),
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
        if let Some(other) = crate::store::roster::claim_devices(&tx, &sender.fingerprint, &sender.devices)? {
            let owner = self.journal_name(&other)?;
            return Err(Refusal::DeviceClaimed { sender: sender.name.clone(), owner }.into());
        }
        let stored_seq = crate::store::meta_i64(&tx, "device_seq")?;
        let search = &mut self.search;
        let mut max_hlc = 0i64;
        let mut own_device_seq = 0i64;
        let mut clashes = 0u64;
        let mut done = 0u64;
        let (mut duplicates, mut erased) = (0u64, 0u64);
        let mut kinds: BTreeMap<String, KindCounts> = BTreeMap::new();
        let (to_index, indexing) = std::sync::mpsc::sync_channel(INDEXING_DEPTH);
        let written = std::thread::scope(|scope| {
            let indexer = scope.spawn(move || search.apply_all(indexing));
            let mut batch = fold::Batch::with_indexer(&tx, to_index);
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
                    progress(read.get().min(size), size);
                    if stop.load(std::sync::atomic::Ordering::Relaxed) {
                        return Err(Error::Cancelled);
                    }
                }
                Ok(())
            })
            .and_then(|manifest| {
                if let Some(kind) = batch.unfinished()? {
                    let what = crate::model::kinds::a(kind.spec().label);
                    return Err(Refusal::Unheld { sender: sender.name.clone(), what }.into());
                }
                let conflicts: Vec<Kind> = batch.new_conflicts().map(|(_, kind)| kind).collect();
                clashes = batch.clashes();
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
                progress(size, size);
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
        let (manifest, conflicts, mut notices) = written?;
        if clashes > 0 {
            notices.push(ImportNotice::ChangesClash { sender: sender.name.clone(), changes: clashes });
        }
        tx.commit()?;
        search_tx.commit_after_journal();
        let mut summary = ImportSummary {
            bundle_id: manifest.bundle_id,
            sender: manifest.sender_name,
            sender_fingerprint: Fingerprint::trusted(sender.fingerprint),
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

/// How far beyond this device's own numbering another journal may say it
/// holds this device's changes (a copy of this journal used elsewhere
/// without a device of its own): further than this is damage.
const MAX_NUMBERS_AHEAD: i64 = 1_000_000;

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
        sender_fingerprint: Fingerprint::trusted(sender),
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
    // What of the sender's devices' numbers is accounted for (carried here,
    // or never sent on purpose), and how far each had written: the
    // volunteers' roster finds a missing file from these (migration 0017).
    for (device, (first, last)) in &manifest.ranges {
        if sender.devices.iter().any(|d| d.as_str() == device) {
            tx.execute(
                "INSERT OR IGNORE INTO coverage (device, first, last) VALUES (?1, ?2, ?3)",
                params![device, first, last],
            )?;
        }
    }
    for (device, runs) in &manifest.withheld {
        if sender.devices.iter().any(|d| d.as_str() == device) {
            for (first, last) in runs {
                tx.execute(
                    "INSERT OR IGNORE INTO coverage (device, first, last) VALUES (?1, ?2, ?3)",
                    params![device, first, last],
                )?;
            }
        }
    }
    for (device, upto) in &manifest.written {
        if sender.devices.iter().any(|d| d.as_str() == device) {
            tx.execute(
                "INSERT INTO declared (device, upto) VALUES (?1, ?2)
                 ON CONFLICT(device) DO UPDATE SET upto = max(upto, excluded.upto)",
                params![device, upto],
            )?;
        }
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
    let stored = Hlc(crate::store::meta_i64(tx, "hlc")?);
    crate::store::set_meta(tx, "hlc", &stored.observe_bounded(Hlc(max_hlc), wall).0.to_string())?;
    let (seq, held) = own_seq;
    if held.saturating_sub(seq) > MAX_NUMBERS_AHEAD {
        // A receipt, or a copy's change, numbered far beyond anything this
        // device has made: not a copy used elsewhere, but damage.
        let why = "a receipt counts far more of this journal's changes than it has made".to_string();
        return Err(Refusal::InvalidRecord(why).into());
    }
    if held > seq {
        crate::store::set_meta(tx, "device_seq", &held.to_string())?;
        notices.push(ImportNotice::DeviceShared { sender: sender.name.clone() });
    }
    tx.execute(
        "INSERT INTO bundles (id, direction, peer, at, events) VALUES (?1, 'in', ?2, ?3, ?4)",
        params![manifest.bundle_id, sender.fingerprint, at, manifest.events as i64],
    )?;
    Ok(notices)
}

/// A bundle whose header has been read and checked: the format is ours and
/// not older or newer, another device made it, its signer is trusted here
/// and the card it carries is the signer's. Its events and trailer are
/// still to be read from `reader`.
struct Opened<R> {
    reader: R,
    /// How much of the file has been read, of `size` bytes.
    read: BytesRead,
    size: u64,
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
    devices: Vec<DeviceId>,
    /// The sender's signing key, which the ids of its records are bound to.
    key: [u8; 32],
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
        if !self.devices.iter().any(|d| *d == event.device) {
            return Err(Refusal::ForeignDevice { sender: self.name.clone() }.into());
        }
        if !event.kind.written_by(self.role) {
            let writers = match self.role {
                Role::Volunteer => "supervisors",
                Role::Supervisor => "volunteers",
            };
            let what = crate::model::kinds::a(event.kind.spec().label);
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
    let read = BytesRead::default();
    let (mut reader, size) = open_counted(path, identity, &read)?;
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
    if envelope.version < OLDEST_READ {
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
        match crate::store::roster::trusted(&journal.conn, &header.sender)? {
            None => return Err(Refusal::UnknownSigner.into()),
            Some(card) if card.revoked => return Err(Refusal::RevokedSigner.into()),
            Some(card) => {
                let entry = crate::store::roster::entry(&journal.conn, &header.sender)?
                    .ok_or_else(|| Error::CheckFailed("a roster card disappeared".into()))?;
                (card.signing_key, entry.name, entry.role)
            }
        }
    };
    let signer =
        VerifyingKey::from_bytes(&key).map_err(|_| Error::CheckFailed("a roster signing key is invalid".into()))?;
    // The card must be the signer's own, unaltered: then the devices it
    // names are the sender's word.
    let bad_card = || Error::from(Refusal::BadCard { sender: name.clone() });
    let card = crate::sync::cards::Card::from_json(&header.card).map_err(|_| bad_card())?;
    if card.fingerprint != header.sender
        || card.signing_bytes()? != key
        || !card.devices.iter().any(|d| *d == header.device)
    {
        return Err(bad_card());
    }
    if card.demo != journal.is_demo()? {
        return Err(Refusal::DemoMix { sender: name, from_demo: card.demo }.into());
    }
    let sender = Sender { fingerprint: header.sender.clone(), name, role, devices: card.devices, key, sibling };
    Ok(Opened { reader, read, size, header, header_hash, signer, sender })
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
    mut apply: impl FnMut(&fold::Ready) -> Result<()>,
) -> Result<Manifest> {
    let own = receiver.fingerprint.as_str();
    let sender = opened.sender.clone();
    let (send, receive) = std::sync::mpsc::sync_channel::<Vec<fold::Ready>>(PIPELINE_DEPTH);
    let (give_back, given_back) = std::sync::mpsc::channel::<Vec<fold::Ready>>();
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
                    let mut ready = fold::Ready::new(event, changes)?;
                    ready.check_id(&sender.key);
                    Ok(ready)
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
