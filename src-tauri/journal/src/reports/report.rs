//! De-identified summaries of a period: counts only, no names, aliases,
//! ids, dates finer than a month, or any words anyone wrote. [`Report`] is
//! the supervisor's own working view (the app's charts, `report --json`),
//! every count as it is; what may leave the service, with small counts held
//! back, is made from it in [`crate::reports::shared`].

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

use chrono::NaiveDate;
use rusqlite::params;
use serde::Serialize;
use ts_rs::TS;

use crate::error::{Error, Result};
use crate::journal::Journal;
use crate::model::ids::Fingerprint;
use crate::model::kinds::{self, Kind};

/// The period a report covers: from `since` to `until`, both days included,
/// either open.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Period {
    /// First day included.
    pub since: Option<NaiveDate>,
    /// Last day included.
    pub until: Option<NaiveDate>,
}

impl Period {
    /// Reads the two ends, each written YYYY-MM-DD.
    pub fn parse(since: Option<&str>, until: Option<&str>) -> Result<Self> {
        let day = |s: &str| {
            NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
                .map_err(|_| Error::invalid(format!("{s:?} is not a date; write it as YYYY-MM-DD, like 2026-11-01")))
        };
        let period = Period { since: since.map(day).transpose()?, until: until.map(day).transpose()? };
        if let (Some(a), Some(b)) = (period.since, period.until) {
            if a > b {
                return Err(Error::invalid("the report would start after it ends; check its first and last days"));
            }
        }
        Ok(period)
    }

    /// The bounds as compared with a record's time key (`at_key`, see
    /// [`kinds::time_key`]): at or after the first, before the second.
    fn bounds(&self) -> (i64, i64) {
        let key = |d: NaiveDate| kinds::time_key(&d.to_string());
        let from = self.since.and_then(key).unwrap_or(i64::MIN);
        let before = self.until.and_then(|d| d.succ_opt()).and_then(key).unwrap_or(i64::MAX);
        (from, before)
    }
}

/// One month's figures.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, rename = "ReportMonth")]
pub struct Month {
    /// The month, as YYYY-MM.
    pub month: String,
    /// People with at least one contact in the month.
    pub people: u32,
    /// Contacts.
    pub contacts: u32,
    /// Minutes of contact.
    pub minutes: u32,
    /// Referrals suggested.
    pub signposts: u32,
    /// Concerns raised.
    pub concerns: u32,
    /// Boundary issues logged.
    pub boundary_issues: u32,
    /// Relationships ended.
    pub endings: u32,
}

/// A de-identified summary of a period.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Report {
    /// First day covered (YYYY-MM-DD), if the period has a start.
    pub since: Option<String>,
    /// Last day covered, if the period has an end.
    pub until: Option<String>,
    /// When the report was made (UTC, RFC 3339).
    pub made_at: String,
    /// People with at least one contact in the period.
    pub people: u32,
    /// Contacts in the period.
    pub contacts: u32,
    /// Minutes of contact given.
    pub minutes: u32,
    /// Contacts by how they happened (home-visit, phone, …).
    pub contacts_by_how: BTreeMap<String, u32>,
    /// Referrals suggested in the period.
    pub signposts: u32,
    /// …by the category of the service in the directory.
    pub signposts_by_category: BTreeMap<String, u32>,
    /// …by where each has got to (suggested … outcome, declined).
    pub signposts_by_status: BTreeMap<String, u32>,
    /// …where the volunteer went along.
    pub signposts_accompanied: u32,
    /// Concerns raised in the period.
    pub concerns: u32,
    /// …by kind (safeguarding, wellbeing).
    pub concerns_by_category: BTreeMap<String, u32>,
    /// …by urgency.
    pub concerns_by_urgency: BTreeMap<String, u32>,
    /// …not yet acknowledged.
    pub concerns_open: u32,
    /// Boundary issues logged in the period.
    pub boundary_issues: u32,
    /// …by kind.
    pub boundary_issues_by_category: BTreeMap<String, u32>,
    /// …flagged for supervision.
    pub boundary_issues_flagged: u32,
    /// Relationships ended in the period.
    pub endings: u32,
    /// …that were planned endings.
    pub endings_planned: u32,
    /// Month by month, oldest first.
    pub months: Vec<Month>,
}

/// `sql` with its `{WRITTEN_BY}` (and `{WRITTEN_BY_R}`, for the records
/// aliased `r`) made to keep the records written by the journal `?3`, or
/// all when `?3` is NULL.
///
/// Its `{IN_PERIOD}` keeps the records of `kind` in the period
/// (`?1`, `?2`): their rowids are found in `records_by_kind`, and the rows
/// are then read in rowid order, the order they are stored in, so that
/// each page is read and decrypted once. Read in the index's order (by
/// time) instead, nearly every row was a page of its own: a year's report
/// of a journal of 200,000 records took 0.7 s, over its half-second budget
/// (docs/performance.md).
fn written_by(sql: &str, kind: &str) -> String {
    let by = |r: &str| format!("(?3 IS NULL OR {r}created_device IN (SELECT n FROM devices WHERE journal = ?3))");
    let in_period = format!(
        "rowid IN (SELECT rowid FROM records INDEXED BY records_by_kind
                   WHERE kind = '{kind}' AND deleted = 0 AND at_key >= ?1 AND at_key < ?2)"
    );
    sql.replace("{WRITTEN_BY_R}", &by("r.")).replace("{WRITTEN_BY}", &by("")).replace("{IN_PERIOD}", &in_period)
}

