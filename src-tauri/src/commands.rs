//! The Tauri commands, made from the one command list
//! (`src/command_list.rs`): each turns IPC into one call on the [`Session`]
//! method of the same name. They run off the main thread (`async`) because
//! unlocking spends about a second deriving the key, and the window must not
//! freeze meanwhile.
//!
//! The same list gives [`handler`] (registering every command), [`NAMES`]
//! (which a test checks against the capability that grants them) and the
//! TypeScript `Commands` type the UI calls through.

use tauri::State;

use peerjournal::access::Written as SubjectAccessWritten;
use peerjournal::journal::backup::BackupWritten;
use peerjournal::keys::PassphraseStrength;
use peerjournal::{
    Conflict, Draft, HistoryEntry, Kind, Page, PersonId, PurgeReport, Record as JournalRecord, RecordCounts, RecordId,
    SearchHit,
};

use crate::ipc::{AppState, CreateJournalRequest, Created, FieldValue, FieldValues, FoundFile, UiError};
use crate::session::Session;

macro_rules! app_commands {
    ($($(#[doc = $doc:literal])* $name:ident($($arg:ident: $ty:ty),* $(,)?) -> $ret:ty;)*) => {
        $(
            $(#[doc = $doc])*
            #[tauri::command]
            pub async fn $name(session: State<'_, Session>, $($arg: $ty),*) -> Result<$ret, UiError> {
                session.$name($($arg),*)
            }
        )*

        /// Every command's name, as the window calls it.
        pub const NAMES: &[&str] = &[$(stringify!($name)),*];

        /// Registers every command with Tauri.
        pub fn handler<R: tauri::Runtime>() -> impl Fn(tauri::ipc::Invoke<R>) -> bool + Send + Sync + 'static {
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
