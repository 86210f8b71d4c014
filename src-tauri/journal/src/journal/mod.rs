//! A journal on disk: creating one, unlocking it, changing its passphrase,
//! recovering it with the recovery key, and reporting on it.
//!
//! A journal is a folder holding `journal.db` (SQLCipher), `journal.key`
//! (the key file) and `search.db` (the search index, derived from
//! `journal.db` and rebuilt from it whenever needed: see [`crate::store::search`]).
//! [`Journal`] is an unlocked journal: it owns the database
//! connections and the data key, and wipes the key when dropped — dropping it
//! *is* locking. Several processes (the app and the command-line tool) may
//! have the same journal open: SQLite's write-ahead log and write locks keep
//! them consistent, and the key file is only ever replaced atomically.

pub mod backup;
pub mod directory;
pub mod drafts;
mod read;
pub mod retention;
pub mod review;
mod roster;
mod write;

use std::fs;
use std::path::{Path, PathBuf};

use chrono::{SecondsFormat, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use ts_rs::TS;
use uuid::Uuid;

use crate::error::{Error, Result};
use crate::keys::{self, DataKey, DatabaseCipher, DatabaseSalt, KdfParams, KeyFile, RecoveryKey};
use crate::model::ids::{new_bound_id, DeviceId, Fingerprint, IdOf};
use crate::store::identity;
use crate::store::search::{Health, SearchIndex};
use crate::store::{self, meta_i64, set_meta, Mode};

/// The database file's name inside a journal folder.
pub const DB_FILE: &str = "journal.db";
/// The key file's name inside a journal folder.
pub const KEY_FILE: &str = "journal.key";
/// The journal's setting that names a file being written (see
/// [`Journal::begin_partial_file`]).
pub(crate) const PARTIAL_FILE: &str = "export_partial";
/// The journal's setting that marks a demo journal (see [`Journal::is_demo`]).
const DEMO: &str = "demo";
/// The passphrase of every demo journal: no secret, as a demo holds only
/// made-up people.
pub const DEMO_PASSPHRASE: &str = "made-up people only";
/// A demo journal's key derivation: the least allowed, as it guards nothing.
const DEMO_KDF: KdfParams = KdfParams { memory_kib: 64 * 1024, iterations: 1, parallelism: 1 };
/// The journal's setting for discreet mode (see [`Journal::discreet_mode`]).
const DISCREET_MODE: &str = "discreet_mode";
/// The journal's setting for its exchange folder (see [`Journal::exchange_folder`]).
const EXCHANGE_FOLDER: &str = "exchange_folder";
/// Idle minutes before the app locks itself, unless the person chose otherwise.
pub const DEFAULT_IDLE_LOCK_MINUTES: u32 = 10;
/// The longest idle time that may be chosen, in minutes.
pub const MAX_IDLE_LOCK_MINUTES: u32 = 240;
const MAX_NAME_CHARS: usize = 80;

pub use crate::model::kinds::Role;
pub use roster::VolunteerSummary;

/// Whether a folder holds a journal, without unlocking anything.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Presence {
    /// Nothing there yet: a journal can be created.
    Missing,
    /// A journal's files are there.
    Present,
}

/// Looks at a folder without opening anything.
pub fn presence(dir: &Path) -> Presence {
    if dir.join(KEY_FILE).exists() || dir.join(DB_FILE).exists() {
        Presence::Present
    } else {
        Presence::Missing
    }
}

/// What a new journal needs.
#[derive(Debug)]
pub struct NewJournal<'a> {
    /// The display name of whoever keeps the journal.
    pub name: &'a str,
    /// Volunteer or supervisor.
    pub role: Role,
    /// The passphrase that will unlock it.
    pub passphrase: &'a str,
    /// Key derivation cost for the passphrase.
    pub kdf: KdfParams,
}

/// A summary of an unlocked journal, safe to show and to print.
#[derive(Clone, Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Status {
    /// The display name of whoever keeps the journal.
    pub name: String,
    /// Volunteer or supervisor.
    pub role: Role,
    /// The short read-aloud fingerprint of this journal's card.
    pub fingerprint: Fingerprint,
    /// The journal's id.
    pub journal_id: String,
    /// This device's id within the journal.
    pub device_id: DeviceId,
    /// When the journal was created (RFC 3339, UTC).
    pub created_at: String,
    /// The folder it lives in.
    pub journal_dir: String,
    /// The schema version of the database.
    #[ts(type = "number")]
    pub schema_version: i64,
    /// The SQLCipher version encrypting it.
    pub cipher_version: String,
    /// Minutes without use before the app locks itself.
    pub idle_lock_minutes: u32,
    /// Whether this is a demo journal, of made-up people.
    pub demo: bool,
}

