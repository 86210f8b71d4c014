//! Backing a journal up into one file, and restoring it on a computer.
//!
//! A backup holds the journal's key file and a consistent copy of its
//! database, exactly as they are on disk: the database stays encrypted with
//! the journal's data key, and the key file seals that key under the
//! passphrase and the recovery key, so a backup is no easier to open than
//! the journal itself. The search index is not kept (it is rebuilt from the
//! database when the restored journal is first opened).
//!
//! Restoring writes the two files into an empty folder, opens them with the
//! recovery key, sets a new passphrase and gives the journal a new device
//! ([`Journal::new_device`]): the restored journal is the same journal, on
//! a computer of its own, so its changes never share numbers with the ones
//! the old computer may still make. A restore that fails for any reason (a
//! damaged file, a wrong recovery key, a full disk) leaves the folder as it
//! found it.
//!
//! The file: one line of JSON ([`Header`]: format, version, the journal's
//! id, when, and the sizes of the two parts), the key file's bytes, the
//! database's bytes, then one line `sha256 <hex>` over everything before it.

use std::fs::{self, File};
use std::io::{BufRead, BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use ts_rs::TS;

use crate::error::{Error, Result};
use crate::journal::{presence, Journal, Presence, DB_FILE, KEY_FILE};
use crate::keys::{self, RecoveryKey};

const FORMAT: &str = "peerjournal-backup";
/// The version of the backup file this writes and the newest it reads.
pub const VERSION: u32 = 1;
/// How a backup file's name ends.
pub const EXTENSION: &str = "pjbackup";
/// A key file is a few hundred bytes; anything much larger is not one.
const MAX_KEY_FILE_BYTES: u64 = 64 * 1024;
/// The header line is short; reading stops here on a file that is not one.
const MAX_HEADER_BYTES: u64 = 4 * 1024;

/// What precedes the two files. Do not modify: bump [`VERSION`].
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Header {
    format: String,
    version: u32,
    journal_id: String,
    created_at: String,
    key_file_bytes: u64,
    database_bytes: u64,
}

/// A backup written.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct BackupWritten {
    /// Where it was written.
    pub path: String,
    /// Its size in bytes.
    #[ts(type = "number")]
    pub bytes: u64,
}

impl Journal {
    /// Writes a backup of this journal into `folder` (made if missing), as
    /// a new file named for today; never overwrites a file.
    pub fn back_up(&self, folder: &Path) -> Result<BackupWritten> {
        fs::create_dir_all(folder).map_err(|e| Error::io("create the folder", folder, e))?;
        let stamp = chrono::Local::now().format("%Y-%m-%d");
        let path = free_name(folder, &format!("peer-journal-backup-{stamp}"), EXTENSION);
        let partial = path.with_extension(format!("{EXTENSION}.partial"));
        let result = self.write_backup(&partial).and_then(|bytes| {
            fs::rename(&partial, &path).map_err(|e| Error::io("write", &path, e))?;
            keys::sync_dir(&path);
            Ok(BackupWritten { path: path.display().to_string(), bytes })
        });
        if result.is_err() {
            let _ = fs::remove_file(&partial);
        }
        result
    }

    fn write_backup(&self, to: &Path) -> Result<u64> {
        // The database file holds everything once the log is folded into
        // it; a read transaction then keeps any checkpoint (by another
        // process) from writing into the file while it is copied.
        let _ = self.conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()));
        let snapshot = self.conn.unchecked_transaction()?;
        snapshot.query_row("SELECT count(*) FROM meta", [], |_| Ok(()))?;
        let key_file = fs::read(self.dir.join(KEY_FILE)).map_err(|e| Error::io("read", self.dir.join(KEY_FILE), e))?;
        let db_path = self.dir.join(DB_FILE);
        let database = File::open(&db_path).map_err(|e| Error::io("read", &db_path, e))?;
        let database_bytes = database.metadata().map_err(|e| Error::io("read", &db_path, e))?.len();
        let header = Header {
            format: FORMAT.into(),
            version: VERSION,
            journal_id: self.required_meta("journal_id")?,
            created_at: crate::journal::now(),
            key_file_bytes: key_file.len() as u64,
            database_bytes,
        };
        let io = |e| Error::io("write", to, e);
        let mut out = HashingWriter::new(BufWriter::new(File::create(to).map_err(io)?));
        let line = serde_json::to_string(&header).map_err(|e| Error::CheckFailed(e.to_string()))?;
        out.write_all(line.as_bytes()).map_err(io)?;
        out.write_all(b"\n").map_err(io)?;
        out.write_all(&key_file).map_err(io)?;
        let copied = std::io::copy(&mut BufReader::new(database).take(database_bytes), &mut out).map_err(io)?;
        if copied != database_bytes {
            return Err(Error::CheckFailed("the database file changed size while it was being backed up".into()));
        }
        drop(snapshot);
        let (mut inner, digest) = out.finish();
        writeln!(inner, "sha256 {}", data_encoding::HEXLOWER.encode(&digest)).map_err(io)?;
        let file = inner.into_inner().map_err(|e| io(e.into_error()))?;
        file.sync_all().map_err(io)?;
        Ok(file.metadata().map_err(io)?.len())
    }
}

