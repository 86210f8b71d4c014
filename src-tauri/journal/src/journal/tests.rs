//! Tests of records through the journal, with access to the database
//! connection so that "nothing is left" can be checked in every table.

use super::*;
use crate::journal::drafts::MAX_DRAFT_BYTES;
use crate::journal::NewJournal;
use crate::keys::KdfParams;
use crate::model::ids::{PersonId, RecordId};
use crate::model::kinds::Fields;
use crate::Role;
use proptest::prelude::*;
use serde_json::json;
use uuid::Uuid;

const FAST: KdfParams = KdfParams { memory_kib: 1024, iterations: 1, parallelism: 1 };

fn journal() -> (tempfile::TempDir, Journal) {
    let dir = tempfile::tempdir().unwrap();
    let (j, _) = Journal::create(
        dir.path(),
        &NewJournal { name: "Sam", role: Role::Volunteer, passphrase: "correct horse battery", kdf: FAST },
    )
    .unwrap();
    (dir, j)
}

fn fields(v: Value) -> Fields {
    v.as_object().cloned().unwrap()
}

fn person(j: &mut Journal, alias: &str) -> PersonId {
    j.add(Kind::Person, fields(json!({"alias": alias, "consent": true}))).unwrap().as_person().unwrap()
}

fn contact(j: &mut Journal, p: &PersonId, at: &str, notes: &str) -> RecordId {
    j.add(Kind::Contact, fields(json!({"person": p, "at": at, "how": "home-visit", "minutes": 60, "notes": notes})))
        .unwrap()
        .id
}

/// Every table's every value, as text, for "is this anywhere" checks: in
/// the journal's database and in the search index's.
fn every_value(j: &Journal) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    for conn in [&j.conn, j.search.conn()] {
        let tables: Vec<String> = conn
            .prepare("SELECT name FROM sqlite_master WHERE type = 'table'")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        for table in tables {
            let mut stmt = conn.prepare(&format!("SELECT * FROM \"{table}\"")).unwrap();
            let n = stmt.column_count();
            let mut rows = stmt.query([]).unwrap();
            while let Some(row) = rows.next().unwrap() {
                for i in 0..n {
                    match row.get_ref(i).unwrap() {
                        rusqlite::types::ValueRef::Text(t) | rusqlite::types::ValueRef::Blob(t) => out.push(t.to_vec()),
                        _ => {}
                    }
                }
            }
        }
        // And every page of the file, decrypted, free pages included, where
        // the SQLite build offers the page view.
        if let Ok(mut stmt) = conn.prepare("SELECT data FROM sqlite_dbpage") {
            let pages: Vec<Vec<u8>> =
                stmt.query_map([], |r| r.get(0)).unwrap().collect::<rusqlite::Result<_>>().unwrap();
            out.extend(pages);
        }
    }
    out
}

fn found_anywhere(j: &Journal, needle: &str) -> bool {
    let n = needle.as_bytes();
    every_value(j).iter().any(|v| v.windows(n.len()).any(|w| w == n))
}

#[test]
fn adding_listing_and_timeline() {
    let (_d, mut j) = journal();
    let p = person(&mut j, "R.M.");
    let other = person(&mut j, "K.T.");
    contact(&mut j, &p, "2026-11-01T10:00", "first visit");
    contact(&mut j, &p, "2026-11-08T10:00", "second visit");
    contact(&mut j, &other, "2026-11-05T10:00", "elsewhere");
    let concern = j
        .add(
            Kind::Concern,
            fields(json!({"person": p, "category": "wellbeing", "urgency": "medium", "notes": "tired"})),
        )
        .unwrap();
    let timeline = j.timeline(&p, Page::default()).unwrap();
    assert_eq!(timeline.len(), 3);
    assert_eq!(timeline[0].id, concern.id, "newest first");
    assert_eq!(timeline[1].fields["notes"], "second visit");
    let contacts = j.list(Kind::Contact, Some(&p), Page { limit: 1, offset: 1 }).unwrap();
    assert_eq!(contacts.len(), 1);
    assert_eq!(contacts[0].fields["notes"], "first visit");
    assert_eq!(j.list(Kind::Contact, None, Page::default()).unwrap().len(), 3);
}

#[test]
fn a_rejected_write_changes_nothing() {
    let (_d, mut j) = journal();
    let p = person(&mut j, "R.M.");
    let before = every_value(&j);
    let e = j.add(Kind::Contact, fields(json!({"person": p, "how": "phone", "minutes": 5000}))).unwrap_err();
    assert_eq!(e.to_string(), "minutes must be between 0 and 1440");
    let e = j.add(Kind::Signpost, fields(json!({"person": p, "service": Uuid::now_v7().to_string()}))).unwrap_err();
    assert_eq!(e.to_string(), "unknown service");
    let e = j.add(Kind::Contact, fields(json!({"person": p, "how": "phone", "at": "2030-01-01T10:00"}))).unwrap_err();
    assert_eq!(e.to_string(), "a contact cannot be dated more than a day ahead");
    let e = j.add(Kind::Contact, fields(json!({"person": Uuid::now_v7().to_string(), "how": "phone"}))).unwrap_err();
    assert_eq!(e.to_string(), "unknown person");
    assert_eq!(every_value(&j), before);
}

