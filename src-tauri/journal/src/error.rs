//! The one error type of the core library.
//!
//! Every message is written for the person at the keyboard: it says what went
//! wrong in plain words and, where there is one, what to do next. Messages
//! never contain record content, passphrases or keys. Anything that fails to
//! decrypt collapses into one variant per secret, so an error can never tell
//! an attacker *why* decryption failed.

use std::path::{Path, PathBuf};

/// Everything that can go wrong in the core library.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The passphrase did not unlock the journal.
    #[error("that passphrase does not unlock this journal; check it and try again, or use your recovery key")]
    WrongPassphrase,

    /// A recovery key that is well formed but does not unlock this journal.
    #[error("that recovery key does not unlock this journal; check it against the one you wrote down")]
    WrongRecoveryKey,

    /// A recovery key that cannot be right: wrong length, a character that is
    /// never used, or a typo caught by its check digits.
    #[error("that recovery key has a typo ({0}); it is 8 groups of 4 letters and digits, check each group against what you wrote down")]
    MistypedRecoveryKey(&'static str),

    /// The folder holds no journal.
    #[error("no journal at {}", .0.display())]
    NotFound(PathBuf),

    /// The folder exists but what is in it is not a Peer Journal.
    #[error("{} is not a Peer Journal folder ({})", .0.display(), .1)]
    NotAJournal(PathBuf, &'static str),

    /// `init` was asked to create a journal where one already is.
    #[error("a journal already exists at {}; it has been left as it is (choose another folder to start a new one)", .0.display())]
    AlreadyExists(PathBuf),

    /// The key file cannot be read as a key file.
    #[error("the key file {} is damaged ({}); restore it from a backup of this journal's folder", .0.display(), .1)]
    KeyFileDamaged(PathBuf, String),

    /// The key file and the database belong to different journals.
    #[error("the key file and the database in {} do not belong together: the key file may come from another journal, or the database file has been replaced; put back this journal's own files", .0.display())]
    KeyFileMismatch(PathBuf),

    /// The key file was written by a newer version of Peer Journal.
    #[error("the key file was made by a newer version of Peer Journal (key file version {0}); update Peer Journal to open this journal")]
    KeyFileTooNew(u32),

    /// The database could not be decrypted or read although the key was right.
    #[error("the journal database in {} is damaged or is not this journal's; restore the folder from a backup", .0.display())]
    DatabaseDamaged(PathBuf),

    /// The database was written by a newer version of Peer Journal.
    #[error(
        "this journal was last used by a newer version of Peer Journal (schema {0}); update Peer Journal to open it"
    )]
    SchemaTooNew(i64),

    /// The search index's file was laid out by another version of Peer
    /// Journal. Never shown: the index is rebuilt instead.
    #[error("the search index was made by another version of Peer Journal (layout {0}); it is rebuilt when the journal is next unlocked")]
    SearchIndexLayout(i64),

    /// The SQLite library in use has no encryption: refuse rather than write plaintext.
    #[error("this build of Peer Journal has no database encryption (SQLCipher missing); it refuses to open journals")]
    NoEncryption,

    /// The disk has no room: for the change (the transaction was rolled
    /// back), or even for the journal's working files, which reading needs.
    #[error("the disk is full: free some space and try again; nothing was changed")]
    DiskFull,

    /// Another program holds the journal busy for longer than we wait.
    #[error("the journal is busy in another Peer Journal window or command; try again in a moment")]
    Busy,

    /// A value given by the person is not acceptable.
    #[error("{0}")]
    Invalid(String),

    /// The change is not this journal's to make: the record belongs to
    /// another journal, or its kind is written by the other role. The
    /// message says whose it is.
    #[error("{0}")]
    NotAllowed(String),

    /// Reading or writing a file failed.
    #[error("could not {action} {}: {}", .path.display(), io_reason(.source))]
    Io {
        /// What we were doing, e.g. "write".
        action: &'static str,
        /// The file concerned.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },

    /// An unexpected database error (a bug or a failing disk).
    #[error("the journal database reported an error: {0}")]
    Database(rusqlite::Error),

    /// A bundle was refused; the journal is unchanged.
    #[error("{0}")]
    Refused(Refusal),

    /// A self-check found a problem.
    #[error("the journal failed its check: {0}")]
    CheckFailed(String),

    /// A long task (an import, an export) was stopped on request before it
    /// finished; nothing was changed.
    #[error("stopped before it finished; nothing was changed")]
    Cancelled,
}