/// The outcome of `check`.
#[derive(Clone, Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct CheckReport {
    /// True when nothing is wrong.
    pub ok: bool,
    /// The SQLCipher version encrypting the database.
    pub cipher_version: String,
    /// The schema version of the database.
    #[ts(type = "number")]
    pub schema_version: i64,
    /// Plain sentences, one per problem found.
    pub problems: Vec<String>,
    /// Plain sentences, one per problem found and put right (the search
    /// index, which is made again from the journal).
    pub repaired: Vec<String>,
}

/// An unlocked journal. Dropping it locks it: the connection closes and the
/// data key is wiped.
pub struct Journal {
    dir: PathBuf,
    pub(crate) conn: Connection,
    /// The search index, in a file of its own (see [`crate::store::search`]).
    pub(crate) search: SearchIndex,
    key: DataKey,
    pub(crate) key_file: KeyFile,
    pub(crate) last_purge: Option<crate::model::record::PurgeReport>,
    /// Set (from any thread, see [`Journal::stop_flag`]) to stop a long
    /// import or export; cleared as each starts.
    pub(crate) stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

impl std::fmt::Debug for Journal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Journal").field("dir", &self.dir).finish_non_exhaustive()
    }
}

impl Journal {
    /// Creates a journal in `dir` (made if missing) and returns it unlocked,
    /// with the recovery key to show the person once.
    ///
    /// Refuses, touching nothing, if `dir` already holds a journal.
    pub fn create(dir: &Path, new: &NewJournal<'_>) -> Result<(Journal, RecoveryKey)> {
        Self::create_with_cipher(dir, new, DatabaseCipher::NEW)
    }

    /// Creates a demo journal in `dir`: a volunteer's journal for trying the
    /// app with made-up people, marked as a demo for good (see
    /// [`Journal::is_demo`]) and opened with [`DEMO_PASSPHRASE`], which is
    /// no secret. Fill it with [`crate::demo::fill`].
    pub fn create_demo(dir: &Path) -> Result<Journal> {
        let new = NewJournal { name: "Sam", role: Role::Volunteer, passphrase: DEMO_PASSPHRASE, kdf: DEMO_KDF };
        Ok(Self::create_inner(dir, &new, DatabaseCipher::NEW, true)?.0)
    }

    /// Whether this is a demo journal (of made-up people): its cards and
    /// files are marked so, and real journals refuse them, as it refuses
    /// theirs.
    pub fn is_demo(&self) -> Result<bool> {
        Ok(self.meta(DEMO)?.as_deref() == Some("1"))
    }

    /// [`Journal::create`], with the database encrypted as `cipher` says.
    pub(crate) fn create_with_cipher(
        dir: &Path,
        new: &NewJournal<'_>,
        cipher: DatabaseCipher,
    ) -> Result<(Journal, RecoveryKey)> {
        Self::create_inner(dir, new, cipher, false)
    }

