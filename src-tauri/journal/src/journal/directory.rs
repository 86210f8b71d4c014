//! The service directory beyond writing a service by hand.
//!
//! Services no longer taking referrals (retired): a service that closed or
//! stopped taking referrals keeps its record, so the signposts that name it
//! keep it too, with their history; it is only no longer offered for a new
//! one. Retiring is a change of the service's `retired` field like any
//! other, so only the journal that owns the service retires it (or offers
//! it again), and a supervisor's retirement reaches volunteers in the next
//! file for them. Only a local write is refused for naming a retired
//! service: an import never is, since a signpost written before the news
//! arrived is still true.
//!
//! The directory from a spreadsheet: a CSV file of services (a header row
//! naming the columns, then a service a row), each row checked as a service
//! written by hand is. Rows that cannot be taken are reported with their
//! line and why, and change nothing; the others are added. A file that is
//! not such a table (no header, a column Peer Journal does not know, no
//! name column) is refused whole. Also the template to start from.

use rusqlite::{params, OptionalExtension};
use serde::Serialize;
use serde_json::Value;
use ts_rs::TS;

use crate::error::{Error, Result};
use crate::journal::read::{record_from_row, RECORD_COLUMNS};
use crate::journal::Journal;
use crate::model::ids::RecordId;
use crate::model::kinds::{FieldType, Fields, Kind, RETIRED};
use crate::model::record::{Page, Record};

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

/// Whether `r`, a service's row, says it is no longer taking referrals, as
/// SQL (its flag is JSON `true`, which SQLite reads as 1).
fn retired_sql() -> String {
    format!("coalesce(json_extract(r.data, '$.{RETIRED}'), 0) = 1")
}

/// Whether record `id` is a service no longer taking referrals (false for
/// anything else, or nothing).
pub(super) fn is_retired(conn: &rusqlite::Connection, id: &str) -> Result<bool> {
    let sql =
        format!("SELECT {} FROM records r WHERE r.id = ?1 AND r.kind = 'service' AND r.deleted = 0", retired_sql());
    Ok(conn.prepare_cached(&sql)?.query_row([id], |r| r.get::<_, bool>(0)).optional()?.unwrap_or(false))
}

