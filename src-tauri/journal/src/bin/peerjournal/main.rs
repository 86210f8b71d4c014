//! `peerjournal`: the command-line face of Peer Journal, for scripts, tests
//! and supervisors who prefer a terminal.
//!
//! Every failure is one plain line on standard error and a non-zero exit
//! (1 for a refused or failed command, 2 for a mistyped command line). With
//! `--json`, results — and errors, as `{"error":{...}}` — go to standard
//! output as JSON; output nobody reads any more (a pipe into `head` that
//! has closed) ends the program quietly (see [`say!`]). Nothing here prints record content or secrets, except the
//! recovery key, which `init` shows exactly once because the person must
//! write it down.

/// Prints a line on standard output, as `say!` does, except that when
/// nobody reads the output any more (a pipe into `head` that has closed)
/// the program ends quietly instead of with a panic: the command has done
/// its work by the time it prints.
macro_rules! say {
    () => {
        $crate::said(::std::io::Write::write_all(&mut ::std::io::stdout().lock(), b"\n"))
    };
    ($($arg:tt)*) => {
        $crate::said(::std::io::Write::write_fmt(
            &mut ::std::io::stdout().lock(),
            format_args!("{}\n", format_args!($($arg)*)),
        ))
    };
}

mod help;
mod progress;
mod records;
mod secrets;
mod sync;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{FromArgMatches, Parser, Subcommand, ValueEnum};
use peerjournal::{Error, ErrorKind, Journal, KdfParams, NewJournal, Role};
use serde_json::json;

use secrets::{current_passphrase, new_passphrase, recovery_key};

/// What [`say!`] does once it has written: nothing, unless the output
/// could not be written. A closed pipe ends the program quietly and
/// successfully; anything else (a full disk under a redirect) is reported.
pub(crate) fn said(written: std::io::Result<()>) {
    match written {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => std::process::exit(0),
        Err(e) => {
            eprintln!("peerjournal: could not write the output: {}", peerjournal::io_reason(&e));
            std::process::exit(1);
        }
    }
}

/// "1 change", "3 changes": a count with its noun, as people write it.
pub(crate) fn count(n: impl TryInto<u64>, one: &str, many: &str) -> String {
    match n.try_into().unwrap_or(u64::MAX) {
        1 => format!("1 {one}"),
        n => format!("{n} {many}"),
    }
}

#[derive(Parser, Debug)]
#[command(
    name = "peerjournal",
    version,
    about = "Peer Journal: an encrypted, offline journal for volunteer peer supporters and their supervisors.",
    after_help = "The passphrase is read from PEERJOURNAL_PASSPHRASE, or asked for (never shown) on a terminal.\n\
                  The journal folder defaults to your data folder (~/.local/share/peer-journal on Linux)."
)]
struct Cli {
    /// The journal folder (default: your data folder, or $PEERJOURNAL_DIR).
    #[arg(long, global = true, value_name = "DIR", env = "PEERJOURNAL_DIR")]
    journal: Option<PathBuf>,

