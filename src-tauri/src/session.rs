//! The app's session: at most one unlocked journal, the idle timer, and the
//! body of every command. Nothing here knows Tauri, so it is tested on a
//! temporary folder without a window (see the tests below).
//!
//! A command that asks or changes the journal is one call on the core
//! through `Session::with_journal`, which refuses while the journal is
//! locked, reads the core's errors knowing the journal's folder, and
//! restarts the idle timer. What a command is given is checked by the core,
//! not here; secrets given (passphrases, recovery keys) are wiped from
//! memory once used, and nothing given is logged.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::time::{Duration, Instant};

use peerjournal::keys::PassphraseStrength;
use peerjournal::{
    presence, Conflict, Draft, HistoryEntry, Journal, KdfParams, Kind, NewJournal, Page, PersonId, Presence,
    PurgeReport, Record, RecordCounts, RecordId, SearchHit,
};
use zeroize::Zeroizing;

use peerjournal::access::Written as SubjectAccessWritten;
use peerjournal::journal::backup::BackupWritten;

use crate::exchange::JobProgress;
use crate::ipc::{AppState, CreateJournalRequest, Created, FieldValue, FieldValues, FoundFile, JournalState, UiError};

/// The app's state, shared by every command.
pub struct Session {
    /// The person's own journal's folder.
    real_dir: PathBuf,
    /// The demo journal's folder, of made-up people: beside the real one,
    /// never the same.
    demo_dir: PathBuf,
    /// Where files the person takes away or brings are kept (backups,
    /// subject-access exports): see [`Session::files_dir`].
    files_dir: PathBuf,
    /// Whether the demo journal is the one in use.
    demo: AtomicBool,
    kdf: KdfParams,
    inner: Mutex<Inner>,
    /// The open journal's stop flag, reachable while an import or export
    /// holds `inner` (see `exchange`).
    stop: Mutex<Option<Arc<AtomicBool>>>,
    /// Where import and export progress goes (see `Session::on_progress`).
    pub(crate) progress: OnceLock<ProgressSink>,
    /// Files dropped on the window or chosen in the file chooser, by
    /// number (see `exchange::FileToken`).
    dropped: Mutex<Vec<PathBuf>>,
    /// Opens the native file chooser and returns what was chosen (see
    /// `Session::on_choose`).
    pub(crate) chooser: OnceLock<Chooser>,
}

/// Where import and export progress is sent.
pub(crate) type ProgressSink = Box<dyn Fn(&JobProgress) + Send + Sync>;
/// The native file chooser: the files the person chose (none if they cancelled).
pub(crate) type Chooser = Box<dyn Fn() -> Vec<PathBuf> + Send + Sync>;

/// The demo journal's folder for the journal in `dir`.
pub fn demo_dir_for(dir: &Path) -> PathBuf {
    let mut name = dir.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push("-demo");
    dir.with_file_name(name)
}

struct Inner {
    journal: Option<Journal>,
    erased_at_unlock: u32,
    idle_lock: Duration,
    last_activity: Instant,
    /// The idle spell (by the moment of its last activity) in which the
    /// journal's caches were last let go (see `tidy_if_idle`).
    rested_after: Option<Instant>,
}

impl Session {
    /// A session over the journal folder `dir`. `kdf` is the key derivation
    /// cost for new passphrases.
    pub fn new(dir: PathBuf, kdf: KdfParams) -> Self {
        let files_dir = dir.join("files");
        Self::with_files_dir(dir, files_dir, kdf)
    }

    /// [`Session::new`], keeping files the person takes away in `files_dir`.
    pub fn with_files_dir(dir: PathBuf, files_dir: PathBuf, kdf: KdfParams) -> Self {
        Session {
            demo_dir: demo_dir_for(&dir),
            real_dir: dir,
            files_dir,
            demo: AtomicBool::new(false),
            kdf,
            inner: Mutex::new(Inner {
                journal: None,
                erased_at_unlock: 0,
                idle_lock: minutes(peerjournal::journal::DEFAULT_IDLE_LOCK_MINUTES),
                last_activity: Instant::now(),
                rested_after: None,
            }),
            stop: Mutex::new(None),
            progress: OnceLock::new(),
            dropped: Mutex::new(Vec::new()),
            chooser: OnceLock::new(),
        }
    }