/// A full disk (simulated: the database may not grow by a page) is one
/// plain message, and the journal is exactly as it was.
#[test]
fn a_full_disk_is_said_plainly_and_changes_nothing() {
    let (_d, mut j) = journal();
    let p = person(&mut j, "R.M.");
    let pages: i64 = j.conn.query_row("PRAGMA page_count", [], |r| r.get(0)).unwrap();
    j.conn.execute_batch(&format!("PRAGMA max_page_count = {pages}")).unwrap();
    // The last pages have room for a few records; the write that needs a
    // new page is the one that fails.
    let long = "a long visit, written up at length. ".repeat(500);
    let mut failed = None;
    for _ in 0..50 {
        let before = every_value(&j);
        if let Err(e) = j.add(Kind::Contact, fields(json!({"person": p, "how": "phone", "notes": long}))) {
            failed = Some((e, before));
            break;
        }
    }
    let (e, before) = failed.expect("the database could not grow, so a write must fail");
    assert!(matches!(e, Error::DiskFull), "{e:?}");
    assert_eq!(e.kind(), crate::error::ErrorKind::DiskFull);
    assert!(e.to_string().contains("the disk is full") && e.to_string().contains("nothing was changed"));
    assert_eq!(every_value(&j), before);
}

#[test]
fn history_shows_each_change_and_deletion_leaves_a_tombstone() {
    let (_d, mut j) = journal();
    let p = person(&mut j, "R.M.");
    let c = contact(&mut j, &p, "2026-11-01T10:00", "first");
    j.update(&c, fields(json!({"notes": "first, corrected", "minutes": 45}))).unwrap();
    let history = j.history(&c).unwrap();
    assert_eq!(history.len(), 2);
    assert_eq!(history[1].changed["notes"], "first, corrected");
    assert_eq!(history[1].changed.len(), 2);
    j.delete(&c).unwrap();
    assert!(j.get(&c).is_err());
    assert!(j.list(Kind::Contact, None, Page::default()).unwrap().is_empty());
    let events: i64 = j.conn.query_row("SELECT count(*) FROM events WHERE record = ?1", [&c], |r| r.get(0)).unwrap();
    assert_eq!(events, 3, "the deletion is an event too");
    let held: Option<i64> = j.conn.query_row("SELECT lazy_seq FROM records WHERE id = ?1", [&c], |r| r.get(0)).unwrap();
    assert_eq!(held, None, "a changed record holds no event of its own");
}

/// A record written once keeps one copy of its fields: its row holds its
/// creating event. The event is written out to `events` before the first
/// change folds in, and history reads the same before and after.
#[test]
fn a_record_written_once_keeps_one_copy_of_its_fields() {
    let (_d, mut j) = journal();
    let p = person(&mut j, "R.M.");
    let c = contact(&mut j, &p, "2026-11-01T10:00", "first");
    let stored = |j: &Journal| -> Vec<Option<String>> {
        let mut stmt = j.conn.prepare("SELECT fields FROM events WHERE record = ?1 ORDER BY hlc").unwrap();
        stmt.query_map([&c], |r| r.get(0)).unwrap().map(Result::unwrap).collect()
    };
    assert!(stored(&j).is_empty(), "the log does not repeat the record's data");
    let (seq, logged_seq): (Option<i64>, i64) = j
        .conn
        .query_row(
            "SELECT r.lazy_seq, l.seq FROM records r JOIN event_log l ON l.record = r.id WHERE r.id = ?1",
            [&c],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(seq, Some(logged_seq), "the row holds its creating event, which the log shows");
    let created = j.history(&c).unwrap();
    assert_eq!(created.len(), 1);
    assert_eq!(created[0].changed["notes"], "first");
    assert_eq!(created[0].changed["minutes"], 60);
    assert_eq!(created[0].changed.len(), 5);

    j.update(&c, fields(json!({"notes": "first, corrected"}))).unwrap();
    let after = stored(&j);
    assert_eq!(after.len(), 2);
    let written: Map<String, Value> = serde_json::from_str(after[0].as_deref().unwrap()).unwrap();
    assert_eq!(written["notes"], json!({"value": "first"}), "the creation's own values, not the record's new ones");
    assert!(after[1].is_some());
    let held: Option<i64> = j.conn.query_row("SELECT lazy_seq FROM records WHERE id = ?1", [&c], |r| r.get(0)).unwrap();
    assert_eq!(held, None);
    let history = j.history(&c).unwrap();
    assert_eq!(history[0].changed, created[0].changed);
    assert_eq!(history[1].changed["notes"], "first, corrected");
    // The log still rebuilds the same records.
    let before = j.conn.query_row("SELECT data FROM records WHERE id = ?1", [&c], |r| r.get::<_, String>(0)).unwrap();
    j.rebuild().unwrap();
    let rebuilt = j.conn.query_row("SELECT data FROM records WHERE id = ?1", [&c], |r| r.get::<_, String>(0)).unwrap();
    assert_eq!(rebuilt, before);
}

/// Saves leave the write-ahead log for an idle moment to fold back; the
/// fold takes all of it when nothing else is reading.
#[test]
fn saves_leave_the_log_for_an_idle_fold() {
    let (_d, mut j) = journal();
    let p = person(&mut j, "R.M.");
    for i in 0..250 {
        contact(&mut j, &p, "2026-11-01T10:00", &format!("visit {i}"));
    }
    // SQLite's default would have folded the log at 1,000 pages.
    let waiting: i64 = j.conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |r| r.get(1)).unwrap();
    assert!(waiting > 1000, "250 saves left their {waiting} pages in the log");
    contact(&mut j, &p, "2026-11-01T11:00", "one more");
    assert_eq!(j.fold_log().unwrap(), 0, "folded all of it");
    assert_eq!(j.fold_log().unwrap(), 0, "and again, with nothing to do");
}

