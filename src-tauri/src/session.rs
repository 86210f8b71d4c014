//! The app's session: at most one unlocked journal, the idle timer, and the
//! body of every command. Nothing here knows Tauri, so it is tested on a
//! temporary folder without a window (see the tests below).

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use peerjournal::keys::PassphraseStrength;
use peerjournal::{presence, Journal, KdfParams, NewJournal, Presence};
use zeroize::Zeroizing;

use crate::ipc::{AppState, CreateJournalRequest, Created, JournalState, UiError};

/// The app's state, shared by every command.
pub struct Session {
    dir: PathBuf,
    kdf: KdfParams,
    inner: Mutex<Inner>,
}

struct Inner {
    journal: Option<Journal>,
    erased_at_unlock: u32,
    idle_lock: Duration,
    last_activity: Instant,
}

impl Session {
    /// A session over the journal folder `dir`. `kdf` is the key derivation
    /// cost for new passphrases.
    pub fn new(dir: PathBuf, kdf: KdfParams) -> Self {
        Session {
            dir,
            kdf,
            inner: Mutex::new(Inner {
                journal: None,
                erased_at_unlock: 0,
                idle_lock: minutes(peerjournal::journal::DEFAULT_IDLE_LOCK_MINUTES),
                last_activity: Instant::now(),
            }),
        }
    }

    /// The journal folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// An error of the core's as the UI shows it, read knowing the journal's
    /// folder (a full disk is named as one; see `Error::in_folder`).
    fn fail(&self, e: peerjournal::Error) -> UiError {
        UiError::from(e.in_folder(&self.dir))
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
        let (journal, name, role, retention_months, clock_ahead_minutes) = match &inner.journal {
            Some(j) => {
                let status = j.status()?;
                let ahead = j.clock_ahead_minutes()?.map(|m| u32::try_from(m).unwrap_or(u32::MAX));
                (JournalState::Unlocked, Some(status.name), Some(status.role), j.retention_months()?, ahead)
            }
            None if presence(&self.dir) == Presence::Missing => (JournalState::Missing, None, None, 0, None),
            None => (JournalState::Locked, None, None, 0, None),
        };
        Ok(AppState {
            journal,
            name,
            role,
            idle_lock_minutes: (inner.idle_lock.as_secs() / 60) as u32,
            journal_dir: self.dir.display().to_string(),
            erased_at_unlock: if inner.journal.is_some() { inner.erased_at_unlock } else { 0 },
            retention_months,
            clock_ahead_minutes,
        })
    }

    /// First-run set-up: creates the journal, leaves it unlocked, and hands
    /// back the recovery key to show once.
    pub fn create_journal(&self, request: CreateJournalRequest) -> Result<Created, UiError> {
        let mut inner = self.inner();
        let (journal, recovery) = Journal::create(
            &self.dir,
            &NewJournal { name: &request.name, role: request.role, passphrase: &request.passphrase, kdf: self.kdf },
        )
        .map_err(|e| self.fail(e))?;
        Self::opened(&mut inner, journal)?;
        let state = self.state_of(&inner)?;
        Ok(Created { recovery_key: recovery.display().to_string(), state })
    }

    /// Unlocks with the passphrase.
    pub fn unlock(&self, passphrase: String) -> Result<AppState, UiError> {
        let passphrase = Zeroizing::new(passphrase);
        let mut inner = self.inner();
        let journal = Journal::open(&self.dir, &passphrase).map_err(|e| self.fail(e))?;
        Self::opened(&mut inner, journal)?;
        self.state_of(&inner)
    }

    /// Unlocks with the recovery key and sets a new passphrase.
    pub fn unlock_with_recovery(&self, recovery_key: String, new_passphrase: String) -> Result<AppState, UiError> {
        let (recovery_key, new_passphrase) = (Zeroizing::new(recovery_key), Zeroizing::new(new_passphrase));
        let mut inner = self.inner();
        let journal = Journal::recover(&self.dir, &recovery_key, &new_passphrase).map_err(|e| self.fail(e))?;
        Self::opened(&mut inner, journal)?;
        self.state_of(&inner)
    }

    fn opened(inner: &mut Inner, journal: Journal) -> Result<(), UiError> {
        inner.idle_lock = minutes(journal.idle_lock_minutes()?);
        inner.erased_at_unlock = journal.last_purge().map_or(0, |r| r.erased_people.len() as u32);
        inner.journal = Some(journal);
        inner.last_activity = Instant::now();
        Ok(())
    }

    /// Locks: closes the database and wipes the key.
    pub fn lock(&self) -> Result<AppState, UiError> {
        let mut inner = self.inner();
        inner.journal = None;
        self.state_of(&inner)
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

    /// Does the work saves leave for idle moments (a step of merging the
    /// search index, folding the write-ahead logs back into the database
    /// files; see `Journal::tidy_while_idle`) if the journal is open and
    /// nothing has happened for [`TIDY_AFTER`] at `now`. Returns true if
    /// it did.
    pub fn tidy_if_idle(&self, now: Instant) -> bool {
        let inner = self.inner();
        match &inner.journal {
            Some(journal) if now.saturating_duration_since(inner.last_activity) >= TIDY_AFTER => {
                journal.tidy_while_idle().is_ok()
            }
            _ => false,
        }
    }

    /// Locks the journal if it has been idle for longer than allowed at
    /// `now`. Returns true if this call locked it.
    pub fn lock_if_idle(&self, now: Instant) -> bool {
        let mut inner = self.inner();
        if inner.journal.is_some() && now.saturating_duration_since(inner.last_activity) >= inner.idle_lock {
            inner.journal = None;
            return true;
        }
        false
    }
}

/// How long the journal must be left alone before the idle timer tidies it
/// (see [`Session::tidy_if_idle`]).
pub const TIDY_AFTER: Duration = Duration::from_secs(3);

fn minutes(m: u32) -> Duration {
    Duration::from_secs(u64::from(m) * 60)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ipc::UiErrorKind;
    use peerjournal::Role;

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
        assert!(!session.tidy_if_idle(Instant::now()), "nothing is open");
        session.create_journal(request("a fine passphrase")).unwrap();
        let start = Instant::now();
        session.touch().unwrap();
        assert!(!session.tidy_if_idle(start), "just used");
        assert!(session.tidy_if_idle(Instant::now() + TIDY_AFTER));
        session.lock().unwrap();
        assert!(!session.tidy_if_idle(Instant::now() + TIDY_AFTER), "locked");
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
}
