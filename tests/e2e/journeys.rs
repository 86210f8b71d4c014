//! The volunteer's journeys through the app, each ending with a look at the
//! journal itself, through the core library, not only at what the screen
//! says. Most start from a journal made beforehand (cheap to unlock) with
//! the people the journey needs; the first run is its own journey.

use peerjournal::{Fields, Journal, KdfParams, Kind, NewJournal, Page, PersonId, Record, RecordId, Role};
use serde_json::{json, Value};

use crate::fixture::Driver;
use crate::webdriver::Session;
use crate::{accessible, create_journal, fill, press, submit_passphrase, with_app, TestResult, TIMEOUT};

/// The passphrase of the journals made beforehand (cheap key derivation, so
/// unlocking in a debug build is quick).
const PASS: &str = "rhubarb lantern quietly orbits";
const FAST: KdfParams = KdfParams { memory_kib: 1024, iterations: 1, parallelism: 1 };

fn fields(value: Value) -> Fields {
    value.as_object().cloned().unwrap_or_default()
}

/// Makes the journal the app will open, as Sam the volunteer, and lets
/// `setup` add to it; returns what `setup` returns.
fn prepare<T>(driver: &Driver, setup: impl FnOnce(&mut Journal) -> peerjournal::Result<T>) -> TestResult<T> {
    let (mut journal, _) = Journal::create(
        &driver.journal_dir(),
        &NewJournal { name: "Sam", role: Role::Volunteer, passphrase: PASS, kdf: FAST },
    )?;
    Ok(setup(&mut journal)?)
}

/// Adds a person; returns their id.
fn person(j: &mut Journal, alias: &str) -> peerjournal::Result<PersonId> {
    let record = j.add(Kind::Person, fields(json!({ "alias": alias, "consent": true })))?;
    Ok(record.as_person().unwrap_or_else(|| unreachable!("a person's record is a person")))
}

/// Makes the journal with [`prepare`] before the app starts (so the app
/// finds it, as it would on a computer where it was used before), then runs
/// `test` on the app.
fn with_journal<T>(
    setup: impl FnOnce(&mut Journal) -> peerjournal::Result<T>,
    test: impl FnOnce(&Driver, Session, ()) -> TestResult,
) {
    crate::with_prepared_app(|driver| prepare(driver, setup).map(drop), test)
}

/// The journal as the app left it, opened by the core beside the app.
fn journal(driver: &Driver) -> TestResult<Journal> {
    Ok(Journal::open(&driver.journal_dir(), PASS)?)
}

fn all(j: &Journal, kind: Kind) -> TestResult<Vec<Record>> {
    Ok(j.list(kind, None, Page { limit: 1000, offset: 0 })?)
}

/// Unlocks the journal made beforehand and waits for Today.
fn unlock(app: &Session) -> TestResult {
    submit_passphrase(app, PASS)?;
    app.wait_for("[data-screen=today]", TIMEOUT)?;
    Ok(())
}

/// Goes to a place of the main navigation.
fn go(app: &Session, place: &str) -> TestResult {
    let nav = app.wait_for("nav[aria-label=Main]", TIMEOUT)?;
    drop(nav);
    press(app, place)
}

/// Opens the person named `alias` from People.
fn open_person(app: &Session, alias: &str) -> TestResult {
    go(app, "People")?;
    press(app, alias)?;
    app.wait_for("[data-screen=person]", TIMEOUT)?;
    Ok(())
}

/// The demo journal's folder, beside the real one's (as the app puts it).
fn demo_dir(driver: &Driver) -> std::path::PathBuf {
    let real = driver.journal_dir();
    let mut name = real.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push("-demo");
    real.with_file_name(name)
}

/// Chooses `name` in the type-to-find field labelled `label`.
fn pick(app: &Session, label: &str, name: &str) -> TestResult {
    fill(app, label, name)?;
    app.wait_for_role("option", &format!("{name}…"), TIMEOUT)?.click()?;
    Ok(())
}

/// Chooses `choice` in the list (a `<select>`) labelled `label`.
fn choose(app: &Session, label: &str, choice: &str) -> TestResult {
    app.wait_for_label(label, TIMEOUT)?.option(choice)?.click()?;
    Ok(())
}

/// Ticks (or leaves ticked) the checkbox labelled `label`.
fn tick(app: &Session, label: &str) -> TestResult {
    let checkbox = app.wait_for_label(label, TIMEOUT)?;
    if checkbox.property("checked")? != true {
        checkbox.click()?;
    }
    Ok(())
}