/// What a record of a kind without a value for a breakdown is counted as.
const UNSET: &str = "not recorded";

impl Journal {
    /// The de-identified summary of `period`. Deleted records are left out.
    pub fn report(&self, period: Period) -> Result<Report> {
        self.report_of(period, None)
    }

    /// [`Journal::report`] of the records one journal wrote (a volunteer's,
    /// for a supervisor's charts), or of all when `volunteer` is None.
    pub fn report_of(&self, period: Period, volunteer: Option<&Fingerprint>) -> Result<Report> {
        let volunteer = volunteer.map(Fingerprint::as_str);
        let (from, before) = period.bounds();
        let mut report = Report {
            since: period.since.map(|d| d.to_string()),
            until: period.until.map(|d| d.to_string()),
            made_at: crate::journal::now(),
            ..Report::default()
        };
        let mut months: BTreeMap<String, (Month, BTreeSet<String>)> = BTreeMap::new();
        fn month<'m>(
            months: &'m mut BTreeMap<String, (Month, BTreeSet<String>)>,
            at: &str,
        ) -> &'m mut (Month, BTreeSet<String>) {
            let m = at.get(..7).unwrap_or(at).to_string();
            months.entry(m.clone()).or_insert_with(|| (Month { month: m, ..Month::default() }, BTreeSet::new()))
        }
        let text = |v: Option<String>| v.filter(|s| !s.is_empty()).unwrap_or_else(|| UNSET.to_string());

        let mut people = BTreeSet::new();
        let mut stmt = self.conn.prepare(&written_by(
            "SELECT at, person, json_extract(data, '$.how'), coalesce(json_extract(data, '$.minutes'), 0)
             FROM records WHERE {IN_PERIOD} AND {WRITTEN_BY}",
            "contact",
        ))?;
        let mut rows = stmt.query(params![from, before, volunteer])?;
        while let Some(r) = rows.next()? {
            let (at, person, how, minutes): (String, Option<String>, Option<String>, i64) =
                (r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?);
            let minutes = minutes.clamp(0, 1440) as u32;
            report.contacts += 1;
            report.minutes = report.minutes.saturating_add(minutes);
            *report.contacts_by_how.entry(text(how)).or_default() += 1;
            let (m, seen) = month(&mut months, &at);
            m.contacts += 1;
            m.minutes = m.minutes.saturating_add(minutes);
            if let Some(p) = person {
                seen.insert(p.clone());
                people.insert(p);
            }
        }
        report.people = people.len() as u32;

        let mut stmt = self.conn.prepare(&written_by(
            "SELECT r.at, json_extract(r.data, '$.status'), json_extract(r.data, '$.accompanied'),
                    json_extract(s.data, '$.category')
             FROM records r LEFT JOIN records s ON s.id = json_extract(r.data, '$.service') AND s.kind = 'service'
             WHERE r.{IN_PERIOD}
               AND {WRITTEN_BY_R}",
            "signpost",
        ))?;
        let mut rows = stmt.query(params![from, before, volunteer])?;
        while let Some(r) = rows.next()? {
            let (at, status, accompanied, category): (String, Option<String>, Option<bool>, Option<String>) =
                (r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?);
            report.signposts += 1;
            *report.signposts_by_status.entry(text(status)).or_default() += 1;
            *report.signposts_by_category.entry(text(category)).or_default() += 1;
            report.signposts_accompanied += u32::from(accompanied == Some(true));
            month(&mut months, &at).0.signposts += 1;
        }

        let mut stmt = self.conn.prepare(&written_by(
            "SELECT at, json_extract(data, '$.category'), json_extract(data, '$.urgency'), attention
             FROM records WHERE {IN_PERIOD} AND {WRITTEN_BY}",
            "concern",
        ))?;
        let mut rows = stmt.query(params![from, before, volunteer])?;
        while let Some(r) = rows.next()? {
            let (at, category, urgency, open): (String, Option<String>, Option<String>, bool) =
                (r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?);
            report.concerns += 1;
            *report.concerns_by_category.entry(text(category)).or_default() += 1;
            *report.concerns_by_urgency.entry(text(urgency)).or_default() += 1;
            report.concerns_open += u32::from(open);
            month(&mut months, &at).0.concerns += 1;
        }

        let mut stmt = self.conn.prepare(&written_by(
            "SELECT at, json_extract(data, '$.category'), json_extract(data, '$.flag')
             FROM records WHERE {IN_PERIOD} AND {WRITTEN_BY}",
            "boundary-issue",
        ))?;
        let mut rows = stmt.query(params![from, before, volunteer])?;
        while let Some(r) = rows.next()? {
            let (at, category, flag): (String, Option<String>, Option<bool>) = (r.get(0)?, r.get(1)?, r.get(2)?);
            report.boundary_issues += 1;
            *report.boundary_issues_by_category.entry(text(category)).or_default() += 1;
            report.boundary_issues_flagged += u32::from(flag == Some(true));
            month(&mut months, &at).0.boundary_issues += 1;
        }

        let mut stmt = self.conn.prepare(&written_by(
            "SELECT at, json_extract(data, '$.planned')
             FROM records WHERE {IN_PERIOD} AND {WRITTEN_BY}",
            "ending",
        ))?;
        let mut rows = stmt.query(params![from, before, volunteer])?;
        while let Some(r) = rows.next()? {
            let (at, planned): (String, Option<bool>) = (r.get(0)?, r.get(1)?);
            report.endings += 1;
            report.endings_planned += u32::from(planned == Some(true));
            month(&mut months, &at).0.endings += 1;
        }

        report.months = months
            .into_values()
            .map(|(mut m, people)| {
                m.people = people.len() as u32;
                m
            })
            .collect();
        Ok(report)
    }
}

