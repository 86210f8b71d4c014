//! End-to-end tests: the real Peer Journal app, driven as a person would.
//!
//! Each test starts its own `tauri-driver` (see `fixture`) with a fresh,
//! empty journal folder, opens the app built by this very `cargo test`
//! (`CARGO_BIN_EXE_peer-journal`) and works through its screens as a person
//! would: finding each control by its label, or by its role and name, as a
//! screen reader announces them. Every screen a test passes through is
//! checked with axe-core (injected by the test, never shipped), and no
//! serious or critical violation passes. The app gets one window at a time,
//! so the tests take turns. They need a display and tauri-driver: run them
//! with `make test`, which installs tauri-driver and runs them under Xvfb.
//!
//! Every failure message names what was expected; none prints the test's
//! passphrases or recovery key.

mod fixture;
mod webdriver;

use fixture::Driver;
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};
use std::time::Duration;
use webdriver::Session;

/// The app under test, built by cargo for this test binary.
const APP: &str = env!("CARGO_BIN_EXE_peer-journal");

/// Generous: each unlock or set-up runs Argon2id (about a second) on a
/// possibly busy 2-core machine, in a debug build.
const TIMEOUT: Duration = Duration::from_secs(30);

const NAME: &str = "Marigold Quenby";
const PASSPHRASE: &str = "lantern orchard 47 quietly";
const NEW_PASSPHRASE: &str = "copper kettle 19 morning";
const WRONG_PASSPHRASE: &str = "surely this is it 2";

/// One app and one driver at a time.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

type TestResult<T = ()> = Result<T, Box<dyn std::error::Error>>;

/// Returns early from a test with a message when `$ok` is false.
macro_rules! ensure {
    ($ok:expr, $($message:tt)+) => {
        if !$ok {
            return Err(format!($($message)+).into());
        }
    };
}
pub(crate) use ensure;

mod cli;
mod exchange;
mod journeys;
mod review;
mod supervisor;

#[test]
fn first_run_creates_an_encrypted_journal_and_lands_on_home() {
    with_app(|driver, app| {
        let recovery_key = create_journal(&app, NAME, PASSPHRASE)?;

        let journal = driver.journal_dir();
        for file in ["journal.db", "journal.key", "search.db"] {
            ensure!(journal.join(file).is_file(), "the journal folder has no {file} after set-up");
        }
        // While the app runs (a write-ahead log may be open) and after it closed.
        let secrets = secrets(&recovery_key, &[("the journal's name", NAME), ("the passphrase", PASSPHRASE)]);
        ensure_nowhere_on_disk(&driver.app_dirs(), &secrets)?;
        app.end()?;
        ensure_nowhere_on_disk(&driver.app_dirs(), &secrets)
    })
}

#[test]
fn wrong_passphrase_is_refused_and_leaves_the_journal_untouched() {
    with_app(|driver, app| {
        create_journal(&app, NAME, PASSPHRASE)?;
        lock(&app)?;

        let before = snapshot(&driver.journal_dir())?;
        submit_passphrase(&app, WRONG_PASSPHRASE)?;
        let message = app.wait_for_text("#unlock-error", TIMEOUT)?;
        accessible(&app, "the unlock screen, saying the passphrase was wrong")?;
        ensure!(
            message.to_lowercase().contains("passphrase"),
            "`#unlock-error` does not mention the passphrase: {message:?}"
        );
        ensure!(!message.contains(WRONG_PASSPHRASE), "`#unlock-error` repeats the passphrase typed");
        ensure!(on_screen(&app, "unlock")?, "a wrong passphrase left the unlock screen");
        let after = snapshot(&driver.journal_dir())?;
        ensure_unchanged(&before, &after)?;

        submit_passphrase(&app, PASSPHRASE)?;
        expect_home(&app, NAME, "#unlock-error")
    })
}

