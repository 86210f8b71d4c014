//! Peer Journal's core: an encrypted, offline journal for volunteer peer
//! supporters and their supervisors.
//!
//! This crate holds everything that is not the desktop shell: the encrypted
//! store ([`store`]), its keys ([`keys`]), the journal's identity
//! ([`identity`]) and the journal itself ([`journal`]). It also builds the
//! `peerjournal` command-line tool. It deliberately knows nothing of Tauri,
//! windows or IPC, so it builds and tests on machines without WebKit.
//!
//! ```no_run
//! use peerjournal::{Journal, NewJournal, Role, KdfParams};
//! # fn main() -> peerjournal::Result<()> {
//! let dir = std::path::Path::new("/tmp/my-journal");
//! let (journal, recovery) = Journal::create(dir, &NewJournal {
//!     name: "Sam", role: Role::Volunteer,
//!     passphrase: "correct horse battery staple", kdf: KdfParams::PASSPHRASE,
//! })?;
//! println!("write this down: {}", recovery.display().as_str());
//! journal.lock();
//! let journal = Journal::open(dir, "correct horse battery staple")?;
//! assert_eq!(journal.status()?.name, "Sam");
//! # Ok(()) }
//! ```
#![deny(missing_docs)]
#![forbid(unsafe_code)]

#[cfg(feature = "bench")]
#[doc(hidden)]
pub mod benchsupport;
pub mod error;
pub mod journal;
pub mod keys;
pub mod model;
pub mod reports;
pub mod store;
pub mod sync;
#[cfg(feature = "testsupport")]
#[doc(hidden)]
pub mod testsupport;

pub use error::{io_reason, Error, ErrorKind, Result};
pub use journal::drafts::Draft;
pub use journal::{default_dir, presence, CheckReport, Journal, NewJournal, Presence, Role, Status};
pub use keys::{KdfParams, RecoveryKey};
pub use model::hlc;
pub use model::ids::{DeviceId, Fingerprint, PersonId, RecordId};
pub use model::kinds::{self, Fields, Kind};
pub use model::record::{Conflict, ConflictField, HistoryEntry, Page, PurgeReport, Record, RecordCounts, SearchHit};
pub use reports::{access, demo, report};
pub use sync::cards;