impl Report {
    /// The period in words: "all records", "from 2026-01-01 to 2026-03-31", …
    pub fn period_words(&self) -> String {
        match (&self.since, &self.until) {
            (None, None) => "all records".into(),
            (Some(a), None) => format!("from {a}"),
            (None, Some(b)) => format!("up to {b}"),
            (Some(a), Some(b)) => format!("{a} to {b}"),
        }
    }

    /// The breakdowns, each with the field of the kind it counts by.
    pub fn breakdowns(&self) -> [Breakdown<'_>; 6] {
        let b = |section, measure, total, parts, kind, field| Breakdown { section, measure, total, parts, kind, field };
        [
            b("contact kind", "contacts", self.contacts, &self.contacts_by_how, Kind::Contact, "how"),
            b("service category", "referrals", self.signposts, &self.signposts_by_category, Kind::Service, "category"),
            b("referral status", "referrals", self.signposts, &self.signposts_by_status, Kind::Signpost, "status"),
            b("concern kind", "concerns", self.concerns, &self.concerns_by_category, Kind::Concern, "category"),
            b("concern urgency", "concerns", self.concerns, &self.concerns_by_urgency, Kind::Concern, "urgency"),
            b(
                "boundary issue kind",
                "boundary issues",
                self.boundary_issues,
                &self.boundary_issues_by_category,
                Kind::BoundaryIssue,
                "category",
            ),
        ]
    }
}

/// One breakdown of a [`Report`]: a total split by the values of a field.
pub struct Breakdown<'r> {
    /// What the parts are by: "contact kind", …
    pub section: &'static str,
    /// What is counted: "contacts", …
    pub measure: &'static str,
    /// The total of the parts.
    pub total: u32,
    /// Each value of the field (or "not recorded"), and its count.
    pub parts: &'r BTreeMap<String, u32>,
    /// The kind whose field the parts are values of.
    pub kind: Kind,
    /// The field.
    pub field: &'static str,
}

impl Breakdown<'_> {
    /// What people call a value of the field: its choice's label, or the
    /// value as written (a service's category is free text).
    pub fn label(&self, value: &str) -> String {
        if value == UNSET {
            return "Not recorded".into();
        }
        let label = match self.kind.spec().field(self.field).map(|f| &f.ty) {
            Some(kinds::FieldType::Choice(choices)) => {
                choices.iter().find(|c| c.value == value).map_or(value, |c| c.label)
            }
            _ => value,
        };
        crate::reports::access::capitalise(label)
    }
}

/// Writes `text` to a new file at `path`: never over an existing file, and
/// nothing left behind if writing fails (a full disk, say).
pub fn write_new(path: &Path, text: &str) -> Result<()> {
    if path.exists() {
        return Err(Error::invalid(format!("{} already exists; move it away or choose another name", path.display())));
    }
    if let Err(e) = fs::write(path, text) {
        let _ = fs::remove_file(path);
        return Err(Error::io("write", path, e));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_are_read_and_checked() {
        assert_eq!(Period::parse(None, None).unwrap(), Period::default());
        let p = Period::parse(Some("2026-01-01"), Some("2026-03-31")).unwrap();
        let (from, before) = p.bounds();
        assert_eq!((Some(from), Some(before)), (kinds::time_key("2026-01-01"), kinds::time_key("2026-04-01")));
        assert_eq!(Period::default().bounds(), (i64::MIN, i64::MAX));
        assert!(Period::parse(Some("1/1/2026"), None).unwrap_err().to_string().contains("YYYY-MM-DD"));
        assert!(Period::parse(Some("2026-02-01"), Some("2026-01-01")).is_err());
    }
}
