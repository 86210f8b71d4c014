// The app's commands, each declared once: its name, its arguments and what
// it returns. Everything else follows from this list:
//
// - build.rs declares the names to Tauri, which makes one permission per
//   command (nothing is callable from the window unless
//   capabilities/main.json grants it; a test checks that it grants exactly
//   these);
// - src/commands.rs makes one `#[tauri::command]` per line, calling the
//   `Session` method of the same name with the same arguments, and the
//   handler that registers them all;
// - the TypeScript `Commands` type in ui/src/bindings/Commands.ts, which
//   ui/src/api.ts calls through, is written from it with the bindings.
//
// Every command returns `Result<T, UiError>`; the list gives `T`.
// Arguments are snake_case here and camelCase in TypeScript, as Tauri
// passes them.
app_commands! {
    /// Which screen to show: is there a journal, and is it open.
    app_state() -> AppState;
    /// First-run set-up: makes the journal and opens it.
    create_journal(request: CreateJournalRequest) -> Created;
    /// Opens the journal with its passphrase.
    unlock(passphrase: String) -> AppState;
    /// Opens the journal with its recovery key and sets a new passphrase.
    unlock_with_recovery(recovery_key: String, new_passphrase: String) -> AppState;
    /// Closes the journal.
    lock() -> AppState;
    /// The person is using the app: restarts the idle timer.
    touch() -> ();
    /// How many minutes without use before the journal locks itself.
    set_idle_lock_minutes(minutes: u32) -> AppState;
    /// How hard a new passphrase would be to guess, asked as it is typed;
    /// `name` is the keeper's (when the journal is open, its own is used).
    passphrase_strength(passphrase: String, name: Option<String>) -> PassphraseStrength;
}