/// Restores the backup `from` into `dir`, which must hold no journal: opens
/// it with `recovery_key`, sets `new_passphrase`, and gives it a new device.
/// On any failure `dir` is left as it was.
pub fn restore(from: &Path, dir: &Path, recovery_key: &str, new_passphrase: &str) -> Result<Journal> {
    if presence(dir) == Presence::Present {
        return Err(Error::AlreadyExists(dir.to_path_buf()));
    }
    // The cheap checks first: a mistyped key or a weak passphrase is said
    // before anything is read or written.
    RecoveryKey::parse(recovery_key)?;
    keys::validate_new_passphrase(new_passphrase, &[])?;
    let made_dir = !dir.exists();
    let written: Vec<PathBuf> =
        [KEY_FILE, DB_FILE, "journal.db-wal", "journal.db-shm"].iter().map(|f| dir.join(f)).collect();
    let result = unpack(from, dir).and_then(|()| {
        let mut journal = Journal::recover(dir, recovery_key, new_passphrase)?;
        journal.new_device()?;
        Ok(journal)
    });
    if result.is_err() {
        for file in &written {
            let _ = fs::remove_file(file);
        }
        crate::store::search::remove_files(&dir.join(crate::store::search::SEARCH_FILE)).ok();
        if made_dir {
            let _ = fs::remove_dir(dir);
        }
    }
    result
}

/// Checks the backup whole, then writes its two files into `dir`.
fn unpack(from: &Path, dir: &Path) -> Result<()> {
    let not_a_backup = || Error::invalid(format!("{} is not a Peer Journal backup", from.display()));
    let damaged = || {
        Error::invalid(format!(
            "the backup {} is damaged or incomplete (it may have been cut short when it was copied); try another copy",
            from.display()
        ))
    };
    let file = File::open(from).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => Error::invalid(format!("no file at {}", from.display())),
        _ => Error::io("read", from, e),
    })?;
    let mut input = BufReader::new(file);
    let mut line = Vec::new();
    (&mut input).take(MAX_HEADER_BYTES).read_until(b'\n', &mut line).map_err(|e| Error::io("read", from, e))?;
    let header: Header =
        serde_json::from_slice(line.strip_suffix(b"\n").ok_or_else(not_a_backup)?).map_err(|_| not_a_backup())?;
    if header.format != FORMAT {
        return Err(not_a_backup());
    }
    if header.version > VERSION {
        return Err(Error::invalid(format!(
            "this backup was made by a newer version of Peer Journal (backup version {}); update Peer Journal to restore it",
            header.version
        )));
    }
    if header.key_file_bytes > MAX_KEY_FILE_BYTES {
        return Err(damaged());
    }
    let mut whole = Sha256::new();
    whole.update(&line);

    fs::create_dir_all(dir).map_err(|e| Error::io("create the folder", dir, e))?;
    let mut key_file = Vec::new();
    (&mut input).take(header.key_file_bytes).read_to_end(&mut key_file).map_err(|e| Error::io("read", from, e))?;
    if key_file.len() as u64 != header.key_file_bytes {
        return Err(damaged());
    }
    whole.update(&key_file);
    // The database goes to a file of its own name first, and is renamed
    // into place only once the whole backup has checked out.
    let db_path = dir.join(DB_FILE);
    let staging = dir.join(format!("{DB_FILE}.restoring"));
    let checked = (|| -> Result<()> {
        let io = |e| Error::io("write", &staging, e);
        let mut out = BufWriter::new(File::create(&staging).map_err(io)?);
        let copied = std::io::copy(&mut (&mut input).take(header.database_bytes), &mut Tee(&mut out, &mut whole))
            .map_err(|e| Error::io("read", from, e))?;
        out.into_inner().map_err(|e| io(e.into_error()))?.sync_all().map_err(io)?;
        let mut trailer = String::new();
        input.read_line(&mut trailer).map_err(|e| Error::io("read", from, e))?;
        let expected = trailer.strip_prefix("sha256 ").map(str::trim).ok_or_else(damaged)?;
        let actual = data_encoding::HEXLOWER.encode(&whole.clone().finalize());
        if copied != header.database_bytes || actual != expected {
            return Err(damaged());
        }
        Ok(())
    })();
    if let Err(e) = checked {
        let _ = fs::remove_file(&staging);
        return Err(e);
    }
    let key_path = dir.join(KEY_FILE);
    let written = fs::write(&key_path, &key_file)
        .map_err(|e| Error::io("write", &key_path, e))
        .and_then(|()| fs::rename(&staging, &db_path).map_err(|e| Error::io("write", &db_path, e)));
    if written.is_err() {
        let _ = fs::remove_file(&staging);
    }
    keys::sync_dir(&db_path);
    written
}

/// A writer that hashes what passes through it.
struct HashingWriter<W: Write> {
    inner: W,
    hasher: Sha256,
}