    fn create_inner(
        dir: &Path,
        new: &NewJournal<'_>,
        cipher: DatabaseCipher,
        demo: bool,
    ) -> Result<(Journal, RecoveryKey)> {
        let name = validate_name(new.name)?;
        // A demo's passphrase is known to all: it guards nothing real.
        if !demo {
            keys::validate_new_passphrase(new.passphrase, &[&name])?;
        }
        if presence(dir) == Presence::Present {
            return Err(Error::AlreadyExists(dir.to_path_buf()));
        }
        if !dir.exists() {
            fs::create_dir_all(dir).map_err(|e| Error::io("create the folder", dir, e))?;
            restrict_permissions(dir);
        }

        let journal_id = Uuid::now_v7();
        let key = DataKey::generate();
        let salt = DatabaseSalt::generate();
        let recovery = RecoveryKey::generate();
        let key_file = KeyFile::create(journal_id, salt, cipher, &key, new.passphrase, new.kdf, &recovery)?;

        // Build the database under a temporary name, then put the key file and
        // the database in place. A crash part-way leaves no half journal that
        // `init` would refuse to replace.
        let staging = dir.join(".journal.db.creating");
        remove_staging(&staging);
        let built = (|| -> Result<()> {
            let conn = store::open(&staging, &key, &salt, cipher, Mode::Create)?;
            let now = now();
            let tx = conn.unchecked_transaction()?;
            let public = identity::create(&tx, &now)?;
            let device = new_bound_id(IdOf::Device, &public.signing_public);
            let meta = [
                ("journal_id", journal_id.to_string()),
                ("name", name.clone()),
                ("role", new.role.as_str().to_string()),
                ("device_id", device.clone()),
                ("created_at", now.clone()),
                ("idle_lock_minutes", DEFAULT_IDLE_LOCK_MINUTES.to_string()),
            ];
            for (k, v) in meta {
                tx.execute("INSERT INTO meta (key, value) VALUES (?1, ?2)", params![k, v])?;
            }
            if demo {
                tx.execute("INSERT INTO meta (key, value) VALUES (?1, '1')", [DEMO])?;
            }
            tx.execute("INSERT INTO devices (id, journal) VALUES (?1, ?2)", params![device, public.fingerprint])?;
            // A new journal has nothing of the versions before to finish.
            tx.execute_batch("DROP TABLE legacy_acknowledgements")?;
            tx.commit()?;
            // Fold the write-ahead log into the main file so the rename below
            // moves everything.
            conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")?;
            conn.close().map_err(|(_, e)| Error::from(e))?;
            Ok(())
        })();
        if let Err(e) = built {
            remove_staging(&staging);
            return Err(e);
        }
        if presence(dir) == Presence::Present {
            remove_staging(&staging);
            return Err(Error::AlreadyExists(dir.to_path_buf()));
        }
        let db_path = dir.join(DB_FILE);
        if let Err(e) = key_file.write(&dir.join(KEY_FILE)) {
            remove_staging(&staging);
            return Err(e);
        }
        fs::rename(&staging, &db_path).map_err(|e| Error::io("create", &db_path, e))?;
        remove_staging(&staging);
        keys::sync_dir(&db_path);

        let conn = store::open(&db_path, &key, &salt, cipher, Mode::Existing)?;
        let search = SearchIndex::open(dir, &key, &conn)?;
        Ok((
            Journal { dir: dir.to_path_buf(), conn, search, key, key_file, last_purge: None, stop: Default::default() },
            recovery,
        ))
    }

    /// Unlocks the journal in `dir` with its passphrase.
    pub fn open(dir: &Path, passphrase: &str) -> Result<Journal> {
        let key_file = read_key_file(dir)?;
        check_database_matches(dir, &key_file)?;
        let key = key_file.unseal_with_passphrase(passphrase)?;
        Self::open_with_key(dir, key, key_file)
    }

    /// Unlocks the journal with the recovery key and sets a new passphrase,
    /// for when the passphrase has been forgotten. The recovery key stays
    /// valid. The passphrase keeps the key derivation cost chosen before.
    pub fn recover(dir: &Path, recovery_key: &str, new_passphrase: &str) -> Result<Journal> {
        let recovery = RecoveryKey::parse(recovery_key)?;
        keys::validate_new_passphrase(new_passphrase, &[])?;
        let key_file = read_key_file(dir)?;
        check_database_matches(dir, &key_file)?;
        let key = key_file.unseal_with_recovery(&recovery)?;
        let kdf = key_file.passphrase_kdf();
        let mut journal = Self::open_with_key(dir, key, key_file)?;
        journal.change_passphrase(new_passphrase, kdf)?;
        Ok(journal)
    }

    fn open_with_key(dir: &Path, key: DataKey, key_file: KeyFile) -> Result<Journal> {
        let conn = store::open(
            &dir.join(DB_FILE),
            &key,
            &key_file.database_salt(),
            key_file.database_cipher(),
            Mode::Existing,
        )?;
        let stored_id: Option<String> =
            conn.query_row("SELECT value FROM meta WHERE key = 'journal_id'", [], |r| r.get(0)).optional()?;
        if stored_id.as_deref() != Some(key_file.journal_id().to_string().as_str()) {
            return Err(Error::KeyFileMismatch(dir.to_path_buf()));
        }
        let search = SearchIndex::open(dir, &key, &conn)?;
        let mut journal =
            Journal { dir: dir.to_path_buf(), conn, search, key, key_file, last_purge: None, stop: Default::default() };
        journal.finish_upgrade()?;
        journal.repair_clock()?;
        journal.remove_partial_file();
        // Retention runs at every unlock: relationships that ended longer ago
        // than the journal keeps them are erased now.
        let report = journal.purge()?;
        journal.last_purge = Some(report);
        Ok(journal)
    }

