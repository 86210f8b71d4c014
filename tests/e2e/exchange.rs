//! Exchanging files in the app: a volunteer's app and a supervisor's
//! journal (driven through the core library, as the command line would),
//! meeting in an exchange folder set on the Settings screen. Each step is
//! checked in the journals themselves.

use std::path::{Path, PathBuf};

use peerjournal::sync::ExportOptions;
use peerjournal::{Fields, Journal, KdfParams, Kind, NewJournal, Page, Role};
use serde_json::{json, Value};

use crate::fixture::Driver;
use crate::{accessible, fill, press, says, submit_passphrase, TestResult, TIMEOUT};

const PASS: &str = "rhubarb lantern quietly orbits";
const FAST: KdfParams = KdfParams { memory_kib: 1024, iterations: 1, parallelism: 1 };

fn fields(value: Value) -> Fields {
    value.as_object().cloned().unwrap_or_default()
}

fn new_journal(dir: &Path, name: &str, role: Role) -> TestResult<Journal> {
    Ok(Journal::create(dir, &NewJournal { name, role, passphrase: PASS, kdf: FAST })?.0)
}

/// The newest file named `*.pjbundle` in `dir` that the app wrote.
fn written_by_the_app(dir: &Path) -> TestResult<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)?
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            name.starts_with("peer-journal-") && name.ends_with(".pjbundle")
        })
        .collect();
    found.sort();
    Ok(found.pop().ok_or("the app wrote no file into the exchange folder")?)
}

