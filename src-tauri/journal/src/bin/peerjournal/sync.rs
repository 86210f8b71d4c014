//! The sync commands: `card`, `export`, `import` and `conflicts`.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use clap::Subcommand;
use peerjournal::cards::Card;
use peerjournal::kinds::FieldType;
use peerjournal::sync::ExportOptions;
use peerjournal::Journal;
use peerjournal::RecordId;
use serde_json::{json, Value};

use crate::progress::Progress;
use crate::records::PageArgs;
use crate::{count, Failure, Output};

#[derive(Subcommand, Debug)]
pub enum CardCommand {
    /// Write this journal's card, to give to the people you exchange files with.
    #[command(after_long_help = "Example:\n  peerjournal card export --out sam.pjcard")]
    Export {
        /// The file to write.
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
    /// Add someone's card, after checking its fingerprint with them.
    #[command(after_long_help = "Example:\n  peerjournal card import kim.pjcard")]
    Import {
        /// Their card file.
        file: PathBuf,
        /// Do not ask to confirm the fingerprint (for scripts).
        #[arg(long)]
        yes: bool,
    },
    /// The cards this journal trusts.
    #[command(after_long_help = "Example:\n  peerjournal card list")]
    List,
    /// Stop trusting a card: its bundles are refused and nothing is sent to it.
    #[command(after_long_help = "Example:\n  peerjournal card revoke 7K3M-Q9TX-2B4D-HW8R")]
    Revoke {
        /// The card's fingerprint (see `card list`).
        fingerprint: String,
    },
}

#[derive(Subcommand, Debug)]
pub enum DeviceCommand {
    /// Give this journal a new device: do this on a copy of the journal that
    /// will go on being used somewhere new (restored from a backup, moved
    /// to a new computer), before writing anything in it.
    #[command(after_long_help = "Example:\n  peerjournal --journal /media/backup/journal device new")]
    New {
        /// Do not ask to confirm (for scripts).
        #[arg(long)]
        yes: bool,
    },
    /// The journal's devices, this one first.
    #[command(after_long_help = "Example:\n  peerjournal device list")]
    List,
}

#[derive(Subcommand, Debug)]
pub enum ConflictCommand {
    /// Records two devices changed at once, with the values to choose from.
    #[command(after_long_help = "Example:\n  peerjournal conflicts list")]
    List {
        #[command(flatten)]
        page: PageArgs,
    },
    /// Choose the value of a field in conflict.
    #[command(after_long_help = "Example:\n  peerjournal conflicts resolve RECORD_ID --field minutes --value 45")]
    Resolve {
        /// The record's id (see `conflicts list`).
        id: String,
        /// The field's name, as `conflicts list` shows it.
        #[arg(long)]
        field: String,
        /// The value to keep (text; true/false for yes-or-no fields; a number for minutes).
        #[arg(long)]
        value: String,
    },
}

/// Shows `context` and asks `question` on the terminal, and goes on only on
/// a yes; refuses with `no_terminal` when there is no terminal to ask on,
/// with `declined` on anything but a yes.
fn confirm(context: &str, question: &str, no_terminal: &str, declined: &str) -> Result<(), Failure> {
    if !std::io::stdin().is_terminal() {
        return Err(Failure::usage(no_terminal));
    }
    eprintln!("{context}");
    eprint!("{question} [y/N] ");
    let _ = std::io::stderr().flush();
    let mut answer = String::new();
    std::io::stdin().read_line(&mut answer).map_err(|e| Failure::usage(format!("could not read the answer: {e}")))?;
    if matches!(answer.trim(), "y" | "Y" | "yes" | "Yes") {
        Ok(())
    } else {
        Err(Failure::usage(declined))
    }
}

pub fn card(j: &mut Journal, cmd: CardCommand, out: &Output) -> Result<(), Failure> {
    match cmd {
        CardCommand::Export { out: path } => {
            let card = j.export_card(&path)?;
            if out.json {
                out.print_json(&json!({ "fingerprint": card.fingerprint, "name": card.name, "path": path }));
            } else {
                say!("Wrote your card to {}.", path.display());
                say!("Its fingerprint is {}: read it out when you hand the card over.", card.fingerprint);
            }
        }
        CardCommand::Import { file, yes } => {
            let card = Card::read(&file)?;
            if !yes {
                confirm(
                    &format!("Card of {} ({}), fingerprint {}", card.name, card.role.as_str(), card.fingerprint),
                    &format!("Does {} read out exactly this fingerprint?", card.name),
                    "check the fingerprint with the card's owner, then run again with --yes (there is no terminal to ask on)",
                    "the card was not added",
                )?;
            }
            let entry = j.add_card(&card)?;
            if out.json {
                out.print_json(&entry);
            } else {
                say!("Added the card of {} ({}).", entry.name, entry.fingerprint);
            }
        }
        CardCommand::List => {
            let roster = j.roster()?;
            if out.json {
                out.print_json(&roster);
            } else if roster.is_empty() {
                say!("No cards yet. Add one with `peerjournal card import FILE`.");
            } else {
                for c in roster {
                    let revoked = c.revoked_at.map(|at| format!("  (revoked {at})")).unwrap_or_default();
                    say!("{}  {:<12} {}{}", c.fingerprint, c.role.as_str(), c.name, revoked);
                }
            }
        }
        CardCommand::Revoke { fingerprint } => {
            let entry = j.revoke_card(&fingerprint.parse()?)?;
            if out.json {
                out.print_json(&entry);
            } else {
                say!(
                    "Revoked the card of {}: their bundles will be refused and nothing more is sent to them.",
                    entry.name
                );
            }
        }
    }
    Ok(())
}

pub fn export(j: &mut Journal, to: Vec<String>, path: PathBuf, full: bool, out: &Output) -> Result<(), Failure> {
    let to = to.iter().map(|fp| fp.parse()).collect::<Result<_, _>>()?;
    let progress = Progress::new("exporting", "changes");
    let summary = j.export_bundle(&ExportOptions { to, full }, &path, &mut progress.update())?;
    drop(progress);
    if out.json {
        out.print_json(&summary);
    } else {
        say!(
            "Wrote {} to {} for {}.",
            count(summary.events, "change", "changes"),
            summary.path,
            summary.recipients.iter().map(|fp| fp.as_str()).collect::<Vec<_>>().join(", ")
        );
        say!("It is encrypted to them and to you. Until they import it, `status` shows it as not yet received.");
    }
    Ok(())
}

pub fn roster(j: &mut Journal, out: &Output) -> Result<(), Failure> {
    let volunteers = j.volunteers()?;
    if out.json {
        out.print_json(&volunteers);
        return Ok(());
    }
    if volunteers.is_empty() {
        say!("No volunteers' cards yet. Add one with `peerjournal card import FILE`.");
    }
    for v in volunteers {
        let last = match &v.last_file_at {
            Some(at) => format!("last file {at} ({})", count(v.files, "file", "files")),
            None => "no file from them yet".to_string(),
        };
        let revoked = if v.card.revoked_at.is_some() { " [revoked]" } else { "" };
        say!("{}{}  {}  {last}", v.card.name, revoked, v.card.fingerprint);
        say!(
            "  {} about {}; {} open; {} flagged for supervision",
            count(v.changes, "change", "changes"),
            count(v.people, "person", "people"),
            count(v.open_concerns, "concern", "concerns"),
            v.flagged
        );
        for (first, last) in &v.missing {
            let which = if first == last { format!("change {first}") } else { format!("changes {first}-{last}") };
            say!(
                "  a file from {} seems to be missing: {which} not received (ask them to send everything again with --full)",
                v.card.name
            );
        }
    }
    Ok(())
}

pub fn import(j: &mut Journal, files: Vec<PathBuf>, out: &Output) -> Result<(), Failure> {
    let mut summaries = Vec::new();
    for file in files {
        let progress = Progress::bytes("importing");
        let summary = j.import_bundle(&file, &mut progress.update());
        drop(progress);
        let summary = summary.map_err(|e| Failure::from(e).prefixed(&file.display().to_string()))?;
        if !out.json {
            if summary.already_imported {
                say!("{}: already imported; nothing changed.", file.display());
            } else {
                say!("{}: from {} ({}).", file.display(), summary.sender, count(summary.events, "change", "changes"));
                for (kind, c) in &summary.kinds {
                    say!(
                        "  {kind:<20} {} new, {} updated, {}",
                        c.new,
                        c.updated,
                        count(c.conflicts, "conflict", "conflicts")
                    );
                }
                if summary.erased > 0 {
                    say!("  {} forgotten at the sender's request", count(summary.erased, "person", "people"));
                }
                for notice in &summary.notices {
                    say!("  Note: {}", notice.words());
                }
            }
        }
        summaries.push(summary);
    }
    if out.json {
        if summaries.len() == 1 {
            out.print_json(&summaries[0]);
        } else {
            out.print_json(&summaries);
        }
    }
    Ok(())
}

pub fn device(j: &mut Journal, cmd: DeviceCommand, out: &Output) -> Result<(), Failure> {
    match cmd {
        DeviceCommand::New { yes } => {
            if !yes {
                confirm(
                    "This is for a copy of the journal that will be used on this computer from now on:\n\
                     restored from a backup, or moved here. The copy it came from must not be used to\n\
                     write any more (or give it a new device too).",
                    "Give this journal a new device?",
                    "giving the journal a new device needs a yes: run again with --yes (there is no terminal to ask on)",
                    "nothing was changed",
                )?;
            }
            let device = j.new_device()?;
            if out.json {
                out.print_json(&json!({ "device": device }));
            } else {
                say!("This journal now writes as a new device ({device}).");
                say!("Your next file to each person you exchange files with tells their journal about it.");
            }
        }
        DeviceCommand::List => {
            let current = j.device_id()?;
            let mut devices = j.own_devices()?;
            devices.sort_by_key(|d| *d != current);
            if out.json {
                out.print_json(&json!({ "current": current, "devices": devices }));
            } else {
                for d in devices {
                    say!("{d}{}", if d == current { "  (this one)" } else { "" });
                }
            }
        }
    }
    Ok(())
}

pub fn conflicts(j: &mut Journal, cmd: ConflictCommand, out: &Output) -> Result<(), Failure> {
    match cmd {
        ConflictCommand::List { page } => {
            let list = j.conflicts(page.into())?;
            if out.json {
                out.print_json(&list);
            } else if list.is_empty() {
                say!("No conflicts.");
            } else {
                for c in list {
                    say!("{} {}", c.record.kind.as_str(), c.record.id);
                    for f in c.fields {
                        let others: Vec<String> = f.others.iter().map(Value::to_string).collect();
                        say!("  {}: now {}, also written: {}", f.field, f.current, others.join(" | "));
                    }
                }
            }
        }
        ConflictCommand::Resolve { id, field, value } => {
            let id: RecordId = id.parse()?;
            let kind = j.get(&id)?.kind;
            let value = match kind.spec().field(&field).map(|f| f.ty) {
                Some(FieldType::Flag) => Value::Bool(matches!(value.as_str(), "true" | "yes")),
                Some(FieldType::Minutes) => value.parse::<i64>().map(Value::from).unwrap_or(Value::String(value)),
                _ => Value::String(value),
            };
            out.record(&j.resolve_conflict(&id, &field, value)?);
        }
    }
    Ok(())
}
