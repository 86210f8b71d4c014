//! The Peer Journal desktop app.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() -> std::process::ExitCode {
    quiet_graphics();
    match peer_journal_app::run() {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("peer-journal: {message}");
            std::process::ExitCode::FAILURE
        }
    }
}

/// Settings for the graphics libraries under the web view, made before any
/// of them starts (and before any thread does) and only where the person
/// running the app has not made them: with the GPU compositing the journal
/// does not need already off, WebKit's DMA-BUF renderer and GTK's OpenGL
/// only hold memory. Turning them off took the app at rest from 217 to 207
/// MiB (measured under Xvfb), and the DMA-BUF renderer off also avoids the
/// blank windows it shows with some graphics drivers. (JavaScript without
/// its JIT saved 3.6 MiB more, for a slower UI: not taken.)
fn quiet_graphics() {
    #[cfg(target_os = "linux")]
    for (name, value) in [("WEBKIT_DISABLE_DMABUF_RENDERER", "1"), ("GDK_GL", "disable")] {
        if std::env::var_os(name).is_none() {
            std::env::set_var(name, value);
        }
    }
}