    /// What the migrations to this version leave for the program to do,
    /// once (see migration 0014): acknowledgements that were written into
    /// concerns become acknowledgement records. Those this journal's own
    /// devices wrote (a supervisor's) become records of its own, new events
    /// that travel to the volunteer with its next file; those another
    /// journal wrote are left to it to send again. Then `records` is rebuilt
    /// from the log, from which the migration took the acknowledgement
    /// fields. All in one transaction: if anything fails, it is all done
    /// again next time.
    fn finish_upgrade(&mut self) -> Result<()> {
        let pending = |conn: &Connection| -> Result<bool> {
            Ok(conn.query_row(
                "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'legacy_acknowledgements')",
                [],
                |r| r.get(0),
            )?)
        };
        if !pending(&self.conn)? {
            return Ok(());
        }
        let public = identity::public(&self.conn)?;
        let (own, key) = (public.fingerprint, public.signing_public);
        let device = self.required_meta("device_id")?;
        let tx = rusqlite::Transaction::new_unchecked(&self.conn, rusqlite::TransactionBehavior::Immediate)?;
        // Another process may have done it while this one waited.
        if !pending(&tx)? {
            return Ok(());
        }
        // (concern, person, by, at)
        type Legacy = (String, Option<String>, Option<String>, Option<String>);
        let acks: Vec<Legacy> = tx
            .prepare(
                "SELECT l.concern, l.person, l.by, l.at FROM legacy_acknowledgements l
                 JOIN devices d ON d.id = l.device
                 JOIN records c ON c.id = l.concern AND c.kind = 'concern' AND c.deleted = 0
                 WHERE d.journal = ?1 ORDER BY l.concern",
            )?
            .query_map([&own], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let (mut seq, mut clock) = (meta_i64(&tx, "device_seq")?, crate::model::hlc::Hlc(meta_i64(&tx, "hlc")?));
        let now = crate::model::kinds::local_now();
        for (concern, person, by, at) in acks {
            let mut fields = crate::model::kinds::Fields::new();
            fields.insert("about".into(), concern.into());
            fields.extend(person.map(|p| ("person".to_string(), p.into())));
            let by = by.filter(|b| !b.trim().is_empty()).unwrap_or_else(|| "(not recorded)".into());
            fields.insert("by".into(), by.into());
            let kind = crate::model::kinds::Kind::Acknowledgement;
            // Its moment as written, unless a write now would refuse it.
            let at = at
                .filter(|a| crate::model::kinds::check_not_ahead(kind, "at", &a.clone().into(), now).is_ok())
                .unwrap_or_else(|| now.format("%Y-%m-%dT%H:%M").to_string());
            fields.insert("at".into(), at.into());
            seq += 1;
            clock = clock.tick(crate::model::hlc::wall_ms());
            tx.execute(
                "INSERT INTO events (device, seq, hlc, record, kind, op, fields) VALUES (?1, ?2, ?3, ?4, ?5, 'put', ?6)",
                params![
                    device,
                    seq,
                    clock.0,
                    new_bound_id(IdOf::Record, &key),
                    kind.as_str(),
                    crate::store::log::creation_fields(&fields)?
                ],
            )?;
        }
        for (k, v) in [("device_seq", seq), ("hlc", clock.0)] {
            set_meta(&tx, k, &v.to_string())?;
        }
        let search_tx = crate::store::fold::rebuild(&tx, &self.search)?;
        tx.execute_batch("DROP TABLE legacy_acknowledgements")?;
        tx.commit()?;
        search_tx.commit_after_journal();
        Ok(())
    }

    /// Seals the data key under a new passphrase. The database is not
    /// re-encrypted and the recovery key keeps working.
    pub fn change_passphrase(&mut self, new_passphrase: &str, kdf: KdfParams) -> Result<()> {
        keys::validate_new_passphrase(new_passphrase, &[&self.status()?.name])?;
        let next = self.key_file.with_new_passphrase(&self.key, new_passphrase, kdf)?;
        next.write(&self.dir.join(KEY_FILE))?;
        self.key_file = next;
        Ok(())
    }

    /// Changes the passphrase as [`Journal::change_passphrase`] does, once
    /// `current` is shown to be the passphrase that unlocks the journal now
    /// (its key file as it is on disk, which another window or command may
    /// have changed): for someone at an unlocked journal, who must still
    /// know the passphrase to replace it. Takes the key derivation's time
    /// twice, once to check and once to seal.
    pub fn replace_passphrase(&mut self, current: &str, new_passphrase: &str, kdf: KdfParams) -> Result<()> {
        keys::validate_new_passphrase(new_passphrase, &[&self.status()?.name])?;
        let on_disk = read_key_file(&self.dir)?;
        if on_disk.journal_id() != self.key_file.journal_id() {
            return Err(Error::KeyFileMismatch(self.dir.clone()));
        }
        if !on_disk.unseal_with_passphrase(current)?.same_as(&self.key) {
            return Err(Error::KeyFileMismatch(self.dir.clone()));
        }
        self.key_file = on_disk;
        self.change_passphrase(new_passphrase, kdf)
    }

    /// Puts right a clock that holds a stamp no date can be written for
    /// (older versions took any stamp a bundle brought): it starts again
    /// from the computer's clock.
    fn repair_clock(&mut self) -> Result<()> {
        let stored = crate::model::hlc::Hlc(meta_i64(&self.conn, "hlc")?);
        if !stored.is_valid() {
            let now = crate::model::hlc::Hlc::ZERO.tick(crate::model::hlc::wall_ms());
            set_meta(&self.conn, "hlc", &now.0.to_string())?;
        }
        Ok(())
    }

    /// Gives this journal a new device, for a copy of it that goes on
    /// being used somewhere new: restored from a backup, or moved to a new
    /// computer. Every change is numbered by the device that made it, and
    /// two copies writing as one device would give different changes the
    /// same numbers, so that the second to arrive anywhere is taken for the
    /// first and dropped. After this, changes made here are this device's,
    /// numbered from 1; the old device stays the journal's (its changes are
    /// still its own), and the journal's card names both. Returns the new
    /// device's id. Run it before writing anything in the copy.
    pub fn new_device(&mut self) -> Result<DeviceId> {
        let public = identity::public(&self.conn)?;
        let (own, device) = (public.fingerprint, new_bound_id(IdOf::Device, &public.signing_public));
        let tx = rusqlite::Transaction::new_unchecked(&self.conn, rusqlite::TransactionBehavior::Immediate)?;
        tx.execute("INSERT INTO devices (id, journal) VALUES (?1, ?2)", params![device, own])?;
        set_meta(&tx, "device_id", &device)?;
        set_meta(&tx, "device_seq", "0")?;
        tx.commit()?;
        Ok(DeviceId::trusted(device))
    }

    /// How many minutes this journal's clock is ahead of the computer's,
    /// when it is more than a day ahead (None otherwise): it has seen, or
    /// made, changes dated in the future. What is written here is dated
    /// after them until the computer's clock catches up.
    pub fn clock_ahead_minutes(&self) -> Result<Option<i64>> {
        let stored = crate::model::hlc::Hlc(meta_i64(&self.conn, "hlc")?);
        let ahead = stored.millis() - crate::model::hlc::wall_ms();
        Ok((ahead > crate::model::hlc::MAX_AHEAD_MS).then_some(ahead / 60_000))
    }

    /// The folder this journal lives in.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The Argon2id settings of the current passphrase.
    pub fn passphrase_kdf(&self) -> KdfParams {
        self.key_file.passphrase_kdf()
    }

    /// A flag that stops the import or export running on this journal when
    /// set, from any thread: it ends with [`Error::Cancelled`] having
    /// changed nothing (an import's transaction is rolled back; an export's
    /// unfinished file is removed). Each import or export clears it as it
    /// starts, so a stop asked for before one starts does not stop it.
    pub fn stop_flag(&self) -> std::sync::Arc<std::sync::atomic::AtomicBool> {
        std::sync::Arc::clone(&self.stop)
    }

    /// A summary safe to show.
    pub fn status(&self) -> Result<Status> {
        let public = identity::public(&self.conn)?;
        Ok(Status {
            name: self.required_meta("name")?,
            role: self.required_meta("role")?.parse()?,
            fingerprint: public.fingerprint,
            journal_id: self.required_meta("journal_id")?,
            device_id: DeviceId::trusted(self.required_meta("device_id")?),
            created_at: self.required_meta("created_at")?,
            journal_dir: self.dir.display().to_string(),
            schema_version: self.conn.query_row("PRAGMA user_version", [], |r| r.get(0))?,
            cipher_version: store::cipher_version(&self.conn)?,
            idle_lock_minutes: self.idle_lock_minutes()?,
            demo: self.is_demo()?,
        })
    }

    /// Minutes without use before the app locks itself.
    pub fn idle_lock_minutes(&self) -> Result<u32> {
        Ok(self
            .meta("idle_lock_minutes")?
            .and_then(|v| v.parse().ok())
            .filter(|m| (1..=MAX_IDLE_LOCK_MINUTES).contains(m))
            .unwrap_or(DEFAULT_IDLE_LOCK_MINUTES))
    }

    /// Sets the idle time before the app locks itself (1 to 240 minutes).
    pub fn set_idle_lock_minutes(&mut self, minutes: u32) -> Result<()> {
        if !(1..=MAX_IDLE_LOCK_MINUTES).contains(&minutes) {
            return Err(Error::invalid(format!(
                "the idle time before locking must be between 1 and {MAX_IDLE_LOCK_MINUTES} minutes"
            )));
        }
        self.set_meta("idle_lock_minutes", &minutes.to_string())
    }

    /// Whether the app shows people by their initials only, for a journal
    /// used where others may see the screen. Local: never sent.
    pub fn discreet_mode(&self) -> Result<bool> {
        Ok(self.meta(DISCREET_MODE)?.as_deref() == Some("on"))
    }

    /// Turns discreet mode on or off.
    pub fn set_discreet_mode(&mut self, on: bool) -> Result<()> {
        self.set_meta(DISCREET_MODE, if on { "on" } else { "off" })
    }

    /// The folder chosen on this computer to exchange files in (a shared
    /// folder, a USB stick), if one was; the app offers its own otherwise.
    pub fn exchange_folder(&self) -> Result<Option<PathBuf>> {
        Ok(self.meta(EXCHANGE_FOLDER)?.filter(|f| !f.is_empty()).map(PathBuf::from))
    }

    /// Chooses the exchange folder; `None` goes back to the app's own.
    /// The folder must be given whole (absolute); it is not made here.
    pub fn set_exchange_folder(&mut self, folder: Option<&Path>) -> Result<()> {
        let value = match folder {
            None => String::new(),
            Some(folder) if !folder.is_absolute() => {
                return Err(Error::invalid(format!(
                    "{} is not a whole folder path; give it from the start, like /media/usb or /home/sam/Documents",
                    folder.display()
                )))
            }
            Some(folder) => folder
                .to_str()
                .ok_or_else(|| Error::invalid("that folder's name has characters Peer Journal cannot keep"))?
                .to_string(),
        };
        self.set_meta(EXCHANGE_FOLDER, &value)
    }

    /// Checks the encryption, every page's authentication, the database's
    /// structure, and the identity keys; and the search index, which is
    /// rebuilt or made again on the spot if it is out of step or damaged.
    pub fn check(&mut self) -> Result<CheckReport> {
        let mut problems = store::integrity_problems(&self.conn)?;
        problems.extend(identity::verify(&self.conn)?);
        // The search index holds nothing the journal does not: found
        // wanting, it is put right here and now.
        let mut repaired = Vec::new();
        match self.search.health(&self.conn)? {
            Health::Sound => {}
            Health::OutOfStep => {
                self.search.rebuild(&self.conn)?;
                repaired.push("the search index was out of step with the journal; it has been rebuilt".to_string());
            }
            Health::Damaged => {
                self.recreate_search_index()?;
                repaired.push("the search index was damaged; it has been made again from the journal".to_string());
            }
        }
        // Records name their devices by number (see `events`): a number
        // `devices` does not hold would hide the record's creating event.
        let unnamed: i64 = self.conn.query_row(
            "SELECT count(*) FROM records r
             WHERE NOT EXISTS (SELECT 1 FROM devices d WHERE d.n = r.created_device)
                OR NOT EXISTS (SELECT 1 FROM devices d WHERE d.n = r.updated_device)",
            [],
            |r| r.get(0),
        )?;
        if unnamed > 0 {
            problems.push(format!("{unnamed} record(s) name a device the journal does not know"));
        }
        let schema_version: i64 = self.conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if schema_version != store::SCHEMA_VERSION {
            problems.push(format!("the schema is at version {schema_version}, expected {}", store::SCHEMA_VERSION));
        }
        Ok(CheckReport {
            ok: problems.is_empty(),
            cipher_version: store::cipher_version(&self.conn)?,
            schema_version,
            problems,
            repaired,
        })
    }

    /// Folds the write-ahead logs of the journal and of its search index
    /// back into their database files, as far as no reader is in the way.
    /// Saves and imports leave this to idle moments (see `store::open` and
    /// `store::BulkLoad`); the app calls it when nothing has happened for a
    /// few seconds. Cheap when there is nothing to fold. Returns how many
    /// pages the logs still hold unfolded.
    pub fn fold_log(&self) -> Result<u64> {
        let (log, folded): (i64, i64) =
            self.conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |r| Ok((r.get(1)?, r.get(2)?)))?;
        let left = u64::try_from(log - folded).unwrap_or(0);
        if left == 0 {
            // An import may have left the fold to this moment.
            store::fold_on_commit(&self.conn)?;
        }
        Ok(left + self.search.fold_log(false)?)
    }