/// What kind of failure an [`Error`] is: few enough for a screen or a
/// script to choose what to do by, stable across versions. Written in
/// camelCase where it leaves the program (`--json`, the app).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum ErrorKind {
    /// The passphrase did not unlock the journal.
    WrongPassphrase,
    /// The recovery key is mistyped or not this journal's.
    BadRecoveryKey,
    /// There is no journal in the folder.
    NotFound,
    /// The folder holds something that is not a (complete) journal.
    NotAJournal,
    /// A journal already exists where one was to be created.
    JournalExists,
    /// The journal's files are damaged or do not belong together.
    Damaged,
    /// The journal was last used by a newer version of Peer Journal.
    TooNew,
    /// Another window or command is using the journal; try again.
    Busy,
    /// The disk is full; nothing was changed.
    DiskFull,
    /// A bundle was refused; the message says why. Nothing was imported.
    BundleRefused,
    /// Something given is not acceptable; the message says what.
    InvalidInput,
    /// The change is not this journal's to make; the message says whose.
    NotAllowed,
    /// A file could not be read or written; the message says which and why.
    Io,
    /// A long task was stopped on request; nothing was changed.
    Cancelled,
    /// Anything else (a failing disk, a bug).
    Internal,
}

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
    /// The card inside does not check out (damaged, or naming a device of
    /// another journal's), or is not its signer's.
    #[error("the card inside {sender}'s file is damaged, or names a device that is not theirs; nothing was imported")]
    BadCard {
        /// The sender's name.
        sender: String,
    },
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
    /// A record whose id is bound to another journal's key: not the
    /// sender's to make or change, whether held here or not.
    #[error("{sender}'s file carries {what} whose id belongs to another journal; nothing was imported")]
    ForeignId {
        /// The sender's name.
        sender: String,
        /// The kind of record, in words ("a contact").
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
    /// A file from a demo journal brought to a real one, or the other way.
    #[error("{}", if *from_demo { format!("{sender}'s file comes from a demo journal of made-up people; a real journal never takes it in") } else { format!("this is a demo journal of made-up people: it takes in only files from other demo journals, and {sender}'s is from a real one") })]
    DemoMix {
        /// The sender's name.
        sender: String,
        /// Whether the file is a demo journal's (so this one is real).
        from_demo: bool,
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

/// The core library's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// What kind of error this is, for machine output and for the app to
    /// choose how to show it.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::WrongPassphrase => ErrorKind::WrongPassphrase,
            Error::WrongRecoveryKey | Error::MistypedRecoveryKey(_) => ErrorKind::BadRecoveryKey,
            Error::NotFound(_) => ErrorKind::NotFound,
            Error::NotAJournal(..) => ErrorKind::NotAJournal,
            Error::AlreadyExists(_) => ErrorKind::JournalExists,
            Error::KeyFileDamaged(..)
            | Error::KeyFileMismatch(_)
            | Error::DatabaseDamaged(_)
            | Error::SearchIndexLayout(_)
            | Error::CheckFailed(_) => ErrorKind::Damaged,
            Error::KeyFileTooNew(_) | Error::SchemaTooNew(_) => ErrorKind::TooNew,
            Error::Busy => ErrorKind::Busy,
            Error::DiskFull => ErrorKind::DiskFull,
            Error::Refused(_) => ErrorKind::BundleRefused,
            Error::Invalid(_) => ErrorKind::InvalidInput,
            Error::NotAllowed(_) => ErrorKind::NotAllowed,
            Error::Io { .. } => ErrorKind::Io,
            Error::Cancelled => ErrorKind::Cancelled,
            Error::NoEncryption | Error::Database(_) => ErrorKind::Internal,
        }
    }

    /// Builds an [`Error::Invalid`] from plain words.
    pub fn invalid(message: impl Into<String>) -> Self {
        Error::Invalid(message.into())
    }

    pub(crate) fn io(action: &'static str, path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io { action, path: path.into(), source }
    }

    /// The error as the person should read it, knowing the journal's
    /// folder: a failure to read or write a file while the disk that
    /// folder is on has (almost) no room left is a full disk. (SQLite
    /// reports a full disk as one only for the writes it makes itself; a
    /// working file it cannot grow, which even reading needs, it reports as
    /// an input/output error.) For the edges (the command line, the app),
    /// which know the folder.
    pub fn in_folder(self, dir: &std::path::Path) -> Error {
        use rusqlite::ffi::ErrorCode;
        let io_failure = match &self {
            Error::Database(e) => {
                matches!(e.sqlite_error_code(), Some(ErrorCode::SystemIoFailure | ErrorCode::CannotOpen))
            }
            Error::Io { .. } | Error::DatabaseDamaged(_) => true,
            _ => false,
        };
        if io_failure && nearly_full(dir) {
            Error::DiskFull
        } else {
            self
        }
    }
}

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Self {
        use rusqlite::ffi::ErrorCode;
        match e.sqlite_error_code() {
            Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => Error::Busy,
            Some(ErrorCode::DiskFull) => Error::DiskFull,
            _ => Error::Database(e),
        }
    }
}

