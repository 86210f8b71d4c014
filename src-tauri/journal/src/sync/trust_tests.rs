//! Sync trust, tried as a hostile journal would: bundles forged with a real
//! rostered key, whole and correctly signed, that carry what their sender
//! may not send. Each is refused with every table (and the search index)
//! exactly as it was; what the honest journals send afterwards still goes
//! in. Also: erasure worked out by the receiver, a supervisor's own
//! forgetting, bounded clocks, and the plain-words failures found by the
//! same testing.

use super::*;
use crate::model::event::Op;
use crate::model::ids::DeviceId;
use rusqlite::params;

/// The world of the forgeries: two volunteers (Sam, Kim) and their
/// supervisor (Alex), each trusting the others, with something of each
/// already at the supervisor's: Kim's person, contact and urgent concern;
/// Alex's own service and a note for Sam; Sam's person and contact.
struct Three {
    dir: tempfile::TempDir,
    sam: Party,
    kim: Party,
    alex: Party,
    sam_person: PersonId,
    sam_contact: RecordId,
    kim_person: PersonId,
    kim_contact: RecordId,
    kim_concern: RecordId,
    alex_service: RecordId,
    alex_note: RecordId,
}

fn three() -> Three {
    let dir = tempfile::tempdir().unwrap();
    let mut sam = party("Sam", Role::Volunteer);
    let mut kim = party("Kim", Role::Volunteer);
    let mut alex = party("Alex", Role::Supervisor);
    trust(&mut sam, &mut alex);
    trust(&mut kim, &mut alex);
    trust(&mut sam, &mut kim);
    let sam_person = sam.j.add(Kind::Person, fields(json!({"alias": "S.P."}))).unwrap().as_person().unwrap();
    let sam_contact = sam.j.add(Kind::Contact, fields(json!({"person": sam_person, "how": "phone"}))).unwrap().id;
    let kim_person = kim.j.add(Kind::Person, fields(json!({"alias": "K.P."}))).unwrap().as_person().unwrap();
    let kim_contact = kim
        .j
        .add(Kind::Contact, fields(json!({"person": kim_person, "how": "phone", "notes": "Kim's own words"})))
        .unwrap()
        .id;
    let concern = json!({"person": kim_person, "category": "safeguarding", "urgency": "immediate", "notes": "urgent"});
    let kim_concern = kim.j.add(Kind::Concern, fields(concern)).unwrap().id;
    send(&mut sam, &mut alex, false, dir.path(), "sam0.bundle").unwrap();
    send(&mut kim, &mut alex, false, dir.path(), "kim0.bundle").unwrap();
    let alex_service = alex.j.add(Kind::Service, fields(json!({"name": "Food bank"}))).unwrap().id;
    let note = json!({"volunteer": sam.fp, "about": sam_contact, "text": "well done"});
    let alex_note = alex.j.add(Kind::SupervisionNote, fields(note)).unwrap().id;
    send(&mut alex, &mut sam, false, dir.path(), "alex0.bundle").unwrap();
    Three {
        dir,
        sam,
        kim,
        alex,
        sam_person,
        sam_contact,
        kim_person,
        kim_contact,
        kim_concern,
        alex_service,
        alex_note,
    }
}

/// A bundle from `from` to `to` made of `events` as they are, however
/// forged, and otherwise whole: `card` (the sender's own, unless given) in
/// its header, counts, ranges and hashes right, signed with the sender's
/// real key. What someone holding a rostered key can make.
fn forge(from: &Party, to: &Party, events: &[Event], card: Option<crate::sync::cards::Card>, path: &Path) {
    forge_with_receipts(from, to, events, card, Vec::new(), path)
}

/// [`forge`], with `receipts` in its manifest.
fn forge_with_receipts(
    from: &Party,
    to: &Party,
    events: &[Event],
    card: Option<crate::sync::cards::Card>,
    receipts: Vec<Receipt>,
    path: &Path,
) {
    let card = card.unwrap_or_else(|| from.j.card().unwrap());
    let header = serde_json::to_string(&Header {
        format: FORMAT.into(),
        version: VERSION,
        bundle_id: Uuid::now_v7().to_string(),
        sender: from.fp.to_string(),
        device: from.j.device_id().unwrap().into(),
        card: serde_json::to_value(card).unwrap(),
    })
    .unwrap();
    let payload: String = events.iter().map(|e| format!("{}\n", serde_json::to_string(e).unwrap())).collect();
    let mut ranges: BTreeMap<String, (i64, i64)> = BTreeMap::new();
    for e in events {
        let r = ranges.entry(e.device.clone()).or_insert((e.seq, e.seq));
        *r = (r.0.min(e.seq), r.1.max(e.seq));
    }
    let manifest = serde_json::to_string(&Manifest {
        format: FORMAT.into(),
        version: VERSION,
        bundle_id: serde_json::from_str::<Header>(&header).unwrap().bundle_id,
        sender: from.fp.to_string(),
        sender_name: from.j.status().unwrap().name,
        recipients: vec![to.fp.to_string()],
        created_at: now(),
        ranges,
        events: events.len() as u64,
        kinds: BTreeMap::new(),
        header_sha256: hex(&Sha256::digest(format!("{header}\n").as_bytes())),
        payload_sha256: hex(&Sha256::digest(payload.as_bytes())),
        receipts,
        withheld: BTreeMap::new(),
        written: BTreeMap::new(),
    })
    .unwrap();
    let signature = from.j.signing_key().unwrap().sign(manifest.as_bytes());
    let trailer = serde_json::to_string(&Trailer { manifest, signature: B64.encode(signature.to_bytes()) }).unwrap();
    seal(path, &[to, from], format!("{header}\n{payload}{trailer}\n").as_bytes());
}

/// A new id of the kind made before ids were bound to their journal (a
/// version 7 UUID): it checks against no journal's key.
fn unbound_id<T: std::str::FromStr<Err = Error>>() -> T {
    Uuid::now_v7().to_string().parse().unwrap()
}

/// An event on `record` of `kind`, made on `device` as number `seq`, now.
fn event(device: &DeviceId, seq: i64, record: &RecordId, kind: Kind, op: Op, set: Value) -> Event {
    let fields = set
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), json!({"value": v})))
        .collect::<serde_json::Map<String, Value>>();
    let hlc = Hlc::ZERO.tick(crate::model::hlc::wall_ms()).0;
    Event { device: device.to_string(), seq, hlc, record: record.to_string(), kind, op, fields }
}

