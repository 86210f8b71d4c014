//! Writing records: adding, changing, deleting and forgetting them, and
//! settling conflicts. Every write is one transaction that takes the next
//! sequence number and clock stamp for this device, appends an event and
//! folds it into the materialised tables ([`crate::store::fold`]).
//!
//! Who may write what is checked here, before anything is written: a
//! journal changes only the records it created (their owner is the journal
//! whose device made them), and writes only the kinds its role writes; a
//! note or an acknowledgement must point at a volunteer's own record, and
//! a service newly given to a signpost must still be taking referrals. A
//! write that fails any check, or validation, changes nothing.

use rusqlite::{OptionalExtension, TransactionBehavior};
use serde_json::Value;

use crate::error::{Error, Result};
use crate::journal::Journal;
use crate::model::event::{Clock, Event, FieldChange, Op, DELETED};
use crate::model::hlc::{self, Hlc};
use crate::model::ids::{new_bound_id, IdOf, PersonId, RecordId};
use crate::model::kinds::{self, FieldType, Fields, Kind, Role};
use crate::model::record::Record;
use crate::store::fold::Batch;
use crate::store::rows::{record_owner, FieldClocks};

impl Journal {
    /// Runs `f` in a write transaction with a function that makes the next
    /// event for this device. The sequence counter and clock are kept in the
    /// journal and advanced in the same transaction, so two processes never
    /// hand out the same number.
    fn write<T>(
        &mut self,
        f: impl FnOnce(&mut Batch<'_, '_>, &mut dyn FnMut(&str, Kind, Op, Fields) -> Result<Event>) -> Result<T>,
    ) -> Result<T> {
        let device = String::from(self.device_id()?);
        let tx = rusqlite::Transaction::new_unchecked(&self.conn, TransactionBehavior::Immediate)?;
        let meta_i64 = |k: &str| -> Result<i64> {
            Ok(tx
                .query_row("SELECT value FROM meta WHERE key = ?1", [k], |r| r.get::<_, String>(0))
                .optional()?
                .and_then(|v| v.parse().ok())
                .unwrap_or(0))
        };
        let mut seq = meta_i64("device_seq")?;
        // The stored clock already covers every stamp this journal has seen:
        // local writes advance it here, imports advance it past what they bring.
        let mut clock = Hlc(meta_i64("hlc")?);
        let mut next = |record: &str, kind: Kind, op: Op, fields: Fields| {
            // Only a journal damaged, or numbered by a forged receipt before
            // receipts were checked, could get here.
            seq = seq.checked_add(1).ok_or_else(|| {
                Error::CheckFailed(
                    "this device has run out of numbers for its changes; give the journal a new device".into(),
                )
            })?;
            clock = clock.tick(hlc::wall_ms());
            Ok(Event { device: device.clone(), seq, hlc: clock.0, record: record.to_string(), kind, op, fields })
        };
        let mut batch = Batch::new(&tx, &self.search);
        let out = f(&mut batch, &mut next)?;
        let search_tx = batch.finish()?;
        for (k, v) in [("device_seq", seq), ("hlc", clock.0)] {
            crate::store::set_meta(&tx, k, &v.to_string())?;
        }
        tx.commit()?;
        search_tx.commit_after_journal();
        Ok(out)
    }

    /// Adds a record and returns it. Fields left out get their defaults
    /// (now for "when", "suggested" for a new referral).
    pub fn add(&mut self, kind: Kind, fields: Fields) -> Result<Record> {
        let ids = self.add_batch(vec![(kind, fields)])?;
        self.get(&ids[0])
    }

    /// Adds many records in one transaction, in order (so a record may refer
    /// to a person added earlier in the same batch). All or nothing.
    pub fn add_batch(&mut self, items: Vec<(Kind, Fields)>) -> Result<Vec<RecordId>> {
        let now = kinds::local_now();
        let role = self.role()?;
        let key = crate::store::identity::public(&self.conn)?.signing_public;
        let mut prepared = Vec::with_capacity(items.len());
        for (kind, fields) in items {
            if !kind.written_by(role) {
                return Err(Error::NotAllowed(not_for_role(kind, role)));
            }
            let mut data = kinds::validate(kind, &fields)?;
            data.retain(|_, v| !v.is_null());
            kinds::defaults(kind, &mut data, now);
            self.complete_references(kind, &mut data)?;
            kinds::validate_whole(kind, &data, now)?;
            prepared.push((new_bound_id(IdOf::Record, &key), kind, data));
        }
        let own = self.own_fingerprint()?;
        self.write(|batch, next| {
            for (id, kind, data) in &prepared {
                check_references(batch.conn(), *kind, data, &own)?;
                check_offered(batch.conn(), *kind, data)?;
                let changes = data.iter().map(|(k, v)| (k.clone(), change(v.clone(), None))).collect::<Fields>();
                batch.apply(&next(id, *kind, Op::Put, changes)?, None)?;
            }
            Ok(())
        })?;
        Ok(prepared.into_iter().map(|(id, _, _)| RecordId::trusted(id)).collect())
    }