/// Whether the disk `dir` is on has less room left than a journal needs
/// to be opened at all (its working files, a few pages of log): under
/// 4 MiB. False where that cannot be told.
fn nearly_full(dir: &Path) -> bool {
    const ROOM: u64 = 4 * 1024 * 1024;
    #[cfg(unix)]
    {
        // The folder itself may not exist yet (a journal being made).
        let existing = dir.ancestors().find(|d| d.exists()).unwrap_or(dir);
        rustix::fs::statvfs(existing).map(|s| s.f_bavail.saturating_mul(s.f_frsize) < ROOM).unwrap_or(false)
    }
    #[cfg(not(unix))]
    {
        let _ = (dir, ROOM);
        false
    }
}

/// Why a file could not be read or written, in plain words where the
/// system's own ("No such file or directory (os error 2)") would not be.
pub fn io_reason(e: &std::io::Error) -> String {
    use std::io::ErrorKind;
    match e.kind() {
        ErrorKind::NotFound => "it, or the folder it is in, does not exist".into(),
        ErrorKind::PermissionDenied => "you do not have permission".into(),
        ErrorKind::IsADirectory => "that is a folder, not a file".into(),
        ErrorKind::NotADirectory => "part of that path is a file, not a folder".into(),
        ErrorKind::ReadOnlyFilesystem => "that disk can only be read".into(),
        ErrorKind::StorageFull | ErrorKind::QuotaExceeded => "the disk is full".into(),
        _ => e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_errors_read_in_plain_words() {
        let missing = std::fs::File::open("/no/such/folder/file").unwrap_err();
        let e = Error::io("read", "/no/such/folder/file", missing);
        assert_eq!(e.to_string(), "could not read /no/such/folder/file: it, or the folder it is in, does not exist");
        let folder = std::fs::read(std::env::temp_dir()).unwrap_err();
        assert_eq!(io_reason(&folder), "that is a folder, not a file");
        let other = std::io::Error::other("something else");
        assert_eq!(io_reason(&other), "something else");
    }
}