/// Everything in a journal, its search index included, for "unchanged".
fn everything(p: &Party) -> (Vec<String>, Vec<String>) {
    (dump(&p.j, ALL_TABLES), search_dump(&p.j))
}

/// Imports a forgery into `into` and checks it is refused with `expected`
/// and changes nothing at all.
fn assert_forgery_refused(into: &mut Party, path: &Path, expected: &str) {
    let before = everything(into);
    match import(into, path) {
        Err(e @ Error::Refused(_)) => assert_eq!(e.to_string(), expected),
        other => panic!("expected a refusal, got {other:?}"),
    }
    assert_eq!(everything(into), before, "a refused bundle changed the journal");
}

fn next_seq(p: &Party) -> i64 {
    crate::store::meta_i64(&p.j.conn, "device_seq").unwrap() + 1
}

#[test]
fn an_event_made_on_another_journals_device_is_refused() {
    let mut t = three();
    let f = t.dir.path().join("foreign.bundle");
    let (kim_device, alex_device) = (t.kim.j.device_id().unwrap(), t.alex.j.device_id().unwrap());
    // Kim's contact rewritten as if on Kim's device, with Kim's next number.
    let kim_next = next_seq(&t.kim);
    let as_kim = event(&kim_device, kim_next, &t.kim_contact, Kind::Contact, Op::Put, json!({"notes": "forged"}));
    forge(&t.sam, &t.alex, &[as_kim], None, &f);
    let refused = "Sam's file carries changes made on a device that is not theirs; nothing was imported";
    assert_forgery_refused(&mut t.alex, &f, refused);
    // Posing as the supervisor's own device.
    let as_alex = event(&alex_device, 99, &t.sam_person.record(), Kind::Person, Op::Put, json!({"alias": "X"}));
    forge(&t.sam, &t.alex, &[as_alex], None, &f);
    assert_forgery_refused(&mut t.alex, &f, refused);
    // Kim's next real contact still reaches Alex, and Alex's next writes
    // still work: no sequence number was taken from them.
    t.kim.j.add(Kind::Contact, fields(json!({"person": t.kim_person, "how": "text", "notes": "next"}))).unwrap();
    let summary = send(&mut t.kim, &mut t.alex, false, t.dir.path(), "kim1.bundle").unwrap();
    assert_eq!(summary.kinds["contact"].new, 1);
    assert_eq!(t.alex.j.get(&t.kim_contact).unwrap().fields["notes"], "Kim's own words");
    for i in 0..5 {
        t.alex.j.add(Kind::Service, fields(json!({"name": format!("Service {i}")}))).unwrap();
    }
}

#[test]
fn a_card_naming_another_journals_device_is_refused() {
    let mut t = three();
    let f = t.dir.path().join("claims.bundle");
    let sam_key = t.sam.j.signing_key().unwrap();
    // Devices made by this version have ids bound to their journal's key:
    // Kim's checks against Kim's card only, so Sam's card cannot name it.
    let mut devices = t.sam.j.own_devices().unwrap();
    devices.push(t.kim.j.device_id().unwrap());
    let card = t.sam.j.card().unwrap().signed_with_devices(devices.clone(), &sam_key);
    let e = event(&t.kim.j.device_id().unwrap(), 50, &t.kim_contact, Kind::Contact, Op::Put, json!({"notes": "x"}));
    forge(&t.sam, &t.alex, &[e], Some(card.clone()), &f);
    assert_forgery_refused(
        &mut t.alex,
        &f,
        "the card inside Sam's file is damaged, or names a device that is not theirs; nothing was imported",
    );
    let e = t.alex.j.add_card(&card).unwrap_err().to_string();
    assert!(e.contains("names a device of another journal's"), "{e}");
    // A device from before ids were bound (its id checks against no key)
    // is Kim's here because Kim's card named it first: Sam's card naming it
    // too is refused.
    let legacy: DeviceId = unbound_id();
    crate::store::roster::claim_devices(&t.alex.j.conn, t.kim.fp.as_str(), std::slice::from_ref(&legacy)).unwrap();
    let mut devices = t.sam.j.own_devices().unwrap();
    devices.push(legacy.clone());
    let card = t.sam.j.card().unwrap().signed_with_devices(devices.clone(), &sam_key);
    let e = event(&legacy, 50, &t.kim_contact, Kind::Contact, Op::Put, json!({"notes": "x"}));
    forge(&t.sam, &t.alex, &[e], Some(card.clone()), &f);
    assert_forgery_refused(
        &mut t.alex,
        &f,
        "Sam's card names a device that belongs to Kim's journal; nothing was imported (two journals cannot share a device)",
    );
    let e = t.alex.j.add_card(&card).unwrap_err().to_string();
    assert!(e.contains("names a device that belongs to Kim's journal"), "{e}");
    // And a card signed by another key than its own.
    let forged = t.sam.j.card().unwrap().signed_with_devices(devices, &t.kim.j.signing_key().unwrap());
    let e = t.alex.j.add_card(&forged).unwrap_err().to_string();
    assert!(e.contains("its signature does not match"), "{e}");
    let path = t.dir.path().join("forged.card");
    fs::write(&path, serde_json::to_vec(&forged).unwrap()).unwrap();
    assert!(crate::sync::cards::Card::read(&path).unwrap_err().to_string().contains("signature does not match"));
}

/// Ids are bound to the journal that made them: a record or a person of
/// another journal's cannot be made, or erased, by anyone else, even
/// before it reaches a journal (which would then hold the impostor's).
#[test]
fn a_record_cannot_be_made_or_erased_under_another_journals_id() {
    let mut t = three();
    let f = t.dir.path().join("preempt.bundle");
    // Sam's new contact and person, not yet at Alex's.
    let person = t.sam.j.add(Kind::Person, fields(json!({"alias": "New"}))).unwrap().id;
    let contact = t.sam.j.add(Kind::Contact, fields(json!({"person": person, "how": "phone"}))).unwrap().id;
    let kim_device = t.kim.j.device_id().unwrap();
    let whole = json!({"person": t.kim_person, "how": "phone", "at": "2026-11-20T10:00"});
    let squat = event(&kim_device, 90, &contact, Kind::Contact, Op::Put, whole);
    forge(&t.kim, &t.alex, &[squat], None, &f);
    assert_forgery_refused(
        &mut t.alex,
        &f,
        "Kim's file carries a contact whose id belongs to another journal; nothing was imported",
    );
    forge(&t.kim, &t.alex, &[event(&kim_device, 91, &person, Kind::Person, Op::Erase, json!({}))], None, &f);
    assert_forgery_refused(
        &mut t.alex,
        &f,
        "Kim's file carries a person whose id belongs to another journal; nothing was imported",
    );
    // Sam's own file then goes in whole.
    let summary = send(&mut t.sam, &mut t.alex, false, t.dir.path(), "sam1.bundle").unwrap();
    assert_eq!((summary.kinds["person"].new, summary.kinds["contact"].new), (1, 1));
}