    /// Print machine-readable JSON on standard output.
    #[arg(long, global = true)]
    json: bool,

    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Create a new journal and show its recovery key (once).
    #[command(after_long_help = "Example:\n  peerjournal --journal ~/journal init --name Sam --role volunteer")]
    Init {
        /// Your name as your supervisor knows you.
        #[arg(long)]
        name: String,
        /// Whether you are a volunteer or a supervisor.
        #[arg(long, value_enum)]
        role: RoleArg,
        /// Memory for deriving the key from the passphrase, in MiB (64 to 4096).
        /// Lower it only on a computer that cannot spare the default.
        #[arg(long, value_name = "MIB", default_value_t = 256)]
        kdf_memory_mib: u32,
    },
    /// Show who this journal belongs to, its fingerprint and settings.
    #[command(after_long_help = "Example:\n  peerjournal status")]
    Status,
    /// Check the journal's encryption and integrity.
    #[command(after_long_help = "Example:\n  peerjournal check")]
    Check,
    /// Change the passphrase (the database is not re-encrypted).
    #[command(subcommand)]
    Passphrase(PassphraseCommand),
    /// Forgotten passphrase: unlock with the recovery key and set a new one.
    ///
    /// The recovery key is read from PEERJOURNAL_RECOVERY_KEY or asked for;
    /// the new passphrase from PEERJOURNAL_NEW_PASSPHRASE or asked for twice.
    #[command(after_long_help = "Example:\n  peerjournal recover")]
    Recover,
    /// Settings of this journal.
    #[command(after_long_help = "Example:\n  peerjournal settings --idle-lock-minutes 5 --retention-months 24")]
    Settings {
        /// Minutes without use before the desktop app locks itself (1 to 240).
        #[arg(long, value_name = "MINUTES")]
        idle_lock_minutes: Option<u32>,
        /// Months after an ending that records are kept (1 to 120).
        #[arg(long, value_name = "MONTHS")]
        retention_months: Option<u32>,
    },
    /// People you support.
    #[command(subcommand)]
    Person(records::PersonCommand),
    /// Visits, calls and messages.
    #[command(subcommand)]
    Contact(records::ContactCommand),
    /// Ground rules agreed, and boundary issues.
    #[command(subcommand)]
    Boundary(records::BoundaryCommand),
    /// The directory of local services.
    #[command(subcommand)]
    Service(records::ServiceCommand),
    /// Referrals to services, followed to their outcome.
    #[command(subcommand)]
    Signpost(records::SignpostCommand),
    /// Safeguarding and wellbeing concerns.
    #[command(subcommand)]
    Concern(records::ConcernCommand),
    /// Endings of supporting relationships.
    #[command(subcommand)]
    Ending(records::EndingCommand),
    /// Private reflections for supervision.
    #[command(subcommand)]
    Reflection(records::ReflectionCommand),
    /// Supervision notes for volunteers.
    #[command(subcommand)]
    Note(records::NoteCommand),
    /// Show any record.
    #[command(after_long_help = "Example:\n  peerjournal show RECORD_ID")]
    Show {
        /// The record's id.
        id: String,
    },
    /// Show a record's history: when, on which device, what changed.
    #[command(after_long_help = "Example:\n  peerjournal history RECORD_ID")]
    History {
        /// The record's id.
        id: String,
    },
    /// Delete a record (a tombstone stays in its history).
    #[command(after_long_help = "Example:\n  peerjournal delete RECORD_ID")]
    Delete {
        /// The record's id.
        id: String,
    },
    /// Search the words of every record.
    #[command(after_long_help = "Example:\n  peerjournal search allotment")]
    Search {
        /// The words to look for (the last may be the start of a word).
        text: String,
        #[command(flatten)]
        page: records::PageArgs,
    },
    /// What needs doing: referrals past their reminder, reviews, planned contacts overdue.
    #[command(after_long_help = "Example:\n  peerjournal due --today 2026-12-01")]
    Due {
        /// As of this date (default today).
        #[arg(long, value_name = "DATE")]
        today: Option<String>,
        #[command(flatten)]
        page: records::PageArgs,
    },
    /// Erase relationships that ended longer ago than the journal keeps them
    /// (never one with an open concern). Also runs at every unlock.
    #[command(after_long_help = "Example:\n  peerjournal purge")]
    Purge,
    /// A de-identified summary for funders and supervision: counts by month,
    /// contact kind, service category, referral status; no names or notes.
    #[command(after_long_help = "The CSV and the page are for sharing: every count from 1 to 4 reads \
\"fewer than 5\", and a figure that would give one away reads \"hidden\". What is printed here, and \
--json, is your own working view, every count as it is (scripts rely on its numbers): keep it \
in the service.\n\nExample:\n  peerjournal report --since 2026-01-01 --until 2026-12-31 --csv report.csv")]
    Report {
        /// First day to include (YYYY-MM-DD; default: from the start).
        #[arg(long, value_name = "DATE")]
        since: Option<String>,
        /// Last day to include (YYYY-MM-DD; default: up to now).
        #[arg(long, value_name = "DATE")]
        until: Option<String>,
        /// Also write it, for sharing, as CSV (one table: section, group,
        /// measure, value; small counts held back).
        #[arg(long, value_name = "FILE")]
        csv: Option<PathBuf>,
        /// Also write it, for sharing, as a printable web page (small counts
        /// held back).
        #[arg(long, value_name = "FILE")]
        html: Option<PathBuf>,
    },
    /// Cards: exchange them to trust each other's bundles.
    #[command(subcommand)]
    Card(sync::CardCommand),
    /// A supervisor's volunteers: when each one's last file came, and what
    /// of theirs needs a look (open concerns, what they flagged for supervision).
    #[command(after_long_help = "Example:\n  peerjournal roster")]
    Roster,
    /// Write an encrypted, signed bundle of changes for the people named.
    #[command(after_long_help = "Example:\n  peerjournal export --to 7K3M-Q9TX-2B4D-HW8R --out for-kim.pjbundle")]
    Export {
        /// Fingerprint(s) of the recipient(s) (see `card list`).
        #[arg(long, value_name = "FINGERPRINT", num_args = 1.., required = true)]
        to: Vec<String>,
        /// The file to write (it must not exist yet).
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        /// Send everything, not only what they have not confirmed receiving.
        #[arg(long)]
        full: bool,
    },
    /// Import bundles sent to this journal.
    #[command(after_long_help = "Example:\n  peerjournal import from-sam.pjbundle from-alex.pjbundle")]
    Import {
        /// The bundle files, imported in the order given.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Records two devices changed at once.
    #[command(subcommand)]
    Conflicts(sync::ConflictCommand),
    /// This journal's devices: give a copy of the journal one of its own.
    #[command(subcommand)]
    Device(sync::DeviceCommand),
    /// Fill the journal with invented people and records, to try things out.
    #[command(after_long_help = "Example:\n  peerjournal --journal /tmp/demo demo --people 20 --records 500")]
    Demo {
        /// How many invented people.
        #[arg(long, default_value_t = 50)]
        people: usize,
        /// How many invented records about them.
        #[arg(long, default_value_t = 1000)]
        records: usize,
        /// The same seed makes the same journal.
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
}

#[derive(Subcommand, Debug)]
enum PassphraseCommand {
    /// Set a new passphrase. The current one comes from PEERJOURNAL_PASSPHRASE
    /// or is asked for; the new one from PEERJOURNAL_NEW_PASSPHRASE or is
    /// asked for twice.
    #[command(
        after_long_help = "Example:\n  PEERJOURNAL_NEW_PASSPHRASE='a new long passphrase' peerjournal passphrase change"
    )]
    Change,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum RoleArg {
    Volunteer,
    Supervisor,
}