    /// Changes some fields of a record. A null value clears an optional
    /// field. The whole record is checked as it would be after the change.
    pub fn update(&mut self, record: &RecordId, fields: Fields) -> Result<Record> {
        let id = record.as_str();
        let now = kinds::local_now();
        let (kind, current, clocks) = self.current(id)?;
        self.check_mine(id, kind)?;
        let changes = kinds::validate(kind, &fields)?;
        if changes.contains_key("person") && kind != Kind::Reflection {
            return Err(Error::invalid("a record cannot be moved to another person"));
        }
        if ["about", "volunteer"].iter().any(|k| changes.contains_key(*k)) {
            return Err(Error::invalid(format!(
                "{} cannot be moved to another record or volunteer",
                kinds::a(kind.spec().label)
            )));
        }
        let after = with_changes(&current, &changes);
        kinds::validate_whole(kind, &after, now)?;
        let own = self.own_fingerprint()?;
        self.write(|batch, next| {
            check_references(batch.conn(), kind, &changes, &own)?;
            // A record that already names a retired service keeps it.
            let moved: Fields = changes
                .iter()
                .filter(|(k, v)| current.get(k.as_str()) != Some(*v))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            check_offered(batch.conn(), kind, &moved)?;
            let mut set =
                changes
                    .iter()
                    .filter(|(k, v)| {
                        if v.is_null() {
                            current.contains_key(k.as_str())
                        } else {
                            current.get(k.as_str()) != Some(v)
                        }
                    })
                    .map(|(k, v)| (k.clone(), change(v.clone(), base_of(&clocks, k))))
                    .collect::<Fields>();
            // Sharing a private reflection: its earlier events never left this
            // journal, so this one carries every field for the supervisor.
            let sharing = kind == Kind::Reflection
                && changes.get("shared") == Some(&Value::Bool(true))
                && current.get("shared") != Some(&Value::Bool(true));
            if sharing {
                for (k, v) in &after {
                    set.entry(k.clone()).or_insert_with(|| change(v.clone(), base_of(&clocks, k)));
                }
            }
            if !set.is_empty() {
                batch.apply(&next(id, kind, Op::Put, set)?, None)?;
            }
            Ok(())
        })?;
        self.get(record)
    }

    /// Deletes a record, leaving a tombstone in its history.
    pub fn delete(&mut self, record: &RecordId) -> Result<()> {
        let id = record.as_str();
        let (kind, _, clocks) = self.current(id)?;
        self.check_mine(id, kind)?;
        if kind == Kind::Person {
            return Err(Error::invalid(
                "a person is not deleted but forgotten: use forget, which erases everything about them",
            ));
        }
        self.write(|batch, next| {
            let mut set = Fields::new();
            set.insert(DELETED.into(), change(Value::Bool(true), base_of(&clocks, DELETED)));
            batch.apply(&next(id, kind, Op::Put, set)?, None)?;
            Ok(())
        })?;
        // A change to it, half typed, has nothing left to change.
        self.conn.execute("DELETE FROM drafts WHERE record = ?1", [id])?;
        Ok(())
    }

    /// Forgets a person: erases them and every record about them (notes and
    /// acknowledgements pointing at those included), their history and
    /// their words in the search index. A person of this journal's own
    /// leaves an erasure tombstone (the person's id, no content) that
    /// travels to other journals, each of which works out for itself what
    /// it covers. A person another journal owns (a supervisor forgetting a
    /// volunteer's) is erased here alone: nothing is written that travels.
    /// Returns how many records went besides the person.
    pub fn forget_person(&mut self, person: &PersonId) -> Result<u32> {
        let person = person.as_str();
        let (kind, _, _) = self.current(person)?;
        if kind != Kind::Person {
            return Err(Error::invalid("that id is not a person"));
        }
        let mine = self.owner_of(person)? == Some(self.own_fingerprint()?);
        let device = String::from(self.device_id()?);
        let erased = self.write(|batch, next| {
            if mine {
                batch.apply(&next(person, Kind::Person, Op::Erase, Fields::new())?, None)?;
                Ok(batch.erased())
            } else {
                let now = Hlc(crate::store::meta_i64(batch.conn(), "hlc")?).tick(hlc::wall_ms());
                batch.erase(person, now.0, &device)
            }
        })?;
        self.scrub()?;
        Ok(erased.saturating_sub(1))
    }

