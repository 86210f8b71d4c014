//! Measures the journal against the design's budgets on a 100,000-record
//! journal and prints the figures. Run with `make bench` (release build).
//! It asserts nothing: budgets are read off the printout, not enforced by a
//! clock in a test.
//!
//! Budgets: unlock ≤ 1 s (Argon2id included); saving a contact p99 ≤ 5 ms;
//! a person's timeline and a full-text search p99 ≤ 20 ms (what is due,
//! also a list, is measured against the same). A supervisor's: 50
//! volunteers' files of 2,000 records each imported within 1.2× a bare
//! insert of the same rows; the review ≤ 200 ms and a year's report
//! ≤ 0.5 s at 200,000 records (`BENCH_RECORDS=200000`).

use std::time::{Duration, Instant};

use peerjournal::benchsupport::Commits;
use peerjournal::report::Period;
use peerjournal::{Fingerprint, Journal, KdfParams, Kind, NewJournal, Page, PersonId, Role};
use serde_json::json;

const PASS: &str = "correct horse battery staple";
/// Rounds of export, import and bare insert whose medians are printed.
const SYNC_ROUNDS: usize = 3;

fn percentile(samples: &mut [Duration], p: f64) -> Duration {
    samples.sort();
    let i = ((samples.len() as f64 - 1.0) * p).round() as usize;
    samples[i]
}

