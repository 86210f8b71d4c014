//! Records in an unlocked journal: adding, changing, deleting and forgetting
//! them, and the questions people ask of them (a person's timeline, what is
//! due, open concerns, flagged boundary issues, search).
//!
//! Every write is one transaction that takes the next sequence number and
//! clock stamp for this device, appends an event and folds it into the
//! materialised tables ([`crate::events`]). A write that fails validation
//! changes nothing. Queries read only the materialised tables.

use rusqlite::{params, OptionalExtension, Row, TransactionBehavior};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use ts_rs::TS;
use uuid::Uuid;

use crate::error::{Error, Result};
use crate::events::{self, Batch, Clock, Event, FieldChange, FieldClocks, Op, DELETED};
use crate::hlc::{self, Hlc};
use crate::journal::Journal;
use crate::kinds::{self, FieldType, Fields, Kind, Role};

/// Months after an ending that a relationship's records are kept, unless the
/// journal says otherwise.
pub const DEFAULT_RETENTION_MONTHS: u32 = 12;

/// A record as shown and exported. (Called `JournalRecord` in TypeScript,
/// where `Record` is a built-in type.)
#[derive(Clone, Debug, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, rename = "JournalRecord")]
pub struct Record {
    /// The record's id (a UUIDv7).
    pub id: String,
    /// What kind of record.
    pub kind: Kind,
    /// The person it concerns, if any.
    pub person: Option<String>,
    /// When it happened, as given.
    pub at: Option<String>,
    /// The record's fields by name.
    #[ts(type = "{ [field in string]?: unknown }")]
    pub fields: Map<String, Value>,
    /// When it was first written (UTC).
    pub created_at: String,
    /// When it was last changed (UTC).
    pub updated_at: String,
    /// The device that last changed it.
    pub updated_by: String,
    /// The fingerprint of the journal that owns it (whose device made it):
    /// only that journal changes it.
    pub owner: Option<String>,
    /// True when two devices changed a field at once and someone should choose.
    pub conflict: bool,
}

/// One change in a record's history.
#[derive(Clone, Debug, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct HistoryEntry {
    /// When (UTC), by the writing device's clock.
    pub at: String,
    /// The device that made the change.
    pub device: String,
    /// That device's sequence number for the change.
    #[ts(type = "number")]
    pub seq: i64,
    /// The fields set, with their new values (null: cleared).
    #[ts(type = "{ [field in string]?: unknown }")]
    pub changed: Map<String, Value>,
}

/// A search hit: the record and a short excerpt around the words found.
#[derive(Clone, Debug, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SearchHit {
    /// The record found.
    #[serde(flatten)]
    pub record: Record,
    /// A few words around the first match.
    pub excerpt: String,
}

/// What `purge` erased.
#[derive(Clone, Debug, Default, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PurgeReport {
    /// The people whose relationship ended longer ago than the journal keeps.
    pub erased_people: Vec<String>,
    /// How many records went with them.
    pub erased_records: u32,
    /// People past retention kept because a concern about them is still open.
    pub kept_for_open_concern: u32,
}

/// Which page of a list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Page {
    /// At most this many.
    pub limit: u32,
    /// After skipping this many.
    pub offset: u32,
}

impl Default for Page {
    fn default() -> Self {
        Page { limit: 50, offset: 0 }
    }
}

impl Page {
    fn checked(self) -> Result<Self> {
        if self.limit == 0 || self.limit > 1000 {
            return Err(Error::invalid("a page holds between 1 and 1000 records"));
        }
        Ok(self)
    }
}

const RECORD_COLUMNS: &str = "r.id, r.kind, r.person, r.at, r.data, r.created_hlc, r.updated_hlc,
     (SELECT id FROM devices WHERE n = r.updated_device), r.conflict,
     (SELECT journal FROM devices WHERE n = r.created_device)";