/// Waits until the screen named `screen` shows text containing `text`.
fn shows(app: &Session, screen: &str, text: &str) -> TestResult<String> {
    crate::says(app, &format!("[data-screen={screen}]"), text)
}

/// First run → log a contact (adding the person on the way) → it shows on
/// the person's story and, flagged for supervision, on Today.
#[test]
fn first_run_then_a_contact_logged_shows_on_the_story_and_on_today() {
    with_app(|driver, app| {
        create_journal(&app, "Sam", "lantern orchard 47 quietly")?;
        press(&app, "Log a contact")?;
        app.wait_for("[data-screen=new]", TIMEOUT)?;
        accessible(&app, "Log a contact, empty")?;
        fill(&app, "Who did you spend time with?", "Rosa M.")?;
        app.wait_for_role("option", "Add “Rosa M.” as someone new…", TIMEOUT)?.click()?;
        app.wait_for_label("What would you like to call them here?", TIMEOUT)?;
        fill(&app, "What would you like to call them here?", "Rosa M.")?;
        tick(&app, "Have they agreed to you keeping notes?")?;
        press(&app, "Add this person")?;
        // Back in the contact, with Rosa chosen and the rest as it was.
        let who = app.wait_for_label("Who did you spend time with?", TIMEOUT)?;
        crate::ensure!(who.property("value")? == "Rosa M.", "the new person is not chosen in the contact");
        fill(&app, "About how long was it?", "50")?;
        fill(&app, "What did they want to talk about?", "getting out to the park with the twins")?;
        fill(&app, "What strengths did you notice?", "knew exactly what she wanted")?;
        tick(&app, "Would you like to talk about this in supervision?")?;
        accessible(&app, "Log a contact, filled in")?;
        press(&app, "Save this contact")?;
        app.wait_for("[data-screen=person]", TIMEOUT)?;

        let j = Journal::open(&driver.journal_dir(), "lantern orchard 47 quietly")?;
        let contacts = all(&j, Kind::Contact)?;
        crate::ensure!(contacts.len() == 1, "the journal holds {} contacts, not 1", contacts.len());
        let contact = &contacts[0];
        crate::ensure!(contact.fields["focus"] == "getting out to the park with the twins", "the focus was not saved");
        crate::ensure!(
            contact.fields["minutes"] == 50 && contact.fields["how"] == "home-visit",
            "length or kind wrong"
        );
        crate::ensure!(contact.fields["flag"] == true, "the supervision flag was not saved");
        let rosa = &all(&j, Kind::Person)?[0];
        crate::ensure!(contact.person.as_ref() == rosa.as_person().as_ref(), "the contact is not Rosa's");
        drop(j);

        accessible(&app, "a person's story")?;
        shows(&app, "person", "getting out to the park")?;
        go(&app, "Today")?;
        shows(&app, "today", "Rosa M.")?;
        Ok(())
    })
}

/// A boundary issue, flagged for supervision, from a person's page.
#[test]
fn a_boundary_issue_flagged_for_supervision() {
    with_journal(
        |j| person(j, "K.T."),
        |driver, app, ()| {
            unlock(&app)?;
            open_person(&app, "K.T.")?;
            press(&app, "Record a boundary issue")?;
            app.wait_for("[data-screen=new]", TIMEOUT)?;
            choose(&app, "What kind of thing was it?", "Contact out of hours")?;
            fill(&app, "What happened?", "a call at eleven at night about the landlord")?;
            fill(&app, "How did you respond?", "listened, then talked about our agreed times")?;
            tick(&app, "Would you like to talk it through in supervision?")?;
            accessible(&app, "a boundary issue, filled in")?;
            press(&app, "Save")?;
            shows(&app, "person", "a call at eleven")?;

            let j = journal(driver)?;
            let flagged = j.needing_attention(Kind::BoundaryIssue, Page::default())?;
            crate::ensure!(flagged.len() == 1, "{} boundary issues flagged, not 1", flagged.len());
            crate::ensure!(flagged[0].fields["category"] == "out-of-hours-contact", "the kind of issue was not saved");
            Ok(())
        },
    )
}

