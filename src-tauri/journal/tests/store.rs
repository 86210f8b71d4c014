//! The encrypted store and its keys, through the public API: what reaches
//! the disk, and that every kind of bad input leaves the journal as it was.

mod util;

use std::fs;

use peerjournal::{Error, Journal, NewJournal, Role};
use util::{assert_unchanged, create, snapshot, FAST_KDF, PASSPHRASE};

#[test]
fn database_wal_and_key_file_hold_no_plaintext() {
    let dir = tempfile::tempdir().unwrap();
    let name = "Quokka-Zanzibar-7731";
    let (mut journal, recovery) = create(dir.path(), name);
    // Keep the journal open and write again, so the write-ahead log has content.
    journal.set_idle_lock_minutes(7).unwrap();
    assert!(dir.path().join("journal.db-wal").exists(), "expected a live write-ahead log");
    for secret in [name, PASSPHRASE, recovery.as_str(), "volunteer", "idle_lock_minutes", "SQLite format"] {
        assert_eq!(util::any_file_contains(dir.path(), secret.as_bytes()), None, "{secret:?} found on disk");
    }
    assert_eq!(journal.status().unwrap().idle_lock_minutes, 7);
}

#[test]
fn reopens_with_passphrase_and_reports_encryption() {
    let dir = tempfile::tempdir().unwrap();
    let (journal, _) = create(dir.path(), "Sam 🌱 سام");
    let first = journal.status().unwrap();
    journal.lock();
    let mut journal = Journal::open(dir.path(), PASSPHRASE).unwrap();
    let status = journal.status().unwrap();
    assert_eq!(status.name, "Sam 🌱 سام");
    assert_eq!(status.role, Role::Volunteer);
    assert_eq!(status.fingerprint, first.fingerprint);
    assert!(!status.cipher_version.is_empty());
    assert!(journal.check().unwrap().ok);
}

#[test]
fn wrong_passphrase_leaves_every_file_byte_identical() {
    let dir = tempfile::tempdir().unwrap();
    create(dir.path(), "Sam").0.lock();
    let before = snapshot(dir.path());
    assert!(matches!(Journal::open(dir.path(), "not the passphrase"), Err(Error::WrongPassphrase)));
    assert_unchanged(&before, dir.path());
}

#[test]
fn init_over_an_existing_journal_is_refused_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    create(dir.path(), "Sam").0.lock();
    let before = snapshot(dir.path());
    let again = Journal::create(
        dir.path(),
        &NewJournal { name: "Other", role: Role::Supervisor, passphrase: "another passphrase", kdf: FAST_KDF },
    );
    assert!(matches!(again, Err(Error::AlreadyExists(_))));
    assert_unchanged(&before, dir.path());
    assert_eq!(Journal::open(dir.path(), PASSPHRASE).unwrap().status().unwrap().name, "Sam");
}

#[test]
fn missing_folder_and_foreign_folder_are_told_apart() {
    let dir = tempfile::tempdir().unwrap();
    assert!(matches!(Journal::open(&dir.path().join("nope"), PASSPHRASE), Err(Error::NotFound(_))));
    fs::write(dir.path().join("notes.txt"), b"hello").unwrap();
    assert!(matches!(Journal::open(dir.path(), PASSPHRASE), Err(Error::NotFound(_))));
    fs::write(dir.path().join("journal.db"), b"hello").unwrap();
    assert!(matches!(Journal::open(dir.path(), PASSPHRASE), Err(Error::NotAJournal(..))));
}

#[test]
fn damaged_key_file_is_reported_as_damage_not_as_a_wrong_passphrase() {
    let dir = tempfile::tempdir().unwrap();
    create(dir.path(), "Sam").0.lock();
    let key = dir.path().join("journal.key");
    let text = fs::read_to_string(&key).unwrap();
    // Flip one character inside the sealed passphrase slot.
    let at = text.find("\"sealed\": \"").unwrap() + 12;
    let mut bytes = text.into_bytes();
    bytes[at] = if bytes[at] == b'A' { b'B' } else { b'A' };
    fs::write(&key, &bytes).unwrap();
    let before = snapshot(dir.path());
    assert!(matches!(Journal::open(dir.path(), PASSPHRASE), Err(Error::KeyFileDamaged(..))));
    fs::write(&key, b"{ not json").unwrap();
    let before_garbage = snapshot(dir.path());
    assert!(matches!(Journal::open(dir.path(), PASSPHRASE), Err(Error::KeyFileDamaged(..))));
    assert_unchanged(&before_garbage, dir.path());
    drop(before);
}

#[test]
fn key_file_from_another_journal_is_refused() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    create(a.path(), "A").0.lock();
    create(b.path(), "B").0.lock();
    fs::copy(b.path().join("journal.key"), a.path().join("journal.key")).unwrap();
    let before = snapshot(a.path());
    assert!(matches!(Journal::open(a.path(), PASSPHRASE), Err(Error::KeyFileMismatch(_))));
    assert_unchanged(&before, a.path());
}

