//! A supervisor's journeys. The whole of one: two volunteers, who keep
//! their journals with the `peerjournal` command, hand over their files on
//! a USB stick; the supervisor brings them all in, sees the urgent concern
//! first (and narrows the review to one volunteer), acknowledges it, writes
//! a note, looks at a chart of one volunteer's work and at the roster, and
//! writes a file back; the volunteer brings it in with the command and has
//! the note and the acknowledgement. And the supervisor's other tools:
//! charts, the funder report, the directory from a spreadsheet and a
//! service retired from it, with a volunteer's journal made with the core.
//! Each journey ends with a look at the journals themselves.

use std::path::{Path, PathBuf};

use peerjournal::cards::Card;
use peerjournal::sync::ExportOptions;
use peerjournal::{Fields, Journal, KdfParams, Kind, NewJournal, Page, Role};
use serde_json::{json, Value};
use tempfile::TempDir;

use crate::cli::Terminal;
use crate::fixture::Driver;
use crate::webdriver::Session;
use crate::{accessible, fill, press, says, submit_passphrase, TestResult, TIMEOUT};

const PASS: &str = "rhubarb lantern quietly orbits";
const FAST: KdfParams = KdfParams { memory_kib: 1024, iterations: 1, parallelism: 1 };
/// The volunteers' own passphrase, for their journals kept with the command.
const VOLUNTEER_PASS: &str = "kettle harbour seventeen swifts";

fn fields(value: Value) -> Fields {
    value.as_object().cloned().unwrap_or_default()
}

/// A path as the command line is given it.
fn arg(path: &Path) -> TestResult<&str> {
    Ok(path.to_str().ok_or("a temporary path that is not UTF-8")?)
}

/// What the journey starts from: Morgan's journal (the app's) and a USB
/// stick (Morgan's exchange folder) with a file from each volunteer on it.
struct Stick {
    usb: TempDir,
    /// Where the volunteers keep their journals and cards.
    _homes: TempDir,
    /// Sam's journal, at the command line.
    sam: Terminal,
    /// R.M., whom Sam supports, and Sam's urgent concern about them.
    rm: String,
    urgent: String,
    /// The volunteers' files on the stick.
    brought: [PathBuf; 2],
}

/// Morgan (a supervisor, made with the core, trusting both volunteers'
/// cards) and two volunteers who keep their journals with the command:
/// Sam (R.M.: a visit flagged for supervision, a call, and an immediate
/// safeguarding concern) and Jo (K.T.: a call two months ago, then a
/// wellbeing concern of medium urgency, written after Sam's), each with a
/// file for Morgan on the stick.
fn two_volunteers_files_on_a_stick(driver: &Driver) -> TestResult<Stick> {
    let usb = tempfile::Builder::new().prefix("usb-stick-").tempdir()?;
    let homes = tempfile::tempdir()?;
    let mut morgan = Journal::create(
        &driver.journal_dir(),
        &NewJournal { name: "Morgan", role: Role::Supervisor, passphrase: PASS, kdf: FAST },
    )?
    .0;
    morgan.set_exchange_folder(Some(usb.path()))?;
    let morgan_card = homes.path().join("morgan.pjcard");
    morgan.export_card(&morgan_card)?;
    let to_morgan = morgan.card()?.fingerprint.to_string();

    // Each volunteer: a journal, Morgan's card added, their own card given to Morgan.
    let volunteer = |name: &str| -> TestResult<Terminal> {
        let v = Terminal::new(&homes.path().join(name), VOLUNTEER_PASS)?;
        v.json(&["init", "--name", name, "--role", "volunteer", "--kdf-memory-mib", "64"])?;
        v.json(&["card", "import", arg(&morgan_card)?, "--yes"])?;
        let card = homes.path().join(format!("{name}.pjcard"));
        v.json(&["card", "export", "--out", arg(&card)?])?;
        Ok(v)
    };
    let sam = volunteer("Sam")?;
    let jo = volunteer("Jo")?;
    for name in ["Sam", "Jo"] {
        morgan.add_card(&Card::read(&homes.path().join(format!("{name}.pjcard")))?)?;
    }

    let rm = sam.id(&["person", "add", "--alias", "R.M.", "--consent"])?;
    contact(&sam, &rm, "home-visit", "60", &["--focus", "the letter from the landlord", "--flag"])?;
    contact(&sam, &rm, "phone", "15", &[])?;
    let urgent = concern(&sam, &rm, "safeguarding", "immediate", "a bruise on her arm she did not want to talk about")?;
    let kt = jo.id(&["person", "add", "--alias", "K.T.", "--consent"])?;
    contact(&jo, &kt, "phone", "30", &["--at", &format!("{}T10:00", peerjournal::kinds::months_ago(2))])?;
    concern(&jo, &kt, "wellbeing", "medium", "not sleeping well")?;

    // Their files, named as anyone might: who sent each is read from inside.
    let brought = [usb.path().join("from-the-tuesday-visit.pjbundle"), usb.path().join("june.pjbundle")];
    sam.json(&["export", "--to", &to_morgan, "--out", arg(&brought[0])?])?;
    jo.json(&["export", "--to", &to_morgan, "--out", arg(&brought[1])?])?;
    Ok(Stick { usb, _homes: homes, sam, rm, urgent, brought })
}

