//! The Tauri commands, made from the one command list
//! (`src/command_list.rs`): each turns IPC into one call on the [`Session`]
//! method of the same name. Each runs on a thread of the blocking pool, off
//! the main thread and off the async runtime's few workers: unlocking spends
//! about a second deriving the key, an import may hold the journal for
//! longer, and meanwhile the window must not freeze and a command that does
//! not need the journal (stopping that import) must still answer.
//!
//! The same list gives [`handler`] (registering every command), [`NAMES`]
//! (which a test checks against the capability that grants them) and the
//! TypeScript `Commands` type the UI calls through.

use tauri::{AppHandle, Manager};

use peerjournal::access::Written as SubjectAccessWritten;
use peerjournal::journal::backup::BackupWritten;
use peerjournal::keys::PassphraseStrength;
use peerjournal::{
    Conflict, Draft, Fingerprint, HistoryEntry, Kind, Page, PersonId, PurgeReport, Record as JournalRecord,
    RecordCounts, RecordId, SearchHit,
};

use peerjournal::journal::directory::DirectoryImport;
use peerjournal::journal::review::{Review, ReviewLimits, ReviewOptions};
use peerjournal::journal::VolunteerSummary;
use peerjournal::report::Report;
use peerjournal::reports::shared::SharedReport;
use peerjournal::store::roster::RosterEntry;
use peerjournal::sync::ImportSummary;

use crate::exchange::{ExchangeFile, ExchangeOverview, ExportDone, FileToken, SavedFile};
use crate::ipc::{AppState, CreateJournalRequest, Created, FieldValue, FieldValues, FoundFile, UiError};
use crate::session::Session;

macro_rules! app_commands {
    ($($(#[doc = $doc:literal])* $name:ident($($arg:ident: $ty:ty),* $(,)?) -> $ret:ty;)*) => {
        $(
            $(#[doc = $doc])*
            #[tauri::command]
            pub async fn $name(app: AppHandle, $($arg: $ty),*) -> Result<$ret, UiError> {
                let call = move || app.state::<Session>().$name($($arg),*);
                tauri::async_runtime::spawn_blocking(call).await.unwrap_or_else(|_| Err(UiError::internal()))
            }
        )*

        /// Every command's name, as the window calls it.
        pub const NAMES: &[&str] = &[$(stringify!($name)),*];

        /// Registers every command with Tauri.
        pub fn handler() -> impl Fn(tauri::ipc::Invoke<tauri::Wry>) -> bool + Send + Sync + 'static {
            tauri::generate_handler![$($name),*]
        }

        /// The TypeScript `Commands` type: each command's arguments (as
        /// Tauri expects them from JavaScript) and result.
        #[cfg(test)]
        pub(crate) fn typescript(cfg: &ts_rs::Config) -> String {
            let mut out = crate::typescript::Commands::default();
            $(
                out.command(
                    &[$($doc),*],
                    stringify!($name),
                    &[$(stringify!($arg)),*],
                    &[$(crate::typescript::Type::of::<$ty>(cfg)),*],
                    crate::typescript::Type::of::<$ret>(cfg),
                );
            )*
            out.finish()
        }
    };
}

include!("command_list.rs");
