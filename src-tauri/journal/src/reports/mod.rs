//! What is made from a journal for people outside it: de-identified
//! reports, subject-access exports, and invented demo journals.

pub mod access;
pub mod demo;
pub mod report;
pub mod shared;