/// A volunteer's record is about one of its own people: one that names
/// another journal's person, held here, is refused.
#[test]
fn a_record_attached_to_another_journals_person_is_refused() {
    let mut t = three();
    let f = t.dir.path().join("attach.bundle");
    let id: RecordId = unbound_id();
    let contact = json!({"person": t.kim_person, "how": "phone", "at": "2026-11-20T10:00"});
    forge(&t.sam, &t.alex, &[event(&t.sam.j.device_id().unwrap(), 90, &id, Kind::Contact, Op::Put, contact)], None, &f);
    assert_forgery_refused(
        &mut t.alex,
        &f,
        "Sam's file tries to attach a contact to a person of Kim's; nothing was imported",
    );
}

/// An erasure of someone not held here takes only what its sender holds of
/// them here, and never keeps another journal's record of them out.
#[test]
fn an_erasure_of_someone_not_held_takes_only_its_senders_records() {
    let mut t = three();
    // Sam's person, of an id from before ids were bound, that Alex holds
    // nothing of yet but a contact Kim attached to it.
    let person: RecordId = unbound_id();
    let kim_device = t.kim.j.device_id().unwrap();
    let contact = json!({"person": person, "how": "phone", "at": "2026-11-20T10:00"});
    let kims: RecordId = unbound_id();
    let f = t.dir.path().join("planted.bundle");
    forge(&t.kim, &t.alex, &[event(&kim_device, 90, &kims, Kind::Contact, Op::Put, contact)], None, &f);
    import(&mut t.alex, &f).unwrap();
    forge(&t.kim, &t.alex, &[event(&kim_device, 91, &person, Kind::Person, Op::Erase, json!({}))], None, &f);
    assert_eq!(import(&mut t.alex, &f).unwrap().erased, 1, "Kim's own contact about them went");
    assert!(t.alex.j.get(&kims).is_err());
    // Sam's record of that person, arriving later, goes in.
    let sam_device = t.sam.j.device_id().unwrap();
    let made = event(&sam_device, next_seq(&t.sam) + 5, &person, Kind::Person, Op::Put, json!({"alias": "Theirs"}));
    forge(&t.sam, &t.alex, &[made], None, &f);
    assert_eq!(import(&mut t.alex, &f).unwrap().kinds["person"].new, 1);
    assert_eq!(t.alex.j.get(&person).unwrap().fields["alias"], "Theirs");
}

#[test]
fn a_change_to_another_journals_record_is_refused_naming_whose_it_is() {
    let mut t = three();
    let f = t.dir.path().join("theirs.bundle");
    let sam_device = t.sam.j.device_id().unwrap();
    let cases = [
        (
            event(&sam_device, 100, &t.kim_contact, Kind::Contact, Op::Put, json!({"notes": "rewritten"})),
            "Sam's file tries to change a contact of Kim's; nothing was imported",
        ),
        (
            event(&sam_device, 101, &t.kim_concern, Kind::Concern, Op::Put, json!({"_deleted": true})),
            "Sam's file tries to change a concern of Kim's; nothing was imported",
        ),
        (
            event(&sam_device, 102, &t.kim_person.record(), Kind::Person, Op::Erase, json!({})),
            "Sam's file tries to erase a person of Kim's; nothing was imported",
        ),
        (
            event(&sam_device, 103, &t.alex_service, Kind::Service, Op::Put, json!({"_deleted": true})),
            "Sam's file tries to change a service you wrote; nothing was imported",
        ),
        (
            event(&sam_device, 104, &t.alex_note, Kind::SupervisionNote, Op::Put, json!({"text": "nothing to say"})),
            "Sam's file carries a supervision note, which only supervisors write; nothing was imported",
        ),
    ];
    for (forged, refused) in cases {
        forge(&t.sam, &t.alex, &[forged], None, &f);
        assert_forgery_refused(&mut t.alex, &f, refused);
    }
    // The supervisor's file to a volunteer: the same rules.
    let alex_device = t.alex.j.device_id().unwrap();
    let cases = [
        (
            event(&alex_device, 100, &t.sam_contact, Kind::Contact, Op::Put, json!({"notes": "edited by Alex"})),
            "Alex's file carries a contact, which only volunteers write; nothing was imported",
        ),
        (
            event(&alex_device, 101, &t.sam_person.record(), Kind::Person, Op::Erase, json!({})),
            "Alex's file carries a person, which only volunteers write; nothing was imported",
        ),
    ];
    for (forged, refused) in cases {
        forge(&t.alex, &t.sam, &[forged], None, &f);
        assert_forgery_refused(&mut t.sam, &f, refused);
    }
    // A note of the supervisor's own, readdressed, and one meant for Kim.
    let own = event(&alex_device, 102, &t.alex_note, Kind::SupervisionNote, Op::Put, json!({"text": "fine"}));
    forge(&t.alex, &t.sam, &[own], None, &f);
    assert!(import(&mut t.sam, &f).is_ok(), "the supervisor changes its own note");
    let other: RecordId = unbound_id();
    let for_kim = json!({"volunteer": t.kim.fp, "text": "for Kim", "at": "2026-11-20T10:00"});
    forge(&t.alex, &t.sam, &[event(&alex_device, 103, &other, Kind::SupervisionNote, Op::Put, for_kim)], None, &f);
    assert_forgery_refused(
        &mut t.sam,
        &f,
        "Alex's file carries a supervision note for another volunteer; nothing was imported",
    );
}

