//! The types that cross IPC between the web UI and the shell. TypeScript
//! versions are generated from these by ts-rs into `ui/src/bindings/` and
//! committed; `make test` fails when they are stale.

use peerjournal::{DeviceId, ErrorKind, Fields, Fingerprint, Role};
use serde::{Deserialize, Serialize};
use serde_json::Value;
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
    /// Show people by their initials only, for a screen others may see
    /// (false when locked).
    pub discreet_mode: bool,
    /// The fingerprint of the journal's card, when unlocked: what others
    /// check when they take the card in.
    pub fingerprint: Option<Fingerprint>,
    /// This computer's device of the journal, when unlocked: a record's
    /// history says "on this computer" for changes made with it.
    pub device_id: Option<DeviceId>,
    /// Whether the journal in use is the demo, of made-up people: every
    /// screen says so.
    pub demo: bool,
    /// The folder backups and exports are written to.
    pub files_dir: String,
}

/// A record's fields as a form sends them, by name: the journal checks
/// them against the kind (see `KINDS` in kinds.ts).
// A newtype: serde reads it as the object alone.
#[derive(Clone, Debug, Default, PartialEq, Deserialize, TS)]
#[ts(export)]
pub struct FieldValues(#[ts(type = "{ [field in string]?: unknown }")] pub Fields);

/// One field's value, as a form sends it: text, a number, yes or no, or
/// null (to clear it).
#[derive(Clone, Debug, PartialEq, Deserialize, TS)]
#[ts(export)]
pub struct FieldValue(#[ts(type = "unknown")] pub Value);

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

impl Drop for CreateJournalRequest {
    /// The passphrase is wiped from memory once the journal is made.
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.passphrase);
    }
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

/// What kind of failure, so the UI can choose how to show it: one of the
/// core's kinds, or that the journal is locked.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum UiErrorKind {
    /// The journal is locked; unlock it first.
    Locked,
    /// A failure in the journal itself.
    #[serde(untagged)]
    Journal(ErrorKind),
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
    /// Something failed inside the app itself (a command's thread died).
    pub fn internal() -> Self {
        UiError {
            kind: UiErrorKind::Journal(ErrorKind::Internal),
            message: "something went wrong inside Peer Journal; please try again".into(),
        }
    }

    /// The journal must be unlocked for this.
    pub fn locked() -> Self {
        UiError { kind: UiErrorKind::Locked, message: "the journal is locked; unlock it to carry on".into() }
    }
}

impl From<peerjournal::Error> for UiError {
    fn from(e: peerjournal::Error) -> Self {
        UiError { kind: UiErrorKind::Journal(e.kind()), message: e.to_string() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_kinds_cross_ipc_as_one_flat_name() {
        let json = |kind| serde_json::to_value(UiError { kind, message: "m".into() }).unwrap()["kind"].clone();
        assert_eq!(json(UiErrorKind::Locked), "locked");
        assert_eq!(json(UiErrorKind::Journal(ErrorKind::DiskFull)), "diskFull");
        assert_eq!(json(UiErrorKind::Journal(ErrorKind::BundleRefused)), "bundleRefused");
    }

    #[test]
    fn fields_arrive_as_one_object_and_pages_as_the_window_writes_them() {
        let fields: FieldValues = serde_json::from_str(r#"{"alias": "R", "consent": true}"#).unwrap();
        assert_eq!((fields.0.len(), fields.0["consent"].as_bool()), (2, Some(true)));
        assert!(serde_json::from_str::<FieldValues>(r#"["alias", "R"]"#).is_err());
        let value: FieldValue = serde_json::from_str("null").unwrap();
        assert!(value.0.is_null());
        let page: peerjournal::Page = serde_json::from_str(r#"{"limit": 20, "offset": 40}"#).unwrap();
        assert_eq!((page.limit, page.offset), (20, 40));
    }
}

/// A file found where the person keeps files (a backup, say).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct FoundFile {
    /// Where it is.
    pub path: String,
    /// Its name.
    pub name: String,
    /// When it was last written (local time, `YYYY-MM-DDTHH:MM`).
    pub modified: String,
    /// Its size in bytes.
    #[ts(type = "number")]
    pub bytes: u64,
}
