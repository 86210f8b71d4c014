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
    /// Records of theirs held here (people included).
    #[ts(type = "number")]
    pub records: i64,
    /// People of theirs held here.
    #[ts(type = "number")]
    pub people: i64,
    /// Their concerns not yet acknowledged.
    #[ts(type = "number")]
    pub open_concerns: i64,
    /// Their contacts and boundary issues flagged for supervision.
    #[ts(type = "number")]
    pub flagged: i64,
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
    /// journal holds of theirs. One pass over the records (grouped by the
    /// journal that wrote each), however many volunteers.
    pub fn volunteers(&self) -> Result<Vec<VolunteerSummary>> {
        let mut counts: std::collections::HashMap<String, [i64; 4]> = std::collections::HashMap::new();
        let mut stmt = self.conn.prepare_cached(
            "SELECT d.journal, count(*), sum(r.kind = 'person'),
                    sum(r.attention = 1 AND r.kind = 'concern'),
                    sum(r.attention = 1 AND r.kind IN ('contact', 'boundary-issue'))
             FROM records r JOIN devices d ON d.n = r.created_device
             WHERE r.deleted = 0 AND d.journal IS NOT NULL
             GROUP BY d.journal",
        )?;
        let rows =
            stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, [r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?])))?;
        for row in rows {
            let (journal, n) = row?;
            counts.insert(journal, n);
        }
        let mut out = Vec::new();
        for card in self.roster()?.into_iter().filter(|c| c.role == Role::Volunteer) {
            let (last_file_at, files): (Option<String>, i64) = self
                .conn
                .query_row(
                    "SELECT max(at), count(*) FROM bundles WHERE direction = 'in' AND peer = ?1",
                    [card.fingerprint.as_str()],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?
                .unwrap_or((None, 0));
            let [records, people, open_concerns, flagged] =
                counts.get(card.fingerprint.as_str()).copied().unwrap_or_default();
            out.push(VolunteerSummary { card, last_file_at, files, records, people, open_concerns, flagged });
        }
        Ok(out)
    }
}
