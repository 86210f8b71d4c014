//! A supervisor's review: what in the volunteers' records needs a look
//! before supervision. Open concerns, contacts and boundary issues flagged
//! for supervision, reflections volunteers chose to share, signposts past
//! their reminder with no outcome, people no one has been in touch with for
//! some weeks (or ever, since they were added), and relationships that have
//! gone on for many months (a sign of dependency to talk about). Each list
//! is its newest (or longest) first, open concerns the most urgent first,
//! read from the indexes; all can be narrowed to one volunteer's journal.
//!
//! Each list shows a page (50 to start, [`ReviewLimits`]) and says whether
//! there is more: it is read one entry past its limit, so the answer is
//! honest without counting the rest. Show more asks again with a larger
//! limit for that list.
//!
//! It reads records other journals wrote (and this journal's own, where a
//! supervisor keeps people too); it changes nothing.

use rusqlite::{params, Row, ToSql};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{Error, Result};
use crate::journal::read::{record_from_row, urgent_first, RECORD_COLUMNS};
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
    /// People with no contact for at least this many weeks are "quiet"
    /// (and people added that long ago with no contact at all).
    pub quiet_weeks: u32,
    /// Relationships begun at least this many months ago are "long".
    pub long_months: u32,
}

/// How many entries of each list to show: [`REVIEW_LIST`] of each to start
/// (the default); Show more asks for more of one. Any number above
/// [`REVIEW_MOST`] counts as that.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ReviewLimits {
    /// Of open concerns.
    pub concerns: u32,
    /// Of contacts and boundary issues flagged for supervision.
    pub flagged: u32,
    /// Of reflections shared.
    pub shared_reflections: u32,
    /// Of signposts waiting for news.
    pub stale_signposts: u32,
    /// Of people not in touch for a while.
    pub quiet_people: u32,
    /// Of long relationships.
    pub long_relationships: u32,
}

impl Default for ReviewLimits {
    fn default() -> Self {
        ReviewLimits {
            concerns: REVIEW_LIST,
            flagged: REVIEW_LIST,
            shared_reflections: REVIEW_LIST,
            stale_signposts: REVIEW_LIST,
            quiet_people: REVIEW_LIST,
            long_relationships: REVIEW_LIST,
        }
    }
}

/// Which lists have more entries than they show.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ReviewMore {
    /// Open concerns.
    pub concerns: bool,
    /// Flagged for supervision.
    pub flagged: bool,
    /// Reflections shared.
    pub shared_reflections: bool,
    /// Signposts waiting for news.
    pub stale_signposts: bool,
    /// People not in touch for a while.
    pub quiet_people: bool,
    /// Long relationships.
    pub long_relationships: bool,
}

/// A person, and the moment that put them on a list: their last contact
/// (quiet), or their first (long).
#[derive(Clone, Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PersonSince {
    /// The person's record.
    pub person: Record,
    /// `YYYY-MM-DDTHH:MM` or `YYYY-MM-DD`, as the contact has it. None on
    /// the quiet list for someone with no contact yet: `person.created_at`
    /// says when they were added.
    pub since: Option<String>,
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
    /// People whose last contact was `quiet_weeks` or more ago, and people
    /// added that long ago with no contact yet: the longest without
    /// contact first (counting from when they were added, for those).
    pub quiet_people: Vec<PersonSince>,
    /// People whose first contact was `long_months` or more ago, the longest first.
    pub long_relationships: Vec<PersonSince>,
    /// Which lists were cut at their limit.
    pub more: ReviewMore,
}

/// How many of each list to start with.
pub const REVIEW_LIST: u32 = 50;

/// The most of one list a review gives, however many are asked for.
pub const REVIEW_MOST: u32 = 10_000;

/// `?1`: a volunteer's fingerprint or NULL. Records their journal wrote.
const BY: &str = "(?1 IS NULL OR r.created_device IN (SELECT n FROM devices WHERE journal = ?1))";