#[test]
fn database_replaced_with_garbage_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    create(dir.path(), "Sam").0.lock();
    let db = dir.path().join("journal.db");
    fs::write(&db, vec![0x5a; 8192]).unwrap();
    let before = snapshot(dir.path());
    assert!(matches!(Journal::open(dir.path(), PASSPHRASE), Err(Error::KeyFileMismatch(_))));
    assert_unchanged(&before, dir.path());
}

#[test]
fn database_damaged_after_its_header_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    create(dir.path(), "Sam").0.lock();
    let db = dir.path().join("journal.db");
    let mut bytes = fs::read(&db).unwrap();
    for b in &mut bytes[16..4096] {
        *b ^= 0xff;
    }
    fs::write(&db, &bytes).unwrap();
    let before = snapshot(dir.path());
    assert!(matches!(Journal::open(dir.path(), PASSPHRASE), Err(Error::DatabaseDamaged(_))));
    assert_unchanged(&before, dir.path());
}

#[test]
fn changing_the_passphrase_rewraps_without_touching_the_database() {
    let dir = tempfile::tempdir().unwrap();
    let (journal, recovery) = create(dir.path(), "Sam");
    journal.lock();
    let db_before = fs::read(dir.path().join("journal.db")).unwrap();
    let mut journal = Journal::open(dir.path(), PASSPHRASE).unwrap();
    journal.change_passphrase("a brand new passphrase", FAST_KDF).unwrap();
    journal.lock();
    assert_eq!(fs::read(dir.path().join("journal.db")).unwrap(), db_before, "database was rewritten");
    assert!(matches!(Journal::open(dir.path(), PASSPHRASE), Err(Error::WrongPassphrase)));
    Journal::open(dir.path(), "a brand new passphrase").unwrap().lock();
    // The recovery key still opens it.
    Journal::recover(dir.path(), &recovery, "third passphrase here").unwrap().lock();
    Journal::open(dir.path(), "third passphrase here").unwrap();
}

#[test]
fn recovery_key_sets_a_new_passphrase_and_bad_keys_change_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (journal, recovery) = create(dir.path(), "Sam");
    journal.lock();
    let before = snapshot(dir.path());
    // A typo is caught by the check digits, before any key derivation.
    let mut typo: Vec<char> = recovery.chars().collect();
    typo[5] = if typo[5] == 'Z' { 'Y' } else { 'Z' };
    let typo: String = typo.into_iter().collect();
    assert!(matches!(Journal::recover(dir.path(), &typo, "new passphrase"), Err(Error::MistypedRecoveryKey(_))));
    // A well-formed key of another journal.
    let other = tempfile::tempdir().unwrap();
    let (_, other_key) = create(other.path(), "Other");
    assert!(matches!(Journal::recover(dir.path(), &other_key, "new passphrase"), Err(Error::WrongRecoveryKey)));
    // Too short a new passphrase.
    assert!(matches!(Journal::recover(dir.path(), &recovery, "short"), Err(Error::Invalid(_))));
    assert_unchanged(&before, dir.path());

    let journal = Journal::recover(dir.path(), &recovery.to_lowercase(), "new passphrase").unwrap();
    assert_eq!(journal.status().unwrap().name, "Sam");
    journal.lock();
    assert!(matches!(Journal::open(dir.path(), PASSPHRASE), Err(Error::WrongPassphrase)));
    Journal::open(dir.path(), "new passphrase").unwrap();
}

#[test]
fn two_openers_at_once_write_safely() {
    let dir = tempfile::tempdir().unwrap();
    create(dir.path(), "Sam").0.lock();
    let path = dir.path().to_path_buf();
    let writers: Vec<_> = (0..4)
        .map(|i| {
            let path = path.clone();
            std::thread::spawn(move || {
                let mut j = Journal::open(&path, PASSPHRASE).unwrap();
                for m in 0..25 {
                    j.set_idle_lock_minutes(1 + (i * 25 + m) % 200).unwrap();
                }
            })
        })
        .collect();
    for w in writers {
        w.join().unwrap();
    }
    let mut journal = Journal::open(&path, PASSPHRASE).unwrap();
    assert!(journal.check().unwrap().ok);
}

#[test]
fn invalid_settings_and_names_are_refused_plainly() {
    let dir = tempfile::tempdir().unwrap();
    let (mut journal, _) = create(dir.path(), "Sam");
    let e = journal.set_idle_lock_minutes(0).unwrap_err();
    assert_eq!(e.to_string(), "the idle time before locking must be between 1 and 240 minutes");
    let e = Journal::create(
        &dir.path().join("x"),
        &NewJournal { name: "   ", role: Role::Volunteer, passphrase: PASSPHRASE, kdf: FAST_KDF },
    )
    .unwrap_err();
    assert!(e.to_string().starts_with("a name is needed"));
    let e = Journal::create(
        &dir.path().join("y"),
        &NewJournal { name: "Sam", role: Role::Volunteer, passphrase: "short", kdf: FAST_KDF },
    )
    .unwrap_err();
    assert!(e.to_string().contains("too easy to guess"));
    assert!(!dir.path().join("x").exists() && !dir.path().join("y").exists());
}
