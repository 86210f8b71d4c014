//! The golden files (`tests/golden/`): journals and bundles made once, by
//! earlier versions, that this version must open, import or refuse exactly
//! as `tests/golden/README.md` says. A change that breaks one of these has
//! changed the bundle's format or the journal's file format: bump the
//! version and keep reading the old one, never remake the files.

use std::path::{Path, PathBuf};

use peerjournal::error::Refusal;
use peerjournal::sync::ImportNotice;
use peerjournal::{Error, Journal, Kind, Page};

const PASSPHRASE: &str = "golden files passphrase";

fn golden(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden").join(name)
}

/// A copy of a golden journal, unlocked (upgraded as it opens).
fn open_copy(name: &str) -> (tempfile::TempDir, Journal) {
    let dir = tempfile::tempdir().unwrap();
    for file in ["journal.key", "journal.db"] {
        std::fs::copy(golden(name).join(file), dir.path().join(file)).unwrap();
    }
    let journal = Journal::open(dir.path(), PASSPHRASE).unwrap();
    (dir, journal)
}

fn import(j: &mut Journal, bundle: &str) -> peerjournal::Result<peerjournal::sync::ImportSummary> {
    j.import_bundle(&golden(bundle), &mut |_, _| {})
}

/// Everything the journal shows, for "nothing changed" checks.
fn state(j: &Journal) -> String {
    let mut out = serde_json::to_string(&j.counts().unwrap()).unwrap();
    for kind in Kind::ALL {
        for record in j.list(kind, None, Page { limit: 1000, offset: 0 }).unwrap() {
            out.push_str(&serde_json::to_string(&record).unwrap());
        }
    }
    out
}

fn count(j: &Journal, kind: Kind) -> usize {
    j.list(kind, None, Page { limit: 1000, offset: 0 }).unwrap().len()
}

fn assert_refused(j: &mut Journal, bundle: &str, expected: Refusal) {
    let before = state(j);
    match import(j, bundle) {
        Err(Error::Refused(r)) => assert_eq!(r, expected, "{bundle}"),
        other => panic!("{bundle}: expected {expected:?}, got {other:?}"),
    }
    assert_eq!(state(j), before, "{bundle} changed the journal");
}

#[test]
fn journals_made_by_the_first_version_open_and_check() {
    for name in ["alex", "kim"] {
        let (_dir, mut j) = open_copy(name);
        let report = j.check().unwrap();
        assert!(report.ok, "{name}: {:?}", report.problems);
    }
    let (_dir, alex) = open_copy("alex");
    assert_eq!(alex.status().unwrap().name, "Alex");
    for kind in [Kind::Person, Kind::Contact, Kind::BoundaryAgreement, Kind::Concern] {
        assert_eq!(count(&alex, kind), 1, "{kind:?}");
    }
    assert_eq!(count(&alex, Kind::Reflection), 2);
    let person = &alex.list(Kind::Person, None, Page::default()).unwrap()[0];
    assert_eq!(person.fields["alias"], "Zoë «R.M.» Ó Súilleabháin");
    // Kim's acknowledgement, written on Alex's concern by the first
    // version, is now a record of Kim's own.
    let (_dir, kim) = open_copy("kim");
    assert_eq!(count(&kim, Kind::Acknowledgement), 1);
    assert_eq!(count(&kim, Kind::SupervisionNote), 1);
    assert_eq!(count(&kim, Kind::Service), 1);
}

#[test]
fn a_volunteers_format_2_bundle_is_imported_as_documented() {
    let (_dir, mut kim) = open_copy("kim");
    let summary = import(&mut kim, "v2-alex-to-kim.bundle").unwrap();
    assert_eq!(summary.sender, "Alex");
    assert!(!summary.already_imported);
    // Everything Alex's own devices wrote but the private reflection: the
    // five records Kim had from the format-1 bundle again, and the call
    // made after the upgrade.
    assert_eq!((summary.events, summary.duplicates), (6, 5));
    assert_eq!(summary.kinds["contact"].new, 1);
    assert_eq!(count(&kim, Kind::Contact), 2);
    assert!(kim.search("upgrade", Page::default()).unwrap().len() == 1);
    assert_eq!(count(&kim, Kind::Reflection), 1, "the private reflection never travels");
    // A second time, nothing changes.
    let before = state(&kim);
    assert!(import(&mut kim, "v2-alex-to-kim.bundle").unwrap().already_imported);
    assert_eq!(state(&kim), before);
}

#[test]
fn a_supervisors_format_2_bundle_is_imported_as_documented() {
    let (_dir, mut alex) = open_copy("alex");
    assert_eq!(alex.needing_attention(Kind::Concern, Page::default()).unwrap().len(), 1);
    let summary = import(&mut alex, "v2-kim-to-alex.bundle").unwrap();
    assert_eq!(summary.sender, "Kim");
    assert_eq!(summary.events, 3);
    assert_eq!(summary.kinds["service"].new, 1);
    assert_eq!(summary.kinds["supervision-note"].new, 1);
    assert_eq!(summary.kinds["acknowledgement"].new, 1);
    let note = &alex.list(Kind::SupervisionNote, None, Page::default()).unwrap()[0];
    assert_eq!(note.fields["text"], "well handled — talk on Tuesday");
    assert_eq!(alex.unread(Page::default()).unwrap().len(), 2, "the note and the acknowledgement");
    // The acknowledgement settles the concern's need for attention.
    assert!(alex.needing_attention(Kind::Concern, Page::default()).unwrap().is_empty());
    // This copy of Alex's journal is as the first version left it, before
    // the call Alex made after upgrading, which Kim's receipt counts: as a
    // journal restored from an older backup would, it says so.
    assert_eq!(summary.notices, vec![ImportNotice::DeviceShared { sender: "Kim".into() }]);
}

#[test]
fn what_must_be_refused_is_refused_and_changes_nothing() {
    let (_dir, mut kim) = open_copy("kim");
    assert_refused(&mut kim, "v1-alex-to-kim.bundle", Refusal::TooOld(1));
    assert_refused(&mut kim, "fail-cut-short.bundle", Refusal::Damaged);
    assert_refused(&mut kim, "fail-changed-byte.bundle", Refusal::Damaged);
    assert_refused(&mut kim, "fail-a-card.bundle", Refusal::NotABundle);
    assert_refused(&mut kim, "fail-for-sam.bundle", Refusal::NotForUs);
    // Kim's own bundle, brought back to Kim.
    assert_refused(&mut kim, "v2-kim-to-alex.bundle", Refusal::OwnBundle);
}
