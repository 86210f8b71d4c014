//! The service directory from a spreadsheet: a CSV file of services (a
//! header row naming the columns, then a service a row), each row checked
//! as a service written by hand is. Rows that cannot be taken are reported
//! with their line and why, and change nothing; the others are added. A
//! file that is not such a table (no header, a column Peer Journal does not
//! know, no name column) is refused whole. Also the template to start from.

use serde::Serialize;
use serde_json::Value;
use ts_rs::TS;

use crate::error::{Error, Result};
use crate::journal::Journal;
use crate::model::kinds::{Fields, Kind};
use crate::model::record::Page;

/// What reading a directory file did.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct DirectoryImport {
    /// Services added.
    pub added: u32,
    /// Rows not taken, with why.
    pub rejected: Vec<RejectedRow>,
}

/// A row of a directory file that was not taken.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct RejectedRow {
    /// Its line in the file (the header is line 1).
    #[ts(type = "number")]
    pub line: u64,
    /// The service's name as the row gives it ("" if none).
    pub name: String,
    /// Why, in plain words.
    pub reason: String,
}

/// The largest directory file read (a directory of thousands of services
/// is a few hundred kilobytes).
pub const MAX_DIRECTORY_BYTES: usize = 5 * 1024 * 1024;

/// A file to start a directory from: the columns, and one service.
pub fn template() -> String {
    let columns: Vec<&str> = Kind::Service.spec().fields.iter().map(|f| f.name).collect();
    let example = [
        "Northside Food Bank",
        "food",
        "Northside",
        "01234 567890, help@northside-food.example",
        "Mon, Wed and Fri 10:00-14:00",
        "No referral needed; bring ID if you can",
    ];
    let mut out = csv::Writer::from_writer(Vec::new());
    // Writing to memory cannot fail; a failure would leave the header alone.
    let _ = out.write_record(&columns);
    let _ = out.write_record(&example[..columns.len().min(example.len())]);
    String::from_utf8(out.into_inner().unwrap_or_default()).unwrap_or_default()
}

/// The service field a column heading names: its name, its command-line
/// flag or its label, in any case, with spaces or underscores.
fn field_for(heading: &str) -> Option<&'static str> {
    let plain = |s: &str| s.trim().to_lowercase().replace(['_', '-'], " ");
    let wanted = plain(heading);
    Kind::Service.spec().fields.iter().find_map(|f| {
        let names = [f.name, &f.flag(), f.label];
        names.iter().any(|n| plain(n) == wanted).then_some(f.name)
    })
}

