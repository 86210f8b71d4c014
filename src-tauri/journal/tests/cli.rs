//! The `peerjournal` command line as scripts use it: the exact forms of the
//! design's contract, and every refusal — one plain line, a non-zero exit,
//! and the journal folder byte-for-byte as it was.

mod util;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;
use util::{assert_unchanged, snapshot};

const PASS: &str = "correct horse battery staple";

fn peerjournal(dir: &Path, passphrase: Option<&str>, args: &[&str]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_peerjournal"));
    cmd.arg("--journal").arg(dir).args(args).env_remove("PEERJOURNAL_DIR").env_remove("PEERJOURNAL_NEW_PASSPHRASE");
    cmd.env_remove("PEERJOURNAL_RECOVERY_KEY");
    match passphrase {
        Some(p) => cmd.env("PEERJOURNAL_PASSPHRASE", p),
        None => cmd.env_remove("PEERJOURNAL_PASSPHRASE"),
    };
    cmd.output().expect("run peerjournal")
}

fn with_env(dir: &Path, env: &[(&str, &str)], args: &[&str]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_peerjournal"));
    cmd.arg("--journal").arg(dir).args(args).env_remove("PEERJOURNAL_PASSPHRASE");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("run peerjournal")
}

/// `init` at the lowest allowed key-derivation cost, to keep the suite quick.
fn init(dir: &Path, name: &str) -> Value {
    let out = peerjournal(
        dir,
        Some(PASS),
        &["--json", "init", "--name", name, "--role", "volunteer", "--kdf-memory-mib", "64"],
    );
    assert!(out.status.success(), "init failed: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("init prints JSON")
}

/// Asserts a refusal: exit 1, exactly one line on stderr that contains
/// `needle`, and (with --json) an error object on stdout.
fn assert_refused(out: &Output, needle: &str) -> String {
    assert_eq!(out.status.code(), Some(1), "expected exit 1; stderr: {}", String::from_utf8_lossy(&out.stderr));
    let stderr = String::from_utf8(out.stderr.clone()).unwrap();
    assert_eq!(stderr.lines().count(), 1, "expected one line, got {stderr:?}");
    assert!(stderr.starts_with("peerjournal: "), "{stderr:?}");
    assert!(stderr.contains(needle), "{stderr:?} does not mention {needle:?}");
    stderr
}

#[test]
fn init_status_and_check_work_as_the_contract_says() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("J");
    let created = init(&dir, "Sam");
    let key = created["recoveryKey"].as_str().unwrap();
    assert_eq!(key.len(), 39);
    let out = peerjournal(&dir, Some(PASS), &["--json", "status"]);
    assert!(out.status.success());
    let status: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(status["name"], "Sam");
    assert_eq!(status["role"], "volunteer");
    assert_eq!(status["fingerprint"], created["fingerprint"]);
    assert_eq!(status["fingerprint"].as_str().unwrap().len(), 19);
    let out = peerjournal(&dir, Some(PASS), &["--json", "check"]);
    assert!(out.status.success());
    let check: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(check["ok"], true);
    assert!(!check["cipherVersion"].as_str().unwrap().is_empty());
}

#[test]
fn plain_init_shows_the_recovery_key_in_two_lines_of_groups() {
    let tmp = tempfile::tempdir().unwrap();
    let out = peerjournal(
        tmp.path(),
        Some(PASS),
        &["init", "--name", "Sam", "--role", "supervisor", "--kdf-memory-mib", "64"],
    );
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let groups: Vec<&str> = text.lines().filter(|l| l.starts_with("    ")).map(str::trim).collect();
    assert_eq!(groups.len(), 2, "{text}");
    assert!(groups.iter().all(|g| g.len() == 19 && g.split('-').count() == 4));
    assert!(text.contains("will not be shown again"));
}

#[test]
fn wrong_passphrase_is_refused_and_changes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    init(tmp.path(), "Sam");
    let before = snapshot(tmp.path());
    let out = peerjournal(tmp.path(), Some("wrong passphrase"), &["--json", "status"]);
    assert_refused(&out, "passphrase does not unlock");
    let err: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(err["error"]["kind"], "wrongPassphrase");
    assert_unchanged(&before, tmp.path());
}

#[test]
fn no_passphrase_and_no_terminal_is_refused_without_hanging() {
    let tmp = tempfile::tempdir().unwrap();
    init(tmp.path(), "Sam");
    let out = peerjournal(tmp.path(), None, &["status"]);
    let message = assert_refused(&out, "The passphrase is needed: set PEERJOURNAL_PASSPHRASE");
    assert!(message.contains("run this in a terminal"), "{message}");
}

#[test]
fn mistyped_and_wrong_recovery_keys_are_refused_and_change_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let created = init(tmp.path(), "Sam");
    let key = created["recoveryKey"].as_str().unwrap().to_string();
    let before = snapshot(tmp.path());
    let typo = format!("{}{}", if key.starts_with('Z') { "Y" } else { "Z" }, &key[1..]);
    let out = with_env(
        tmp.path(),
        &[("PEERJOURNAL_RECOVERY_KEY", &typo), ("PEERJOURNAL_NEW_PASSPHRASE", "a new passphrase")],
        &["recover"],
    );
    assert_refused(&out, "recovery key has a typo");
    let out = with_env(
        tmp.path(),
        &[("PEERJOURNAL_RECOVERY_KEY", "ABCD-EFGH"), ("PEERJOURNAL_NEW_PASSPHRASE", "a new passphrase")],
        &["recover"],
    );
    assert_refused(&out, "too short");
    let other = tempfile::tempdir().unwrap();
    let other_key = init(other.path(), "Other")["recoveryKey"].as_str().unwrap().to_string();
    let out = with_env(
        tmp.path(),
        &[("PEERJOURNAL_RECOVERY_KEY", &other_key), ("PEERJOURNAL_NEW_PASSPHRASE", "a new passphrase")],
        &["recover"],
    );
    assert_refused(&out, "recovery key does not unlock");
    assert_unchanged(&before, tmp.path());
}

