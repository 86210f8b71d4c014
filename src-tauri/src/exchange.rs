//! Exchanging files: this journal's card, the cards it trusts, and bundles
//! written to and read from the exchange folder (a folder in the person's
//! documents, a shared folder, a USB stick), with progress and a stop.
//!
//! The window never names a path. A file is named by a [`FileToken`]: the
//! name of a file in the exchange folder, or the number the shell gave a
//! file the person dropped on the window. Exported files get neutral names
//! that say nothing about the people in them.
//!
//! An import or export holds the journal for as long as it runs (other
//! commands wait for it); [`Session::stop_job`] and locking stop it, and the
//! core then changes nothing. Like the rest of the session, nothing here
//! knows Tauri: progress goes to whatever [`Session::on_progress`] was given.

use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;

use peerjournal::cards::{Card, PeerStatus};
use peerjournal::error::Refusal;
use peerjournal::store::roster::RosterEntry;
use peerjournal::sync::{BundleLook, ExportOptions, ExportSummary, ImportSummary};
use peerjournal::{Error, Fingerprint, Journal, Role};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::ipc::UiError;
use crate::session::Session;

/// The extension of bundles, as the command line names them too.
pub const BUNDLE_EXTENSION: &str = "pjbundle";
/// The extension of card files.
pub const CARD_EXTENSION: &str = "pjcard";

/// A file the window may ask about: a file name in the exchange folder, or
/// `dropped:N` for the Nth file dropped on the window.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct FileToken(pub String);

/// This journal's card, as the person shows it.
#[derive(Clone, Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct CardSummary {
    /// The keeper's name.
    pub name: String,
    /// Volunteer or supervisor.
    pub role: Role,
    /// The fingerprint, in its read-aloud form.
    pub fingerprint: Fingerprint,
}

impl From<&Card> for CardSummary {
    fn from(card: &Card) -> Self {
        CardSummary { name: card.name.clone(), role: card.role, fingerprint: card.fingerprint.clone() }
    }
}

/// What the exchange screens show at a glance.
#[derive(Clone, Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ExchangeOverview {
    /// The exchange folder in use.
    pub folder: String,
    /// Whether it is the app's own (no other was chosen).
    pub folder_is_default: bool,
    /// This journal's card.
    pub my_card: CardSummary,
    /// Every card in the roster, with what their receipts say.
    pub peers: Vec<PeerStatus>,
}

/// A file found in the exchange folder (or dropped), and what it is.
#[derive(Clone, Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ExchangeFile {
    /// How to ask for it again.
    pub token: FileToken,
    /// Its file name.
    pub name: String,
    /// When it was last written, local time, `YYYY-MM-DDTHH:MM`.
    pub modified: String,
    /// Its size in bytes (0 if it could not be read): what bringing it in
    /// counts its progress in, so that several can share one bar.
    #[ts(type = "number")]
    pub size: u64,
    /// What it is, for this journal.
    pub what: FileKind,
}

/// What a file in the exchange folder is, for this journal.
#[derive(Clone, Debug, Serialize, TS)]
#[serde(rename_all = "camelCase", tag = "kind")]
#[ts(export)]
pub enum FileKind {
    /// A bundle this journal can bring in.
    #[serde(rename_all = "camelCase")]
    Bundle {
        /// Who it is from, as its first line says.
        look: BundleLook,
    },
    /// A card: someone's, to add, or one already in the roster.
    #[serde(rename_all = "camelCase")]
    Card {
        /// Whose.
        card: CardSummary,
        /// Whether the roster holds it already.
        trusted: bool,
    },
    /// Meant for this journal but it cannot be brought in as it is: the
    /// reason, in the core's plain words.
    #[serde(rename_all = "camelCase")]
    Problem {
        /// Why.
        reason: String,
    },
}

/// Where an export went.
#[derive(Clone, Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ExportDone {
    /// What went.
    pub summary: ExportSummary,
    /// The file's name.
    pub file_name: String,
    /// The folder it is in.
    pub folder: String,
}