/// The same attempts with the plain command line's operations: refused in
/// plain words, nothing written.
#[test]
fn a_local_change_to_another_journals_record_is_refused_in_plain_words() {
    let mut t = three();
    let before = everything(&t.sam);
    let e = t.sam.j.delete(&t.alex_note).unwrap_err();
    assert_eq!(e.to_string(), "This supervision note was written by your supervisor, Alex: you can't change it.");
    assert_eq!(e.kind(), crate::error::ErrorKind::NotAllowed);
    let e = t.sam.j.update(&t.alex_service, fields(json!({"name": "Renamed"}))).unwrap_err();
    assert_eq!(e.to_string(), "This service was written by your supervisor, Alex: you can't change it.");
    assert_eq!(everything(&t.sam), before);
    let e = t.alex.j.update(&t.kim_contact, fields(json!({"notes": "x"}))).unwrap_err();
    assert_eq!(e.to_string(), "This contact was written by Kim: you can't change it.");
    let e = t.alex.j.add(Kind::Contact, fields(json!({"person": t.kim_person, "how": "phone"}))).unwrap_err();
    assert!(e.to_string().starts_with("A supervisor's journal keeps supervision notes"), "{e}");
    let e = t.sam.j.add(Kind::SupervisionNote, fields(json!({"volunteer": t.kim.fp, "text": "x"}))).unwrap_err();
    assert!(
        e.to_string().starts_with("Supervision notes are written by your supervisor: they arrive in the files"),
        "{e}"
    );
    // Notes are about the volunteer's own people and records only.
    let e = t
        .alex
        .j
        .add(Kind::SupervisionNote, fields(json!({"volunteer": t.sam.fp, "about": t.kim_contact, "text": "x"})));
    assert!(e.unwrap_err().to_string().contains("that volunteer's own people and records"));
}

#[test]
fn a_clock_out_of_range_and_a_date_outside_the_local_rules_are_refused() {
    let mut t = three();
    let f = t.dir.path().join("clock.bundle");
    let sam_device = t.sam.j.device_id().unwrap();
    let record: RecordId = unbound_id();
    let contact = json!({"person": t.sam_person, "how": "phone", "at": "2026-11-20T10:00"});
    for hlc in [i64::MAX, -5] {
        let e = Event { hlc, ..event(&sam_device, next_seq(&t.sam), &record, Kind::Contact, Op::Put, contact.clone()) };
        forge(&t.sam, &t.alex, &[e], None, &f);
        assert_forgery_refused(
            &mut t.alex,
            &f,
            "this bundle contains a record that is not valid (a change is stamped with a time no date can be written for); nothing was imported",
        );
    }
    let far = json!({"person": t.sam_person, "how": "phone", "at": "9999-12-31T10:00"});
    forge(&t.sam, &t.alex, &[event(&sam_device, next_seq(&t.sam), &record, Kind::Contact, Op::Put, far)], None, &f);
    assert_forgery_refused(
        &mut t.alex,
        &f,
        "this bundle contains a record that is not valid (a contact cannot be dated more than a day ahead); nothing was imported",
    );
    // The supervisor's clock is where it was: its next record is dated now.
    let made = t.alex.j.add(Kind::Service, fields(json!({"name": "Library"}))).unwrap();
    assert!(made.created_at.starts_with(&chrono::Utc::now().format("%Y-").to_string()), "{}", made.created_at);
}

/// Stamped far ahead but within range: accepted (an urgent concern never
/// waits behind a wrong clock), named, and this journal's clock moves at
/// most a day past the computer's.
#[test]
fn changes_from_a_clock_far_ahead_go_in_but_move_this_clock_at_most_a_day() {
    let mut t = three();
    let f = t.dir.path().join("ahead.bundle");
    let year_3000 = 32_503_680_000_000 << 16;
    let concern = json!({"person": t.sam_person, "category": "safeguarding", "urgency": "high", "notes": "urgent",
                         "at": "3000-01-01T09:00"});
    let id: RecordId = unbound_id();
    let e = Event { hlc: year_3000, ..event(&t.sam.j.device_id().unwrap(), 50, &id, Kind::Concern, Op::Put, concern) };
    forge(&t.sam, &t.alex, &[e], None, &f);
    let summary = import(&mut t.alex, &f).unwrap();
    assert_eq!(summary.kinds["concern"].new, 1);
    let [ImportNotice::ClockAhead { sender, minutes }] = summary.notices.as_slice() else {
        panic!("{:?}", summary.notices)
    };
    assert_eq!(sender, "Sam");
    assert!(*minutes > 900 * 365 * 24 * 60, "{minutes}");
    assert!(
        summary.notices[0].words().starts_with("Sam's computer clock seems to be "),
        "{}",
        summary.notices[0].words()
    );
    let stored = Hlc(crate::store::meta_i64(&t.alex.j.conn, "hlc").unwrap());
    assert!(stored.millis() <= crate::model::hlc::wall_ms() + crate::model::hlc::MAX_AHEAD_MS);
    assert_eq!(t.alex.j.clock_ahead_minutes().unwrap(), None);
    let made = t.alex.j.add(Kind::Service, fields(json!({"name": "Library"}))).unwrap();
    assert!(made.created_at.as_str() < "2100", "{}", made.created_at);
    // A journal whose own clock is more than a day ahead says so at unlock.
    crate::store::set_meta(&t.alex.j.conn, "hlc", &year_3000.to_string()).unwrap();
    assert!(t.alex.j.clock_ahead_minutes().unwrap().is_some_and(|m| m > 900 * 365 * 24 * 60));
}

/// The erasure's owner sends only the person; the receiver erases them and
/// everything pointing at them, whoever wrote it, and ignores any list of
/// ids that comes with the erasure.
#[test]
fn an_erasure_is_worked_out_by_the_receiver() {
    let mut t = three();
    let f = t.dir.path().join("erase.bundle");
    // Alex holds Sam's person, with a note and an acknowledgement of its own.
    let concern =
        json!({"person": t.sam_person, "category": "wellbeing", "urgency": "low", "notes": "Concerned-Ocelot"});
    let concern = t.sam.j.add(Kind::Concern, fields(concern)).unwrap().id;
    send(&mut t.sam, &mut t.alex, false, t.dir.path(), "sam1.bundle").unwrap();
    let ack = t.alex.j.add(Kind::Acknowledgement, fields(json!({"about": concern, "by": "Alex"}))).unwrap().id;
    let note = json!({"volunteer": t.sam.fp, "person": t.sam_person, "text": "Noted-Wombat"});
    let person_note = t.alex.j.add(Kind::SupervisionNote, fields(note)).unwrap().id;
    // An erasure of Sam's person that also lists Kim's records.
    let list = json!({"records": [t.sam_person, t.kim_person, t.kim_contact, t.alex_service]});
    let mut erase = event(
        &t.sam.j.device_id().unwrap(),
        next_seq(&t.sam) + 10,
        &t.sam_person.record(),
        Kind::Person,
        Op::Erase,
        json!({}),
    );
    erase.fields = list.as_object().cloned().unwrap();
    forge(&t.sam, &t.alex, &[erase], None, &f);
    assert_eq!(import(&mut t.alex, &f).unwrap().erased, 1);
    for gone in [&t.sam_person.record(), &t.sam_contact, &concern, &ack, &person_note, &t.alex_note] {
        assert!(t.alex.j.get(gone).is_err(), "{gone} is still there");
    }
    for kept in [&t.kim_person.record(), &t.kim_contact, &t.alex_service] {
        assert!(t.alex.j.get(kept).is_ok(), "{kept} was erased from a list the sender supplied");
    }
    for word in ["Concerned-Ocelot", "Noted-Wombat"] {
        assert!(t.alex.j.search(word, Page::default()).unwrap().is_empty());
    }
    // Anything about them that arrives later is dropped.
    let late = json!({"volunteer": t.sam.fp, "person": t.sam_person, "text": "too late"});
    assert!(t.alex.j.add(Kind::SupervisionNote, fields(late)).is_err(), "no such person any more");
}