#[test]
fn recover_then_change_passphrase_round_trip() {
    let tmp = tempfile::tempdir().unwrap();
    let key = init(tmp.path(), "Sam")["recoveryKey"].as_str().unwrap().to_string();
    let out = with_env(
        tmp.path(),
        &[("PEERJOURNAL_RECOVERY_KEY", &key.to_lowercase()), ("PEERJOURNAL_NEW_PASSPHRASE", "second passphrase")],
        &["recover"],
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_refused(&peerjournal(tmp.path(), Some(PASS), &["status"]), "passphrase does not unlock");
    let out = with_env(
        tmp.path(),
        &[("PEERJOURNAL_PASSPHRASE", "second passphrase"), ("PEERJOURNAL_NEW_PASSPHRASE", "third passphrase")],
        &["passphrase", "change"],
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(peerjournal(tmp.path(), Some("third passphrase"), &["status"]).status.success());
    // A new passphrase that is too short is refused and the old one still works.
    let out = with_env(
        tmp.path(),
        &[("PEERJOURNAL_PASSPHRASE", "third passphrase"), ("PEERJOURNAL_NEW_PASSPHRASE", "short")],
        &["passphrase", "change"],
    );
    assert_refused(&out, "too easy to guess");
    assert!(peerjournal(tmp.path(), Some("third passphrase"), &["status"]).status.success());
}

#[test]
fn missing_folder_and_not_a_journal_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let missing = tmp.path().join("nowhere");
    assert_refused(&peerjournal(&missing, Some(PASS), &["status"]), "no journal at");
    assert!(!missing.exists(), "status must not create a folder");
    fs::write(tmp.path().join("shopping.txt"), b"eggs").unwrap();
    let before = snapshot(tmp.path());
    assert_refused(&peerjournal(tmp.path(), Some(PASS), &["status"]), "no journal at");
    fs::write(tmp.path().join("journal.db"), b"eggs").unwrap();
    let before_db = snapshot(tmp.path());
    assert_refused(&peerjournal(tmp.path(), Some(PASS), &["status"]), "is not a Peer Journal folder");
    assert_unchanged(&before_db, tmp.path());
    drop(before);
}

#[test]
fn corrupted_key_file_is_refused_and_changes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    init(tmp.path(), "Sam");
    let key = tmp.path().join("journal.key");
    let mut bytes = fs::read(&key).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0x01;
    fs::write(&key, &bytes).unwrap();
    let before = snapshot(tmp.path());
    assert_refused(&peerjournal(tmp.path(), Some(PASS), &["status"]), "key file");
    assert_unchanged(&before, tmp.path());
}

#[test]
fn key_file_from_another_journal_is_refused_and_changes_nothing() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    init(a.path(), "A");
    init(b.path(), "B");
    fs::copy(b.path().join("journal.key"), a.path().join("journal.key")).unwrap();
    let before = snapshot(a.path());
    assert_refused(&peerjournal(a.path(), Some(PASS), &["status"]), "do not belong together");
    assert_unchanged(&before, a.path());
}

#[test]
fn database_replaced_with_garbage_is_refused_and_changes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    init(tmp.path(), "Sam");
    fs::write(tmp.path().join("journal.db"), b"this is not a database at all, just words").unwrap();
    let before = snapshot(tmp.path());
    assert_refused(&peerjournal(tmp.path(), Some(PASS), &["status"]), "database file has been replaced");
    assert_unchanged(&before, tmp.path());
}

#[test]
fn database_damaged_inside_is_refused_in_one_line_and_changes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    init(tmp.path(), "Sam");
    let db = tmp.path().join("journal.db");
    let mut bytes = fs::read(&db).unwrap();
    for b in &mut bytes[100..200] {
        *b ^= 0x55;
    }
    fs::write(&db, &bytes).unwrap();
    let before = snapshot(tmp.path());
    assert_refused(&peerjournal(tmp.path(), Some(PASS), &["status"]), "is damaged");
    assert_unchanged(&before, tmp.path());
}

#[test]
fn init_over_an_existing_journal_is_refused_and_changes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    init(tmp.path(), "Sam");
    let before = snapshot(tmp.path());
    let out = peerjournal(tmp.path(), Some(PASS), &["init", "--name", "Other", "--role", "volunteer"]);
    assert_refused(&out, "a journal already exists");
    assert_unchanged(&before, tmp.path());
}

