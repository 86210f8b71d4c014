//! The record commands: `person`, `contact`, `boundary`, `service`,
//! `signpost`, `concern`, `ending`, `reflection`, `show`, `delete`,
//! `search`, `due` and `purge`. Each turns flags into fields and makes one
//! call on the journal; the journal validates.

use std::path::PathBuf;

use clap::{Args, Subcommand};
use peerjournal::{Fields, Journal, Kind, Page, PersonId, Record, RecordId};
use serde_json::{json, Value};

use crate::{count, Failure, Output};

/// Paging for lists.
#[derive(Args, Debug, Clone, Copy)]
pub struct PageArgs {
    /// At most this many (1 to 1000).
    #[arg(long, default_value_t = 50)]
    limit: u32,
    /// Skip this many first.
    #[arg(long, default_value_t = 0)]
    offset: u32,
}

impl From<PageArgs> for Page {
    fn from(p: PageArgs) -> Page {
        Page { limit: p.limit, offset: p.offset }
    }
}

#[derive(Subcommand, Debug)]
pub enum PersonCommand {
    /// Add someone you support, by alias or initials.
    #[command(
        after_long_help = "Example:\n  peerjournal person add --alias 'R.M.' --consent --consent-date 2026-11-02"
    )]
    Add {
        #[arg(long)]
        alias: String,
        #[arg(long)]
        consent: bool,
        #[arg(long, value_name = "DATE")]
        consent_date: Option<String>,
        #[arg(long)]
        notes: Option<String>,
    },
    /// List the people in the journal.
    #[command(after_long_help = "Example:\n  peerjournal person list --limit 20")]
    List {
        #[command(flatten)]
        page: PageArgs,
    },
    /// Show a person and everything about them, newest first.
    #[command(after_long_help = "Example:\n  peerjournal person show PERSON_ID")]
    Show {
        /// The person's id (see `person list`).
        id: String,
        #[command(flatten)]
        page: PageArgs,
    },
    /// Erase a person and everything about them, history and search included.
    #[command(after_long_help = "Example:\n  peerjournal person forget PERSON_ID")]
    Forget {
        /// The person's id (see `person list`).
        id: String,
    },
    /// Write everything held about a person, as JSON and a printable page.
    #[command(after_long_help = "Example:\n  peerjournal person export PERSON_ID --out ~/subject-access")]
    Export {
        /// The person's id (see `person list`).
        id: String,
        /// The folder to write into (made if missing).
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
    },
}

// Made once per run from the arguments: its size costs nothing, and boxing
// the options would only make them harder to read.
#[allow(clippy::large_enum_variant)]
#[derive(Subcommand, Debug)]
pub enum ContactCommand {
    /// Log a contact.
    #[command(
        after_long_help = "Example:\n  peerjournal contact add --person PERSON_ID --kind home-visit --minutes 60 \\\n    --focus 'getting out to the park' --next 2026-11-27T10:00 --flag"
    )]
    Add {
        #[arg(long)]
        person: String,
        #[arg(long = "kind", value_name = "HOW")]
        how: String,
        #[arg(long)]
        minutes: Option<i64>,
        /// Default: now.
        #[arg(long, value_name = "WHEN")]
        at: Option<String>,
        #[arg(long)]
        present: Option<String>,
        #[arg(long)]
        focus: Option<String>,
        #[arg(long)]
        strengths: Option<String>,
        #[arg(long)]
        steps: Option<String>,
        #[arg(long)]
        notes: Option<String>,
        #[arg(long = "next", value_name = "WHEN")]
        next_contact: Option<String>,
        #[arg(long)]
        flag: bool,
    },
    /// List contacts, newest first.
    #[command(after_long_help = "Example:\n  peerjournal contact list --person PERSON_ID")]
    List {
        /// Only this person's (their id).
        #[arg(long)]
        person: Option<String>,
        #[command(flatten)]
        page: PageArgs,
    },
}

