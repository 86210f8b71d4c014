//! For the app's end-to-end tests only: what a test needs and no one using
//! a journal ever should. Built with the `testsupport` feature, which only
//! the app's tests turn on (the app they drive is built with it, and never
//! calls it); a release build and the command line never have it.

use rusqlite::params;

use crate::error::{Error, Result};
use crate::journal::Journal;
use crate::model::hlc::{self, Hlc};
use crate::model::ids::RecordId;

/// Makes a record of this journal's own, not yet changed, look as if it
/// was written `days` days ago: its creation stamp, and so its creation
/// event, which travels in the next file with the earlier stamp. For a
/// test of what shows after weeks (someone added and never contacted),
/// which cannot wait them.
pub fn backdate(journal: &Journal, id: &RecordId, days: u32) -> Result<()> {
    let then = hlc::wall_ms() - i64::from(days) * 24 * 60 * 60 * 1000;
    let changed = journal.conn.execute(
        "UPDATE records SET created_hlc = ?1, updated_hlc = ?1
         WHERE id = ?2 AND lazy_seq IS NOT NULL AND created_hlc = updated_hlc",
        params![Hlc(then << 16).0, id],
    )?;
    if changed == 1 {
        Ok(())
    } else {
        Err(Error::invalid(format!("{id} is not a record of this journal's that is as it was written")))
    }
}
