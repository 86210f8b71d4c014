//! A supervisor's review when a list is longer than a page: it says so and
//! how many it shows, Show more brings the rest with focus on the first
//! entry it brought, and someone added long ago and never contacted is on
//! "not in touch", saying so. Sam's journal is made with the core (as the
//! command line would; someone's record dated back with the tests' own
//! support, as no one can wait weeks) and brought in before the app starts;
//! the journey ends with a look at the supervisor's journal itself.

use peerjournal::journal::review::{ReviewLimits, ReviewOptions};
use peerjournal::sync::ExportOptions;
use peerjournal::{Fields, Journal, KdfParams, Kind, NewJournal, Role};
use serde_json::{json, Value};

use crate::fixture::Driver;
use crate::webdriver::Session;
use crate::{accessible, press, says, submit_passphrase, TestResult};

const PASS: &str = "marmalade lighthouse softly hums";
const FAST: KdfParams = KdfParams { memory_kib: 1024, iterations: 1, parallelism: 1 };

/// Sam's people last seen two months ago: one more than a page.
const QUIET: usize = 51;

fn fields(value: Value) -> Fields {
    value.as_object().cloned().unwrap_or_default()
}

/// Morgan's journal (the app's), with Sam's file brought in: 51 people
/// last seen two months ago, N.A. added three months ago and never
/// contacted, and K.T. the same but whose support ended.
fn morgan_with_many_quiet_people(driver: &Driver) -> TestResult {
    let mut morgan = Journal::create(
        &driver.journal_dir(),
        &NewJournal { name: "Morgan", role: Role::Supervisor, passphrase: PASS, kdf: FAST },
    )?
    .0;
    let dir = tempfile::tempdir()?;
    let mut sam = Journal::create(
        &dir.path().join("sam"),
        &NewJournal { name: "Sam", role: Role::Volunteer, passphrase: PASS, kdf: FAST },
    )?
    .0;
    sam.add_card(&morgan.card()?)?;
    morgan.add_card(&sam.card()?)?;
    let two_months_ago = peerjournal::kinds::months_ago(2);
    for i in 1..=QUIET {
        let p = sam.add(Kind::Person, fields(json!({ "alias": format!("Q.{i:02}"), "consent": true })))?;
        let p = p.as_person().ok_or("a person")?;
        sam.add(Kind::Contact, fields(json!({ "person": p, "at": two_months_ago, "how": "phone" })))?;
    }
    for alias in ["N.A.", "K.T."] {
        let added = sam.add(Kind::Person, fields(json!({ "alias": alias, "consent": true })))?;
        peerjournal::testsupport::backdate(&sam, &added.id, 90)?;
        if alias == "K.T." {
            let on = peerjournal::kinds::months_ago(0);
            sam.add(Kind::Ending, fields(json!({ "person": added.id, "on": on, "planned": false })))?;
        }
    }
    let file = dir.path().join("sam.pjbundle");
    sam.export_bundle(&ExportOptions { to: vec![morgan.card()?.fingerprint], full: false }, &file, &mut |_, _| {})?;
    morgan.import_bundle(&file, &mut |_, _| {})?;
    Ok(())
}

/// Scrolls the element into view (`block`: "start", "center"), as a person would to read it.
fn scroll_to(app: &Session, selector: &str, block: &str) -> TestResult {
    app.execute(
        "document.querySelector(arguments[0]).scrollIntoView({ block: arguments[1] });",
        json!([selector, block]),
    )?;
    Ok(())
}

/// What the focused element says, and its place in the list `list` (None when outside it).
fn focused_in(app: &Session, list: &str) -> TestResult<(String, Option<u64>)> {
    let found = app.execute(
        "const e = document.activeElement; const item = e === null ? null : e.closest(arguments[0] + ' > li');
         const place = item === null ? null : [...item.parentElement.children].indexOf(item);
         return [e === null ? '' : e.innerText, place];",
        json!([list]),
    )?;
    Ok((found[0].as_str().unwrap_or_default().to_owned(), found[1].as_u64()))
}

#[test]
fn a_supervisor_sees_more_of_a_long_list_and_who_has_had_no_contact_yet() {
    crate::with_prepared_app(morgan_with_many_quiet_people, |driver, app, ()| {
        submit_passphrase(&app, PASS)?;
        // 53 people not in touch, one ended: a page of 50, and the list says it was cut.
        says(&app, "#review-quiet-title", "Not in touch for a while (more than 50)")?;
        says(&app, "#review-quiet-shown", "50 shown, and there are more.")?;
        // The longest without contact first: N.A., added three months ago, before anyone seen two months ago.
        let first = says(&app, "#review-quiet-list > li:first-child", "N.A.")?;
        crate::ensure!(
            first.contains("No contact yet; added on"),
            "N.A. does not say they have had no contact: {first:?}"
        );
        let list = says(&app, "#review-quiet-list", "Q.01")?;
        crate::ensure!(!list.contains("K.T."), "K.T., whose support ended, is on the list");
        crate::ensure!(!list.contains("Q.50"), "more than a page is shown: {list:?}");
        // Only the cut list has Show more.
        crate::ensure!(
            app.find_all("#review-concerns-more, #review-long-more")?.is_empty(),
            "a list that was not cut offers Show more"
        );
        scroll_to(&app, "#review-quiet", "start")?;
        accessible(&app, "the review with a list cut after 50")?;
        scroll_to(&app, "#review-quiet-more", "center")?;
        accessible(&app, "the end of a list cut after 50, with Show more")?;

        press(&app, "Show more people not in touch")?;
        says(&app, "#review-quiet-title", "Not in touch for a while (52)")?;
        let list = says(&app, "#review-quiet-list", "Q.51")?;
        crate::ensure!(list.contains("Q.50"), "Show more did not bring Q.50: {list:?}");
        crate::ensure!(app.find_all("#review-quiet-more")?.is_empty(), "Show more is still offered with nothing more");
        // Focus is on the first entry it brought, not lost to the page.
        let (text, place) = focused_in(&app, "#review-quiet-list")?;
        crate::ensure!(place == Some(50) && text.contains("Q.50"), "focus is on {text:?} (place {place:?}), not Q.50");
        accessible(&app, "the review after Show more")?;

        // The supervisor's journal itself says the same.
        let j = Journal::open(&driver.journal_dir(), PASS)?;
        let options = ReviewOptions { volunteer: None, quiet_weeks: 4, long_months: 12 };
        let page = j.review(&options)?;
        crate::ensure!(
            page.quiet_people.len() == 50 && page.more.quiet_people,
            "the first page: {}",
            page.quiet_people.len()
        );
        let all = j.review_up_to(&options, &ReviewLimits { quiet_people: 100, ..ReviewLimits::default() })?;
        crate::ensure!(
            all.quiet_people.len() == QUIET + 1 && !all.more.quiet_people,
            "all: {}",
            all.quiet_people.len()
        );
        let first = &all.quiet_people[0];
        crate::ensure!(
            first.person.fields["alias"] == "N.A." && first.since.is_none(),
            "the first is {:?}, last contact {:?}",
            first.person.fields["alias"],
            first.since
        );
        Ok(())
    });
}
