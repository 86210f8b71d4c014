//! Tests of bundles: round trips, idempotence, convergence, every refusal,
//! and mutation of valid bundles. In the crate, so that hostile bundles can
//! be built with the journal's own keys.

use std::collections::BTreeMap;
use std::fs::{self, File};
use std::io::{Read, Write};
use std::path::Path;

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use ed25519_dalek::Signer;
use serde_json::Value;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::import::ImportNotice;
use super::scope::{LogPart, Selection};
use super::wire::{hex, open_stream, Header, Manifest, Receipt, Trailer, FORMAT, VERSION};
use super::*;
use crate::error::{Error, Refusal, Result};
use crate::journal::NewJournal;
use crate::journal::PARTIAL_FILE as PARTIAL_EXPORT;
use crate::journal::{now, Journal, Role};
use crate::keys::KdfParams;
use crate::model::event::Event;
use crate::model::hlc::Hlc;
use crate::model::ids::{Fingerprint, PersonId, RecordId};
use crate::model::kinds::Kind;
use crate::model::record::Page;
use proptest::prelude::*;
use serde_json::json;

const FAST: KdfParams = KdfParams { memory_kib: 1024, iterations: 1, parallelism: 1 };

struct Party {
    _dir: tempfile::TempDir,
    j: Journal,
    fp: Fingerprint,
}

fn party(name: &str, role: Role) -> Party {
    let dir = tempfile::tempdir().unwrap();
    let (j, _) =
        Journal::create(dir.path(), &NewJournal { name, role, passphrase: "correct horse battery", kdf: FAST })
            .unwrap();
    let fp = Fingerprint::trusted(j.own_fingerprint().unwrap());
    Party { _dir: dir, j, fp }
}

fn trust(a: &mut Party, b: &mut Party) {
    let ca = a.j.card().unwrap();
    let cb = b.j.card().unwrap();
    a.j.add_card(&cb).unwrap();
    b.j.add_card(&ca).unwrap();
}

fn fields(v: Value) -> crate::model::kinds::Fields {
    v.as_object().cloned().unwrap()
}

fn export(from: &mut Party, to: &[&Fingerprint], full: bool, dir: &Path, name: &str) -> std::path::PathBuf {
    let path = dir.join(name);
    from.j
        .export_bundle(&ExportOptions { to: to.iter().map(|&fp| fp.clone()).collect(), full }, &path, &mut |_, _| {})
        .unwrap();
    path
}

/// Exports from `from` to `to` alone and imports it there.
fn send(from: &mut Party, to: &mut Party, full: bool, dir: &Path, name: &str) -> Result<ImportSummary> {
    let fp = to.fp.clone();
    let b = export(from, &[&fp], full, dir, name);
    import(to, &b)
}

fn import(into: &mut Party, path: &Path) -> Result<ImportSummary> {
    into.j.import_bundle(path, &mut |_, _| {})
}

