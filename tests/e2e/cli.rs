//! The `peerjournal` command, for journeys that begin or end in someone
//! else's terminal: a volunteer who keeps their journal with it.
//!
//! Cargo names a program only to its own package's tests
//! (`CARGO_BIN_EXE_…`), and the command is the core's, not the app's. So
//! the journey asks cargo for the very build the command-line tests run
//! (`cargo test --workspace --no-run --test cli`, the workspace's features,
//! which `make test` has just built: then it is only looked up), and takes
//! the program's path from cargo's own report of what it built. A command
//! changed since is built again first, never run stale.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use serde_json::Value;

use crate::TestResult;

/// The `peerjournal` program, built once for the whole run.
pub fn program() -> TestResult<PathBuf> {
    static BUILT: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    BUILT.get_or_init(build).clone().map_err(Into::into)
}

fn build() -> Result<PathBuf, String> {
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    // The cargo running these tests, if it is cargo that runs them.
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let output = Command::new(cargo)
        .args(["test", "--workspace", "--locked", "--no-run", "--test", "cli"])
        .arg("--message-format=json-render-diagnostics")
        .current_dir(&workspace)
        .output()
        .map_err(|e| format!("could not run cargo to build the peerjournal command: {e}"))?;
    if !output.status.success() {
        let said = String::from_utf8_lossy(&output.stderr);
        let tail: Vec<&str> = said.lines().rev().take(20).collect();
        return Err(format!(
            "cargo could not build the peerjournal command:\n{}",
            tail.into_iter().rev().collect::<Vec<_>>().join("\n")
        ));
    }
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .find(|m| {
            m["reason"] == "compiler-artifact"
                && m["target"]["name"] == "peerjournal"
                && m["target"]["kind"].as_array().is_some_and(|kinds| kinds.iter().any(|k| k == "bin"))
        })
        .and_then(|m| m["executable"].as_str().map(PathBuf::from))
        .filter(|path| path.is_file())
        .ok_or_else(|| "cargo built the command-line tests but did not say where the peerjournal program is".into())
}

/// One journal, as its keeper types commands at it (with `--json`).
pub struct Terminal {
    program: PathBuf,
    journal: PathBuf,
    passphrase: &'static str,
}

impl Terminal {
    pub fn new(journal: &Path, passphrase: &'static str) -> TestResult<Terminal> {
        Ok(Terminal { program: program()?, journal: journal.to_path_buf(), passphrase })
    }

    /// Runs `peerjournal --journal DIR --json ARGS…` and returns what it
    /// printed; a failure says the command and its one-line error (made-up
    /// test data only).
    pub fn json(&self, args: &[&str]) -> TestResult<Value> {
        let output = Command::new(&self.program)
            .arg("--journal")
            .arg(&self.journal)
            .arg("--json")
            .args(args)
            .env("PEERJOURNAL_PASSPHRASE", self.passphrase)
            .env_remove("PEERJOURNAL_DIR")
            .output()?;
        if !output.status.success() {
            return Err(format!(
                "`peerjournal {}` failed: {}",
                args.join(" "),
                String::from_utf8_lossy(&output.stderr).trim()
            )
            .into());
        }
        serde_json::from_slice(&output.stdout)
            .map_err(|e| format!("`peerjournal {}` printed no JSON: {e}", args.join(" ")).into())
    }

    /// As [`Terminal::json`], for a command that prints a record: its id.
    pub fn id(&self, args: &[&str]) -> TestResult<String> {
        let printed = self.json(args)?;
        let id = printed["id"].as_str().ok_or_else(|| format!("`peerjournal {}` printed no id", args.join(" ")))?;
        Ok(id.to_owned())
    }
}
