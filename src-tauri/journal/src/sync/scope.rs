//! What a bundle may carry, and in what order: the scope rule. A journal
//! sends only what its own devices wrote (never anything it received), and
//! never a private reflection; a supervisor sends a volunteer only the
//! directory, the notes for that volunteer and the acknowledgements of that
//! volunteer's concerns. Events are read from both parts of the log in
//! (device, seq) order, straight from their indexes, so an export streams.

use std::collections::BTreeMap;

use rusqlite::{params, OptionalExtension};

use crate::error::Result;
use crate::journal::{Journal, Role};

/// Which events go to which recipients: only what this journal's own
/// devices wrote (never what it holds of anyone else's), never a private
/// reflection, and from a supervisor only what belongs to the volunteer the
/// bundle is for.
pub(crate) struct Selection {
    /// Per device of this journal's, send events after this sequence number.
    after: BTreeMap<String, i64>,
    recipients: Vec<String>,
    role: Role,
}

impl Selection {
    pub(crate) fn new(journal: &Journal, recipients: &[String], role: Role, full: bool) -> Result<Self> {
        let mut after = BTreeMap::new();
        let mut stmt = journal.conn.prepare_cached("SELECT seq FROM acked WHERE peer = ?1 AND device = ?2")?;
        for device in journal.own_devices()? {
            // A device not acknowledged by every recipient is sent from the
            // start for all of them: one bundle serves everyone named.
            let mut least = i64::MAX;
            for r in recipients {
                let seq: i64 = stmt.query_row(params![r, device], |row| row.get(0)).optional()?.unwrap_or(0);
                least = least.min(seq);
            }
            after.insert(String::from(device), if full || least == i64::MAX { 0 } else { least });
        }
        Ok(Selection { after, recipients: recipients.to_vec(), role })
    }

    /// The events to send from one part of the log, in (device, seq) order.
    pub(crate) fn sql(&self, part: LogPart) -> String {
        // The two parts of the log as one shape, `e`. (The `event_log` view
        // unites them, but SQLite would sort the union as a whole rather
        // than walk each part's own (device, seq) index.) Records hold
        // their device's number: the held part walks `devices` in id order
        // and each device's events in `records_lazy_event`; `CROSS JOIN`
        // keeps `devices` the outer loop, which the planner, left to
        // itself, did not, and sorted every event instead. `temp_after`
        // holds this journal's own devices alone: nothing else is sent.
        let from = match part {
            LogPart::Events => "events e",
            LogPart::HeldByRecords => {
                "(SELECT d.id AS device, r.lazy_seq AS seq, r.created_hlc AS hlc, r.id AS record, r.kind,
                         'put' AS op, creation_fields(r.data) AS fields
                  FROM devices d CROSS JOIN records r ON r.created_device = d.n AND r.lazy_seq IS NOT NULL
                  WHERE d.id IN (SELECT device FROM temp_after)) e"
            }
        };
        let mut sql = format!(
            "SELECT e.device, e.seq, e.hlc, e.record, e.kind, e.op, e.fields FROM {from}
             WHERE e.device IN (SELECT device FROM temp_after)
               AND e.seq > (SELECT value FROM temp_after WHERE device = e.device)
               AND NOT (e.kind = 'reflection' AND NOT EXISTS (
                     SELECT 1 FROM records r WHERE r.id = e.record AND json_extract(r.data, '$.shared') = 1))"
        );
        if self.role == Role::Supervisor {
            // The directory goes to everyone. A note goes only in a bundle
            // for the one volunteer it is for; an acknowledgement only in a
            // bundle for the one volunteer whose concern it acknowledges
            // (`temp_recipient` holds that volunteer, or nothing when the
            // bundle is for more than one).
            sql.push_str(
                " AND e.op = 'put' AND (e.kind = 'service'
                   OR (e.kind = 'supervision-note' AND EXISTS (
                         SELECT 1 FROM records n WHERE n.id = e.record
                           AND json_extract(n.data, '$.volunteer') IN (SELECT fingerprint FROM temp_recipient)))
                   OR (e.kind = 'acknowledgement' AND EXISTS (
                         SELECT 1 FROM records a JOIN records c ON c.id = a.about
                                                 JOIN devices o ON o.n = c.created_device
                         WHERE a.id = e.record AND o.journal IN (SELECT fingerprint FROM temp_recipient))))",
            );
        }
        sql.push_str(" ORDER BY e.device, e.seq");
        sql
    }

    /// Fills the temporary tables the statements read: each own device's
    /// number to send after (`temp_after`), and the one volunteer a
    /// supervisor's bundle is for, if it is for one (`temp_recipient`).
    pub(crate) fn prepare_after(&self, conn: &rusqlite::Connection) -> Result<()> {
        conn.execute_batch(
            "CREATE TEMP TABLE IF NOT EXISTS temp_after (device TEXT PRIMARY KEY, value INTEGER);
             CREATE TEMP TABLE IF NOT EXISTS temp_recipient (fingerprint TEXT PRIMARY KEY);
             DELETE FROM temp_after; DELETE FROM temp_recipient;",
        )?;
        let mut stmt = conn.prepare_cached("INSERT INTO temp_after (device, value) VALUES (?1, ?2)")?;
        for (d, v) in &self.after {
            stmt.execute(params![d, v])?;
        }
        if let [one] = self.recipients.as_slice() {
            conn.prepare_cached("INSERT INTO temp_recipient (fingerprint) VALUES (?1)")?.execute([one])?;
        }
        Ok(())
    }

    pub(crate) fn count(&self, conn: &rusqlite::Connection) -> Result<u64> {
        self.prepare_after(conn)?;
        let mut n = 0;
        for part in [LogPart::Events, LogPart::HeldByRecords] {
            n += conn.query_row(&format!("SELECT count(*) FROM ({})", self.sql(part)), [], |r| r.get::<_, i64>(0))?;
        }
        Ok(n as u64)
    }

    /// Calls `f` with each event to send, in (device, seq) order: the two
    /// parts of the log are read side by side and merged, so that an import
    /// meets each record's creating event before any later one.
    pub(crate) fn for_each(
        &self,
        conn: &rusqlite::Connection,
        mut f: impl FnMut(&LogLine) -> Result<()>,
    ) -> Result<()> {
        self.prepare_after(conn)?;
        let mut logged = conn.prepare(&self.sql(LogPart::Events))?;
        let mut held = conn.prepare(&self.sql(LogPart::HeldByRecords))?;
        let (mut logged, mut held) = (logged.query([])?, held.query([])?);
        let (mut a, mut b) = (LogLine::next(&mut logged)?, LogLine::next(&mut held)?);
        loop {
            let take_a = match (&a, &b) {
                (None, None) => return Ok(()),
                (Some(x), Some(y)) => (x.device.as_str(), x.seq) <= (y.device.as_str(), y.seq),
                (Some(_), None) => true,
                (None, Some(_)) => false,
            };
            if take_a {
                if let Some(line) = &a {
                    f(line)?;
                }
                a = LogLine::next(&mut logged)?;
            } else {
                if let Some(line) = &b {
                    f(line)?;
                }
                b = LogLine::next(&mut held)?;
            }
        }
    }
}