#[derive(Subcommand, Debug)]
pub enum BoundaryCommand {
    /// Record the ground rules agreed with a person.
    #[command(
        after_long_help = "Example:\n  peerjournal boundary add --person PERSON_ID --rules 'texts between 9 and 5 only' --review-on 2027-01-15"
    )]
    Add {
        #[arg(long)]
        person: String,
        #[arg(long)]
        rules: String,
        /// Default: today.
        #[arg(long, value_name = "DATE")]
        agreed_on: Option<String>,
        #[arg(long, value_name = "DATE")]
        review_on: Option<String>,
    },
    /// Record something that tested the boundaries.
    #[command(
        after_long_help = "Example:\n  peerjournal boundary issue --person PERSON_ID --kind out-of-hours-contact \\\n    --what 'a call at 11pm' --handled 'talked about our agreed times' --flag"
    )]
    Issue {
        #[arg(long)]
        person: String,
        #[arg(long = "kind", value_name = "KIND")]
        category: String,
        #[arg(long = "what", value_name = "TEXT")]
        what_happened: String,
        #[arg(long = "handled", value_name = "TEXT")]
        how_handled: Option<String>,
        #[arg(long)]
        flag: bool,
        /// Default: now.
        #[arg(long, value_name = "WHEN")]
        at: Option<String>,
    },
    /// List agreements and issues (with --flagged, only issues flagged for supervision).
    #[command(after_long_help = "Example:\n  peerjournal boundary list --flagged")]
    List {
        /// Only this person's (their id).
        #[arg(long)]
        person: Option<String>,
        /// Only the issues flagged for supervision.
        #[arg(long)]
        flagged: bool,
        #[command(flatten)]
        page: PageArgs,
    },
}

#[derive(Subcommand, Debug)]
pub enum ServiceCommand {
    /// Add a service to the directory.
    #[command(
        after_long_help = "Example:\n  peerjournal service add --name 'Northside Food Bank' --category food --opening 'Tue and Fri 10-2'"
    )]
    Add {
        #[arg(long)]
        name: String,
        #[arg(long)]
        category: Option<String>,
        #[arg(long)]
        area: Option<String>,
        #[arg(long = "contact", value_name = "DETAILS")]
        contact_details: Option<String>,
        #[arg(long = "opening", value_name = "TIMES")]
        opening_times: Option<String>,
        #[arg(long)]
        notes: Option<String>,
    },
    /// List the services still taking referrals (with --all, every service,
    /// those no longer taking referrals marked so).
    #[command(after_long_help = "Example:\n  peerjournal service list --all")]
    List {
        /// Also the services no longer taking referrals.
        #[arg(long)]
        all: bool,
        #[command(flatten)]
        page: PageArgs,
    },
    /// Mark a service as no longer taking referrals (it closed, or stopped
    /// taking them): it stays on the signposts that name it, and is no
    /// longer offered for new ones. A supervisor's goes to volunteers with
    /// the rest of the directory.
    #[command(after_long_help = "Example:\n  peerjournal service retire SERVICE_ID")]
    Retire {
        /// The service's id (see `service list`).
        id: String,
    },
    /// Offer a service no longer taking referrals for new signposts again.
    #[command(after_long_help = "Example:\n  peerjournal service unretire SERVICE_ID")]
    Unretire {
        /// The service's id (see `service list --all`).
        id: String,
    },
    /// Add the services of a spreadsheet's CSV file; rows that cannot be
    /// taken are listed with their line and why, and the rest are added.
    #[command(
        after_long_help = "Example:\n  peerjournal service template --out services.csv\n  peerjournal service import services.csv"
    )]
    Import {
        /// The CSV file: a first row naming the columns (name, category, area,
        /// contact, opening, notes, retired), then one service a row; retired
        /// is yes for a service no longer taking referrals.
        file: PathBuf,
    },
    /// Write a CSV file to start a directory from: the columns, and one service.
    #[command(after_long_help = "Example:\n  peerjournal service template --out services.csv")]
    Template {
        /// Where to write it (an existing file is never overwritten).
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
}