    /// Refuses, in plain words, to change a record this journal does not
    /// own: only the journal that created a record changes or deletes it.
    pub(super) fn check_mine(&self, id: &str, kind: Kind) -> Result<()> {
        let owner = self.owner_of(id)?;
        if owner.as_deref() == Some(self.own_fingerprint()?.as_str()) {
            return Ok(());
        }
        let entry = match &owner {
            Some(fp) => crate::store::roster::entry(&self.conn, fp)?,
            None => None,
        };
        let who = match entry {
            Some(e) if e.role == Role::Supervisor && self.role()? == Role::Volunteer => {
                format!("your supervisor, {}", e.name)
            }
            Some(e) => e.name,
            None => "another journal".to_string(),
        };
        Err(Error::NotAllowed(format!("This {} was written by {who}: you can't change it.", kind.spec().label)))
    }

    /// Fills in what a note or an acknowledgement says about whom: the
    /// person of the record it is about. Reads only; the write checks
    /// again (see [`check_references`]).
    fn complete_references(&self, kind: Kind, data: &mut Fields) -> Result<()> {
        if !matches!(kind, Kind::SupervisionNote | Kind::Acknowledgement) {
            return Ok(());
        }
        let Some(about) = data.get("about").and_then(Value::as_str) else { return Ok(()) };
        let person: Option<Option<String>> = self
            .conn
            .prepare_cached("SELECT person FROM records WHERE id = ?1 AND deleted = 0")?
            .query_row([about], |r| r.get(0))
            .optional()?;
        let Some(Some(person)) = person else { return Ok(()) };
        match data.get("person").and_then(Value::as_str) {
            None => {
                data.insert("person".into(), Value::String(person));
            }
            Some(given) if given != person => {
                return Err(Error::invalid("the person given is not the person of the record it is about"))
            }
            Some(_) => {}
        }
        Ok(())
    }

    /// After erasing: rewrite the search index without the erased words and
    /// fold the write-ahead log into the database, so no old page with the
    /// erased text lingers in either. `secure_delete` has already zeroed the
    /// freed pages.
    pub(crate) fn scrub(&self) -> Result<()> {
        self.search.tidy()?;
        // Best effort: another process reading the journal can hold the logs open.
        let _ = self.conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);");
        let _ = self.search.fold_log(true);
        Ok(())
    }

    pub(super) fn current(&self, id: &str) -> Result<(Kind, Fields, FieldClocks)> {
        let row = self
            .conn
            .query_row(
                "SELECT r.kind, r.data, r.clocks, r.created_hlc, d.id
                 FROM records r JOIN devices d ON d.n = r.created_device WHERE r.id = ?1 AND r.deleted = 0",
                [id],
                |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                        Clock(r.get(3)?, r.get(4)?),
                    ))
                },
            )
            .optional()?
            .ok_or_else(|| Error::invalid(format!("no record with id {id}")))?;
        let kind = Kind::parse(&row.0)?;
        let data =
            serde_json::from_str(&row.1).map_err(|_| Error::CheckFailed("a record's data is unreadable".into()))?;
        let clocks = crate::store::rows::read_clocks(&data, &row.2, &row.3)?;
        Ok((kind, data, clocks))
    }

    /// Settles a conflict on one field by choosing its value (which may be
    /// the current one). The other values stay in the record's history.
    pub fn resolve_conflict(&mut self, record: &RecordId, field: &str, value: Value) -> Result<Record> {
        let id = record.as_str();
        let now = kinds::local_now();
        let (kind, current, clocks) = self.current(id)?;
        self.check_mine(id, kind)?;
        let mut given = Fields::new();
        given.insert(field.to_string(), value);
        let changes = kinds::validate(kind, &given)?;
        let after = with_changes(&current, &changes);
        kinds::validate_whole(kind, &after, now)?;
        let own = self.own_fingerprint()?;
        self.write(|batch, next| {
            check_references(batch.conn(), kind, &changes, &own)?;
            let set =
                changes.iter().map(|(k, v)| (k.clone(), change(v.clone(), base_of(&clocks, k)))).collect::<Fields>();
            batch.apply(&next(id, kind, Op::Put, set)?, None)?;
            Ok(())
        })?;
        self.get(record)
    }
}

/// A record's fields as they would be after `changes` (null clears).
fn with_changes(current: &Fields, changes: &Fields) -> Fields {
    let mut after = current.clone();
    for (k, v) in changes {
        if v.is_null() {
            after.remove(k);
        } else {
            after.insert(k.clone(), v.clone());
        }
    }
    after
}

fn change(value: Value, base: Option<(i64, String)>) -> Value {
    serde_json::to_value(FieldChange { value, base }).unwrap_or(Value::Null)
}

fn base_of(clocks: &FieldClocks, field: &str) -> Option<(i64, String)> {
    clocks.get(field).map(|c| (c.h, c.d.clone()))
}