/// The lists of records, newest (or soonest due) first, after `SELECT
/// {RECORD_COLUMNS}`. The indexes hold each record's sort keys (migration
/// 0009): `person_key` narrows to the person and `person` itself confirms
/// it, `at_key` and `due_key` order by time. Ties in time are broken by
/// rowid, which every index entry ends with, so each list is read from its
/// index in order, with no sorting (a test checks the plans).
const LIST: &str = "FROM records r WHERE r.kind = ?1 AND r.deleted = 0
     ORDER BY r.at_key DESC, r.rowid DESC LIMIT ?2 OFFSET ?3";
/// One person's records of one kind: from the person's records (a few
/// hundred at most), not from every record of the kind (a person's contacts
/// took 0.5 s in a journal of 100,000 records when read by kind).
const LIST_FOR_PERSON: &str = "FROM records r INDEXED BY records_by_person
     WHERE r.person_key = person_key(?2) AND r.person = ?2 AND r.kind = ?1 AND r.deleted = 0
     ORDER BY r.at_key DESC, r.rowid DESC LIMIT ?3 OFFSET ?4";
const TIMELINE: &str = "FROM records r
     WHERE r.person_key = person_key(?1) AND r.person = ?1 AND r.deleted = 0 AND r.kind != 'person'
     ORDER BY r.at_key DESC, r.rowid DESC LIMIT ?2 OFFSET ?3";
/// `?1`: the key of the first minute after the day asked about. What is
/// due is each person's latest contact, where it plans the next (a later
/// contact meets or replaces the plan), found from the people, one each;
/// and the referrals and reviews that `records_due` holds (no contacts);
/// but nothing for someone whose support has ended (`records_endings`; an
/// ending without a person, which a bundle's edit arriving before its
/// creation can leave for a while, must not empty the list: `NOT IN` a set
/// holding NULL is never true). The candidates are chosen and sorted from
/// the indexes, and only the page's rows are read. A contact counts only
/// through its person's row: a plan about someone whose row has not
/// arrived shows once it has.
const DUE: &str = "FROM (
         SELECT rid, due FROM (
             SELECT d.rowid AS rid, d.due_key AS due, d.person AS person FROM records d INDEXED BY records_due
             WHERE d.deleted = 0 AND d.due_key IS NOT NULL AND d.kind != 'contact' AND d.due_key < ?1
             UNION ALL
             SELECT c.rowid, c.due_key, c.person FROM (
                 SELECT (SELECT l.rowid FROM records l INDEXED BY records_by_person
                         WHERE l.person_key = p.person_key AND l.person = p.id AND l.kind = 'contact'
                           AND l.deleted = 0
                         ORDER BY l.at_key DESC, l.rowid DESC LIMIT 1) AS rid
                 FROM records p WHERE p.kind = 'person' AND p.deleted = 0) AS latest
             CROSS JOIN records c ON c.rowid = latest.rid
             WHERE c.due_key < ?1)
         WHERE person IS NULL OR person NOT IN (
             SELECT e.person FROM records e INDEXED BY records_endings
             WHERE e.kind = 'ending' AND e.deleted = 0 AND e.person IS NOT NULL)
         ORDER BY due, rid LIMIT ?2 OFFSET ?3) AS page
     CROSS JOIN records r ON r.rowid = page.rid
     ORDER BY page.due, page.rid";
const NEEDING_ATTENTION: &str = "FROM records r WHERE r.kind = ?1 AND r.deleted = 0 AND r.attention = 1
     ORDER BY r.at_key DESC, r.rowid DESC LIMIT ?2 OFFSET ?3";

fn record_from_row(row: &Row<'_>) -> rusqlite::Result<Record> {
    let kind: String = row.get(1)?;
    let data: String = row.get(4)?;
    let mut fields: Map<String, Value> = serde_json::from_str(&data).unwrap_or_default();
    fields.remove(DELETED);
    Ok(Record {
        id: row.get(0)?,
        kind: Kind::parse(&kind).unwrap_or(Kind::Person),
        person: row.get(2)?,
        at: row.get(3)?,
        fields,
        created_at: stamp(row.get(5)?),
        updated_at: stamp(row.get(6)?),
        updated_by: row.get(7)?,
        conflict: row.get(8)?,
        owner: row.get(9)?,
    })
}