/// `contact add` at the command line, about `person`: its id.
fn contact(v: &Terminal, person: &str, kind: &str, minutes: &str, more: &[&str]) -> TestResult<String> {
    v.id(&[&["contact", "add", "--person", person, "--kind", kind, "--minutes", minutes], more].concat())
}

/// `concern add` at the command line, about `person`: its id.
fn concern(v: &Terminal, person: &str, kind: &str, urgency: &str, notes: &str) -> TestResult<String> {
    v.id(&["concern", "add", "--person", person, "--kind", kind, "--urgency", urgency, "--notes", notes])
}

/// The text of the card of `name` on Volunteers.
fn volunteer_card(app: &Session, name: &str) -> TestResult<String> {
    let shown = app.execute(
        "const card = [...document.querySelectorAll('#volunteers-list > li')]
           .find((li) => li.querySelector('.volunteer-name')?.textContent.trim().startsWith(arguments[0]));
         return card === undefined ? null : card.innerText;",
        json!([name]),
    )?;
    Ok(shown.as_str().ok_or_else(|| format!("Volunteers has no card for {name}"))?.to_owned())
}

/// Two volunteers' files to a supervisor and back, as issue 22 tells it.
#[test]
fn a_supervisors_whole_journey_from_two_volunteers_files_to_a_file_back() {
    crate::with_prepared_app(two_volunteers_files_on_a_stick, |driver, app, stick| {
        submit_passphrase(&app, PASS)?;
        says(&app, "[data-screen=review]", "No open concerns")?;

        // The stick's files, each from whoever signed it.
        press(&app, "Exchange")?;
        let listed = says(&app, "#exchange-files", "From Jo (volunteer)")?;
        crate::ensure!(listed.contains("From Sam (volunteer)"), "Sam's file is not listed: {listed:?}");
        accessible(&app, "the exchange screen, with two volunteers' files on a stick")?;

        // Bring them all in: one bar for both files, watched as it goes.
        app.execute(
            "window.barsSeen = [];
             new MutationObserver(() => {
               const bar = document.getElementById('exchange-all-progress');
               if (bar === null) return;
               const seen = bar.getAttribute('aria-label') + ': ' + bar.getAttribute('aria-valuetext');
               if (window.barsSeen.at(-1) !== seen) window.barsSeen.push(seen);
             }).observe(document.body, { subtree: true, childList: true, attributes: true });",
            json!([]),
        )?;
        press(&app, "Bring them all in")?;
        says(&app, "#exchange-all-result", "Done: 2 files brought in.")?;
        app.wait_gone("#exchange-all-progress", TIMEOUT)?;
        let bars = app.execute("return window.barsSeen;", json!([]))?;
        let bars: Vec<&str> = bars.as_array().map(|b| b.iter().filter_map(Value::as_str).collect()).unwrap_or_default();
        crate::ensure!(
            bars.first() == Some(&"Bringing in 2 files: 0 of 2 files, 0%")
                && bars.iter().all(|b| b.starts_with("Bringing in 2 files: "))
                && bars.iter().any(|b| b.starts_with("Bringing in 2 files: 1 of 2 files, ")),
            "the overall bar showed {bars:?}"
        );
        let results = says(&app, "#exchange-files", "Brought in from Jo: ")?;
        for said in [
            "Brought in from Sam: 1 new person, 2 new contacts and 1 new concern.",
            "Brought in from Jo: 1 new person, 1 new contact and 1 new concern.",
        ] {
            crate::ensure!(results.contains(said), "no {said:?} in {results:?}");
        }
        accessible(&app, "the exchange screen, after bringing them all in")?;

        // The review: Sam's immediate concern before Jo's, though Jo's is newer.
        press(&app, "Review")?;
        let concerns = says(&app, "#review-concerns", "K.T.")?;
        let (rm, kt) = (concerns.find("R.M."), concerns.find("K.T."));
        crate::ensure!(rm.is_some() && rm < kt, "the urgent concern is not first: {concerns:?}");
        accessible(&app, "the review, the urgent concern first")?;
        // Jo's records alone: her concern, and K.T. not in touch for a while.
        app.wait_for_label("Volunteer", TIMEOUT)?.option("Jo")?.click()?;
        let jos = says(&app, "#review-concerns", "Open concerns (1)")?;
        crate::ensure!(jos.contains("K.T.") && !jos.contains("R.M."), "Jo's concerns: {jos:?}");
        says(&app, "#review-quiet", "K.T.")?;
        accessible(&app, "the review of one volunteer's records")?;
        app.wait_for_label("Volunteer", TIMEOUT)?.option("All volunteers")?.click()?;
        says(&app, "#review-concerns", "Open concerns (2)")?;

        // Acknowledged, Sam's concern (the first) leaves the banner on every screen.
        press(&app, "Acknowledge")?;
        app.wait_for("[data-screen=new]", TIMEOUT)?;
        fill(&app, "Who is acknowledging it?", "Morgan")?;
        fill(&app, "What was done or agreed?", "Spoke to Sam and the safeguarding lead; a referral is made.")?;
        accessible(&app, "acknowledging Sam's concern")?;
        press(&app, "Save")?;
        says(&app, "[data-screen=person]", "R.M.")?;
        app.wait_gone("#concern-banner", TIMEOUT)?;

        // The roster: Sam's concern acknowledged, Jo's still open.
        press(&app, "Volunteers")?;
        says(&app, "[data-screen=volunteers]", "Last file from Jo")?;
        let sams = volunteer_card(&app, "Sam")?;
        crate::ensure!(
            sams.contains("Last file from Sam") && sams.contains("0 open concerns") && sams.contains("1 flagged"),
            "Sam's card says {sams:?}"
        );
        let jos = volunteer_card(&app, "Jo")?;
        crate::ensure!(jos.contains("1 open concern"), "Jo's card says {jos:?}");
        accessible(&app, "the roster, after both files came in")?;

        // A chart of Sam's work.
        press(&app, "Charts of Sam's work")?;
        let charts = says(&app, "[data-screen=charts]", "2 contacts")?;
        crate::ensure!(charts.contains("Sam's records"), "whose records: {charts:?}");
        accessible(&app, "charts of Sam's work, from the command line's records")?;

        // A note to Sam.
        press(&app, "Volunteers")?;
        press(&app, "Write a note to Sam")?;
        app.wait_for("[data-screen=new]", TIMEOUT)?;
        fill(&app, "What would you like them to know?", "Thank you for telling me about R.M. straight away.")?;
        accessible(&app, "a note to Sam")?;
        press(&app, "Save")?;
        app.wait_gone("[data-screen=new]", TIMEOUT)?;

        // The file back to Sam, onto the stick.
        press(&app, "Volunteers")?;
        press(&app, "Write a file for Sam")?;
        press(&app, "Write the file")?;
        says(&app, "#exchange-sent", "Only Sam")?;
        accessible(&app, "the exchange screen, with a file written for Sam")?;
        let back: Vec<PathBuf> = std::fs::read_dir(stick.usb.path())?
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "pjbundle") && !stick.brought.contains(p))
            .collect();
        crate::ensure!(back.len() == 1, "{} files written for Sam: {back:?}", back.len());

        // Sam brings it in at the command line: the note, and the concern acknowledged.
        let summary = stick.sam.json(&["import", arg(&back[0])?])?;
        crate::ensure!(summary["sender"] == "Morgan", "Sam's import says: {summary}");
        let open = stick.sam.json(&["concern", "list", "--open"])?;
        crate::ensure!(open.as_array().is_some_and(Vec::is_empty), "still open in Sam's journal: {open}");
        let notes = stick.sam.json(&["note", "list"])?;
        crate::ensure!(
            notes.as_array().is_some_and(
                |n| n.len() == 1 && n[0]["fields"]["text"] == "Thank you for telling me about R.M. straight away."
            ),
            "Sam's notes: {notes}"
        );
        let shown = stick.sam.json(&["person", "show", &stick.rm])?;
        let timeline = shown["timeline"].as_array().cloned().unwrap_or_default();
        crate::ensure!(
            timeline.iter().any(|r| r["kind"] == "acknowledgement"
                && r["fields"]["about"] == stick.urgent.as_str()
                && r["fields"]["by"] == "Morgan"),
            "R.M.'s page in Sam's journal has no acknowledgement of the concern: {timeline:?}"
        );

        // And Morgan's journal: Jo's concern alone still open.
        let j = Journal::open(&driver.journal_dir(), PASS)?;
        let open = j.needing_attention(Kind::Concern, Page::default())?;
        crate::ensure!(open.len() == 1 && open[0].fields["urgency"] == "medium", "open in Morgan's journal: {open:?}");
        let acks = j.list(Kind::Acknowledgement, None, Page::default())?;
        crate::ensure!(
            acks.len() == 1 && acks[0].fields["by"] == "Morgan" && acks[0].fields["about"] == stick.urgent.as_str(),
            "the acknowledgement: {acks:?}"
        );
        let volunteers = j.volunteers()?;
        let counts = |name: &str| volunteers.iter().find(|v| v.card.name == name).map(|v| (v.open_concerns, v.flagged));
        crate::ensure!(
            counts("Sam") == Some((0, 1)) && counts("Jo") == Some((1, 0)),
            "the volunteers' counts: {volunteers:?}"
        );
        let sam = j.peer_status()?.into_iter().find(|p| p.card.name == "Sam").ok_or("no Sam")?;
        crate::ensure!(sam.last_sent.is_some(), "Morgan's journal does not know a file went to Sam: {sam:?}");
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
        // Sam's 3 contacts are fewer than 5, on the page and in the table.
        let page = std::fs::read_to_string(pages[0].path())?;
        crate::ensure!(
            page.contains("through fewer than 5 contacts") && !page.contains("R.M."),
            "the funder report names someone, or shows a small count"
        );
        let table = std::fs::read_to_string(pages[0].path().with_extension("csv"))?;
        crate::ensure!(table.contains("total,all,contacts,fewer than 5\r\n"), "the CSV: {table}");
        // The same report as a page to print, in the app.
        press(&app, "Open the funder report")?;
        let shown =
            says(&app, "[data-screen=funderReport]", "Fewer than 5 people supported through fewer than 5 contacts")?;
        crate::ensure!(!shown.contains("R.M."), "the page names someone: {shown:?}");
        app.wait_for_role("button", "Print, or save as PDF", TIMEOUT)?;
        accessible(&app, "the funder report's page to print")?;

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

/// A service that stopped taking referrals, retired on Services: marked
/// there, brought back and retired again with the same button. The file
/// for Sam carries it like any change to the directory: Sam's journal no
/// longer offers it for a new signpost, and Sam's signpost from before
/// keeps it.
#[test]
fn a_supervisor_retires_a_service_and_it_is_no_longer_offered_to_the_volunteer() {
    let sam_dir = tempfile::tempdir().expect("a temporary folder");
    let made = |driver: &Driver| -> TestResult<(Journal, peerjournal::RecordId, peerjournal::RecordId)> {
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
        let food = morgan.add(Kind::Service, fields(json!({ "name": "Northside Food Bank", "category": "food" })))?.id;
        morgan.add(Kind::Service, fields(json!({ "name": "Library", "category": "learning" })))?;
        let file = sam_dir.path().join("directory.pjbundle");
        morgan.export_bundle(
            &ExportOptions { to: vec![sam.card()?.fingerprint], full: false },
            &file,
            &mut |_, _| {},
        )?;
        sam.import_bundle(&file, &mut |_, _| {})?;
        let p = sam.add(Kind::Person, fields(json!({ "alias": "R.M.", "consent": true })))?;
        let p = p.as_person().ok_or("a person")?;
        let before = sam.add(Kind::Signpost, fields(json!({ "person": p, "service": food, "status": "made" })))?.id;
        Ok((sam, food, before))
    };
    crate::with_prepared_app(made, |driver, app, (mut sam, food, before)| {
        submit_passphrase(&app, PASS)?;
        app.wait_for("[data-screen=review]", TIMEOUT)?;
        press(&app, "Services")?;
        says(&app, "[data-screen=services]", "Northside Food Bank")?;
        accessible(&app, "the directory, every service on offer")?;

        press(&app, "Stop offering Northside Food Bank")?;
        says(&app, "[data-screen=services]", "Northside Food Bank is no longer offered for new signposts")?;
        says(&app, "#services-list", "No longer taking referrals")?;
        accessible(&app, "the directory with a service no longer taking referrals")?;
        // Brought back, and retired again, by the same button.
        press(&app, "Offer Northside Food Bank again")?;
        says(&app, "[data-screen=services]", "Northside Food Bank is offered again for new signposts")?;
        press(&app, "Stop offering Northside Food Bank")?;
        says(&app, "[data-screen=services]", "Northside Food Bank is no longer offered for new signposts")?;

        // In Morgan's journal, and in the next file for Sam.
        let mut morgan = Journal::open(&driver.journal_dir(), PASS)?;
        let offered = morgan.offered_services(Page::default())?;
        crate::ensure!(
            offered.len() == 1 && offered[0].fields["name"] == "Library",
            "Morgan's directory still offers: {offered:?}"
        );
        crate::ensure!(morgan.history(&food)?.len() == 4, "written, retired, brought back, retired again");
        let file = driver.files_dir().join("for-sam.pjbundle");
        morgan.export_bundle(
            &ExportOptions { to: vec![sam.card()?.fingerprint], full: false },
            &file,
            &mut |_, _| {},
        )?;
        sam.import_bundle(&file, &mut |_, _| {})?;
        let offered = sam.offered_services(Page::default())?;
        crate::ensure!(
            offered.len() == 1 && offered[0].fields["name"] == "Library",
            "Sam is still offered: {offered:?}"
        );
        crate::ensure!(sam.get(&before)?.fields["service"] == food.as_str(), "Sam's signpost lost its service");
        let person = sam.get(&before)?.person.ok_or("the signpost's person")?;
        let refused = sam.add(Kind::Signpost, fields(json!({ "person": person, "service": food })));
        crate::ensure!(refused.is_err(), "Sam could still signpost to a service no longer taking referrals");
        Ok(())
    });
}