/// A signpost suggested, then moved along to its outcome.
#[test]
fn a_signpost_moved_to_an_outcome() {
    with_journal(
        |j| {
            j.add(Kind::Service, fields(json!({ "name": "Northside Food Bank", "category": "food" })))?;
            person(j, "B.J.")
        },
        |driver, app, ()| {
            unlock(&app)?;
            open_person(&app, "B.J.")?;
            press(&app, "Suggest a service")?;
            pick(&app, "Which service?", "Northside Food Bank")?;
            fill(
                &app,
                "How might it help, as you talked it through?",
                "money is tight until the benefit comes through",
            )?;
            tick(&app, "Did they want to go ahead?")?;
            press(&app, "Save")?;
            shows(&app, "person", "Northside Food Bank")?;
            press(&app, "…Northside Food Bank…")?;
            app.wait_for("[data-screen=record]", TIMEOUT)?;
            accessible(&app, "a signpost's page")?;
            press(&app, "We know how it went")?;
            fill(&app, "How did it go for them?", "came home with a week of shopping")?;
            press(&app, "Save how it went")?;
            shows(&app, "record", "came home with a week of shopping")?;

            let j = journal(driver)?;
            let signposts = all(&j, Kind::Signpost)?;
            crate::ensure!(signposts.len() == 1, "{} signposts, not 1", signposts.len());
            crate::ensure!(signposts[0].fields["status"] == "outcome", "status is {}", signposts[0].fields["status"]);
            crate::ensure!(
                signposts[0].fields["outcome"] == "came home with a week of shopping",
                "the outcome was not saved"
            );
            Ok(())
        },
    )
}

/// A service no longer taking referrals: the signpost that names it keeps
/// it, marked so on the person's story; a new signpost is not offered it
/// (another service is chosen instead); and on Services it is offered
/// again.
#[test]
fn a_service_no_longer_taking_referrals_is_not_offered_but_kept() {
    with_journal(
        |j| {
            let food = j.add(Kind::Service, fields(json!({ "name": "Northside Food Bank", "category": "food" })))?.id;
            j.add(Kind::Service, fields(json!({ "name": "Library", "category": "learning" })))?;
            let p = person(j, "B.J.")?;
            j.add(Kind::Signpost, fields(json!({ "person": p, "service": food, "status": "made" })))?;
            j.retire_service(&food)?;
            Ok(())
        },
        |driver, app, ()| {
            unlock(&app)?;
            open_person(&app, "B.J.")?;
            shows(&app, "person", "Service no longer taking referrals")?;
            accessible(&app, "a person's story with a signpost to a service no longer taking referrals")?;

            press(&app, "Suggest a service")?;
            fill(&app, "Which service?", "Northside")?;
            let said = "Northside Food Bank is no longer taking referrals, so it isn’t offered here.";
            crate::says(&app, "[role=listbox]", said)?;
            accessible(&app, "Suggest a service, the service asked for no longer on offer")?;
            // Emptied as a person would (select all, delete), so the field hears it.
            app.press(&["\u{E009}", "a"])?;
            app.press(&["\u{E003}"])?;
            pick(&app, "Which service?", "Library")?;
            press(&app, "Save")?;
            shows(&app, "person", "Signpost to Library")?;

            go(&app, "Services")?;
            shows(&app, "services", "No longer taking referrals")?;
            accessible(&app, "Services, one no longer taking referrals")?;
            press(&app, "Offer Northside Food Bank again")?;
            shows(&app, "services", "Northside Food Bank is offered again for new signposts.")?;

            let j = journal(driver)?;
            crate::ensure!(j.offered_services(Page::default())?.len() == 2, "the food bank is not offered again");
            let signposts = all(&j, Kind::Signpost)?;
            crate::ensure!(signposts.len() == 2, "{} signposts, not 2", signposts.len());
            Ok(())
        },
    )
}

