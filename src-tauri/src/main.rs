//! The Peer Journal desktop app.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() -> std::process::ExitCode {
    match peer_journal_app::run() {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("peer-journal: {message}");
            std::process::ExitCode::FAILURE
        }
    }
}