#[derive(Subcommand, Debug)]
pub enum SignpostCommand {
    /// Suggest a service to a person.
    #[command(
        after_long_help = "Example:\n  peerjournal signpost add --person PERSON_ID --service SERVICE_ID --consent --reminder 2026-12-10"
    )]
    Add {
        #[arg(long)]
        person: String,
        #[arg(long)]
        service: String,
        #[arg(long)]
        reason: Option<String>,
        #[arg(long)]
        consent: bool,
        #[arg(long)]
        accompanied: bool,
        /// Default: suggested.
        #[arg(long)]
        status: Option<String>,
        #[arg(long, value_name = "DATE")]
        reminder: Option<String>,
    },
    /// Move a referral on.
    #[command(
        after_long_help = "Example:\n  peerjournal signpost update SIGNPOST_ID --status attended --outcome 'got a food parcel'"
    )]
    Update {
        /// The referral's id (see `signpost list`).
        id: String,
        #[arg(long)]
        status: Option<String>,
        #[arg(long)]
        outcome: Option<String>,
        #[arg(long, value_name = "DATE")]
        reminder: Option<String>,
        #[arg(long)]
        consent: Option<bool>,
        #[arg(long)]
        accompanied: Option<bool>,
    },
    /// List referrals (with --open, only those with no outcome).
    #[command(after_long_help = "Example:\n  peerjournal signpost list --open")]
    List {
        /// Only this person's (their id).
        #[arg(long)]
        person: Option<String>,
        /// Only those with no outcome yet.
        #[arg(long)]
        open: bool,
        #[command(flatten)]
        page: PageArgs,
    },
}

#[derive(Subcommand, Debug)]
pub enum ConcernCommand {
    /// Raise a concern.
    #[command(
        after_long_help = "Example:\n  peerjournal concern add --person PERSON_ID --kind wellbeing --urgency medium \\\n    --notes 'said she has not been sleeping' --told 'my supervisor'"
    )]
    Add {
        #[arg(long)]
        person: String,
        #[arg(long = "kind", value_name = "KIND")]
        category: String,
        #[arg(long)]
        urgency: String,
        #[arg(long)]
        notes: String,
        #[arg(long)]
        told: Option<String>,
        #[arg(long, value_name = "WHEN")]
        told_at: Option<String>,
        /// Default: now.
        #[arg(long, value_name = "WHEN")]
        at: Option<String>,
    },
    /// List concerns (with --open, only those not yet acknowledged).
    #[command(after_long_help = "Example:\n  peerjournal concern list --open")]
    List {
        /// Only this person's (their id).
        #[arg(long)]
        person: Option<String>,
        /// Only those not yet acknowledged.
        #[arg(long)]
        open: bool,
        #[command(flatten)]
        page: PageArgs,
    },
    /// Acknowledge a volunteer's concern (supervisors): the acknowledgement
    /// goes back to the volunteer in your next file to them.
    #[command(
        after_long_help = "Example:\n  peerjournal concern ack CONCERN_ID --notes 'talked it through on the phone'"
    )]
    Ack {
        /// The concern's id (see `concern list`).
        #[arg(id = "about", value_name = "ID")]
        id: String,
        /// Default: your name.
        #[arg(long)]
        by: Option<String>,
        #[arg(long)]
        notes: Option<String>,
    },
}

#[derive(Subcommand, Debug)]
pub enum EndingCommand {
    /// Record the end of a relationship (starts the retention clock).
    #[command(
        after_long_help = "Example:\n  peerjournal ending add --person PERSON_ID --summary 'we said goodbye over coffee' --onward 'the Tuesday group'"
    )]
    Add {
        #[arg(long)]
        person: String,
        /// Default: today.
        #[arg(long, value_name = "DATE")]
        on: Option<String>,
        /// It ended without being planned together.
        #[arg(long)]
        unplanned: bool,
        #[arg(long)]
        summary: Option<String>,
        #[arg(long)]
        onward: Option<String>,
    },
    /// List endings.
    #[command(after_long_help = "Example:\n  peerjournal ending list")]
    List {
        #[command(flatten)]
        page: PageArgs,
    },
}