    /// The open journal's stop flag, if one was opened.
    pub(crate) fn stop_flag(&self) -> Option<Arc<AtomicBool>> {
        self.stop.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// The files dropped on the window so far, by number.
    pub(crate) fn dropped_files(&self) -> Vec<PathBuf> {
        self.dropped.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// Notes files dropped on the window, so the exchange screens may open
    /// them (and only them, of all the files outside the exchange folder).
    pub fn files_dropped(&self, paths: Vec<PathBuf>) {
        let mut dropped = self.dropped.lock().unwrap_or_else(|p| p.into_inner());
        for path in paths {
            if !dropped.contains(&path) {
                dropped.push(path);
            }
        }
    }

    /// The folder of the journal in use: the person's own, or the demo's.
    pub fn dir(&self) -> &Path {
        if self.in_demo() {
            &self.demo_dir
        } else {
            &self.real_dir
        }
    }

    fn in_demo(&self) -> bool {
        self.demo.load(Ordering::SeqCst)
    }

    /// Where backups and exports are written, and backups looked for.
    pub fn files_dir(&self) -> &Path {
        &self.files_dir
    }

    /// An error of the core's as the UI shows it, read knowing the journal's
    /// folder (a full disk is named as one; see `Error::in_folder`).
    fn fail(&self, e: peerjournal::Error) -> UiError {
        UiError::from(e.in_folder(self.dir()))
    }

    /// Runs `f` on the open journal (refusing when it is locked), with its
    /// error read as the UI shows it, and notes that the person is using
    /// the app. Every command that asks or changes the journal goes
    /// through here.
    pub(crate) fn with_journal<T>(&self, f: impl FnOnce(&mut Journal) -> peerjournal::Result<T>) -> Result<T, UiError> {
        let mut inner = self.inner();
        let journal = inner.journal.as_mut().ok_or_else(UiError::locked)?;
        let out = f(journal).map_err(|e| self.fail(e));
        inner.last_activity = Instant::now();
        out
    }

    fn inner(&self) -> MutexGuard<'_, Inner> {
        // A panic while holding the lock must not leave the app unusable; the
        // state inside is still consistent (an Option and two numbers).
        self.inner.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Which screen the UI should show.
    pub fn app_state(&self) -> Result<AppState, UiError> {
        let inner = self.inner();
        self.state_of(&inner)
    }

    fn state_of(&self, inner: &Inner) -> Result<AppState, UiError> {
        let mut state = AppState {
            journal: JournalState::Locked,
            name: None,
            role: None,
            idle_lock_minutes: (inner.idle_lock.as_secs() / 60) as u32,
            journal_dir: self.dir().display().to_string(),
            erased_at_unlock: 0,
            retention_months: 0,
            clock_ahead_minutes: None,
            discreet_mode: false,
            fingerprint: None,
            device_id: None,
            demo: self.in_demo(),
            files_dir: self.files_dir.display().to_string(),
        };
        match &inner.journal {
            Some(j) => {
                let status = j.status()?;
                state.journal = JournalState::Unlocked;
                state.name = Some(status.name);
                state.role = Some(status.role);
                state.fingerprint = Some(status.fingerprint);
                state.device_id = Some(status.device_id);
                state.erased_at_unlock = inner.erased_at_unlock;
                state.retention_months = j.retention_months()?;
                state.clock_ahead_minutes = j.clock_ahead_minutes()?.map(|m| u32::try_from(m).unwrap_or(u32::MAX));
                state.discreet_mode = j.discreet_mode()?;
            }
            None if presence(self.dir()) == Presence::Missing => state.journal = JournalState::Missing,
            None => {}
        }
        Ok(state)
    }

    /// First-run set-up: creates the journal, leaves it unlocked, and hands
    /// back the recovery key to show once.
    pub fn create_journal(&self, request: CreateJournalRequest) -> Result<Created, UiError> {
        let mut inner = self.inner();
        let (journal, recovery) = Journal::create(
            self.dir(),
            &NewJournal { name: &request.name, role: request.role, passphrase: &request.passphrase, kdf: self.kdf },
        )
        .map_err(|e| self.fail(e))?;
        self.opened(&mut inner, journal)?;
        let state = self.state_of(&inner)?;
        Ok(Created { recovery_key: recovery.display().to_string(), state })
    }

    /// Unlocks with the passphrase.
    pub fn unlock(&self, passphrase: String) -> Result<AppState, UiError> {
        let passphrase = Zeroizing::new(passphrase);
        let mut inner = self.inner();
        let journal = Journal::open(self.dir(), &passphrase).map_err(|e| self.fail(e))?;
        self.opened(&mut inner, journal)?;
        self.state_of(&inner)
    }

    /// Unlocks with the recovery key and sets a new passphrase.
    pub fn unlock_with_recovery(&self, recovery_key: String, new_passphrase: String) -> Result<AppState, UiError> {
        let (recovery_key, new_passphrase) = (Zeroizing::new(recovery_key), Zeroizing::new(new_passphrase));
        let mut inner = self.inner();
        let journal = Journal::recover(self.dir(), &recovery_key, &new_passphrase).map_err(|e| self.fail(e))?;
        self.opened(&mut inner, journal)?;
        self.state_of(&inner)
    }

    fn opened(&self, inner: &mut Inner, journal: Journal) -> Result<(), UiError> {
        *self.stop.lock().unwrap_or_else(|p| p.into_inner()) = Some(journal.stop_flag());
        inner.idle_lock = minutes(journal.idle_lock_minutes()?);
        inner.erased_at_unlock = journal.last_purge().map_or(0, |r| r.erased_people.len() as u32);
        inner.journal = Some(journal);
        inner.last_activity = Instant::now();
        Ok(())
    }

    /// Locks: closes the database and wipes the key. An import or export
    /// running is stopped first, changing nothing.
    pub fn lock(&self) -> Result<AppState, UiError> {
        self.stop_running_job();
        let mut inner = self.inner();
        inner.journal = None;
        let state = self.state_of(&inner);
        drop(inner);
        crate::memory::give_back_freed();
        state
    }

    /// Notes that the person is using the app.
    pub fn touch(&self) -> Result<(), UiError> {
        self.inner().last_activity = Instant::now();
        Ok(())
    }

    /// Sets how long the app may sit unused before it locks.
    pub fn set_idle_lock_minutes(&self, value: u32) -> Result<AppState, UiError> {
        let mut inner = self.inner();
        let journal = inner.journal.as_mut().ok_or_else(UiError::locked)?;
        journal.set_idle_lock_minutes(value).map_err(|e| self.fail(e))?;
        inner.idle_lock = minutes(value);
        inner.last_activity = Instant::now();
        self.state_of(&inner)
    }

    /// How hard `passphrase` would be to guess, judged against the keeper's
    /// name too: `name` as typed in set-up, or the open journal's own.
    pub fn passphrase_strength(&self, passphrase: String, name: Option<String>) -> Result<PassphraseStrength, UiError> {
        let passphrase = Zeroizing::new(passphrase);
        let name = match name {
            Some(name) => Some(name),
            None => self.inner().journal.as_ref().map(|j| j.status()).transpose()?.map(|s| s.name),
        };
        let about_you: Vec<&str> = name.as_deref().into_iter().collect();
        Ok(peerjournal::keys::passphrase_strength(&passphrase, &about_you))
    }

    /// Changes the passphrase once `current_passphrase` is shown to be the
    /// one that unlocks the journal now. The new one is sealed at the
    /// session's key derivation cost. Both are wiped from memory after.
    pub fn change_passphrase(&self, current_passphrase: String, new_passphrase: String) -> Result<(), UiError> {
        let (current, new) = (Zeroizing::new(current_passphrase), Zeroizing::new(new_passphrase));
        self.with_journal(|j| j.replace_passphrase(&current, &new, self.kdf))
    }

    /// Turns discreet mode on or off.
    pub fn set_discreet_mode(&self, on: bool) -> Result<AppState, UiError> {
        self.with_journal(|j| j.set_discreet_mode(on))?;
        self.app_state()
    }

    /// Sets how many months after an ending records are kept.
    pub fn set_retention_months(&self, months: u32) -> Result<AppState, UiError> {
        self.with_journal(|j| j.set_retention_months(months))?;
        self.app_state()
    }

    /// Erases now the relationships that ended longer ago than the journal
    /// keeps them (as unlocking does).
    pub fn purge_now(&self) -> Result<PurgeReport, UiError> {
        self.with_journal(|j| j.purge())
    }

    /// Adds a record.
    pub fn add_record(&self, kind: Kind, fields: FieldValues) -> Result<Record, UiError> {
        self.with_journal(|j| j.add(kind, fields.0))
    }

    /// Changes some fields of a record.
    pub fn update_record(&self, id: RecordId, fields: FieldValues) -> Result<Record, UiError> {
        self.with_journal(|j| j.update(&id, fields.0))
    }

    /// Deletes a record.
    pub fn delete_record(&self, id: RecordId) -> Result<(), UiError> {
        self.with_journal(|j| j.delete(&id))
    }

    /// One record.
    pub fn get_record(&self, id: RecordId) -> Result<Record, UiError> {
        self.with_journal(|j| j.get(&id))
    }

    /// Records of one kind, optionally one person's.
    pub fn list_records(&self, kind: Kind, person: Option<PersonId>, page: Page) -> Result<Vec<Record>, UiError> {
        self.with_journal(|j| j.list(kind, person.as_ref(), page))
    }

    /// Everything about a person.
    pub fn person_timeline(&self, person: PersonId, page: Page) -> Result<Vec<Record>, UiError> {
        self.with_journal(|j| j.timeline(&person, page))
    }

    /// Full-text search.
    pub fn search_records(&self, query: String, page: Page) -> Result<Vec<SearchHit>, UiError> {
        self.with_journal(|j| j.search(&query, page))
    }

    /// What is due by the end of today, by the computer's own calendar.
    pub fn due_records(&self, page: Page) -> Result<Vec<Record>, UiError> {
        let today = peerjournal::kinds::local_now().date().to_string();
        self.with_journal(|j| j.due(&today, page))
    }

    /// Records of a kind that need attention.
    pub fn needing_attention(&self, kind: Kind, page: Page) -> Result<Vec<Record>, UiError> {
        self.with_journal(|j| j.needing_attention(kind, page))
    }

    /// Notes and acknowledgements from someone else not yet read here.
    pub fn unread_records(&self, page: Page) -> Result<Vec<Record>, UiError> {
        self.with_journal(|j| j.unread(page))
    }

    /// Marks a note or acknowledgement read.
    pub fn mark_read(&self, id: RecordId) -> Result<(), UiError> {
        self.with_journal(|j| j.mark_read(&id))
    }

    /// A record's history.
    pub fn record_history(&self, id: RecordId) -> Result<Vec<HistoryEntry>, UiError> {
        self.with_journal(|j| j.history(&id))
    }

    /// Records in conflict.
    pub fn list_conflicts(&self, page: Page) -> Result<Vec<Conflict>, UiError> {
        self.with_journal(|j| j.conflicts(page))
    }

    /// Settles a conflict on one field.
    pub fn resolve_conflict(&self, id: RecordId, field: String, value: FieldValue) -> Result<Record, UiError> {
        self.with_journal(|j| j.resolve_conflict(&id, &field, value.0))
    }

    /// Forgets a person: erases them and everything about them.
    pub fn forget_person(&self, person: PersonId) -> Result<u32, UiError> {
        self.with_journal(|j| j.forget_person(&person))
    }

    /// How many records of each kind.
    pub fn record_counts(&self) -> Result<RecordCounts, UiError> {
        self.with_journal(|j| j.counts())
    }

    /// The services still taking referrals.
    pub fn offered_services(&self, page: Page) -> Result<Vec<Record>, UiError> {
        self.with_journal(|j| j.offered_services(page))
    }

    /// Marks a service as no longer taking referrals.
    pub fn retire_service(&self, id: RecordId) -> Result<Record, UiError> {
        self.with_journal(|j| j.retire_service(&id))
    }

    /// Offers a retired service again.
    pub fn unretire_service(&self, id: RecordId) -> Result<Record, UiError> {
        self.with_journal(|j| j.unretire_service(&id))
    }

    /// Keeps a form's draft.
    pub fn save_draft(&self, key: String, kind: Kind, fields: FieldValues) -> Result<Draft, UiError> {
        self.with_journal(|j| j.save_draft(&key, kind, fields.0))
    }

    /// Every draft kept.
    pub fn list_drafts(&self) -> Result<Vec<Draft>, UiError> {
        self.with_journal(|j| j.drafts())
    }

    /// Throws a draft away.
    pub fn discard_draft(&self, key: String) -> Result<(), UiError> {
        self.with_journal(|j| j.discard_draft(&key))
    }

    /// Opens the demo journal of made-up people, making it the first time,
    /// after closing whatever journal was open.
    pub fn open_demo(&self) -> Result<AppState, UiError> {
        let mut inner = self.inner();
        inner.journal = None;
        self.demo.store(true, Ordering::SeqCst);
        let opened = if presence(self.dir()) == Presence::Missing {
            Journal::create_demo(self.dir()).and_then(|mut j| {
                peerjournal::demo::fill(&mut j, 12, 240, 1, &mut |_, _| {})?;
                Ok(j)
            })
        } else {
            Journal::open(self.dir(), peerjournal::journal::DEMO_PASSPHRASE)
        };
        match opened {
            Ok(journal) => self.opened(&mut inner, journal)?,
            Err(e) => {
                self.demo.store(false, Ordering::SeqCst);
                return Err(self.fail(e));
            }
        }
        self.state_of(&inner)
    }

    /// Closes the demo and goes back to the person's own journal (locked).
    pub fn leave_demo(&self) -> Result<AppState, UiError> {
        let mut inner = self.inner();
        inner.journal = None;
        self.demo.store(false, Ordering::SeqCst);
        self.state_of(&inner)
    }

    /// Writes a backup of the open journal into the files folder.
    pub fn back_up_journal(&self) -> Result<BackupWritten, UiError> {
        self.with_journal(|j| j.back_up(&self.files_dir))
    }

    /// The backups (`.pjbackup` files) in the files folder and on removable
    /// drives, newest first.
    pub fn find_backups(&self) -> Result<Vec<FoundFile>, UiError> {
        let mut found = Vec::new();
        for folder in places_for_files(&self.files_dir) {
            found.extend(files_in(&folder, peerjournal::journal::backup::EXTENSION));
        }
        found.sort_by(|a, b| b.modified.cmp(&a.modified).then_with(|| a.path.cmp(&b.path)));
        found.dedup_by(|a, b| a.path == b.path);
        Ok(found)
    }

    /// Restores the backup at `path` where the person's own journal would
    /// be, when there is none yet, and opens it.
    pub fn restore_backup(
        &self,
        path: String,
        recovery_key: String,
        new_passphrase: String,
    ) -> Result<AppState, UiError> {
        let (recovery_key, new_passphrase) = (Zeroizing::new(recovery_key), Zeroizing::new(new_passphrase));
        let mut inner = self.inner();
        if self.in_demo() {
            inner.journal = None;
            self.demo.store(false, Ordering::SeqCst);
        }
        let journal =
            peerjournal::journal::backup::restore(Path::new(&path), self.dir(), &recovery_key, &new_passphrase)
                .map_err(|e| self.fail(e))?;
        self.opened(&mut inner, journal)?;
        self.state_of(&inner)
    }

    /// Writes everything held about `person` into the files folder.
    pub fn export_person(&self, person: PersonId) -> Result<SubjectAccessWritten, UiError> {
        self.with_journal(|j| peerjournal::access::export_person(j, &person, &self.files_dir))
    }

    /// Every volunteer's card, with what this journal holds of theirs.
    pub fn volunteers(&self) -> Result<Vec<peerjournal::journal::VolunteerSummary>, UiError> {
        self.with_journal(|j| j.volunteers())
    }

    /// What needs a look before supervision, each list as long as `limits` says.
    pub fn review(
        &self,
        options: peerjournal::journal::review::ReviewOptions,
        limits: peerjournal::journal::review::ReviewLimits,
    ) -> Result<peerjournal::journal::review::Review, UiError> {
        self.with_journal(|j| j.review_up_to(&options, &limits))
    }

    /// The de-identified summary of a period (days `YYYY-MM-DD`, either
    /// end open), of everything or of one volunteer's records: for charts.
    pub fn report(
        &self,
        since: Option<String>,
        until: Option<String>,
        volunteer: Option<peerjournal::Fingerprint>,
    ) -> Result<peerjournal::report::Report, UiError> {
        self.with_journal(|j| {
            let period = peerjournal::report::Period::parse(since.as_deref(), until.as_deref())?;
            j.report_of(period, volunteer.as_ref())
        })
    }

    /// The funder report of a period (everything, naming no one, small
    /// counts held back): for the page to print.
    pub fn funder_report(
        &self,
        since: Option<String>,
        until: Option<String>,
    ) -> Result<peerjournal::reports::shared::SharedReport, UiError> {
        self.with_journal(|j| shared_report(j, since, until))
    }

    /// Writes the funder report of a period (as [`Session::funder_report`])
    /// into the files folder, as a printable page and a CSV table.
    pub fn save_report(
        &self,
        since: Option<String>,
        until: Option<String>,
    ) -> Result<crate::exchange::SavedFile, UiError> {
        self.with_journal(|j| {
            let report = shared_report(j, since, until)?;
            let dir = &self.files_dir;
            let io = |path: &Path, e| peerjournal::Error::Io { action: "write", path: path.to_path_buf(), source: e };
            std::fs::create_dir_all(dir).map_err(|e| io(dir, e))?;
            let stem = format!("peer-journal-report-{}", chrono::Local::now().format("%Y-%m-%d-%H%M%S"));
            let (html, csv) = (dir.join(format!("{stem}.html")), dir.join(format!("{stem}.csv")));
            peerjournal::report::write_new(&html, &report.to_html())?;
            peerjournal::report::write_new(&csv, &report.to_csv())?;
            Ok(crate::exchange::SavedFile { file_name: format!("{stem}.html"), folder: dir.display().to_string() })
        })
    }

    /// Adds the services of a spreadsheet's CSV text (the window reads the
    /// file the person picked, so no path crosses to here); rows that
    /// cannot be taken are reported.
    pub fn import_directory(&self, text: String) -> Result<peerjournal::journal::directory::DirectoryImport, UiError> {
        self.with_journal(|j| j.import_directory(&text))
    }

    /// Writes a CSV file to start a directory from into the files folder.
    pub fn save_directory_template(&self) -> Result<crate::exchange::SavedFile, UiError> {
        let dir = &self.files_dir;
        std::fs::create_dir_all(dir).map_err(|e| {
            self.fail(peerjournal::Error::Io { action: "make the folder", path: dir.clone(), source: e })
        })?;
        let name = format!("peer-journal-services-{}.csv", chrono::Local::now().format("%Y-%m-%d-%H%M%S"));
        peerjournal::report::write_new(&dir.join(&name), &peerjournal::journal::directory::template())
            .map_err(|e| self.fail(e))?;
        Ok(crate::exchange::SavedFile { file_name: name, folder: dir.display().to_string() })
    }

    /// Does the work saves leave for idle moments (a step of merging the
    /// search index, folding the write-ahead logs back into the database
    /// files; see `Journal::tidy_while_idle`) if the journal is open and
    /// nothing has happened for [`TIDY_AFTER`] at `now`. Once nothing is
    /// left to tidy and nothing has happened for [`REST_AFTER`], it lets go
    /// of the journal's caches and hands the freed memory back to the
    /// system, once per idle spell: an app left open on a desk holds only
    /// what it needs, and a pause mid-note keeps its caches warm.
    pub fn tidy_if_idle(&self, now: Instant) -> Idle {
        let mut inner = self.inner();
        if now.saturating_duration_since(inner.last_activity) < TIDY_AFTER {
            return Idle::Nothing;
        }
        let resting = now.saturating_duration_since(inner.last_activity) >= REST_AFTER
            && inner.rested_after != Some(inner.last_activity);
        let Some(journal) = &inner.journal else { return Idle::Nothing };
        let tidied = journal.tidy_while_idle();
        // Caches are let go even if tidying failed (a damaged search index
        // is rebuilt at the next unlock): memory is not kept for it.
        if !resting || matches!(tidied, Ok(true)) {
            return if tidied.is_ok() { Idle::Tidied } else { Idle::Nothing };
        }
        let _ = journal.release_memory();
        inner.rested_after = Some(inner.last_activity);
        // Handing memory back takes a moment; commands need not wait for it.
        drop(inner);
        crate::memory::give_back_freed();
        Idle::LetGo
    }

    /// Locks the journal if it has been idle for longer than allowed at
    /// `now`. Returns true if this call locked it.
    pub fn lock_if_idle(&self, now: Instant) -> bool {
        let mut inner = self.inner();
        if inner.journal.is_some() && now.saturating_duration_since(inner.last_activity) >= inner.idle_lock {
            inner.journal = None;
            drop(inner);
            crate::memory::give_back_freed();
            return true;
        }
        false
    }
}

/// What [`Session::tidy_if_idle`] did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Idle {
    /// Nothing: the journal is locked, or was used just now.
    Nothing,
    /// A step of tidying.
    Tidied,
    /// Nothing was left to tidy, and the journal's caches were let go.
    LetGo,
}

/// How long the journal must be left alone before the idle timer lets go of
/// its caches (see [`Session::tidy_if_idle`]).
pub const REST_AFTER: Duration = Duration::from_secs(60);

/// How long the journal must be left alone before the idle timer tidies it
/// (see [`Session::tidy_if_idle`]).
pub const TIDY_AFTER: Duration = Duration::from_secs(3);

fn minutes(m: u32) -> Duration {
    Duration::from_secs(u64::from(m) * 60)
}

/// Where backups may be: the files folder, and the drives plugged in (a
/// USB stick), one folder deep.
fn places_for_files(files_dir: &Path) -> Vec<PathBuf> {
    let mut places = vec![files_dir.to_path_buf()];
    #[cfg(target_os = "linux")]
    if let Some(user) = std::env::var_os("USER") {
        for root in [Path::new("/media").join(&user), Path::new("/run/media").join(&user)] {
            if let Ok(drives) = std::fs::read_dir(&root) {
                places.extend(drives.flatten().map(|d| d.path()).filter(|p| p.is_dir()));
            }
        }
    }
    places
}

/// The files in `folder` whose name ends with `.extension`.
fn files_in(folder: &Path, extension: &str) -> Vec<FoundFile> {
    let Ok(entries) = std::fs::read_dir(folder) else { return Vec::new() };
    entries
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == extension))
        .filter_map(|e| {
            let meta = e.metadata().ok().filter(|m| m.is_file())?;
            let modified: chrono::DateTime<chrono::Local> = meta.modified().ok()?.into();
            Some(FoundFile {
                path: e.path().display().to_string(),
                name: e.file_name().to_string_lossy().into_owned(),
                modified: modified.format("%Y-%m-%dT%H:%M").to_string(),
                bytes: meta.len(),
            })
        })
        .collect()
}