#[test]
fn recovery_key_replaces_a_forgotten_passphrase() {
    with_app(|_driver, app| {
        let recovery_key = create_journal(&app, NAME, PASSPHRASE)?;
        lock(&app)?;

        press(&app, "Forgotten your passphrase? Use your recovery key")?;
        fill(&app, "Recovery key", &recovery_key)?;
        fill(&app, "New passphrase", NEW_PASSPHRASE)?;
        fill(&app, "Type the new passphrase again", NEW_PASSPHRASE)?;
        accessible(&app, "the recovery-key form, filled in")?;
        press(&app, "Open my journal")?;
        expect_home(&app, NAME, "#recover-error")?;

        // The new passphrase is now the one: the old one is refused.
        lock(&app)?;
        submit_passphrase(&app, PASSPHRASE)?;
        app.wait_for_text("#unlock-error", TIMEOUT)?;
        submit_passphrase(&app, NEW_PASSPHRASE)?;
        expect_home(&app, NAME, "#unlock-error")
    })
}

// --- Flows shared by the tests ----------------------------------------------

/// Starts a driver and the app and runs `test` on them. A failure fails the
/// test with its message, after what the driver and the app printed.
fn with_app(test: impl FnOnce(&Driver, Session) -> TestResult) {
    with_prepared_app(|_| Ok(()), |driver, app, ()| test(driver, app));
}

/// As [`with_app`], with `prepare` run on the driver before the app starts
/// (a journal made beforehand, say); `test` is given what it returns.
fn with_prepared_app<T>(
    prepare: impl FnOnce(&Driver) -> TestResult<T>,
    test: impl FnOnce(&Driver, Session, T) -> TestResult,
) {
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(PoisonError::into_inner);
    let has_display =
        ["DISPLAY", "WAYLAND_DISPLAY"].iter().any(|var| std::env::var_os(var).is_some_and(|value| !value.is_empty()));
    assert!(has_display, "no display to open the app on: run the tests with `make test` (it uses xvfb-run)");
    let driver = Driver::start().unwrap_or_else(|e| panic!("{e}"));
    let result = prepare(&driver)
        .and_then(|prepared| driver.launch(Path::new(APP), &[]).map_err(Into::into).map(|app| (app, prepared)))
        .and_then(|(app, prepared)| test(&driver, app, prepared));
    if let Err(failure) = result {
        eprintln!("{}", driver.log_tail());
        panic!("{failure}");
    }
}

/// Completes first-run set-up as a volunteer; returns the recovery key shown.
fn create_journal(app: &Session, name: &str, passphrase: &str) -> TestResult<String> {
    app.wait_for("[data-screen=setup]", TIMEOUT)?;
    accessible(app, "the set-up screen")?;
    fill(app, "Your name", name)?;
    let volunteer = app.wait_for_role("radio", "Volunteer", TIMEOUT)?;
    volunteer.click()?;
    ensure!(volunteer.property("checked")? == true, "clicking the volunteer role did not select it");
    fill(app, "Choose a passphrase", passphrase)?;
    fill(app, "Type the passphrase again", passphrase)?;
    press(app, "Create my journal")?;

    let recovery_key = wait_for_text_or(app, "#recovery-key", "#setup-error")?.trim().to_owned();
    ensure!(
        is_recovery_key(&recovery_key),
        "`#recovery-key` does not show 8 groups of 4 Crockford base32 characters joined by '-'"
    );
    accessible(app, "the recovery-key screen")?;
    let last_group = recovery_key.rsplit('-').next().unwrap_or_default();
    fill(app, "The last group of your key, from what you wrote down", last_group)?;
    press(app, "I have written it down")?;
    expect_home(app, name, "#recovery-error")?;
    accessible(app, "Today, in a new journal")?;
    Ok(recovery_key)
}