    /// Does a little of the work saves leave for idle moments: one step of
    /// merging the search index (see [`crate::store::search`]), then folding both
    /// write-ahead logs ([`Journal::fold_log`]). The app calls it every few
    /// seconds while nothing else is happening; each call is short (a few
    /// milliseconds, tens while a large index settles after an import).
    /// Returns whether it merged anything, so whether there may be more.
    pub fn tidy_while_idle(&self) -> Result<bool> {
        let merged = self.search.merge_step();
        self.fold_log()?;
        merged
    }

    /// Lets go of the memory kept to answer quickly: the decrypted pages
    /// SQLite caches for the journal and its search index. For when the
    /// journal is left alone (the app calls it once per idle spell, after
    /// [`Journal::tidy_while_idle`] has nothing left to do); the next
    /// question reads the pages it needs from the disk again.
    pub fn release_memory(&self) -> Result<()> {
        self.conn.execute_batch("PRAGMA shrink_memory;")?;
        self.search.release_memory()
    }

    /// Notes that `path` is being written, as `path` whole once it is done
    /// (an export writes its bundle so), after removing any such file left
    /// by a write that was stopped. Noted in the journal, so that a file
    /// left by a write that is stopped too (killed, or the computer switched
    /// off) is removed by the next one or at the next unlock, whatever its
    /// folder.
    pub(crate) fn begin_partial_file(&self, path: &Path) -> Result<()> {
        self.remove_partial_file();
        self.set_meta(PARTIAL_FILE, &path.to_string_lossy())
    }