/// A file written for the person to take away.
#[derive(Clone, Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SavedFile {
    /// The file's name.
    pub file_name: String,
    /// The folder it is in.
    pub folder: String,
}

/// How far a long task has got, sent to the window as it runs.
#[derive(Clone, Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct JobProgress {
    /// "import" or "export".
    pub job: String,
    /// The file being read or written.
    pub file: String,
    /// Done so far, of `total` (an import counts bytes, an export changes).
    #[ts(type = "number")]
    pub done: u64,
    /// 0 while not known.
    #[ts(type = "number")]
    pub total: u64,
}

/// A neutral, unique-enough file name: `peer-journal-2026-12-03-1410-7f3a.pjbundle`.
fn neutral_name(stem: &str, extension: &str, dir: &Path) -> PathBuf {
    let now = chrono::Local::now().format("%Y-%m-%d-%H%M");
    for n in 0u32.. {
        let name = if n == 0 { format!("{stem}-{now}.{extension}") } else { format!("{stem}-{now}-{n}.{extension}") };
        let path = dir.join(name);
        if !path.exists() {
            return path;
        }
    }
    unreachable!("some name is free")
}

fn modified(path: &Path) -> String {
    std::fs::metadata(path)
        .and_then(|m| m.modified())
        .map(|t| chrono::DateTime::<chrono::Local>::from(t).format("%Y-%m-%dT%H:%M").to_string())
        .unwrap_or_default()
}

/// What `path` is for `journal`, or None when it is nothing of its to show
/// (another journal's, written here, or not named as Peer Journal's). A
/// file named as a bundle that is not one is shown as damaged.
fn classify(journal: &Journal, path: &Path) -> Option<FileKind> {
    let extension = path.extension().and_then(|e| e.to_str()).unwrap_or("");
    if extension == CARD_EXTENSION {
        let card = Card::read(path).ok()?;
        if card.fingerprint == journal.status().ok()?.fingerprint {
            return None;
        }
        let trusted =
            journal.roster().ok()?.iter().any(|c| c.fingerprint == card.fingerprint && c.revoked_at.is_none());
        return Some(FileKind::Card { card: CardSummary::from(&card), trusted });
    }
    if extension != BUNDLE_EXTENSION {
        return None;
    }
    match journal.peek_bundle(path) {
        Ok(look) => Some(FileKind::Bundle { look }),
        // Another journal's, or this one's own: nothing to do with it here.
        Err(Error::Refused(Refusal::NotForUs | Refusal::OwnBundle)) => None,
        Err(e) => Some(FileKind::Problem { reason: e.to_string() }),
    }
}

impl Session {
    /// Gives the session where to send progress (the shell emits it to the
    /// window). Set once, at start.
    pub fn on_progress(&self, send: impl Fn(&JobProgress) + Send + Sync + 'static) {
        let _ = self.progress.set(Box::new(send));
    }

    /// Gives the session the native file chooser (the shell opens it).
    /// Set once, at start.
    pub fn on_choose(&self, choose: impl Fn() -> Vec<PathBuf> + Send + Sync + 'static) {
        let _ = self.chooser.set(Box::new(choose));
    }

    fn send_progress(&self, job: &str, file: &str, done: u64, total: u64) {
        if let Some(send) = self.progress.get() {
            send(&JobProgress { job: job.into(), file: file.into(), done, total });
        }
    }

    /// The exchange folder in use: the one chosen, else the files folder.
    fn exchange_dir(&self, j: &Journal) -> peerjournal::Result<(PathBuf, bool)> {
        Ok(match j.exchange_folder()? {
            Some(folder) => (folder, false),
            None => (self.files_dir().to_path_buf(), true),
        })
    }