/// Locks from home and waits for the unlock screen.
fn lock(app: &Session) -> TestResult {
    press(app, "Lock")?;
    // Only the current screen is in the page: nothing of home may linger.
    app.wait_gone("[data-screen=today]", TIMEOUT)?;
    app.wait_for("[data-screen=unlock]", TIMEOUT)?;
    app.wait_for_label("Passphrase", TIMEOUT)?;
    accessible(app, "the unlock screen")?;
    Ok(())
}

/// Types `passphrase` on the unlock screen (replacing any earlier attempt)
/// and submits it.
fn submit_passphrase(app: &Session, passphrase: &str) -> TestResult {
    fill(app, "Passphrase", passphrase)?;
    press(app, "Unlock")
}

/// Waits for home and checks it shows the journal's `name`; if home never
/// comes, says what the screen's `error` element shows.
fn expect_home(app: &Session, name: &str, error: &str) -> TestResult {
    let shown = wait_for_text_or(app, "#home-name", error)?;
    ensure!(shown.contains(name), "`#home-name` does not show the journal's name");
    Ok(())
}

/// Empties the field labelled `label` and types `text` into it.
fn fill(app: &Session, label: &str, text: &str) -> TestResult {
    let input = app.wait_for_label(label, TIMEOUT)?;
    input.clear()?;
    input.send_keys(text)?;
    Ok(())
}

/// Presses the button named `name`.
fn press(app: &Session, name: &str) -> TestResult {
    app.wait_for_role("button", name, TIMEOUT)?.click()?;
    Ok(())
}

/// axe-core's script, from the UI's development dependencies.
fn axe_source() -> TestResult<&'static str> {
    static AXE: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/node_modules/axe-core/axe.min.js");
    AXE.get_or_init(|| fs::read_to_string(&path).ok())
        .as_deref()
        .ok_or_else(|| format!("{} is missing: run `npm ci` in ui/ (make test does)", path.display()).into())
}

/// Checks what is on screen with axe-core: no serious or critical
/// violation. `what` names the screen in the failure.
fn accessible(app: &Session, what: &str) -> TestResult {
    keep_screenshot(what);
    let violations = app.accessibility_violations(axe_source()?)?;
    ensure!(violations.is_empty(), "axe-core finds on {what}:\n  {}", violations.join("\n  "));
    Ok(())
}

/// With `PEERJOURNAL_E2E_SHOTS=DIR`, saves the display at each
/// accessibility check as `DIR/<what>.png` (with ImageMagick's `import`),
/// for a person to look at every screen the journeys reach (made-up people
/// only). Off by default; a screenshot that cannot be taken is only said.
fn keep_screenshot(what: &str) {
    let Some(dir) = std::env::var_os("PEERJOURNAL_E2E_SHOTS") else { return };
    let name: String = what.chars().map(|c| if c.is_alphanumeric() { c } else { '-' }).collect();
    let file = Path::new(&dir).join(format!("{name}.png"));
    let taken = std::fs::create_dir_all(&dir)
        .and_then(|()| std::process::Command::new("import").args(["-window", "root"]).arg(&file).status());
    if !matches!(taken, Ok(status) if status.success()) {
        eprintln!("no screenshot of {what}: {taken:?}");
    }
}

/// Waits until the element `selector` shows text containing `text`, as the
/// page's own `innerText` has it (WebKitWebDriver's element text leaves out
/// text clamped to two lines with `-webkit-line-clamp`, which is shown);
/// returns all it shows. A failure says what it showed instead (made-up
/// test data only).
fn says(app: &Session, selector: &str, text: &str) -> TestResult<String> {
    let mut last = String::new();
    let found = app.wait_until(&format!("waiting for {selector} to show {text:?}"), TIMEOUT, || {
        let shown = app.execute(
            "const e = document.querySelector(arguments[0]); return e === null ? null : e.innerText;",
            serde_json::json!([selector]),
        )?;
        let shown = shown.as_str().unwrap_or_default();
        if shown.contains(text) {
            return Ok(Some(shown.to_owned()));
        }
        last = shown.to_owned();
        Ok(None)
    });
    Ok(found.map_err(|e| format!("{e}; it showed: {:?}", last.chars().take(800).collect::<String>()))?)
}