    /// The partial file noted by [`Journal::begin_partial_file`] is done
    /// with (renamed into place, or removed).
    pub(crate) fn end_partial_file(&self) {
        let _ = self.conn.execute("DELETE FROM meta WHERE key = ?1", [PARTIAL_FILE]);
    }

    /// Removes the partial file a stopped write left, if one was noted.
    /// Only tidying: a failure is not reported. Only a file whose name ends
    /// `.partial` is ever removed.
    pub(crate) fn remove_partial_file(&self) {
        if let Ok(Some(path)) = self.meta(PARTIAL_FILE) {
            let path = PathBuf::from(path);
            if path.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.ends_with(".partial")) {
                let _ = fs::remove_file(&path);
            }
            self.end_partial_file();
        }
    }

    /// Throws the search index away and makes it again from `records` (it
    /// was found damaged).
    pub(crate) fn recreate_search_index(&mut self) -> Result<()> {
        self.search.recreate(&self.dir, &self.key, &self.conn)
    }

    /// Locks the journal: closes the database and wipes the data key.
    pub fn lock(self) {
        drop(self);
    }

    pub(crate) fn set_meta(&self, key: &str, value: &str) -> Result<()> {
        set_meta(&self.conn, key, value)
    }

    pub(crate) fn meta(&self, key: &str) -> Result<Option<String>> {
        Ok(self.conn.query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0)).optional()?)
    }

    fn required_meta(&self, key: &str) -> Result<String> {
        self.meta(key)?.ok_or_else(|| Error::CheckFailed(format!("the journal's setting {key} is missing")))
    }
}