    /// The exchange folder, made if it is missing.
    fn ready_exchange_dir(&self, j: &Journal) -> peerjournal::Result<PathBuf> {
        let (dir, _) = self.exchange_dir(j)?;
        std::fs::create_dir_all(&dir).map_err(|e| Error::Io {
            action: "make the folder",
            path: dir.clone(),
            source: e,
        })?;
        Ok(dir)
    }

    /// The file a token names, if the window may have it: a plain name of a
    /// file in the exchange folder, or a dropped file's number.
    fn resolve(&self, j: &Journal, token: &FileToken) -> peerjournal::Result<PathBuf> {
        let gone = || Error::invalid("that file is no longer there; look in the folder again");
        if let Some(n) = token.0.strip_prefix("dropped:") {
            let n: usize = n.parse().map_err(|_| gone())?;
            return self.dropped_files().get(n).cloned().ok_or_else(gone);
        }
        let name = Path::new(&token.0);
        let plain = name.components().count() == 1 && name.file_name().is_some_and(|f| f == name.as_os_str());
        if !plain {
            return Err(gone());
        }
        let path = self.exchange_dir(j)?.0.join(name);
        if !path.is_file() {
            return Err(gone());
        }
        Ok(path)
    }

    /// The exchange folder, this journal's card, and the roster with what
    /// each card's receipts say.
    pub fn exchange_overview(&self) -> Result<ExchangeOverview, UiError> {
        self.with_journal(|j| {
            let (folder, folder_is_default) = self.exchange_dir(j)?;
            Ok(ExchangeOverview {
                folder: folder.display().to_string(),
                folder_is_default,
                my_card: CardSummary::from(&j.card()?),
                peers: j.peer_status()?,
            })
        })
    }

    /// Chooses the exchange folder ("" for the app's own). It must exist.
    pub fn set_exchange_folder(&self, folder: String) -> Result<ExchangeOverview, UiError> {
        self.with_journal(|j| {
            let folder = folder.trim();
            if folder.is_empty() {
                return j.set_exchange_folder(None);
            }
            let path = Path::new(folder);
            if path.is_absolute() && !path.is_dir() {
                return Err(Error::invalid(format!(
                    "there is no folder at {folder}; check the name, or plug the drive in first"
                )));
            }
            j.set_exchange_folder(Some(path))
        })?;
        self.exchange_overview()
    }

    /// Saves this journal's card into the exchange folder.
    pub fn save_my_card(&self) -> Result<SavedFile, UiError> {
        self.with_journal(|j| {
            let dir = self.ready_exchange_dir(j)?;
            let path = neutral_name("peer-journal-card", CARD_EXTENSION, &dir);
            j.export_card(&path)?;
            Ok(SavedFile { file_name: file_name(&path), folder: dir.display().to_string() })
        })
    }

    /// The files in the exchange folder (and those dropped on the window)
    /// this journal can do something with, newest first: bundles to bring
    /// in, cards, and bundles meant for it that cannot be brought in, with
    /// why. Bundles for other journals and those written here are left out.
    pub fn exchange_files(&self) -> Result<Vec<ExchangeFile>, UiError> {
        self.with_journal(|j| {
            let (dir, _) = self.exchange_dir(j)?;
            let mut files: Vec<(FileToken, PathBuf)> = std::fs::read_dir(&dir)
                .map(|entries| {
                    entries
                        .flatten()
                        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
                        .filter_map(|e| Some((FileToken(e.file_name().to_str()?.to_string()), e.path())))
                        .collect()
                })
                .unwrap_or_default();
            files.extend(
                self.dropped_files().into_iter().enumerate().map(|(n, p)| (FileToken(format!("dropped:{n}")), p)),
            );
            let mut found: Vec<ExchangeFile> = files
                .into_iter()
                .filter_map(|(token, path)| {
                    let what = classify(j, &path)?;
                    let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
                    Some(ExchangeFile { token, name: file_name(&path), modified: modified(&path), size, what })
                })
                .collect();
            found.sort_by(|a, b| b.modified.cmp(&a.modified).then_with(|| a.name.cmp(&b.name)));
            Ok(found)
        })
    }