/// Every user table's rows, for "nothing changed" and "same state" checks.
/// The search index's words and state, as stored.
fn search_dump(j: &Journal) -> Vec<String> {
    let conn = j.search.conn();
    let mut out: Vec<String> = conn
        .prepare("SELECT id, hex(block) FROM records_fts_data ORDER BY id")
        .unwrap()
        .query_map([], |r| Ok(format!("{}: {}", r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    out.push(format!("generation {}", j.search.generation().unwrap()));
    out
}

fn dump(j: &Journal, tables: &[&str]) -> Vec<String> {
    let mut out = Vec::new();
    for t in tables {
        let mut stmt = j.conn.prepare(&format!("SELECT * FROM {t}")).unwrap();
        let n = stmt.column_count();
        let rows = stmt
            .query_map([], |r| {
                Ok((0..n)
                    .map(|i| format!("{:?}", r.get::<_, rusqlite::types::Value>(i).unwrap()))
                    .collect::<Vec<_>>()
                    .join("|"))
            })
            .unwrap();
        for r in rows {
            out.push(format!("{t}: {}", r.unwrap()));
        }
    }
    out.sort();
    out
}

const ALL_TABLES: &[&str] = &[
    "events",
    "records",
    "devices",
    "erasures",
    "erased_records",
    "roster",
    "acked",
    "received",
    "bundles",
    "meta",
    "drafts",
];

/// The materialised state (independent of where events came from).
fn state(j: &Journal) -> Vec<String> {
    let mut stmt = j
        .conn
        .prepare("SELECT id, kind, person, at, due, attention, data, clocks, created_hlc, (SELECT id FROM devices WHERE n = created_device), updated_hlc, (SELECT id FROM devices WHERE n = updated_device), deleted, conflict FROM records ORDER BY id")
        .unwrap();
    let rows = stmt
        .query_map([], |r| {
            Ok((0..14)
                .map(|i| format!("{:?}", r.get::<_, rusqlite::types::Value>(i).unwrap()))
                .collect::<Vec<_>>()
                .join("|"))
        })
        .unwrap();
    let mut out: Vec<String> = rows.map(|r| r.unwrap()).collect();
    let mut stmt = j.conn.prepare("SELECT person FROM erasures ORDER BY person").unwrap();
    out.extend(stmt.query_map([], |r| r.get::<_, String>(0)).unwrap().map(|r| format!("erased {}", r.unwrap())));
    out
}

const AWKWARD: &str = "Zoë 👩🏽‍🦱 مرحبا بالعالم עברית e\u{301} \"quoted\" \\ back\\slash\nnew line\ttab";

/// A volunteer with one record of every kind, all full of awkward text.
fn volunteer_with_everything(v: &mut Party) -> PersonId {
    let p =
        v.j.add(
            Kind::Person,
            fields(json!({"alias": "Zoë 👩🏽‍🦱", "consent": true, "consent_date": "2026-01-02", "notes": AWKWARD})),
        )
        .unwrap()
        .as_person()
        .unwrap();
    let s = v.j.add(Kind::Service, fields(json!({"name": "Café מרכז", "category": "food", "area": "Old Town", "contact_details": AWKWARD, "opening_times": "Mon–Fri", "notes": AWKWARD}))).unwrap().id;
    v.j.add(Kind::Contact, fields(json!({"person": p, "at": "2026-11-20T10:00", "how": "video", "minutes": 0, "present": "Zoë and 👶", "focus": AWKWARD, "strengths": AWKWARD, "steps": AWKWARD, "notes": AWKWARD, "next_contact": "2026-11-27T10:00"}))).unwrap();
    v.j.add(
        Kind::BoundaryAgreement,
        fields(json!({"person": p, "agreed_on": "2026-01-02", "rules": AWKWARD, "review_on": "2026-04-02"})),
    )
    .unwrap();
    v.j.add(Kind::BoundaryIssue, fields(json!({"person": p, "category": "dependency-sign", "what_happened": AWKWARD, "how_handled": AWKWARD, "flag": true}))).unwrap();
    v.j.add(Kind::Signpost, fields(json!({"person": p, "service": s, "reason": AWKWARD, "consent": true, "accompanied": true, "status": "outcome", "outcome": AWKWARD, "reminder": "2026-12-01"}))).unwrap();
    v.j.add(Kind::Concern, fields(json!({"person": p, "category": "wellbeing", "urgency": "immediate", "notes": AWKWARD, "told": "coordinator", "told_at": "2026-11-20T11:00"}))).unwrap();
    v.j.add(
        Kind::Ending,
        fields(json!({"person": p, "on": "2026-11-21", "planned": false, "summary": AWKWARD, "onward": AWKWARD})),
    )
    .unwrap();
    v.j.add(Kind::Reflection, fields(json!({"person": p, "text": AWKWARD, "shared": true}))).unwrap();
    p
}

fn all_records(j: &Journal) -> Vec<crate::model::record::Record> {
    let mut out = Vec::new();
    for kind in Kind::ALL {
        out.extend(j.list(kind, None, Page { limit: 1000, offset: 0 }).unwrap());
    }
    out.sort_by(|a, b| a.id.cmp(&b.id));
    out
}

#[test]
fn every_kind_round_trips_with_awkward_unicode() {
    let dir = tempfile::tempdir().unwrap();
    let mut v = party("Sam", Role::Volunteer);
    let mut s = party("Alex", Role::Supervisor);
    trust(&mut v, &mut s);
    volunteer_with_everything(&mut v);
    let b = export(&mut v, &[&s.fp], false, dir.path(), "v.bundle");
    let summary = import(&mut s, &b).unwrap();
    assert_eq!(summary.events, 9);
    assert_eq!(summary.kinds.len(), 9, "one new record of every kind");
    assert!(summary.kinds.values().all(|c| c.new == 1 && c.updated == 0 && c.conflicts == 0));
    let mine = all_records(&v.j);
    let theirs = all_records(&s.j);
    assert_eq!(mine.len(), 9);
    for (a, b) in mine.iter().zip(&theirs) {
        assert_eq!((&a.id, &a.kind, &a.fields, &a.at), (&b.id, &b.kind, &b.fields, &b.at));
    }
    assert!(!s.j.search("بالعالم", Page::default()).unwrap().is_empty());
}

#[test]
fn importing_twice_changes_nothing_and_receipts_come_back() {
    let dir = tempfile::tempdir().unwrap();
    let mut v = party("Sam", Role::Volunteer);
    let mut s = party("Alex", Role::Supervisor);
    trust(&mut v, &mut s);
    volunteer_with_everything(&mut v);
    let b = export(&mut v, &[&s.fp], false, dir.path(), "v.bundle");
    import(&mut s, &b).unwrap();
    let after_first = dump(&s.j, ALL_TABLES);
    let again = import(&mut s, &b).unwrap();
    assert!(again.already_imported);
    assert_eq!(dump(&s.j, ALL_TABLES), after_first);

    // No false "synced": nothing is confirmed until the receipt comes back.
    assert_eq!(v.j.peer_status().unwrap()[0].received_at, None);
    assert_eq!(v.j.peer_status().unwrap()[0].waiting_changes, 9);
    let back = export(&mut s, &[&v.fp], false, dir.path(), "s.bundle");
    import(&mut v, &back).unwrap();
    let status = &v.j.peer_status().unwrap()[0];
    assert!(status.received_at.is_some());
    assert_eq!(status.waiting_changes, 0);
    // The next export to the supervisor carries only what is new.
    let next = export(&mut v, &[&s.fp], false, dir.path(), "v2.bundle");
    assert_eq!(import(&mut s, &next).unwrap().events, 0);
    let p = v.j.list(Kind::Person, None, Page::default()).unwrap()[0].id.clone();
    v.j.add(Kind::Contact, fields(json!({"person": p, "how": "phone"}))).unwrap();
    let next = export(&mut v, &[&s.fp], false, dir.path(), "v3.bundle");
    assert_eq!(import(&mut s, &next).unwrap().events, 1);
    // A lost bundle heals: without a receipt, the next one carries it again.
    v.j.add(Kind::Contact, fields(json!({"person": p, "how": "text"}))).unwrap();
    let _lost = export(&mut v, &[&s.fp], false, dir.path(), "lost.bundle");
    let healed = export(&mut v, &[&s.fp], false, dir.path(), "healed.bundle");
    assert_eq!(import(&mut s, &healed).unwrap().events, 2, "everything since the last receipt");
}

#[test]
fn private_reflections_never_leave_and_shared_ones_arrive_whole() {
    let dir = tempfile::tempdir().unwrap();
    let mut v = party("Sam", Role::Volunteer);
    let mut s = party("Alex", Role::Supervisor);
    trust(&mut v, &mut s);
    let private = v.j.add(Kind::Reflection, fields(json!({"text": "Private-Marmoset"}))).unwrap().id;
    let b = export(&mut v, &[&s.fp], false, dir.path(), "1.bundle");
    assert_eq!(import(&mut s, &b).unwrap().events, 0);
    let back = export(&mut s, &[&v.fp], false, dir.path(), "r.bundle");
    import(&mut v, &back).unwrap();
    // Shared later: the text travels even though its first event was never sent.
    v.j.update(&private, fields(json!({"shared": true}))).unwrap();
    let b = export(&mut v, &[&s.fp], false, dir.path(), "2.bundle");
    import(&mut s, &b).unwrap();
    assert_eq!(s.j.get(&private).unwrap().fields["text"], "Private-Marmoset");
}

#[test]
fn a_supervisor_sends_a_volunteer_only_what_belongs_to_them() {
    let dir = tempfile::tempdir().unwrap();
    let mut v1 = party("Sam", Role::Volunteer);
    let mut v2 = party("Kim", Role::Volunteer);
    let mut s = party("Alex", Role::Supervisor);
    trust(&mut v1, &mut s);
    trust(&mut v2, &mut s);
    let p1 = v1.j.add(Kind::Person, fields(json!({"alias": "One"}))).unwrap().as_person().unwrap();
    let c1 =
        v1.j.add(Kind::Concern, fields(json!({"person": p1, "category": "wellbeing", "urgency": "low", "notes": "x"})))
            .unwrap()
            .id;
    let p2 = v2.j.add(Kind::Person, fields(json!({"alias": "Other-Volunteers-Person"}))).unwrap().id;
    let c2 =
        v2.j.add(Kind::Concern, fields(json!({"person": p2, "category": "wellbeing", "urgency": "low", "notes": "y"})))
            .unwrap()
            .id;
    send(&mut v1, &mut s, false, dir.path(), "v1.bundle").unwrap();
    send(&mut v2, &mut s, false, dir.path(), "v2.bundle").unwrap();
    for c in [&c1, &c2] {
        s.j.add(Kind::Acknowledgement, fields(json!({"about": c, "by": "Alex"}))).unwrap();
    }
    assert_eq!(s.j.needing_attention(Kind::Concern, Page::default()).unwrap().len(), 0);
    s.j.add(Kind::Service, fields(json!({"name": "Food bank"}))).unwrap();
    let note = json!({"volunteer": v1.fp, "about": c1, "text": "Well handled; let's talk on Tuesday."});
    let note = s.j.add(Kind::SupervisionNote, fields(note)).unwrap();
    assert_eq!(note.person.as_ref(), Some(&p1), "a note about a record is about its person");
    s.j.add(Kind::SupervisionNote, fields(json!({"volunteer": v2.fp, "text": "For Kim only"}))).unwrap();
    assert_eq!(v1.j.needing_attention(Kind::Concern, Page::default()).unwrap().len(), 1, "open until acknowledged");
    let to_v1 = export(&mut s, &[&v1.fp], false, dir.path(), "s1.bundle");
    let summary = import(&mut v1, &to_v1).unwrap();
    assert_eq!(summary.events, 3, "the acknowledgement, the directory and v1's note; nothing of the other volunteer's");
    let notes = v1.j.list(Kind::SupervisionNote, None, Page::default()).unwrap();
    assert_eq!(notes.len(), 1);
    assert_eq!(notes[0].fields["text"], "Well handled; let's talk on Tuesday.");
    let acks = v1.j.list(Kind::Acknowledgement, None, Page::default()).unwrap();
    assert_eq!((acks.len(), acks[0].fields["about"].as_str()), (1, Some(c1.as_str())));
    assert_eq!(acks[0].person.as_ref(), Some(&p1));
    assert_eq!(v1.j.get(&c1).unwrap().fields.get("acknowledged_by"), None, "the concern itself is unchanged");
    assert!(v1.j.get(&c2).is_err() && v1.j.get(&p2).is_err());
    assert!(v1.j.search("Kim", Page::default()).unwrap().is_empty());
    assert_eq!(v1.j.needing_attention(Kind::Concern, Page::default()).unwrap().len(), 0);
    // The note and the acknowledgement are on the person's timeline, and
    // new until read.
    let timeline: Vec<Kind> = v1.j.timeline(&p1, Page::default()).unwrap().iter().map(|r| r.kind).collect();
    assert!(timeline.contains(&Kind::SupervisionNote) && timeline.contains(&Kind::Acknowledgement), "{timeline:?}");
    assert_eq!(v1.j.unread(Page::default()).unwrap().len(), 2);
    v1.j.mark_read(&notes[0].id).unwrap();
    assert_eq!(v1.j.unread(Page::default()).unwrap().len(), 1);
    // Read or not is this journal's own business: it never travels.
    let back = export(&mut v1, &[&s.fp], false, dir.path(), "v1b.bundle");
    assert_eq!(import(&mut s, &back).unwrap().events, 0);
}

/// A copy of `p`'s journal, as it would be moved to a second computer and
/// given a device of its own there (`Journal::new_device`).
fn second_device(p: &mut Party) -> Party {
    let dir = tempfile::tempdir().unwrap();
    p.j.conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)").unwrap();
    for file in [crate::journal::DB_FILE, crate::journal::KEY_FILE] {
        fs::copy(p._dir.path().join(file), dir.path().join(file)).unwrap();
    }
    let mut j = Journal::open(dir.path(), "correct horse battery").unwrap();
    let device = j.new_device().unwrap();
    assert_ne!(device, p.j.device_id().unwrap());
    Party { _dir: dir, j, fp: p.fp.clone() }
}

/// Conflicts arise between devices of one journal: two of them change the
/// same field without seeing each other's change. Both values are kept
/// (the loser in history), the record is marked, every journal holding it
/// agrees on the winner, and the owner, on either device, settles it.
#[test]
fn concurrent_edits_keep_both_values_and_flag_a_conflict_to_resolve() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = party("A", Role::Volunteer);
    let mut s = party("S", Role::Supervisor);
    trust(&mut a, &mut s);
    let p = a.j.add(Kind::Person, fields(json!({"alias": "R"}))).unwrap().id;
    let c = a.j.add(Kind::Contact, fields(json!({"person": p, "how": "phone", "notes": "original"}))).unwrap().id;
    let mut a2 = second_device(&mut a);
    send(&mut a, &mut s, true, dir.path(), "a0.bundle").unwrap();
    a.j.update(&c, fields(json!({"notes": "from A"}))).unwrap();
    a2.j.update(&c, fields(json!({"notes": "from A's second device"}))).unwrap();
    // The supervisor hears from both devices (the second's file carries the
    // card that names it); each device hears from the other.
    let from_a = export(&mut a, &[&s.fp], false, dir.path(), "a1.bundle");
    let from_a2 = export(&mut a2, &[&s.fp], false, dir.path(), "a2.bundle");
    let conflicts = |summary: ImportSummary| summary.kinds.get("contact").map_or(0, |c| c.conflicts);
    assert_eq!(conflicts(import(&mut s, &from_a).unwrap()) + conflicts(import(&mut s, &from_a2).unwrap()), 1);
    assert_eq!(conflicts(import(&mut a, &from_a2).unwrap()), 1, "a bundle from another device of this journal");
    assert_eq!(conflicts(import(&mut a2, &from_a).unwrap()), 1);
    let fields_of = |p: &Party| p.j.get(&c).unwrap().fields;
    assert_eq!(fields_of(&a), fields_of(&s), "all agree on the winner");
    assert_eq!(fields_of(&a2), fields_of(&s));
    let conflicts = a.j.conflicts(Page::default()).unwrap();
    assert_eq!(conflicts.len(), 1);
    let f = &conflicts[0].fields[0];
    assert_eq!(f.field, "notes");
    let mut values = vec![f.current.clone(), f.others[0].clone()];
    values.sort_by_key(|v| v.to_string());
    assert_eq!(values, vec![json!("from A"), json!("from A's second device")]);
    // Both values stay in history; the supervisor may not settle it, the
    // owner does, and that clears the conflict everywhere.
    assert_eq!(a.j.history(&c).unwrap().len(), 3);
    assert!(matches!(s.j.resolve_conflict(&c, "notes", json!("from A")), Err(Error::NotAllowed(_))));
    a2.j.resolve_conflict(&c, "notes", json!("from A's second device")).unwrap();
    assert!(a2.j.conflicts(Page::default()).unwrap().is_empty());
    let settled = export(&mut a2, &[&s.fp], false, dir.path(), "a3.bundle");
    import(&mut s, &settled).unwrap();
    import(&mut a, &settled).unwrap();
    for p in [&s, &a] {
        assert!(p.j.conflicts(Page::default()).unwrap().is_empty());
        assert_eq!(p.j.get(&c).unwrap().fields["notes"], "from A's second device");
    }
}

/// An import that runs out of disk leaves the journal exactly as it was.
#[test]
fn an_import_that_fills_the_disk_changes_nothing() {
    import_into_a_full_file(|j| &j.conn, 2);
}

/// What an import relies on when it writes its pages out to the journal's
/// log and makes them durable before its commit (while the search index
/// finishes, see `import_bundle`): written out is not committed. A journal
/// copied at that moment, as a crash would leave it, opens as it was
/// before. (That an index failing at the end still refuses the whole
/// import is `an_import_whose_search_index_cannot_be_written_changes_nothing`.)
#[test]
fn pages_written_out_before_the_commit_are_not_kept_without_it() {
    let p = party("Alex", Role::Supervisor);
    let tables = ["records", "devices", "events", "meta"];
    let before = dump(&p.j, &tables);
    let log = p._dir.path().join(format!("{}-wal", crate::journal::DB_FILE));
    let logged = fs::metadata(&log).map(|m| m.len()).unwrap_or(0);
    let copy = tempfile::tempdir().unwrap();
    {
        let tx = p.j.conn.unchecked_transaction().unwrap();
        tx.execute("INSERT INTO meta (key, value) VALUES ('written out', ?1)", ["not committed".repeat(2000)]).unwrap();
        tx.cache_flush().unwrap();
        crate::store::sync_log(&tx).unwrap();
        assert!(fs::metadata(&log).unwrap().len() > logged, "the transaction's pages are in the log");
        for file in fs::read_dir(p._dir.path()).unwrap() {
            let file = file.unwrap();
            fs::copy(file.path(), copy.path().join(file.file_name())).unwrap();
        }
    }
    assert_eq!(dump(&p.j, &tables), before);
    let crashed = Journal::open(copy.path(), "correct horse battery").unwrap();
    assert_eq!(dump(&crashed, &tables), before);
}

/// The search index is written on a thread of its own during an import. If
/// it cannot be written (its disk is full), the import is refused for that
/// reason and neither file changes.
#[test]
fn an_import_whose_search_index_cannot_be_written_changes_nothing() {
    import_into_a_full_file(|j| j.search.conn(), 1);
}

/// Imports a bundle of 40 long contacts into a journal one of whose two
/// files (`file` picks its connection) has only `headroom` pages to grow
/// by: refused as a full disk, both files as they were; then, with room
/// again, imported whole and searchable.
fn import_into_a_full_file(file: fn(&Journal) -> &rusqlite::Connection, headroom: i64) {
    let dir = tempfile::tempdir().unwrap();
    let mut v = party("Sam", Role::Volunteer);
    let mut s = party("Alex", Role::Supervisor);
    trust(&mut v, &mut s);
    let p = v.j.add(Kind::Person, fields(json!({"alias": "R"}))).unwrap().id;
    for i in 0..40 {
        let notes = format!("visit {i}: {}", "talked about the allotment and the bus. ".repeat(40));
        v.j.add(Kind::Contact, fields(json!({"person": p, "how": "phone", "notes": notes}))).unwrap();
    }
    let b = export(&mut v, &[&s.fp], false, dir.path(), "big.bundle");
    let pages: i64 = file(&s.j).query_row("PRAGMA page_count", [], |r| r.get(0)).unwrap();
    file(&s.j).execute_batch(&format!("PRAGMA max_page_count = {}", pages + headroom)).unwrap();
    let tables = ["records", "devices", "events", "received", "acked", "bundles", "meta"];
    let before = (dump(&s.j, &tables), search_dump(&s.j));
    let e = import(&mut s, &b).unwrap_err();
    assert!(matches!(e, Error::DiskFull), "{e:?}");
    assert_eq!((dump(&s.j, &tables), search_dump(&s.j)), before);
    file(&s.j).execute_batch("PRAGMA max_page_count = 1073741823").unwrap();
    assert_eq!(import(&mut s, &b).unwrap().kinds["contact"].new, 40);
    assert_eq!(s.j.search("allotment", Page::default()).unwrap().len(), 40);
}

/// The search index is written once per import (see `fold::Batch`): it
/// must still hold exactly each record's latest words, whether a record was
/// made, changed and deleted within one bundle or across several.
#[test]
fn the_search_index_follows_every_imported_change() {
    let dir = tempfile::tempdir().unwrap();
    let mut v = party("Sam", Role::Volunteer);
    let mut s = party("Alex", Role::Supervisor);
    trust(&mut v, &mut s);
    let words = |p: &mut Party, w: &str| p.j.search(w, Page::default()).unwrap().len();
    let p = v.j.add(Kind::Person, fields(json!({"alias": "R"}))).unwrap().id;
    let kept = v.j.add(Kind::Contact, fields(json!({"person": p, "how": "phone", "notes": "marmalade"}))).unwrap().id;
    v.j.update(&kept, fields(json!({"notes": "gooseberry"}))).unwrap();
    let gone = v.j.add(Kind::Contact, fields(json!({"person": p, "how": "phone", "notes": "rhubarb"}))).unwrap().id;
    v.j.delete(&gone).unwrap();
    send(&mut v, &mut s, false, dir.path(), "1.bundle").unwrap();
    assert_eq!((words(&mut s, "marmalade"), words(&mut s, "gooseberry"), words(&mut s, "rhubarb")), (0, 1, 0));

    v.j.update(&kept, fields(json!({"notes": "quince"}))).unwrap();
    send(&mut v, &mut s, false, dir.path(), "2.bundle").unwrap();
    assert_eq!((words(&mut s, "gooseberry"), words(&mut s, "quince")), (0, 1));
    // A rebuild from the log indexes the same words.
    s.j.rebuild().unwrap();
    assert_eq!((words(&mut s, "gooseberry"), words(&mut s, "quince")), (0, 1));
}

#[test]
fn forgetting_travels_as_an_erasure() {
    let dir = tempfile::tempdir().unwrap();
    let mut v = party("Sam", Role::Volunteer);
    let mut s = party("Alex", Role::Supervisor);
    trust(&mut v, &mut s);
    let p = volunteer_with_everything(&mut v);
    send(&mut v, &mut s, false, dir.path(), "1.bundle").unwrap();
    v.j.forget_person(&p).unwrap();
    let summary = send(&mut v, &mut s, false, dir.path(), "2.bundle").unwrap();
    assert_eq!(summary.erased, 1);
    assert!(s.j.get(&p.record()).is_err());
    let hits = s.j.search("بالعالم", Page::default()).unwrap();
    assert_eq!(hits.len(), 1, "only the directory entry still has those words");
    assert_eq!(hits[0].record.kind, Kind::Service);
    let services = s.j.list(Kind::Service, None, Page::default()).unwrap();
    assert_eq!(services.len(), 1, "the directory entry is not about the person");
}

/// Drafts and the journal's own settings stay in the journal: no bundle,
/// however full, carries a draft or discreet mode; and an erasure that
/// arrives erases the drafts that name the person, as forgetting them
/// here does.
#[test]
fn drafts_never_travel_and_an_arriving_erasure_takes_them() {
    let dir = tempfile::tempdir().unwrap();
    let mut v = party("Sam", Role::Volunteer);
    let mut s = party("Alex", Role::Supervisor);
    trust(&mut v, &mut s);
    let p = v.j.add(Kind::Person, fields(json!({"alias": "R"}))).unwrap().as_person().unwrap();
    v.j.add(Kind::Contact, fields(json!({"person": p, "how": "phone", "notes": "Saved-Ocelot"}))).unwrap();
    v.j.save_draft("contact:new", Kind::Contact, fields(json!({"person": p, "notes": "Drafted-Axolotl"}))).unwrap();
    v.j.set_discreet_mode(true).unwrap();
    let contains = |text: &[u8], word: &str| text.windows(word.len()).any(|w| w == word.as_bytes());
    for (full, name) in [(false, "1.bundle"), (true, "full.bundle")] {
        let b = export(&mut v, &[&s.fp], full, dir.path(), name);
        let text = plaintext(&s, &b);
        assert!(contains(&text, "Saved-Ocelot"), "the record travels");
        assert!(!contains(&text, "Drafted-Axolotl") && !contains(&text, "discreet"), "{name}");
        import(&mut s, &b).unwrap();
    }
    assert!(s.j.drafts().unwrap().is_empty());
    assert!(!s.j.discreet_mode().unwrap());
    let note = json!({"volunteer": v.fp, "person": p, "text": "Drafted-Note"});
    s.j.save_draft("supervision-note:new", Kind::SupervisionNote, fields(note)).unwrap();
    s.j.save_draft("service:new", Kind::Service, fields(json!({"name": "Library"}))).unwrap();
    v.j.forget_person(&p).unwrap();
    assert_eq!(send(&mut v, &mut s, false, dir.path(), "2.bundle").unwrap().erased, 1);
    let left: Vec<String> = s.j.drafts().unwrap().into_iter().map(|d| d.key).collect();
    assert_eq!(left, ["service:new"]);
}

/// Every block FTS5 keeps of the search index (segments, tombstones).
fn search_blocks(j: &Journal) -> Vec<Vec<u8>> {
    let mut stmt = j.search.conn().prepare("SELECT block FROM records_fts_data").unwrap();
    stmt.query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect()
}

/// An erasure that arrives by bundle takes the person's words out of the
/// search index's stored blocks, as forgetting them here does: not merely
/// marked deleted, with the words still stored (freed pages are zeroed by
/// `secure_delete`).
#[test]
fn an_imported_erasure_leaves_no_word_in_the_search_index() {
    let dir = tempfile::tempdir().unwrap();
    let mut v = party("Sam", Role::Volunteer);
    let mut s = party("Alex", Role::Supervisor);
    trust(&mut v, &mut s);
    let p = v.j.add(Kind::Person, fields(json!({"alias": "R"}))).unwrap().as_person().unwrap();
    v.j.add(Kind::Service, fields(json!({"name": "Library", "category": "other"}))).unwrap();
    // No other word starts with an x, so the index stores this one whole.
    v.j.add(Kind::Contact, fields(json!({"person": p, "how": "phone", "notes": "xylophone lessons"}))).unwrap();
    send(&mut v, &mut s, false, dir.path(), "1.bundle").unwrap();
    let has = |j: &Journal| search_blocks(j).iter().any(|block| block.windows(9).any(|w| w == b"xylophone"));
    assert!(has(&s.j), "the word is in the index before");
    v.j.forget_person(&p).unwrap();
    assert_eq!(send(&mut v, &mut s, false, dir.path(), "2.bundle").unwrap().erased, 1);
    assert!(!has(&s.j), "the word is still stored in the index");
    assert_eq!(s.j.search("library", Page::default()).unwrap().len(), 1);
}

// ---------------------------------------------------------------------------
// Refusals: each leaves every table exactly as it was.

struct World {
    dir: tempfile::TempDir,
    v: Party,
    s: Party,
    bundle: std::path::PathBuf,
}

fn world() -> World {
    let dir = tempfile::tempdir().unwrap();
    let mut v = party("Sam", Role::Volunteer);
    let mut s = party("Alex", Role::Supervisor);
    trust(&mut v, &mut s);
    volunteer_with_everything(&mut v);
    let bundle = export(&mut v, &[&s.fp], false, dir.path(), "v.bundle");
    World { dir, v, s, bundle }
}

fn assert_refused(into: &mut Party, path: &Path, expected: Refusal) {
    let before = dump(&into.j, ALL_TABLES);
    match import(into, path) {
        Err(Error::Refused(r)) => assert_eq!(r, expected),
        other => panic!("expected {expected:?}, got {other:?}"),
    }
    assert_eq!(dump(&into.j, ALL_TABLES), before, "a refused bundle changed the journal");
}

/// Encrypts `plaintext` as a bundle file to `to` (age recipients).
fn seal(path: &Path, to: &[&Party], plaintext: &[u8]) {
    let recipients: Vec<age::x25519::Recipient> =
        to.iter().map(|p| p.j.card().unwrap().age_recipient.parse().unwrap()).collect();
    let enc = age::Encryptor::with_recipients(recipients.iter().map(|r| r as &dyn age::Recipient)).unwrap();
    let mut w = enc.wrap_output(File::create(path).unwrap()).unwrap();
    w.write_all(plaintext).unwrap();
    w.finish().unwrap();
}

fn plaintext(p: &Party, path: &Path) -> Vec<u8> {
    let mut out = Vec::new();
    open_stream(path, &p.j.age_identity().unwrap()).unwrap().read_to_end(&mut out).unwrap();
    out
}

#[test]
fn refuses_what_is_not_a_bundle() {
    let mut w = world();
    let f = w.dir.path().join("notes.txt");
    fs::write(&f, "just some notes").unwrap();
    assert_refused(&mut w.s, &f, Refusal::NotABundle);
    fs::write(&f, "").unwrap();
    assert_refused(&mut w.s, &f, Refusal::NotABundle);
}

#[test]
fn refuses_a_bundle_truncated_anywhere() {
    let mut w = world();
    let bytes = fs::read(&w.bundle).unwrap();
    let f = w.dir.path().join("cut.bundle");
    for cut in [20, 100, bytes.len() / 3, bytes.len() / 2, bytes.len() - 17, bytes.len() - 1] {
        fs::write(&f, &bytes[..cut]).unwrap();
        let before = dump(&w.s.j, ALL_TABLES);
        assert!(
            matches!(import(&mut w.s, &f), Err(Error::Refused(Refusal::Damaged | Refusal::NotABundle))),
            "cut at {cut}"
        );
        assert_eq!(dump(&w.s.j, ALL_TABLES), before);
    }
}

/// An import sets the journal's connection for a bulk load and sets its
/// page cache back afterwards, whether the import went in or was refused
/// halfway through. Folding its log is left to the next idle moment, not to
/// the next save: commits fold a long log again only once that is done.
#[test]
fn an_import_leaves_its_log_to_the_next_idle_moment() {
    let mut w = world();
    let settings = |j: &Journal| -> (i64, i64) {
        let pragma = |name: &str| j.conn.query_row(&format!("PRAGMA {name}"), [], |r| r.get::<_, i64>(0)).unwrap();
        (pragma("cache_size"), pragma("wal_autocheckpoint"))
    };
    let (cache, fold_after) = settings(&w.s.j);
    assert!(fold_after > 0, "saves fold a long log");
    let bytes = fs::read(&w.bundle).unwrap();
    let cut = w.dir.path().join("cut.bundle");
    fs::write(&cut, &bytes[..bytes.len() - 17]).unwrap();
    assert!(import(&mut w.s, &cut).is_err());
    assert_eq!(settings(&w.s.j).0, cache);
    let bundle = w.bundle.clone();
    import(&mut w.s, &bundle).unwrap();
    assert_eq!(settings(&w.s.j), (cache, 0), "no save folds the import's log");
    w.s.j.tidy_while_idle().unwrap();
    assert_eq!(settings(&w.s.j), (cache, fold_after), "the idle moment folded it");
    assert_eq!(w.s.j.fold_log().unwrap(), 0);
}

#[test]
fn refuses_a_bundle_with_a_changed_byte() {
    let mut w = world();
    let mut bytes = fs::read(&w.bundle).unwrap();
    let at = bytes.len() - 40;
    bytes[at] ^= 0x20;
    let f = w.dir.path().join("flip.bundle");
    fs::write(&f, &bytes).unwrap();
    assert_refused(&mut w.s, &f, Refusal::Damaged);
}

#[test]
fn refuses_a_bundle_encrypted_to_someone_else() {
    let w = world();
    let mut other = party("Eve", Role::Volunteer);
    assert_refused(&mut other, &w.bundle, Refusal::NotForUs);
}

#[test]
fn refuses_unknown_and_revoked_signers() {
    let mut w = world();
    let mut stranger = party("Eve", Role::Volunteer);
    // Eve has Alex's card, but Alex does not have Eve's.
    let alex = w.s.j.card().unwrap();
    stranger.j.add_card(&alex).unwrap();
    stranger.j.add(Kind::Person, fields(json!({"alias": "E"}))).unwrap();
    let b = export(&mut stranger, &[&w.s.fp], false, w.dir.path(), "eve.bundle");
    assert_refused(&mut w.s, &b, Refusal::UnknownSigner);
    w.s.j.revoke_card(&w.v.fp).unwrap();
    assert_refused(&mut w.s, &w.bundle.clone(), Refusal::RevokedSigner);
}

#[test]
fn refuses_a_bundle_passed_on_by_a_recipient() {
    let w = world();
    let mut third = party("Eve", Role::Supervisor);
    // Eve trusts Sam, but Sam's bundle named Alex. Alex decrypts it and
    // re-encrypts the same signed content to Eve.
    let sam = w.v.j.card().unwrap();
    third.j.add_card(&sam).unwrap();
    let inner = plaintext(&w.s, &w.bundle);
    let passed_on = w.dir.path().join("passed-on.bundle");
    seal(&passed_on, &[&third], &inner);
    assert_refused(&mut third, &passed_on, Refusal::NotAddressedToUs);
}

#[test]
fn refuses_a_newer_or_older_format_and_its_own_bundles() {
    let mut w = world();
    let inner = plaintext(&w.s, &w.bundle);
    let text = String::from_utf8(inner).unwrap();
    let this = format!("\"version\":{VERSION}");
    let newer = text.replacen(&this, &format!("\"version\":{}", VERSION + 1), 1);
    assert_ne!(newer, text);
    let f = w.dir.path().join("newer.bundle");
    seal(&f, &[&w.s], newer.as_bytes());
    assert_refused(&mut w.s, &f, Refusal::TooNew(VERSION + 1));
    // Older: made before cards named devices.
    let older = text.replacen(&this, "\"version\":1", 1);
    seal(&f, &[&w.s], older.as_bytes());
    assert_refused(&mut w.s, &f, Refusal::TooOld(1));
    let own = w.bundle.clone();
    assert_refused(&mut w.v, &own, Refusal::OwnBundle);
}

/// The world's bundle with its event lines edited by `edit`, then made
/// whole again as the sender would: counts, ranges and hashes recomputed
/// and the manifest signed with the sender's own key.
fn resigned(w: &World, name: &str, edit: impl FnOnce(&mut Vec<String>)) -> std::path::PathBuf {
    let inner = String::from_utf8(plaintext(&w.s, &w.bundle)).unwrap();
    let all: Vec<String> = inner.lines().map(str::to_string).collect();
    let (header, trailer) = (all[0].clone(), all[all.len() - 1].clone());
    let mut events = all[1..all.len() - 1].to_vec();
    edit(&mut events);
    let payload: String = events.iter().map(|l| format!("{l}\n")).collect();
    let trailer: Trailer = serde_json::from_str(&trailer).unwrap();
    let mut manifest: Manifest = serde_json::from_str(&trailer.manifest).unwrap();
    manifest.payload_sha256 = hex(&Sha256::digest(payload.as_bytes()));
    manifest.events = events.len() as u64;
    for line in &events {
        let e: Event = serde_json::from_str(line).unwrap();
        let r = manifest.ranges.entry(e.device).or_insert((e.seq, e.seq));
        *r = (r.0.min(e.seq), r.1.max(e.seq));
    }
    let manifest = serde_json::to_string(&manifest).unwrap();
    let signature = w.v.j.signing_key().unwrap().sign(manifest.as_bytes());
    let trailer = serde_json::to_string(&Trailer { manifest, signature: B64.encode(signature.to_bytes()) }).unwrap();
    let f = w.dir.path().join(name);
    seal(&f, &[&w.s], format!("{header}\n{payload}{trailer}\n").as_bytes());
    f
}

fn assert_invalid_record(w: &mut World, f: &Path, expected: &str) {
    let before = dump(&w.s.j, ALL_TABLES);
    match import(&mut w.s, f) {
        Err(Error::Refused(Refusal::InvalidRecord(why))) => assert!(why.contains(expected), "{why}"),
        other => panic!("expected an invalid record, got {other:?}"),
    }
    assert_eq!(dump(&w.s.j, ALL_TABLES), before);
}

#[test]
fn refuses_a_resigned_bundle_with_an_invalid_record() {
    // Even correctly signed, a record that fails validation stops the import.
    let mut w = world();
    let f = resigned(&w, "invalid.bundle", |lines| {
        let i = lines.iter().position(|l| l.contains("\"minutes\"")).unwrap();
        lines[i] = lines[i].replacen("\"minutes\":{\"value\":0}", "\"minutes\":{\"value\":99999}", 1);
    });
    assert_invalid_record(&mut w, &f, "minutes must be between 0 and 1440");
}

/// A change to the first contact in `lines` that calls it a service, with
/// fields valid for a service: a new event line, numbered after the last.
fn forged_kind_change(lines: &[String]) -> String {
    let contact: Event = serde_json::from_str(lines.iter().find(|l| l.contains("\"contact\"")).unwrap()).unwrap();
    let last: Event = serde_json::from_str(lines.last().unwrap()).unwrap();
    let mut forged = Event { seq: last.seq + 1, hlc: last.hlc + 1, kind: Kind::Service, ..contact };
    forged.fields = fields(json!({"name": {"value": "Not a contact"}}));
    serde_json::to_string(&forged).unwrap()
}

#[test]
fn refuses_a_change_that_names_another_kind_than_its_record() {
    // A later event that calls a contact a service, with fields valid for a
    // service, must not be folded into the contact.
    let mut w = world();
    let f = resigned(&w, "kind.bundle", |lines| lines.push(forged_kind_change(lines)));
    assert_invalid_record(&mut w, &f, "another kind");
}

/// The bundle is applied as it is read and verified by its trailer at the
/// end. An invalid event, or one the applying side refuses, must not hide
/// that the bundle itself does not check out: that is the refusal given.
#[test]
fn a_bundle_that_does_not_check_out_is_refused_as_such_whatever_is_inside() {
    let mut w = world();
    // An event changed after signing, into one that would fail validation
    // or would not even parse: the signed hash no longer matches.
    let text = String::from_utf8(plaintext(&w.s, &w.bundle)).unwrap();
    let changed = text.replacen("\"minutes\":{\"value\":0}", "\"minutes\":{\"value\":99999}", 1);
    assert_ne!(changed, text);
    let f = w.dir.path().join("changed.bundle");
    seal(&f, &[&w.s], changed.as_bytes());
    assert_refused(&mut w.s, &f, Refusal::Damaged);
    let mut lines: Vec<&str> = text.lines().collect();
    lines[2] = "{\"not\": \"an event\"}";
    seal(&f, &[&w.s], (lines.join("\n") + "\n").as_bytes());
    assert_refused(&mut w.s, &f, Refusal::Damaged);

    // Correctly signed but passed on to a third party: an invalid event
    // (refused by the reading side) and a change of kind (refused by the
    // applying side) both give way to "not addressed to this journal".
    let mut third = party("Eve", Role::Supervisor);
    third.j.add_card(&w.v.j.card().unwrap()).unwrap();
    let invalid = resigned(&w, "invalid.bundle", |lines| {
        let i = lines.iter().position(|l| l.contains("\"minutes\"")).unwrap();
        lines[i] = lines[i].replacen("\"minutes\":{\"value\":0}", "\"minutes\":{\"value\":99999}", 1);
    });
    let other_kind = resigned(&w, "kind.bundle", |lines| {
        let forged = forged_kind_change(lines);
        lines.insert(1, forged);
    });
    for (name, signed) in [("invalid", &invalid), ("other-kind", &other_kind)] {
        let passed_on = w.dir.path().join(format!("passed-on-{name}.bundle"));
        seal(&passed_on, &[&third], &plaintext(&w.s, signed));
        assert_refused(&mut third, &passed_on, Refusal::NotAddressedToUs);
    }
    // Sent to the right journal, each is refused for what is inside.
    assert_invalid_record(&mut w, &invalid, "minutes must be between 0 and 1440");
    assert_invalid_record(&mut w, &other_kind, "another kind");
}

#[test]
fn a_changed_copy_of_a_bundle_imported_before_is_refused() {
    let mut w = world();
    import(&mut w.s, &w.bundle.clone()).unwrap();
    let text = String::from_utf8(plaintext(&w.s, &w.bundle)).unwrap();
    let changed = text.replacen("\"minutes\":{\"value\":0}", "\"minutes\":{\"value\":1}", 1);
    assert_ne!(changed, text);
    let f = w.dir.path().join("changed-copy.bundle");
    seal(&f, &[&w.s], changed.as_bytes());
    assert_refused(&mut w.s, &f, Refusal::Damaged);
    assert!(import(&mut w.s, &w.bundle.clone()).unwrap().already_imported);
}

/// The import reads on one thread and applies on another. A refusal
/// from the applying side early in a long bundle, while the reader is still
/// far ahead of it (and waiting to hand more over), must stop both and
/// leave nothing behind; so must one from the reading side.
#[test]
fn a_refusal_early_in_a_long_bundle_stops_both_threads() {
    let mut w = world();
    let p = w.v.j.add(Kind::Person, fields(json!({"alias": "R."}))).unwrap().id;
    // Enough for the search index to be written as a bulk load, and merged.
    let many = (0..1000)
        .map(|i| (Kind::Contact, fields(json!({"person": p, "how": "phone", "minutes": i % 60, "notes": "allotment"}))))
        .collect();
    w.v.j.add_batch(many).unwrap();
    w.bundle = export(&mut w.v, &[&w.s.fp], false, w.dir.path(), "long.bundle");
    let applying = resigned(&w, "early-kind.bundle", |lines| {
        let at = lines.iter().position(|l| l.contains("\"contact\"")).unwrap();
        let forged = forged_kind_change(lines);
        lines.insert(at + 1, forged);
    });
    assert_invalid_record(&mut w, &applying, "another kind");
    let reading = resigned(&w, "early-invalid.bundle", |lines| {
        let at = lines.iter().position(|l| l.contains("\"minutes\":{\"value\":3}")).unwrap();
        assert!(at < 100, "early in the bundle");
        lines[at] = lines[at].replacen("\"minutes\":{\"value\":3}", "\"minutes\":{\"value\":99999}", 1);
    });
    assert_invalid_record(&mut w, &reading, "minutes must be between 0 and 1440");
    // And the bundle as sent still imports whole, searchable.
    let summary = import(&mut w.s, &w.bundle).unwrap();
    assert_eq!(summary.kinds["contact"].new, 1001);
    let found = w.s.j.search("allotment", Page { limit: 1000, offset: 0 }).unwrap();
    assert_eq!(found.len(), 1000);
}

#[test]
fn random_damage_never_panics_and_never_applies_anything() {
    let mut w = world();
    let original = fs::read(&w.bundle).unwrap();
    let before = dump(&w.s.j, ALL_TABLES);
    let f = w.dir.path().join("mutant.bundle");
    let mut rng = rand::rngs::StdRng::seed_from_u64(42);
    use rand::{Rng, SeedableRng};
    for round in 0..300 {
        let mut bytes = original.clone();
        match round % 3 {
            0 => {
                let at = rng.gen_range(0..bytes.len());
                bytes[at] ^= 1 << rng.gen_range(0..8);
            }
            1 => bytes.truncate(rng.gen_range(0..bytes.len())),
            _ => {
                for _ in 0..rng.gen_range(1..8) {
                    let at = rng.gen_range(0..bytes.len());
                    bytes[at] = rng.gen();
                }
            }
        }
        if bytes == original {
            continue;
        }
        fs::write(&f, &bytes).unwrap();
        assert!(import(&mut w.s, &f).is_err(), "round {round}: a damaged bundle was accepted");
    }
    assert_eq!(dump(&w.s.j, ALL_TABLES), before);
    // And the undamaged bundle still imports afterwards.
    import(&mut w.s, &w.bundle.clone()).unwrap();
}

// ---------------------------------------------------------------------------
// Convergence

#[derive(Clone, Debug)]
enum Step {
    Edit(u8, u8, u8),
    Share(u8, u8),
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        4 => (0u8..3, any::<u8>(), any::<u8>()).prop_map(|(w, r, v)| Step::Edit(w, r, v)),
        2 => (0u8..3, 0u8..3).prop_map(|(a, b)| Step::Share(a, b)),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    /// Three devices of one journal edit its records, exchanging some
    /// bundles as they go (each device's file to the observers, read by a
    /// sibling too). Two observers (supervisors) then import every bundle
    /// made, in two random orders and with duplicates: both reach the same
    /// state, and so do the devices once they have everything.
    #[test]
    fn bundles_in_any_order_with_duplicates_converge(
        steps in prop::collection::vec(step(), 1..14),
        order_seed in any::<u64>(),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let mut first = party("D", Role::Volunteer);
        // Shared starting point: the first device makes a person and three
        // contacts, then the journal is copied to two more computers.
        let p = first.j.add(Kind::Person, fields(json!({"alias": "R"}))).unwrap().id;
        let contacts: Vec<RecordId> = (0..3)
            .map(|i| first.j.add(Kind::Contact, fields(json!({"person": p, "how": "phone", "notes": format!("start {i}")}))).unwrap().id)
            .collect();
        let second = second_device(&mut first);
        let third = second_device(&mut first);
        let mut devices = vec![first, second, third];
        let mut observers: Vec<Party> = (0..2).map(|i| party(&format!("O{i}"), Role::Supervisor)).collect();
        for o in observers.iter_mut() {
            for d in devices.iter_mut() {
                trust(d, o);
            }
        }
        let fps: Vec<Fingerprint> = observers.iter().map(|o| o.fp.clone()).collect();
        let mut made = vec![];
        let mut n = 0;
        let mut to_observers = |devices: &mut Vec<Party>, from: usize, made: &mut Vec<std::path::PathBuf>| {
            let to: Vec<&Fingerprint> = fps.iter().collect();
            n += 1;
            let b = export(&mut devices[from], &to, true, dir.path(), &format!("{n}.bundle"));
            made.push(b.clone());
            b
        };
        for s in steps {
            match s {
                Step::Edit(w, r, v) => {
                    let c = &contacts[r as usize % 3];
                    let change = if v % 2 == 0 { json!({"notes": format!("note {v}")}) } else { json!({"minutes": v as i64 % 120}) };
                    devices[w as usize].j.update(c, fields(change)).unwrap();
                }
                Step::Share(a, b) if a != b => {
                    let bundle = to_observers(&mut devices, a as usize, &mut made);
                    import(&mut devices[b as usize], &bundle).unwrap();
                }
                Step::Share(..) => {}
            }
        }
        for i in 0..3 {
            to_observers(&mut devices, i, &mut made);
        }
        let mut rng = rand::rngs::StdRng::seed_from_u64(order_seed);
        use rand::SeedableRng;
        use rand::seq::SliceRandom;
        for o in observers.iter_mut() {
            let mut order = made.clone();
            order.extend(made.iter().take(3).cloned()); // duplicates
            order.shuffle(&mut rng);
            for b in &order {
                import(o, b).unwrap();
            }
        }
        prop_assert_eq!(state(&observers[0].j), state(&observers[1].j));
        // Every device, given everything, agrees with the observers.
        for device in devices.iter_mut() {
            for b in &made {
                let _ = import(device, b); // its own bundles are refused
            }
            prop_assert_eq!(state(&device.j), state(&observers[0].j));
        }
    }
}

/// An export streams: each part of the log is read in (device, seq) order
/// straight from indexes, for a volunteer and for a supervisor, with no
/// sort that would gather every event first.
#[test]
fn an_export_reads_the_log_in_order_without_sorting() {
    let (mut v, mut s) = (party("Sam", Role::Volunteer), party("Ruth", Role::Supervisor));
    trust(&mut v, &mut s);
    for (p, role, to) in [(&v, Role::Volunteer, &s.fp), (&s, Role::Supervisor, &v.fp)] {
        for full in [true, false] {
            let selection = Selection::new(&p.j, &[to.to_string()], role, full).unwrap();
            selection.prepare_after(&p.j.conn).unwrap();
            for part in [LogPart::Events, LogPart::HeldByRecords] {
                let sql = format!("EXPLAIN QUERY PLAN {}", selection.sql(part));
                let mut stmt = p.j.conn.prepare(&sql).unwrap();
                let plan: Vec<String> =
                    stmt.query_map([], |r| r.get(3)).unwrap().collect::<rusqlite::Result<_>>().unwrap();
                assert!(!plan.iter().any(|step| step.contains("TEMP B-TREE")), "{plan:#?}");
                assert!(plan.iter().any(|step| step.contains("INDEX")), "{plan:#?}");
            }
        }
    }
}

/// A journal from before migration 0013, whose records name their devices
/// by id, keeps every record (and its rowid, its key in the search index)
/// and every event of its log through the migration, and goes on
/// exchanging bundles.
#[test]
fn a_journal_from_before_device_numbers_keeps_its_records_and_log() {
    let dir = tempfile::tempdir().unwrap();
    let (mut v, mut s) = (party("Sam", Role::Volunteer), party("Alex", Role::Supervisor));
    trust(&mut v, &mut s);
    volunteer_with_everything(&mut v);
    send(&mut v, &mut s, false, dir.path(), "v1.bundle").unwrap();
    // Records from two devices: the volunteer's, and the supervisor's own,
    // one of them changed since, and a note about the volunteer's person.
    let service = s.j.add(Kind::Service, fields(json!({"name": "Library", "category": "other"}))).unwrap().id;
    s.j.update(&service, fields(json!({"opening_times": "late on Thursdays"}))).unwrap();
    let theirs = s.j.list(Kind::Person, None, Page::default()).unwrap()[0].as_person().unwrap();
    let note = json!({"volunteer": v.fp, "person": theirs, "text": "ask how the library went"});
    let note = s.j.add(Kind::SupervisionNote, fields(note)).unwrap().id;
    let rows = |j: &Journal| {
        let mut out = dump(j, &["events"]);
        out.extend(state(j));
        let sql =
            "SELECT rowid, id FROM records UNION ALL SELECT device || seq, fields || ifnull(source, '') FROM event_log";
        let mut stmt = j.conn.prepare(sql).unwrap();
        let mut more: Vec<String> = stmt
            .query_map([], |r| Ok(format!("{:?} {:?}", r.get::<_, rusqlite::types::Value>(0)?, r.get::<_, String>(1)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        more.sort();
        out.extend(more);
        out
    };
    let before = rows(&s.j);
    let found = |j: &mut Journal| j.search("library", Page::default()).unwrap().len();
    assert_eq!(found(&mut s.j), 2);
    s.j.conn.execute_batch(crate::store::UNDO_OWNERSHIP).unwrap();
    s.j.conn.execute_batch(crate::store::UNDO_DEVICE_NUMBERS).unwrap();
    let old: String =
        s.j.conn.query_row("SELECT created_device FROM records WHERE id = ?1", [&service], |r| r.get(0)).unwrap();
    assert_eq!(old, s.j.device_id().unwrap(), "the journal is as an older build left it");
    let Party { _dir: home, j, fp } = s;
    drop(j);
    let mut s = Party { j: Journal::open(home.path(), "correct horse battery").unwrap(), _dir: home, fp };
    assert_eq!(rows(&s.j), before);
    assert_eq!(found(&mut s.j), 2);
    assert!(s.j.check().unwrap().ok, "{:?}", s.j.check().unwrap().problems);
    // What changed here still goes back; what comes next still goes in.
    v.j.add(Kind::Service, fields(json!({"name": "Food bank", "category": "food"}))).unwrap();
    send(&mut v, &mut s, false, dir.path(), "v2.bundle").unwrap();
    let back = send(&mut s, &mut v, false, dir.path(), "s.bundle").unwrap();
    assert_eq!(back.events, 3, "the service made and changed, and the note");
    assert_eq!(v.j.get(&service).unwrap().fields["opening_times"], "late on Thursdays");
    let timeline = v.j.timeline(&theirs, Page::default()).unwrap();
    assert!(timeline.iter().any(|r| r.id == note), "the note is on the person's timeline");
    // A record whose device number has lost its device is reported.
    s.j.conn.execute("DELETE FROM devices WHERE id = ?1", [v.j.device_id().unwrap()]).unwrap();
    let report = s.j.check().unwrap();
    assert!(!report.ok);
    assert!(report.problems.iter().any(|p| p.contains("name a device the journal does not know")), "{report:?}");
}

/// An export into a folder that does not exist says so of the file asked
/// for (not of the partial file it writes first), and changes nothing.
#[test]
fn an_export_into_a_missing_folder_says_so_plainly_and_changes_nothing() {
    let (mut v, mut s) = (party("Sam", Role::Volunteer), party("Alex", Role::Supervisor));
    trust(&mut v, &mut s);
    volunteer_with_everything(&mut v);
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("no such folder").join("for Alex.pjbundle");
    let before = dump(&v.j, ALL_TABLES);
    let e =
        v.j.export_bundle(&ExportOptions { to: vec![s.fp.clone()], full: false }, &out, &mut |_, _| {})
            .unwrap_err()
            .to_string();
    assert_eq!(e, format!("could not write {}: it, or the folder it is in, does not exist", out.display()));
    assert_eq!(dump(&v.j, ALL_TABLES), before);
}

#[path = "trust_tests.rs"]
mod trust;

/// A demo journal and a real one never take each other's cards, and a
/// demo's card says it is one (a real card is as it always was).
#[test]
fn demo_journals_and_real_ones_never_mix() {
    let demo_dir = tempfile::tempdir().unwrap();
    let demo = Journal::create_demo(demo_dir.path()).unwrap();
    assert!(demo.is_demo().unwrap() && demo.status().unwrap().demo);
    drop(demo);
    // Its passphrase is the known one, its role a volunteer's.
    let mut demo = Journal::open(demo_dir.path(), crate::journal::DEMO_PASSPHRASE).unwrap();
    assert_eq!(demo.status().unwrap().role, Role::Volunteer);
    let mut real = party("Kim", Role::Supervisor);
    assert!(!real.j.is_demo().unwrap());

    let demo_card = demo.card().unwrap();
    assert!(demo_card.demo && serde_json::to_string(&demo_card).unwrap().contains("\"demo\""));
    let real_card = real.j.card().unwrap();
    assert!(!real_card.demo && !serde_json::to_string(&real_card).unwrap().contains("demo"));
    let e = real.j.add_card(&demo_card).unwrap_err().to_string();
    assert!(e.contains("demo journal"), "{e}");
    let e = demo.add_card(&real_card).unwrap_err().to_string();
    assert!(e.contains("demo journal"), "{e}");
    assert!(real.j.roster().unwrap().is_empty() && demo.roster().unwrap().is_empty());
    // Between demo journals, cards go as ever.
    let other_dir = tempfile::tempdir().unwrap();
    let other = Journal::create_demo(other_dir.path()).unwrap();
    demo.add_card(&other.card().unwrap()).unwrap();
}

#[test]
fn a_bundle_is_looked_at_before_import_and_says_who_it_is_from() {
    let mut v = party("Sam", Role::Volunteer);
    let mut s = party("Morgan", Role::Supervisor);
    trust(&mut v, &mut s);
    let p = v.j.add(Kind::Person, fields(json!({"alias": "R.M.", "consent": true}))).unwrap().as_person().unwrap();
    v.j.add(Kind::Contact, fields(json!({"person": p, "how": "phone", "minutes": 30}))).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let b = export(&mut v, &[&s.fp.clone()], false, dir.path(), "b.pjbundle");
    let before = dump(&s.j, ALL_TABLES);
    let look = s.j.peek_bundle(&b).unwrap();
    assert_eq!((look.sender.as_str(), &look.sender_fingerprint, look.sender_role), ("Sam", &v.fp, Role::Volunteer));
    assert!(!look.already_imported && !look.from_this_journal);
    assert_eq!(dump(&s.j, ALL_TABLES), before, "looking changed the journal");
    import(&mut s, &b).unwrap();
    assert!(s.j.peek_bundle(&b).unwrap().already_imported);
    // Its writer cannot bring it in, and a stranger cannot open it.
    assert!(matches!(v.j.peek_bundle(&b), Err(Error::Refused(Refusal::OwnBundle))));
    let stranger = party("Kim", Role::Supervisor);
    assert!(matches!(stranger.j.peek_bundle(&b), Err(Error::Refused(Refusal::NotForUs))));
}

#[test]
fn a_stopped_import_or_export_changes_nothing() {
    let mut v = party("Sam", Role::Volunteer);
    let mut s = party("Morgan", Role::Supervisor);
    trust(&mut v, &mut s);
    let p = v.j.add(Kind::Person, fields(json!({"alias": "R.M.", "consent": true}))).unwrap().as_person().unwrap();
    for i in 0..2500 {
        v.j.add(Kind::Contact, fields(json!({"person": p, "how": "phone", "notes": format!("visit {i}")}))).unwrap();
    }
    let dir = tempfile::tempdir().unwrap();
    // An export stopped part way leaves no file, finished or partial.
    let stop = v.j.stop_flag();
    let out = dir.path().join("stopped.pjbundle");
    let options = ExportOptions { to: vec![s.fp.clone()], full: false };
    let stopped = v.j.export_bundle(&options, &out, &mut |done, _| {
        if done >= 1000 {
            stop.store(true, std::sync::atomic::Ordering::Relaxed);
        }
    });
    assert!(matches!(stopped, Err(Error::Cancelled)), "{stopped:?}");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0, "the stopped export left a file");
    // The flag is cleared as the next one starts.
    let b = export(&mut v, &[&s.fp.clone()], false, dir.path(), "b.pjbundle");

    // An import stopped part way is rolled back; the progress counts the
    // file's bytes up to its size.
    let before = (dump(&s.j, ALL_TABLES), search_dump(&s.j));
    let stop = s.j.stop_flag();
    let size = std::fs::metadata(&b).unwrap().len();
    let mut seen = Vec::new();
    let stopped = s.j.import_bundle(&b, &mut |done, total| {
        seen.push((done, total));
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
    });
    assert!(matches!(stopped, Err(Error::Cancelled)), "{stopped:?}");
    assert_eq!((dump(&s.j, ALL_TABLES), search_dump(&s.j)), before, "a stopped import changed the journal");
    assert!(seen.iter().all(|&(done, total)| total == size && done <= size), "{seen:?}");
    let mut last = (0, 0);
    let summary = s.j.import_bundle(&b, &mut |done, total| last = (done, total)).unwrap();
    assert_eq!(summary.events, 2501);
    assert_eq!(last, (size, size));
}

#[test]
fn the_volunteers_roster_counts_what_each_sent() {
    let mut sam = party("Sam", Role::Volunteer);
    let mut jo = party("Jo", Role::Volunteer);
    let mut morgan = party("Morgan", Role::Supervisor);
    trust(&mut sam, &mut morgan);
    trust(&mut jo, &mut morgan);
    let p = sam.j.add(Kind::Person, fields(json!({"alias": "R.M.", "consent": true}))).unwrap().as_person().unwrap();
    sam.j.add(Kind::Contact, fields(json!({"person": p, "how": "phone", "flag": true}))).unwrap();
    sam.j.add(Kind::Contact, fields(json!({"person": p, "how": "phone"}))).unwrap();
    sam.j
        .add(Kind::Concern, fields(json!({"person": p, "category": "wellbeing", "urgency": "low", "notes": "x"})))
        .unwrap();
    // A private reflection stays with Sam.
    sam.j.add(Kind::Reflection, fields(json!({"text": "mine alone"}))).unwrap();
    let dir = tempfile::tempdir().unwrap();
    send(&mut sam, &mut morgan, false, dir.path(), "1.pjbundle").unwrap();
    let roster = morgan.j.volunteers().unwrap();
    assert_eq!(roster.iter().map(|v| v.card.name.as_str()).collect::<Vec<_>>(), vec!["Jo", "Sam"]);
    let (jo_row, sam_row) = (&roster[0], &roster[1]);
    assert_eq!((jo_row.files, jo_row.changes, jo_row.last_file_at.is_none()), (0, 0, true));
    assert_eq!(
        (sam_row.files, sam_row.changes, sam_row.people, sam_row.open_concerns, sam_row.flagged),
        (1, 4, 1, 1, 1)
    );
    // Sent again, each change still counts once.
    send(&mut sam, &mut morgan, true, dir.path(), "again.pjbundle").unwrap();
    assert_eq!(morgan.j.volunteers().unwrap()[1].changes, 4);
    assert!(sam_row.last_file_at.is_some());
    // Morgan's own records are nobody's on this list.
    morgan.j.add(Kind::Service, fields(json!({"name": "Food bank", "category": "food"}))).unwrap();
    assert_eq!(morgan.j.volunteers().unwrap()[1].changes, 4);
}

#[test]
fn a_supervisors_review_lists_what_needs_a_look() {
    use crate::journal::review::ReviewOptions;
    let mut sam = party("Sam", Role::Volunteer);
    let mut jo = party("Jo", Role::Volunteer);
    let mut morgan = party("Morgan", Role::Supervisor);
    trust(&mut sam, &mut morgan);
    trust(&mut jo, &mut morgan);
    let add = |p: &mut Party, kind: Kind, v: Value| p.j.add(kind, fields(v)).unwrap();
    let rosa = add(&mut sam, Kind::Person, json!({"alias": "R.M.", "consent": true})).as_person().unwrap();
    let ben = add(&mut sam, Kind::Person, json!({"alias": "B.J.", "consent": true})).as_person().unwrap();
    let kit = add(&mut jo, Kind::Person, json!({"alias": "K.T.", "consent": true})).as_person().unwrap();
    // Rosa: known for a year and a half, last seen two months ago, a flagged issue.
    add(&mut sam, Kind::Contact, json!({"person": rosa, "at": "2025-05-01T10:00", "how": "home-visit"}));
    add(&mut sam, Kind::Contact, json!({"person": rosa, "at": crate::model::kinds::months_ago(2), "how": "phone"}));
    add(
        &mut sam,
        Kind::BoundaryIssue,
        json!({"person": rosa, "category": "gifts-or-money", "what_happened": "cash", "flag": true}),
    );
    // Ben: seen today; a concern; a signpost past its reminder.
    add(&mut sam, Kind::Contact, json!({"person": ben, "how": "phone"}));
    add(&mut sam, Kind::Concern, json!({"person": ben, "category": "wellbeing", "urgency": "low", "notes": "x"}));
    let svc = add(&mut morgan, Kind::Service, json!({"name": "Food bank", "category": "food"})).id;
    let dir = tempfile::tempdir().unwrap();
    send(&mut morgan, &mut sam, false, dir.path(), "svc.pjbundle").unwrap();
    add(&mut sam, Kind::Signpost, json!({"person": ben, "service": svc, "status": "made", "reminder": "2026-01-01"}));
    add(&mut sam, Kind::Reflection, json!({"text": "I felt stuck", "shared": true}));
    add(&mut sam, Kind::Reflection, json!({"text": "private"}));
    // Nia: added by Sam three months ago, and no contact yet.
    let nia = add(&mut sam, Kind::Person, json!({"alias": "N.A.", "consent": true})).id;
    let three_months_ago = crate::model::hlc::wall_ms() - 91 * 24 * 60 * 60 * 1000;
    sam.j
        .conn
        .execute("UPDATE records SET created_hlc = ?1 WHERE id = ?2", rusqlite::params![three_months_ago << 16, nia])
        .unwrap();
    // Kit (Jo's): seen three months ago; their support ended.
    add(&mut jo, Kind::Contact, json!({"person": kit, "at": crate::model::kinds::months_ago(3), "how": "phone"}));
    add(&mut jo, Kind::Ending, json!({"person": kit, "on": crate::model::kinds::months_ago(0), "planned": true}));
    send(&mut sam, &mut morgan, false, dir.path(), "sam.pjbundle").unwrap();
    send(&mut jo, &mut morgan, false, dir.path(), "jo.pjbundle").unwrap();

    let everyone = ReviewOptions { volunteer: None, quiet_weeks: 4, long_months: 12 };
    let r = morgan.j.review(&everyone).unwrap();
    assert_eq!(r.concerns.len(), 1);
    assert_eq!(r.flagged.iter().map(|x| x.kind).collect::<Vec<_>>(), vec![Kind::BoundaryIssue]);
    assert_eq!(r.shared_reflections.len(), 1, "only the shared one");
    assert_eq!(r.stale_signposts.len(), 1);
    let names = |l: &[crate::journal::review::PersonSince]| -> Vec<String> {
        l.iter().map(|p| p.person.fields["alias"].as_str().unwrap().to_string()).collect()
    };
    // Kit's support ended: on neither list. Nia, added (on Sam's clock)
    // before Rosa's last contact, has had none: first on the quiet list.
    assert_eq!(names(&r.quiet_people), vec!["N.A.", "R.M."]);
    assert_eq!(r.quiet_people[0].since, None);
    let added = chrono::DateTime::parse_from_rfc3339(&r.quiet_people[0].person.created_at).unwrap();
    assert_eq!(added.timestamp_millis() / 1000, three_months_ago / 1000);
    assert_eq!(names(&r.long_relationships), vec!["R.M."]);
    assert_eq!(r.long_relationships[0].since.as_deref(), Some("2025-05-01T10:00"));
    // One volunteer's alone.
    let jos = morgan.j.review(&ReviewOptions { volunteer: Some(jo.fp.clone()), ..everyone }).unwrap();
    assert!(jos.concerns.is_empty() && jos.flagged.is_empty() && jos.quiet_people.is_empty());
}

#[test]
fn a_report_can_count_one_volunteers_records() {
    use crate::reports::report::Period;
    let mut sam = party("Sam", Role::Volunteer);
    let mut jo = party("Jo", Role::Volunteer);
    let mut morgan = party("Morgan", Role::Supervisor);
    trust(&mut sam, &mut morgan);
    trust(&mut jo, &mut morgan);
    for (v, visits) in [(&mut sam, 3), (&mut jo, 1)] {
        let p = v.j.add(Kind::Person, fields(json!({"alias": "R.M.", "consent": true}))).unwrap().as_person().unwrap();
        for _ in 0..visits {
            v.j.add(Kind::Contact, fields(json!({"person": p, "how": "home-visit", "minutes": 60}))).unwrap();
        }
    }
    let dir = tempfile::tempdir().unwrap();
    send(&mut sam, &mut morgan, false, dir.path(), "sam.pjbundle").unwrap();
    send(&mut jo, &mut morgan, false, dir.path(), "jo.pjbundle").unwrap();
    let all = morgan.j.report(Period::default()).unwrap();
    let sams = morgan.j.report_of(Period::default(), Some(&sam.fp)).unwrap();
    let jos = morgan.j.report_of(Period::default(), Some(&jo.fp)).unwrap();
    assert_eq!((all.contacts, all.minutes, all.people), (4, 240, 2));
    assert_eq!((sams.contacts, sams.minutes, sams.people), (3, 180, 1));
    assert_eq!((jos.contacts, jos.minutes, jos.people), (1, 60, 1));
    assert_eq!(sams.months.iter().map(|m| m.contacts).sum::<u32>(), 3);
}

#[test]
fn what_is_waiting_counts_only_what_a_file_would_carry() {
    let mut sam = party("Sam", Role::Volunteer);
    let mut jo = party("Jo", Role::Volunteer);
    let mut morgan = party("Morgan", Role::Supervisor);
    trust(&mut sam, &mut morgan);
    trust(&mut jo, &mut morgan);
    let p = sam.j.add(Kind::Person, fields(json!({"alias": "R.M.", "consent": true}))).unwrap().as_person().unwrap();
    sam.j.add(Kind::Contact, fields(json!({"person": p, "how": "phone"}))).unwrap();
    // Private reflections are never sent: nothing waits for them.
    sam.j.add(Kind::Reflection, fields(json!({"text": "mine alone"}))).unwrap();
    sam.j.add(Kind::Reflection, fields(json!({"text": "also mine"}))).unwrap();
    let waiting = |p: &Party, name: &str| {
        let s = p.j.peer_status().unwrap().into_iter().find(|s| s.card.name == name).unwrap();
        (s.waiting_changes, s.received_changes)
    };
    assert_eq!(waiting(&sam, "Morgan"), (2, 0));
    assert!(morgan.j.peer_status().unwrap().iter().all(|s| s.last_received.is_none()));
    let dir = tempfile::tempdir().unwrap();
    send(&mut sam, &mut morgan, false, dir.path(), "1.pjbundle").unwrap();
    let from = |p: &Party, name: &str| p.j.peer_status().unwrap().into_iter().find(|s| s.card.name == name).unwrap();
    assert!(from(&morgan, "Sam").last_received.is_some() && from(&morgan, "Jo").last_received.is_none());
    // Morgan's note for Sam and a service wait for Sam; neither a note for Jo.
    morgan.j.add(Kind::Service, fields(json!({"name": "Food bank", "category": "food"}))).unwrap();
    let note = |to: &Fingerprint| json!({"volunteer": to, "text": "well done"});
    morgan.j.add(Kind::SupervisionNote, fields(note(&sam.fp))).unwrap();
    morgan.j.add(Kind::SupervisionNote, fields(note(&jo.fp))).unwrap();
    assert_eq!(waiting(&morgan, "Sam"), (2, 0));
    assert_eq!(waiting(&morgan, "Jo"), (2, 0));
    send(&mut morgan, &mut sam, false, dir.path(), "2.pjbundle").unwrap();
    // Sam's receipt for Morgan's changes comes back in Sam's next file; Sam's
    // own two changes are then confirmed, the reflections never waiting.
    send(&mut sam, &mut morgan, false, dir.path(), "3.pjbundle").unwrap();
    assert_eq!(waiting(&morgan, "Sam"), (0, 2));
    send(&mut morgan, &mut sam, false, dir.path(), "4.pjbundle").unwrap();
    assert_eq!(waiting(&sam, "Morgan"), (0, 2));
}

#[test]
fn a_missing_file_shows_on_the_roster_and_private_reflections_do_not() {
    let mut sam = party("Sam", Role::Volunteer);
    let mut morgan = party("Morgan", Role::Supervisor);
    trust(&mut sam, &mut morgan);
    let dir = tempfile::tempdir().unwrap();
    let p = sam.j.add(Kind::Person, fields(json!({"alias": "R.M.", "consent": true}))).unwrap().as_person().unwrap();
    let contact = |sam: &mut Party| {
        sam.j.add(Kind::Contact, fields(json!({"person": p, "how": "phone"}))).unwrap();
    };
    contact(&mut sam);
    sam.j.add(Kind::Reflection, fields(json!({"text": "mine alone"}))).unwrap();
    contact(&mut sam);
    send(&mut sam, &mut morgan, false, dir.path(), "1.pjbundle").unwrap();
    let missing = |m: &Party| m.j.volunteers().unwrap()[0].missing.clone();
    // Seq 3, the private reflection, is no gap.
    assert_eq!(missing(&morgan), vec![]);
    // Morgan's journal as it was now, kept aside (a backup, say).
    let kept = tempfile::tempdir().unwrap();
    let morgan_dir = morgan.j.status().unwrap().journal_dir;
    for entry in std::fs::read_dir(&morgan_dir).unwrap().flatten() {
        std::fs::copy(entry.path(), kept.path().join(entry.file_name())).unwrap();
    }
    // Seqs 5-6 go to Morgan, whose receipt comes back to Sam...
    contact(&mut sam);
    contact(&mut sam);
    send(&mut sam, &mut morgan, false, dir.path(), "2.pjbundle").unwrap();
    send(&mut morgan, &mut sam, false, dir.path(), "back.pjbundle").unwrap();
    // ...but Morgan goes back to the copy kept aside, and Sam sends only what
    // came after: 5-6 are missing there, and the roster says so.
    let mut restored =
        Party { fp: morgan.fp.clone(), j: Journal::open(kept.path(), "correct horse battery").unwrap(), _dir: kept };
    contact(&mut sam);
    send(&mut sam, &mut restored, false, dir.path(), "3.pjbundle").unwrap();
    assert_eq!(missing(&restored), vec![(5, 6)]);
    // A full file fills it in.
    send(&mut sam, &mut restored, true, dir.path(), "4.pjbundle").unwrap();
    assert_eq!(missing(&restored), vec![]);
}

/// A service the supervisor retires reaches the volunteer in the next file
/// like any change to the directory: no longer offered there for a new
/// signpost, while the volunteer's signposts that name it keep it. Only
/// the supervisor retires it; the volunteer's own services stay theirs to
/// retire. A signpost written before the news arrived is imported as it
/// is, never refused.
#[test]
fn a_retired_service_reaches_the_volunteer_and_old_signposts_keep_it() {
    let dir = tempfile::tempdir().unwrap();
    let (mut v, mut s) = (party("Sam", Role::Volunteer), party("Alex", Role::Supervisor));
    trust(&mut v, &mut s);
    let food = s.j.add(Kind::Service, fields(json!({"name": "Food bank", "category": "food"}))).unwrap().id;
    send(&mut s, &mut v, false, dir.path(), "directory.bundle").unwrap();
    let p = v.j.add(Kind::Person, fields(json!({"alias": "R.M."}))).unwrap().as_person().unwrap();
    let old = v.j.add(Kind::Signpost, fields(json!({"person": p, "service": food, "status": "made"}))).unwrap().id;
    let own = v.j.add(Kind::Service, fields(json!({"name": "Library"}))).unwrap().id;
    let offered = |j: &Journal| -> Vec<RecordId> {
        j.offered_services(Page::default()).unwrap().into_iter().map(|r| r.id).collect()
    };
    assert_eq!(offered(&v.j), [own.clone(), food.clone()]);

    // The volunteer may not retire the supervisor's service, only their own.
    assert!(matches!(v.j.retire_service(&food), Err(Error::NotAllowed(_))));
    v.j.retire_service(&own).unwrap();
    v.j.unretire_service(&own).unwrap();

    // The supervisor retires it; the volunteer, not yet told, signposts to it.
    s.j.retire_service(&food).unwrap();
    assert!(offered(&s.j).is_empty());
    let unaware =
        v.j.add(Kind::Signpost, fields(json!({"person": p, "service": food, "status": "suggested"}))).unwrap().id;
    let summary = send(&mut v, &mut s, false, dir.path(), "unaware.bundle").unwrap();
    assert_eq!(summary.kinds["signpost"].new, 2, "a signpost to a retired service is never refused on import");
    assert_eq!(s.j.get(&unaware).unwrap().fields["service"], food.as_str());

    // Then the news arrives.
    let summary = send(&mut s, &mut v, false, dir.path(), "retired.bundle").unwrap();
    assert_eq!(summary.kinds["service"].updated, 1);
    assert_eq!(offered(&v.j), std::slice::from_ref(&own));
    for signpost in [&old, &unaware] {
        assert_eq!(v.j.get(signpost).unwrap().fields["service"], food.as_str());
    }
    let refused = v.j.add(Kind::Signpost, fields(json!({"person": p, "service": food}))).unwrap_err();
    assert!(refused.to_string().contains("no longer taking referrals"), "{refused}");
    v.j.update(&old, fields(json!({"status": "attended"}))).unwrap();

    // Brought back by the supervisor, it is offered again.
    s.j.unretire_service(&food).unwrap();
    send(&mut s, &mut v, false, dir.path(), "back.bundle").unwrap();
    assert_eq!(offered(&v.j), [own, food]);
}
