//! The core's house rules, checked on its source: its folders are layers,
//! and a module never imports one of a higher layer, nor do any of them
//! import each other round in a circle. From the bottom up (see
//! ARCHITECTURE.md):
//!
//! `error` · `model/` · `keys` · `store/` · `journal/` · `sync/` ·
//! `reports/` · `lib`, `benchsupport`, `testsupport`
//!
//! Read from the text of `use crate::…` declarations and `crate::…` and
//! `super::…` paths in code, leaving out comments and the tests (a test may
//! reach up to build what it needs).

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// The layers, bottom first: the first component of a source path.
const LAYERS: &[&[&str]] = &[
    &["error"],
    &["model"],
    &["keys"],
    &["store"],
    &["journal"],
    &["sync"],
    &["reports"],
    &["lib", "benchsupport", "testsupport"],
];

fn layer(file: &str) -> usize {
    let top = file.split('/').next().unwrap_or(file).trim_end_matches(".rs");
    LAYERS.iter().position(|names| names.contains(&top)).unwrap_or_else(|| panic!("{file}: in no layer"))
}

/// The core's source files (relative to `src/`), without the binary's and
/// without files that are tests only.
fn sources(root: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).unwrap().flatten() {
            let path = entry.path();
            let rel = path.strip_prefix(root).unwrap().to_string_lossy().replace('\\', "/");
            if path.is_dir() {
                if rel != "bin" {
                    stack.push(path);
                }
            } else if rel.ends_with(".rs") && !rel.ends_with("tests.rs") {
                out.push(rel);
            }
        }
    }
    out.sort();
    out
}

/// A file's code without comments and without its tests.
fn code(text: &str) -> String {
    let mut out = String::new();
    for line in text.lines() {
        if line.starts_with("#[cfg(test)]") {
            break;
        }
        let line = match line.find("//") {
            // Not inside a string: good enough for this code base, whose
            // strings with `//` in them are not on lines with paths.
            Some(at) if !line[..at].contains('"') => &line[..at],
            _ => line,
        };
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// The module paths a piece of code names: `crate::a::b`, the branches of
/// `use crate::{a::b, c}`, and `super::x` (resolved against `file`).
fn named_paths(file: &str, code: &str) -> BTreeSet<Vec<String>> {
    let mut out = BTreeSet::new();
    let module: Vec<String> = {
        let mut parts: Vec<String> = file.trim_end_matches(".rs").split('/').map(str::to_string).collect();
        if parts.last().is_some_and(|p| p == "mod") {
            parts.pop();
        }
        parts
    };
    let bytes = code.as_bytes();
    for (prefix, base) in [("crate::", Vec::new()), ("super::", module[..module.len().saturating_sub(1)].to_vec())] {
        let mut from = 0;
        while let Some(at) = code[from..].find(prefix) {
            let start = from + at;
            from = start + prefix.len();
            if start > 0 && (bytes[start - 1].is_ascii_alphanumeric() || bytes[start - 1] == b'_') {
                continue;
            }
            for path in expand(&code[from..]) {
                let mut full = base.clone();
                full.extend(path);
                out.insert(full);
            }
        }
    }
    out
}

/// The paths a `use` tree (after `crate::`) names: `a::b::{c, d::e}` gives
/// `a::b::c` and `a::b::d::e`. Only lowercase segments: a path ends at a
/// type or a function, which is all the resolution needs.
fn expand(rest: &str) -> Vec<Vec<String>> {
    let mut path = Vec::new();
    let mut chars = rest.char_indices().peekable();
    let mut segment = String::new();
    while let Some((i, c)) = chars.next() {
        if c.is_ascii_alphanumeric() || c == '_' {
            segment.push(c);
        } else if c == ':' && chars.peek().is_some_and(|(_, n)| *n == ':') {
            chars.next();
            path.push(std::mem::take(&mut segment));
        } else if c == '{' {
            let inner = &rest[i + 1..i + 1 + closing(&rest[i + 1..])];
            let mut out = Vec::new();
            for branch in split_top(inner) {
                for tail in expand(branch.trim()) {
                    let mut full = path.clone();
                    full.extend(tail);
                    out.push(full);
                }
            }
            return out;
        } else {
            break;
        }
    }
    if !segment.is_empty() {
        path.push(segment);
    }
    vec![path]
}

fn closing(s: &str) -> usize {
    let mut depth = 1;
    for (i, c) in s.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    return i;
                }
            }
            _ => {}
        }
    }
    s.len()
}

fn split_top(s: &str) -> Vec<&str> {
    let (mut out, mut depth, mut start) = (Vec::new(), 0, 0);
    for (i, c) in s.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                out.push(&s[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&s[start..]);
    out
}

/// The file a module path lands in: its longest prefix that is a module.
fn resolve(root: &Path, files: &BTreeSet<String>, path: &[String]) -> Option<String> {
    let _ = root;
    (1..=path.len()).rev().find_map(|n| {
        let stem = path[..n].join("/");
        [format!("{stem}.rs"), format!("{stem}/mod.rs")].into_iter().find(|f| files.contains(f))
    })
}

#[test]
fn the_core_is_layered_with_no_import_circle() {
    let root: PathBuf = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let files: BTreeSet<String> = sources(&root).into_iter().collect();
    assert!(files.len() > 20, "the source tree was not found: {files:?}");
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut upward = Vec::new();
    for file in &files {
        let text = fs::read_to_string(root.join(file)).unwrap();
        for path in named_paths(file, &code(&text)) {
            let Some(target) = resolve(&root, &files, &path) else { continue };
            if &target == file || file.ends_with("mod.rs") && target.starts_with(file.trim_end_matches("mod.rs")) {
                // A file naming itself, or a folder's `mod.rs` its own parts.
                continue;
            }
            if layer(&target) > layer(file) {
                upward.push(format!("{file} -> {target} ({})", path.join("::")));
            }
            edges.entry(file.clone()).or_default().insert(target);
        }
    }
    assert!(upward.is_empty(), "imports that run up a layer:\n{}", upward.join("\n"));
    let circles = circles(&edges);
    assert!(circles.is_empty(), "import circles:\n{}", circles.join("\n"));
    // The check sees imports at all (a parser that found none would pass).
    assert!(edges.get("journal/mod.rs").is_some_and(|to| to.contains("store/mod.rs")), "{edges:#?}");
}

/// Every circle among `edges`, as "a -> b -> a".
fn circles(edges: &BTreeMap<String, BTreeSet<String>>) -> Vec<String> {
    let mut found = Vec::new();
    let mut done = BTreeSet::new();
    for start in edges.keys() {
        let mut path = vec![start.clone()];
        walk(edges, &mut path, &mut done, &mut found);
        done.insert(start.clone());
    }
    found
}

fn walk(
    edges: &BTreeMap<String, BTreeSet<String>>,
    path: &mut Vec<String>,
    done: &mut BTreeSet<String>,
    found: &mut Vec<String>,
) {
    let Some(last) = path.last().cloned() else { return };
    for next in edges.get(&last).into_iter().flatten() {
        if let Some(at) = path.iter().position(|p| p == next) {
            let mut circle = path[at..].to_vec();
            circle.push(next.clone());
            let line = circle.join(" -> ");
            if !found.contains(&line) {
                found.push(line);
            }
        } else if !done.contains(next) && path.len() < 64 {
            path.push(next.clone());
            walk(edges, path, done, found);
            path.pop();
        }
    }
}
