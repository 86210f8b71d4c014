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
