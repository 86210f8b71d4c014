//! The app's benchmark: the release app, driven through tauri-driver as the
//! end-to-end tests drive it, over a journal of 100,000 made-up records
//! (`BENCH_RECORDS` for another size) about 50 people, so each person has
//! about 2,000. It prints its figures beside the budgets and asserts
//! nothing; `make bench` runs it after the core's benchmark.
//!
//! Times of what happens inside the window are taken inside the window
//! (`performance.now()` from the press to the moment the page shows the
//! result, watched by a MutationObserver), so WebDriver's own round trips
//! are not counted; the cold start, which has no page yet, is timed from
//! outside. Memory is the proportional set size of the whole process tree
//! (the app and its WebKit processes) at rest on Today.

#[path = "../../tests/e2e/fixture.rs"]
#[allow(dead_code)]
mod fixture;
#[path = "../../tests/e2e/webdriver.rs"]
#[allow(dead_code)]
mod webdriver;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use peerjournal::{Journal, KdfParams, NewJournal, Role};
use serde_json::{json, Value};

use fixture::Driver;
use webdriver::Session;

type Result<T = ()> = std::result::Result<T, Box<dyn std::error::Error>>;

const PASSPHRASE: &str = "rhubarb lantern quietly orbits";
const PEOPLE: usize = 50;
const WAIT: Duration = Duration::from_secs(120);

/// Presses the element `press` (a CSS selector) in the page and waits there
/// until an element matching `until` contains `text` (or exists, when
/// `text` is empty); returns the milliseconds between, or fails after 60 s.
const MEASURE: &str = r#"
const [press, until, text] = arguments;
const done = arguments[arguments.length - 1];
const target = document.querySelector(press);
if (target === null) { done({ error: "nothing matches " + press }); return; }
const ready = () => [...document.querySelectorAll(until)].some((el) => text === "" || el.textContent.includes(text));
const t0 = performance.now();
let finished = false;
const finish = (value) => { if (!finished) { finished = true; observer.disconnect(); done(value); } };
const observer = new MutationObserver(() => { if (ready()) finish({ ms: performance.now() - t0 }); });
observer.observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
setTimeout(() => finish({ error: "timed out waiting for " + until + " to show " + JSON.stringify(text) }), 60000);
target.click();
if (ready()) finish({ ms: performance.now() - t0 });
"#;

/// The same, typing `value` into the field `field` as one input event
/// (what the page hears when a word is typed) instead of pressing.
const MEASURE_TYPING: &str = r#"
const [field, value, until, text] = arguments;
const done = arguments[arguments.length - 1];
const input = document.querySelector(field);
if (input === null) { done({ error: "nothing matches " + field }); return; }
const ready = () => [...document.querySelectorAll(until)].some((el) => el.textContent.toLowerCase().includes(text));
let finished = false;
const finish = (v) => { if (!finished) { finished = true; observer.disconnect(); done(v); } };
const observer = new MutationObserver(() => { if (ready()) finish({ ms: performance.now() - t0 }); });
observer.observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
setTimeout(() => finish({ error: "timed out waiting for results for " + value }), 60000);
input.value = value;
const t0 = performance.now();
input.dispatchEvent(new Event("input", { bubbles: true }));
"#;

fn ms(value: Value) -> Result<f64> {
    if let Some(error) = value["error"].as_str() {
        return Err(error.to_string().into());
    }
    value["ms"].as_f64().ok_or_else(|| format!("not a measurement: {value}").into())
}

fn measure(app: &Session, press: &str, until: &str, text: &str) -> Result<f64> {
    ms(app.execute_async(MEASURE, json!([press, until, text]))?)
}

/// "p50 12.3 ms, p99 45.6 ms, n 20" of `times` (milliseconds).
fn percentiles(mut times: Vec<f64>) -> String {
    times.sort_by(f64::total_cmp);
    let at = |q: f64| times[((times.len() as f64 - 1.0) * q).round() as usize];
    format!("p50 {:8.1} ms   p99 {:8.1} ms   n {}", at(0.5), at(0.99), times.len())
}

fn line(what: &str, figures: &str, budget: &str) {
    println!("{what:<44} {figures:<44} (budget {budget})");
}