/// An urgent concern: the banner shows on every open screen and says it
/// travels in the next export.
#[test]
fn an_urgent_concern_and_its_banner() {
    with_journal(
        |j| person(j, "L.T."),
        |driver, app, ()| {
            unlock(&app)?;
            open_person(&app, "L.T.")?;
            press(&app, "Raise a concern")?;
            app.wait_for_role("radio", "Safeguarding", TIMEOUT)?.click()?;
            app.wait_for_role("radio", "High", TIMEOUT)?.click()?;
            fill(&app, "What did you see or hear?", "a bruise on her arm she did not want to talk about")?;
            fill(&app, "Who have you told?", "my supervisor, by phone")?;
            accessible(&app, "an urgent concern, filled in")?;
            press(&app, "Save this concern")?;
            app.wait_for("[data-screen=person]", TIMEOUT)?;
            for place in ["Today", "Search", "Settings"] {
                go(&app, place)?;
                let banner =
                    app.wait_until(&format!("waiting for the urgent-concern banner on {place}"), TIMEOUT, || {
                        for region in app.find_all("[role=alert], [role=status], aside, section")? {
                            let text = region.text()?;
                            if text.contains("next export") && text.contains("L.T.") {
                                return Ok(Some(text));
                            }
                        }
                        Ok(None)
                    })?;
                crate::ensure!(banner.contains("L.T."), "the banner on {place} does not name the person");
            }

            let j = journal(driver)?;
            let open = j.needing_attention(Kind::Concern, Page::default())?;
            crate::ensure!(open.len() == 1 && open[0].fields["urgency"] == "high", "the concern is not open and high");
            Ok(())
        },
    )
}

/// A private reflection stays private; a shared one goes to the supervisor
/// in the next export, and only it.
#[test]
fn a_private_reflection_stays_and_a_shared_one_travels() {
    // Sam's journal and their supervisor Kim's, each trusting the other,
    // made before the app starts (made after, the app may already be
    // showing set-up).
    let supervisor_dir = tempfile::tempdir().unwrap_or_else(|e| panic!("a temporary folder: {e}"));
    let made = |driver: &Driver| -> TestResult<(Journal, peerjournal::cards::Card)> {
        let (mut kim, _) = Journal::create(
            supervisor_dir.path(),
            &NewJournal { name: "Kim", role: Role::Supervisor, passphrase: PASS, kdf: FAST },
        )?;
        let kim_card = kim.card()?;
        let sam_card = prepare(driver, |j| {
            j.add_card(&kim_card)?;
            j.card()
        })?;
        kim.add_card(&sam_card)?;
        Ok((kim, kim_card))
    };
    crate::with_prepared_app(made, |driver, app, (mut kim, kim_card)| {
        unlock(&app)?;
        go(&app, "Reflections")?;
        for (text, share) in [("I felt out of my depth today", false), ("how do I hold back from fixing things?", true)]
        {
            press(&app, "Write a reflection")?;
            fill(&app, "What would you like to reflect on?", text)?;
            if share {
                tick(&app, "Would you like to share it with your supervisor?")?;
            }
            press(&app, "Save this reflection")?;
            shows(&app, "reflections", text)?;
        }
        let listed = shows(&app, "reflections", "Private")?;
        crate::ensure!(listed.contains("Shared with your supervisor"), "the shared reflection is not marked shared");
        accessible(&app, "reflections, one private and one shared")?;

        // The journal, then what the supervisor receives.
        let mut j = journal(driver)?;
        let reflections = all(&j, Kind::Reflection)?;
        crate::ensure!(reflections.len() == 2, "{} reflections, not 2", reflections.len());
        let bundle = supervisor_dir.path().join("to-kim.bundle");
        j.export_bundle(
            &peerjournal::sync::ExportOptions { to: vec![kim_card.fingerprint.clone()], full: false },
            &bundle,
            &mut |_, _| {},
        )?;
        kim.import_bundle(&bundle, &mut |_, _| {})?;
        let received = all(&kim, Kind::Reflection)?;
        crate::ensure!(received.len() == 1, "the supervisor received {} reflections, not 1", received.len());
        crate::ensure!(
            received[0].fields["text"] == "how do I hold back from fixing things?",
            "the wrong one travelled"
        );
        Ok(())
    })
}

/// Search from anywhere (Ctrl+K), with the matched words marked, opening
/// the record found.
#[test]
fn search_finds_what_was_written() {
    with_journal(
        |j| {
            let p = person(j, "R.M.")?;
            j.add(
                Kind::Contact,
                fields(json!({ "person": p, "how": "phone", "notes": "talked about the allotment and the tomatoes" })),
            )
        },
        |driver, app, ()| {
            unlock(&app)?;
            app.wait_for("[data-screen=today] h1", TIMEOUT)?;
            app.press(&["\u{E009}", "k"])?;
            let field = app.wait_for("[data-screen=search] input", TIMEOUT)?;
            field.send_keys("allotment")?;
            let marked = app.wait_until("waiting for the word found to be marked", TIMEOUT, || {
                let marks = app.find_all("[data-screen=search] mark")?;
                marks.first().map(|m| m.text()).transpose()
            })?;
            crate::ensure!(marked.to_lowercase() == "allotment", "the mark shows {marked:?}");
            accessible(&app, "search results")?;

            let mut j = journal(driver)?;
            let found = j.search("allotment", Page::default())?.len();
            crate::ensure!(found == 1, "the core finds {found} records");
            Ok(())
        },
    )
}

