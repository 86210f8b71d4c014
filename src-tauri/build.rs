//! Declares the app's own commands to Tauri so that each one must be granted
//! by a capability (see capabilities/main.json): nothing is callable from the
//! web view unless listed there.
fn main() {
    tauri_build::try_build(
        tauri_build::Attributes::new().app_manifest(tauri_build::AppManifest::new().commands(peer_journal_commands())),
    )
    .expect("tauri-build failed");
}

/// Must match the list given to `tauri::generate_handler!` in src/lib.rs.
fn peer_journal_commands() -> &'static [&'static str] {
    &["app_state", "create_journal", "unlock", "unlock_with_recovery", "lock", "touch", "set_idle_lock_minutes"]
}