/// A supervisor forgetting a volunteer's person (or its retention purge)
/// removes them from its own journal only: no event, nothing travels, and
/// the volunteer's journal keeps them.
#[test]
fn a_supervisor_forgets_a_volunteers_person_in_its_own_journal_only() {
    let mut t = three();
    let events_before: i64 = t.alex.j.conn.query_row("SELECT count(*) FROM event_log", [], |r| r.get(0)).unwrap();
    let seq_before = next_seq(&t.alex);
    assert_eq!(t.alex.j.forget_person(&t.sam_person).unwrap(), 2, "the contact and the note about it");
    assert!(t.alex.j.get(&t.sam_person.record()).is_err() && t.alex.j.get(&t.alex_note).is_err());
    assert_eq!(next_seq(&t.alex), seq_before, "no event was written");
    let events: i64 = t.alex.j.conn.query_row("SELECT count(*) FROM event_log", [], |r| r.get(0)).unwrap();
    assert_eq!(events, events_before - 3);
    let back = send(&mut t.alex, &mut t.sam, false, t.dir.path(), "alex1.bundle").unwrap();
    assert_eq!(back.erased, 0);
    assert!(t.sam.j.get(&t.sam_person.record()).is_ok() && t.sam.j.get(&t.sam_contact).is_ok());
    // What Sam sends about them later is dropped at Alex's.
    t.sam.j.update(&t.sam_contact, fields(json!({"notes": "later"}))).unwrap();
    send(&mut t.sam, &mut t.alex, false, t.dir.path(), "sam1.bundle").unwrap();
    assert!(t.alex.j.get(&t.sam_contact).is_err());

    // Retention at unlock works the same way for a volunteer's person whose
    // relationship ended long ago, once their concern is acknowledged.
    let (old, older) = (crate::model::kinds::months_ago(14), crate::model::kinds::months_ago(15));
    let p = t.kim.j.add(Kind::Person, fields(json!({"alias": "Long-Ago"}))).unwrap().id;
    t.kim.j.add(Kind::Contact, fields(json!({"person": p, "how": "phone", "at": format!("{older}T10:00")}))).unwrap();
    let concern =
        json!({"person": p, "category": "wellbeing", "urgency": "low", "notes": "x", "at": format!("{older}T11:00")});
    let concern = t.kim.j.add(Kind::Concern, fields(concern)).unwrap().id;
    t.kim.j.add(Kind::Ending, fields(json!({"person": p, "on": old, "planned": true}))).unwrap();
    send(&mut t.kim, &mut t.alex, false, t.dir.path(), "kim1.bundle").unwrap();
    assert_eq!(t.alex.j.purge().unwrap().kept_for_open_concern, 1);
    let ack = t.alex.j.add(Kind::Acknowledgement, fields(json!({"about": concern, "by": "Alex"}))).unwrap().id;
    let seq_before = next_seq(&t.alex);
    let report = t.alex.j.purge().unwrap();
    assert_eq!(report.erased_people, vec!["Long-Ago".to_string()]);
    assert!(t.alex.j.get(&p).is_err() && t.alex.j.get(&concern).is_err() && t.alex.j.get(&ack).is_err());
    assert_eq!(next_seq(&t.alex), seq_before, "no event was written");
    assert!(t.kim.j.get(&p).is_ok(), "Kim's journal keeps them");
}