fn read_key_file(dir: &Path) -> Result<KeyFile> {
    if !dir.is_dir() {
        return Err(Error::NotFound(dir.to_path_buf()));
    }
    if presence(dir) == Presence::Missing {
        return Err(Error::NotFound(dir.to_path_buf()));
    }
    KeyFile::read(&dir.join(KEY_FILE))
}

/// Refuses early, before the slow key derivation, when the database is
/// missing or is not the one the key file was made for.
fn check_database_matches(dir: &Path, key_file: &KeyFile) -> Result<()> {
    let db = dir.join(DB_FILE);
    if !db.exists() {
        return Err(Error::NotAJournal(dir.to_path_buf(), "its database file journal.db is missing"));
    }
    store::check_salt(&db, &key_file.database_salt(), dir)
}

fn validate_name(name: &str) -> Result<String> {
    let trimmed = name.trim();
    if trimmed.is_empty() {
        return Err(Error::invalid("a name is needed: how you would like to appear to your supervisor"));
    }
    if trimmed.chars().count() > MAX_NAME_CHARS {
        return Err(Error::invalid(format!("the name is too long (at most {MAX_NAME_CHARS} characters)")));
    }
    if trimmed.chars().any(char::is_control) {
        return Err(Error::invalid("the name cannot contain control characters"));
    }
    Ok(trimmed.to_string())
}

