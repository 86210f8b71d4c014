//! The roster as the journal sees it: whose cards it trusts, what to call
//! another journal, and this journal's own devices.

use rusqlite::OptionalExtension;
use serde::Serialize;
use ts_rs::TS;

use crate::error::Result;
use crate::journal::Journal;
use crate::model::ids::{DeviceId, Fingerprint};
use crate::model::kinds::Role;
use crate::store::identity;
use crate::store::roster::{self, RosterEntry};

/// What a supervisor's journal holds from one volunteer, for the roster of
/// volunteers: when their last file came, and what of theirs needs a look.
/// Counted by the journal that wrote each record.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct VolunteerSummary {
    /// Their card.
    #[serde(flatten)]
    pub card: RosterEntry,
    /// When their last file was brought in here (this journal's clock).
    pub last_file_at: Option<String>,
    /// How many files of theirs have been brought in.
    #[ts(type = "number")]
    pub files: i64,
    /// Changes of theirs held here (each once, however often sent).
    #[ts(type = "number")]
    pub changes: i64,
    /// People of theirs held here.
    #[ts(type = "number")]
    pub people: i64,
    /// Their concerns not yet acknowledged.
    #[ts(type = "number")]
    pub open_concerns: i64,
    /// Their contacts and boundary issues flagged for supervision.
    #[ts(type = "number")]
    pub flagged: i64,
    /// Runs of their changes, `[first, last]`, that their last file says
    /// were written but that have not arrived, and were not left out on
    /// purpose: a file seems to be missing (or they have since erased what
    /// those changes were about). Numbered per device; empty when nothing
    /// is missing, or before a file of version 3 came from them.
    #[ts(type = "Array<[number, number]>")]
    pub missing: Vec<(i64, i64)>,
}

impl Journal {
    /// How to name the journal with `fingerprint` to the person at the
    /// keyboard: "your own journal", or the name on its card.
    pub(crate) fn journal_name(&self, fingerprint: &str) -> Result<String> {
        if identity::public(&self.conn)?.fingerprint == fingerprint {
            return Ok("your own journal".into());
        }
        Ok(match roster::entry(&self.conn, fingerprint)? {
            Some(entry) => format!("{}'s journal", entry.name),
            None => "another journal".into(),
        })
    }

    /// The roster, by name.
    pub fn roster(&self) -> Result<Vec<RosterEntry>> {
        roster::all(&self.conn)
    }

    /// One roster entry.
    pub fn roster_entry(&self, fingerprint: &Fingerprint) -> Result<Option<RosterEntry>> {
        roster::entry(&self.conn, fingerprint.as_str())
    }

    /// The ids of this journal's own devices, oldest first.
    pub fn own_devices(&self) -> Result<Vec<DeviceId>> {
        Ok(roster::devices_of(&self.conn, identity::public(&self.conn)?.fingerprint.as_str())?
            .into_iter()
            .map(DeviceId::trusted)
            .collect())
    }

    /// Every volunteer's card in the roster, by name, with what this
    /// journal holds of theirs. Read from indexes alone (the log's by
    /// device, people by kind, what needs attention), not from every record.
    pub fn volunteers(&self) -> Result<Vec<VolunteerSummary>> {
        // People, open concerns and flagged records, by the journal that wrote them.
        let mut counts: std::collections::HashMap<String, [i64; 3]> = std::collections::HashMap::new();
        let mut stmt = self.conn.prepare_cached(
            "SELECT d.journal, r.kind FROM records r INDEXED BY records_by_kind
                 JOIN devices d ON d.n = r.created_device
             WHERE r.kind = 'person' AND r.deleted = 0 AND d.journal IS NOT NULL
             UNION ALL
             SELECT d.journal, r.kind FROM records r INDEXED BY records_attention
                 JOIN devices d ON d.n = r.created_device
             WHERE r.kind IN ('concern', 'contact', 'boundary-issue') AND r.deleted = 0 AND r.attention = 1
               AND d.journal IS NOT NULL",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
        for row in rows {
            let (journal, kind) = row?;
            let n = counts.entry(journal).or_default();
            match kind.as_str() {
                "person" => n[0] += 1,
                "concern" => n[1] += 1,
                _ => n[2] += 1,
            }
        }
        let mut out = Vec::new();
        for card in self.roster()?.into_iter().filter(|c| c.role == Role::Volunteer) {
            let fp = card.fingerprint.as_str();
            let (last_file_at, files): (Option<String>, i64) = self
                .conn
                .query_row("SELECT max(at), count(*) FROM bundles WHERE direction = 'in' AND peer = ?1", [fp], |r| {
                    Ok((r.get(0)?, r.get(1)?))
                })
                .optional()?
                .unwrap_or((None, 0));
            // Their changes in the log, and those held by the records they made.
            let changes: i64 = self.conn.query_row(
                "SELECT (SELECT count(*) FROM events WHERE device IN (SELECT id FROM devices WHERE journal = ?1))
                      + (SELECT count(*) FROM records INDEXED BY records_lazy_event
                         WHERE created_device IN (SELECT n FROM devices WHERE journal = ?1) AND lazy_seq IS NOT NULL)",
                [fp],
                |r| r.get(0),
            )?;
            let [people, open_concerns, flagged] = counts.get(fp).copied().unwrap_or_default();
            let mut missing = Vec::new();
            let declared: Vec<(String, i64)> = self
                .conn
                .prepare_cached(
                    "SELECT device, upto FROM declared WHERE device IN (SELECT id FROM devices WHERE journal = ?1)
                     ORDER BY device",
                )?
                .query_map([fp], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<rusqlite::Result<_>>()?;
            for (device, upto) in declared {
                let covered: Vec<(i64, i64)> = self
                    .conn
                    .prepare_cached("SELECT first, last FROM coverage WHERE device = ?1")?
                    .query_map([&device], |r| Ok((r.get(0)?, r.get(1)?)))?
                    .collect::<rusqlite::Result<_>>()?;
                missing.extend(holes(covered, upto));
            }
            out.push(VolunteerSummary { card, last_file_at, files, changes, people, open_concerns, flagged, missing });
        }
        Ok(out)
    }
}

/// The runs of numbers in 1..=`upto` that `covered` (runs, any order, may
/// overlap) leaves out: what has not arrived.
fn holes(mut covered: Vec<(i64, i64)>, upto: i64) -> Vec<(i64, i64)> {
    covered.sort_unstable();
    let mut out = Vec::new();
    let mut next = 1;
    for (first, last) in covered {
        if first > next {
            out.push((next, (first - 1).min(upto)));
        }
        next = next.max(last + 1);
        if next > upto {
            break;
        }
    }
    if next <= upto {
        out.push((next, upto));
    }
    out.retain(|(a, b)| a <= b);
    out
}

#[cfg(test)]
mod tests {
    use super::holes;

    #[test]
    fn what_is_not_covered() {
        assert_eq!(holes(vec![(5, 9), (1, 3), (12, 20)], 25), vec![(4, 4), (10, 11), (21, 25)]);
        assert_eq!(holes(vec![(1, 10), (3, 4)], 10), vec![]);
        assert_eq!(holes(vec![], 3), vec![(1, 3)]);
        assert_eq!(holes(vec![(2, 40)], 30), vec![(1, 1)]);
    }
}