/// Each person still supported (not deleted, no ending), with the `at` of
/// their first or last contact (`{ORDER}`: ASC or DESC), read in order from
/// the index of each person's records, so each costs one step into it.
/// `{JOIN}` is CROSS JOIN (only people with a contact) or LEFT JOIN (also
/// those with none), and `{KEY}` the moment that counts, as an `at_key`:
/// the contact's, or for someone with none, when they were added (their
/// record's creation stamp, milliseconds of UTC, in local minutes: `?4` is
/// this computer's offset from UTC in minutes). The people are few (one
/// for about a hundred records) and each is looked at once; only those on
/// the list are sorted.
const PEOPLE_BY_CONTACT: &str = "
    SELECT {RECORD_COLUMNS}, c.at, {KEY} AS since_key FROM records r
    {JOIN} records c ON c.rowid = (
        SELECT l.rowid FROM records l INDEXED BY records_by_person
        WHERE l.person_key = r.person_key AND l.person = r.id AND l.kind = 'contact' AND l.deleted = 0
        ORDER BY l.at_key {ORDER}, l.rowid {ORDER} LIMIT 1)
    WHERE r.kind = 'person' AND r.deleted = 0 AND {BY}
      AND r.id NOT IN (SELECT e.person FROM records e INDEXED BY records_endings
                       WHERE e.kind = 'ending' AND e.deleted = 0 AND e.person IS NOT NULL)
      AND since_key <= ?2
    ORDER BY since_key, r.rowid LIMIT ?3";

/// When someone with no contact was added, as an `at_key` (see [`PEOPLE_BY_CONTACT`]).
const ADDED_KEY: &str = "(r.created_hlc >> 16) / 60000 + ?4";

/// The open concerns, most urgent first (see [`urgent_first`]).
fn concerns_sql() -> String {
    format!("r.kind = 'concern' AND r.attention = 1 {}", urgent_first())
}

/// The most entries of a list, asked for `limit` (see [`REVIEW_MOST`]), and
/// one more to know whether there are more: as an SQL `LIMIT`.
fn one_past(limit: u32) -> i64 {
    i64::from(limit.min(REVIEW_MOST)) + 1
}

/// The first `limit` of what was read [`one_past`] it, and whether there were more.
fn cut<T>(mut rows: Vec<T>, limit: u32) -> (Vec<T>, bool) {
    let keep = limit.min(REVIEW_MOST) as usize;
    let more = rows.len() > keep;
    rows.truncate(keep);
    (rows, more)
}

impl Journal {
    /// What needs a look before supervision (see the module's words), each
    /// list at most [`REVIEW_LIST`] long.
    pub fn review(&self, options: &ReviewOptions) -> Result<Review> {
        self.review_up_to(options, &ReviewLimits::default())
    }