/// Where the log keeps an event: in `events`, or, for a record's creating
/// event while it is the record's only one, in the record's row.
#[derive(Clone, Copy)]
pub(crate) enum LogPart {
    Events,
    HeldByRecords,
}

/// One event of the log, as exported.
pub(crate) struct LogLine {
    pub(crate) device: String,
    pub(crate) seq: i64,
    pub(crate) hlc: i64,
    pub(crate) record: String,
    pub(crate) kind: String,
    pub(crate) op: String,
    pub(crate) fields: String,
}

impl LogLine {
    fn next(rows: &mut rusqlite::Rows<'_>) -> Result<Option<LogLine>> {
        let Some(r) = rows.next()? else { return Ok(None) };
        Ok(Some(LogLine {
            device: r.get(0)?,
            seq: r.get(1)?,
            hlc: r.get(2)?,
            record: r.get(3)?,
            kind: r.get(4)?,
            op: r.get(5)?,
            fields: r.get(6)?,
        }))
    }
}

/// Runs of numbers as `[first, last]` pairs, from numbers in order.
fn runs(numbers: impl IntoIterator<Item = i64>) -> Vec<(i64, i64)> {
    let mut out: Vec<(i64, i64)> = Vec::new();
    for n in numbers {
        match out.last_mut() {
            Some((_, last)) if n <= *last + 1 => *last = (*last).max(n),
            _ => out.push((n, n)),
        }
    }
    out
}

/// Per device: runs of numbers, and one number.
type PerDevice = (BTreeMap<String, Vec<(i64, i64)>>, BTreeMap<String, i64>);

/// Per device of this journal's: the numbers never sent by the scope rule
/// (private reflections, whatever has become of them), as runs, and the
/// highest number written. Both from the log's indexes.
pub(crate) fn withheld_and_written(journal: &Journal) -> Result<PerDevice> {
    let (mut withheld, mut written) = (BTreeMap::new(), BTreeMap::new());
    let mut private = journal.conn.prepare_cached(
        "SELECT e.seq FROM events e WHERE e.device = ?1 AND e.kind = 'reflection'
           AND NOT EXISTS (SELECT 1 FROM records r WHERE r.id = e.record AND json_extract(r.data, '$.shared') = 1)
         UNION
         SELECT r.lazy_seq FROM records r
         WHERE r.created_device = (SELECT n FROM devices WHERE id = ?1) AND r.lazy_seq IS NOT NULL
           AND r.kind = 'reflection' AND coalesce(json_extract(r.data, '$.shared'), 0) != 1
         ORDER BY 1",
    )?;
    let mut highest = journal.conn.prepare_cached(
        "SELECT max(coalesce((SELECT max(seq) FROM events WHERE device = ?1), 0),
                    coalesce((SELECT max(lazy_seq) FROM records
                              WHERE created_device = (SELECT n FROM devices WHERE id = ?1)), 0))",
    )?;
    for device in journal.own_devices()? {
        let device = String::from(device);
        let seqs = private.query_map([&device], |r| r.get::<_, i64>(0))?.collect::<rusqlite::Result<Vec<_>>>()?;
        let top: i64 = highest.query_row([&device], |r| r.get(0))?;
        if !seqs.is_empty() {
            withheld.insert(device.clone(), runs(seqs));
        }
        if top > 0 {
            written.insert(device, top);
        }
    }
    Ok((withheld, written))
}

#[cfg(test)]
mod run_tests {
    use super::*;

    #[test]
    fn runs_of_numbers() {
        assert_eq!(runs([1, 2, 3, 5, 7, 8]), vec![(1, 3), (5, 5), (7, 8)]);
    }
}
