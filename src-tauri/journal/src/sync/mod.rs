//! Exchanging journals by file. [`cards`]: the public card each journal
//! hands over, and the roster of those it trusts. The bundle, the signed
//! and encrypted file changes travel in: its format, defined once
//! (`wire`); what one may carry (`scope`); writing one (`export`); reading
//! one, checking every event against what its sender may send (`import`,
//! `incoming`).
//!
//! The sync knows the journal; the journal knows nothing of the sync.

pub mod cards;
mod export;
mod import;
mod incoming;
mod scope;
mod wire;

pub use export::{ExportOptions, ExportSummary, Progress};
pub use import::{duration_words, BundleLook, ImportNotice, ImportSummary, KindCounts};
pub use wire::VERSION;

#[cfg(test)]
mod tests;