    /// What needs a look before supervision, each list at most as long as
    /// `limits` says, and which lists have more.
    pub fn review_up_to(&self, options: &ReviewOptions, limits: &ReviewLimits) -> Result<Review> {
        let now = time_key(&kinds::local_now().format("%Y-%m-%dT%H:%M").to_string())
            .ok_or_else(|| Error::CheckFailed("this computer's clock gives no time".into()))?;
        let volunteer = options.volunteer.as_ref().map(Fingerprint::as_str);
        let list = |sql: &str, key: Option<i64>, limit: u32| -> Result<(Vec<Record>, bool)> {
            let sql = format!("SELECT {RECORD_COLUMNS} FROM records r WHERE r.deleted = 0 AND {BY} AND {sql} LIMIT ?3");
            let mut stmt = self.conn.prepare_cached(&sql)?;
            let rows = stmt.query_map(params![volunteer, key, one_past(limit)], record_from_row)?;
            Ok(cut(rows.collect::<rusqlite::Result<_>>()?, limit))
        };
        let (concerns, more_concerns) = list(&concerns_sql(), None, limits.concerns)?;
        let (flagged, more_flagged) = list(
            "r.kind IN ('contact', 'boundary-issue') AND r.attention = 1 ORDER BY r.at_key DESC, r.rowid DESC",
            None,
            limits.flagged,
        )?;
        let (shared_reflections, more_shared) = list(
            "r.kind = 'reflection' AND json_extract(r.data, '$.shared') = 1
             AND r.created_device NOT IN (SELECT n FROM devices WHERE journal = (SELECT fingerprint FROM identity))
             ORDER BY r.at_key DESC, r.rowid DESC",
            None,
            limits.shared_reflections,
        )?;
        let (stale_signposts, more_signposts) = list(
            "r.kind = 'signpost' AND r.attention = 1 AND r.due_key IS NOT NULL AND r.due_key <= ?2
             ORDER BY r.due_key, r.rowid",
            Some(now),
            limits.stale_signposts,
        )?;
        // This computer's offset from UTC, for when someone was added.
        let offset = i64::from(chrono::Local::now().offset().local_minus_utc() / 60);
        let weeks = i64::from(options.quiet_weeks) * 7 * 24 * 60;
        let (quiet_people, more_quiet) =
            self.people_by_contact(Contact::Last, now - weeks, volunteer, offset, limits.quiet_people)?;
        let long_ago = time_key(&kinds::months_ago(options.long_months)).unwrap_or(now);
        let (long_relationships, more_long) =
            self.people_by_contact(Contact::First, long_ago, volunteer, offset, limits.long_relationships)?;
        Ok(Review {
            concerns,
            flagged,
            shared_reflections,
            stale_signposts,
            quiet_people,
            long_relationships,
            more: ReviewMore {
                concerns: more_concerns,
                flagged: more_flagged,
                shared_reflections: more_shared,
                stale_signposts: more_signposts,
                quiet_people: more_quiet,
                long_relationships: more_long,
            },
        })
    }

    /// People still supported whose first or last contact was at `before`
    /// or earlier (for the last, also those added then or earlier with no
    /// contact), at most `limit` of them, and whether there are more.
    fn people_by_contact(
        &self,
        which: Contact,
        before: i64,
        volunteer: Option<&str>,
        offset: i64,
        limit: u32,
    ) -> Result<(Vec<PersonSince>, bool)> {
        let sql = people_by_contact_sql(which);
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let since = |row: &Row<'_>| -> rusqlite::Result<PersonSince> {
            Ok(PersonSince { person: record_from_row(row)?, since: row.get(10)? })
        };
        let args: [&dyn ToSql; 4] = [&volunteer, &before, &one_past(limit), &offset];
        // Only the quiet list counts from when someone was added (`?4`).
        let args = if which == Contact::Last { &args[..] } else { &args[..3] };
        let rows = stmt.query_map(args, since)?;
        Ok(cut(rows.collect::<rusqlite::Result<_>>()?, limit))
    }
}

/// Which contact puts a person on a list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Contact {
    /// Their first: how long the relationship has gone on.
    First,
    /// Their last: how long since anyone was in touch (or since they were added).
    Last,
}

