//! The end-to-end fixture: a private `tauri-driver` and a fresh journal folder.
//!
//! [`Driver::start`] finds `tauri-driver`, picks two free loopback ports and
//! starts it (it starts WebKitWebDriver, which starts the app for each
//! session) with `PEERJOURNAL_DIR` and the XDG folders pointing into a new
//! temporary folder, so a test never sees another test's journal or the
//! developer's own. Everything it started runs in its own process group and
//! is killed when the fixture is dropped. It needs a display: `make test`
//! runs the tests under `xvfb-run`.

use crate::webdriver::{self, Session};
use std::env;
use std::fs;
use std::io::{Read, Seek, SeekFrom};
use std::net::TcpListener;
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use tempfile::TempDir;

/// How long tauri-driver and WebKitWebDriver get to start listening.
const STARTUP: Duration = Duration::from_secs(30);
/// How long everything gets to exit after SIGTERM before SIGKILL.
const SHUTDOWN: Duration = Duration::from_secs(5);

/// Errors setting up the fixture, as plain sentences.
pub type Error = Box<dyn std::error::Error>;

/// A running tauri-driver with its own temporary folders.
pub struct Driver {
    child: Child,
    url: String,
    root: TempDir,
}

impl Driver {
    /// Starts tauri-driver and waits until it answers.
    pub fn start() -> Result<Driver, Error> {
        let program = find_tauri_driver().ok_or(
            "tauri-driver not found on PATH or in $CARGO_HOME/bin. \
             Run the tests with `make test`, which installs it.",
        )?;
        let root = tempfile::Builder::new().prefix("peer-journal-e2e-").tempdir()?;
        for dir in ["journal", "data", "config", "cache", "runtime", "files"] {
            fs::create_dir(root.path().join(dir))?;
        }
        // The XDG runtime folder must be private to its owner.
        fs::set_permissions(root.path().join("runtime"), fs::Permissions::from_mode(0o700))?;
        // The driver's own output goes to a log file beside (not inside) the
        // folders the tests inspect; it is shown when a test fails.
        let log = fs::File::create(root.path().join("driver.log"))?;

        let (port, native_port) = free_port_pair()?;
        let mut command = Command::new(&program);
        command
            .args(["--port", &port.to_string(), "--native-port", &native_port.to_string()])
            .env("PEERJOURNAL_DIR", root.path().join("journal"))
            // Backups and exports: a folder of their own, as the person's
            // documents would be.
            .env("PEERJOURNAL_FILES_DIR", root.path().join("files"))
            // The web view keeps its own storage and caches: keep them in
            // the temp folder too, so each test starts fresh.
            .env("XDG_DATA_HOME", root.path().join("data"))
            .env("XDG_CONFIG_HOME", root.path().join("config"))
            .env("XDG_CACHE_HOME", root.path().join("cache"))
            .env("XDG_RUNTIME_DIR", root.path().join("runtime"))
            .stdin(Stdio::null())
            .stdout(log.try_clone()?)
            .stderr(log)
            // Its own process group, so drop can end WebKitWebDriver and the
            // app too, even if the driver itself dies first.
            .process_group(0);
        // No WebKit workaround is set, even as root: with WebKitGTK 2.50 under
        // Xvfb (Debian 12, as root) a web view renders and is automated
        // without WEBKIT_DISABLE_COMPOSITING_MODE, and Tauri (wry) never turns
        // on WebKit's bubblewrap sandbox, so WEBKIT_DISABLE_SANDBOX_* would
        // have nothing to disable.
        let child = command.spawn().map_err(|e| format!("could not start {}: {e}", program.display()))?;
        let mut driver = Driver { child, url: format!("http://127.0.0.1:{port}"), root };
        driver.wait_until_ready()?;
        Ok(driver)
    }

