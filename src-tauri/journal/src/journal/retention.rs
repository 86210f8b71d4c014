//! Keeping records no longer than needed: the retention period, and the
//! purge at unlock that erases relationships ended longer ago (never one
//! with a concern still open). Also the journal-wide repairs: rebuilding
//! the materialised tables from the log, and merging the search index.

use rusqlite::TransactionBehavior;

use crate::error::{Error, Result};
use crate::journal::Journal;
use crate::model::ids::PersonId;
use crate::model::kinds::{self};
use crate::model::record::PurgeReport;
use crate::store::fold::{self};

/// Months after an ending that a relationship's records are kept, unless the
/// journal says otherwise.
pub const DEFAULT_RETENTION_MONTHS: u32 = 12;

impl Journal {
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
            report.erased_records += self.forget_person(&PersonId::trusted(id))?;
            report.erased_people.push(alias);
        }
        Ok(report)
    }

    /// Rebuilds the materialised tables from the event log (a repair and a
    /// check: the result must equal what was there).
    pub fn rebuild(&mut self) -> Result<()> {
        let tx = rusqlite::Transaction::new_unchecked(&self.conn, TransactionBehavior::Immediate)?;
        let search_tx = fold::rebuild(&tx, &self.search)?;
        tx.commit()?;
        search_tx.commit_after_journal();
        Ok(())
    }

    /// Merges the search index into one segment (a batch large enough to be
    /// a bulk load already does), after many records were added in batches.
    pub fn tidy_search_index(&mut self) -> Result<()> {
        self.search.tidy()
    }
}