#[derive(Subcommand, Debug)]
pub enum ReflectionCommand {
    /// Write a reflection (private unless --shared).
    #[command(
        after_long_help = "Example:\n  peerjournal reflection add --text 'a heavy visit; I would like to talk it through' --shared"
    )]
    Add {
        #[arg(long)]
        text: String,
        #[arg(long)]
        person: Option<String>,
        #[arg(long)]
        shared: bool,
    },
    /// List reflections.
    #[command(after_long_help = "Example:\n  peerjournal reflection list")]
    List {
        #[command(flatten)]
        page: PageArgs,
    },
}

#[derive(Subcommand, Debug)]
pub enum NoteCommand {
    /// Write a supervision note for a volunteer (travels in your next bundle to them).
    #[command(
        after_long_help = "Example:\n  peerjournal note add --for 7K3M-Q9TX-2B4D-HW8R --about CONCERN_ID --text 'well handled; let us talk on Tuesday'"
    )]
    Add {
        #[arg(long = "for", value_name = "FINGERPRINT")]
        volunteer: String,
        #[arg(long)]
        text: String,
        #[arg(long)]
        about: Option<String>,
        /// Default: the person of the record given with --about.
        #[arg(long)]
        person: Option<String>,
    },
    /// List supervision notes.
    #[command(after_long_help = "Example:\n  peerjournal note list")]
    List {
        #[command(flatten)]
        page: PageArgs,
    },
}

pub fn note(j: &mut Journal, cmd: NoteCommand, out: &Output) -> Result<(), Failure> {
    match cmd {
        NoteCommand::Add { volunteer, text, about, person } => {
            let r = j.add(
                Kind::SupervisionNote,
                fields(vec![
                    ("volunteer", Some(Value::String(peerjournal::cards::normalise_fingerprint(&volunteer)))),
                    ("text", Some(Value::String(text))),
                    ("about", s(about)),
                    ("person", s(person)),
                ]),
            )?;
            out.record(&r);
        }
        NoteCommand::List { page } => out.records(&j.list(Kind::SupervisionNote, None, page.into())?),
    }
    Ok(())
}

fn fields(pairs: Vec<(&str, Option<Value>)>) -> Fields {
    pairs.into_iter().filter_map(|(k, v)| v.map(|v| (k.to_string(), v))).collect()
}

fn s(v: Option<String>) -> Option<Value> {
    v.map(Value::String)
}

fn yes(b: bool) -> Option<Value> {
    b.then_some(Value::Bool(true))
}

pub fn person(j: &mut Journal, cmd: PersonCommand, out: &Output) -> Result<(), Failure> {
    match cmd {
        PersonCommand::Add { alias, consent, consent_date, notes } => {
            let r = j.add(
                Kind::Person,
                fields(vec![
                    ("alias", Some(Value::String(alias))),
                    ("consent", Some(Value::Bool(consent))),
                    ("consent_date", s(consent_date)),
                    ("notes", s(notes)),
                ]),
            )?;
            out.record(&r);
        }
        PersonCommand::List { page } => out.records(&j.list(Kind::Person, None, page.into())?),
        PersonCommand::Show { id, page } => {
            let id: PersonId = id.parse()?;
            let person = j.get(&id.record())?;
            if person.kind != Kind::Person {
                return Err(Failure::usage("that id is not a person"));
            }
            let timeline = j.timeline(&id, page.into())?;
            if out.json {
                out.print_json(&json!({ "person": person, "timeline": timeline }));
            } else {
                out.record(&person);
                say!();
                out.records(&timeline);
            }
        }
        PersonCommand::Forget { id } => {
            let id: PersonId = id.parse()?;
            let n = j.forget_person(&id)?;
            if out.json {
                out.print_json(&json!({ "forgotten": id, "erasedRecords": n }));
            } else {
                say!(
                    "Forgotten: the person and {} about them are erased, history and search included.",
                    count(n, "record", "records")
                );
            }
        }
        PersonCommand::Export { id, out: dir } => {
            let written = peerjournal::access::export_person(j, &id.parse()?, &dir)?;
            if out.json {
                out.print_json(&json!({ "json": written.json, "html": written.html, "records": written.records }));
            } else {
                say!(
                    "Wrote {} to {} and {}.",
                    count(written.records, "record", "records"),
                    written.json.display(),
                    written.html.display()
                );
                say!("These files are not encrypted: hand them over safely and delete them afterwards.");
            }
        }
    }
    Ok(())
}