fn stamp(hlc: i64) -> String {
    Hlc(hlc).to_datetime().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

impl Journal {
    /// This device's id.
    pub fn device_id(&self) -> Result<String> {
        self.meta("device_id")?.ok_or_else(|| Error::CheckFailed("the journal has no device id".into()))
    }

    /// Runs `f` in a write transaction with a function that makes the next
    /// event for this device. The sequence counter and clock are kept in the
    /// journal and advanced in the same transaction, so two processes never
    /// hand out the same number.
    fn write<T>(
        &mut self,
        f: impl FnOnce(&mut Batch<'_, '_>, &mut dyn FnMut(&str, Kind, Op, Fields) -> Event) -> Result<T>,
    ) -> Result<T> {
        let device = self.device_id()?;
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
            seq += 1;
            clock = clock.tick(hlc::wall_ms());
            Event { device: device.clone(), seq, hlc: clock.0, record: record.to_string(), kind, op, fields }
        };
        let mut batch = Batch::new(&tx, &self.search);
        let out = f(&mut batch, &mut next)?;
        let search_tx = batch.finish()?;
        for (k, v) in [("device_seq", seq), ("hlc", clock.0)] {
            crate::journal::set_meta(&tx, k, &v.to_string())?;
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
    pub fn add_batch(&mut self, items: Vec<(Kind, Fields)>) -> Result<Vec<String>> {
        let now = kinds::local_now();
        let role = self.role()?;
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
            prepared.push((Uuid::now_v7().to_string(), kind, data));
        }
        let own = self.own_fingerprint()?;
        self.write(|batch, next| {
            for (id, kind, data) in &prepared {
                check_references(batch.conn(), *kind, data, &own)?;
                let changes = data.iter().map(|(k, v)| (k.clone(), change(v.clone(), None))).collect::<Fields>();
                batch.apply(&next(id, *kind, Op::Put, changes), None)?;
            }
            Ok(())
        })?;
        Ok(prepared.into_iter().map(|(id, _, _)| id).collect())
    }

    /// Changes some fields of a record. A null value clears an optional
    /// field. The whole record is checked as it would be after the change.
    pub fn update(&mut self, id: &str, fields: Fields) -> Result<Record> {
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
                batch.apply(&next(id, kind, Op::Put, set), None)?;
            }
            Ok(())
        })?;
        self.get(id)
    }

    /// Deletes a record, leaving a tombstone in its history.
    pub fn delete(&mut self, id: &str) -> Result<()> {
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
            batch.apply(&next(id, kind, Op::Put, set), None)?;
            Ok(())
        })
    }

    /// Forgets a person: erases them and every record about them (notes and
    /// acknowledgements pointing at those included), their history and
    /// their words in the search index. A person of this journal's own
    /// leaves an erasure tombstone (the person's id, no content) that
    /// travels to other journals, each of which works out for itself what
    /// it covers. A person another journal owns (a supervisor forgetting a
    /// volunteer's) is erased here alone: nothing is written that travels.
    /// Returns how many records went besides the person.
    pub fn forget_person(&mut self, person: &str) -> Result<u32> {
        let (kind, _, _) = self.current(person)?;
        if kind != Kind::Person {
            return Err(Error::invalid("that id is not a person"));
        }
        let mine = self.owner_of(person)? == Some(self.own_fingerprint()?);
        let device = self.device_id()?;
        let erased = self.write(|batch, next| {
            if mine {
                batch.apply(&next(person, Kind::Person, Op::Erase, Fields::new()), None)?;
                Ok(batch.erased())
            } else {
                let now = Hlc(crate::journal::meta_i64(batch.conn(), "hlc")?).tick(hlc::wall_ms());
                batch.erase(person, now.0, &device)
            }
        })?;
        self.scrub()?;
        Ok(erased.saturating_sub(1))
    }

    /// This journal's role.
    pub(crate) fn role(&self) -> Result<Role> {
        self.meta("role")?.ok_or_else(|| Error::CheckFailed("the journal has no role".into()))?.parse()
    }

    /// This journal's fingerprint.
    pub(crate) fn own_fingerprint(&self) -> Result<String> {
        Ok(crate::identity::public(&self.conn)?.fingerprint)
    }

    /// The fingerprint of the journal that owns record `id` (whose device
    /// created it), if known.
    pub(crate) fn owner_of(&self, id: &str) -> Result<Option<String>> {
        owner_of(&self.conn, id)
    }

    /// Refuses, in plain words, to change a record this journal does not
    /// own: only the journal that created a record changes or deletes it.
    fn check_mine(&self, id: &str, kind: Kind) -> Result<()> {
        let owner = self.owner_of(id)?;
        if owner.as_deref() == Some(self.own_fingerprint()?.as_str()) {
            return Ok(());
        }
        let entry = match &owner {
            Some(fp) => self.roster_entry(fp)?,
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

    fn current(&self, id: &str) -> Result<(Kind, Fields, FieldClocks)> {
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
        let clocks = events::read_clocks(&data, &row.2, &row.3)?;
        Ok((kind, data, clocks))
    }

    /// One record.
    pub fn get(&self, id: &str) -> Result<Record> {
        self.conn
            .query_row(
                &format!("SELECT {RECORD_COLUMNS} FROM records r WHERE r.id = ?1 AND r.deleted = 0"),
                [id],
                record_from_row,
            )
            .optional()?
            .ok_or_else(|| Error::invalid(format!("no record with id {id}")))
    }

    /// A record's history, oldest first.
    pub fn history(&self, id: &str) -> Result<Vec<HistoryEntry>> {
        self.get(id)?;
        let mut stmt = self
            .conn
            .prepare_cached("SELECT hlc, device, seq, fields FROM event_log WHERE record = ?1 ORDER BY hlc, device")?;
        let rows = stmt.query_map([id], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get::<_, i64>(2)?, r.get::<_, String>(3)?))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (hlc, device, seq, fields) = row?;
            let fields: Map<String, Value> = serde_json::from_str(&fields).unwrap_or_default();
            let changed =
                fields.into_iter().map(|(k, v)| (k, v.get("value").cloned().unwrap_or(Value::Null))).collect();
            out.push(HistoryEntry { at: stamp(hlc), device, seq, changed });
        }
        Ok(out)
    }

    /// Records of one kind, newest first, optionally about one person.
    pub fn list(&self, kind: Kind, person: Option<&str>, page: Page) -> Result<Vec<Record>> {
        let page = page.checked()?;
        let rows = match person {
            None => self
                .conn
                .prepare_cached(&format!("SELECT {RECORD_COLUMNS} {LIST}"))?
                .query_map(params![kind.as_str(), page.limit, page.offset], record_from_row)?
                .collect::<rusqlite::Result<_>>()?,
            Some(person) => self
                .conn
                .prepare_cached(&format!("SELECT {RECORD_COLUMNS} {LIST_FOR_PERSON}"))?
                .query_map(params![kind.as_str(), person, page.limit, page.offset], record_from_row)?
                .collect::<rusqlite::Result<_>>()?,
        };
        Ok(rows)
    }

    /// Everything about a person, newest first.
    pub fn timeline(&self, person: &str, page: Page) -> Result<Vec<Record>> {
        let page = page.checked()?;
        let mut stmt = self.conn.prepare_cached(&format!("SELECT {RECORD_COLUMNS} {TIMELINE}"))?;
        let rows = stmt.query_map(params![person, page.limit, page.offset], record_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// What is due by `today` (`YYYY-MM-DD`): referrals past their reminder
    /// with no outcome, reviews of ground rules, and planned contacts that
    /// have not happened (only each person's latest plan counts).
    pub fn due(&self, today: &str, page: Page) -> Result<Vec<Record>> {
        let page = page.checked()?;
        let day = kinds::time_key(today).filter(|_| today.len() == 10).ok_or_else(|| {
            Error::invalid(format!("{today:?} is not a date; write it as YYYY-MM-DD, like 2026-11-01"))
        })?;
        let mut stmt = self.conn.prepare_cached(&format!("SELECT {RECORD_COLUMNS} {DUE}"))?;
        let rows = stmt.query_map(params![day + 24 * 60, page.limit, page.offset], record_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Records of a kind that need attention: concerns not yet acknowledged,
    /// boundary issues flagged for supervision, referrals with no outcome.
    pub fn needing_attention(&self, kind: Kind, page: Page) -> Result<Vec<Record>> {
        let page = page.checked()?;
        let mut stmt = self.conn.prepare_cached(&format!("SELECT {RECORD_COLUMNS} {NEEDING_ATTENTION}"))?;
        let rows = stmt.query_map(params![kind.as_str(), page.limit, page.offset], record_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Full-text search over every record's words, newest records first
    /// (the index yields matches in that order, so a page costs the same
    /// however many records match).
    pub fn search(&mut self, query: &str, page: Page) -> Result<Vec<SearchHit>> {
        let page = page.checked()?;
        let terms: Vec<String> = query.split_whitespace().map(|t| format!("\"{}\"", t.replace('"', "\"\""))).collect();
        if terms.is_empty() {
            return Err(Error::invalid("say what to search for"));
        }
        let mut fts = terms.join(" ");
        fts.push('*');
        if self.search.is_stale() && !self.search.is_damaged() {
            if let Err(e) = self.search.rebuild(&self.conn) {
                if !crate::search::is_damage(&e) {
                    return Err(e);
                }
                self.recreate_search_index()?;
            }
        }
        if self.search.is_damaged() {
            self.recreate_search_index()?;
        }
        let rowids = match self.search.matching(&fts, page.limit.into(), page.offset.into()) {
            // Damage found by the search itself: made again, and asked again.
            Err(e) if crate::search::is_damage(&e) => {
                self.recreate_search_index()?;
                self.search.matching(&fts, page.limit.into(), page.offset.into())?
            }
            found => found?,
        };
        if rowids.is_empty() {
            return Ok(Vec::new());
        }
        // The page's records in one statement (the rowids as a JSON array).
        // The index holds entries only for live records; the check on
        // `deleted` guards against an index a step behind.
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {RECORD_COLUMNS} FROM records r
             WHERE r.rowid IN (SELECT value FROM json_each(?1)) AND r.deleted = 0
             ORDER BY r.rowid DESC"
        ))?;
        let rowids = serde_json::to_string(&rowids).map_err(|e| Error::CheckFailed(e.to_string()))?;
        let words: Vec<String> = query.split_whitespace().map(str::to_lowercase).collect();
        let rows = stmt.query_map([rowids], record_from_row)?;
        rows.map(|r| {
            let record = r?;
            let excerpt = excerpt(&kinds::search_text(record.kind, &record.fields), &words);
            Ok(SearchHit { record, excerpt })
        })
        .collect()
    }

    /// Months after an ending that records are kept.
    pub fn retention_months(&self) -> Result<u32> {
        Ok(self.meta("retention_months")?.and_then(|v| v.parse().ok()).unwrap_or(DEFAULT_RETENTION_MONTHS))
    }

    /// Sets how many months after an ending records are kept (1 to 120).
    pub fn set_retention_months(&mut self, months: u32) -> Result<()> {
        if !(1..=120).contains(&months) {
            return Err(Error::invalid("records must be kept for between 1 and 120 months after an ending"));
        }
        self.set_meta("retention_months", &months.to_string())
    }

    /// What the purge at unlock erased, if anything.
    pub fn last_purge(&self) -> Option<&PurgeReport> {
        self.last_purge.as_ref()
    }

    /// Erases every relationship that ended longer ago than the retention
    /// period, unless a concern about the person is still open or they have
    /// been seen again since. Says what it erased.
    pub fn purge(&mut self) -> Result<PurgeReport> {
        let cutoff = kinds::months_ago(self.retention_months()?);
        let candidates: Vec<(String, String, bool)> = {
            // Endings first (few), then the checks for those past the cutoff only.
            let mut stmt = self.conn.prepare_cached(
                "WITH ended AS (
                     SELECT person, max(at) AS ended_on FROM records INDEXED BY records_endings
                     WHERE kind = 'ending' AND deleted = 0 AND person IS NOT NULL GROUP BY person)
                 SELECT p.id, json_extract(p.data, '$.alias'),
                        EXISTS (SELECT 1 FROM records c WHERE c.person_key = p.person_key AND c.person = p.id
                                  AND c.kind = 'concern' AND c.deleted = 0 AND c.attention = 1)
                 FROM ended JOIN records p ON p.id = ended.person AND p.kind = 'person' AND p.deleted = 0
                 WHERE ended.ended_on < ?1
                   AND NOT EXISTS (SELECT 1 FROM records c WHERE c.person_key = p.person_key AND c.person = p.id
                                     AND c.kind = 'contact' AND c.deleted = 0
                                     AND c.at_key >= time_key(substr(ended.ended_on, 1, 10)) + 24 * 60)",
            )?;
            let rows = stmt.query_map([&cutoff], |r| {
                Ok((r.get(0)?, r.get::<_, Option<String>>(1)?.unwrap_or_default(), r.get(2)?))
            })?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        let mut report = PurgeReport::default();
        for (id, alias, open_concern) in candidates {
            if open_concern {
                report.kept_for_open_concern += 1;
                continue;
            }
            report.erased_records += self.forget_person(&id)?;
            report.erased_people.push(alias);
        }
        Ok(report)
    }

    /// Rebuilds the materialised tables from the event log (a repair and a
    /// check: the result must equal what was there).
    pub fn rebuild(&mut self) -> Result<()> {
        let tx = rusqlite::Transaction::new_unchecked(&self.conn, TransactionBehavior::Immediate)?;
        let search_tx = events::rebuild(&tx, &self.search)?;
        tx.commit()?;
        search_tx.commit_after_journal();
        Ok(())
    }

    /// Merges the search index into one segment (a batch large enough to be
    /// a bulk load already does), after many records were added in batches.
    pub fn tidy_search_index(&mut self) -> Result<()> {
        self.search.tidy()
    }

    /// Notes that the supervision note or acknowledgement `id` has been
    /// read here. Local: never sent.
    pub fn mark_read(&mut self, id: &str) -> Result<()> {
        let record = self.get(id)?;
        if !matches!(record.kind, Kind::SupervisionNote | Kind::Acknowledgement) {
            return Err(Error::invalid("only supervision notes and acknowledgements are marked as read"));
        }
        self.conn
            .prepare_cached("INSERT OR IGNORE INTO read_marks (record, at) VALUES (?1, ?2)")?
            .execute(params![id, crate::journal::now()])?;
        Ok(())
    }

    /// Supervision notes and acknowledgements written by someone else and
    /// not yet marked read here, newest first.
    pub fn unread(&self, page: Page) -> Result<Vec<Record>> {
        let page = page.checked()?;
        let own = self.own_fingerprint()?;
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {RECORD_COLUMNS} FROM records r
             WHERE r.kind IN ('supervision-note', 'acknowledgement') AND r.deleted = 0
               AND NOT EXISTS (SELECT 1 FROM read_marks m WHERE m.record = r.id)
               AND (SELECT journal FROM devices WHERE n = r.created_device) IS NOT ?1
             ORDER BY r.at_key DESC, r.rowid DESC LIMIT ?2 OFFSET ?3"
        ))?;
        let rows = stmt.query_map(params![own, page.limit, page.offset], record_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// How many records of each kind the journal holds.
    pub fn counts(&self) -> Result<Map<String, Value>> {
        let mut stmt =
            self.conn.prepare_cached("SELECT kind, count(*) FROM records WHERE deleted = 0 GROUP BY kind")?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?;
        let mut out = Map::new();
        for row in rows {
            let (k, n) = row?;
            out.insert(k, Value::from(n));
        }
        Ok(out)
    }
}

/// A record two devices changed at once, and the values to choose between.
#[derive(Clone, Debug, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Conflict {
    /// The record as it stands (with the value that won for now).
    pub record: Record,
    /// The fields in conflict.
    pub fields: Vec<ConflictField>,
}

/// One field two devices changed at once.
#[derive(Clone, Debug, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ConflictField {
    /// The field's name.
    pub field: String,
    /// The value in the record now.
    #[ts(type = "unknown")]
    pub current: Value,
    /// The other values written at the same time elsewhere.
    #[ts(type = "Array<unknown>")]
    pub others: Vec<Value>,
}

/// The ids of the records in conflict, a page of them, from the index
/// that holds only those (`records_conflicts`).
const CONFLICTED: &str = "SELECT id FROM records WHERE conflict = 1 AND deleted = 0 ORDER BY id LIMIT ?1 OFFSET ?2";

impl Journal {
    /// Records marked as conflicts, with the competing values of each field.
    pub fn conflicts(&self, page: Page) -> Result<Vec<Conflict>> {
        let page = page.checked()?;
        let ids: Vec<String> = self
            .conn
            .prepare_cached(CONFLICTED)?
            .query_map(params![page.limit, page.offset], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let mut out = Vec::new();
        for id in ids {
            let (_, data, clocks) = self.current(&id)?;
            let mut fields = Vec::new();
            for (name, clock) in &clocks {
                if !clock.c {
                    continue;
                }
                let mut others = Vec::new();
                let mut stmt = self
                    .conn
                    .prepare_cached("SELECT device, fields FROM event_log WHERE record = ?1 AND op = 'put'")?;
                for row in stmt.query_map([&id], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))? {
                    let (device, fields_json) = row?;
                    if device == clock.d {
                        continue;
                    }
                    let map: Map<String, Value> = serde_json::from_str(&fields_json).unwrap_or_default();
                    if let Some(change) = map.get(name).and_then(|v| FieldChange::deserialize(v).ok()) {
                        if change.base == clock.b {
                            others.push(change.value);
                        }
                    }
                }
                fields.push(ConflictField {
                    field: name.clone(),
                    current: data.get(name).cloned().unwrap_or(Value::Null),
                    others,
                });
            }
            out.push(Conflict { record: self.get(&id)?, fields });
        }
        Ok(out)
    }

    /// Settles a conflict on one field by choosing its value (which may be
    /// the current one). The other values stay in the record's history.
    pub fn resolve_conflict(&mut self, id: &str, field: &str, value: Value) -> Result<Record> {
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
            batch.apply(&next(id, kind, Op::Put, set), None)?;
            Ok(())
        })?;
        self.get(id)
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
    let owner = |id: &str| owner_of(conn, id);
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

/// The fingerprint of the journal that owns record `id` (whose device
/// created it), if known.
fn owner_of(conn: &rusqlite::Connection, id: &str) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached("SELECT d.journal FROM records r JOIN devices d ON d.n = r.created_device WHERE r.id = ?1")?
        .query_row([id], |r| r.get::<_, Option<String>>(0))
        .optional()?
        .flatten())
}

/// Why a journal kept in `role` does not write a record of `kind`, in
/// plain words.
fn not_for_role(kind: Kind, role: Role) -> String {
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

/// About 160 characters of `text` around the first of `words` found.
fn excerpt(text: &str, words: &[String]) -> String {
    let lower = text.to_lowercase();
    let hit = words.iter().filter_map(|w| lower.find(w.trim_end_matches('*'))).min().unwrap_or(0);
    // Map the byte offset in the lower-cased text back to a char offset.
    let hit_chars = lower[..hit.min(lower.len())].chars().count();
    let start = hit_chars.saturating_sub(60);
    let snippet: String = text.chars().skip(start).take(160).collect::<String>().replace('\n', " ");
    let mut out = String::new();
    if start > 0 {
        out.push('…');
    }
    out.push_str(snippet.trim());
    if text.chars().count() > start + 160 {
        out.push('…');
    }
    out
}

#[cfg(test)]
#[path = "records_tests.rs"]
mod tests;