#[test]
fn search_finds_words_in_any_script_and_not_deleted_records() {
    let (_d, mut j) = journal();
    let p = person(&mut j, "R.M.");
    contact(&mut j, &p, "2026-11-01T10:00", "talked about the allotment and café plans");
    let c = contact(&mut j, &p, "2026-11-02T10:00", "مرحبا بالعالم and a walk 🌳");
    assert_eq!(j.search("allotment", Page::default()).unwrap().len(), 1);
    assert_eq!(j.search("cafe", Page::default()).unwrap().len(), 1, "accents are folded");
    assert_eq!(j.search("allot", Page::default()).unwrap().len(), 1, "prefix of the last word");
    assert_eq!(j.search("بالعالم", Page::default()).unwrap().len(), 1);
    let hit = &j.search("walk", Page::default()).unwrap()[0];
    assert!(hit.excerpt.contains("walk"));
    j.delete(&c).unwrap();
    assert!(j.search("walk", Page::default()).unwrap().is_empty());
    assert!(j.search("\"unbalanced", Page::default()).unwrap().is_empty(), "quotes are not query syntax");
}

#[test]
fn due_open_concerns_and_flagged_issues() {
    let (_d, mut j) = journal();
    let p = person(&mut j, "R.M.");
    let s = j.add(Kind::Service, fields(json!({"name": "Food bank", "category": "food"}))).unwrap().id;
    let sp = j
        .add(Kind::Signpost, fields(json!({"person": p, "service": s, "status": "made", "reminder": "2026-01-10"})))
        .unwrap()
        .id;
    let c1 = j
        .add(
            Kind::Contact,
            fields(json!({"person": p, "at": "2026-01-01T10:00", "how": "phone", "next_contact": "2026-01-08T10:00"})),
        )
        .unwrap()
        .id;
    let due = j.due("2026-02-01", Page::default()).unwrap();
    assert_eq!(due.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(), vec![c1.as_str(), sp.as_str()]);
    // A later contact meets the plan; an outcome ends the reminder.
    contact(&mut j, &p, "2026-01-09T10:00", "met");
    j.update(&sp, fields(json!({"status": "outcome", "outcome": "got a parcel"}))).unwrap();
    assert!(j.due("2026-02-01", Page::default()).unwrap().is_empty());

    let concern = j
        .add(Kind::Concern, fields(json!({"person": p, "category": "safeguarding", "urgency": "high", "notes": "x"})))
        .unwrap()
        .id;
    j.add(
        Kind::BoundaryIssue,
        fields(json!({"person": p, "category": "gifts-or-money", "what_happened": "offered cash", "flag": true})),
    )
    .unwrap();
    j.add(Kind::BoundaryIssue, fields(json!({"person": p, "category": "other", "what_happened": "fine"}))).unwrap();
    assert_eq!(j.needing_attention(Kind::Concern, Page::default()).unwrap().len(), 1);
    assert_eq!(j.needing_attention(Kind::BoundaryIssue, Page::default()).unwrap().len(), 1);
    // Open until a supervisor's acknowledgement arrives: a volunteer does
    // not acknowledge their own concern (see the bundle tests).
    let ack = j.add(Kind::Acknowledgement, fields(json!({"about": concern, "by": "Alex"})));
    assert!(matches!(ack, Err(Error::NotAllowed(_))), "{ack:?}");
    assert_eq!(j.needing_attention(Kind::Concern, Page::default()).unwrap().len(), 1);
}

#[test]
fn a_contact_flagged_for_supervision_waits_for_it_and_older_journals_catch_up() {
    let d = tempfile::tempdir().unwrap();
    let (mut j, _) = Journal::create(
        d.path(),
        &NewJournal { name: "Sam", role: Role::Volunteer, passphrase: "correct horse battery", kdf: FAST },
    )
    .unwrap();
    let p = person(&mut j, "R.M.");
    let flagged = j
        .add(Kind::Contact, fields(json!({"person": p, "at": "2026-01-01T10:00", "how": "phone", "flag": true})))
        .unwrap()
        .id;
    contact(&mut j, &p, "2026-01-02T10:00", "not flagged");
    let waiting = |j: &Journal| -> Vec<RecordId> {
        j.needing_attention(Kind::Contact, Page::default()).unwrap().into_iter().map(|r| r.id).collect()
    };
    assert_eq!(waiting(&j), vec![flagged.clone()]);
    // Taking the flag off takes it off the list.
    j.update(&flagged, fields(json!({"flag": false}))).unwrap();
    assert!(waiting(&j).is_empty());
    j.update(&flagged, fields(json!({"flag": true}))).unwrap();
    // A journal written before the rule (migration 0016) has its flagged
    // contacts marked when it is next opened.
    j.conn
        .execute_batch(
            "UPDATE records SET attention = 0; DROP TABLE coverage; DROP TABLE declared; PRAGMA user_version = 15;",
        )
        .unwrap();
    assert!(waiting(&j).is_empty());
    drop(j);
    let j = Journal::open(d.path(), "correct horse battery").unwrap();
    assert_eq!(waiting(&j), vec![flagged]);
}

