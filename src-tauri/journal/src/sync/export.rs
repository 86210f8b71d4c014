//! Writing a bundle: the events the scope rule selects, streamed from the
//! database through the encryptor to a file of its own name, renamed into
//! place once whole and signed. Writes nothing to the journal but the note
//! that the bundle was made.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::Path;

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use ed25519_dalek::{Signer, SigningKey};
use rusqlite::params;
use serde::Serialize;
use serde_json::value::RawValue;
use sha2::{Digest, Sha256};
use ts_rs::TS;
use uuid::Uuid;
use zeroize::Zeroizing;

use crate::error::{Error, Result};
use crate::journal::{now, Journal};
use crate::model::event::Op;
use crate::model::ids::Fingerprint;
use crate::model::kinds::Kind;
use crate::store::identity;
use crate::sync::scope::{LogLine, Selection};
use crate::sync::wire::{hex, EventLine, Header, Manifest, Receipt, Trailer, FORMAT, VERSION};

/// What to export.
#[derive(Debug, Clone)]
pub struct ExportOptions {
    /// The recipients' fingerprints.
    pub to: Vec<Fingerprint>,
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
    pub recipients: Vec<Fingerprint>,
    /// How many events it carries.
    #[ts(type = "number")]
    pub events: u64,
    /// How many events of each kind.
    #[ts(type = "{ [kind in string]?: number }")]
    pub kinds: BTreeMap<String, u64>,
}

/// Progress of a long export or import: (done, total). An export counts the
/// changes written of those it will write; an import, the bytes of the
/// file read so far of its size.
pub type Progress<'a> = &'a mut dyn FnMut(u64, u64);

impl Journal {
    /// Writes a bundle for `options.to` to `out`.
    pub fn export_bundle(
        &mut self,
        options: &ExportOptions,
        out: &Path,
        progress: Progress<'_>,
    ) -> Result<ExportSummary> {
        if options.to.is_empty() {
            return Err(Error::invalid("say who the bundle is for: at least one card from this journal's roster"));
        }
        let own = self.own_fingerprint()?;
        let mut recipients = Vec::new();
        // The same, as the bundle's header and the journal's tables write them.
        let mut names: Vec<String> = Vec::new();
        let mut age_recipients = Vec::new();
        for fp in &options.to {
            if *fp == own {
                return Err(Error::invalid(
                    "a bundle is for someone else; your own card is added to every bundle anyway",
                ));
            }
            match crate::store::roster::trusted(&self.conn, fp.as_str())? {
                None => {
                    return Err(Error::invalid(format!(
                        "no card with fingerprint {fp} in this journal; import their card first"
                    )))
                }
                Some(card) if card.revoked => {
                    return Err(Error::invalid(format!("the card {fp} was revoked; nothing is exported to it")))
                }
                Some(card) => {
                    age_recipients.push(
                        card.age_recipient
                            .parse::<age::x25519::Recipient>()
                            .map_err(|_| Error::CheckFailed("a roster card's receiving key is invalid".into()))?,
                    );
                    if !recipients.contains(fp) {
                        recipients.push(fp.clone());
                        names.push(String::from(fp.clone()));
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
        let selection = Selection::new(self, &names, role, options.full)?;
        let total = selection.count(&self.conn)?;
        // A volunteer says what it never sends and how far it has written,
        // so the supervisor sees a file gone missing (see `scope`).
        let (withheld, written) = if role == crate::journal::Role::Volunteer {
            crate::sync::scope::withheld_and_written(self)?
        } else {
            Default::default()
        };
        let receipts = self.receipts_for(&names)?;
        let signing = self.signing_key()?;
        let bundle_id = Uuid::now_v7().to_string();
        let sender_name = self.status()?.name;
        let card = serde_json::to_value(self.card()?).map_err(|e| Error::invalid(e.to_string()))?;
        let device = String::from(self.device_id()?);
        self.stop.store(false, std::sync::atomic::Ordering::Relaxed);
        let stop = std::sync::Arc::clone(&self.stop);

        // The file is written under a name of its own, and renamed into
        // place once whole. Where it is is noted in the journal first, so
        // that a partial file left by an export that was stopped (killed,
        // or the computer switched off) is removed by the next export or
        // unlock, whatever its folder.
        let tmp =
            out.with_file_name(format!(".{}.partial", out.file_name().and_then(|n| n.to_str()).unwrap_or("bundle")));
        self.begin_partial_file(&tmp)?;
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
            let mut line: Vec<u8> = Vec::with_capacity(1024);
            selection.for_each(&self.conn, |event| {
                let LogLine { device, seq, hlc, record, kind, op, fields } = event;
                let (seq, hlc) = (*seq, *hlc);
                let unreadable = || Error::CheckFailed("an event in the journal's log is unreadable".into());
                let fields: &RawValue = serde_json::from_str(fields).map_err(|_| unreadable())?;
                let (kind, op) = (Kind::parse(kind)?, Op::parse(op).ok_or_else(unreadable)?);
                line.clear();
                let wire = EventLine {
                    device: Cow::Borrowed(device),
                    seq,
                    hlc,
                    record: Cow::Borrowed(record),
                    kind,
                    op,
                    fields,
                };
                serde_json::to_writer(&mut line, &wire).map_err(|_| unreadable())?;
                line.push(b'\n');
                payload.update(&line);
                writer.write_all(&line).map_err(io)?;
                let range = ranges.entry(device.to_string()).or_insert((seq, seq));
                range.0 = range.0.min(seq);
                range.1 = range.1.max(seq);
                *kinds.entry(kind.as_str().to_string()).or_default() += 1;
                count += 1;
                if count % 1000 == 0 {
                    progress(count, total);
                    if stop.load(std::sync::atomic::Ordering::Relaxed) {
                        return Err(Error::Cancelled);
                    }
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
                recipients: names.clone(),
                created_at: now(),
                ranges,
                events: count,
                kinds: kinds.clone(),
                header_sha256: hex(&Sha256::digest(format!("{header}\n").as_bytes())),
                payload_sha256: hex(&payload.finalize()),
                receipts,
                withheld: withheld.clone(),
                written: written.clone(),
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
        self.end_partial_file();
        let summary = result?;
        self.conn.execute(
            "INSERT INTO bundles (id, direction, peer, at, events) VALUES (?1, 'out', ?2, ?3, ?4)",
            params![summary.bundle_id, names.join(","), now(), summary.events as i64],
        )?;
        Ok(summary)
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

    pub(crate) fn receipts_for(&self, peers: &[String]) -> Result<Vec<Receipt>> {
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
}
