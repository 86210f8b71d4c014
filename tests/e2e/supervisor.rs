//! A supervisor's journeys: the review they land on, narrowed to one
//! volunteer, a concern acknowledged from it, and the volunteers' roster.
//! The volunteers' journals are made with the core (as the command line
//! would) and their files brought in before the app starts; each journey
//! ends with a look at the supervisor's journal itself.

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

/// Morgan's journal (the app's), with files brought in from Sam (an urgent
/// concern, a flagged contact) and Jo (a contact months ago, nothing open).
fn morgan_with_two_volunteers(driver: &Driver) -> TestResult {
    let mut morgan = Journal::create(
        &driver.journal_dir(),
        &NewJournal { name: "Morgan", role: Role::Supervisor, passphrase: PASS, kdf: FAST },
    )?
    .0;
    let dirs = tempfile::tempdir()?;
    for (name, setup) in [("Sam", 0), ("Jo", 1)] {
        let mut v = Journal::create(
            &dirs.path().join(name),
            &NewJournal { name, role: Role::Volunteer, passphrase: PASS, kdf: FAST },
        )?
        .0;
        v.add_card(&morgan.card()?)?;
        morgan.add_card(&v.card()?)?;
        let p =
            v.add(Kind::Person, fields(json!({ "alias": if setup == 0 { "R.M." } else { "K.T." }, "consent": true })))?;
        let p = p.as_person().ok_or("a person")?;
        if setup == 0 {
            v.add(
                Kind::Contact,
                fields(json!({ "person": p, "how": "home-visit", "flag": true, "focus": "the landlord" })),
            )?;
            v.add(
                Kind::Concern,
                fields(json!({ "person": p, "category": "safeguarding", "urgency": "immediate", "notes": "a bruise" })),
            )?;
        } else {
            let months_ago = peerjournal::kinds::months_ago(2);
            v.add(Kind::Contact, fields(json!({ "person": p, "at": months_ago, "how": "phone" })))?;
        }
        let file = dirs.path().join(format!("{name}.pjbundle"));
        let to = ExportOptions { to: vec![morgan.card()?.fingerprint], full: false };
        v.export_bundle(&to, &file, &mut |_, _| {})?;
        morgan.import_bundle(&file, &mut |_, _| {})?;
    }
    Ok(())
}

#[test]
fn a_supervisor_reviews_narrows_to_a_volunteer_and_acknowledges_a_concern() {
    crate::with_prepared_app(morgan_with_two_volunteers, |driver, app, ()| {
        submit_passphrase(&app, PASS)?;
        // A supervisor lands on the review.
        let review = says(&app, "[data-screen=review]", "Open concerns")?;
        crate::ensure!(review.contains("R.M."), "Sam's concern is not on the review: {review:?}");
        crate::ensure!(review.contains("K.T."), "Jo's quiet person is not on the review: {review:?}");
        accessible(&app, "the supervisor's review")?;

        // Jo's records alone: no concern, K.T. not in touch for a while.
        let volunteer = app.wait_for_label("Volunteer", TIMEOUT)?;
        volunteer.option("Jo")?.click()?;
        let jos = says(&app, "[data-screen=review]", "No open concerns")?;
        // (The banner about Sam's urgent concern stays on every screen.)
        crate::ensure!(jos.contains("K.T.") && !jos.contains("Written by Sam"), "Sam's records show under Jo: {jos:?}");
        app.wait_for_label("Volunteer", TIMEOUT)?.option("All volunteers")?.click()?;
        says(&app, "[data-screen=review]", "R.M.")?;

        // Acknowledge Sam's concern.
        press(&app, "Acknowledge")?;
        app.wait_for("[data-screen=new]", TIMEOUT)?;
        fill(&app, "Who is acknowledging it?", "Morgan")?;
        fill(&app, "What was done or agreed?", "Spoke to Sam and the safeguarding lead")?;
        press(&app, "Save")?;
        // Saved, it shows on the page of the person it is about.
        says(&app, "[data-screen=person]", "R.M.")?;

        // The roster of volunteers.
        press(&app, "Volunteers")?;
        let roster = says(&app, "[data-screen=volunteers]", "Last file from Sam")?;
        crate::ensure!(roster.contains("Last file from Jo"), "Jo is missing: {roster:?}");
        accessible(&app, "the volunteers' roster")?;

        let j = Journal::open(&driver.journal_dir(), PASS)?;
        crate::ensure!(j.needing_attention(Kind::Concern, Page::default())?.is_empty(), "the concern is still open");
        let acks = j.list(Kind::Acknowledgement, None, Page::default())?;
        crate::ensure!(acks.len() == 1 && acks[0].fields["by"] == "Morgan", "the acknowledgement: {acks:?}");
        let sam = j.volunteers()?.into_iter().find(|v| v.card.name == "Sam").ok_or("no Sam")?;
        crate::ensure!(sam.open_concerns == 0 && sam.flagged == 1, "Sam's counts: {sam:?}");
        Ok(())
    });
}