fn report(name: &str, samples: &mut [Duration], budget_ms: f64) {
    let p50 = percentile(samples, 0.50).as_secs_f64() * 1e3;
    let p99 = percentile(samples, 0.99).as_secs_f64() * 1e3;
    let max = samples.iter().max().copied().unwrap_or_default().as_secs_f64() * 1e3;
    let verdict = if p99 <= budget_ms { "within" } else { "OVER" };
    println!("{name:<28} n={:<5} p50 {p50:>8.2} ms   p99 {p99:>8.2} ms   max {max:>8.2} ms   ({verdict} budget {budget_ms} ms)", samples.len());
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let records: usize = std::env::var("BENCH_RECORDS").ok().and_then(|v| v.parse().ok()).unwrap_or(100_000);
    let people = (records / 100).max(10);
    let dir = tempfile::tempdir()?;
    let (mut journal, _) = Journal::create(
        dir.path(),
        &NewJournal { name: "Bench", role: Role::Volunteer, passphrase: PASS, kdf: KdfParams::PASSPHRASE },
    )?;
    let start = Instant::now();
    let made = peerjournal::demo::fill(&mut journal, people, records, 7, &mut |_, _| {})?;
    println!(
        "journal: {} people, {} services, {} records (filled in {:.1} s)",
        made.people,
        made.services,
        made.records,
        start.elapsed().as_secs_f64()
    );
    let people_ids: Vec<PersonId> = journal
        .list(Kind::Person, None, Page { limit: 1000, offset: 0 })?
        .iter()
        .filter_map(|r| r.as_person())
        .collect();
    journal.lock();

    let mut unlock = Vec::new();
    for _ in 0..5 {
        let t = Instant::now();
        let j = Journal::open(dir.path(), PASS)?;
        unlock.push(t.elapsed());
        j.lock();
    }
    report("unlock (Argon2id 256 MiB)", &mut unlock, 1000.0);

    let mut journal = Journal::open(dir.path(), PASS)?;
    let mut purge = Vec::new();
    for _ in 0..20 {
        let t = Instant::now();
        journal.purge()?;
        purge.push(t.elapsed());
    }
    report("retention check (at unlock)", &mut purge, 100.0);
    journal.lock();

    let mut journal = Journal::open(dir.path(), PASS)?;
    let mut save = Vec::new();
    for i in 0..500 {
        let person = &people_ids[i % people_ids.len()];
        let fields = json!({
            "person": person, "how": "home-visit", "minutes": 45,
            "focus": "a letter from the housing office", "notes": format!("benchmark visit {i}"),
        });
        let t = Instant::now();
        journal.add(Kind::Contact, fields.as_object().cloned().unwrap_or_default())?;
        save.push(t.elapsed());
    }
    report("save a contact", &mut save, 5.0);

    // The floor under any durable save: one row committed to a SQLCipher
    // database with the same pragmas (WAL, synchronous=FULL), i.e. the disk's
    // flush. A save can only be as fast as this.
    let floor_dir = tempfile::tempdir()?;
    let floor = rusqlite::Connection::open(floor_dir.path().join("floor.db"))?;
    floor.execute_batch(
        "PRAGMA key = \"x'2DD29CA851E7B56E4697B0E1F08507293D761A05CE4D1B628663F411A8086D99'\";
         PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;
         CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT NOT NULL);",
    )?;
    let mut bare = Vec::new();
    for i in 0..500 {
        let t = Instant::now();
        floor.execute("INSERT INTO t (body) VALUES (?1)", [format!("benchmark visit {i}")])?;
        bare.push(t.elapsed());
    }
    report("  floor: bare durable insert", &mut bare, 5.0);

    let mut timeline = Vec::new();
    for i in 0..500 {
        let person = &people_ids[(i * 7) % people_ids.len()];
        let t = Instant::now();
        let page = journal.timeline(person, Page::default())?;
        timeline.push(t.elapsed());
        std::hint::black_box(page);
    }
    report("person's timeline (50)", &mut timeline, 20.0);

    let mut contacts = Vec::new();
    for i in 0..500 {
        let person = &people_ids[(i * 11) % people_ids.len()];
        let t = Instant::now();
        let page = journal.list(Kind::Contact, Some(person), Page::default())?;
        contacts.push(t.elapsed());
        std::hint::black_box(page);
    }
    report("person's contacts (50)", &mut contacts, 20.0);

    let words = [
        "housing",
        "allotment",
        "confident",
        "benefits form",
        "walk",
        "tea",
        "routine",
        "letter",
        "school gate",
        "budget",
    ];
    let mut search = Vec::new();
    for i in 0..500 {
        let t = Instant::now();
        let hits = journal.search(words[i % words.len()], Page::default())?;
        search.push(t.elapsed());
        std::hint::black_box(hits);
    }
    report("full-text search (50)", &mut search, 20.0);

    // What is due: each person's latest plan and every open referral and
    // review, gathered from indexes and sorted (a list, so the lists'
    // budget).
    let today = peerjournal::kinds::local_now().date().to_string();
    let mut due = Vec::new();
    for _ in 0..100 {
        let t = Instant::now();
        let page = journal.due(&today, Page::default())?;
        due.push(t.elapsed());
        std::hint::black_box(page);
    }
    report("what is due (50)", &mut due, 20.0);

    // A year's report, made and written out for a funder, as the volunteer
    // would (the supervisor's is timed after its import, below).
    year_report("year's report", &journal, None)?;

    // --- Sync: a full export of this journal to a supervisor, its import,
    // and the bare insert of the same rows, three times over (each round a
    // new supervisor): this machine's speed drifts by a third from one minute
    // to the next, so one reading of each would make a ratio of two noises.
    // Peak memory is read in the first round, before any bare insert (which
    // holds every row in memory) has grown the process.
    let (mut exports, mut imports, mut folds, mut bares) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let (mut export_peak, mut import_peak, mut size_mib, mut events) = (0f64, 0f64, 0f64, 0u64);
    // One more round, not timed, hands its supervisor, straight after the
    // import, to the measurements that follow.
    let mut just_imported = None;
    for round in 0..=SYNC_ROUNDS {
        let sup_dir = tempfile::tempdir()?;
        let (mut supervisor, _) = Journal::create(
            sup_dir.path(),
            &NewJournal { name: "Supervisor", role: Role::Supervisor, passphrase: PASS, kdf: KdfParams::PASSPHRASE },
        )?;
        let sup_card = supervisor.card()?;
        supervisor.add_card(&journal.card()?)?;
        journal.add_card(&sup_card)?;
        let bundle = dir.path().join(format!("full-{round}.pjbundle"));
        reset_peak_memory();
        let t = Instant::now();
        let exported = journal.export_bundle(
            &peerjournal::sync::ExportOptions { to: vec![sup_card.fingerprint.clone()], full: true },
            &bundle,
            &mut |_, _| {},
        )?;
        if round < SYNC_ROUNDS {
            exports.push(t.elapsed());
        }
        if round == 0 {
            export_peak = peak_memory_mib();
        }
        size_mib = std::fs::metadata(&bundle)?.len() as f64 / 1048576.0;
        events = exported.events;
        reset_peak_memory();
        let t = Instant::now();
        supervisor.import_bundle(&bundle, &mut |_, _| {})?;
        if round == SYNC_ROUNDS {
            just_imported = Some((supervisor, sup_dir));
            break;
        }
        imports.push(t.elapsed());
        if round == 0 {
            import_peak = peak_memory_mib();
        }
        // What the import leaves to the next idle moment (or to closing the
        // journal): folding its write-ahead log into the database file.
        let t = Instant::now();
        supervisor.fold_log()?;
        folds.push(t.elapsed());
        let bare_dir = tempfile::tempdir()?;
        bares.push(peerjournal::benchsupport::bare_bulk_insert(&supervisor, bare_dir.path(), Commits::Once)?);
    }
    let seconds = |v: &mut Vec<Duration>| percentile(v, 0.5).as_secs_f64();
    let (export_s, import_s, fold_s, bare_s) =
        (seconds(&mut exports), seconds(&mut imports), seconds(&mut folds), seconds(&mut bares));
    let spread = |v: &[Duration]| {
        let (lo, hi) = (v.first().copied().unwrap_or_default(), v.last().copied().unwrap_or_default());
        format!("{:.2}–{:.2}", lo.as_secs_f64(), hi.as_secs_f64())
    };
    println!("sync: medians of {SYNC_ROUNDS} rounds (range in brackets); peaks from the first");
    println!(
        "export {events:>6} events          {export_s:>8.2} s ({})   peak resident {export_peak:>6.1} MiB   bundle {size_mib:.1} MiB   (budget 2 s, 100 MB)",
        spread(&exports)
    );
    println!(
        "import {events:>6} events          {import_s:>8.2} s ({})   peak resident {import_peak:>6.1} MiB   (budget 2 s, 100 MB)",
        spread(&imports)
    );
    println!("  then, at the next idle moment, its log folded into the database file in {fold_s:.2} s");
    println!(
        "  bare bulk insert, same rows {bare_s:>8.2} s ({})   import / bare = {:.2}   (budget 2.00)",
        spread(&bares),
        import_s / bare_s
    );

    // --- Saves and searches right after a large import, as in the app: a
    // save, and now and then (here after every third) an idle moment, in
    // which the app folds the logs (the import left its own to it) and
    // merges a step of the search index (see `search`). The import leaves
    // the index's words in one large segment, which merging during saves
    // used to rewrite in full at the 15th save.
    let volunteer = journal.card()?.fingerprint;
    if let Some((mut supervisor, _sup_dir)) = just_imported {
        let sup_people: Vec<PersonId> = supervisor
            .list(Kind::Person, None, Page { limit: 1000, offset: 0 })?
            .iter()
            .filter_map(|r| r.as_person())
            .collect();
        let (mut save, mut idle) = (Vec::new(), Vec::new());
        for i in 0..500 {
            let fields = json!({
                "volunteer": volunteer, "person": sup_people[i % sup_people.len()],
                "text": format!("supervision note {i}"),
            });
            let t = Instant::now();
            supervisor.add(Kind::SupervisionNote, fields.as_object().cloned().unwrap_or_default())?;
            save.push(t.elapsed());
            if i % 3 == 2 {
                let t = Instant::now();
                supervisor.tidy_while_idle()?;
                idle.push(t.elapsed());
            }
        }
        println!("after the import, 500 saves with an idle moment after every third:");
        report("  save a supervision note", &mut save, 5.0);
        let ms = |d: Duration| d.as_secs_f64() * 1e3;
        println!(
            "  idle tidy step             n={:<5} p50 {:>8.2} ms   p99 {:>8.2} ms   max {:>8.2} ms   (no budget: done in idle moments)",
            idle.len(),
            ms(percentile(&mut idle, 0.50)),
            ms(percentile(&mut idle, 0.99)),
            ms(percentile(&mut idle, 1.0)),
        );
        let mut search = Vec::new();
        for i in 0..500 {
            let t = Instant::now();
            std::hint::black_box(supervisor.search(words[i % words.len()], Page::default())?);
            search.push(t.elapsed());
        }
        report("  full-text search (50)", &mut search, 20.0);
        // The supervisor's review over everything just imported: every list,
        // for all volunteers and for the one.
        let mut review = Vec::new();
        for i in 0..50 {
            let options = peerjournal::journal::review::ReviewOptions {
                volunteer: (i % 2 == 1).then(|| volunteer.clone()),
                quiet_weeks: 4,
                long_months: 12,
            };
            let t = Instant::now();
            std::hint::black_box(supervisor.review(&options)?);
            review.push(t.elapsed());
        }
        report("  review (every list)", &mut review, 200.0);
        let mut roster = Vec::new();
        for _ in 0..50 {
            let t = Instant::now();
            std::hint::black_box(supervisor.volunteers()?);
            roster.push(t.elapsed());
        }
        report("  volunteers' roster", &mut roster, 200.0);
        // With the supervisor's journal the only one open, as in the app:
        // SQLite's page caches are one pool for the whole process, each
        // connection allowed its share, and an idle journal's share is
        // there for the busy one to use.
        drop(journal);
        year_report("  year's report, all", &supervisor, None)?;
        year_report("  year's report, the one", &supervisor, Some(&volunteer))?;
    }

    many_volunteers(&dir.path().join("volunteers"))?;
    Ok(())
}

