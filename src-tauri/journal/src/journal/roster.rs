//! The roster as the journal sees it: whose cards it trusts, what to call
//! another journal, and this journal's own devices.

use crate::error::Result;
use crate::journal::Journal;
use crate::model::ids::{DeviceId, Fingerprint};
use crate::store::identity;
use crate::store::roster::{self, RosterEntry};

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
}