pub fn contact(j: &mut Journal, cmd: ContactCommand, out: &Output) -> Result<(), Failure> {
    match cmd {
        ContactCommand::Add {
            person,
            how,
            minutes,
            at,
            present,
            focus,
            strengths,
            steps,
            notes,
            next_contact,
            flag,
        } => {
            let r = j.add(
                Kind::Contact,
                fields(vec![
                    ("person", Some(Value::String(person))),
                    ("how", Some(Value::String(how))),
                    ("minutes", minutes.map(Value::from)),
                    ("at", s(at)),
                    ("present", s(present)),
                    ("focus", s(focus)),
                    ("strengths", s(strengths)),
                    ("steps", s(steps)),
                    ("notes", s(notes)),
                    ("next_contact", s(next_contact)),
                    ("flag", yes(flag)),
                ]),
            )?;
            out.record(&r);
        }
        ContactCommand::List { person, page } => {
            let person = person_filter(person)?;
            out.records(&j.list(Kind::Contact, person.as_ref(), page.into())?)
        }
    }
    Ok(())
}

pub fn boundary(j: &mut Journal, cmd: BoundaryCommand, out: &Output) -> Result<(), Failure> {
    match cmd {
        BoundaryCommand::Add { person, rules, agreed_on, review_on } => {
            let r = j.add(
                Kind::BoundaryAgreement,
                fields(vec![
                    ("person", Some(Value::String(person))),
                    ("rules", Some(Value::String(rules))),
                    ("agreed_on", s(agreed_on)),
                    ("review_on", s(review_on)),
                ]),
            )?;
            out.record(&r);
        }
        BoundaryCommand::Issue { person, category, what_happened, how_handled, flag, at } => {
            let r = j.add(
                Kind::BoundaryIssue,
                fields(vec![
                    ("person", Some(Value::String(person))),
                    ("category", Some(Value::String(category))),
                    ("what_happened", Some(Value::String(what_happened))),
                    ("how_handled", s(how_handled)),
                    ("flag", Some(Value::Bool(flag))),
                    ("at", s(at)),
                ]),
            )?;
            out.record(&r);
        }
        BoundaryCommand::List { person, flagged, page } => {
            let person = person_filter(person)?;
            let mut all = if flagged {
                j.needing_attention(Kind::BoundaryIssue, page.into())?
            } else {
                let mut v = j.list(Kind::BoundaryAgreement, person.as_ref(), page.into())?;
                v.extend(j.list(Kind::BoundaryIssue, person.as_ref(), page.into())?);
                v
            };
            if let Some(p) = &person {
                all.retain(|r| r.person.as_ref() == Some(p));
            }
            out.records(&all);
        }
    }
    Ok(())
}