#[test]
fn forgetting_a_person_leaves_none_of_their_words_anywhere() {
    let (dir, mut j) = journal();
    let p = j
        .add(Kind::Person, fields(json!({"alias": "Zebulon-Quartz", "notes": "likes Marmalade-Xylophone"})))
        .unwrap()
        .as_person()
        .unwrap();
    let keep = person(&mut j, "Kept-Person");
    for i in 0..30 {
        contact(&mut j, &p, "2026-11-01T10:00", &format!("Pumpernickel-Vortex visit {i}"));
        contact(&mut j, &keep, "2026-11-01T10:00", &format!("ordinary visit {i}"));
    }
    let c = contact(&mut j, &p, "2026-11-02T10:00", "before the edit");
    j.update(&c, fields(json!({"notes": "Overwritten-Gooseberry"}))).unwrap();
    j.add(Kind::Reflection, fields(json!({"person": p, "text": "Reflective-Kumquat"}))).unwrap();
    j.add(
        Kind::Concern,
        fields(json!({"person": p, "category": "wellbeing", "urgency": "low", "notes": "Concerned-Pangolin"})),
    )
    .unwrap();
    let secrets = [
        "Zebulon-Quartz",
        "Marmalade-Xylophone",
        "Pumpernickel",
        "Vortex",
        "Overwritten-Gooseberry",
        "before the edit",
        "Reflective-Kumquat",
        "Concerned-Pangolin",
    ];
    for s in secrets {
        assert!(found_anywhere(&j, s), "{s} should be there before forgetting");
    }
    let erased = j.forget_person(&p).unwrap();
    assert_eq!(erased, 33, "every record about them, besides the person");
    for s in secrets {
        assert!(!found_anywhere(&j, s), "{s} is still in the database after forgetting");
        assert!(j.search(s, Page::default()).unwrap().is_empty());
    }
    for name in ["journal.db", "journal.db-wal", "search.db", "search.db-wal"] {
        if let Ok(bytes) = std::fs::read(dir.path().join(name)) {
            for s in secrets {
                assert!(!bytes.windows(s.len()).any(|w| w == s.as_bytes()), "{s} in {name}");
            }
        }
    }
    // Only the tombstone is left, and the other person is untouched.
    let left: i64 = j.conn.query_row("SELECT count(*) FROM event_log WHERE record = ?1", [&p], |r| r.get(0)).unwrap();
    assert_eq!(left, 1);
    assert_eq!(j.timeline(&keep, Page::default()).unwrap().len(), 30);
    assert!(j.get(&p.record()).is_err());
}

#[test]
fn purge_erases_old_endings_but_keeps_open_concerns() {
    let (_d, mut j) = journal();
    let ended = person(&mut j, "Ended-Long-Ago");
    let with_concern = person(&mut j, "Has-Open-Concern");
    let recent = person(&mut j, "Ended-Recently");
    let old = kinds::months_ago(14);
    let seen_again = person(&mut j, "Seen-The-Next-Day");
    for p in [&ended, &with_concern, &seen_again] {
        contact(&mut j, p, &format!("{old}T10:00"), "a visit");
        j.add(Kind::Ending, fields(json!({"person": p, "on": old, "planned": true}))).unwrap();
    }
    // Seen again after the ending: the relationship goes on. (A contact on
    // the day of the ending, as for the others, does not count.)
    let next_day = chrono::NaiveDate::parse_from_str(&old, "%Y-%m-%d").unwrap().succ_opt().unwrap();
    contact(&mut j, &seen_again, &format!("{next_day}T00:00"), "back again");
    j.add(
        Kind::Concern,
        fields(json!({"person": with_concern, "category": "safeguarding", "urgency": "high", "notes": "x"})),
    )
    .unwrap();
    j.add(Kind::Ending, fields(json!({"person": recent, "planned": false}))).unwrap();
    let report = j.purge().unwrap();
    assert_eq!(report.erased_people, vec!["Ended-Long-Ago".to_string()]);
    assert_eq!(report.erased_records, 2, "the contact and the ending");
    assert_eq!(report.kept_for_open_concern, 1);
    assert!(j.get(&ended.record()).is_err());
    assert!(j.get(&with_concern.record()).is_ok());
    assert!(j.get(&recent.record()).is_ok());
    assert!(j.get(&seen_again.record()).is_ok());
    // A shorter retention reaches the recent one only once its months are up.
    j.set_retention_months(1).unwrap();
    assert!(j.purge().unwrap().erased_people.is_empty());
}

#[test]
fn sequence_numbers_are_unique_and_gapless_per_device() {
    let (_d, mut j) = journal();
    let p = person(&mut j, "R.M.");
    for i in 0..10 {
        contact(&mut j, &p, "2026-11-01T10:00", &format!("v{i}"));
    }
    let seqs: Vec<i64> = j
        .conn
        .prepare("SELECT seq FROM event_log ORDER BY seq")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    assert_eq!(seqs, (1..=11).collect::<Vec<_>>());
    let hlcs: Vec<i64> = j
        .conn
        .prepare("SELECT hlc FROM event_log ORDER BY seq")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    assert!(hlcs.windows(2).all(|w| w[0] < w[1]));
}

/// The materialised tables as comparable rows (rowids aside).
fn state(j: &Journal) -> (Vec<Vec<String>>, Vec<Vec<String>>) {
    let records = j
        .conn
        .prepare("SELECT id, kind, person, at, due, attention, data, clocks, created_hlc, created_device, updated_hlc, updated_device, deleted, conflict, person_key, at_key, due_key FROM records ORDER BY id")
        .unwrap()
        .query_map([], |r| (0..17).map(|i| r.get::<_, rusqlite::types::Value>(i).map(|v| format!("{v:?}"))).collect())
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    let words = ["alpha", "beta", "gamma", "delta", "omega"];
    let search = words
        .iter()
        .map(|w| {
            let rowids: Vec<i64> = j
                .search
                .conn()
                .prepare("SELECT rowid FROM records_fts WHERE records_fts MATCH ?1")
                .unwrap()
                .query_map([w], |r| r.get(0))
                .unwrap()
                .collect::<rusqlite::Result<_>>()
                .unwrap();
            let mut ids: Vec<String> = rowids
                .iter()
                .map(|rowid| {
                    j.conn.query_row("SELECT id FROM records WHERE rowid = ?1", [rowid], |r| r.get(0)).unwrap()
                })
                .collect();
            ids.sort();
            ids
        })
        .collect();
    (records, search)
}