    /// Opens the file chooser; the files chosen become reachable as dropped
    /// ones are, and are returned as the exchange screens list them (those
    /// this journal can do nothing with are left out, as in the folder).
    pub fn choose_files(&self) -> Result<Vec<ExchangeFile>, UiError> {
        let chosen = self.chooser.get().map(|choose| choose()).unwrap_or_default();
        if chosen.is_empty() {
            return Ok(Vec::new());
        }
        self.files_dropped(chosen.clone());
        let dropped = self.dropped_files();
        let tokens: Vec<FileToken> = chosen
            .iter()
            .filter_map(|path| dropped.iter().position(|d| d == path))
            .map(|n| FileToken(format!("dropped:{n}")))
            .collect();
        Ok(self.exchange_files()?.into_iter().filter(|f| tokens.contains(&f.token)).collect())
    }

    /// Adds the card in `file` to the roster, once the person has said its
    /// fingerprint matches the one they were told: `fingerprint` is the one
    /// they confirmed, and must be the file's.
    pub fn trust_card(&self, file: FileToken, fingerprint: Fingerprint) -> Result<RosterEntry, UiError> {
        self.with_journal(|j| {
            let card = Card::read(&self.resolve(j, &file)?)?;
            if card.fingerprint != fingerprint {
                return Err(Error::invalid("the card in that file has changed since you checked it; check it again"));
            }
            j.add_card(&card)
        })
    }

    /// Stops trusting a card: nothing more is sent to it or taken from it.
    pub fn revoke_card(&self, fingerprint: Fingerprint) -> Result<RosterEntry, UiError> {
        self.with_journal(|j| j.revoke_card(&fingerprint))
    }

    /// Writes what `to` has not yet received (or, `full`, everything a file
    /// for them may carry: for when a file went missing) into a new file in
    /// the exchange folder, reporting progress.
    pub fn export_to(&self, to: Fingerprint, full: bool) -> Result<ExportDone, UiError> {
        self.with_journal(|j| {
            let dir = self.ready_exchange_dir(j)?;
            let path = neutral_name("peer-journal", BUNDLE_EXTENSION, &dir);
            let name = file_name(&path);
            let options = ExportOptions { to: vec![to], full };
            self.send_progress("export", &name, 0, 0);
            let summary =
                j.export_bundle(&options, &path, &mut |done, total| self.send_progress("export", &name, done, total))?;
            Ok(ExportDone { summary, file_name: name, folder: dir.display().to_string() })
        })
    }

    /// Brings in one bundle, reporting progress. All of it goes in, or
    /// (refused, stopped, failed) none of it.
    pub fn import_file(&self, file: FileToken) -> Result<ImportSummary, UiError> {
        self.with_journal(|j| {
            let path = self.resolve(j, &file)?;
            let name = file_name(&path);
            self.send_progress("import", &name, 0, 0);
            j.import_bundle(&path, &mut |done, total| self.send_progress("import", &name, done, total))
        })
    }

    /// Stops the import or export running, if one is: it ends having
    /// changed nothing. Answers at once, without waiting for it.
    pub fn stop_job(&self) -> Result<(), UiError> {
        self.stop_running_job();
        Ok(())
    }

    pub(crate) fn stop_running_job(&self) {
        if let Some(stop) = self.stop_flag() {
            stop.store(true, Ordering::Relaxed);
        }
    }
}