pub fn service(j: &mut Journal, cmd: ServiceCommand, out: &Output) -> Result<(), Failure> {
    match cmd {
        ServiceCommand::Add { name, category, area, contact_details, opening_times, notes } => {
            let r = j.add(
                Kind::Service,
                fields(vec![
                    ("name", Some(Value::String(name))),
                    ("category", s(category)),
                    ("area", s(area)),
                    ("contact_details", s(contact_details)),
                    ("opening_times", s(opening_times)),
                    ("notes", s(notes)),
                ]),
            )?;
            out.record(&r);
        }
        ServiceCommand::List { all, page } => {
            if all {
                out.records(&j.list(Kind::Service, None, page.into())?)
            } else {
                out.records(&j.offered_services(page.into())?)
            }
        }
        ServiceCommand::Retire { id } => {
            let r = j.retire_service(&id.parse()?)?;
            if out.json {
                out.record(&r);
            } else {
                say!("{} is no longer offered for new signposts; the signposts that name it keep it.", name(&r));
            }
        }
        ServiceCommand::Unretire { id } => {
            let r = j.unretire_service(&id.parse()?)?;
            if out.json {
                out.record(&r);
            } else {
                say!("{} is offered again for new signposts.", name(&r));
            }
        }
        ServiceCommand::Import { file } => {
            let too_large = std::fs::metadata(&file)
                .map(|m| m.len() > peerjournal::journal::directory::MAX_DIRECTORY_BYTES as u64)
                .unwrap_or(false);
            if too_large {
                return Err(peerjournal::Error::invalid("that file is too large to be a service directory").into());
            }
            let text = std::fs::read(&file).map_err(|e| peerjournal::Error::Io {
                action: "read",
                path: file.clone(),
                source: e,
            })?;
            let text = String::from_utf8(text).map_err(|_| {
                peerjournal::Error::invalid("that file is not text; save the spreadsheet as CSV (UTF-8) and try again")
            })?;
            let report = j.import_directory(&text)?;
            if out.json {
                out.print_json(&report);
            } else {
                say!("Added {}.", count(report.added, "service", "services"));
                for row in &report.rejected {
                    let name = if row.name.is_empty() { String::new() } else { format!(" ({})", row.name) };
                    say!("  line {}{name}: not added: {}", row.line, row.reason);
                }
            }
        }
        ServiceCommand::Template { out: path } => {
            peerjournal::report::write_new(&path, &peerjournal::journal::directory::template())?;
            if out.json {
                out.print_json(&json!({ "path": path }));
            } else {
                say!(
                    "Wrote a directory to start from to {}: fill in a service a row, then `service import` it.",
                    path.display()
                );
            }
        }
    }
    Ok(())
}

/// A service's name, as a sentence starts with it.
fn name(service: &Record) -> &str {
    service.fields.get("name").and_then(Value::as_str).unwrap_or("The service")
}

pub fn signpost(j: &mut Journal, cmd: SignpostCommand, out: &Output) -> Result<(), Failure> {
    match cmd {
        SignpostCommand::Add { person, service, reason, consent, accompanied, status, reminder } => {
            let r = j.add(
                Kind::Signpost,
                fields(vec![
                    ("person", Some(Value::String(person))),
                    ("service", Some(Value::String(service))),
                    ("reason", s(reason)),
                    ("consent", Some(Value::Bool(consent))),
                    ("accompanied", Some(Value::Bool(accompanied))),
                    ("status", s(status)),
                    ("reminder", s(reminder)),
                ]),
            )?;
            out.record(&r);
        }
        SignpostCommand::Update { id, status, outcome, reminder, consent, accompanied } => {
            let changes = fields(vec![
                ("status", s(status)),
                ("outcome", s(outcome)),
                ("reminder", s(reminder)),
                ("consent", consent.map(Value::Bool)),
                ("accompanied", accompanied.map(Value::Bool)),
            ]);
            if changes.is_empty() {
                return Err(Failure::usage(
                    "say what to change: --status, --outcome, --reminder, --consent or --accompanied",
                ));
            }
            let id: RecordId = id.parse()?;
            if j.get(&id)?.kind != Kind::Signpost {
                return Err(Failure::usage("that id is not a signpost"));
            }
            out.record(&j.update(&id, changes)?);
        }
        SignpostCommand::List { person, open, page } => {
            let person = person_filter(person)?;
            let mut v = if open {
                j.needing_attention(Kind::Signpost, page.into())?
            } else {
                j.list(Kind::Signpost, person.as_ref(), page.into())?
            };
            if let Some(p) = &person {
                v.retain(|r| r.person.as_ref() == Some(p));
            }
            out.records(&v);
        }
    }
    Ok(())
}