#[derive(Clone, Debug)]
enum Edit {
    AddPerson(u8),
    AddContact(u8, u8),
    Update(u8, u8),
    Delete(u8),
    Forget(u8),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        2 => any::<u8>().prop_map(Edit::AddPerson),
        4 => (any::<u8>(), any::<u8>()).prop_map(|(a, b)| Edit::AddContact(a, b)),
        3 => (any::<u8>(), any::<u8>()).prop_map(|(a, b)| Edit::Update(a, b)),
        1 => any::<u8>().prop_map(Edit::Delete),
        1 => any::<u8>().prop_map(Edit::Forget),
    ]
}

const WORDS: [&str; 5] = ["alpha", "beta", "gamma", "delta", "omega"];

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn replaying_the_event_log_reproduces_the_materialised_tables(edits in prop::collection::vec(edit(), 1..40)) {
        let (_d, mut j) = journal();
        let mut people: Vec<PersonId> = Vec::new();
        let mut contacts: Vec<RecordId> = Vec::new();
        for e in edits {
            match e {
                Edit::AddPerson(w) => people.push(person(&mut j, WORDS[w as usize % 5])),
                Edit::AddContact(p, w) if !people.is_empty() => {
                    let p = people[p as usize % people.len()].clone();
                    contacts.push(contact(&mut j, &p, "2026-11-01T10:00", WORDS[w as usize % 5]));
                }
                Edit::Update(c, w) if !contacts.is_empty() => {
                    let c = &contacts[c as usize % contacts.len()];
                    let _ = j.update(c, fields(json!({"notes": format!("{} {}", WORDS[w as usize % 5], w), "minutes": w as i64 % 90})));
                }
                Edit::Delete(c) if !contacts.is_empty() => {
                    let _ = j.delete(&contacts[c as usize % contacts.len()]);
                }
                Edit::Forget(p) if !people.is_empty() => {
                    let p = people.remove(p as usize % people.len());
                    j.forget_person(&p).unwrap();
                }
                _ => {}
            }
        }
        let before = state(&j);
        j.rebuild().unwrap();
        prop_assert_eq!(state(&j), before);
    }
}

#[test]
fn lists_are_read_from_their_indexes_in_order() {
    let (_d, mut j) = journal();
    let p = person(&mut j, "Ada");
    for i in 0..20 {
        contact(&mut j, &p, &format!("2026-11-{:02}T10:00", i % 9 + 1), "tea");
    }
    j.conn.execute_batch("ANALYZE").unwrap();
    let plan = |sql: &str| -> Vec<String> {
        let mut stmt = j.conn.prepare(&format!("EXPLAIN QUERY PLAN SELECT {RECORD_COLUMNS} {sql}")).unwrap();
        let unset = vec![rusqlite::types::Value::Null; stmt.parameter_count()];
        stmt.query_map(rusqlite::params_from_iter(unset), |r| r.get::<_, String>(3))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap()
    };
    for (sql, index) in [
        (LIST, "records_by_kind"),
        (LIST_FOR_PERSON, "records_by_person"),
        (TIMELINE, "records_by_person"),
        (NEEDING_ATTENTION, "records_attention"),
    ] {
        let plan = plan(sql);
        assert!(plan.first().is_some_and(|step| step.contains(index)), "{index}: {plan:?}");
        assert!(!plan.iter().any(|step| step.contains("TEMP B-TREE")), "{index}: {plan:?}");
    }
    // What is due is gathered from indexes (referrals and reviews from
    // `records_due`, each person's latest contact from `records_by_person`,
    // people from `records_by_kind`, endings from `records_endings`) and
    // only the few found are sorted: no step reads the whole table.
    let due = plan(DUE);
    for index in ["records_due", "records_by_person", "records_by_kind", "COVERING INDEX records_endings"] {
        assert!(due.iter().any(|step| step.contains(index)), "{index}: {due:?}");
    }
    let mut stmt = j.conn.prepare(&format!("EXPLAIN QUERY PLAN {CONFLICTED}")).unwrap();
    let conflicted: Vec<String> =
        stmt.query_map([50, 0], |r| r.get::<_, String>(3)).unwrap().collect::<rusqlite::Result<_>>().unwrap();
    assert_eq!(conflicted, vec!["SCAN records USING COVERING INDEX records_conflicts".to_string()]);
    let whole_table = |step: &str| step.starts_with("SCAN") && !step.contains("INDEX") && step != "SCAN page";
    assert!(!due.iter().any(|step| whole_table(step)), "{due:?}");
}

#[test]
fn lists_break_ties_in_time_newest_made_first() {
    let (_d, mut j) = journal();
    let p = person(&mut j, "Ada");
    let made: Vec<RecordId> = (0..5).map(|_| contact(&mut j, &p, "2026-11-20T10:00", "same minute")).collect();
    let later = contact(&mut j, &p, "2026-11-21T09:00", "next day");
    let listed: Vec<RecordId> = j.timeline(&p, Page::default()).unwrap().into_iter().map(|r| r.id).collect();
    let mut expected = vec![later];
    expected.extend(made.into_iter().rev());
    assert_eq!(listed, expected);
    let listed: Vec<RecordId> =
        j.list(Kind::Contact, Some(&p), Page::default()).unwrap().into_iter().map(|r| r.id).collect();
    assert_eq!(listed, expected);
}