impl From<RoleArg> for Role {
    fn from(r: RoleArg) -> Role {
        match r {
            RoleArg::Volunteer => Role::Volunteer,
            RoleArg::Supervisor => Role::Supervisor,
        }
    }
}

/// A failure on its way to the person: the error's kind (for `--json`) and
/// its plain message, with what to type next where the command line knows
/// better than the core.
struct Failure {
    kind: ErrorKind,
    message: String,
}

/// The journal folder this run works on, once known: errors are read
/// knowing it (see [`Error::in_folder`]).
static JOURNAL_DIR: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        let e = match JOURNAL_DIR.get() {
            Some(dir) => e.in_folder(dir),
            None => e,
        };
        let hint = match e.kind() {
            ErrorKind::NotFound => "; create one with `peerjournal init`, or give the right folder with --journal",
            _ => "",
        };
        Failure { kind: e.kind(), message: format!("{e}{hint}") }
    }
}

impl Failure {
    fn usage(message: impl Into<String>) -> Self {
        Failure { kind: ErrorKind::InvalidInput, message: message.into() }
    }

    /// The same failure, saying which file it is about.
    fn prefixed(self, what: &str) -> Self {
        Failure { kind: self.kind, message: format!("{what}: {}", self.message) }
    }
}

fn main() -> ExitCode {
    // The help of the options that set a record's fields comes from the
    // record kinds: parse against the command line with it filled in.
    let cli = match Cli::from_arg_matches(&help::command().get_matches()) {
        Ok(cli) => cli,
        Err(e) => e.exit(),
    };
    let json = cli.json;
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => {
            if json {
                say!("{}", json!({ "error": { "kind": f.kind, "message": f.message } }));
            }
            eprintln!("peerjournal: {}", f.message);
            ExitCode::from(1)
        }
    }
}

