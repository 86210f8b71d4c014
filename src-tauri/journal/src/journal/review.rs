//! A supervisor's review: what in the volunteers' records needs a look
//! before supervision. Open concerns, contacts and boundary issues flagged
//! for supervision, reflections volunteers chose to share, signposts past
//! their reminder with no outcome, people no one has been in touch with for
//! some weeks, and relationships that have gone on for many months (a sign
//! of dependency to talk about). Each list is its newest (or longest) first,
//! at most a page, read from the indexes; all can be narrowed to one
//! volunteer's journal.
//!
//! It reads records other journals wrote (and this journal's own, where a
//! supervisor keeps people too); it changes nothing.

use rusqlite::{params, Row};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{Error, Result};
use crate::journal::read::{record_from_row, RECORD_COLUMNS};
use crate::journal::Journal;
use crate::model::ids::Fingerprint;
use crate::model::kinds::{self, time_key};
use crate::model::record::Record;

/// How a review is asked for.
#[derive(Clone, Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ReviewOptions {
    /// Only this volunteer's records; every journal's when absent.
    pub volunteer: Option<Fingerprint>,
    /// People with no contact for at least this many weeks are "quiet".
    pub quiet_weeks: u32,
    /// Relationships begun at least this many months ago are "long".
    pub long_months: u32,
}

/// A person, and the moment that put them on a list: their last contact
/// (quiet), or their first (long).
#[derive(Clone, Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PersonSince {
    /// The person's record.
    pub person: Record,
    /// `YYYY-MM-DDTHH:MM` or `YYYY-MM-DD`, as the contact has it.
    pub since: String,
}

/// What needs a look, list by list.
#[derive(Clone, Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Review {
    /// Concerns not yet acknowledged, newest first.
    pub concerns: Vec<Record>,
    /// Contacts and boundary issues flagged for supervision, newest first.
    pub flagged: Vec<Record>,
    /// Reflections volunteers chose to share, newest first.
    pub shared_reflections: Vec<Record>,
    /// Signposts past their reminder with no outcome, the longest waiting first.
    pub stale_signposts: Vec<Record>,
    /// People whose last contact was `quiet_weeks` or more ago, the longest quiet first.
    pub quiet_people: Vec<PersonSince>,
    /// People whose first contact was `long_months` or more ago, the longest first.
    pub long_relationships: Vec<PersonSince>,
}

/// At most this many of each list.
pub const REVIEW_LIST: i64 = 50;

/// `?1`: a volunteer's fingerprint or NULL. Records their journal wrote.
const BY: &str = "(?1 IS NULL OR r.created_device IN (SELECT n FROM devices WHERE journal = ?1))";

/// Each person still supported (not deleted, no ending), with the `at` of
/// their first or last contact (`{ORDER}`: ASC or DESC), read in order from
/// the index of each person's records, so each costs one step into it.
const PEOPLE_BY_CONTACT: &str = "
    SELECT {RECORD_COLUMNS}, c.at, c.at_key FROM records r
    CROSS JOIN records c ON c.rowid = (
        SELECT l.rowid FROM records l INDEXED BY records_by_person
        WHERE l.person_key = r.person_key AND l.person = r.id AND l.kind = 'contact' AND l.deleted = 0
        ORDER BY l.at_key {ORDER}, l.rowid {ORDER} LIMIT 1)
    WHERE r.kind = 'person' AND r.deleted = 0 AND {BY}
      AND r.id NOT IN (SELECT e.person FROM records e INDEXED BY records_endings
                       WHERE e.kind = 'ending' AND e.deleted = 0 AND e.person IS NOT NULL)
      AND c.at_key <= ?2
    ORDER BY c.at_key, r.rowid LIMIT ?3";

impl Journal {
    /// What needs a look before supervision (see the module's words).
    pub fn review(&self, options: &ReviewOptions) -> Result<Review> {
        let now = time_key(&kinds::local_now().format("%Y-%m-%dT%H:%M").to_string())
            .ok_or_else(|| Error::CheckFailed("this computer's clock gives no time".into()))?;
        let volunteer = options.volunteer.as_ref().map(Fingerprint::as_str);
        let list = |sql: &str, key: Option<i64>| -> Result<Vec<Record>> {
            let sql = format!("SELECT {RECORD_COLUMNS} FROM records r WHERE r.deleted = 0 AND {BY} AND {sql} LIMIT ?3");
            let mut stmt = self.conn.prepare_cached(&sql)?;
            let rows = stmt.query_map(params![volunteer, key, REVIEW_LIST], record_from_row)?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        };
        let concerns = list("r.kind = 'concern' AND r.attention = 1 ORDER BY r.at_key DESC, r.rowid DESC", None)?;
        let flagged = list(
            "r.kind IN ('contact', 'boundary-issue') AND r.attention = 1 ORDER BY r.at_key DESC, r.rowid DESC",
            None,
        )?;
        let shared_reflections = list(
            "r.kind = 'reflection' AND json_extract(r.data, '$.shared') = 1
             AND r.created_device NOT IN (SELECT n FROM devices WHERE journal = (SELECT fingerprint FROM identity))
             ORDER BY r.at_key DESC, r.rowid DESC",
            None,
        )?;
        let stale_signposts = list(
            "r.kind = 'signpost' AND r.attention = 1 AND r.due_key IS NOT NULL AND r.due_key <= ?2
             ORDER BY r.due_key, r.rowid",
            Some(now),
        )?;
        let weeks = i64::from(options.quiet_weeks) * 7 * 24 * 60;
        let quiet_people = self.people_by_contact("last", now - weeks, volunteer)?;
        let long_ago = time_key(&kinds::months_ago(options.long_months)).unwrap_or(now);
        let long_relationships = self.people_by_contact("first", long_ago, volunteer)?;
        Ok(Review { concerns, flagged, shared_reflections, stale_signposts, quiet_people, long_relationships })
    }

    /// People still supported whose first or last contact was at `before` or earlier.
    fn people_by_contact(&self, which: &str, before: i64, volunteer: Option<&str>) -> Result<Vec<PersonSince>> {
        let order = if which == "last" { "DESC" } else { "ASC" };
        let sql =
            PEOPLE_BY_CONTACT.replace("{RECORD_COLUMNS}", RECORD_COLUMNS).replace("{BY}", BY).replace("{ORDER}", order);
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let since = |row: &Row<'_>| -> rusqlite::Result<PersonSince> {
            Ok(PersonSince { person: record_from_row(row)?, since: row.get(10)? })
        };
        let rows = stmt.query_map(params![volunteer, before, REVIEW_LIST], since)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
