//! The types that cross IPC between the web UI and the shell. TypeScript
//! versions are generated from these by ts-rs into `ui/src/bindings/` and
//! committed; `make test` fails when they are stale.

use peerjournal::Role;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Whether there is a journal and whether it is open.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum JournalState {
    /// No journal in the folder yet: show first-run set-up.
    Missing,
    /// A journal exists and is locked.
    Locked,
    /// The journal is unlocked.
    Unlocked,
}

/// What the UI needs to decide which screen to show.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct AppState {
    /// Missing, locked or unlocked.
    pub journal: JournalState,
    /// The journal keeper's name, when unlocked.
    pub name: Option<String>,
    /// Volunteer or supervisor, when unlocked.
    pub role: Option<Role>,
    /// Minutes without use before the journal locks itself.
    pub idle_lock_minutes: u32,
    /// The folder the journal lives in.
    pub journal_dir: String,
    /// How many relationships the retention check erased when the journal
    /// was last unlocked (0 when none, or when locked).
    pub erased_at_unlock: u32,
    /// Months after an ending that records are kept (0 when locked).
    pub retention_months: u32,
    /// When unlocked and the journal's clock is more than a day ahead of
    /// the computer's (it has seen changes dated in the future): by how
    /// many minutes.
    pub clock_ahead_minutes: Option<u32>,
}

/// First-run set-up.
#[derive(Clone, Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct CreateJournalRequest {
    /// How the keeper would like to appear.
    pub name: String,
    /// Volunteer or supervisor.
    pub role: Role,
    /// The new passphrase.
    pub passphrase: String,
}

/// A journal was created: the recovery key to show once, and the new state.
#[derive(Clone, Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Created {
    /// The recovery key, `XXXX-XXXX-…`, to be written down.
    pub recovery_key: String,
    /// The journal, now unlocked.
    pub state: AppState,
}

/// What kind of failure, so the UI can choose how to show it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum UiErrorKind {
    /// The passphrase did not unlock the journal.
    WrongPassphrase,
    /// The recovery key is mistyped or not this journal's.
    BadRecoveryKey,
    /// Something typed is not acceptable; the message says what.
    InvalidInput,
    /// A journal already exists where one was to be created.
    JournalExists,
    /// The folder holds no journal, or not a complete one.
    NotAJournal,
    /// The journal's files are damaged, mismatched or from a newer version.
    Damaged,
    /// The journal is locked; unlock it first.
    Locked,
    /// Another window or command is using the journal; try again.
    Busy,
    /// The disk is full; nothing was saved.
    DiskFull,
    /// The change is not this journal's to make: another journal owns the
    /// record, or the other role writes its kind. The message says whose.
    NotAllowed,
    /// Anything else (a failing disk, a bug).
    Internal,
}

/// An error as the UI receives it. The message is plain language and never
/// contains record content or secrets.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS, thiserror::Error)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
#[error("{message}")]
pub struct UiError {
    /// The kind of failure.
    pub kind: UiErrorKind,
    /// What went wrong and what to do, in plain words.
    pub message: String,
}

impl UiError {
    /// The journal must be unlocked for this.
    pub fn locked() -> Self {
        UiError { kind: UiErrorKind::Locked, message: "the journal is locked; unlock it to carry on".into() }
    }
}

impl From<peerjournal::Error> for UiError {
    fn from(e: peerjournal::Error) -> Self {
        let kind = match e.kind() {
            "wrongPassphrase" => UiErrorKind::WrongPassphrase,
            "badRecoveryKey" => UiErrorKind::BadRecoveryKey,
            "invalidInput" => UiErrorKind::InvalidInput,
            "journalExists" => UiErrorKind::JournalExists,
            "notFound" | "notAJournal" => UiErrorKind::NotAJournal,
            "damaged" | "tooNew" => UiErrorKind::Damaged,
            "busy" => UiErrorKind::Busy,
            "diskFull" => UiErrorKind::DiskFull,
            "notAllowed" => UiErrorKind::NotAllowed,
            _ => UiErrorKind::Internal,
        };
        let mut message = e.to_string();
        // The core speaks to command-line users too; the app has no --journal.
        if kind == UiErrorKind::NotAJournal {
            message =
                message.replace("; create one with `peerjournal init`, or give the right folder with --journal", "");
        }
        UiError { kind, message }
    }
}
