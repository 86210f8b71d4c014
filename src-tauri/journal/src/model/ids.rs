//! The ids records, people, devices and journals go by, and how each is
//! written. Ids are text on the wire and in the database; these types say
//! which kind of id a value is, and check its form where it enters.

/// Accepts a fingerprint as people type it: any case, with or without
/// dashes. Text that cannot be one comes back trimmed, as it was.
pub fn normalise_fingerprint(s: &str) -> String {
    let chars: String = s.chars().filter(|c| c.is_ascii_alphanumeric()).map(|c| c.to_ascii_uppercase()).collect();
    if chars.len() != 16 {
        return s.trim().to_string();
    }
    chars.as_bytes().chunks(4).map(|c| String::from_utf8_lossy(c).into_owned()).collect::<Vec<_>>().join("-")
}

/// Whether `s` is a fingerprint as a card writes it: four groups of
/// four Crockford base32 characters, joined by dashes.
pub fn is_fingerprint(s: &str) -> bool {
    let groups: Vec<&str> = s.split('-').collect();
    groups.len() == 4
        && groups.iter().all(|g| {
            g.len() == 4 && g.bytes().all(|b| b.is_ascii_digit() || (b.is_ascii_uppercase() && !b"ILOU".contains(&b)))
        })
}