/// Two imports of the same bundle at once (two windows, or a window and
/// a command): the second waits for the first, then says it was already
/// imported.
#[test]
fn two_imports_of_one_bundle_at_once_import_it_once() {
    let mut t = three();
    let many = (0..400)
        .map(|i| (Kind::Contact, fields(json!({"person": t.sam_person, "how": "phone", "minutes": i % 60}))))
        .collect();
    t.sam.j.add_batch(many).unwrap();
    let b = export(&mut t.sam, &[&t.alex.fp], false, t.dir.path(), "big.bundle");
    let dir = t.alex._dir.path().to_path_buf();
    let results: Vec<Result<ImportSummary>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..2)
            .map(|_| {
                let (dir, b) = (&dir, &b);
                scope.spawn(move || {
                    let mut j = Journal::open(dir, "correct horse battery").unwrap();
                    j.import_bundle(b, &mut |_, _| {})
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let summaries: Vec<ImportSummary> = results.into_iter().map(Result::unwrap).collect();
    let already: Vec<bool> = summaries.iter().map(|s| s.already_imported).collect();
    assert_eq!(already.iter().filter(|a| **a).count(), 1, "{already:?}");
    assert_eq!(t.alex.j.list(Kind::Contact, None, Page { limit: 1000, offset: 0 }).unwrap().len(), 401 + 1);
}

/// An export stopped before it finished (killed, or the computer switched
/// off) leaves its partial file: the next export or unlock removes it.
#[test]
fn a_partial_file_left_by_a_stopped_export_is_removed() {
    let mut t = three();
    for at_unlock in [false, true] {
        let partial = t.dir.path().join(".for-alex.partial");
        fs::write(&partial, vec![7u8; 4096]).unwrap();
        crate::store::set_meta(&t.sam.j.conn, PARTIAL_EXPORT, &partial.to_string_lossy()).unwrap();
        if at_unlock {
            let Party { _dir, j, fp } = std::mem::replace(&mut t.sam, party("Placeholder", Role::Volunteer));
            drop(j);
            t.sam = Party { j: Journal::open(_dir.path(), "correct horse battery").unwrap(), _dir, fp };
        } else {
            export(&mut t.sam, &[&t.alex.fp], false, t.dir.path(), "next.bundle");
        }
        assert!(!partial.exists(), "at unlock: {at_unlock}");
        assert_eq!(t.sam.j.meta(PARTIAL_EXPORT).unwrap(), None);
    }
}

/// A copy of a journal used on two computers without a device of its own:
/// the other side's receipt shows it, the import says so plainly, and this
/// copy's numbers move past what the other side holds.
#[test]
fn a_journal_folder_used_on_two_computers_is_noticed() {
    let mut t = three();
    // A copy of Sam's journal taken now, without a new device...
    let copy = tempfile::tempdir().unwrap();
    t.sam.j.conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)").unwrap();
    for file in [crate::journal::DB_FILE, crate::journal::KEY_FILE] {
        fs::copy(t.sam._dir.path().join(file), copy.path().join(file)).unwrap();
    }
    // ...while the original goes on, and Alex receives and acknowledges it.
    t.sam.j.add(Kind::Contact, fields(json!({"person": t.sam_person, "how": "text"}))).unwrap();
    send(&mut t.sam, &mut t.alex, false, t.dir.path(), "sam1.bundle").unwrap();
    let receipt = export(&mut t.alex, &[&t.sam.fp], false, t.dir.path(), "alex1.bundle");
    let mut copy =
        Party { j: Journal::open(copy.path(), "correct horse battery").unwrap(), _dir: copy, fp: t.sam.fp.clone() };
    let before = next_seq(&copy);
    let summary = import(&mut copy, &receipt).unwrap();
    assert_eq!(summary.notices, [ImportNotice::DeviceShared { sender: "Alex".into() }]);
    assert!(summary.notices[0].words().contains("peerjournal device new"));
    assert!(next_seq(&copy) > before);
}

/// What a journal does in a run of the property test below.
#[derive(Clone, Debug)]
enum Act {
    /// Journal `j` changes one of its own contacts.
    Edit(u8, u8, u8),
    /// Journal `j` adds a contact.
    Add(u8),
    /// Journal `j` sends a file (everything of its own) to the observers.
    Send(u8),
    /// Journal `j` sends a file with a forgery against journal `victim`.
    Forge(u8, u8, u8),
}

fn act() -> impl Strategy<Value = Act> {
    prop_oneof![
        4 => (0u8..3, any::<u8>(), any::<u8>()).prop_map(|(j, r, v)| Act::Edit(j, r, v)),
        2 => (0u8..3).prop_map(Act::Add),
        2 => (0u8..3).prop_map(Act::Send),
        3 => (0u8..3, 0u8..3, 0u8..4).prop_map(|(j, v, how)| Act::Forge(j, v, how)),
    ]
}

/// Records whose log holds an event made on a device of another journal
/// than the one that owns the record: there must be none.
fn changed_by_another_journal(j: &Journal) -> Vec<String> {
    let mut stmt = j
        .conn
        .prepare(
            "SELECT DISTINCT l.record FROM event_log l
             JOIN records r ON r.id = l.record
             JOIN devices owner ON owner.n = r.created_device
             JOIN devices writer ON writer.id = l.device
             WHERE writer.journal IS NOT owner.journal",
        )
        .unwrap();
    stmt.query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 8, ..ProptestConfig::default() })]

    /// Three volunteers' journals change their own records and send files
    /// to supervisors, some of them with a forged event against another
    /// journal mixed in (a change to its record, an event on its device, an
    /// erasure of its person, a deletion). Two supervisors import every file
    /// in their own random order, with duplicates: no record is ever
    /// changed by a journal that does not own it, a file refused changes
    /// nothing, and the honest files converge to one state, the same as a
    /// third supervisor's that imported them alone, in the order they were
    /// made.
    #[test]
    fn forged_events_never_change_anothers_record_and_honest_ones_converge(
        acts in prop::collection::vec(act(), 1..16),
        order_seed in any::<u64>(),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let mut journals: Vec<Party> = (0..3).map(|i| party(&format!("V{i}"), Role::Volunteer)).collect();
        let mut observers: Vec<Party> = (0..3).map(|i| party(&format!("S{i}"), Role::Supervisor)).collect();
        for j in journals.iter_mut() {
            for o in observers.iter_mut() {
                trust(j, o);
            }
        }
        let mut people = Vec::new();
        let mut contacts: Vec<Vec<RecordId>> = Vec::new();
        for j in journals.iter_mut() {
            let p = j.j.add(Kind::Person, fields(json!({"alias": "R"}))).unwrap().as_person().unwrap();
            contacts.push((0..2).map(|i| j.j.add(Kind::Contact, fields(json!({"person": p, "how": "phone", "notes": format!("start {i}")}))).unwrap().id).collect());
            people.push(p);
        }
        let fps: Vec<Fingerprint> = observers.iter().map(|o| o.fp.clone()).collect();
        let to: Vec<&Fingerprint> = fps.iter().collect();
        let (mut honest, mut forged) = (Vec::new(), Vec::new());
        for (n, a) in acts.into_iter().enumerate() {
            match a {
                Act::Edit(j, r, v) => {
                    let (j, r) = (j as usize, r as usize % contacts[j as usize].len());
                    let c = contacts[j][r].clone();
                    journals[j].j.update(&c, fields(json!({"notes": format!("note {v}")}))).unwrap();
                }
                Act::Add(j) => {
                    let j = j as usize;
                    let c = journals[j].j.add(Kind::Contact, fields(json!({"person": people[j], "how": "text"}))).unwrap().id;
                    contacts[j].push(c);
                }
                Act::Send(j) => honest.push(export(&mut journals[j as usize], &to, true, dir.path(), &format!("{n}.bundle"))),
                Act::Forge(j, victim, how) => {
                    let (j, victim) = (j as usize, victim as usize);
                    if j == victim {
                        continue;
                    }
                    let own_device = journals[j].j.device_id().unwrap();
                    let their_device = journals[victim].j.device_id().unwrap();
                    let seq = next_seq(&journals[j]) + 1000 + n as i64;
                    let target = contacts[victim][0].clone();
                    let bad = match how {
                        0 => event(&own_device, seq, &target, Kind::Contact, Op::Put, json!({"notes": "forged"})),
                        1 => event(&their_device, seq, &target, Kind::Contact, Op::Put, json!({"notes": "forged"})),
                        2 => event(&own_device, seq, &people[victim].record(), Kind::Person, Op::Erase, json!({})),
                        _ => event(&own_device, seq, &target, Kind::Contact, Op::Put, json!({"_deleted": true})),
                    };
                    // Its sender's honest events first, the forgery among them.
                    let path = dir.path().join(format!("{n}.forged"));
                    let own = export(&mut journals[j], &to, true, dir.path(), &format!("{n}.own"));
                    let text = String::from_utf8(plaintext(&journals[j], &own)).unwrap();
                    let mut events: Vec<Event> = text.lines().skip(1).filter(|l| !l.starts_with("{\"manifest\"")).map(|l| serde_json::from_str(l).unwrap()).collect();
                    events.insert(events.len() / 2, bad);
                    forge(&journals[j], &observers[n % 2], &events, None, &path);
                    forged.push(path);
                }
            }
        }
        for (j, journal) in journals.iter_mut().enumerate() {
            honest.push(export(journal, &to, true, dir.path(), &format!("last-{j}.bundle")));
        }
        // The reference: the honest files alone, in the order they were made.
        for b in &honest {
            import(&mut observers[2], b).unwrap();
        }
        let mut rng = rand::rngs::StdRng::seed_from_u64(order_seed);
        use rand::SeedableRng;
        use rand::seq::SliceRandom;
        for o in observers.iter_mut().take(2) {
            let mut order: Vec<(bool, std::path::PathBuf)> =
                honest.iter().map(|b| (true, b.clone())).chain(forged.iter().map(|b| (false, b.clone()))).collect();
            order.extend(honest.iter().take(2).map(|b| (true, b.clone())));
            order.shuffle(&mut rng);
            for (is_honest, b) in &order {
                let before = everything(o);
                let result = import(o, b);
                if *is_honest {
                    prop_assert!(result.is_ok(), "{result:?}");
                } else if result.is_err() {
                    // Refused whole (the forgery was seen), changing nothing;
                    // or let in (an erasure of someone not held here, which
                    // only ever drops what its sender sends).
                    prop_assert_eq!(everything(o), before);
                }
            }
            prop_assert!(changed_by_another_journal(&o.j).is_empty());
        }
        prop_assert_eq!(state(&observers[0].j), state(&observers[2].j));
        prop_assert_eq!(state(&observers[1].j), state(&observers[2].j));
        prop_assert!(changed_by_another_journal(&observers[2].j).is_empty());
    }
}

