//! Subject access: everything a journal holds about one person, written out
//! as JSON (for another system) and as a plain, printable HTML page (for the
//! person). These files are the one place record content leaves the
//! encrypted database in the clear, because the person asked for it; they
//! are written only where the caller says.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use serde::Serialize;
use serde_json::Value;

use crate::error::{Error, Result};
use crate::journal::Journal;
use crate::model::ids::PersonId;
use crate::model::kinds::Kind;
use crate::model::record::{HistoryEntry, Page, Record};

/// What was written.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, rename = "SubjectAccessWritten")]
pub struct Written {
    /// The JSON file.
    #[ts(type = "string")]
    pub json: PathBuf,
    /// The printable page.
    #[ts(type = "string")]
    pub html: PathBuf,
    /// How many records (the person included).
    #[ts(type = "number")]
    pub records: usize,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Entry {
    record: Record,
    history: Vec<HistoryEntry>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Document {
    format: &'static str,
    exported_at: String,
    kept_by: String,
    person: Entry,
    records: Vec<Entry>,
}

/// Writes `subject-access-<id>.json` and `.html` for `person` into `dir`.
/// Refuses to overwrite an earlier export.
pub fn export_person(journal: &Journal, person: &PersonId, dir: &Path) -> Result<Written> {
    let record = journal.get(&person.record())?;
    if record.kind != Kind::Person {
        return Err(Error::invalid("that id is not a person"));
    }
    let mut records = Vec::new();
    let mut offset = 0;
    loop {
        let page = journal.timeline(person, Page { limit: 1000, offset })?;
        let n = page.len() as u32;
        records.extend(page);
        if n < 1000 {
            break;
        }
        offset += n;
    }
    records.reverse(); // oldest first reads better on paper
    let entries = records
        .into_iter()
        .map(|r| Ok(Entry { history: journal.history(&r.id)?, record: r }))
        .collect::<Result<Vec<_>>>()?;
    let doc = Document {
        format: "peerjournal-subject-access/1",
        exported_at: crate::journal::now(),
        kept_by: journal.status()?.name,
        person: Entry { history: journal.history(&record.id)?, record },
        records: entries,
    };

    fs::create_dir_all(dir).map_err(|e| Error::io("create the folder", dir, e))?;
    let short: String =
        person.as_str().chars().filter(|c| *c != '-').rev().take(8).collect::<String>().chars().rev().collect();
    let json_path = dir.join(format!("subject-access-{short}.json"));
    let html_path = dir.join(format!("subject-access-{short}.html"));
    for p in [&json_path, &html_path] {
        if p.exists() {
            return Err(Error::invalid(format!(
                "{} already exists; move it away or choose another folder",
                p.display()
            )));
        }
    }
    let json = serde_json::to_vec_pretty(&doc).map_err(|e| Error::invalid(e.to_string()))?;
    fs::write(&json_path, json).map_err(|e| Error::io("write", &json_path, e))?;
    if let Err(e) = fs::write(&html_path, page(&doc)) {
        let _ = fs::remove_file(&json_path);
        return Err(Error::io("write", &html_path, e));
    }
    Ok(Written { json: json_path, html: html_path, records: doc.records.len() + 1 })
}

pub(crate) fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn shown(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Bool(true) => "yes".into(),
        Value::Bool(false) => "no".into(),
        Value::Null => "(cleared)".into(),
        other => other.to_string(),
    }
}

fn record_block(out: &mut String, entry: &Entry) {
    let spec = entry.record.kind.spec();
    let _ = write!(
        out,
        "<section><h2>{}{}</h2><dl>",
        escape(&capitalise(spec.label)),
        entry.record.at.as_deref().map(|a| format!(" — {}", escape(a))).unwrap_or_default()
    );
    for field in spec.fields {
        if field.name == "person" {
            continue;
        }
        if let Some(v) = entry.record.fields.get(field.name) {
            let _ = write!(out, "<dt>{}</dt><dd>{}</dd>", escape(field.label), escape(&shown(v)));
        }
    }
    out.push_str("</dl>");
    if entry.history.len() > 1 {
        out.push_str("<details><summary>Changes</summary><ul>");
        for h in &entry.history {
            let fields: Vec<String> = h
                .changed
                .iter()
                .filter(|(k, _)| !k.starts_with('_'))
                .map(|(k, v)| format!("{}: {}", spec.field(k).map(|f| f.label).unwrap_or(k), shown(v)))
                .collect();
            let _ = write!(out, "<li>{} — {}</li>", escape(&h.at), escape(&fields.join("; ")));
        }
        out.push_str("</ul></details>");
    }
    out.push_str("</section>");
}

pub(crate) fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_uppercase().collect::<String>() + c.as_str()).unwrap_or_default()
}

fn page(doc: &Document) -> String {
    let alias = doc.person.record.fields.get("alias").map(shown).unwrap_or_default();
    let mut out = String::new();
    let _ = write!(
        out,
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>What is held about {a}</title>\
         <style>body{{font:16px/1.5 system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;color:#1d2a2a}}\
         h1{{font-size:1.6rem}}section{{border-top:1px solid #ccc;padding:.5rem 0;break-inside:avoid}}\
         h2{{font-size:1.1rem;margin:.5rem 0}}dl{{display:grid;grid-template-columns:14rem 1fr;gap:.25rem 1rem}}\
         dt{{color:#555}}dd{{margin:0;white-space:pre-wrap}}</style></head><body>\
         <h1>What this journal holds about {a}</h1>\
         <p>Kept by {k}. Written out on {d}. This page lists every record held about you in this journal, \
         with the changes made to each. It is not encrypted: please keep it safe.</p>",
        a = escape(&alias),
        k = escape(&doc.kept_by),
        d = escape(&doc.exported_at[..10.min(doc.exported_at.len())]),
    );
    record_block(&mut out, &doc.person);
    for e in &doc.records {
        record_block(&mut out, e);
    }
    out.push_str("</body></html>\n");
    out
}
