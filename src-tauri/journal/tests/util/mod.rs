//! Helpers shared by the core's integration tests: temporary journals, a
//! byte-for-byte snapshot of a journal folder, and a plaintext search.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use peerjournal::{Journal, KdfParams, NewJournal, Role};

/// Cheap key derivation so tests run fast; the real cost is tested by the
/// command-line tests and measured by the benchmarks.
pub const FAST_KDF: KdfParams = KdfParams { memory_kib: 1024, iterations: 1, parallelism: 1 };
pub const PASSPHRASE: &str = "correct horse battery staple";

/// Creates a journal named `name` in `dir`, returning it unlocked and its
/// recovery key as printed.
pub fn create(dir: &Path, name: &str) -> (Journal, String) {
    let (journal, recovery) =
        Journal::create(dir, &NewJournal { name, role: Role::Volunteer, passphrase: PASSPHRASE, kdf: FAST_KDF })
            .expect("create journal");
    (journal, recovery.display().to_string())
}

/// Every file in a folder (not recursive) with its bytes.
pub fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    if let Ok(entries) = fs::read_dir(dir) {
        for entry in entries.flatten() {
            if entry.path().is_file() {
                files.insert(entry.file_name().to_string_lossy().into_owned(), fs::read(entry.path()).unwrap());
            }
        }
    }
    files
}

/// Asserts a folder is byte-for-byte what it was.
pub fn assert_unchanged(before: &BTreeMap<String, Vec<u8>>, dir: &Path) {
    let after = snapshot(dir);
    assert_eq!(before.keys().collect::<Vec<_>>(), after.keys().collect::<Vec<_>>(), "the set of files changed");
    for (name, bytes) in before {
        assert!(after[name] == *bytes, "{name} changed");
    }
}

/// True if `needle` appears in any file of the folder.
pub fn any_file_contains(dir: &Path, needle: &[u8]) -> Option<String> {
    snapshot(dir).into_iter().find(|(_, bytes)| bytes.windows(needle.len()).any(|w| w == needle)).map(|(name, _)| name)
}