/// Ids of the records a list gave.
fn ids(records: Vec<Record>) -> Vec<RecordId> {
    records.into_iter().map(|r| r.id).collect()
}

/// A person with a contact planning the next, a referral with a reminder
/// and an open concern: something in every list.
fn someone_in_every_list(j: &mut Journal, alias: &str) -> PersonId {
    let p = person(j, alias);
    let s = j.add(Kind::Service, fields(json!({"name": "Food bank", "category": "food"}))).unwrap().id;
    j.add(Kind::Signpost, fields(json!({"person": p, "service": s, "status": "made", "reminder": "2026-01-10"})))
        .unwrap();
    j.add(
        Kind::Contact,
        fields(json!({"person": p, "at": "2026-01-01T10:00", "how": "phone", "next_contact": "2026-01-08T10:00"})),
    )
    .unwrap();
    j.add(Kind::Concern, fields(json!({"person": p, "category": "safeguarding", "urgency": "high", "notes": "x"})))
        .unwrap();
    p
}

/// Two people may share a `person_key`: a list by person checks the
/// person too, and the due list's "a later contact met the plan" counts
/// only that person's contacts.
#[test]
fn people_who_share_a_key_keep_their_own_lists() {
    let (_d, mut j) = journal();
    let ada = someone_in_every_list(&mut j, "Ada");
    let bo = someone_in_every_list(&mut j, "Bo");
    let timeline_before = ids(j.timeline(&ada, Page::default()).unwrap());
    let contacts_before = ids(j.list(Kind::Contact, Some(&ada), Page::default()).unwrap());
    let due_before = ids(j.due("2026-02-01", Page::default()).unwrap());
    assert_eq!(due_before.len(), 4);
    // Bo's records take Ada's key, as if the two ids hashed alike; Bo meets
    // again, which ends only Bo's plan.
    contact(&mut j, &bo, "2026-01-09T10:00", "met");
    j.conn
        .execute(
            "UPDATE records SET person_key = ?1 WHERE person = ?2",
            params![crate::store::log::person_key(ada.as_str()), bo],
        )
        .unwrap();
    assert_eq!(ids(j.timeline(&ada, Page::default()).unwrap()), timeline_before);
    assert_eq!(ids(j.list(Kind::Contact, Some(&ada), Page::default()).unwrap()), contacts_before);
    assert!(j.timeline(&bo, Page::default()).unwrap().iter().all(|r| r.person.as_ref() == Some(&bo)));
    let due = j.due("2026-02-01", Page::default()).unwrap();
    assert_eq!(due.len(), 3, "Ada's plan is still due, Bo's is met");
    assert!(due.iter().filter(|r| r.kind == Kind::Contact).all(|r| r.person.as_ref() == Some(&ada)));
}

/// Nothing is due for someone whose support has ended; an ending with no
/// person (a bundle's edit can arrive before the event that made it)
/// changes nothing for anyone else.
#[test]
fn nothing_is_due_for_someone_whose_support_has_ended() {
    let (_d, mut j) = journal();
    let ada = someone_in_every_list(&mut j, "Ada");
    let bo = someone_in_every_list(&mut j, "Bo");
    let due_for = |j: &Journal, p: &PersonId| {
        j.due("2026-02-01", Page::default()).unwrap().iter().filter(|r| r.person.as_ref() == Some(p)).count()
    };
    assert_eq!((due_for(&j, &ada), due_for(&j, &bo)), (2, 2));
    let ending = j.add(Kind::Ending, fields(json!({"person": bo, "planned": true}))).unwrap().id;
    assert_eq!((due_for(&j, &ada), due_for(&j, &bo)), (2, 0));
    let cleo = person(&mut j, "Cleo");
    let other = j.add(Kind::Ending, fields(json!({"person": cleo, "planned": true}))).unwrap().id;
    j.conn.execute("UPDATE records SET person = NULL, person_key = NULL WHERE id = ?1", [&other]).unwrap();
    assert_eq!((due_for(&j, &ada), due_for(&j, &bo)), (2, 0));
    j.delete(&ending).unwrap();
    assert_eq!((due_for(&j, &ada), due_for(&j, &bo)), (2, 2));
}

/// What is due by a day includes everything due at any time that day.
#[test]
fn due_counts_the_whole_day_asked_about() {
    let (_d, mut j) = journal();
    someone_in_every_list(&mut j, "Ada");
    let kinds = |day: &str| j.due(day, Page::default()).unwrap().into_iter().map(|r| r.kind).collect::<Vec<_>>();
    assert_eq!(kinds("2026-01-07"), vec![]);
    assert_eq!(kinds("2026-01-08"), vec![Kind::Contact]);
    assert_eq!(kinds("2026-01-10"), vec![Kind::Contact, Kind::Signpost]);
    assert!(j.due("2026-01-10T10:00", Page::default()).unwrap_err().to_string().contains("YYYY-MM-DD"));
    assert!(j.due("next week", Page::default()).is_err());
}