/// Discreet mode: people by their initials only, everywhere; the journal
/// keeps the setting.
#[test]
fn discreet_mode_shows_initials_only() {
    with_journal(
        |j| person(j, "Rosa Maria"),
        |driver, app, ()| {
            unlock(&app)?;
            go(&app, "People")?;
            shows(&app, "people", "Rosa Maria")?;
            go(&app, "Settings")?;
            tick(&app, "Show people by their initials only")?;
            app.wait_until("waiting for discreet mode to be saved", TIMEOUT, || {
                Ok(app.find("[data-screen=settings]")?.text()?.contains("Saved").then_some(()))
            })?;
            go(&app, "People")?;
            let people = shows(&app, "people", "R.M.")?;
            crate::ensure!(!people.contains("Rosa Maria"), "discreet mode still shows the alias");
            accessible(&app, "people in discreet mode")?;
            crate::ensure!(journal(driver)?.discreet_mode()?, "the journal does not keep discreet mode");
            Ok(())
        },
    )
}

/// The idle lock clears the screen, and what was being typed comes back
/// after unlocking, from the draft kept in the journal.
#[test]
fn the_idle_lock_clears_the_screen_and_the_draft_comes_back() {
    with_journal(
        |j| {
            j.set_idle_lock_minutes(1)?;
            person(j, "N.B.")
        },
        |driver, app, ()| {
            unlock(&app)?;
            open_person(&app, "N.B.")?;
            press(&app, "Log a contact")?;
            fill(&app, "What did they want to talk about?", "the school meeting on Thursday")?;
            // Left alone: the journal locks itself within a minute and a few
            // seconds, and nothing of the form stays in the page.
            app.wait_until("waiting for the idle lock", std::time::Duration::from_secs(90), || {
                Ok((!app.find_all("[data-screen=unlock]")?.is_empty()).then_some(()))
            })?;
            let page = app.find("body")?.text()?;
            crate::ensure!(!page.contains("school meeting"), "the idle lock left the form's words on screen");
            let drafts = journal(driver)?.drafts()?;
            crate::ensure!(drafts.len() == 1, "{} drafts kept, not 1", drafts.len());
            accessible(&app, "the unlock screen after the idle lock")?;
            unlock(&app)?;
            open_person(&app, "N.B.")?;
            press(&app, "Log a contact")?;
            press(&app, "Carry on")?;
            let focus = app.wait_for_label("What did they want to talk about?", TIMEOUT)?;
            crate::ensure!(focus.property("value")? == "the school meeting on Thursday", "the draft did not come back");
            Ok(())
        },
    )
}

/// Subject access: everything about a person, written into the files
/// folder as a JSON file and a printable page.
#[test]
fn everything_about_a_person_is_exported() {
    with_journal(
        |j| {
            let p = person(j, "H.S.")?;
            j.add(Kind::Contact, fields(json!({ "person": p, "how": "phone", "notes": "a good long chat" })))
        },
        |driver, app, ()| {
            unlock(&app)?;
            go(&app, "Settings")?;
            app.wait_for_label("Whose records", TIMEOUT)?.send_keys("H.S.")?;
            press(&app, "Gather their records")?;
            shows(&app, "settings", "records were gathered")?;
            accessible(&app, "settings, after a person's records were gathered")?;
            let mut json = None;
            for entry in std::fs::read_dir(driver.files_dir())? {
                let path = entry?.path();
                if path.extension().is_some_and(|x| x == "json") {
                    json = Some(std::fs::read_to_string(path)?);
                }
            }
            let json = json.ok_or("no JSON file was written")?;
            crate::ensure!(
                json.contains("a good long chat") && json.contains("H.S."),
                "the export lacks the person's records"
            );
            Ok(())
        },
    )
}