#[test]
fn bad_arguments_exit_2_with_usage() {
    let tmp = tempfile::tempdir().unwrap();
    let out = peerjournal(tmp.path(), Some(PASS), &["init", "--name", "Sam", "--role", "boss"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(!tmp.path().join("journal.key").exists());
    let out =
        peerjournal(tmp.path(), Some(PASS), &["init", "--name", "Sam", "--role", "volunteer", "--kdf-memory-mib", "8"]);
    assert_refused(&out, "between 64 and 4096 MiB");
    assert!(!tmp.path().join("journal.key").exists());
}

#[test]
fn the_cli_and_another_process_can_use_the_journal_at_once() {
    let tmp = tempfile::tempdir().unwrap();
    init(tmp.path(), "Sam");
    let children: Vec<_> = (1..=4)
        .map(|i| {
            Command::new(env!("CARGO_BIN_EXE_peerjournal"))
                .arg("--journal")
                .arg(tmp.path())
                .args(["settings", "--idle-lock-minutes", &(i * 5).to_string()])
                .env("PEERJOURNAL_PASSPHRASE", PASS)
                .stdout(std::process::Stdio::null())
                .spawn()
                .unwrap()
        })
        .collect();
    for mut c in children {
        assert!(c.wait().unwrap().success());
    }
    let out = peerjournal(tmp.path(), Some(PASS), &["--json", "check"]);
    assert!(out.status.success());
    let out = peerjournal(tmp.path(), Some(PASS), &["--json", "settings"]);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!([5, 10, 15, 20].contains(&v["idleLockMinutes"].as_u64().unwrap()));
}

fn json_ok(dir: &Path, args: &[&str]) -> Value {
    let mut all = vec!["--json"];
    all.extend_from_slice(args);
    let out = peerjournal(dir, Some(PASS), &all);
    assert!(out.status.success(), "{args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("JSON on stdout")
}

#[test]
fn the_record_commands_of_the_contract_work() {
    let tmp = tempfile::tempdir().unwrap();
    let j = tmp.path();
    init(j, "Sam");
    let person = json_ok(j, &["person", "add", "--alias", "R.M."])["id"].as_str().unwrap().to_string();
    let contact = json_ok(
        j,
        &[
            "contact",
            "add",
            "--person",
            &person,
            "--kind",
            "home-visit",
            "--minutes",
            "60",
            "--notes",
            "talked about the allotment 🌱",
            "--at",
            "2026-11-20T10:00",
        ],
    );
    assert_eq!(contact["fields"]["minutes"], 60);
    assert_eq!(contact["fields"]["notes"], "talked about the allotment 🌱");
    let list = json_ok(j, &["contact", "list", "--person", &person]);
    assert_eq!(list.as_array().unwrap().len(), 1);
    let concern = json_ok(
        j,
        &["concern", "add", "--person", &person, "--kind", "safeguarding", "--urgency", "high", "--notes", "text"],
    );
    assert!(concern["id"].is_string());
    assert_eq!(json_ok(j, &["concern", "list", "--open"]).as_array().unwrap().len(), 1);
    // Only a supervisor acknowledges a concern (see the exchange below).
    let ack = peerjournal(j, Some(PASS), &["concern", "ack", concern["id"].as_str().unwrap(), "--by", "Alex"]);
    assert_refused(&ack, "Acknowledgements are written by your supervisor: they arrive in the files");
    assert_eq!(json_ok(j, &["concern", "list", "--open"]).as_array().unwrap().len(), 1);
    let hits = json_ok(j, &["search", "allotment"]);
    assert_eq!(hits.as_array().unwrap().len(), 1);
    let service = json_ok(j, &["service", "add", "--name", "Food bank", "--category", "food"])["id"]
        .as_str()
        .unwrap()
        .to_string();
    let signpost =
        json_ok(j, &["signpost", "add", "--person", &person, "--service", &service, "--reminder", "2026-01-01"]);
    assert_eq!(signpost["fields"]["status"], "suggested");
    assert_eq!(json_ok(j, &["due"]).as_array().unwrap().len(), 1);
    json_ok(
        j,
        &["signpost", "update", signpost["id"].as_str().unwrap(), "--status", "outcome", "--outcome", "got help"],
    );
    assert_eq!(json_ok(j, &["due"]).as_array().unwrap().len(), 0);
    let history = json_ok(j, &["history", signpost["id"].as_str().unwrap()]);
    assert_eq!(history.as_array().unwrap().len(), 2);

    let out_dir = tmp.path().join("sar");
    let written = json_ok(j, &["person", "export", &person, "--out", out_dir.to_str().unwrap()]);
    let html = fs::read_to_string(written["html"].as_str().unwrap()).unwrap();
    assert!(html.contains("talked about the allotment 🌱") && html.contains("R.M."));
    let doc: Value = serde_json::from_str(&fs::read_to_string(written["json"].as_str().unwrap()).unwrap()).unwrap();
    assert_eq!(doc["records"].as_array().unwrap().len(), 3);

    let forgotten = json_ok(j, &["person", "forget", &person]);
    assert_eq!(forgotten["erasedRecords"], 3, "the contact, the concern and the signpost");
    assert_eq!(json_ok(j, &["search", "allotment"]).as_array().unwrap().len(), 0);
}

#[test]
fn record_validation_errors_are_plain_and_change_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let j = tmp.path();
    init(j, "Sam");
    let person = json_ok(j, &["person", "add", "--alias", "R.M."])["id"].as_str().unwrap().to_string();
    let before = snapshot(j);
    let cases: &[(&[&str], &str)] = &[
        (
            &["contact", "add", "--person", &person, "--kind", "home-visit", "--minutes", "1441"],
            "minutes must be between 0 and 1440",
        ),
        (
            &["contact", "add", "--person", &person, "--kind", "phone", "--at", "2099-01-01T10:00"],
            "a contact cannot be dated more than a day ahead",
        ),
        (&["contact", "add", "--person", &person, "--kind", "pigeon"], "how must be one of"),
        (&["contact", "add", "--person", "not-an-id", "--kind", "phone"], "unknown person"),
        (&["signpost", "add", "--person", &person, "--service", &person], "unknown service"),
        (
            &["concern", "add", "--person", &person, "--kind", "safeguarding", "--urgency", "soon", "--notes", "x"],
            "urgency must be one of",
        ),
        (&["ending", "add", "--person", &person, "--on", "yesterday"], "ended on must be a date like 2026-11-20"),
    ];
    for (args, message) in cases {
        assert_refused(&peerjournal(j, Some(PASS), args), message);
    }
    assert_unchanged(&before, j);
}

#[test]
fn demo_fills_a_journal_that_passes_its_check() {
    let tmp = tempfile::tempdir().unwrap();
    init(tmp.path(), "Sam");
    let made = json_ok(tmp.path(), &["demo", "--people", "20", "--records", "400"]);
    assert_eq!(made["people"], 20);
    assert_eq!(made["records"], 400);
    assert_eq!(json_ok(tmp.path(), &["person", "list"]).as_array().unwrap().len(), 20);
    assert_eq!(json_ok(tmp.path(), &["check"])["ok"], true);
}

/// Output piped into something that stops reading early (`| head`) ends
/// the command quietly, with success: no panic, no message. Output that
/// cannot be written for another reason is a plain failure.
#[test]
fn output_nobody_reads_ends_quietly_and_output_that_cannot_be_written_fails_plainly() {
    let tmp = tempfile::tempdir().unwrap();
    init(tmp.path(), "Sam");
    json_ok(tmp.path(), &["demo", "--people", "20", "--records", "3000"]);
    let mut child = Command::new(env!("CARGO_BIN_EXE_peerjournal"))
        .arg("--journal")
        .arg(tmp.path())
        .args(["contact", "list", "--limit", "1000"])
        .env("PEERJOURNAL_PASSPHRASE", PASS)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Read one line, then close the pipe: a list of 1,000 contacts is more
    // than a pipe holds, so the rest cannot all have been written by then.
    let mut first = String::new();
    std::io::BufRead::read_line(&mut std::io::BufReader::new(child.stdout.take().unwrap()), &mut first).unwrap();
    assert!(!first.is_empty());
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{:?} {}", out.status, String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");

    if Path::new("/dev/full").exists() {
        let full = fs::OpenOptions::new().write(true).open("/dev/full").unwrap();
        let out = Command::new(env!("CARGO_BIN_EXE_peerjournal"))
            .arg("--journal")
            .arg(tmp.path())
            .arg("status")
            .env("PEERJOURNAL_PASSPHRASE", PASS)
            .stdout(full)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.starts_with("peerjournal: could not write the output:"), "{err}");
        assert_eq!(err.lines().count(), 1);
    }
}