    fn wait_until_ready(&mut self) -> Result<(), Error> {
        let deadline = Instant::now() + STARTUP;
        while !webdriver::is_ready(&self.url) {
            if let Some(status) = self.child.try_wait()? {
                return Err(format!("tauri-driver exited ({status}) before answering:\n{}", self.log_tail()).into());
            }
            if Instant::now() >= deadline {
                return Err(format!(
                    "tauri-driver did not answer at {} within {STARTUP:?}:\n{}",
                    self.url,
                    self.log_tail()
                )
                .into());
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        Ok(())
    }

    /// Starts `application` with `args` in a new session.
    pub fn launch(&self, application: &Path, args: &[&str]) -> webdriver::Result<Session> {
        Session::start_tauri_app(&self.url, application, args)
    }

    /// The journal folder the app was given (`PEERJOURNAL_DIR`).
    pub fn journal_dir(&self) -> PathBuf {
        self.root.path().join("journal")
    }

    /// Where the app writes backups and exports (`PEERJOURNAL_FILES_DIR`).
    pub fn files_dir(&self) -> PathBuf {
        self.root.path().join("files")
    }

    /// Every folder the app or its web view may write to.
    pub fn app_dirs(&self) -> Vec<PathBuf> {
        ["journal", "data", "config", "cache"].iter().map(|d| self.root.path().join(d)).collect()
    }

    /// The last lines tauri-driver, WebKitWebDriver and the app printed.
    pub fn log_tail(&self) -> String {
        const TAIL: u64 = 4000;
        let mut text = String::new();
        if let Ok(mut file) = fs::File::open(self.root.path().join("driver.log")) {
            let len = file.metadata().map(|m| m.len()).unwrap_or(0);
            let _ = file.seek(SeekFrom::Start(len.saturating_sub(TAIL)));
            let mut bytes = Vec::new();
            let _ = file.read_to_end(&mut bytes);
            text = String::from_utf8_lossy(&bytes).into_owned();
        }
        if text.trim().is_empty() {
            "(the driver printed nothing)".to_owned()
        } else {
            format!("--- driver log (last lines) ---\n{text}\n--- end of driver log ---")
        }
    }

    /// Whether any process of the driver's group is still alive.
    fn group_alive(&self) -> bool {
        signal_group(self.child.id(), "0")
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let group = self.child.id();
        // tauri-driver stops WebKitWebDriver on SIGTERM; the group signal
        // also reaches an app whose session was never ended.
        signal_group(group, "TERM");
        let deadline = Instant::now() + SHUTDOWN;
        loop {
            // Reap the driver first: as a zombie it would still count.
            let reaped = matches!(self.child.try_wait(), Ok(Some(_)));
            if reaped && !self.group_alive() {
                return;
            }
            if Instant::now() >= deadline {
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        signal_group(group, "KILL");
        let _ = self.child.wait();
    }
}

/// Sends `signal` to process group `group` (with the shell's `kill`, as std
/// has no such call); true if some process received it.
fn signal_group(group: u32, signal: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("kill -s {signal} -- -{group}")])
        .stderr(Stdio::null())
        .status()
        .map(|s| s.success())
        .unwrap_or(false)
}

/// tauri-driver on PATH, else where `cargo install` puts it.
fn find_tauri_driver() -> Option<PathBuf> {
    let on_path: Vec<PathBuf> = env::var_os("PATH")
        .map(|path| env::split_paths(&path).map(|dir| dir.join("tauri-driver")).collect())
        .unwrap_or_default();
    let cargo_home = env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| env::var_os("HOME").map(|home| Path::new(&home).join(".cargo")));
    on_path
        .into_iter()
        .chain(cargo_home.map(|home| home.join("bin").join("tauri-driver")))
        .find(|candidate| candidate.is_file())
}

/// Two distinct free loopback ports (both held until both are chosen).
fn free_port_pair() -> std::io::Result<(u16, u16)> {
    let first = TcpListener::bind("127.0.0.1:0")?;
    let second = TcpListener::bind("127.0.0.1:0")?;
    Ok((first.local_addr()?.port(), second.local_addr()?.port()))
}
