//! Peer Journal's desktop shell: a Tauri window over the core journal.
//!
//! The shell is thin on purpose. [`session`] holds the app's state and the
//! body of every command, free of Tauri; [`commands`] are one-line
//! delegations; [`ipc`] holds the types the web UI sees (exported to
//! TypeScript). An idle timer thread locks the journal after the chosen
//! minutes without use and tells the window; after a few seconds without
//! use it does the work saves leave undone (folding the write-ahead logs
//! back into the database files, a step of merging the search index).
#![deny(unsafe_code)]

pub mod commands;
pub mod exchange;
pub mod ipc;
mod memory;
pub mod session;
#[cfg(test)]
mod typescript;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use peerjournal::KdfParams;
use tauri::{Emitter, Manager};

use session::Session;

/// The event the UI hears when the idle timer has locked the journal.
pub const JOURNAL_LOCKED_EVENT: &str = "journal-locked";
/// The event carrying an import's or export's progress ([`exchange::JobProgress`]).
pub const JOB_PROGRESS_EVENT: &str = "job-progress";
/// The event the UI hears when files were dropped on the window (the
/// exchange screens then list them with the exchange folder's).
pub const FILES_DROPPED_EVENT: &str = "files-dropped";

/// Where the journal lives: `$PEERJOURNAL_DIR` if set (tests use this),
/// otherwise the OS data folder.
pub fn journal_dir() -> Option<PathBuf> {
    std::env::var_os("PEERJOURNAL_DIR").map(PathBuf::from).or_else(peerjournal::default_dir)
}

/// Where backups and exports are written: `$PEERJOURNAL_FILES_DIR` if set
/// (tests use this), else a "Peer Journal" folder in the person's
/// documents, else one beside the journal.
pub fn files_dir(journal_dir: &Path) -> PathBuf {
    std::env::var_os("PEERJOURNAL_FILES_DIR")
        .map(PathBuf::from)
        .or_else(|| dirs::document_dir().map(|d| d.join("Peer Journal")))
        .unwrap_or_else(|| journal_dir.join("files"))
}

/// A journal of forms needs no GPU compositing, nor a browser's caches.
/// Turning compositing off roughly halves the web process's memory on
/// machines without a GPU driver (where WebKit falls back to software GL)
/// and avoids the blank windows some Linux graphics drivers cause.
fn calm_rendering(app: &tauri::App) {
    #[cfg(target_os = "linux")]
    if let Some(window) = app.get_webview_window("main") {
        let _ = window.with_webview(|webview| {
            use webkit2gtk::{CacheModel, HardwareAccelerationPolicy, SettingsExt, WebContextExt, WebViewExt};
            if let Some(settings) = WebViewExt::settings(&webview.inner()) {
                settings.set_hardware_acceleration_policy(HardwareAccelerationPolicy::Never);
            }
            // An app that browses nothing keeps no cache of pages it may
            // go back to.
            if let Some(context) = WebViewExt::context(&webview.inner()) {
                context.set_cache_model(CacheModel::DocumentViewer);
            }
        });
    }
    #[cfg(not(target_os = "linux"))]
    let _ = app;
}

/// Starts the app. Returns an error message if it cannot start.
pub fn run() -> Result<(), String> {
    let dir = journal_dir().ok_or("cannot tell where your data folder is; set PEERJOURNAL_DIR")?;
    tauri::Builder::default()
        .manage(Session::with_files_dir(dir.clone(), files_dir(&dir), KdfParams::PASSPHRASE))
        .plugin(tauri_plugin_dialog::init())
        .invoke_handler(commands::handler())
        .on_window_event(|window, event| {
            // Only the shell hears where dropped files are; the window is
            // told that there are some, and asks for them by number.
            if let tauri::WindowEvent::DragDrop(tauri::DragDropEvent::Drop { paths, .. }) = event {
                window.state::<Session>().files_dropped(paths.clone());
                let _ = window.emit(FILES_DROPPED_EVENT, ());
            }
        })
        .setup(|app| {
            calm_rendering(app);
            let emitter = app.handle().clone();
            app.state::<Session>().on_progress(move |progress| {
                let _ = emitter.emit(JOB_PROGRESS_EVENT, progress);
            });
            // The file chooser is opened here, by the shell: the window is
            // granted none of the dialog plugin's commands.
            let dialogs = app.handle().clone();
            app.state::<Session>().on_choose(move || {
                use tauri_plugin_dialog::DialogExt;
                dialogs
                    .dialog()
                    .file()
                    .set_title("Choose files to bring in")
                    .add_filter("Peer Journal files", &[exchange::BUNDLE_EXTENSION, exchange::CARD_EXTENSION])
                    .blocking_pick_files()
                    .unwrap_or_default()
                    .into_iter()
                    .filter_map(|file| file.into_path().ok())
                    .collect()
            });
            let handle = app.handle().clone();
            std::thread::Builder::new().name("idle-lock".into()).spawn(move || loop {
                std::thread::sleep(Duration::from_secs(5));
                let session = handle.state::<Session>();
                if session.lock_if_idle(Instant::now()) {
                    let _ = handle.emit(JOURNAL_LOCKED_EVENT, ());
                } else {
                    session.tidy_if_idle(Instant::now());
                }
            })?;
            Ok(())
        })
        .run(tauri::generate_context!())
        .map_err(|e| format!("the window could not be started: {e}"))
}