fn run(cli: Cli) -> Result<(), Failure> {
    let dir = match cli.journal {
        Some(d) => d,
        None => peerjournal::default_dir()
            .ok_or_else(|| Failure::usage("cannot tell where your data folder is; give one with --journal DIR"))?,
    };
    let _ = JOURNAL_DIR.set(dir.clone());
    let out = Output { json: cli.json };
    match cli.command {
        Command::Init { name, role, kdf_memory_mib } => {
            let kdf = KdfParams::passphrase_with_memory_mib(kdf_memory_mib)?;
            if peerjournal::presence(&dir) == peerjournal::Presence::Present {
                return Err(Error::AlreadyExists(dir).into());
            }
            let passphrase = new_passphrase("PEERJOURNAL_PASSPHRASE", "a passphrase for the new journal")?;
            let (journal, recovery) =
                Journal::create(&dir, &NewJournal { name: &name, role: role.into(), passphrase: &passphrase, kdf })?;
            let status = journal.status()?;
            let shown = recovery.display();
            if out.json {
                out.print_json(&json!({
                    "journalDir": status.journal_dir,
                    "name": status.name,
                    "role": status.role,
                    "fingerprint": status.fingerprint,
                    "recoveryKey": shown.as_str(),
                }));
            } else {
                let groups: Vec<&str> = shown.split('-').collect();
                say!("Created a journal for {} ({}) in {}.", status.name, status.role.as_str(), status.journal_dir);
                say!("Its fingerprint is {}.", status.fingerprint);
                say!();
                say!("Your recovery key (it will not be shown again):");
                say!();
                say!("    {}", groups[..4].join("-"));
                say!("    {}", groups[4..].join("-"));
                say!();
                say!("Write it on paper now and keep it somewhere safe, away from this computer.");
                say!("If you forget your passphrase, it is the only way back into your journal:");
                say!("nobody else, not your supervisor and not us, can open it without one or the other.");
                say!("To use it: peerjournal recover");
            }
            Ok(())
        }
        Command::Status => {
            let journal = Journal::open(&dir, &current_passphrase()?)?;
            let status = journal.status()?;
            let peers = journal.peer_status()?;
            let counts = journal.counts()?;
            if out.json {
                let mut v = serde_json::to_value(&status).map_err(|e| Failure::usage(e.to_string()))?;
                if let Some(obj) = v.as_object_mut() {
                    obj.insert(
                        "records".into(),
                        serde_json::to_value(&counts).map_err(|e| Failure::usage(e.to_string()))?,
                    );
                    obj.insert(
                        "peers".into(),
                        serde_json::to_value(&peers).map_err(|e| Failure::usage(e.to_string()))?,
                    );
                }
                out.print_json(&v);
            } else {
                say!("Journal of {} ({})", status.name, status.role.as_str());
                say!("  fingerprint      {}", status.fingerprint);
                say!("  folder           {}", status.journal_dir);
                say!("  created          {}", status.created_at);
                say!("  locks after      {} minutes without use (in the app)", status.idle_lock_minutes);
                say!("  encryption       SQLCipher {}", status.cipher_version);
                let total: u64 = counts.values().map(|&n| u64::from(n)).sum();
                say!("  records          {total}");
                for p in peers {
                    let state = match (&p.received_at, p.waiting_changes) {
                        (None, _) => "has confirmed nothing yet".to_string(),
                        (Some(at), 0) => format!("has everything (confirmed {at})"),
                        (Some(at), n) => {
                            format!(
                                "confirmed {} on {at}; {n} not yet confirmed",
                                count(p.received_changes, "change", "changes")
                            )
                        }
                    };
                    let revoked = if p.card.revoked_at.is_some() { " [revoked]" } else { "" };
                    say!("  {} {}{}: {}", p.card.fingerprint, p.card.name, revoked, state);
                }
            }
            Ok(())
        }
        Command::Check => {
            let mut journal = Journal::open(&dir, &current_passphrase()?)?;
            let report = journal.check()?;
            if !out.json {
                for r in &report.repaired {
                    say!("repaired: {r}");
                }
            }
            if out.json {
                out.print_json(&report);
            } else if report.ok {
                say!("The journal is encrypted (SQLCipher {}) and every check passed.", report.cipher_version);
            } else {
                for p in &report.problems {
                    say!("problem: {p}");
                }
            }
            if report.ok {
                Ok(())
            } else {
                Err(Error::CheckFailed(format!("{} found", count(report.problems.len(), "problem", "problems"))).into())
            }
        }
        Command::Passphrase(PassphraseCommand::Change) => {
            let mut journal = Journal::open(&dir, &current_passphrase()?)?;
            let next = new_passphrase("PEERJOURNAL_NEW_PASSPHRASE", "the new passphrase")?;
            let kdf = journal.passphrase_kdf();
            journal.change_passphrase(&next, kdf)?;
            out.done("The passphrase has been changed. Your recovery key still works.");
            Ok(())
        }
        Command::Recover => {
            let key = recovery_key()?;
            let next = new_passphrase("PEERJOURNAL_NEW_PASSPHRASE", "the new passphrase")?;
            let journal = Journal::recover(&dir, &key, &next)?;
            drop(journal);
            out.done("Your journal is unlocked with the recovery key and has a new passphrase. Keep using the same recovery key.");
            Ok(())
        }
        Command::Settings { idle_lock_minutes, retention_months } => {
            let mut journal = Journal::open(&dir, &current_passphrase()?)?;
            if let Some(m) = idle_lock_minutes {
                journal.set_idle_lock_minutes(m)?;
            }
            if let Some(m) = retention_months {
                journal.set_retention_months(m)?;
            }
            let minutes = journal.idle_lock_minutes()?;
            let months = journal.retention_months()?;
            if out.json {
                out.print_json(&json!({ "idleLockMinutes": minutes, "retentionMonths": months }));
            } else {
                say!("The app locks itself after {minutes} minutes without use.");
                say!("Records are kept for {months} months after a relationship ends.");
            }
            Ok(())
        }
        command => {
            let mut journal = Journal::open(&dir, &current_passphrase()?)?;
            if let Some(minutes) = journal.clock_ahead_minutes()? {
                eprintln!(
                    "peerjournal: this journal's clock is {} ahead of this computer's: it has seen changes dated in \
                     the future, and what you write is dated after them. Check this computer's date and time.",
                    peerjournal::sync::duration_words(minutes)
                );
            }
            if let Some(report) = journal.last_purge().filter(|r| !r.erased_people.is_empty()) {
                if !out.json {
                    eprintln!(
                        "peerjournal: retention: erased {} that ended over {} months ago",
                        count(report.erased_people.len(), "relationship", "relationships"),
                        journal.retention_months()?
                    );
                }
            }
            let done = run_records(&mut journal, command, &out);
            // The end of a command is an idle moment, as in the app: a step
            // of merging the search index's small pieces, so that a journal
            // kept through scripts stays as compact as one kept in the app.
            // Only tidying: a failure here is not the command's.
            let _ = journal.tidy_while_idle();
            done
        }
    }
}