/// Back up, then restore on "another computer" (a second app over an empty
/// folder): the same journal, with what it held, on a device of its own.
#[test]
fn a_backup_restores_as_a_new_device() {
    let carried = tempfile::tempdir().expect("a temporary folder");
    let mut first: Option<(String, String, String)> = None;
    with_app(|driver, app| {
        let key = create_journal(&app, "Sam", "lantern orchard 47 quietly")?;
        let mut j = Journal::open(&driver.journal_dir(), "lantern orchard 47 quietly")?;
        person(&mut j, "D.O.")?;
        let status = j.status()?;
        drop(j);
        go(&app, "Settings")?;
        press(&app, "Back up now")?;
        shows(&app, "settings", ".pjbackup")?;
        accessible(&app, "settings, after a backup")?;
        for entry in std::fs::read_dir(driver.files_dir())? {
            let path = entry?.path();
            std::fs::copy(&path, carried.path().join(path.file_name().unwrap_or_default()))?;
        }
        first = Some((key, status.fingerprint.to_string(), status.device_id.to_string()));
        Ok(())
    });
    let (key, fingerprint, device) = first.expect("the first computer's part ran");
    with_app(|driver, app| {
        for entry in std::fs::read_dir(carried.path())? {
            let path = entry?.path();
            std::fs::copy(&path, driver.files_dir().join(path.file_name().unwrap_or_default()))?;
        }
        app.wait_for("[data-screen=setup]", TIMEOUT)?;
        press(&app, "Restore from a backup")?;
        app.wait_for("[data-screen=restore]", TIMEOUT)?;
        fill(&app, "Recovery key", &key)?;
        fill(&app, "New passphrase", "copper kettle 19 morning")?;
        fill(&app, "Type the new passphrase again", "copper kettle 19 morning")?;
        accessible(&app, "the restore form, filled in")?;
        press(&app, "Restore my journal")?;
        app.wait_for("[data-screen=today]", TIMEOUT)?;
        let j = Journal::open(&driver.journal_dir(), "copper kettle 19 morning")?;
        let status = j.status()?;
        crate::ensure!(status.fingerprint.as_str() == fingerprint, "the restored journal is another journal");
        crate::ensure!(status.device_id != device, "the restored journal did not get a device of its own");
        let people = all(&j, Kind::Person)?;
        crate::ensure!(
            people.len() == 1 && people[0].fields["alias"] == "D.O.",
            "the restored journal lost its people"
        );
        Ok(())
    });
}

/// A record changed on two devices of one journal at once: its history
/// shows both, and choosing one in the app settles it everywhere here.
#[test]
fn a_conflict_between_two_devices_is_settled() {
    // Made before the app starts: the journal, changed here and on a second
    // computer, and the second computer's changes brought in by a file.
    let made = |driver: &Driver| -> TestResult<RecordId> {
        let elsewhere = tempfile::tempdir()?;
        let kim_dir = tempfile::tempdir()?;
        let (mut kim, _) = Journal::create(
            kim_dir.path(),
            &NewJournal { name: "Kim", role: Role::Supervisor, passphrase: PASS, kdf: FAST },
        )?;
        let kim_card = kim.card()?;
        let contact = {
            let mut j = Journal::create(
                &driver.journal_dir(),
                &NewJournal { name: "Sam", role: Role::Volunteer, passphrase: PASS, kdf: FAST },
            )?
            .0;
            j.add_card(&kim_card)?;
            let p = person(&mut j, "C.R.")?;
            j.add(Kind::Contact, fields(json!({ "person": p, "how": "phone", "notes": "first words" })))?.id
        };
        kim.add_card(&journal(driver)?.card()?)?;
        // The same journal on a second computer, with a device of its own.
        for file in ["journal.db", "journal.key"] {
            std::fs::copy(driver.journal_dir().join(file), elsewhere.path().join(file))?;
        }
        let mut second = Journal::open(elsewhere.path(), PASS)?;
        second.new_device()?;
        second.update(&contact, fields(json!({ "notes": "written on the laptop" })))?;
        let mut here = journal(driver)?;
        here.update(&contact, fields(json!({ "notes": "written on the desktop" })))?;
        let bundle = kim_dir.path().join("from-the-laptop.bundle");
        let to_kim = peerjournal::sync::ExportOptions { to: vec![kim_card.fingerprint.clone()], full: false };
        second.export_bundle(&to_kim, &bundle, &mut |_, _| {})?;
        here.import_bundle(&bundle, &mut |_, _| {})?;
        crate::ensure!(here.conflicts(Page::default())?.len() == 1, "no conflict was made");
        Ok(contact)
    };
    crate::with_prepared_app(made, |driver, app, contact| {
        unlock(&app)?;
        go(&app, "Settings")?;
        press(&app, "Choose what to keep")?;
        app.wait_for("[data-screen=conflicts]", TIMEOUT)?;
        shows(&app, "conflicts", "written on the laptop")?;
        accessible(&app, "a record changed in two places")?;
        let keep = app.wait_until("waiting for Keep this one beside the laptop's value", TIMEOUT, || {
            for value in app.find_all("[data-screen=conflicts] li.conflict-value")? {
                if value.text()?.contains("written on the laptop") {
                    return Ok(Some(value.find("button")?));
                }
            }
            Ok(None)
        })?;
        keep.click()?;
        shows(&app, "conflicts", "Nothing to choose between")?;

        let j = journal(driver)?;
        crate::ensure!(j.conflicts(Page::default())?.is_empty(), "the conflict is still there");
        crate::ensure!(
            j.get(&contact)?.fields["notes"] == "written on the laptop",
            "the value kept is not the one chosen"
        );
        crate::ensure!(j.history(&contact)?.len() >= 3, "the history does not keep both values");
        Ok(())
    })
}