impl Journal {
    /// Adds the services of a directory file (see the module's words).
    pub fn import_directory(&mut self, text: &str) -> Result<DirectoryImport> {
        if text.len() > MAX_DIRECTORY_BYTES {
            return Err(Error::invalid("that file is too large to be a service directory"));
        }
        let known: Vec<&str> = Kind::Service.spec().fields.iter().map(|f| f.name).collect();
        let mut reader = csv::ReaderBuilder::new().flexible(true).trim(csv::Trim::All).from_reader(text.as_bytes());
        let headings = reader
            .headers()
            .map_err(|_| Error::invalid("that file is not a table of services (a CSV file from a spreadsheet)"))?
            .clone();
        let mut columns = Vec::new();
        for heading in headings.iter() {
            match field_for(heading) {
                Some(field) => columns.push(field),
                None if heading.is_empty() => columns.push(""),
                None => {
                    return Err(Error::invalid(format!(
                        "the column {heading:?} is not one Peer Journal knows; the columns are: {}",
                        known.join(", ")
                    )))
                }
            }
        }
        if !columns.contains(&"name") {
            return Err(Error::invalid(format!(
                "the file has no name column; its first row should name the columns: {}",
                known.join(", ")
            )));
        }
        // What is in the directory already, by name and area, so that the
        // same file read twice adds nothing twice.
        let key = |name: &str, area: &str| (name.trim().to_lowercase(), area.trim().to_lowercase());
        let mut held = std::collections::HashSet::new();
        let mut offset = 0;
        loop {
            let page = self.list(Kind::Service, None, Page { limit: 1000, offset })?;
            for s in &page {
                let text = |f: &str| s.fields.get(f).and_then(Value::as_str).unwrap_or("").to_string();
                held.insert(key(&text("name"), &text("area")));
            }
            if page.len() < 1000 {
                break;
            }
            offset += 1000;
        }
        // The line a row starts on, from its byte offset (blank lines count,
        // as a person counts them in the file).
        let line_at = |p: Option<&csv::Position>| {
            p.map_or(0, |p| {
                let bytes = text.as_bytes();
                let mut at = usize::try_from(p.byte()).unwrap_or(usize::MAX).min(bytes.len());
                // A row's position is where reading it began, before the
                // blank lines above it were passed over.
                while at < bytes.len() && matches!(bytes[at], b'\n' | b'\r') {
                    at += 1;
                }
                bytes[..at].iter().filter(|&&b| b == b'\n').count() as u64 + 1
            })
        };
        let mut report = DirectoryImport::default();
        for row in reader.records() {
            let line;
            let row = match row {
                Ok(row) => {
                    line = line_at(row.position());
                    row
                }
                Err(e) => {
                    let line = line_at(e.position());
                    report.rejected.push(RejectedRow {
                        line,
                        name: String::new(),
                        reason: "the row cannot be read".into(),
                    });
                    continue;
                }
            };
            if row.iter().all(str::is_empty) {
                continue;
            }
            let mut fields = Fields::new();
            for (column, value) in columns.iter().zip(row.iter()) {
                if !column.is_empty() && !value.is_empty() {
                    fields.insert((*column).to_string(), Value::String(value.to_string()));
                }
            }
            let text = |f: &str| fields.get(f).and_then(Value::as_str).unwrap_or("").to_string();
            let name = text("name");
            if row.len() > columns.len() {
                report.rejected.push(RejectedRow {
                    line,
                    name,
                    reason: "the row has more cells than there are columns".into(),
                });
                continue;
            }
            let this = key(&name, &text("area"));
            if !name.is_empty() && held.contains(&this) {
                report.rejected.push(RejectedRow { line, name, reason: "it is in the directory already".into() });
                continue;
            }
            match self.add(Kind::Service, fields) {
                Ok(_) => {
                    held.insert(this);
                    report.added += 1;
                }
                Err(Error::Invalid(reason)) => report.rejected.push(RejectedRow { line, name, reason }),
                Err(other) => return Err(other),
            }
        }
        Ok(report)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::journal::NewJournal;
    use crate::keys::KdfParams;
    use crate::model::kinds::Role;

    fn journal() -> (tempfile::TempDir, Journal) {
        let dir = tempfile::tempdir().unwrap();
        let kdf = KdfParams { memory_kib: 1024, iterations: 1, parallelism: 1 };
        let new = NewJournal { name: "Morgan", role: Role::Supervisor, passphrase: "a fine passphrase", kdf };
        let (j, _) = Journal::create(dir.path(), &new).unwrap();
        (dir, j)
    }

    #[test]
    fn the_template_reads_back_as_one_service() {
        let (_d, mut j) = journal();
        let report = j.import_directory(&template()).unwrap();
        assert_eq!(report, DirectoryImport { added: 1, rejected: vec![] });
        let services = j.list(Kind::Service, None, Page::default()).unwrap();
        assert_eq!(services[0].fields["name"], "Northside Food Bank");
        assert_eq!(services[0].fields["opening_times"], "Mon, Wed and Fri 10:00-14:00");
    }

    #[test]
    fn rows_that_cannot_be_taken_are_reported_and_the_rest_added() {
        let (_d, mut j) = journal();
        let long = "x".repeat(300);
        let text = format!(
            "Name,Category,Area,Contact details,Opening times,Notes\n\
             Food bank,food,North,\"01234, or drop in\",,\n\
             ,housing,South,,,\n\
             \n\
             {long},advice,,,,\n\
             Food bank,food,North,,,\n\
             Housing advice,housing,South,,,,extra\n\
             \"Debt help\",\"money, debt\",Centre,,\"Tue\nThu\",\n"
        );
        let report = j.import_directory(&text).unwrap();
        assert_eq!(report.added, 2, "{report:?}");
        let lines: Vec<(u64, &str)> = report.rejected.iter().map(|r| (r.line, r.reason.as_str())).collect();
        assert_eq!(lines.len(), 4, "{lines:?} {text:?}");
        assert_eq!(lines[0].0, 3);
        assert!(lines[0].1.contains("name"), "{lines:?}");
        assert_eq!(lines[1].0, 5, "{lines:?}");
        assert_eq!((lines[2].0, lines[2].1), (6, "it is in the directory already"));
        assert_eq!((lines[3].0, lines[3].1), (7, "the row has more cells than there are columns"));
        // Read again, nothing is added twice.
        assert_eq!(j.import_directory(&text).unwrap().added, 0);
        assert_eq!(j.list(Kind::Service, None, Page::default()).unwrap().len(), 2);
    }

    #[test]
    fn a_file_that_is_not_a_directory_is_refused_whole() {
        let (_d, mut j) = journal();
        for text in ["Phone,Name\n123,Food bank\n", "Category,Area\nfood,North\n"] {
            assert!(matches!(j.import_directory(text), Err(Error::Invalid(_))), "{text}");
        }
        assert!(j.list(Kind::Service, None, Page::default()).unwrap().is_empty());
    }
}