/// Charts of one volunteer's work, the funder report saved, the directory
/// read from a spreadsheet, and a file written back for a volunteer from
/// their card on Volunteers, which only that volunteer can open.
#[test]
fn a_supervisor_charts_reports_fills_the_directory_and_writes_back() {
    let sam_dir = tempfile::tempdir().expect("a temporary folder");
    let made = |driver: &Driver| -> TestResult<Journal> {
        let mut morgan = Journal::create(
            &driver.journal_dir(),
            &NewJournal { name: "Morgan", role: Role::Supervisor, passphrase: PASS, kdf: FAST },
        )?
        .0;
        let mut sam = Journal::create(
            sam_dir.path(),
            &NewJournal { name: "Sam", role: Role::Volunteer, passphrase: PASS, kdf: FAST },
        )?
        .0;
        sam.add_card(&morgan.card()?)?;
        morgan.add_card(&sam.card()?)?;
        let p = sam.add(Kind::Person, fields(json!({ "alias": "R.M.", "consent": true })))?;
        let p = p.as_person().ok_or("a person")?;
        for how in ["home-visit", "home-visit", "phone"] {
            sam.add(Kind::Contact, fields(json!({ "person": p, "how": how, "minutes": 60 })))?;
        }
        let file = sam_dir.path().join("sam.pjbundle");
        sam.export_bundle(&ExportOptions { to: vec![morgan.card()?.fingerprint], full: false }, &file, &mut |_, _| {})?;
        morgan.import_bundle(&file, &mut |_, _| {})?;
        Ok(sam)
    };
    crate::with_prepared_app(made, |driver, app, mut sam| {
        submit_passphrase(&app, PASS)?;
        app.wait_for("[data-screen=review]", TIMEOUT)?;

        // Sam's work, as charts with their tables.
        press(&app, "Volunteers")?;
        press(&app, "Charts of Sam's work")?;
        let charts = says(&app, "[data-screen=charts]", "3 contacts")?;
        crate::ensure!(charts.contains("Sam's records"), "whose records: {charts:?}");
        accessible(&app, "charts of one volunteer's work")?;
        press(&app, "Save the funder report")?;
        let saved = says(&app, "[data-screen=charts]", "with a CSV table beside it")?;
        let pages: Vec<_> = std::fs::read_dir(driver.files_dir())?
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().ends_with(".html"))
            .collect();
        crate::ensure!(pages.len() == 1, "the report was not written: {saved:?}");
        let page = std::fs::read_to_string(pages[0].path())?;
        crate::ensure!(
            page.contains('3') && !page.contains("R.M."),
            "the funder report names someone, or misses the contacts"
        );

        // The directory, from a spreadsheet picked in the file field.
        let csv = driver.files_dir().join("our-services.csv");
        std::fs::write(&csv, "Name,Category,Area\nNorthside Food Bank,food,North\n,housing,South\n")?;
        press(&app, "Services")?;
        app.wait_for_label("Spreadsheet saved as CSV", TIMEOUT)?.send_keys(&csv.display().to_string())?;
        press(&app, "Add these services")?;
        says(&app, "[data-screen=services]", "1 service was added; 1 row was not")?;
        says(&app, "#services-csv-rejected", "Line 3")?;
        accessible(&app, "services added from a spreadsheet")?;

        // A note to Sam, not about anyone in particular, from Sam's card.
        press(&app, "Volunteers")?;
        press(&app, "Write a note to Sam")?;
        app.wait_for("[data-screen=new]", TIMEOUT)?;
        fill(&app, "What would you like them to know?", "Thank you for the careful notes this month.")?;
        accessible(&app, "a note to a volunteer")?;
        press(&app, "Save")?;
        app.wait_gone("[data-screen=new]", TIMEOUT)?;

        // A file back for Sam, from Sam's card on Volunteers.
        press(&app, "Volunteers")?;
        press(&app, "Write a file for Sam")?;
        press(&app, "Write the file")?;
        says(&app, "#exchange-sent", "Only Sam")?;
        let back: Vec<_> = std::fs::read_dir(driver.files_dir())?
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().ends_with(".pjbundle"))
            .collect();
        crate::ensure!(back.len() == 1, "{} files written for Sam", back.len());
        let brought = sam.import_bundle(&back[0].path(), &mut |_, _| {})?;
        crate::ensure!(brought.sender == "Morgan", "the file came from {}", brought.sender);
        let services = sam.list(Kind::Service, None, Page::default())?;
        crate::ensure!(
            services.iter().any(|s| s.fields["name"] == "Northside Food Bank"),
            "the directory did not reach Sam"
        );
        let notes = sam.list(Kind::SupervisionNote, None, Page::default())?;
        crate::ensure!(
            notes.len() == 1 && notes[0].fields["text"] == "Thank you for the careful notes this month.",
            "the note did not reach Sam: {notes:?}"
        );
        Ok(())
    });
}