/// The demo journal: from the first run, marked DEMO, and never the real one.
#[test]
fn the_demo_journal_is_marked_and_apart() {
    with_app(|driver, app| {
        app.wait_for("[data-screen=setup]", TIMEOUT)?;
        press(&app, "Try it with made-up people")?;
        app.wait_for("[data-screen=today]", TIMEOUT)?;
        let banner = app.wait_for("[aria-label='Demo journal']", TIMEOUT)?.text()?;
        crate::ensure!(banner.contains("DEMO"), "the demo is not marked DEMO");
        go(&app, "People")?;
        let banner = app.wait_for("[aria-label='Demo journal']", TIMEOUT)?.text()?;
        crate::ensure!(banner.contains("made up"), "the demo mark is not on every screen");
        accessible(&app, "the demo's people")?;
        press(&app, "Leave the demo")?;
        app.wait_for("[data-screen=setup]", TIMEOUT)?;
        crate::ensure!(
            peerjournal::presence(&driver.journal_dir()) == peerjournal::Presence::Missing,
            "the demo left something in the real journal's folder"
        );
        let demo = Journal::open(&demo_dir(driver), peerjournal::journal::DEMO_PASSPHRASE)?;
        crate::ensure!(demo.is_demo()? && !all(&demo, Kind::Person)?.is_empty(), "the demo journal is not a demo");
        Ok(())
    })
}

/// With text at 200% in a 1024-pixel-wide window, every main screen and the
/// contact form fit the width: nothing needs scrolling sideways, and every
/// control is still reached and pressed by its name.
#[test]
fn every_screen_fits_with_text_at_double_size() {
    with_journal(
        |j| {
            let p = person(j, "Rosa Maria")?;
            j.add(
                Kind::Contact,
                fields(json!({ "person": p, "how": "phone", "notes": "a long chat about the garden" })),
            )
        },
        |_driver, app, ()| {
            unlock(&app)?;
            // Text at twice the size, as a person who sets their text larger
            // has it: every size of the app is in rem, so it all grows.
            app.execute("document.documentElement.style.fontSize = '200%';", json!([]))?;
            let overflow = |where_: &str| -> TestResult {
                let sizes = app
                    .execute("const e = document.documentElement; return [e.scrollWidth, e.clientWidth];", json!([]))?;
                let (wide, room) = (sizes[0].as_i64().unwrap_or(0), sizes[1].as_i64().unwrap_or(0));
                crate::ensure!(wide <= room + 1, "{where_} with text at 200%: the page is {wide} px wide in {room}");
                Ok(())
            };
            for place in ["Today", "People", "Search", "Reflections", "Services", "Exchange", "Settings"] {
                go(&app, place)?;
                app.wait_for(&format!("[data-screen={}]", place.to_lowercase()), TIMEOUT)?;
                overflow(place)?;
            }
            open_person(&app, "Rosa Maria")?;
            overflow("a person's page")?;
            press(&app, "Log a contact")?;
            app.wait_for("[data-screen=new]", TIMEOUT)?;
            overflow("Log a contact")?;
            accessible(&app, "Log a contact with text at 200%")?;
            Ok(())
        },
    );
}
