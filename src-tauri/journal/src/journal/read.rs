//! The questions people ask of a journal: a record and its history, lists
//! and a person's timeline, what is due, what needs attention, search,
//! conflicts to settle, notes not yet read. Queries read only the
//! materialised tables and their indexes, a page at a time.

use rusqlite::{params, OptionalExtension, Row};
use serde::Deserialize;
use serde_json::{Map, Value};

use crate::error::{Error, Result};
use crate::journal::Journal;
use crate::model::event::{FieldChange, DELETED};
use crate::model::hlc::Hlc;
use crate::model::ids::{DeviceId, PersonId, RecordId};
use crate::model::kinds::{self, Kind, Role};
use crate::model::record::{Conflict, ConflictField, HistoryEntry, Page, Record, RecordCounts, SearchHit};

pub(super) const RECORD_COLUMNS: &str = "r.id, r.kind, r.person, r.at, r.data, r.created_hlc, r.updated_hlc,
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

/// The order of open concerns wherever they are listed (Today, the banner,
/// a supervisor's review): the most urgent first, by the concern kind's own
/// urgency choices (which run from the least urgent up), those with none or
/// one not known last; of the same urgency the newest first. So the first
/// page holds the most urgent however old they are. Open concerns are few:
/// they come from the index of records needing attention and are sorted
/// there. An SQL `ORDER BY` over records aliased `r`.
pub(super) fn urgent_first() -> String {
    let choices = match Kind::Concern.spec().field("urgency").map(|f| f.ty) {
        Some(kinds::FieldType::Choice(choices)) => choices,
        _ => &[],
    };
    let ranks: String = choices
        .iter()
        .rev()
        .enumerate()
        .filter(|(_, c)| c.value.chars().all(|ch| ch.is_ascii_alphanumeric() || ch == '-' || ch == '_'))
        .map(|(rank, c)| format!("WHEN '{}' THEN {rank} ", c.value))
        .collect();
    let last = choices.len();
    format!("ORDER BY CASE json_extract(r.data, '$.urgency') {ranks}ELSE {last} END, r.at_key DESC, r.rowid DESC")
}

pub(super) fn record_from_row(row: &Row<'_>) -> rusqlite::Result<Record> {
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
    pub fn device_id(&self) -> Result<DeviceId> {
        self.meta("device_id")?
            .map(DeviceId::trusted)
            .ok_or_else(|| Error::CheckFailed("the journal has no device id".into()))
    }

    /// This journal's role.
    pub(crate) fn role(&self) -> Result<Role> {
        self.meta("role")?.ok_or_else(|| Error::CheckFailed("the journal has no role".into()))?.parse()
    }

    /// This journal's fingerprint.
    pub(crate) fn own_fingerprint(&self) -> Result<String> {
        Ok(crate::store::identity::public(&self.conn)?.fingerprint.into())
    }

    /// The fingerprint of the journal that owns record `id` (whose device
    /// created it), if known.
    pub(crate) fn owner_of(&self, id: &str) -> Result<Option<String>> {
        crate::store::rows::record_owner(&self.conn, id)
    }

    /// One record.
    pub fn get(&self, id: &RecordId) -> Result<Record> {
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
    pub fn history(&self, id: &RecordId) -> Result<Vec<HistoryEntry>> {
        self.get(id)?;
        let mut stmt = self
            .conn
            .prepare_cached("SELECT hlc, device, seq, fields FROM event_log WHERE record = ?1 ORDER BY hlc, device")?;
        let rows = stmt.query_map([id], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, DeviceId>(1)?, r.get::<_, i64>(2)?, r.get::<_, String>(3)?))
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
    pub fn list(&self, kind: Kind, person: Option<&PersonId>, page: Page) -> Result<Vec<Record>> {
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
    pub fn timeline(&self, person: &PersonId, page: Page) -> Result<Vec<Record>> {
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

    /// Records of a kind that need attention: concerns not yet acknowledged
    /// (most urgent first, see [`urgent_first`]), contacts and boundary
    /// issues flagged for supervision, referrals with no outcome (newest
    /// first).
    pub fn needing_attention(&self, kind: Kind, page: Page) -> Result<Vec<Record>> {
        let page = page.checked()?;
        let sql = if kind == Kind::Concern {
            format!(
                "SELECT {RECORD_COLUMNS} FROM records r WHERE r.kind = ?1 AND r.deleted = 0 AND r.attention = 1 {}
                 LIMIT ?2 OFFSET ?3",
                urgent_first()
            )
        } else {
            format!("SELECT {RECORD_COLUMNS} {NEEDING_ATTENTION}")
        };
        let mut stmt = self.conn.prepare_cached(&sql)?;
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
                if !crate::store::search::is_damage(&e) {
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
            Err(e) if crate::store::search::is_damage(&e) => {
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

    /// Notes that the supervision note or acknowledgement `id` has been
    /// read here. Local: never sent.
    pub fn mark_read(&mut self, id: &RecordId) -> Result<()> {
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
    pub fn counts(&self) -> Result<RecordCounts> {
        let mut stmt =
            self.conn.prepare_cached("SELECT kind, count(*) FROM records WHERE deleted = 0 GROUP BY kind")?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, u32>(1)?)))?;
        let mut out = RecordCounts::new();
        for row in rows {
            let (kind, n) = row?;
            // A kind this version does not know (from a newer one) is left out.
            if let Ok(kind) = Kind::parse(&kind) {
                out.insert(kind, n);
            }
        }
        Ok(out)
    }

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
            out.push(Conflict { record: self.get(&RecordId::trusted(id))?, fields });
        }
        Ok(out)
    }
}

/// The ids of the records in conflict, a page of them, from the index
/// that holds only those (`records_conflicts`).
const CONFLICTED: &str = "SELECT id FROM records WHERE conflict = 1 AND deleted = 0 ORDER BY id LIMIT ?1 OFFSET ?2";

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
#[path = "tests.rs"]
mod tests;