/// The funder report of a period, as it may be shared.
fn shared_report(
    j: &Journal,
    since: Option<String>,
    until: Option<String>,
) -> peerjournal::Result<peerjournal::reports::shared::SharedReport> {
    let report = j.report(peerjournal::report::Period::parse(since.as_deref(), until.as_deref())?)?;
    Ok(report.for_sharing(&j.status()?.name))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ipc::UiErrorKind;
    use peerjournal::Role;
    use serde_json::json;

    const FAST: KdfParams = KdfParams { memory_kib: 1024, iterations: 1, parallelism: 1 };

    fn request(passphrase: &str) -> CreateJournalRequest {
        CreateJournalRequest { name: "Sam".into(), role: Role::Volunteer, passphrase: passphrase.into() }
    }

    #[test]
    fn first_run_create_lock_and_unlock() {
        let dir = tempfile::tempdir().unwrap();
        let session = Session::new(dir.path().join("journal"), FAST);
        assert_eq!(session.app_state().unwrap().journal, JournalState::Missing);
        let created = session.create_journal(request("a fine passphrase")).unwrap();
        assert_eq!(created.recovery_key.len(), 39);
        assert_eq!(created.state.journal, JournalState::Unlocked);
        assert_eq!(created.state.name.as_deref(), Some("Sam"));
        assert_eq!(session.lock().unwrap().journal, JournalState::Locked);
        let err = session.unlock("not it at all".into()).unwrap_err();
        assert_eq!(err.kind, UiErrorKind::Journal(peerjournal::ErrorKind::WrongPassphrase));
        assert_eq!(session.app_state().unwrap().journal, JournalState::Locked);
        assert_eq!(session.unlock("a fine passphrase".into()).unwrap().journal, JournalState::Unlocked);
    }

    #[test]
    fn recovery_key_unlocks_and_replaces_the_passphrase() {
        let dir = tempfile::tempdir().unwrap();
        let session = Session::new(dir.path().to_path_buf(), FAST);
        let key = session.create_journal(request("a fine passphrase")).unwrap().recovery_key;
        session.lock().unwrap();
        let err = session.unlock_with_recovery("AAAA-BBBB".into(), "next passphrase".into()).unwrap_err();
        assert_eq!(err.kind, UiErrorKind::Journal(peerjournal::ErrorKind::BadRecoveryKey));
        session.unlock_with_recovery(key, "next passphrase".into()).unwrap();
        session.lock().unwrap();
        assert_eq!(session.unlock("next passphrase".into()).unwrap().journal, JournalState::Unlocked);
    }

    #[test]
    fn idle_timer_tidies_only_when_open_and_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let session = Session::new(dir.path().to_path_buf(), FAST);
        assert_eq!(session.tidy_if_idle(Instant::now()), Idle::Nothing, "nothing is open");
        session.create_journal(request("a fine passphrase")).unwrap();
        let start = Instant::now();
        session.touch().unwrap();
        assert_eq!(session.tidy_if_idle(start), Idle::Nothing, "just used");
        // Once nothing is left to tidy, its caches are let go, once per
        // idle spell.
        let spell = |after: Duration, n: u32| -> Vec<Idle> {
            (1..=n).map(|i| session.tidy_if_idle(Instant::now() + after + TIDY_AFTER * i)).collect()
        };
        let short = spell(Duration::ZERO, 10);
        assert!(short.iter().all(|d| *d == Idle::Tidied), "a short pause keeps the caches: {short:?}");
        let long = spell(REST_AFTER, 20);
        assert_eq!(long.iter().filter(|d| **d == Idle::LetGo).count(), 1, "{long:?}");
        assert_eq!(long.last(), Some(&Idle::Tidied));
        session.touch().unwrap();
        assert_eq!(spell(REST_AFTER, 1), [Idle::LetGo], "used again, then left alone again");
        session.lock().unwrap();
        assert_eq!(session.tidy_if_idle(Instant::now() + TIDY_AFTER), Idle::Nothing, "locked");
    }

    #[test]
    fn idle_timer_locks_only_after_the_chosen_minutes() {
        let dir = tempfile::tempdir().unwrap();
        let session = Session::new(dir.path().to_path_buf(), FAST);
        session.create_journal(request("a fine passphrase")).unwrap();
        assert_eq!(session.set_idle_lock_minutes(2).unwrap().idle_lock_minutes, 2);
        let start = Instant::now();
        assert!(!session.lock_if_idle(start + Duration::from_secs(119)));
        assert!(session.lock_if_idle(start + Duration::from_secs(121)));
        assert_eq!(session.app_state().unwrap().journal, JournalState::Locked);
        assert!(!session.lock_if_idle(start + Duration::from_secs(500)), "already locked");
        // The choice is kept in the journal.
        session.unlock("a fine passphrase".into()).unwrap();
        assert_eq!(session.app_state().unwrap().idle_lock_minutes, 2);
    }

    #[test]
    fn unlocking_says_how_many_relationships_retention_erased() {
        let dir = tempfile::tempdir().unwrap();
        let session = Session::new(dir.path().to_path_buf(), FAST);
        session.create_journal(request("a fine passphrase")).unwrap();
        session.lock().unwrap();
        {
            let mut j = Journal::open(dir.path(), "a fine passphrase").unwrap();
            let fields = |v: serde_json::Value| v.as_object().cloned().unwrap();
            let p = j.add(peerjournal::Kind::Person, fields(serde_json::json!({"alias": "R"}))).unwrap().id;
            let long_ago = peerjournal::kinds::months_ago(13);
            j.add(peerjournal::Kind::Ending, fields(serde_json::json!({"person": p, "on": long_ago, "planned": true})))
                .unwrap();
        }
        let state = session.unlock("a fine passphrase".into()).unwrap();
        assert_eq!((state.erased_at_unlock, state.retention_months), (1, 12));
        assert_eq!(session.lock().unwrap().erased_at_unlock, 0);
        assert_eq!(session.unlock("a fine passphrase".into()).unwrap().erased_at_unlock, 0, "told once");
    }

    #[test]
    fn settings_need_an_unlocked_journal_and_a_sane_value() {
        let dir = tempfile::tempdir().unwrap();
        let session = Session::new(dir.path().to_path_buf(), FAST);
        assert_eq!(session.set_idle_lock_minutes(5).unwrap_err().kind, UiErrorKind::Locked);
        session.create_journal(request("a fine passphrase")).unwrap();
        assert_eq!(
            session.set_idle_lock_minutes(0).unwrap_err().kind,
            UiErrorKind::Journal(peerjournal::ErrorKind::InvalidInput)
        );
        assert_eq!(
            session.create_journal(request("a fine passphrase")).unwrap_err().kind,
            UiErrorKind::Journal(peerjournal::ErrorKind::JournalExists)
        );
    }

    #[test]
    fn errors_shown_in_the_app_do_not_mention_command_line_flags() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("journal.key"), b"{}").unwrap();
        let session = Session::new(dir.path().join("elsewhere"), FAST);
        let err = session.unlock("whatever it is".into()).unwrap_err();
        assert_eq!(err.kind, UiErrorKind::Journal(peerjournal::ErrorKind::NotFound));
        assert!(!err.message.contains("--journal"), "{}", err.message);
    }

    fn values(v: serde_json::Value) -> FieldValues {
        serde_json::from_value(v).unwrap()
    }

    fn unlocked() -> (tempfile::TempDir, Session) {
        let dir = tempfile::tempdir().unwrap();
        let session = Session::new(dir.path().to_path_buf(), FAST);
        session.create_journal(request("a fine passphrase")).unwrap();
        (dir, session)
    }

    const PAGE: Page = Page { limit: 50, offset: 0 };

    #[test]
    fn the_journals_commands_need_it_unlocked() {
        let (_dir, session) = unlocked();
        session.lock().unwrap();
        let p: PersonId = "0190f2b4-7c1a-7000-8000-000000000001".parse().unwrap();
        let locked = [
            session.add_record(Kind::Person, values(json!({"alias": "R"}))).map(drop),
            session.list_records(Kind::Contact, None, PAGE).map(drop),
            session.person_timeline(p.clone(), PAGE).map(drop),
            session.forget_person(p).map(drop),
            session.due_records(PAGE).map(drop),
            session.save_draft("person:new".into(), Kind::Person, FieldValues::default()).map(drop),
            session.list_drafts().map(drop),
            session.set_discreet_mode(true).map(drop),
            session.change_passphrase("a fine passphrase".into(), "another fine one".into()),
            session.purge_now().map(drop),
        ];
        for result in locked {
            assert_eq!(result.unwrap_err().kind, UiErrorKind::Locked);
        }
    }

    #[test]
    fn records_are_written_read_and_forgotten_through_the_session() {
        let (_dir, session) = unlocked();
        let p = session.add_record(Kind::Person, values(json!({"alias": "R.M."}))).unwrap().as_person().unwrap();
        let contact = json!({"person": p, "at": "2026-01-05T10:00", "how": "phone", "focus": "the allotment",
                             "next_contact": "2026-01-06T10:00"});
        let c = session.add_record(Kind::Contact, values(contact)).unwrap();
        assert_eq!(session.get_record(c.id.clone()).unwrap().fields["focus"], "the allotment");
        let changed = session.update_record(c.id.clone(), values(json!({"minutes": 45}))).unwrap();
        assert_eq!(changed.fields["minutes"], 45);
        assert_eq!(session.record_history(c.id.clone()).unwrap().len(), 2);
        assert_eq!(session.list_records(Kind::Contact, Some(p.clone()), PAGE).unwrap()[0].id, c.id);
        assert_eq!(session.person_timeline(p.clone(), PAGE).unwrap().len(), 1);
        assert_eq!(session.search_records("allotment".into(), PAGE).unwrap()[0].record.id, c.id);
        assert_eq!(session.due_records(PAGE).unwrap()[0].id, c.id, "planned for a day now past");
        let chosen = session.resolve_conflict(c.id.clone(), "notes".into(), FieldValue(json!("chosen"))).unwrap();
        assert_eq!(chosen.fields["notes"], "chosen");
        assert!(session.list_conflicts(PAGE).unwrap().is_empty());
        let concern = json!({"person": p, "category": "wellbeing", "urgency": "low", "notes": "tired"});
        let concern = session.add_record(Kind::Concern, values(concern)).unwrap();
        assert_eq!(session.needing_attention(Kind::Concern, PAGE).unwrap()[0].id, concern.id);
        assert!(session.unread_records(PAGE).unwrap().is_empty());
        let err = session.mark_read(c.id.clone()).unwrap_err();
        assert_eq!(err.kind, UiErrorKind::Journal(peerjournal::ErrorKind::InvalidInput));
        let counts = session.record_counts().unwrap();
        assert_eq!((counts[&Kind::Person], counts[&Kind::Contact], counts.get(&Kind::Ending)), (1, 1, None));
        session.delete_record(concern.id.clone()).unwrap();
        assert!(session.get_record(concern.id).is_err());
        assert_eq!(session.forget_person(p.clone()).unwrap(), 2, "the contact and the deleted concern");
        assert!(session.get_record(p.record()).is_err());
    }

    #[test]
    fn a_service_is_retired_and_brought_back_through_the_session() {
        let (_dir, session) = unlocked();
        let p = session.add_record(Kind::Person, values(json!({"alias": "R.M."}))).unwrap().as_person().unwrap();
        let food = session.add_record(Kind::Service, values(json!({"name": "Food bank"}))).unwrap().id;
        assert_eq!(session.offered_services(PAGE).unwrap().len(), 1);
        assert_eq!(session.retire_service(food.clone()).unwrap().fields["retired"], true);
        assert!(session.offered_services(PAGE).unwrap().is_empty());
        assert_eq!(session.list_records(Kind::Service, None, PAGE).unwrap().len(), 1, "still in the directory");
        let err = session.add_record(Kind::Signpost, values(json!({"person": p, "service": food}))).unwrap_err();
        assert_eq!(err.kind, UiErrorKind::Journal(peerjournal::ErrorKind::InvalidInput));
        assert_eq!(err.message, "that service is no longer taking referrals; please choose another service");
        assert_eq!(session.unretire_service(food.clone()).unwrap().fields["retired"], false);
        assert_eq!(session.offered_services(PAGE).unwrap()[0].id, food);
    }

    #[test]
    fn a_field_the_journal_refuses_is_said_plainly() {
        let (_dir, session) = unlocked();
        let err = session.add_record(Kind::Person, values(json!({"alias": "a\nb"}))).unwrap_err();
        assert_eq!(err.kind, UiErrorKind::Journal(peerjournal::ErrorKind::InvalidInput));
        assert_eq!(err.message, "alias or initials must be one line");
        let err = session.search_records(" ".into(), PAGE).unwrap_err();
        assert_eq!(err.message, "say what to search for");
    }

    #[test]
    fn drafts_are_kept_through_a_lock_and_go_with_the_person() {
        let (_dir, session) = unlocked();
        let p = session.add_record(Kind::Person, values(json!({"alias": "R"}))).unwrap().as_person().unwrap();
        let draft = session.save_draft("contact:new".into(), Kind::Contact, values(json!({"person": p}))).unwrap();
        assert_eq!(draft.person.as_ref(), Some(&p));
        session.save_draft("reflection:new".into(), Kind::Reflection, values(json!({"text": "half"}))).unwrap();
        session.lock().unwrap();
        session.unlock("a fine passphrase".into()).unwrap();
        let keys = |s: &Session| s.list_drafts().unwrap().into_iter().map(|d| d.key).collect::<Vec<_>>();
        assert_eq!(keys(&session), ["reflection:new", "contact:new"]);
        session.forget_person(p).unwrap();
        assert_eq!(keys(&session), ["reflection:new"]);
        session.discard_draft("reflection:new".into()).unwrap();
        assert!(keys(&session).is_empty());
    }

    #[test]
    fn changing_the_passphrase_needs_the_current_one() {
        let (_dir, session) = unlocked();
        let err = session.change_passphrase("not the one".into(), "a brand new passphrase".into()).unwrap_err();
        assert_eq!(err.kind, UiErrorKind::Journal(peerjournal::ErrorKind::WrongPassphrase));
        session.change_passphrase("a fine passphrase".into(), "a brand new passphrase".into()).unwrap();
        session.lock().unwrap();
        assert!(session.unlock("a fine passphrase".into()).is_err());
        assert_eq!(session.unlock("a brand new passphrase".into()).unwrap().journal, JournalState::Unlocked);
    }

    #[test]
    fn discreet_mode_and_retention_are_kept_and_shown_in_the_state() {
        let (_dir, session) = unlocked();
        let state = session.app_state().unwrap();
        assert!(!state.discreet_mode);
        assert!(state.fingerprint.is_some());
        assert!(session.set_discreet_mode(true).unwrap().discreet_mode);
        assert_eq!(session.set_retention_months(24).unwrap().retention_months, 24);
        let err = session.set_retention_months(0).unwrap_err();
        assert_eq!(err.kind, UiErrorKind::Journal(peerjournal::ErrorKind::InvalidInput));
        let locked = session.lock().unwrap();
        assert!(!locked.discreet_mode && locked.fingerprint.is_none(), "nothing shown while locked");
        let state = session.unlock("a fine passphrase".into()).unwrap();
        assert_eq!((state.discreet_mode, state.retention_months), (true, 24));
    }

    #[test]
    fn purge_now_erases_what_retention_has_run_out_on() {
        let (_dir, session) = unlocked();
        let p = session.add_record(Kind::Person, values(json!({"alias": "Ended"}))).unwrap().as_person().unwrap();
        let ending = json!({"person": p, "on": peerjournal::kinds::months_ago(13), "planned": true});
        session.add_record(Kind::Ending, values(ending)).unwrap();
        let report = session.purge_now().unwrap();
        assert_eq!((report.erased_people, report.erased_records), (vec!["Ended".to_string()], 1));
        assert!(session.purge_now().unwrap().erased_people.is_empty());
    }

    #[test]
    fn every_journal_command_restarts_the_idle_timer() {
        let (_dir, session) = unlocked();
        session.set_idle_lock_minutes(1).unwrap();
        let before = Instant::now();
        session.list_drafts().unwrap();
        assert!(!session.lock_if_idle(before + Duration::from_secs(60)), "used since");
        assert!(session.lock_if_idle(Instant::now() + Duration::from_secs(60)));
    }

    #[test]
    fn passphrase_strength_judges_against_the_keepers_name() {
        let dir = tempfile::tempdir().unwrap();
        let session = Session::new(dir.path().to_path_buf(), FAST);
        let strong = session.passphrase_strength("fotheringayzebediah".into(), None).unwrap();
        assert!(strong.acceptable);
        let named = session.passphrase_strength("fotheringayzebediah".into(), Some("Zebediah Fotheringay".into()));
        assert!(!named.unwrap().acceptable);
        let weak = session.passphrase_strength("password1".into(), None).unwrap();
        assert!(!weak.acceptable && weak.warning.is_some());
    }

    #[test]
    fn the_demo_is_a_journal_of_its_own_and_the_real_one_waits() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("journal");
        let session = Session::new(real.clone(), FAST);
        session.create_journal(request("a fine passphrase")).unwrap();
        let demo = session.open_demo().unwrap();
        assert!(demo.demo && demo.journal == JournalState::Unlocked);
        assert_ne!(demo.journal_dir, real.display().to_string());
        let people = session.list_records(Kind::Person, None, Page::default()).unwrap();
        assert!(!people.is_empty(), "the demo comes with made-up people");
        // Back to the real journal: locked, and none of the demo's people in it.
        let back = session.leave_demo().unwrap();
        assert!(!back.demo && back.journal == JournalState::Locked);
        session.unlock("a fine passphrase".into()).unwrap();
        assert!(session.list_records(Kind::Person, None, Page::default()).unwrap().is_empty());
        // The demo opens again as it was left.
        session.open_demo().unwrap();
        assert_eq!(session.list_records(Kind::Person, None, Page::default()).unwrap().len(), people.len());
    }

    #[test]
    fn a_backup_is_found_and_restored_as_a_new_device() {
        let dir = tempfile::tempdir().unwrap();
        let files = dir.path().join("files");
        let first = Session::with_files_dir(dir.path().join("journal"), files.clone(), FAST);
        let key = first.create_journal(request("a fine passphrase")).unwrap().recovery_key;
        let person =
            first.add_record(Kind::Person, FieldValues(serde_json::from_value(json!({"alias": "R.M."})).unwrap()));
        let person = person.unwrap();
        let written = first.back_up_journal().unwrap();
        assert!(written.path.starts_with(&files.display().to_string()));

        // On another computer, with no journal yet.
        let second = Session::with_files_dir(dir.path().join("elsewhere"), files, FAST);
        let found = second.find_backups().unwrap();
        assert_eq!(found.iter().map(|f| f.path.clone()).collect::<Vec<_>>(), vec![written.path.clone()]);
        let wrong = second.restore_backup(
            written.path.clone(),
            "0CA2-ADJ7-B1MQ-N2WW-NPZC-ZR7H-0AJ8-4H6X".into(),
            "another fine passphrase".into(),
        );
        assert_eq!(wrong.unwrap_err().kind, UiErrorKind::Journal(peerjournal::ErrorKind::BadRecoveryKey));
        assert_eq!(second.app_state().unwrap().journal, JournalState::Missing);
        let state = second.restore_backup(written.path, key, "another fine passphrase".into()).unwrap();
        assert_eq!(state.journal, JournalState::Unlocked);
        assert_eq!(state.fingerprint, first.app_state().unwrap().fingerprint);
        assert_eq!(second.get_record(person.id.clone()).unwrap().fields["alias"], "R.M.");
        // Subject access, into the files folder.
        let export = second.export_person(person.as_person().unwrap()).unwrap();
        assert!(export.json.is_file() && export.html.is_file());
    }
}