fn file_name(path: &Path) -> String {
    path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ipc::{CreateJournalRequest, UiErrorKind};
    use peerjournal::{ErrorKind, KdfParams, Kind, NewJournal};
    use serde_json::json;
    use std::sync::{Arc, Mutex};

    const FAST: KdfParams = KdfParams { memory_kib: 1024, iterations: 1, parallelism: 1 };

    /// A volunteer's session with one person and `contacts` contacts, its
    /// files in `files`; and a supervisor's journal beside it, each trusting
    /// the other.
    fn pair(dir: &Path, contacts: usize) -> (Session, Journal, PathBuf) {
        let files = dir.join("files");
        let session = Session::with_files_dir(dir.join("sam"), files.clone(), FAST);
        let request =
            CreateJournalRequest { name: "Sam".into(), role: Role::Volunteer, passphrase: "a fine passphrase".into() };
        session.create_journal(request).unwrap();
        let (mut morgan, _) = Journal::create(
            &dir.join("morgan"),
            &NewJournal { name: "Morgan", role: Role::Supervisor, passphrase: "a fine passphrase", kdf: FAST },
        )
        .unwrap();
        session
            .with_journal(|j| {
                morgan.add_card(&j.card()?)?;
                j.add_card(&morgan.card()?)?;
                let fields = |v: serde_json::Value| v.as_object().cloned().unwrap_or_default();
                let p = j.add(Kind::Person, fields(json!({"alias": "R.M.", "consent": true})))?.as_person().unwrap();
                for i in 0..contacts {
                    j.add(Kind::Contact, fields(json!({"person": p, "how": "phone", "notes": format!("visit {i}")})))?;
                }
                Ok(())
            })
            .unwrap();
        (session, morgan, files)
    }

    #[test]
    fn a_file_goes_to_the_supervisor_and_their_reply_comes_back_through_the_folder() {
        let dir = tempfile::tempdir().unwrap();
        let (session, mut morgan, files) = pair(dir.path(), 3);
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = Arc::clone(&seen);
        session.on_progress(move |p| log.lock().unwrap().push((p.job.clone(), p.done, p.total)));

        let overview = session.exchange_overview().unwrap();
        assert!(overview.folder_is_default);
        assert_eq!(overview.peers.len(), 1);
        let to = overview.peers[0].card.fingerprint.clone();
        let done = session.export_to(to.clone(), false).unwrap();
        // A neutral name, in the exchange folder; what went is counted.
        assert!(
            done.file_name.starts_with("peer-journal-") && done.file_name.ends_with(".pjbundle"),
            "{}",
            done.file_name
        );
        assert!(!done.file_name.contains("Sam") && !done.file_name.contains("R.M."));
        assert_eq!(done.summary.kinds.get("contact"), Some(&3));
        assert!(files.join(&done.file_name).is_file());
        assert!(seen.lock().unwrap().iter().any(|(job, _, _)| job == "export"));
        // The writer's own file is not offered back to it.
        assert!(session.exchange_files().unwrap().is_empty());

        morgan.import_bundle(&files.join(&done.file_name), &mut |_, _| {}).unwrap();
        let back = files.join("from-morgan.pjbundle");
        let to_sam = ExportOptions { to: vec![session.exchange_overview().unwrap().my_card.fingerprint], full: false };
        morgan.export_bundle(&to_sam, &back, &mut |_, _| {}).unwrap();

        let found = session.exchange_files().unwrap();
        assert_eq!(found.len(), 1, "{found:?}");
        let FileKind::Bundle { look } = &found[0].what else { panic!("{found:?}") };
        assert_eq!((look.sender.as_str(), look.already_imported), ("Morgan", false));
        // Listed with its size, in the bytes its import's progress counts.
        let size = std::fs::metadata(&back).unwrap().len();
        assert_eq!(found[0].size, size);
        let summary = session.import_file(found[0].token.clone()).unwrap();
        assert_eq!(summary.sender, "Morgan");
        assert!(seen
            .lock()
            .unwrap()
            .iter()
            .any(|(job, done, total)| job == "import" && *done == size && *total == size));
        // Brought in, it is no longer offered; the receipt in Morgan's file
        // says what Morgan holds.
        let FileKind::Bundle { look } = &session.exchange_files().unwrap()[0].what else { panic!() };
        assert!(look.already_imported);
        let peer = &session.exchange_overview().unwrap().peers[0];
        assert!(peer.received_at.is_some() && peer.waiting_changes == 0, "{peer:?}");
    }

    #[test]
    fn the_report_is_counted_and_saved_naming_no_one() {
        let dir = tempfile::tempdir().unwrap();
        let (session, _morgan, files) = pair(dir.path(), 2);
        let all = session.report(None, None, None).unwrap();
        assert_eq!((all.contacts, all.people), (2, 1));
        let bad = session.report(Some("last week".into()), None, None).unwrap_err();
        assert_eq!(bad.kind, UiErrorKind::Journal(ErrorKind::InvalidInput));
        let saved = session.save_report(None, None).unwrap();
        let html = std::fs::read_to_string(files.join(&saved.file_name)).unwrap();
        assert!(html.contains("<!doctype html>") && !html.contains("R.M."), "the page names someone");
        let csv = files.join(saved.file_name.replace(".html", ".csv"));
        assert!(std::fs::read_to_string(csv).unwrap().contains("contacts"));
    }

    #[test]
    fn the_directory_comes_from_a_template_filled_in() {
        let dir = tempfile::tempdir().unwrap();
        let (session, _morgan, files) = pair(dir.path(), 0);
        let saved = session.save_directory_template().unwrap();
        let mut text = std::fs::read_to_string(files.join(&saved.file_name)).unwrap();
        text.push_str(",no name,,,,\n");
        let report = session.import_directory(text).unwrap();
        assert_eq!((report.added, report.rejected.len()), (1, 1));
        let bad = session.import_directory("Phone\n1\n".into()).unwrap_err();
        assert_eq!(bad.kind, UiErrorKind::Journal(ErrorKind::InvalidInput));
    }

    #[test]
    fn only_files_in_the_exchange_folder_or_dropped_can_be_named() {
        let dir = tempfile::tempdir().unwrap();
        let (session, _morgan, files) = pair(dir.path(), 0);
        std::fs::create_dir_all(&files).unwrap();
        let outside = dir.path().join("elsewhere.pjcard");
        std::fs::write(&outside, "{}").unwrap();
        for token in ["../elsewhere.pjcard", outside.to_str().unwrap(), "dropped:0", "", "."] {
            let err = session.import_file(FileToken(token.into())).unwrap_err();
            assert_eq!(err.kind, UiErrorKind::Journal(ErrorKind::InvalidInput), "{token}");
        }
        session.files_dropped(vec![outside.clone()]);
        let err = session.import_file(FileToken("dropped:0".into())).unwrap_err();
        assert_ne!(err.kind, UiErrorKind::Journal(ErrorKind::InvalidInput), "a dropped file is reachable");
    }

    #[test]
    fn files_chosen_in_the_chooser_are_listed_and_reachable() {
        let dir = tempfile::tempdir().unwrap();
        let (session, mut morgan, _files) = pair(dir.path(), 0);
        // Nothing to choose from yet: the chooser is not set, or cancelled.
        assert!(session.choose_files().unwrap().is_empty());
        let elsewhere = dir.path().join("stick");
        std::fs::create_dir_all(&elsewhere).unwrap();
        let to_sam = ExportOptions { to: vec![session.exchange_overview().unwrap().my_card.fingerprint], full: false };
        let file = elsewhere.join("from-morgan.pjbundle");
        morgan.export_bundle(&to_sam, &file, &mut |_, _| {}).unwrap();
        let chosen = vec![file.clone(), elsewhere.join("notes.txt")];
        session.on_choose(move || chosen.clone());
        let found = session.choose_files().unwrap();
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(matches!(found[0].what, FileKind::Bundle { .. }));
        let summary = session.import_file(found[0].token.clone()).unwrap();
        assert_eq!(summary.sender, "Morgan");
    }

    #[test]
    fn a_card_is_trusted_only_as_checked_and_can_be_revoked() {
        let dir = tempfile::tempdir().unwrap();
        let (session, _morgan, files) = pair(dir.path(), 0);
        let (kim, _) = Journal::create(
            &dir.path().join("kim"),
            &NewJournal { name: "Kim", role: Role::Supervisor, passphrase: "a fine passphrase", kdf: FAST },
        )
        .unwrap();
        std::fs::create_dir_all(&files).unwrap();
        kim.export_card(&files.join("kim.pjcard")).unwrap();
        // Its own card, saved, is not offered to itself.
        let saved = session.save_my_card().unwrap();
        assert!(saved.file_name.ends_with(".pjcard") && files.join(&saved.file_name).is_file());
        let found = session.exchange_files().unwrap();
        assert_eq!(found.len(), 1, "{found:?}");
        let FileKind::Card { card, trusted } = &found[0].what else { panic!("{found:?}") };
        assert_eq!((card.name.as_str(), *trusted), ("Kim", false));
        let wrong = session.exchange_overview().unwrap().my_card.fingerprint;
        assert!(session.trust_card(found[0].token.clone(), wrong).is_err());
        assert_eq!(session.exchange_overview().unwrap().peers.len(), 1);
        session.trust_card(found[0].token.clone(), card.fingerprint.clone()).unwrap();
        assert_eq!(session.exchange_overview().unwrap().peers.len(), 2);
        let revoked = session.revoke_card(card.fingerprint.clone()).unwrap();
        assert!(revoked.revoked_at.is_some());
    }

    #[test]
    fn stopping_or_locking_during_an_import_changes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let (session, mut morgan, files) = pair(dir.path(), 0);
        std::fs::create_dir_all(&files).unwrap();
        // Morgan's journal with enough in it for the import to take a while.
        let sam = session.exchange_overview().unwrap().my_card.fingerprint;
        let fields = |v: serde_json::Value| v.as_object().cloned().unwrap_or_default();
        for i in 0..3000 {
            morgan.add(Kind::Service, fields(json!({"name": format!("Service {i}"), "category": "food"}))).unwrap();
        }
        morgan
            .export_bundle(&ExportOptions { to: vec![sam], full: false }, &files.join("big.pjbundle"), &mut |_, _| {})
            .unwrap();
        let session = Arc::new(session);
        let counts = |s: &Session| s.record_counts().unwrap();
        let before = counts(&session);
        // As soon as progress is reported: first a stop, then a lock (from
        // another thread, as the window's Lock button would), then nothing.
        let what = Arc::new(std::sync::atomic::AtomicU8::new(1));
        let (stopper, doing) = (Arc::clone(&session), Arc::clone(&what));
        session.on_progress(move |p| {
            if p.job != "import" || p.done == 0 {
                return;
            }
            match doing.swap(0, Ordering::SeqCst) {
                1 => stopper.stop_running_job(),
                2 => {
                    let locker = Arc::clone(&stopper);
                    std::thread::spawn(move || locker.lock());
                    // The lock waits for the import, which stops at its next report.
                    std::thread::sleep(std::time::Duration::from_millis(200));
                }
                _ => {}
            }
        });
        let err = session.import_file(FileToken("big.pjbundle".into())).unwrap_err();
        assert_eq!(err.kind, UiErrorKind::Journal(ErrorKind::Cancelled));
        assert_eq!(counts(&session), before);

        what.store(2, Ordering::SeqCst);
        let err = session.import_file(FileToken("big.pjbundle".into())).unwrap_err();
        assert_eq!(err.kind, UiErrorKind::Journal(ErrorKind::Cancelled));
        // The lock went through once the import had stopped.
        std::thread::sleep(std::time::Duration::from_millis(300));
        assert_eq!(session.app_state().unwrap().journal, crate::ipc::JournalState::Locked);
        session.unlock("a fine passphrase".into()).unwrap();
        assert_eq!(counts(&session), before);

        // Left alone, it goes in whole.
        let summary = session.import_file(FileToken("big.pjbundle".into())).unwrap();
        assert_eq!(summary.kinds.get("service").map(|k| k.new), Some(3000));
    }
}