/// A journal from before migration 0009 gets every record's sort keys, the
/// same as a save computes, and lists in the same order as before.
#[test]
fn a_journal_from_before_index_keys_gets_them_and_lists_the_same() {
    let (d, mut j) = journal();
    let ada = someone_in_every_list(&mut j, "Ada");
    for i in 0..12 {
        contact(&mut j, &ada, &format!("2026-0{}-1{}T1{}:00", i % 3 + 1, i % 4, i % 7), "tea");
    }
    let lists = |j: &Journal| {
        (
            ids(j.timeline(&ada, Page::default()).unwrap()),
            ids(j.list(Kind::Contact, None, Page::default()).unwrap()),
            ids(j.due("2026-03-01", Page::default()).unwrap()),
            ids(j.needing_attention(Kind::Concern, Page::default()).unwrap()),
        )
    };
    let keys = |j: &Journal| -> Vec<Vec<rusqlite::types::Value>> {
        j.conn
            .prepare("SELECT person_key, at_key, due_key FROM records ORDER BY rowid")
            .unwrap()
            .query_map([], |r| (0..3).map(|i| r.get(i)).collect())
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap()
    };
    let (lists_before, keys_before) = (lists(&j), keys(&j));
    for column in 0..3 {
        assert!(keys_before.iter().any(|k| matches!(k[column], rusqlite::types::Value::Integer(_))), "{column}");
    }
    j.conn.execute_batch(crate::store::UNDO_OWNERSHIP).unwrap();
    j.conn.execute_batch(crate::store::UNDO_DEVICE_NUMBERS).unwrap();
    j.conn.execute_batch(crate::store::UNDO_INDEX_KEYS).unwrap();
    drop(j);
    let mut j = Journal::open(d.path(), "correct horse battery").unwrap();
    assert_eq!(keys(&j), keys_before);
    assert_eq!(lists(&j), lists_before);
    assert!(j.check().unwrap().ok, "{:?}", j.check().unwrap().problems);
}

fn draft_keys(j: &Journal) -> Vec<String> {
    j.drafts().unwrap().into_iter().map(|d| d.key).collect()
}

#[test]
fn deleting_a_record_discards_the_draft_of_a_change_to_it() {
    let (_d, mut j) = journal();
    let p = person(&mut j, "R.M.");
    let c = contact(&mut j, &p, "2026-11-01T10:00", "a visit");
    let other = contact(&mut j, &p, "2026-11-02T10:00", "another visit");
    j.save_draft(&format!("contact:{c}"), Kind::Contact, fields(json!({"notes": "half typed"}))).unwrap();
    j.save_draft(&format!("contact:{other}"), Kind::Contact, fields(json!({"notes": "kept"}))).unwrap();
    j.delete(&c).unwrap();
    assert_eq!(draft_keys(&j), vec![format!("contact:{other}")]);
}

#[test]
fn a_draft_is_kept_as_typed_replaced_and_discarded() {
    let (_d, mut j) = journal();
    let p = person(&mut j, "R.M.");
    // Half a date is fine in a draft: it is checked when saved as a record.
    let typed = fields(json!({"person": p, "at": "2026-11-2", "focus": "Drafted-Walrus", "minutes": "4"}));
    let draft = j.save_draft("contact:new", Kind::Contact, typed.clone()).unwrap();
    assert_eq!((draft.kind, draft.person.as_ref(), draft.record.as_ref()), (Kind::Contact, Some(&p), None));
    assert_eq!(j.draft("contact:new").unwrap().unwrap().fields, typed);
    // Saved again under its key, it replaces what was there.
    j.save_draft("contact:new", Kind::Contact, fields(json!({"focus": "Second-Go"}))).unwrap();
    let kept = j.draft("contact:new").unwrap().unwrap();
    assert_eq!((kept.fields["focus"].as_str(), kept.person), (Some("Second-Go"), None));
    let c = contact(&mut j, &p, "2026-11-01T10:00", "a visit");
    let edit = format!("contact:{c}");
    let draft = j.save_draft(&edit, Kind::Contact, fields(json!({"notes": "Drafted-Edit"}))).unwrap();
    assert_eq!(draft.record.as_ref(), Some(&c));
    assert_eq!(draft_keys(&j), [edit.clone(), "contact:new".to_string()], "the latest first");
    j.save_draft("contact:new", Kind::Contact, fields(json!({"focus": "Third-Go"}))).unwrap();
    assert_eq!(draft_keys(&j), ["contact:new".to_string(), edit.clone()], "saved again, it comes first");
    // Drafts are not records: no search finds them, no count counts them.
    assert!(j.search("Third-Go", Page::default()).unwrap().is_empty());
    assert_eq!(j.counts().unwrap()[&Kind::Contact], 1);
    j.discard_draft("contact:new").unwrap();
    j.discard_draft("contact:new").unwrap();
    assert_eq!(draft_keys(&j), [edit]);
    assert_eq!(j.draft("contact:new").unwrap(), None);
}

#[test]
fn a_draft_survives_lock_and_unlock() {
    let (dir, mut j) = journal();
    j.save_draft("reflection:new", Kind::Reflection, fields(json!({"text": "half a thought"}))).unwrap();
    j.lock();
    let j = Journal::open(dir.path(), "correct horse battery").unwrap();
    assert_eq!(j.draft("reflection:new").unwrap().unwrap().fields["text"], "half a thought");
}