/// Volunteer → supervisor → volunteer, through a folder: a card checked and
/// added, a file written, the supervisor's note and acknowledgement brought
/// back, a damaged file and a stranger's file refused (listed with why, and
/// nothing of them in the journal), and a card no longer trusted.
#[test]
fn files_go_to_the_supervisor_and_their_reply_comes_back() {
    let usb = tempfile::tempdir().expect("a temporary folder");
    let morgan_dir = tempfile::tempdir().expect("a temporary folder");
    let alex_dir = tempfile::tempdir().expect("a temporary folder");
    let kim_dir = tempfile::tempdir().expect("a temporary folder");
    let folder = usb.path().to_path_buf();
    // Before the app starts: Sam's journal (a person, a contact, an urgent
    // concern; Kim, a fellow volunteer, already trusted), Morgan the
    // supervisor who trusts Sam, and Morgan's card in the folder.
    let made = |driver: &Driver| -> TestResult<Journal> {
        let mut sam = new_journal(&driver.journal_dir(), "Sam", Role::Volunteer)?;
        let p = sam.add(Kind::Person, fields(json!({ "alias": "R.M.", "consent": true })))?;
        let p = p.as_person().ok_or("a person")?;
        sam.add(Kind::Contact, fields(json!({ "person": p, "how": "home-visit", "minutes": 45 })))?;
        sam.add(
            Kind::Concern,
            fields(json!({ "person": p, "category": "safeguarding", "urgency": "high", "notes": "a bruise" })),
        )?;
        let kim = new_journal(kim_dir.path(), "Kim", Role::Volunteer)?;
        sam.add_card(&kim.card()?)?;
        let mut morgan = new_journal(morgan_dir.path(), "Morgan", Role::Supervisor)?;
        morgan.add_card(&sam.card()?)?;
        morgan.export_card(&folder.join("morgan.pjcard"))?;
        Ok(morgan)
    };
    crate::with_prepared_app(made, |driver, app, mut morgan| {
        submit_passphrase(&app, PASS)?;
        app.wait_for("[data-screen=today]", TIMEOUT)?;

        // The exchange folder, chosen in Settings.
        press(&app, "Settings")?;
        fill(&app, "Exchange folder", &folder.display().to_string())?;
        press(&app, "Use this folder")?;
        says(&app, "[data-screen=settings]", "Files will be saved to and looked for in")?;

        // Morgan's card, checked and added.
        press(&app, "Exchange")?;
        app.wait_for("[data-screen=exchange]", TIMEOUT)?;
        accessible(&app, "the exchange screen, with a card to check")?;
        press(&app, "Check Morgan's card")?;
        press(&app, "Yes, it matches — add Morgan")?;
        says(&app, "[data-screen=exchange]", "Morgan's card is added")?;

        // A file for Morgan.
        press(&app, "Write the file")?;
        let sent = says(&app, "#exchange-sent", "Only Morgan")?;
        crate::ensure!(sent.contains("1 contact") && sent.contains("1 concern"), "the summary says: {sent:?}");
        accessible(&app, "the exchange screen, after writing a file")?;
        let file = written_by_the_app(&folder)?;
        let name = file.file_name().and_then(|n| n.to_str()).unwrap_or("");
        crate::ensure!(!name.contains("Sam") && !name.contains("R.M"), "the file's name says who: {name}");

        // Morgan brings it in, writes a note and acknowledges the concern,
        // and sends a file back into the same folder.
        let brought = morgan.import_bundle(&file, &mut |_, _| {})?;
        crate::ensure!(brought.sender == "Sam", "Morgan's journal says it came from {}", brought.sender);
        let concern = morgan.list(Kind::Concern, None, Page::default())?.pop().ok_or("Morgan has no concern")?;
        let sam_fp = morgan.roster()?.into_iter().find(|c| c.name == "Sam").ok_or("no Sam")?.fingerprint;
        morgan.add(
            Kind::SupervisionNote,
            fields(json!({ "volunteer": sam_fp, "person": concern.person, "text": "Well noticed; let's talk on Thursday." })),
        )?;
        morgan.add(
            Kind::Acknowledgement,
            fields(json!({ "about": concern.id, "person": concern.person, "by": "Morgan" })),
        )?;
        let reply = folder.join("reply.pjbundle");
        morgan.export_bundle(&ExportOptions { to: vec![sam_fp.clone()], full: false }, &reply, &mut |_, _| {})?;
        // A copy cut short on the way, and a stranger's file.
        let bytes = std::fs::read(&reply)?;
        std::fs::write(folder.join("cut-short.pjbundle"), &bytes[..bytes.len() * 2 / 3])?;
        let mut alex = new_journal(alex_dir.path(), "Alex", Role::Supervisor)?;
        alex.add_card(&journal_card(driver)?)?;
        alex.export_bundle(
            &ExportOptions { to: vec![sam_fp], full: false },
            &folder.join("stranger.pjbundle"),
            &mut |_, _| {},
        )?;

        // Sam looks in the folder: the cut copy and the stranger's file are
        // listed with why they can't be brought in; Morgan's reply goes in.
        press(&app, "Look in the folder again")?;
        let listed = says(&app, "[data-screen=exchange]", "can't be brought in")?;
        crate::ensure!(listed.contains("whose card is not in this journal"), "the stranger's file: {listed:?}");
        crate::ensure!(listed.contains("damaged or incomplete"), "the cut copy: {listed:?}");
        press(&app, "Bring in the file from Morgan")?;
        let result = says(&app, "[data-screen=exchange]", "Brought in from Morgan")?;
        crate::ensure!(result.contains("supervision note"), "the result says: {result:?}");
        accessible(&app, "the exchange screen, after bringing files in")?;

        // On Today: the note; and the urgent concern's banner has gone from
        // every screen, now that Morgan has acknowledged it.
        press(&app, "Today")?;
        says(&app, "[data-screen=today]", "Note from supervision")?;
        app.wait_gone("#concern-banner", TIMEOUT)?;

        // Kim's card is no longer trusted.
        press(&app, "Exchange")?;
        says(&app, "#exchange-people", "Kim")?;
        press(&app, "Stop trusting Kim's card…")?;
        says(&app, "#exchange-people", "If you stop trusting Kim's card")?;
        press(&app, "Stop trusting Kim")?;
        says(&app, "[data-screen=exchange]", "No longer trusted")?;

        let sam = Journal::open(&driver.journal_dir(), PASS)?;
        let notes = sam.list(Kind::SupervisionNote, None, Page::default())?;
        crate::ensure!(notes.len() == 1, "{} supervision notes arrived, not 1", notes.len());
        crate::ensure!(
            sam.needing_attention(Kind::Concern, Page::default())?.is_empty(),
            "the concern is still open after Morgan's acknowledgement"
        );
        let roster = sam.roster()?;
        let trusted = |name: &str| roster.iter().any(|c| c.name == name && c.revoked_at.is_none());
        crate::ensure!(trusted("Morgan") && !trusted("Kim"), "the roster is wrong: {roster:?}");
        crate::ensure!(!roster.iter().any(|c| c.name == "Alex"), "the stranger was trusted");
        let peer = sam.peer_status()?.into_iter().find(|p| p.card.name == "Morgan").ok_or("no Morgan")?;
        crate::ensure!(peer.received_at.is_some(), "Morgan's receipt was not kept");
        Ok(())
    });
}

/// Sam's card, read from the journal the app has open (beside it).
fn journal_card(driver: &Driver) -> TestResult<peerjournal::cards::Card> {
    Ok(Journal::open(&driver.journal_dir(), PASS)?.card()?)
}
