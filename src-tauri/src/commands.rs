//! The Tauri commands: each turns IPC into one call on the [`Session`]. They
//! run off the main thread (`async`) because unlocking spends about a second
//! deriving the key, and the window must not freeze meanwhile.

use tauri::State;

use crate::ipc::{AppState, CreateJournalRequest, Created, UiError};
use crate::session::Session;

#[tauri::command]
pub async fn app_state(session: State<'_, Session>) -> Result<AppState, UiError> {
    session.state()
}

#[tauri::command]
pub async fn create_journal(session: State<'_, Session>, request: CreateJournalRequest) -> Result<Created, UiError> {
    session.create_journal(&request)
}

#[tauri::command]
pub async fn unlock(session: State<'_, Session>, passphrase: String) -> Result<AppState, UiError> {
    session.unlock(&passphrase)
}

#[tauri::command]
pub async fn unlock_with_recovery(
    session: State<'_, Session>,
    recovery_key: String,
    new_passphrase: String,
) -> Result<AppState, UiError> {
    session.unlock_with_recovery(&recovery_key, &new_passphrase)
}

#[tauri::command]
pub async fn lock(session: State<'_, Session>) -> Result<AppState, UiError> {
    session.lock()
}

#[tauri::command]
pub async fn touch(session: State<'_, Session>) -> Result<(), UiError> {
    session.touch();
    Ok(())
}

#[tauri::command]
pub async fn set_idle_lock_minutes(session: State<'_, Session>, minutes: u32) -> Result<AppState, UiError> {
    session.set_idle_lock_minutes(minutes)
}