impl Journal {
    /// The services to choose from for a new signpost: the directory
    /// without those no longer taking referrals, newest first.
    pub fn offered_services(&self, page: Page) -> Result<Vec<Record>> {
        let page = page.checked()?;
        // A directory is a few hundred services, read from the records of
        // their kind.
        let sql = format!(
            "SELECT {RECORD_COLUMNS} FROM records r WHERE r.kind = 'service' AND r.deleted = 0 AND NOT {}
             ORDER BY r.at_key DESC, r.rowid DESC LIMIT ?1 OFFSET ?2",
            retired_sql()
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map(params![page.limit, page.offset], record_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Marks a service of this journal's as no longer taking referrals:
    /// it stays on the signposts that name it, and is no longer offered
    /// for new ones.
    pub fn retire_service(&mut self, id: &RecordId) -> Result<Record> {
        self.set_retired(id, true)
    }

    /// Offers a retired service of this journal's for new signposts again.
    pub fn unretire_service(&mut self, id: &RecordId) -> Result<Record> {
        self.set_retired(id, false)
    }

    fn set_retired(&mut self, id: &RecordId, retired: bool) -> Result<Record> {
        if self.get(id)?.kind != Kind::Service {
            return Err(Error::invalid("that record is not a service"));
        }
        let mut change = Fields::new();
        change.insert(RETIRED.into(), Value::Bool(retired));
        self.update(id, change)
    }
}

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
        "no",
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

/// A cell as the service's field takes it: a spreadsheet's yes or no
/// ("Yes", "TRUE") in the lower case the field reads.
fn cell(column: &str, value: &str) -> String {
    let flag = Kind::Service.spec().field(column).is_some_and(|f| matches!(f.ty, FieldType::Flag));
    if flag {
        value.to_lowercase()
    } else {
        value.to_string()
    }
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
                    fields.insert((*column).to_string(), Value::String(cell(column, value)));
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
        journal_of(Role::Supervisor)
    }

    fn journal_of(role: Role) -> (tempfile::TempDir, Journal) {
        let dir = tempfile::tempdir().unwrap();
        let kdf = KdfParams { memory_kib: 1024, iterations: 1, parallelism: 1 };
        let new = NewJournal { name: "Morgan", role, passphrase: "a fine passphrase", kdf };
        let (j, _) = Journal::create(dir.path(), &new).unwrap();
        (dir, j)
    }

    fn fields(v: Value) -> Fields {
        v.as_object().cloned().unwrap()
    }

    fn offered(j: &Journal) -> Vec<String> {
        j.offered_services(Page::default()).unwrap().iter().map(|s| s.fields["name"].to_string()).collect()
    }

    #[test]
    fn a_retired_service_stays_on_its_signposts_and_is_offered_for_no_new_one() {
        let (_d, mut j) = journal_of(Role::Volunteer);
        let p = j.add(Kind::Person, fields(serde_json::json!({"alias": "R.M."}))).unwrap().id;
        let food = j.add(Kind::Service, fields(serde_json::json!({"name": "Food bank"}))).unwrap().id;
        j.add(Kind::Service, fields(serde_json::json!({"name": "Library", "retired": false}))).unwrap();
        let old = serde_json::json!({"person": p, "service": food, "status": "made"});
        let old = j.add(Kind::Signpost, fields(old)).unwrap().id;
        assert_eq!(offered(&j), ["\"Library\"", "\"Food bank\""]);

        let retired = j.retire_service(&food).unwrap();
        assert!(crate::model::kinds::is_retired(Kind::Service, &retired.fields));
        assert_eq!(offered(&j), ["\"Library\""]);
        assert_eq!(j.list(Kind::Service, None, Page::default()).unwrap().len(), 2, "still in the directory");
        // The signpost that names it keeps it, and moves on as before.
        assert_eq!(j.get(&old).unwrap().fields["service"], food.as_str());
        j.update(&old, fields(serde_json::json!({"service": food, "status": "attended"}))).unwrap();
        // A new signpost to it, or one moved to it, is refused plainly.
        let new = serde_json::json!({"person": p, "service": food});
        let refused = j.add(Kind::Signpost, fields(new.clone())).unwrap_err();
        assert_eq!(refused.to_string(), "that service is no longer taking referrals; please choose another service");
        let library = j.offered_services(Page::default()).unwrap()[0].id.clone();
        let elsewhere = serde_json::json!({"person": p, "service": library});
        let elsewhere = j.add(Kind::Signpost, fields(elsewhere)).unwrap().id;
        let moved = j.update(&elsewhere, fields(serde_json::json!({"service": food}))).unwrap_err();
        assert!(matches!(moved, Error::Invalid(_)), "{moved}");

        // Brought back, it is offered again.
        j.unretire_service(&food).unwrap();
        assert_eq!(offered(&j).len(), 2);
        j.add(Kind::Signpost, fields(new)).unwrap();
        let history = j.history(&food).unwrap();
        assert_eq!(history.len(), 3, "written, retired, brought back: {history:?}");
        // Only a service is retired.
        let refused = j.retire_service(&old).unwrap_err();
        assert_eq!(refused.to_string(), "that record is not a service");
    }

    #[test]
    fn a_spreadsheet_may_say_which_services_are_no_longer_taking_referrals() {
        let (_d, mut j) = journal();
        let text = "Name,Area,No longer taking referrals\nFood bank,North,Yes\nLibrary,South,\nPantry,East,no\n";
        assert_eq!(j.import_directory(text).unwrap(), DirectoryImport { added: 3, rejected: vec![] });
        assert_eq!(offered(&j), ["\"Pantry\"", "\"Library\""]);
        let report = j.import_directory("Name,Retired\nCafe,perhaps\n").unwrap();
        assert_eq!(report.rejected[0].reason, "no longer taking referrals must be yes or no");
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