#[test]
fn cards_export_and_import_as_the_contract_says() {
    let tmp = tempfile::tempdir().unwrap();
    let (j, s) = (tmp.path().join("J"), tmp.path().join("S"));
    init(&j, "Sam");
    let out =
        peerjournal(&s, Some(PASS), &["init", "--name", "Alex", "--role", "supervisor", "--kdf-memory-mib", "64"]);
    assert!(out.status.success());
    let card = tmp.path().join("sam.card");
    let exported = json_ok(&j, &["card", "export", "--out", card.to_str().unwrap()]);
    let fingerprint = exported["fingerprint"].as_str().unwrap().to_string();
    assert_eq!(json_ok(&j, &["status"])["fingerprint"], fingerprint.as_str());
    // No terminal to confirm on: refused without --yes, accepted with it.
    assert_refused(&peerjournal(&s, Some(PASS), &["card", "import", card.to_str().unwrap()]), "--yes");
    let out = peerjournal(&s, Some(PASS), &["card", "import", card.to_str().unwrap(), "--yes"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let roster = json_ok(&s, &["card", "list"]);
    assert_eq!(roster[0]["fingerprint"], fingerprint.as_str());
    assert_eq!(roster[0]["name"], "Sam");
    // A card whose fingerprint was altered on the way is refused.
    let altered = tmp.path().join("altered.card");
    let forged = fs::read_to_string(&card).unwrap().replacen(
        &fingerprint[..4],
        if &fingerprint[..4] == "AAAA" { "BBBB" } else { "AAAA" },
        1,
    );
    fs::write(&altered, forged).unwrap();
    assert_refused(
        &peerjournal(&s, Some(PASS), &["card", "import", altered.to_str().unwrap(), "--yes"]),
        "fingerprint does not match",
    );
}

#[test]
fn export_import_and_receipts_through_the_command_line() {
    let tmp = tempfile::tempdir().unwrap();
    let (j, s, jfp, sfp) = volunteer_and_supervisor(tmp.path());
    let person = json_ok(&j, &["person", "add", "--alias", "R.M."])["id"].as_str().unwrap().to_string();
    json_ok(&j, &["contact", "add", "--person", &person, "--kind", "phone", "--notes", "first call"]);
    let concern =
        ["concern", "add", "--person", &person, "--kind", "safeguarding", "--urgency", "high", "--notes", "x"];
    let concern = json_ok(&j, &concern)["id"].as_str().unwrap().to_string();
    let bundle = tmp.path().join("f.bundle");
    let exported = json_ok(&j, &["export", "--to", &sfp, "--out", bundle.to_str().unwrap()]);
    assert_eq!(exported["events"], 3);
    let summary = json_ok(&s, &["import", bundle.to_str().unwrap()]);
    assert_eq!(summary["kinds"]["contact"]["new"], 1);
    assert_eq!(summary["kinds"]["person"]["new"], 1);
    assert_eq!(json_ok(&s, &["import", bundle.to_str().unwrap()])["alreadyImported"], true);
    // The supervisor's roster of volunteers: Sam's file, and Sam's open concern.
    let roster = json_ok(&s, &["roster"]);
    assert_eq!(roster.as_array().map(Vec::len), Some(1), "{roster}");
    assert_eq!((roster[0]["name"].as_str(), roster[0]["files"].as_i64()), (Some("Sam"), Some(1)));
    assert_eq!((roster[0]["changes"].as_i64(), roster[0]["openConcerns"].as_i64()), (Some(3), Some(1)));
    let plain = peerjournal(&s, Some(PASS), &["roster"]);
    let plain = String::from_utf8(plain.stdout).unwrap();
    assert!(plain.contains("Sam") && plain.contains("1 concern open"), "{plain}");
    // The supervisor acknowledges the concern, and writes a note about it;
    // neither changes the volunteer's concern, and both go back by file.
    let ack = json_ok(&s, &["concern", "ack", &concern, "--notes", "spoke to the team"]);
    assert_eq!((ack["kind"].as_str(), ack["fields"]["by"].as_str()), (Some("acknowledgement"), Some("Alex")));
    assert_eq!(json_ok(&s, &["concern", "list", "--open"]).as_array().unwrap().len(), 0);
    json_ok(&s, &["note", "add", "--for", &jfp, "--about", &concern, "--text", "well handled"]);
    let refused = peerjournal(&s, Some(PASS), &["delete", &concern]);
    assert_refused(&refused, "This concern was written by Sam: you can't change it.");
    // Before the receipt comes back, nothing is shown as received.
    let peers = json_ok(&j, &["status"])["peers"].clone();
    assert_eq!(peers[0]["receivedAt"], Value::Null);
    assert_eq!(json_ok(&j, &["concern", "list", "--open"]).as_array().unwrap().len(), 1);
    let back = tmp.path().join("back.bundle");
    json_ok(&s, &["export", "--to", &jfp, "--out", back.to_str().unwrap()]);
    let summary = json_ok(&j, &["import", back.to_str().unwrap()]);
    assert_eq!(summary["kinds"]["acknowledgement"]["new"], 1);
    assert_eq!(summary["kinds"]["supervision-note"]["new"], 1);
    assert_eq!(json_ok(&j, &["concern", "list", "--open"]).as_array().unwrap().len(), 0);
    let timeline = json_ok(&j, &["person", "show", &person])["timeline"].clone();
    let kinds: Vec<&str> = timeline.as_array().unwrap().iter().filter_map(|r| r["kind"].as_str()).collect();
    assert!(kinds.contains(&"acknowledgement") && kinds.contains(&"supervision-note"), "{kinds:?}");
    let note = timeline.as_array().unwrap().iter().find(|r| r["kind"] == "supervision-note").unwrap();
    let refused = peerjournal(&j, Some(PASS), &["delete", note["id"].as_str().unwrap()]);
    assert_refused(&refused, "This supervision note was written by your supervisor, Alex: you can't change it.");
    let peers = json_ok(&j, &["status"])["peers"].clone();
    assert!(peers[0]["receivedAt"].is_string());
    assert_eq!(peers[0]["waitingChanges"], 0);
    // Plainly, the import says what came, counted as people count.
    json_ok(&j, &["contact", "add", "--person", &person, "--kind", "home-visit", "--notes", "second visit"]);
    let one = tmp.path().join("one.bundle");
    assert_eq!(json_ok(&j, &["export", "--to", &sfp, "--out", one.to_str().unwrap()])["events"], 1);
    let out = peerjournal(&s, Some(PASS), &["import", one.to_str().unwrap()]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("from Sam (1 change)."), "{text}");
    assert!(text.contains("1 new, 0 updated, 0 conflicts"), "{text}");
    // A bundle refused leaves the journal folder byte for byte as it was.
    let mut bytes = fs::read(&bundle).unwrap();
    let at = bytes.len() - 10;
    bytes[at] ^= 0x01;
    let damaged = tmp.path().join("damaged.bundle");
    fs::write(&damaged, &bytes).unwrap();
    let other = tmp.path().join("O");
    init(&other, "Olu");
    let before = snapshot(&s);
    assert_refused(&peerjournal(&s, Some(PASS), &["import", damaged.to_str().unwrap()]), "damaged or incomplete");
    assert_unchanged(&before, &s);
    let before = snapshot(&other);
    assert_refused(
        &peerjournal(&other, Some(PASS), &["import", bundle.to_str().unwrap()]),
        "this file was not made for this journal",
    );
    assert_unchanged(&before, &other);
}

/// Sam's journal (a volunteer's) and Alex's (a supervisor's) in `tmp`, each
/// trusting the other's card: their folders and fingerprints.
fn volunteer_and_supervisor(tmp: &Path) -> (PathBuf, PathBuf, String, String) {
    let (j, s) = (tmp.join("J"), tmp.join("S"));
    init(&j, "Sam");
    assert!(peerjournal(&s, Some(PASS), &["init", "--name", "Alex", "--role", "supervisor", "--kdf-memory-mib", "64"])
        .status
        .success());
    let (jc, sc) = (tmp.join("j.card"), tmp.join("s.card"));
    let jfp =
        json_ok(&j, &["card", "export", "--out", jc.to_str().unwrap()])["fingerprint"].as_str().unwrap().to_string();
    let sfp =
        json_ok(&s, &["card", "export", "--out", sc.to_str().unwrap()])["fingerprint"].as_str().unwrap().to_string();
    assert!(peerjournal(&s, Some(PASS), &["card", "import", jc.to_str().unwrap(), "--yes"]).status.success());
    assert!(peerjournal(&j, Some(PASS), &["card", "import", sc.to_str().unwrap(), "--yes"]).status.success());
    (j, s, jfp, sfp)
}

/// `report`: de-identified counts for a period, as the contract's JSON (the
/// working view, every count as it is) and, for sharing, a CSV and a
/// printable page with small counts held back; nothing anyone wrote, nor any
/// alias, gets in.
#[test]
fn report_counts_a_period_and_names_no_one() {
    let tmp = tempfile::tempdir().unwrap();
    let j = tmp.path().join("j");
    init(&j, "Sam");
    let rm = json_ok(&j, &["person", "add", "--alias", "R.M."])["id"].as_str().unwrap().to_string();
    let kt = json_ok(&j, &["person", "add", "--alias", "K.T."])["id"].as_str().unwrap().to_string();
    let contact = |p: &str, how: &str, minutes: &str, at: &str| {
        let args = [
            "contact",
            "add",
            "--person",
            p,
            "--kind",
            how,
            "--minutes",
            minutes,
            "--notes",
            "secret words",
            "--at",
            at,
        ];
        json_ok(&j, &args);
    };
    contact(&rm, "home-visit", "60", "2026-09-10T10:00");
    contact(&rm, "phone", "15", "2026-10-02T09:00");
    for day in 20..26 {
        contact(&kt, "home-visit", "45", &format!("2026-10-{day}T14:00"));
    }
    let concern = ["concern", "add", "--person", &kt, "--kind", "wellbeing", "--urgency", "low", "--notes", "secret"];
    json_ok(&j, &[&concern[..], &["--at", "2026-10-21T09:00"]].concat());

    // The JSON is the supervisor's working view: every count as it is.
    let all = json_ok(&j, &["report"]);
    assert_eq!(
        (all["people"].as_u64(), all["contacts"].as_u64(), all["minutes"].as_u64()),
        (Some(2), Some(8), Some(345))
    );
    assert_eq!(
        (all["contactsByHow"]["home-visit"].as_u64(), all["contactsByHow"]["phone"].as_u64()),
        (Some(7), Some(1))
    );
    assert_eq!((all["concerns"].as_u64(), all["concernsOpen"].as_u64()), (Some(1), Some(1)));
    assert_eq!(all["months"].as_array().unwrap().len(), 2);

    let october = json_ok(&j, &["report", "--since", "2026-10-01", "--until", "2026-10-31"]);
    assert_eq!((october["people"].as_u64(), october["contacts"].as_u64()), (Some(2), Some(7)));
    assert_eq!(october["minutes"], 285);
    assert_eq!(october["months"][0]["month"], "2026-10");

    // The CSV and the page are for sharing: counts from 1 to 4 read "fewer
    // than 5", and the 6 home visits, which would give away the one phone
    // call (7 - 6), are hidden.
    let csv = tmp.path().join("october.csv");
    let html = tmp.path().join("october.html");
    let (csv_s, html_s) = (csv.to_str().unwrap(), html.to_str().unwrap());
    json_ok(&j, &["report", "--since", "2026-10-01", "--csv", csv_s, "--html", html_s]);
    let table = fs::read_to_string(&csv).unwrap();
    assert!(table.starts_with("section,group,measure,value\r\n"));
    for row in [
        "total,all,contacts,7\r\n",
        "total,all,minutes,285\r\n",
        "total,all,people,fewer than 5\r\n",
        "total,all,concerns,fewer than 5\r\n",
        "contact kind,phone,contacts,fewer than 5\r\n",
        "contact kind,home-visit,contacts,hidden\r\n",
        "month,2026-10,contacts,7\r\n",
        "month,2026-10,people,fewer than 5\r\n",
    ] {
        assert!(table.contains(row), "{row:?} is not in {table}");
    }
    for value in table.lines().skip(1).filter_map(|l| l.rsplit(',').next()) {
        let n: Option<u32> = value.parse().ok();
        assert!(!matches!(n, Some(1..=4)), "a count under 5 is shown: {table}");
    }
    let page = fs::read_to_string(&html).unwrap();
    assert!(page.contains("Fewer than 5 people supported through 7 contacts, 4.8 hours in all."), "{page}");
    assert!(page.contains("<td>Phone call</td><td class=\"n\">fewer than 5</td>"), "{page}");
    let said = String::from_utf8(peerjournal(&j, Some(PASS), &["report", "--help"]).stdout).unwrap();
    assert!(said.contains("your own working view"), "{said}");
    for text in [&table, &page, &all.to_string()] {
        for private in ["R.M.", "K.T.", "secret", &rm, &kt] {
            assert!(!text.contains(private), "a report gave away {private:?}");
        }
    }

    // Refusals: a file that exists is not overwritten; a bad date is named.
    let before = fs::read(&csv).unwrap();
    assert_refused(&peerjournal(&j, Some(PASS), &["report", "--csv", csv_s]), "already exists");
    assert_eq!(fs::read(&csv).unwrap(), before);
    assert_refused(&peerjournal(&j, Some(PASS), &["report", "--since", "1/10/2026"]), "YYYY-MM-DD");
    assert_refused(
        &peerjournal(&j, Some(PASS), &["report", "--since", "2026-11-01", "--until", "2026-10-01"]),
        "start after it ends",
    );
}

/// A full disk: every command, reading or writing, says so in one plain line
/// and changes nothing; with room again, the journal is as it was. The disk
/// is a small one of the test's own (a tmpfs in a mount namespace, which
/// `unshare` gives without privileges), filled to the last byte.
#[test]
fn a_full_disk_is_named_plainly_and_changes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let (disk, out) = (tmp.path().join("disk"), tmp.path().join("out"));
    fs::create_dir_all(&disk).unwrap();
    fs::create_dir_all(&out).unwrap();
    let script = r#"
        set -u
        mount -t tmpfs -o size=4m tmpfs "$DISK" || { echo "could not mount a small disk" >&2; exit 90; }
        J="$DISK/journal"
        "$PJ" --journal "$J" init --name Sam --role volunteer --kdf-memory-mib 64 >/dev/null || exit 91
        "$PJ" --journal "$J" --json person add --alias R.M. >/dev/null || exit 92
        cp -r "$J" "$OUT/before"
        dd if=/dev/zero of="$DISK/fill" bs=64k 2>/dev/null
        dd if=/dev/zero of="$DISK/fill2" bs=1k 2>/dev/null
        for args in "person add --alias X" "status" "person list" "check" "search visit" "passphrase change"; do
            PEERJOURNAL_NEW_PASSPHRASE="another fine passphrase" "$PJ" --journal "$J" $args \
                >/dev/null 2>"$OUT/err" </dev/null
            echo "$? $(cat "$OUT/err")" >> "$OUT/results"
        done
        rm "$DISK/fill" "$DISK/fill2"
        cp -r "$J" "$OUT/after"
        "$PJ" --journal "$J" --json person list > "$OUT/list.json" || exit 93
    "#;
    let run = Command::new("unshare")
        .args(["--user", "--map-root-user", "--mount", "sh", "-c", script])
        .env("PJ", env!("CARGO_BIN_EXE_peerjournal"))
        .env("DISK", &disk)
        .env("OUT", &out)
        .env("PEERJOURNAL_PASSPHRASE", PASS)
        .env_remove("PEERJOURNAL_DIR")
        .output()
        .expect("run unshare (util-linux)");
    assert!(run.status.success(), "{run:?}");
    let results = fs::read_to_string(out.join("results")).unwrap();
    assert_eq!(results.lines().count(), 6, "{results}");
    for line in results.lines() {
        assert_eq!(line, "1 peerjournal: the disk is full: free some space and try again; nothing was changed");
    }
    for file in ["journal.db", "journal.key", "search.db"] {
        let (before, after) = (fs::read(out.join("before").join(file)), fs::read(out.join("after").join(file)));
        assert!(before.unwrap() == after.unwrap(), "{file} changed");
    }
    let list: Value = serde_json::from_slice(&fs::read(out.join("list.json")).unwrap()).unwrap();
    let aliases: Vec<&str> = list.as_array().unwrap().iter().filter_map(|p| p["fields"]["alias"].as_str()).collect();
    assert_eq!(aliases, ["R.M."]);
}

#[test]
fn the_service_directory_comes_from_a_spreadsheet() {
    let tmp = tempfile::tempdir().unwrap();
    let j = tmp.path().join("J");
    init(&j, "Sam");
    let template = tmp.path().join("services.csv");
    json_ok(&j, &["service", "template", "--out", template.to_str().unwrap()]);
    let mut text = fs::read_to_string(&template).unwrap();
    text.push_str("Housing advice,housing,South,,,\n,food,,,,\n");
    fs::write(&template, &text).unwrap();
    let report = json_ok(&j, &["service", "import", template.to_str().unwrap()]);
    assert_eq!(report["added"], 2, "{report}");
    assert_eq!(report["rejected"][0]["line"], 4, "{report}");
    let plain = peerjournal(&j, Some(PASS), &["service", "import", template.to_str().unwrap()]);
    let plain = String::from_utf8(plain.stdout).unwrap();
    assert!(
        plain.contains("Added 0 services.") && plain.contains("line 2 (Northside Food Bank): not added"),
        "{plain}"
    );
    assert_eq!(json_ok(&j, &["service", "list"]).as_array().map(Vec::len), Some(2));
    // Not a directory: refused whole, nothing added.
    fs::write(&template, "Phone,Name\n1,x\n").unwrap();
    let before = snapshot(&j);
    assert_refused(&peerjournal(&j, Some(PASS), &["service", "import", template.to_str().unwrap()]), "Phone");
    assert_unchanged(&before, &j);
}

/// `service retire` and `unretire`: a supervisor's service no longer taking
/// referrals leaves `service list` (not `--all`), travels to the volunteer
/// in the next file, and is refused for a new signpost there, while the
/// signpost that already names it keeps it; brought back, it is offered
/// again.
#[test]
fn a_retired_service_is_offered_for_no_new_signpost_here_or_there() {
    let tmp = tempfile::tempdir().unwrap();
    let (j, s) = (tmp.path().join("J"), tmp.path().join("S"));
    init(&j, "Sam");
    assert!(peerjournal(&s, Some(PASS), &["init", "--name", "Alex", "--role", "supervisor", "--kdf-memory-mib", "64"])
        .status
        .success());
    let (jc, sc) = (tmp.path().join("j.card"), tmp.path().join("s.card"));
    json_ok(&j, &["card", "export", "--out", jc.to_str().unwrap()]);
    json_ok(&s, &["card", "export", "--out", sc.to_str().unwrap()]);
    assert!(peerjournal(&s, Some(PASS), &["card", "import", jc.to_str().unwrap(), "--yes"]).status.success());
    assert!(peerjournal(&j, Some(PASS), &["card", "import", sc.to_str().unwrap(), "--yes"]).status.success());
    let id = |v: Value| v["id"].as_str().unwrap().to_string();
    let food = id(json_ok(&s, &["service", "add", "--name", "Northside Food Bank", "--category", "food"]));
    let library = id(json_ok(&s, &["service", "add", "--name", "Library"]));
    let send = |from: &Path, to: &Path, name: &str| {
        let fp = json_ok(to, &["status"])["fingerprint"].as_str().unwrap().to_string();
        let file = tmp.path().join(name);
        json_ok(from, &["export", "--to", &fp, "--out", file.to_str().unwrap()]);
        json_ok(to, &["import", file.to_str().unwrap()])
    };
    send(&s, &j, "directory.bundle");
    let person = id(json_ok(&j, &["person", "add", "--alias", "R.M."]));
    let before = id(json_ok(&j, &["signpost", "add", "--person", &person, "--service", &food]));

    // Retired by the supervisor: out of the list unless --all, and marked there.
    let out = peerjournal(&s, Some(PASS), &["service", "retire", &food]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let said = String::from_utf8(out.stdout).unwrap();
    assert!(said.contains("Northside Food Bank is no longer offered for new signposts"), "{said}");
    let names = |list: Value| -> Vec<String> {
        list.as_array().unwrap().iter().map(|s| s["fields"]["name"].as_str().unwrap().to_string()).collect()
    };
    assert_eq!(names(json_ok(&s, &["service", "list"])), ["Library"]);
    assert_eq!(names(json_ok(&s, &["service", "list", "--all"])).len(), 2);
    let plain = String::from_utf8(peerjournal(&s, Some(PASS), &["service", "list", "--all"]).stdout).unwrap();
    let marked: Vec<&str> = plain.lines().filter(|l| l.contains("(no longer taking referrals)")).collect();
    assert!(marked.len() == 1 && marked[0].contains(&food), "{plain}");

    // It reaches the volunteer with the next file.
    let summary = send(&s, &j, "retired.bundle");
    assert_eq!(summary["kinds"]["service"]["updated"], 1, "{summary}");
    assert_eq!(names(json_ok(&j, &["service", "list"])), ["Library"]);
    let kept = json_ok(&j, &["show", &before]);
    assert_eq!(kept["fields"]["service"], food.as_str(), "the signpost before keeps its service");
    let before_refusal = snapshot(&j);
    let refused = peerjournal(&j, Some(PASS), &["signpost", "add", "--person", &person, "--service", &food]);
    assert_refused(&refused, "that service is no longer taking referrals; please choose another service");
    assert_unchanged(&before_refusal, &j);
    json_ok(&j, &["signpost", "add", "--person", &person, "--service", &library]);
    assert_refused(
        &peerjournal(&j, Some(PASS), &["service", "retire", &library]),
        "This service was written by your supervisor, Alex: you can't change it.",
    );
    assert_refused(&peerjournal(&j, Some(PASS), &["service", "retire", &person]), "that record is not a service");

    // Brought back, it is offered again, here and there.
    let out = peerjournal(&s, Some(PASS), &["service", "unretire", &food]);
    assert!(String::from_utf8(out.stdout).unwrap().contains("Northside Food Bank is offered again"));
    send(&s, &j, "back.bundle");
    assert_eq!(names(json_ok(&j, &["service", "list"])).len(), 2);
    json_ok(&j, &["signpost", "add", "--person", &person, "--service", &food]);
    assert_eq!(json_ok(&j, &["signpost", "list"]).as_array().map(Vec::len), Some(3));
}

/// `roster`: changes that never arrived are named, and private reflections
/// (numbered too, never sent) are neither a gap nor "waiting". A volunteer
/// sends again whatever the supervisor has not confirmed, so a gap shows
/// when the supervisor's journal lost what it had confirmed: here, put back
/// from a copy made before the second file came in.
#[test]
fn a_missing_file_is_named_and_private_reflections_are_not_a_gap() {
    let tmp = tempfile::tempdir().unwrap();
    let (j, s, jfp, sfp) = volunteer_and_supervisor(tmp.path());
    let export = |from: &Path, to: &str, name: &str| {
        let file = tmp.path().join(name);
        json_ok(from, &["export", "--to", to, "--out", file.to_str().unwrap()]);
        file
    };
    let contact = |person: &str, notes: &str| {
        json_ok(&j, &["contact", "add", "--person", person, "--kind", "phone", "--notes", notes]);
    };
    // Changes 1-2 in the first file; 3 a private reflection; 4-5 in the
    // second, which Alex confirms; 6 in the third.
    let person = json_ok(&j, &["person", "add", "--alias", "R.M."])["id"].as_str().unwrap().to_string();
    contact(&person, "first call");
    json_ok(&s, &["import", export(&j, &sfp, "1.bundle").to_str().unwrap()]);
    let copy = tmp.path().join("S-copy");
    copy_dir(&s, &copy);
    json_ok(&j, &["reflection", "add", "--text", "a heavy week"]);
    contact(&person, "second call");
    contact(&person, "third call");
    json_ok(&s, &["import", export(&j, &sfp, "2.bundle").to_str().unwrap()]);
    json_ok(&j, &["import", export(&s, &jfp, "receipt.bundle").to_str().unwrap()]);
    contact(&person, "fourth call");
    let third = export(&j, &sfp, "3.bundle");

    // Alex's journal is put back from the copy: the second file's changes
    // are named, and not the private reflection between.
    fs::remove_dir_all(&s).unwrap();
    fs::rename(&copy, &s).unwrap();
    json_ok(&s, &["import", third.to_str().unwrap()]);
    let roster = json_ok(&s, &["roster"]);
    assert_eq!(roster[0]["missing"], serde_json::json!([[4, 5]]), "{roster}");
    let plain = String::from_utf8(peerjournal(&s, Some(PASS), &["roster"]).stdout).unwrap();
    assert!(plain.contains("a file from Sam seems to be missing: changes 4-5 not received"), "{plain}");

    // Sam sends everything again: nothing is missing.
    let all = tmp.path().join("all.bundle");
    json_ok(&j, &["export", "--to", &sfp, "--full", "--out", all.to_str().unwrap()]);
    json_ok(&s, &["import", all.to_str().unwrap()]);
    let roster = json_ok(&s, &["roster"]);
    assert_eq!(roster[0]["missing"], serde_json::json!([]), "{roster}");
    let plain = String::from_utf8(peerjournal(&s, Some(PASS), &["roster"]).stdout).unwrap();
    assert!(!plain.contains("missing"), "{plain}");

    // A private reflection written since is nothing waiting for Alex; a
    // contact is.
    json_ok(&j, &["import", export(&s, &jfp, "receipt-2.bundle").to_str().unwrap()]);
    assert_eq!(json_ok(&j, &["status"])["peers"][0]["waitingChanges"], 0);
    json_ok(&j, &["reflection", "add", "--text", "only for me"]);
    assert_eq!(json_ok(&j, &["status"])["peers"][0]["waitingChanges"], 0);
    contact(&person, "fifth call");
    assert_eq!(json_ok(&j, &["status"])["peers"][0]["waitingChanges"], 1);
}

/// Copies a journal's folder (its files, one level), as a backup by hand would.
fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_file() {
            fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
        }
    }
}
