//! The command line's help, completed from the one description of the
//! record kinds: an option that sets a field of a record says what the
//! field is for in the words the app shows under it
//! ([`peerjournal::kinds::FieldSpec::help`]), with how to write its value.
//! An option's own doc comment, if it has one, adds only what is particular
//! to the command line (a default, say).

use clap::{Command, CommandFactory};
use peerjournal::kinds::{FieldSpec, FieldType};
use peerjournal::Kind;

/// Which command writes which kind: its options named as the kind's fields
/// (clap's id of each option is the field's name) take the field's help.
const RECORD_COMMANDS: &[(&str, &str, Kind)] = &[
    ("person", "add", Kind::Person),
    ("contact", "add", Kind::Contact),
    ("boundary", "add", Kind::BoundaryAgreement),
    ("boundary", "issue", Kind::BoundaryIssue),
    ("service", "add", Kind::Service),
    ("signpost", "add", Kind::Signpost),
    ("signpost", "update", Kind::Signpost),
    ("concern", "add", Kind::Concern),
    ("concern", "ack", Kind::Acknowledgement),
    ("ending", "add", Kind::Ending),
    ("reflection", "add", Kind::Reflection),
    ("note", "add", Kind::SupervisionNote),
];

/// The whole command line, with every field's help filled in.
pub fn command() -> Command {
    let mut cli = crate::Cli::command();
    for &(group, name, kind) in RECORD_COMMANDS {
        cli = cli.mut_subcommand(group, |g| g.mut_subcommand(name, |c| with_field_help(c, kind)));
    }
    cli
}

fn with_field_help(mut command: Command, kind: Kind) -> Command {
    let ids: Vec<String> = command.get_arguments().map(|a| a.get_id().to_string()).collect();
    for id in ids {
        if let Some(field) = kind.spec().field(&id) {
            command = command.mut_arg(id, |arg| {
                let own = arg.get_help().map(|h| h.to_string());
                let mut help = format!("{}{}", field.help, how_written(field));
                if let Some(own) = own {
                    // (clap drops the full stop of a one-sentence doc comment.)
                    help.push(' ');
                    help.push_str(own.trim_end_matches('.'));
                    help.push('.');
                }
                arg.help(help)
            });
        }
    }
    command
}

/// How a field's value is written on the command line, after its help.
fn how_written(field: &FieldSpec) -> String {
    match field.ty {
        FieldType::Choice(choices) => format!(" One of: {}.", peerjournal::kinds::values(choices).join(", ")),
        FieldType::Date => " Written like 2026-11-20.".into(),
        FieldType::DateTime => " Written like 2026-11-20T14:30.".into(),
        FieldType::Minutes => " From 0 to 1440.".into(),
        FieldType::PersonRef => " Their id (see `person list`).".into(),
        FieldType::ServiceRef => " Its id (see `service list`).".into(),
        FieldType::RecordRef => " Its id.".into(),
        FieldType::CardRef => " Their card's fingerprint (see `card list`).".into(),
        FieldType::Line(_) | FieldType::Text(_) | FieldType::Flag => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every command, however deep, with its path.
    fn every_command(command: &Command, path: String, out: &mut Vec<(String, Command)>) {
        for sub in command.get_subcommands() {
            let path = format!("{path} {}", sub.get_name());
            every_command(sub, path.clone(), out);
            out.push((path, sub.clone()));
        }
    }

    #[test]
    fn every_option_says_what_it_is_for_and_every_command_shows_an_example() {
        let cli = command();
        let mut commands = Vec::new();
        every_command(&cli, "peerjournal".into(), &mut commands);
        assert!(commands.len() > 40, "{} commands", commands.len());
        let mut missing = Vec::new();
        for (path, command) in &commands {
            if command.get_name() == "help" {
                continue;
            }
            for arg in command.get_arguments() {
                let id = arg.get_id().as_str();
                if matches!(id, "help" | "version") {
                    continue;
                }
                if arg.get_help().is_none_or(|h| h.to_string().trim().is_empty()) {
                    missing.push(format!("{path}: {id} has no help"));
                }
            }
            let leaf = command.get_subcommands().next().is_none();
            let example = command.get_after_long_help().map(|h| h.to_string()).unwrap_or_default();
            if leaf && !example.contains("Example:\n  peerjournal") && !example.contains("peerjournal ") {
                missing.push(format!("{path}: no example"));
            }
        }
        assert!(missing.is_empty(), "{}", missing.join("\n"));
    }

    /// The kinds' description names each field's option (`FieldSpec::flag`,
    /// which the app shows too): every option that sets a field is spelt
    /// as it says.
    #[test]
    fn every_option_that_sets_a_field_is_named_as_the_kinds_say() {
        let cli = command();
        let mut checked = 0;
        let mut wrong = Vec::new();
        for &(group, name, kind) in RECORD_COMMANDS {
            let command = cli.find_subcommand(group).and_then(|g| g.find_subcommand(name)).unwrap();
            for arg in command.get_arguments() {
                let (Some(field), Some(long)) = (kind.spec().field(arg.get_id().as_str()), arg.get_long()) else {
                    continue;
                };
                checked += 1;
                if long != field.flag() {
                    wrong.push(format!("{group} {name} --{long}: the kinds say --{}", field.flag()));
                }
            }
        }
        assert!(checked > 50, "{checked} options checked");
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    }

    #[test]
    fn a_fields_help_comes_from_the_kinds() {
        let cli = command();
        let issue = cli.find_subcommand("boundary").and_then(|b| b.find_subcommand("issue")).unwrap();
        let help =
            |id: &str| issue.get_arguments().find(|a| a.get_id() == id).and_then(|a| a.get_help()).unwrap().to_string();
        let spec = Kind::BoundaryIssue.spec();
        assert!(help("what_happened").starts_with(spec.field("what_happened").unwrap().help));
        assert!(help("category").contains("out-of-hours-contact"), "{}", help("category"));
        // The command line's own words follow the field's.
        let at = help("at");
        assert!(at.starts_with(spec.field("at").unwrap().help) && at.ends_with("Default: now."), "{at}");
    }
}