#[test]
fn a_draft_is_bounded_and_names_only_its_kinds_fields() {
    let (_d, mut j) = journal();
    let err = |j: &mut Journal, key: &str, kind: Kind, v: Value| j.save_draft(key, kind, fields(v)).unwrap_err();
    let long = "x".repeat(MAX_DRAFT_BYTES);
    let e = err(&mut j, "reflection:new", Kind::Reflection, json!({"text": long}));
    assert_eq!(e.kind(), crate::ErrorKind::InvalidInput);
    assert!(e.to_string().starts_with("this draft is too long to keep"), "{e}");
    let e = err(&mut j, "person:new", Kind::Person, json!({"shoe_size": 9}));
    assert_eq!(e.to_string(), "a person has no field called shoe_size");
    let e = err(&mut j, "person:new", Kind::Person, json!({"alias": ["a", "b"]}));
    assert_eq!(e.to_string(), "a draft keeps what is typed into alias: one value, not a list");
    for key in ["contact:new", "person:", "person:new draft", "person", "", "person:new:x"] {
        let e = err(&mut j, key, Kind::Person, json!({}));
        assert!(e.to_string().starts_with("a draft of a person is kept as person:new"), "{key}: {e}");
    }
    let e = err(&mut j, "supervision-note:new", Kind::SupervisionNote, json!({}));
    assert_eq!(e.kind(), crate::ErrorKind::NotAllowed);
    assert!(draft_keys(&j).is_empty(), "nothing refused was kept");
}

#[test]
fn forgetting_a_person_erases_their_drafts() {
    let (_d, mut j) = journal();
    let p = person(&mut j, "Forgotten");
    let keep = person(&mut j, "Kept");
    let c = contact(&mut j, &p, "2026-11-01T10:00", "a visit");
    let theirs = [
        ("contact:new", Kind::Contact, json!({"person": p, "focus": "Drafted-Narwhal"})),
        (&*format!("contact:{c}"), Kind::Contact, json!({"notes": "Drafted-Okapi"})),
        (&*format!("person:{p}"), Kind::Person, json!({"notes": "Drafted-Quokka"})),
    ];
    for (key, kind, v) in theirs.clone() {
        j.save_draft(key, kind, fields(v)).unwrap();
    }
    j.save_draft("reflection:new", Kind::Reflection, fields(json!({"person": keep, "text": "Drafted-Kept"}))).unwrap();
    for word in ["Drafted-Narwhal", "Drafted-Okapi", "Drafted-Quokka"] {
        assert!(found_anywhere(&j, word), "{word} should be there before forgetting");
    }
    j.forget_person(&p).unwrap();
    assert_eq!(draft_keys(&j), ["reflection:new"]);
    for word in ["Drafted-Narwhal", "Drafted-Okapi", "Drafted-Quokka"] {
        assert!(!found_anywhere(&j, word), "{word} is still in the database after forgetting");
    }
}

#[test]
fn the_retention_purge_erases_the_drafts_of_those_it_erases() {
    let (dir, mut j) = journal();
    let ended = person(&mut j, "Ended-Long-Ago");
    let old = kinds::months_ago(14);
    j.add(Kind::Ending, fields(json!({"person": ended, "on": old, "planned": true}))).unwrap();
    j.save_draft("contact:new", Kind::Contact, fields(json!({"person": ended, "notes": "Drafted-Tapir"}))).unwrap();
    j.save_draft("service:new", Kind::Service, fields(json!({"name": "Food bank"}))).unwrap();
    j.lock();
    // The purge runs as the journal is unlocked.
    let j = Journal::open(dir.path(), "correct horse battery").unwrap();
    assert_eq!(j.last_purge().unwrap().erased_people, ["Ended-Long-Ago"]);
    assert_eq!(draft_keys(&j), ["service:new"]);
    assert!(!found_anywhere(&j, "Drafted-Tapir"));
}

#[test]
fn discreet_mode_is_a_setting_of_the_journal() {
    let (dir, mut j) = journal();
    assert!(!j.discreet_mode().unwrap(), "off until turned on");
    j.set_discreet_mode(true).unwrap();
    j.lock();
    let mut j = Journal::open(dir.path(), "correct horse battery").unwrap();
    assert!(j.discreet_mode().unwrap());
    j.set_discreet_mode(false).unwrap();
    assert!(!j.discreet_mode().unwrap());
}

#[test]
fn replacing_the_passphrase_needs_the_current_one() {
    let (dir, mut j) = journal();
    let key_file = || std::fs::read(dir.path().join(crate::journal::KEY_FILE)).unwrap();
    let before = key_file();
    let e = j.replace_passphrase("not the passphrase", "a brand new passphrase", FAST).unwrap_err();
    assert_eq!(e.kind(), crate::ErrorKind::WrongPassphrase);
    let e = j.replace_passphrase("correct horse battery", "password1", FAST).unwrap_err();
    assert_eq!(e.kind(), crate::ErrorKind::InvalidInput);
    assert_eq!(key_file(), before, "nothing changed");
    j.replace_passphrase("correct horse battery", "a brand new passphrase", FAST).unwrap();
    j.lock();
    assert_eq!(
        Journal::open(dir.path(), "correct horse battery").unwrap_err().kind(),
        crate::ErrorKind::WrongPassphrase
    );
    let mut j = Journal::open(dir.path(), "a brand new passphrase").unwrap();
    // Checked against the key file as it is now, whoever changed it last.
    let mut other = Journal::open(dir.path(), "a brand new passphrase").unwrap();
    other.change_passphrase("changed elsewhere meanwhile", FAST).unwrap();
    let e = j.replace_passphrase("a brand new passphrase", "yet another passphrase", FAST).unwrap_err();
    assert_eq!(e.kind(), crate::ErrorKind::WrongPassphrase);
    j.replace_passphrase("changed elsewhere meanwhile", "yet another passphrase", FAST).unwrap();
}