impl<W: Write> HashingWriter<W> {
    fn new(inner: W) -> Self {
        HashingWriter { inner, hasher: Sha256::new() }
    }

    fn finish(self) -> (W, [u8; 32]) {
        (self.inner, self.hasher.finalize().into())
    }
}

impl<W: Write> Write for HashingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// Writes to a file and hashes what it wrote.
struct Tee<'a, W: Write>(&'a mut W, &'a mut Sha256);

impl<W: Write> Write for Tee<'_, W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.0.write(buf)?;
        self.1.update(&buf[..n]);
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.0.flush()
    }
}

/// `folder/stem.extension`, or `stem-2`, `stem-3`… if it is taken.
pub(crate) fn free_name(folder: &Path, stem: &str, extension: &str) -> PathBuf {
    let mut n = 1;
    loop {
        let name = if n == 1 { format!("{stem}.{extension}") } else { format!("{stem}-{n}.{extension}") };
        let path = folder.join(name);
        if !path.exists() {
            return path;
        }
        n += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::journal::NewJournal;
    use crate::keys::KdfParams;
    use crate::model::kinds::{Fields, Kind};
    use crate::model::record::Page;
    use crate::Role;

    const FAST: KdfParams = KdfParams { memory_kib: 1024, iterations: 1, parallelism: 1 };
    const PASS: &str = "rhubarb lantern quietly orbits";
    const NEW_PASS: &str = "copper kettle nineteen mornings";

    fn journal_with_a_person(dir: &Path) -> (Journal, String) {
        let (mut j, recovery) =
            Journal::create(dir, &NewJournal { name: "Sam", role: Role::Volunteer, passphrase: PASS, kdf: FAST })
                .unwrap();
        let fields: Fields = serde_json::from_value(serde_json::json!({"alias": "R.M.", "consent": true})).unwrap();
        j.add(Kind::Person, fields).unwrap();
        (j, recovery.display().to_string())
    }

    fn people(j: &Journal) -> Vec<String> {
        j.list(Kind::Person, None, Page::default()).unwrap().iter().map(|r| r.id.to_string()).collect()
    }

    #[test]
    fn a_backup_restores_the_same_journal_as_a_new_device() {
        let (home, elsewhere, folder) =
            (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let (j, recovery) = journal_with_a_person(home.path());
        let written = j.back_up(folder.path()).unwrap();
        assert!(written.path.ends_with(".pjbackup") && written.bytes > 0);
        let target = elsewhere.path().join("journal");
        let restored = restore(Path::new(&written.path), &target, &recovery, NEW_PASS).unwrap();
        assert_eq!(people(&restored), people(&j));
        assert_eq!(restored.status().unwrap().fingerprint, j.status().unwrap().fingerprint, "the same journal");
        assert_ne!(restored.device_id().unwrap(), j.device_id().unwrap(), "on a device of its own");
        assert!(restored.own_devices().unwrap().contains(&j.device_id().unwrap()));
        drop(restored);
        assert!(Journal::open(&target, NEW_PASS).is_ok(), "the new passphrase opens it");
        assert!(matches!(Journal::open(&target, PASS), Err(Error::WrongPassphrase)));
        // A second backup the same day does not overwrite the first.
        let again = j.back_up(folder.path()).unwrap();
        assert_ne!(again.path, written.path);
        assert!(Path::new(&written.path).exists());
    }

    #[test]
    fn a_damaged_backup_or_a_wrong_key_restores_nothing() {
        let (home, elsewhere, folder) =
            (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let (j, recovery) = journal_with_a_person(home.path());
        let written = PathBuf::from(j.back_up(folder.path()).unwrap().path);
        let bytes = fs::read(&written).unwrap();
        let target = elsewhere.path().join("journal");

        let mut changed = bytes.clone();
        let middle = changed.len() / 2;
        changed[middle] ^= 1;
        let cut = &bytes[..bytes.len() - 100];
        for (name, content, expected) in [
            ("changed", changed.as_slice(), "damaged or incomplete"),
            ("cut", cut, "damaged or incomplete"),
            ("not one", b"hello\n".as_slice(), "is not a Peer Journal backup"),
        ] {
            let file = folder.path().join(name);
            fs::write(&file, content).unwrap();
            let e = restore(&file, &target, &recovery, NEW_PASS).err().unwrap().to_string();
            assert!(e.contains(expected), "{name}: {e}");
            assert!(!target.exists(), "{name} left something behind");
        }
        let other_key = "0CA2-ADJ7-B1MQ-N2WW-NPZC-ZR7H-0AJ8-4H6X";
        assert!(matches!(restore(&written, &target, other_key, NEW_PASS), Err(Error::WrongRecoveryKey)));
        assert!(!target.exists(), "a wrong key left something behind");
        // Where a journal already is, nothing is restored over it.
        assert!(matches!(restore(&written, home.path(), &recovery, NEW_PASS), Err(Error::AlreadyExists(_))));
        assert_eq!(people(&j).len(), 1);
    }
}