pub fn concern(j: &mut Journal, cmd: ConcernCommand, out: &Output) -> Result<(), Failure> {
    match cmd {
        ConcernCommand::Add { person, category, urgency, notes, told, told_at, at } => {
            let r = j.add(
                Kind::Concern,
                fields(vec![
                    ("person", Some(Value::String(person))),
                    ("category", Some(Value::String(category))),
                    ("urgency", Some(Value::String(urgency))),
                    ("notes", Some(Value::String(notes))),
                    ("told", s(told)),
                    ("told_at", s(told_at)),
                    ("at", s(at)),
                ]),
            )?;
            out.record(&r);
        }
        ConcernCommand::List { person, open, page } => {
            let person = person_filter(person)?;
            let mut v = if open {
                j.needing_attention(Kind::Concern, page.into())?
            } else {
                j.list(Kind::Concern, person.as_ref(), page.into())?
            };
            if let Some(p) = &person {
                v.retain(|r| r.person.as_ref() == Some(p));
            }
            out.records(&v);
        }
        ConcernCommand::Ack { id, by, notes } => {
            let id: RecordId = id.parse()?;
            if j.get(&id)?.kind != Kind::Concern {
                return Err(Failure::usage("that id is not a concern"));
            }
            let by = match by {
                Some(by) => by,
                None => j.status()?.name,
            };
            let r = j.add(
                Kind::Acknowledgement,
                fields(vec![
                    ("about", Some(Value::String(id.into()))),
                    ("by", Some(Value::String(by))),
                    ("notes", s(notes)),
                ]),
            )?;
            out.record(&r);
        }
    }
    Ok(())
}

pub fn ending(j: &mut Journal, cmd: EndingCommand, out: &Output) -> Result<(), Failure> {
    match cmd {
        EndingCommand::Add { person, on, unplanned, summary, onward } => {
            let r = j.add(
                Kind::Ending,
                fields(vec![
                    ("person", Some(Value::String(person))),
                    ("on", s(on)),
                    ("planned", Some(Value::Bool(!unplanned))),
                    ("summary", s(summary)),
                    ("onward", s(onward)),
                ]),
            )?;
            out.record(&r);
        }
        EndingCommand::List { page } => out.records(&j.list(Kind::Ending, None, page.into())?),
    }
    Ok(())
}

pub fn reflection(j: &mut Journal, cmd: ReflectionCommand, out: &Output) -> Result<(), Failure> {
    match cmd {
        ReflectionCommand::Add { text, person, shared } => {
            let r = j.add(
                Kind::Reflection,
                fields(vec![("text", Some(Value::String(text))), ("person", s(person)), ("shared", yes(shared))]),
            )?;
            out.record(&r);
        }
        ReflectionCommand::List { page } => out.records(&j.list(Kind::Reflection, None, page.into())?),
    }
    Ok(())
}

impl Output {
    /// One record: its JSON, or a readable block.
    pub fn record(&self, r: &Record) {
        if self.json {
            self.print_json(r);
            return;
        }
        say!(
            "{} {}{}",
            r.kind.spec().label,
            r.id,
            if r.conflict { "  (conflict: two devices changed it at once)" } else { "" }
        );
        for field in r.kind.spec().fields {
            if let Some(v) = r.fields.get(field.name) {
                let shown = match v {
                    Value::String(s) => s.clone(),
                    Value::Bool(true) => "yes".into(),
                    Value::Bool(false) => "no".into(),
                    other => other.to_string(),
                };
                say!("  {:<28} {}", field.label, shown.replace('\n', "\n  "));
            }
        }
    }

    /// A list: a JSON array, or one line each.
    pub fn records(&self, rs: &[Record]) {
        if self.json {
            self.print_json(&rs);
            return;
        }
        if rs.is_empty() {
            say!("Nothing to show.");
        }
        for r in rs {
            let summary = peerjournal::kinds::search_text(r.kind, &r.fields);
            let first: String = summary.lines().next().unwrap_or("").chars().take(60).collect();
            let retired =
                if peerjournal::kinds::is_retired(r.kind, &r.fields) { "  (no longer taking referrals)" } else { "" };
            say!("{:<16} {:<19} {}  {first}{retired}", r.at.as_deref().unwrap_or("-"), r.kind.as_str(), r.id);
        }
    }
}

/// The person a list is narrowed to, if one was given.
fn person_filter(person: Option<String>) -> Result<Option<PersonId>, Failure> {
    Ok(person.map(|p| p.parse()).transpose()?)
}
