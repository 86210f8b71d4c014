//! Getting passphrases and recovery keys from the person: from the
//! environment for scripts, otherwise from the terminal without echo. Every
//! secret read is wiped when dropped.

use std::io::IsTerminal;

use zeroize::Zeroizing;

use crate::Failure;

fn from_env(var: &str) -> Option<Zeroizing<String>> {
    std::env::var(var).ok().map(Zeroizing::new)
}

/// Asks for `what` on the terminal, saying it may come from `var` instead.
fn prompt(what: &str, var: &str) -> Result<Zeroizing<String>, Failure> {
    if !std::io::stdin().is_terminal() {
        return Err(Failure::usage(format!(
            "{} is needed: set {var}, or run this in a terminal to be asked for it",
            capitalised(what)
        )));
    }
    ask(&format!("{} (or set {var})", capitalised(what)))
}

fn capitalised(s: &str) -> String {
    let mut chars = s.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

fn ask(label: &str) -> Result<Zeroizing<String>, Failure> {
    rpassword::prompt_password(format!("{label}: "))
        .map(Zeroizing::new)
        .map_err(|e| Failure::usage(format!("could not read from the terminal: {e}")))
}

/// The current passphrase: `PEERJOURNAL_PASSPHRASE`, or asked for.
pub fn current_passphrase() -> Result<Zeroizing<String>, Failure> {
    match from_env("PEERJOURNAL_PASSPHRASE") {
        Some(p) => Ok(p),
        None => prompt("the passphrase", "PEERJOURNAL_PASSPHRASE"),
    }
}

/// A new passphrase: from `var`, or asked for twice.
pub fn new_passphrase(var: &str, label: &str) -> Result<Zeroizing<String>, Failure> {
    if let Some(p) = from_env(var) {
        peerjournal::keys::validate_new_passphrase(&p, &[])?;
        return Ok(p);
    }
    let first = prompt(label, var)?;
    peerjournal::keys::validate_new_passphrase(&first, &[])?;
    let again = ask("Type it again")?;
    if *first != *again {
        return Err(Failure::usage("the two passphrases are not the same; nothing was changed"));
    }
    Ok(first)
}

/// The recovery key: `PEERJOURNAL_RECOVERY_KEY`, or asked for.
pub fn recovery_key() -> Result<Zeroizing<String>, Failure> {
    match from_env("PEERJOURNAL_RECOVERY_KEY") {
        Some(k) => Ok(k),
        None => prompt("your recovery key", "PEERJOURNAL_RECOVERY_KEY"),
    }
}