/// [`PEOPLE_BY_CONTACT`], written out for one list.
fn people_by_contact_sql(which: Contact) -> String {
    let (order, join, key) = match which {
        Contact::First => ("ASC", "CROSS JOIN", "c.at_key".to_string()),
        Contact::Last => ("DESC", "LEFT JOIN", format!("coalesce(c.at_key, {ADDED_KEY})")),
    };
    PEOPLE_BY_CONTACT
        .replace("{RECORD_COLUMNS}", RECORD_COLUMNS)
        .replace("{BY}", BY)
        .replace("{ORDER}", order)
        .replace("{JOIN}", join)
        .replace("{KEY}", &key)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::journal::NewJournal;
    use crate::keys::KdfParams;
    use crate::model::hlc::Hlc;
    use crate::model::ids::{PersonId, RecordId};
    use crate::model::kinds::{Fields, Kind};
    use crate::Role;
    use serde_json::{json, Value};

    const FAST: KdfParams = KdfParams { memory_kib: 1024, iterations: 1, parallelism: 1 };

    fn journal() -> (tempfile::TempDir, Journal) {
        let dir = tempfile::tempdir().unwrap();
        let new = NewJournal { name: "Sam", role: Role::Volunteer, passphrase: "correct horse battery", kdf: FAST };
        let (j, _) = Journal::create(dir.path(), &new).unwrap();
        (dir, j)
    }

    fn fields(v: Value) -> Fields {
        v.as_object().cloned().unwrap()
    }

    fn add(j: &mut Journal, kind: Kind, v: Value) -> RecordId {
        j.add(kind, fields(v)).unwrap().id
    }

    fn person(j: &mut Journal, alias: &str) -> PersonId {
        j.add(Kind::Person, fields(json!({"alias": alias, "consent": true}))).unwrap().as_person().unwrap()
    }

    /// As if the person had been added `days` ago.
    fn added_days_ago(j: &Journal, p: &PersonId, days: i64) {
        let then = crate::model::hlc::wall_ms() - days * 24 * 60 * 60 * 1000;
        j.conn.execute("UPDATE records SET created_hlc = ?1 WHERE id = ?2", params![Hlc(then << 16).0, p]).unwrap();
    }

    fn aliases(list: &[PersonSince]) -> Vec<&str> {
        list.iter().map(|p| p.person.fields["alias"].as_str().unwrap()).collect()
    }

    const FOUR_WEEKS: ReviewOptions = ReviewOptions { volunteer: None, quiet_weeks: 4, long_months: 12 };

    #[test]
    fn quiet_people_include_those_never_contacted_counting_from_when_they_were_added() {
        let (_d, mut j) = journal();
        let at = |days: i64| (kinds::local_now() - chrono::Duration::days(days)).format("%Y-%m-%dT%H:%M").to_string();
        // Seen two months ago; known for a year and a half.
        let ada = person(&mut j, "Ada");
        added_days_ago(&j, &ada, 560);
        add(&mut j, Kind::Contact, json!({"person": ada, "at": at(540), "how": "phone"}));
        add(&mut j, Kind::Contact, json!({"person": ada, "at": at(60), "how": "phone"}));
        // Added three months ago, and six weeks ago: no contact yet.
        let bo = person(&mut j, "Bo");
        added_days_ago(&j, &bo, 90);
        let cy = person(&mut j, "Cy");
        added_days_ago(&j, &cy, 42);
        // Added ten days ago: not yet four weeks without contact.
        let di = person(&mut j, "Di");
        added_days_ago(&j, &di, 10);
        // Added long ago and seen today.
        let ed = person(&mut j, "Ed");
        added_days_ago(&j, &ed, 400);
        add(&mut j, Kind::Contact, json!({"person": ed, "how": "phone"}));
        // Added long ago, never seen, and their support ended.
        let fe = person(&mut j, "Fe");
        added_days_ago(&j, &fe, 200);
        add(&mut j, Kind::Ending, json!({"person": fe, "on": kinds::months_ago(0), "planned": false}));
        // A contact written and then deleted is no contact.
        let gu = person(&mut j, "Gu");
        added_days_ago(&j, &gu, 50);
        let gone = add(&mut j, Kind::Contact, json!({"person": gu, "how": "phone"}));
        j.delete(&gone).unwrap();

        let r = j.review(&FOUR_WEEKS).unwrap();
        // The longest without contact first, whether from a contact or from being added.
        assert_eq!(aliases(&r.quiet_people), vec!["Bo", "Ada", "Gu", "Cy"]);
        let since: Vec<Option<&str>> = r.quiet_people.iter().map(|p| p.since.as_deref()).collect();
        assert_eq!(since, vec![None, Some(at(60).as_str()), None, None]);
        assert!(!r.more.quiet_people);
        // No contact, no relationship to count the length of.
        assert_eq!(aliases(&r.long_relationships), vec!["Ada"]);
        // Twelve weeks: Bo (added 90 days ago) is on it alone.
        let twelve = j.review(&ReviewOptions { quiet_weeks: 12, ..FOUR_WEEKS }).unwrap();
        assert_eq!(aliases(&twelve.quiet_people), vec!["Bo"]);
    }

    #[test]
    fn each_list_shows_up_to_its_limit_and_says_whether_there_is_more() {
        let (_d, mut j) = journal();
        let mut people = Vec::new();
        for i in 0..3 {
            let p = person(&mut j, &format!("P{i}"));
            added_days_ago(&j, &p, 100 - i);
            add(&mut j, Kind::Concern, json!({"person": p, "category": "wellbeing", "urgency": "low", "notes": "x"}));
            people.push(p);
        }
        let limits = |concerns, quiet_people| ReviewLimits { concerns, quiet_people, ..ReviewLimits::default() };
        let r = j.review_up_to(&FOUR_WEEKS, &limits(2, 2)).unwrap();
        assert_eq!((r.concerns.len(), r.more.concerns), (2, true));
        assert_eq!((aliases(&r.quiet_people), r.more.quiet_people), (vec!["P0", "P1"], true));
        assert_eq!(r.more, ReviewMore { concerns: true, quiet_people: true, ..ReviewMore::default() });
        // Exactly as many as there are: no more.
        let r = j.review_up_to(&FOUR_WEEKS, &limits(3, 3)).unwrap();
        assert_eq!((r.concerns.len(), r.quiet_people.len()), (3, 3));
        assert_eq!(r.more, ReviewMore::default());
        // The next page follows on from the first: the same order, nothing twice.
        let first = j.review_up_to(&FOUR_WEEKS, &limits(1, 1)).unwrap();
        let all = j.review_up_to(&FOUR_WEEKS, &limits(50, 50)).unwrap();
        assert_eq!(first.concerns[0].id, all.concerns[0].id);
        assert_eq!(first.quiet_people[0].person.id, all.quiet_people[0].person.id);
        // None asked: none shown, and more said.
        let none = j.review_up_to(&FOUR_WEEKS, &limits(0, 0)).unwrap();
        assert!(none.concerns.is_empty() && none.more.concerns && none.more.quiet_people);
        // However many are asked for, at most REVIEW_MOST.
        assert_eq!(one_past(u32::MAX), i64::from(REVIEW_MOST) + 1);
        assert_eq!(cut((0..20).collect(), u32::MAX).0.len(), 20);
        assert_eq!(ReviewLimits::default().concerns, REVIEW_LIST);
    }

    #[test]
    fn the_most_urgent_open_concerns_come_first_however_old() {
        let (_d, mut j) = journal();
        let p = person(&mut j, "Ada");
        let at = |days: i64| (kinds::local_now() - chrono::Duration::days(days)).format("%Y-%m-%dT%H:%M").to_string();
        let concern = |j: &mut Journal, days: i64, urgency: &str| {
            add(
                j,
                Kind::Concern,
                json!({"person": p, "at": at(days), "category": "wellbeing", "urgency": urgency, "notes": "x"}),
            )
        };
        // The oldest is the most urgent; a high one a little newer; then
        // REVIEW_LIST low ones, all newer.
        let immediate = concern(&mut j, 400, "immediate");
        let high = concern(&mut j, 300, "high");
        let lows: Vec<RecordId> = (0..i64::from(REVIEW_LIST)).map(|i| concern(&mut j, 100 - i, "low")).collect();
        let medium = concern(&mut j, 200, "medium");
        // One with an urgency no longer known (as from an older app): last.
        let odd = concern(&mut j, 1, "low");
        j.conn
            .execute("UPDATE records SET data = json_set(data, '$.urgency', 'someday') WHERE id = ?1", params![odd])
            .unwrap();

        let r = j.review(&FOUR_WEEKS).unwrap();
        assert_eq!(r.concerns.len(), REVIEW_LIST as usize);
        assert!(r.more.concerns);
        let ids: Vec<&RecordId> = r.concerns.iter().map(|c| &c.id).collect();
        assert_eq!(ids[..3], [&immediate, &high, &medium]);
        // Of the same urgency, the newest first.
        assert_eq!(ids[3], lows.last().unwrap());
        // The next page follows on: the rest of the low ones, then the unknown.
        let all = j
            .review_up_to(&FOUR_WEEKS, &ReviewLimits { concerns: REVIEW_LIST + 10, ..ReviewLimits::default() })
            .unwrap();
        assert_eq!(all.concerns.len(), REVIEW_LIST as usize + 4);
        assert_eq!(all.concerns.last().map(|c| &c.id), Some(&odd));
        assert_eq!(all.concerns[..REVIEW_LIST as usize], r.concerns[..]);
        // Today and the banner list them in the same order, page by page.
        let today = j.needing_attention(Kind::Concern, crate::model::record::Page { limit: 3, offset: 0 }).unwrap();
        assert_eq!(today.iter().map(|c| &c.id).collect::<Vec<_>>(), [&immediate, &high, &medium]);
        let next = j.needing_attention(Kind::Concern, crate::model::record::Page { limit: 1, offset: 3 }).unwrap();
        assert_eq!(next.first().map(|c| &c.id), lows.last());
    }

    #[test]
    fn open_concerns_are_read_from_the_index_of_those_needing_attention() {
        let (_d, mut j) = journal();
        let p = person(&mut j, "Ada");
        add(&mut j, Kind::Concern, json!({"person": p, "category": "wellbeing", "urgency": "high", "notes": "x"}));
        j.conn.execute_batch("ANALYZE").unwrap();
        let sql = format!(
            "EXPLAIN QUERY PLAN SELECT {RECORD_COLUMNS} FROM records r WHERE r.deleted = 0 AND {BY} AND {} LIMIT ?3",
            concerns_sql()
        );
        let mut stmt = j.conn.prepare(&sql).unwrap();
        let unset = vec![rusqlite::types::Value::Null; stmt.parameter_count()];
        let plan: Vec<String> = stmt
            .query_map(rusqlite::params_from_iter(unset), |r| r.get::<_, String>(3))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert_eq!(
            plan.first().map(String::as_str),
            Some("SEARCH r USING INDEX records_attention (kind=?)"),
            "{plan:#?}"
        );
        assert!(!plan.iter().any(|s| s.starts_with("SCAN") && s != "SCAN devices"), "{plan:#?}");
    }

    #[test]
    fn the_lists_of_people_are_read_from_indexes() {
        let (_d, mut j) = journal();
        let p = person(&mut j, "Ada");
        add(&mut j, Kind::Contact, json!({"person": p, "how": "phone"}));
        j.conn.execute_batch("ANALYZE").unwrap();
        for which in [Contact::First, Contact::Last] {
            let sql = people_by_contact_sql(which);
            let mut stmt = j.conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}")).unwrap();
            let unset = vec![rusqlite::types::Value::Null; stmt.parameter_count()];
            let plan: Vec<String> = stmt
                .query_map(rusqlite::params_from_iter(unset), |r| r.get::<_, String>(3))
                .unwrap()
                .collect::<rusqlite::Result<_>>()
                .unwrap();
            // People from the index by kind, each one's first or last contact
            // from the index of their records, endings from their own index.
            let first = plan.first().map(String::as_str);
            assert_eq!(first, Some("SEARCH r USING INDEX records_by_kind (kind=?)"), "{which:?}: {plan:#?}");
            for step in [
                "SEARCH l USING INDEX records_by_person (person_key=?)",
                "SEARCH e USING COVERING INDEX records_endings (person>?)",
            ] {
                assert!(plan.iter().any(|s| s == step), "{which:?}: {step} not in {plan:#?}");
            }
            // Nothing reads the whole table of records (the devices are few).
            let whole = |s: &String| s.starts_with("SCAN") && s != "SCAN devices";
            assert!(!plan.iter().any(whole), "{which:?}: {plan:#?}");
        }
    }
}