/// Applies `event` as it is, outside any rule: what an older version of
/// Peer Journal let happen.
fn apply_as_before(p: &mut Party, event: &Event) {
    let tx = p.j.conn.unchecked_transaction().unwrap();
    let mut batch = crate::store::fold::Batch::new(&tx, &p.j.search);
    batch.apply(event, None).unwrap();
    let search_tx = batch.finish().unwrap();
    tx.commit().unwrap();
    search_tx.commit().unwrap();
}

fn reopen(p: &mut Party) {
    let Party { _dir, j, fp } = std::mem::replace(p, party("Placeholder", Role::Volunteer));
    drop(j);
    *p = Party { j: Journal::open(_dir.path(), "correct horse battery").unwrap(), _dir, fp };
}

/// Journals from before acknowledgements were records of their own: a
/// supervisor acknowledged a concern by writing into it. After the upgrade
/// the concern holds only what its volunteer wrote, in the record and in
/// its history; the supervisor's journal holds an acknowledgement record
/// of its own instead, which reaches the volunteer with its next file;
/// until then the volunteer's copy shows the concern open.
#[test]
fn acknowledgements_written_into_concerns_become_records_of_their_own() {
    let mut t = three();
    let concern = json!({"person": t.sam_person, "category": "safeguarding", "urgency": "high", "notes": "x"});
    let concern = t.sam.j.add(Kind::Concern, fields(concern)).unwrap().id;
    send(&mut t.sam, &mut t.alex, false, t.dir.path(), "sam1.bundle").unwrap();
    // Alex acknowledges as before, on both copies (the old export carried
    // the change to Sam).
    let seq = next_seq(&t.alex);
    let ack = json!({"acknowledged_by": "Alex (coordinator)", "acknowledged_at": "2026-11-21T09:30"});
    let old_ack = event(&t.alex.j.device_id().unwrap(), seq, &concern, Kind::Concern, Op::Put, ack);
    crate::store::set_meta(&t.alex.j.conn, "device_seq", &seq.to_string()).unwrap();
    for p in [&mut t.alex, &mut t.sam] {
        apply_as_before(p, &old_ack);
        assert_eq!(p.j.get(&concern).unwrap().fields["acknowledged_by"], "Alex (coordinator)");
        p.j.conn.execute_batch(crate::store::UNDO_OWNERSHIP).unwrap();
        reopen(p);
        let record = p.j.get(&concern).unwrap();
        assert!(!record.fields.contains_key("acknowledged_by") && !record.fields.contains_key("acknowledged_at"));
        let history = p.j.history(&concern).unwrap();
        assert!(history.iter().all(|h| !h.changed.contains_key("acknowledged_at")), "{history:?}");
        assert!(p.j.check().unwrap().ok);
    }
    let acks = t.alex.j.list(Kind::Acknowledgement, None, Page::default()).unwrap();
    assert_eq!(acks.len(), 1);
    assert_eq!(acks[0].fields["about"], json!(concern));
    assert_eq!(acks[0].fields["by"], "Alex (coordinator)");
    assert_eq!(acks[0].fields["at"], "2026-11-21T09:30");
    assert_eq!(acks[0].person.as_ref(), Some(&t.sam_person));
    assert!(t.alex.j.needing_attention(Kind::Concern, Page::default()).unwrap().iter().all(|c| c.id != concern));
    assert!(t.sam.j.needing_attention(Kind::Concern, Page::default()).unwrap().iter().any(|c| c.id == concern));
    assert!(t.sam.j.list(Kind::Acknowledgement, None, Page::default()).unwrap().is_empty());
    // Whose Sam's device is, Alex's journal learns from Sam's next file
    // (see migration 0014); the supervisor's next file brings the
    // acknowledgement. Everything else flows both ways as before.
    t.sam.j.add(Kind::Contact, fields(json!({"person": t.sam_person, "how": "text"}))).unwrap();
    assert_eq!(send(&mut t.sam, &mut t.alex, false, t.dir.path(), "sam2.bundle").unwrap().kinds["contact"].new, 1);
    let back = send(&mut t.alex, &mut t.sam, false, t.dir.path(), "alex1.bundle").unwrap();
    assert_eq!(back.kinds["acknowledgement"].new, 1);
    assert!(t.sam.j.needing_attention(Kind::Concern, Page::default()).unwrap().iter().all(|c| c.id != concern));
}