fn main() -> Result {
    let records: usize = std::env::var("BENCH_RECORDS").ok().and_then(|v| v.parse().ok()).unwrap_or(100_000);
    let app = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/release/peer-journal");
    if !app.is_file() {
        return Err(format!("{} is missing: `make bench` builds the release app first", app.display()).into());
    }
    let driver = Driver::start()?;

    let t = Instant::now();
    let (mut journal, _) = Journal::create(
        &driver.journal_dir(),
        &NewJournal { name: "Sam", role: Role::Volunteer, passphrase: PASSPHRASE, kdf: KdfParams::PASSPHRASE },
    )?;
    let made = peerjournal::demo::fill(&mut journal, PEOPLE, records, 7, &mut |_, _| {})?;
    journal.fold_log()?;
    drop(journal);
    println!(
        "app benchmark: release app, {} people, {} records (journal made in {:.1} s)",
        made.people,
        made.records,
        t.elapsed().as_secs_f64()
    );

    // Cold start to the unlock screen, three times (the last run stays).
    let mut starts = Vec::new();
    let mut session = None;
    for round in 0..3 {
        let t = Instant::now();
        let app_session = driver.launch(&app, &[])?;
        app_session.wait_for_label("Passphrase", WAIT)?;
        starts.push(t.elapsed().as_secs_f64() * 1000.0);
        if round < 2 {
            app_session.end()?;
        } else {
            session = Some(app_session);
        }
    }
    let app_session = session.ok_or("no session")?;
    line("cold start to the unlock screen", &percentiles(starts), "≤ 500 ms");

    // Unlock to Today, three times (locking between).
    let mut unlocks = Vec::new();
    for round in 0..3 {
        let field = app_session.wait_for_label("Passphrase", WAIT)?;
        field.clear()?;
        field.send_keys(PASSPHRASE)?;
        unlocks.push(measure(&app_session, "#unlock-submit", "[data-screen=today] h2", "")?);
        if round < 2 {
            app_session.wait_for_role("button", "Lock", WAIT)?.click()?;
        }
    }
    line("unlock to Today", &percentiles(unlocks), "≤ 1 s");

    // Open a person with about 2,000 records, from People.
    let mut opens = Vec::new();
    for round in 0..10 {
        app_session.wait_for_role("button", "People", WAIT)?.click()?;
        app_session.wait_for("[data-screen=people] .person-open", WAIT)?;
        let nth = format!("[data-screen=people] li:nth-of-type({}) .person-open", round + 1);
        opens.push(measure(&app_session, &nth, "[data-screen=person] article", "")?);
    }
    line(&format!("open a person with ~{} records", records / PEOPLE), &percentiles(opens), "≤ 100 ms");

    // Save a contact, from the press to the entry on the person's story.
    let mut saves = Vec::new();
    for round in 0..20 {
        app_session.wait_for_role("button", "Log a contact", WAIT)?.click()?;
        let focus = app_session.wait_for_label("What did they want to talk about?", WAIT)?;
        let words = format!("benchmark visit number {round} about the garden");
        focus.send_keys(&words)?;
        saves.push(measure(&app_session, "[data-screen=new] button[type=submit]", "[data-screen=person]", &words)?);
    }
    line("save a contact, press to confirmation", &percentiles(saves), "p99 ≤ 50 ms");

    // Search as you type: each word as the page hears it typed, to its
    // results (the screen waits for a pause in typing before asking: that
    // pause is counted).
    app_session.wait_for_role("button", "Search", WAIT)?.click()?;
    app_session.wait_for("[data-screen=search] input", WAIT)?;
    let mut searches = Vec::new();
    for word in ["garden", "school", "housing", "allotment", "benefit", "tired", "nursery", "doctor", "food", "walk"]
        .iter()
        .cycle()
        .take(30)
    {
        let value = app_session.execute_async(
            MEASURE_TYPING,
            json!(["[data-screen=search] input", word, "[data-screen=search] mark, [data-screen=search] h2", word]),
        );
        match value.map_err(Into::into).and_then(ms) {
            Ok(t) => searches.push(t),
            Err(e) => eprintln!("search for {word}: {e}"),
        }
        // A fresh field for the next word: empty it and let the page settle.
        app_session.execute(
            "const i = document.querySelector('[data-screen=search] input'); i.value = ''; i.dispatchEvent(new Event('input', { bubbles: true }));",
            json!([]),
        )?;
        std::thread::sleep(Duration::from_millis(300));
    }
    if !searches.is_empty() {
        line("search as you type (pause for typing included)", &percentiles(searches), "p99 ≤ 50 ms");
    }

    // At rest on Today: the whole process tree's proportional set size,
    // once the idle timer (every 5 s) has let go of the journal's caches, a
    // minute after the last action (`REST_AFTER`).
    app_session.wait_for_role("button", "Today", WAIT)?.click()?;
    std::thread::sleep(Duration::from_secs(75));
    match process_tree_pss("peer-journal") {
        Some((total, parts)) => {
            line("the app at rest, whole process tree (PSS)", &format!("{total} MiB ({parts})"), "≤ 150 MB")
        }
        None => println!("the app at rest: its processes were not found"),
    }
    app_session.end()?;
    Ok(())
}

/// The proportional set size, in MiB, of the process named `name` and all
/// its descendants, with each part's.
fn process_tree_pss(name: &str) -> Option<(u64, String)> {
    let processes: Vec<(u32, u32, String)> = std::fs::read_dir("/proc")
        .ok()?
        .flatten()
        .filter_map(|e| {
            let pid: u32 = e.file_name().to_str()?.parse().ok()?;
            let stat = std::fs::read_to_string(e.path().join("stat")).ok()?;
            let (open, close) = (stat.find('(')?, stat.rfind(')')?);
            let comm = stat[open + 1..close].to_string();
            let ppid = stat[close + 2..].split_whitespace().nth(1)?.parse().ok()?;
            Some((pid, ppid, comm))
        })
        .collect();
    let root = processes.iter().find(|(_, _, comm)| comm == name)?.0;
    let mut tree = vec![root];
    let mut i = 0;
    while i < tree.len() {
        let parent = tree[i];
        tree.extend(processes.iter().filter(|(_, ppid, _)| *ppid == parent).map(|(pid, _, _)| *pid));
        i += 1;
    }
    let mut total_kib = 0;
    let mut parts = Vec::new();
    for pid in tree {
        let rollup = std::fs::read_to_string(PathBuf::from(format!("/proc/{pid}/smaps_rollup"))).ok()?;
        let kib: u64 = rollup
            .lines()
            .find(|l| l.starts_with("Pss:"))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        total_kib += kib;
        let comm = processes.iter().find(|(p, _, _)| *p == pid).map(|(_, _, c)| c.clone()).unwrap_or_default();
        parts.push(format!("{comm} {}", kib / 1024));
    }
    Some((total_kib / 1024, parts.join(", ")))
}