/// The period of a year's report: the twelve months to today.
fn a_year() -> Period {
    let today = peerjournal::kinds::local_now().date();
    Period { since: today.checked_sub_months(chrono::Months::new(12)), until: Some(today) }
}

/// Times a year's report of `journal` (of one volunteer's records, or of
/// all), made and written out as CSV and as a page, as a supervisor's
/// Reports screen or a funder's file does.
fn year_report(name: &str, journal: &Journal, volunteer: Option<&Fingerprint>) -> peerjournal::Result<()> {
    let period = a_year();
    let (mut samples, mut counted) = (Vec::new(), 0);
    for _ in 0..10 {
        let t = Instant::now();
        let made = journal.report_of(period, volunteer)?;
        let shared = made.for_sharing("Bench");
        std::hint::black_box((shared.to_csv(), shared.to_html()));
        samples.push(t.elapsed());
        counted = made.contacts + made.signposts + made.concerns + made.boundary_issues + made.endings;
    }
    report(name, &mut samples, 500.0);
    println!("{:<28} (it counts {counted} records)", "");
    Ok(())
}

/// A volunteer's journal made for the supervisor's benchmark: its key is
/// derived with the least work, as what is timed is the import.
const FAST_KDF: KdfParams = KdfParams { memory_kib: 1024, iterations: 1, parallelism: 1 };