/// Waits for text in `expected`. If it never comes, the failure also says
/// what `error` shows (the UI's messages are safe to print).
fn wait_for_text_or(app: &Session, expected: &str, error: &str) -> TestResult<String> {
    app.wait_for_text(expected, TIMEOUT).map_err(|waited| {
        let shown = app
            .find(error)
            .and_then(|e| e.text())
            .ok()
            .filter(|text| !text.trim().is_empty())
            .map(|text| format!("; `{error}` shows: {text:?}"))
            .unwrap_or_else(|| format!("; `{error}` shows nothing"));
        format!("{waited}{shown}").into()
    })
}

/// Whether the screen with `data-screen=<name>` is the one in the page.
fn on_screen(app: &Session, name: &str) -> webdriver::Result<bool> {
    Ok(!app.find_all(&format!("[data-screen={name}]"))?.is_empty())
}

/// 8 groups of 4 Crockford base32 characters (no I, L, O, U) joined by '-'.
fn is_recovery_key(key: &str) -> bool {
    let groups: Vec<&str> = key.split('-').collect();
    groups.len() == 8
        && groups.iter().all(|group| {
            group.len() == 4
                && group.chars().all(|c| c.is_ascii_digit() || (c.is_ascii_uppercase() && !"ILOU".contains(c)))
        })
}

// --- What is on disk ------------------------------------------------------------

/// Described byte strings that must never be written in plaintext: the given
/// ones and the recovery key, with and without its dashes.
fn secrets(recovery_key: &str, plain: &[(&str, &str)]) -> Vec<(String, Vec<u8>)> {
    let mut secrets: Vec<(String, Vec<u8>)> =
        plain.iter().map(|(what, text)| (what.to_string(), text.as_bytes().to_vec())).collect();
    secrets.push(("the recovery key".into(), recovery_key.as_bytes().to_vec()));
    secrets.push(("the recovery key".into(), recovery_key.replace('-', "").into_bytes()));
    secrets
}

/// Fails, naming the file and what it holds, if any file under `dirs`
/// contains one of `secrets` in plaintext.
fn ensure_nowhere_on_disk(dirs: &[PathBuf], secrets: &[(String, Vec<u8>)]) -> TestResult {
    for dir in dirs {
        for (path, bytes) in snapshot(dir)? {
            for (what, secret) in secrets {
                ensure!(
                    !bytes.windows(secret.len()).any(|window| window == secret.as_slice()),
                    "{} holds {what} in plaintext",
                    path.display()
                );
            }
        }
    }
    Ok(())
}

/// Every file under `dir` (recursively) with its bytes.
fn snapshot(dir: &Path) -> TestResult<BTreeMap<PathBuf, Vec<u8>>> {
    let mut files = BTreeMap::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in fs::read_dir(&dir)? {
            let entry = entry?;
            let kind = entry.file_type()?;
            if kind.is_dir() {
                pending.push(entry.path());
            } else if kind.is_file() {
                files.insert(entry.path(), fs::read(entry.path())?);
            }
        }
    }
    Ok(files)
}

/// Fails, naming the files, unless both snapshots hold the same bytes.
fn ensure_unchanged(before: &BTreeMap<PathBuf, Vec<u8>>, after: &BTreeMap<PathBuf, Vec<u8>>) -> TestResult {
    let names = |files: &BTreeMap<PathBuf, Vec<u8>>| files.keys().cloned().collect::<Vec<_>>();
    ensure!(
        names(before) == names(after),
        "the journal folder's files changed from {:?} to {:?}",
        names(before),
        names(after)
    );
    for (path, bytes) in before {
        ensure!(after[path] == *bytes, "{} changed", path.display());
    }
    Ok(())
}