fn remove_staging(staging: &Path) {
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let mut p = staging.as_os_str().to_owned();
        p.push(suffix);
        let _ = fs::remove_file(PathBuf::from(p));
    }
}

/// Keeps the journal folder private to its owner where the platform allows.
fn restrict_permissions(dir: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = fs::set_permissions(dir, fs::Permissions::from_mode(0o700));
    }
    #[cfg(not(unix))]
    let _ = dir;
}

/// Now, as stored: RFC 3339 in UTC to the millisecond.
pub(crate) fn now() -> String {
    Utc::now().to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// The folder a journal lives in when none is given: the OS data directory
/// (`~/.local/share/peer-journal` on Linux).
pub fn default_dir() -> Option<PathBuf> {
    dirs::data_dir().map(|d| d.join("peer-journal"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::kinds::Kind;
    use serde_json::json;

    /// Journals made before the database's encryption was named in the key
    /// file keep SQLCipher's defaults (4 KiB pages, HMAC-SHA512) and open
    /// and change as before; new ones use 8 KiB pages.
    #[test]
    fn journals_open_with_the_encryption_they_were_made_with() {
        let kdf = KdfParams { memory_kib: 1024, iterations: 1, parallelism: 1 };
        let new = NewJournal { name: "T", role: Role::Volunteer, passphrase: "a passphrase", kdf };
        let each =
            [(DatabaseCipher::Sqlcipher4Defaults, 4096, "HMAC_SHA512"), (DatabaseCipher::NEW, 8192, "HMAC_SHA256")];
        for (cipher, page_size, hmac) in each {
            let dir = tempfile::tempdir().unwrap();
            let (mut j, _) = Journal::create_with_cipher(dir.path(), &new, cipher).unwrap();
            let fields = json!({"name": "Food bank"}).as_object().cloned().unwrap();
            let id = j.add(Kind::Service, fields).unwrap().id;
            j.lock();
            let mut j = Journal::open(dir.path(), "a passphrase").unwrap();
            assert_eq!(j.key_file.database_cipher(), cipher);
            assert_eq!(j.get(&id).unwrap().fields["name"], "Food bank");
            let size: String = j.conn.query_row("PRAGMA cipher_page_size", [], |r| r.get(0)).unwrap();
            assert_eq!(size, page_size.to_string());
            let used: String = j.conn.query_row("PRAGMA cipher_hmac_algorithm", [], |r| r.get(0)).unwrap();
            assert_eq!(used, hmac);
            assert!(j.check().unwrap().ok, "{cipher:?}");
        }
    }
}