/// Every person, service or record a record points at must exist and not
/// be deleted. A supervision note must be for a volunteer whose card is in
/// the roster, and about that volunteer's person and record; an
/// acknowledgement must point at a volunteer's concern not yet
/// acknowledged, and name its person. `own`: this journal's fingerprint.
fn check_references(conn: &rusqlite::Connection, kind: Kind, data: &Fields, own: &str) -> Result<()> {
    for field in kind.spec().fields {
        let (wanted, message) = match field.ty {
            FieldType::PersonRef => (Some("person"), "unknown person"),
            FieldType::ServiceRef => (Some("service"), "unknown service"),
            FieldType::RecordRef => (None, "unknown record"),
            _ => continue,
        };
        let Some(id) = data.get(field.name).and_then(Value::as_str) else { continue };
        let found: Option<String> = conn
            .prepare_cached("SELECT kind FROM records WHERE id = ?1 AND deleted = 0")?
            .query_row([id], |r| r.get(0))
            .optional()?;
        if found.is_none() || wanted.is_some_and(|w| found.as_deref() != Some(w)) {
            return Err(Error::invalid(message));
        }
    }
    let text = |k: &str| data.get(k).and_then(Value::as_str);
    let owner = |id: &str| record_owner(conn, id);
    let person_of = |id: &str| -> Result<Option<String>> {
        Ok(conn
            .prepare_cached("SELECT person FROM records WHERE id = ?1")?
            .query_row([id], |r| r.get::<_, Option<String>>(0))
            .optional()?
            .flatten())
    };
    match kind {
        Kind::SupervisionNote => {
            if let Some(fp) = text("volunteer") {
                let role: Option<String> = conn
                    .prepare_cached("SELECT role FROM roster WHERE fingerprint = ?1 AND revoked_at IS NULL")?
                    .query_row([fp], |r| r.get(0))
                    .optional()?;
                if role.as_deref() != Some("volunteer") {
                    return Err(Error::invalid(
                        "a supervision note must be for a volunteer whose card is in this journal",
                    ));
                }
                for field in ["person", "about"] {
                    if let Some(id) = text(field) {
                        if owner(id)?.as_deref() != Some(fp) {
                            return Err(Error::invalid(
                                "a supervision note can only be about that volunteer's own people and records",
                            ));
                        }
                    }
                }
            }
            if let (Some(about), Some(person)) = (text("about"), text("person")) {
                if person_of(about)?.is_some_and(|p| p != person) {
                    return Err(Error::invalid("the person given is not the person of the record it is about"));
                }
            }
        }
        Kind::Acknowledgement => {
            if let Some(concern) = text("about") {
                let kind: Option<String> = conn
                    .prepare_cached("SELECT kind FROM records WHERE id = ?1 AND deleted = 0")?
                    .query_row([concern], |r| r.get(0))
                    .optional()?;
                if kind.as_deref() != Some("concern") {
                    return Err(Error::invalid("only a concern is acknowledged"));
                }
                if owner(concern)?.is_none_or(|o| o == own) {
                    return Err(Error::invalid("only a volunteer's concern is acknowledged"));
                }
                if text("person").is_some_and(|p| person_of(concern).ok().flatten().as_deref() != Some(p)) {
                    return Err(Error::invalid("the person given is not the person of the concern"));
                }
                let acknowledged: bool = conn
                    .prepare_cached(
                        "SELECT EXISTS (SELECT 1 FROM records WHERE about = ?1 AND kind = 'acknowledgement'
                                                                 AND deleted = 0)",
                    )?
                    .query_row([concern], |r| r.get(0))?;
                if acknowledged {
                    return Err(Error::invalid("that concern has been acknowledged already"));
                }
            }
        }
        _ => {}
    }
    Ok(())
}

/// A service a record is given must still be taking referrals (see
/// `directory`): asked of a new record and of a service changed, never of
/// one a record already names, nor of an import.
fn check_offered(conn: &rusqlite::Connection, kind: Kind, data: &Fields) -> Result<()> {
    for field in kind.spec().fields.iter().filter(|f| matches!(f.ty, FieldType::ServiceRef)) {
        let Some(id) = data.get(field.name).and_then(Value::as_str) else { continue };
        if super::directory::is_retired(conn, id)? {
            return Err(Error::invalid("that service is no longer taking referrals; please choose another service"));
        }
    }
    Ok(())
}

/// Why a journal kept in `role` does not write a record of `kind`, in
/// plain words.
pub(super) fn not_for_role(kind: Kind, role: Role) -> String {
    let what = kind.spec().plural;
    match role {
        Role::Volunteer => format!(
            "{} are written by your supervisor: they arrive in the files your supervisor sends you",
            capitalised(what)
        ),
        Role::Supervisor => format!(
            "A supervisor's journal keeps supervision notes, acknowledgements and the service directory: \
             {what} are recorded in volunteers' journals"
        ),
    }
}

fn capitalised(s: &str) -> String {
    let mut chars = s.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}