/// A card of version 1 named no devices: refused, asking for a fresh one.
#[test]
fn a_card_from_before_devices_is_refused_asking_for_a_fresh_one() {
    let t = three();
    let mut old = serde_json::to_value(t.kim.j.card().unwrap()).unwrap();
    let obj = old.as_object_mut().unwrap();
    obj.insert("version".into(), json!(1));
    obj.remove("devices");
    obj.remove("signature");
    let path = t.dir.path().join("kim-v1.card");
    fs::write(&path, serde_json::to_vec(&old).unwrap()).unwrap();
    let e = crate::sync::cards::Card::read(&path).unwrap_err().to_string();
    assert_eq!(
        e,
        "that card was made by an older version of Peer Journal, which did not name the journal's devices; ask Kim for a fresh card"
    );
}

/// A receipt numbered far beyond anything this device made is damage: it
/// cannot push this journal's numbering out of range.
#[test]
fn a_receipt_beyond_anything_made_here_is_refused() {
    let mut t = three();
    let path = t.dir.path().join("receipt.bundle");
    let device = t.sam.j.device_id().unwrap();
    for seq in [i64::MAX, next_seq(&t.sam) + 2_000_000] {
        let receipt = Receipt { device: device.to_string(), seq, at: now() };
        forge_with_receipts(&t.alex, &t.sam, &[], None, vec![receipt], &path);
        assert_forgery_refused(
            &mut t.sam,
            &path,
            "this bundle contains a record that is not valid (a receipt counts far more of this journal's changes than it has made); nothing was imported",
        );
    }
    t.sam.j.add(Kind::Contact, fields(json!({"person": t.sam_person, "how": "text"}))).unwrap();
}

/// A device made since ids were bound cannot be claimed by another journal
/// that learnt its id: the owner's next file goes in.
#[test]
fn a_new_device_cannot_be_claimed_by_another_journal() {
    let mut t = three();
    let new = t.sam.j.new_device().unwrap();
    let kim = t.kim.j.card().unwrap();
    let mut devices = kim.devices.clone();
    devices.push(new);
    let claim = kim.signed_with_devices(devices, &t.kim.j.signing_key().unwrap());
    let path = t.dir.path().join("claim.bundle");
    forge(&t.kim, &t.alex, &[], Some(claim), &path);
    assert_forgery_refused(
        &mut t.alex,
        &path,
        "the card inside Kim's file is damaged, or names a device that is not theirs; nothing was imported",
    );
    t.sam.j.add(Kind::Contact, fields(json!({"person": t.sam_person, "how": "text"}))).unwrap();
    assert_eq!(send(&mut t.sam, &mut t.alex, false, t.dir.path(), "sam1.bundle").unwrap().kinds["contact"].new, 1);
}

/// A journal from before devices belonged to journals, whose log holds
/// another journal's changes passed on by a third: whose those devices are
/// is not guessed from who brought their changes. They belong to no journal
/// (nobody can change their records) until their owner's card names them.
#[test]
fn devices_from_before_belong_to_whoever_names_them_first() {
    let mut t = three();
    let sam_device = t.sam.j.device_id().unwrap();
    let conn = &t.alex.j.conn;
    conn.execute("UPDATE events SET source = ?1 WHERE device = ?2", params![t.kim.fp, sam_device]).unwrap();
    let relayed = "UPDATE records SET lazy_source = ?1 WHERE created_device = (SELECT n FROM devices WHERE id = ?2)";
    conn.execute(relayed, params![t.kim.fp, sam_device]).unwrap();
    conn.execute_batch(crate::store::UNDO_OWNERSHIP).unwrap();
    reopen(&mut t.alex);
    assert_eq!(t.alex.j.owner_of(t.sam_person.as_str()).unwrap(), None);
    assert_eq!(t.alex.j.owner_of(t.alex_service.as_str()).unwrap(), Some(t.alex.fp.to_string()), "its own are its own");
    t.sam.j.add(Kind::Contact, fields(json!({"person": t.sam_person, "how": "text"}))).unwrap();
    send(&mut t.sam, &mut t.alex, false, t.dir.path(), "sam1.bundle").unwrap();
    assert_eq!(t.alex.j.owner_of(t.sam_person.as_str()).unwrap(), Some(t.sam.fp.to_string()));
}

/// A copy of a journal used on a second computer without a device of its
/// own writes changes under numbers the first has used too: the journal
/// receiving both says so, naming the sender, and keeps the first.
#[test]
fn the_same_numbers_used_twice_are_named() {
    let mut t = three();
    let copy = tempfile::tempdir().unwrap();
    t.sam.j.conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)").unwrap();
    for file in [crate::journal::DB_FILE, crate::journal::KEY_FILE] {
        fs::copy(t.sam._dir.path().join(file), copy.path().join(file)).unwrap();
    }
    let mut copy =
        Party { j: Journal::open(copy.path(), "correct horse battery").unwrap(), _dir: copy, fp: t.sam.fp.clone() };
    t.sam.j.add(Kind::Contact, fields(json!({"person": t.sam_person, "how": "text", "notes": "first"}))).unwrap();
    copy.j.add(Kind::Contact, fields(json!({"person": t.sam_person, "how": "text", "notes": "second"}))).unwrap();
    assert!(send(&mut t.sam, &mut t.alex, false, t.dir.path(), "sam1.bundle").unwrap().notices.is_empty());
    let summary = send(&mut copy, &mut t.alex, false, t.dir.path(), "copy1.bundle").unwrap();
    assert_eq!(summary.notices, [ImportNotice::ChangesClash { sender: "Sam".into(), changes: 1 }]);
    assert!(summary.notices[0].words().starts_with("1 change in Sam's file bears"), "{}", summary.notices[0].words());
}

/// A clock an older version let run beyond any date is put right at unlock.
#[test]
fn a_clock_beyond_any_date_is_put_right_at_unlock() {
    let mut t = three();
    crate::store::set_meta(&t.alex.j.conn, "hlc", &i64::MAX.to_string()).unwrap();
    reopen(&mut t.alex);
    let made = t.alex.j.add(Kind::Service, fields(json!({"name": "Library"}))).unwrap();
    assert!(made.created_at.starts_with(&chrono::Utc::now().format("%Y-").to_string()), "{}", made.created_at);
}