fn run_records(j: &mut Journal, command: Command, out: &Output) -> Result<(), Failure> {
    match command {
        Command::Person(c) => records::person(j, c, out),
        Command::Contact(c) => records::contact(j, c, out),
        Command::Boundary(c) => records::boundary(j, c, out),
        Command::Service(c) => records::service(j, c, out),
        Command::Signpost(c) => records::signpost(j, c, out),
        Command::Concern(c) => records::concern(j, c, out),
        Command::Ending(c) => records::ending(j, c, out),
        Command::Reflection(c) => records::reflection(j, c, out),
        Command::Note(c) => records::note(j, c, out),
        Command::Show { id } => {
            out.record(&j.get(&id.parse()?)?);
            Ok(())
        }
        Command::History { id } => {
            let history = j.history(&id.parse()?)?;
            if out.json {
                out.print_json(&history);
            } else {
                for h in history {
                    let fields: Vec<&str> = h.changed.keys().map(String::as_str).collect();
                    say!(
                        "{}  device {}  #{}  {}",
                        h.at,
                        &h.device.as_str()[h.device.as_str().len().saturating_sub(8)..],
                        h.seq,
                        fields.join(", ")
                    );
                }
            }
            Ok(())
        }
        Command::Delete { id } => {
            j.delete(&id.parse()?)?;
            out.done("Deleted. It stays in the record's history as a deletion.");
            Ok(())
        }
        Command::Search { text, page } => {
            let hits = j.search(&text, page.into())?;
            if out.json {
                out.print_json(&hits);
            } else if hits.is_empty() {
                say!("Nothing found.");
            } else {
                for h in hits {
                    say!(
                        "{:<16} {:<19} {}  {}",
                        h.record.at.as_deref().unwrap_or("-"),
                        h.record.kind.as_str(),
                        h.record.id,
                        h.excerpt
                    );
                }
            }
            Ok(())
        }
        Command::Due { today, page } => {
            let today = today.unwrap_or_else(|| chrono::Local::now().date_naive().to_string());
            out.records(&j.due(&today, page.into())?);
            Ok(())
        }
        Command::Report { since, until, csv, html } => {
            let period = peerjournal::report::Period::parse(since.as_deref(), until.as_deref())?;
            let report = j.report(period)?;
            if csv.is_some() || html.is_some() {
                let shared = report.for_sharing(&j.status()?.name);
                if let Some(path) = &csv {
                    peerjournal::report::write_new(path, &shared.to_csv())?;
                }
                if let Some(path) = &html {
                    peerjournal::report::write_new(path, &shared.to_html())?;
                }
            }
            if out.json {
                out.print_json(&report);
                return Ok(());
            }
            say!(
                "Summary, {}, every count as it is (for you; --csv and --html hold back counts under 5):",
                report.period_words()
            );
            say!(
                "  {} people supported, {} contacts, {:.1} hours",
                report.people,
                report.contacts,
                report.minutes as f64 / 60.0
            );
            for b in report.breakdowns() {
                let parts: Vec<String> = b.parts.iter().map(|(k, v)| format!("{k} {v}")).collect();
                if b.total > 0 {
                    say!("  {}, by {}: {}", b.measure, b.section, parts.join(", "));
                }
            }
            say!(
                "  {} not yet acknowledged; {} flagged; {}, {} planned",
                count(report.concerns_open, "concern", "concerns"),
                count(report.boundary_issues_flagged, "boundary issue", "boundary issues"),
                count(report.endings, "ending", "endings"),
                report.endings_planned
            );
            for path in csv.iter().chain(&html) {
                say!("Wrote {}, with counts under 5 held back.", path.display());
            }
            Ok(())
        }
        Command::Purge => {
            let report = j.purge()?;
            if out.json {
                out.print_json(&report);
            } else if report.erased_people.is_empty() {
                say!("Nothing to erase.");
            } else {
                say!(
                    "Erased {} and {} about them.",
                    count(report.erased_people.len(), "relationship", "relationships"),
                    count(report.erased_records, "record", "records")
                );
            }
            if !out.json && report.kept_for_open_concern > 0 {
                say!(
                    "Kept {} past their time because a concern about them is still open.",
                    report.kept_for_open_concern
                );
            }
            Ok(())
        }
        Command::Card(c) => sync::card(j, c, out),
        Command::Roster => sync::roster(j, out),
        Command::Export { to, out: path, full } => sync::export(j, to, path, full, out),
        Command::Import { files } => sync::import(j, files, out),
        Command::Conflicts(c) => sync::conflicts(j, c, out),
        Command::Device(c) => sync::device(j, c, out),
        Command::Demo { people, records, seed } => {
            let progress = progress::Progress::new("inventing", "records");
            let made = peerjournal::demo::fill(j, people, records, seed, &mut progress.update())?;
            drop(progress);
            if out.json {
                out.print_json(&json!({ "people": made.people, "services": made.services, "records": made.records }));
            } else {
                say!("Added {} invented people, {} services and {} records.", made.people, made.services, made.records);
            }
            Ok(())
        }
        Command::Init { .. }
        | Command::Status
        | Command::Check
        | Command::Passphrase(_)
        | Command::Recover
        | Command::Settings { .. } => Err(Failure::usage("internal: command routed twice")),
    }
}

/// Where results go: plain sentences, or JSON with `--json`.
struct Output {
    json: bool,
}

impl Output {
    fn print_json<T: serde::Serialize>(&self, value: &T) {
        match serde_json::to_string_pretty(value) {
            Ok(s) => say!("{s}"),
            Err(e) => eprintln!("peerjournal: could not write JSON: {e}"),
        }
    }

    fn done(&self, sentence: &str) {
        if self.json {
            self.print_json(&json!({ "ok": true }));
        } else {
            say!("{sentence}");
        }
    }
}