/// The supervisor's import of one file from each of many volunteers
/// (`BENCH_VOLUNTEERS`, 50; `BENCH_VOLUNTEER_RECORDS` records each, 2,000)
/// against a bare insert of the same rows with a transaction for each
/// volunteer, as the files commit, in rounds of A/B pairs (each round a new
/// copy of the same supervisor, the same files); then the supervisor's
/// screens over what came in.
fn many_volunteers(dir: &std::path::Path) -> Result<(), Box<dyn std::error::Error>> {
    let env = |name: &str, default: usize| std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default);
    let (count, each) = (env("BENCH_VOLUNTEERS", 50), env("BENCH_VOLUNTEER_RECORDS", 2000));
    if count == 0 {
        return Ok(());
    }
    let start = Instant::now();
    let template = dir.join("supervisor");
    let (mut supervisor, _) = Journal::create(
        &template,
        &NewJournal { name: "Supervisor", role: Role::Supervisor, passphrase: PASS, kdf: KdfParams::PASSPHRASE },
    )?;
    let sup_card = supervisor.card()?;
    let (mut files, mut volunteers) = (Vec::new(), Vec::new());
    for v in 0..count {
        let name = format!("Volunteer {}", v + 1);
        let (mut volunteer, _) = Journal::create(
            &dir.join(format!("volunteer-{v}")),
            &NewJournal { name: &name, role: Role::Volunteer, passphrase: PASS, kdf: FAST_KDF },
        )?;
        supervisor.add_card(&volunteer.card()?)?;
        volunteer.add_card(&sup_card)?;
        peerjournal::demo::fill(&mut volunteer, (each / 100).max(5), each, 100 + v as u64, &mut |_, _| {})?;
        let file = dir.join(format!("volunteer-{v}.pjbundle"));
        volunteer.export_bundle(
            &peerjournal::sync::ExportOptions { to: vec![sup_card.fingerprint.clone()], full: false },
            &file,
            &mut |_, _| {},
        )?;
        volunteers.push(volunteer.card()?.fingerprint);
        files.push(file);
        volunteer.lock();
    }
    supervisor.lock();
    let size_mib =
        files.iter().map(|f| std::fs::metadata(f).map(|m| m.len()).unwrap_or(0)).sum::<u64>() as f64 / 1048576.0;
    println!(
        "supervisor: {count} volunteers' files of {each} records each ({size_mib:.1} MiB in all; made in {:.1} s)",
        start.elapsed().as_secs_f64()
    );

    let (mut imports, mut bares, mut ratios, mut per_file) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let (mut events, mut fold) = (0u64, Duration::ZERO);
    let mut last = None;
    for round in 0..SYNC_ROUNDS {
        let sup_dir = tempfile::tempdir_in(dir)?;
        for entry in std::fs::read_dir(&template)? {
            let entry = entry?;
            std::fs::copy(entry.path(), sup_dir.path().join(entry.file_name()))?;
        }
        let mut supervisor = Journal::open(sup_dir.path(), PASS)?;
        events = 0;
        let t = Instant::now();
        for file in &files {
            let one = Instant::now();
            events += supervisor.import_bundle(file, &mut |_, _| {})?.events;
            per_file.push(one.elapsed());
        }
        let import = t.elapsed();
        let bare_dir = tempfile::tempdir_in(dir)?;
        let bare = peerjournal::benchsupport::bare_bulk_insert(&supervisor, bare_dir.path(), Commits::PerWriter)?;
        imports.push(import);
        bares.push(bare);
        ratios.push(import.as_secs_f64() / bare.as_secs_f64());
        if round + 1 == SYNC_ROUNDS {
            let t = Instant::now();
            supervisor.fold_log()?;
            fold = t.elapsed();
            last = Some((supervisor, sup_dir));
        }
    }
    let seconds = |v: &mut Vec<Duration>| percentile(v, 0.5).as_secs_f64();
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    let (import_s, bare_s) = (seconds(&mut imports), seconds(&mut bares));
    let spread = |v: &[Duration]| {
        let (lo, hi) = (v.first().copied().unwrap_or_default(), v.last().copied().unwrap_or_default());
        format!("{:.2}–{:.2}", lo.as_secs_f64(), hi.as_secs_f64())
    };
    ratios.sort_by(f64::total_cmp);
    println!("supervisor's imports: medians of {SYNC_ROUNDS} rounds (range in brackets), each round a new supervisor");
    println!(
        "import {count} files, {events:>6} events  {import_s:>6.2} s ({})   a file: p50 {:.1} ms, p99 {:.1} ms",
        spread(&imports),
        ms(percentile(&mut per_file, 0.5)),
        ms(percentile(&mut per_file, 0.99)),
    );
    println!("  then, at the next idle moment, its log folded into the database file in {:.2} s", fold.as_secs_f64());
    println!(
        "  bare insert, same rows, a transaction a volunteer {bare_s:>6.2} s ({})   import / bare = {:.2} (each pair: {})   (budget 1.20)",
        spread(&bares),
        import_s / bare_s,
        ratios.iter().map(|r| format!("{r:.2}")).collect::<Vec<_>>().join(", "),
    );

    if let Some((supervisor, _sup_dir)) = last {
        let mut review = Vec::new();
        for i in 0..50 {
            let options = peerjournal::journal::review::ReviewOptions {
                volunteer: (i % 2 == 1).then(|| volunteers[i % volunteers.len()].clone()),
                quiet_weeks: 4,
                long_months: 12,
            };
            let t = Instant::now();
            std::hint::black_box(supervisor.review(&options)?);
            review.push(t.elapsed());
        }
        report("  review (every list)", &mut review, 200.0);
        let mut roster = Vec::new();
        for _ in 0..50 {
            let t = Instant::now();
            std::hint::black_box(supervisor.volunteers()?);
            roster.push(t.elapsed());
        }
        report("  volunteers' roster", &mut roster, 200.0);
        year_report("  year's report, all", &supervisor, None)?;
        if let Some(one) = volunteers.first() {
            year_report("  year's report, one of them", &supervisor, Some(one))?;
        }
    }
    Ok(())
}

/// Resets this process's peak resident memory (Linux), so the next reading
/// covers only what follows.
fn reset_peak_memory() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// Peak resident memory since the last reset, in MiB (0 where unknown).
fn peak_memory_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with("VmHWM:")).and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map(|kib| kib / 1024.0)
        .unwrap_or(0.0)
}
