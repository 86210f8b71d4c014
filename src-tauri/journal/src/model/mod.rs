//! What a journal is about, as plain data: the kinds of record and how each
//! is checked, events and clocks, ids. Nothing here touches a database, a
//! file or a key.

pub mod event;
pub mod hlc;
pub mod ids;
pub mod kinds;
pub mod record;
