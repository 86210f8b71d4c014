//! Realistic, varied synthetic journals: for trying the app, for
//! demonstrations and for the benchmarks. Everything here is invented; the
//! words follow the practice the journal is for (what the person chose to
//! focus on, strengths, small steps) rather than dwelling on problems.

use chrono::{Duration, NaiveDateTime};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use serde_json::{json, Value};

use crate::error::{Error, Result};
use crate::journal::Journal;
use crate::model::ids::RecordId;
use crate::model::kinds::Role;
use crate::model::kinds::{self, Fields, Kind};
use crate::sync::Progress;

/// What a demo run made.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Made {
    /// People added.
    pub people: usize,
    /// Services added to the directory.
    pub services: usize,
    /// Other records added.
    pub records: usize,
}

const FOCUS: &[&str] = &[
    "getting to the school gate on time",
    "a letter from the housing office",
    "feeling more confident at the baby group",
    "sleep, and asking for help at night",
    "planning meals on a tight budget",
    "talking to the health visitor",
    "getting out for a walk most days",
    "the new routine with the grandchildren",
    "filling in the benefits form together",
    "making a plan for the holidays",
    "reconnecting with an old friend",
    "what to say at the review meeting",
];
const STRENGTHS: &[&str] = &[
    "warm and patient with the children",
    "knows exactly what they want from the meeting",
    "kept going despite a hard week",
    "good humour",
    "asked for help early",
    "organised the paperwork beautifully",
    "honest about how things are",
    "a real eye for what the kids need",
];
const STEPS: &[&str] = &[
    "phoned the GP surgery without prompting",
    "went to the group on their own",
    "cooked a new recipe",
    "opened the post that had been waiting",
    "made it to every appointment this week",
    "set up a bedtime routine",
    "said no to something that was too much",
];
const NOTES: &[&str] = &[
    "Quiet start, then a good conversation over tea.",
    "Children were at school, so we had time to talk properly.",
    "Talked through options; they will decide by next week.",
    "Agreed to look at the food bank opening times together.",
    "Tired today but keen to keep the next visit.",
    "Lots of laughter. The garden is coming along.",
    "Practised what to say on the phone to the council.",
];
const SERVICES: &[(&str, &str)] = &[
    ("Northside Food Bank", "food"),
    ("Citizens Advice Riverside", "money and benefits"),
    ("Talking Therapies", "mental health"),
    ("Family Hub Eastgate", "family support"),
    ("Housing Options Team", "housing"),
    ("Carers Centre", "carers"),
    ("Community Library", "learning"),
    ("Credit Union", "money and benefits"),
    ("Parent and Toddler Group", "family support"),
    ("Walking for Health", "wellbeing"),
    ("Domestic Abuse Helpline", "safety"),
    ("Adult Learning College", "learning"),
];
const AREAS: &[&str] = &["Northside", "Riverside", "Eastgate", "Old Town", "Hillcrest"];
const LETTERS: &[u8] = b"ABCDEFGHJKLMNPRSTW";

/// Fills `journal`, a volunteer's, with `people` people and about `records`
/// other records, spread over the last two years. The same `seed` gives the
/// same journal. (A supervisor's journal holds what volunteers send it:
/// fill volunteers' journals and export them to it.) `progress` hears
/// (records made, records to make) as it goes.
pub fn fill(journal: &mut Journal, people: usize, records: usize, seed: u64, progress: Progress<'_>) -> Result<Made> {
    if journal.status()?.role != Role::Volunteer {
        return Err(Error::NotAllowed(
            "the demo fills a volunteer's journal: make one with the volunteer role, fill it, and export it to this one"
                .into(),
        ));
    }
    let mut rng = StdRng::seed_from_u64(seed);
    let now = kinds::local_now();
    let mut made = Made::default();

    let mut batch = Vec::new();
    for (name, category) in SERVICES {
        batch.push((
            Kind::Service,
            obj(json!({
                "name": name, "category": category, "area": AREAS.choose(&mut rng),
                "contact_details": format!("01632 {:06}", rng.gen_range(0..999_999)),
                "opening_times": "Mon–Fri 9:30–4:30",
            })),
        ));
    }
    let services = journal.add_batch(batch)?;
    made.services = services.len();

    let mut person_ids = Vec::with_capacity(people);
    for chunk in (0..people).collect::<Vec<_>>().chunks(1000) {
        let batch: Vec<_> = chunk
            .iter()
            .map(|i| {
                let a = LETTERS[i % LETTERS.len()] as char;
                let b = LETTERS[(i / LETTERS.len() + i * 7) % LETTERS.len()] as char;
                (
                    Kind::Person,
                    obj(json!({ "alias": format!("{a}.{b}. {}", i + 1), "consent": true,
                    "consent_date": date(now - Duration::days(rng.gen_range(30..730))) })),
                )
            })
            .collect();
        person_ids.extend(journal.add_batch(batch)?);
    }
    made.people = person_ids.len();
    if person_ids.is_empty() {
        return Ok(made);
    }

    let mut remaining = records;
    while remaining > 0 {
        let n = remaining.min(2000);
        let mut batch = Vec::with_capacity(n);
        for _ in 0..n {
            let person = person_ids.choose(&mut rng).map(RecordId::as_str).unwrap_or_default();
            let when = now - Duration::minutes(rng.gen_range(60..2 * 365 * 24 * 60));
            batch.push(record(&mut rng, person, &services, when));
        }
        journal.add_batch(batch)?;
        remaining -= n;
        made.records += n;
        progress(made.records as u64, records as u64);
    }
    journal.tidy_search_index()?;
    Ok(made)
}

fn obj(v: Value) -> Fields {
    v.as_object().cloned().unwrap_or_default()
}

fn date(t: NaiveDateTime) -> String {
    t.date().to_string()
}

fn stamp(t: NaiveDateTime) -> String {
    t.format("%Y-%m-%dT%H:%M").to_string()
}

fn pick<'a>(rng: &mut StdRng, from: &[&'a str]) -> &'a str {
    from.choose(rng).copied().unwrap_or_default()
}

/// One of a choice field's values.
fn choose(rng: &mut StdRng, from: &[kinds::Choice]) -> &'static str {
    from.choose(rng).map(|c| c.value).unwrap_or_default()
}

fn record(rng: &mut StdRng, person: &str, services: &[RecordId], when: NaiveDateTime) -> (Kind, Fields) {
    let roll = rng.gen_range(0..100);
    match roll {
        0..=71 => (
            Kind::Contact,
            obj(json!({
                "person": person, "at": stamp(when),
                "how": choose(rng, kinds::CONTACT_HOW), "minutes": rng.gen_range(10..=120),
                "focus": pick(rng, FOCUS), "strengths": pick(rng, STRENGTHS),
                "steps": pick(rng, STEPS), "notes": pick(rng, NOTES),
                "next_contact": stamp(when + Duration::days(rng.gen_range(5..15))),
            })),
        ),
        72..=80 => {
            let status = choose(rng, kinds::SIGNPOST_STATUS);
            let mut f = obj(json!({
                "person": person, "service": services.choose(rng), "at": date(when),
                "reason": format!("to help with {}", pick(rng, FOCUS)),
                "consent": status != "suggested", "accompanied": rng.gen_bool(0.3), "status": status,
                "reminder": date(when + Duration::days(14)),
            }));
            if status == "outcome" {
                f.insert("outcome".into(), json!("went along and got what they needed"));
            }
            (Kind::Signpost, f)
        }
        81..=85 => (
            Kind::BoundaryIssue,
            obj(json!({
                "person": person, "at": stamp(when), "category": choose(rng, kinds::BOUNDARY_ISSUE_KINDS),
                "what_happened": "asked for my personal number so we could text at weekends",
                "how_handled": "explained the project phone hours again, kindly", "flag": rng.gen_bool(0.4),
            })),
        ),
        86..=88 => (
            Kind::Concern,
            obj(json!({
                "person": person, "at": stamp(when), "category": choose(rng, kinds::CONCERN_KINDS),
                "urgency": choose(rng, kinds::URGENCY),
                "notes": "seemed very low and mentioned not eating properly",
                "told": "coordinator", "told_at": stamp(when + Duration::hours(1)),
            })),
        ),
        89..=93 => (
            Kind::Reflection,
            obj(json!({
                "at": stamp(when), "shared": rng.gen_bool(0.3),
                "text": "Found today's visit heavy; glad I can bring it to supervision.",
            })),
        ),
        94..=97 => (
            Kind::BoundaryAgreement,
            obj(json!({
                "person": person, "agreed_on": date(when),
                "rules": "Visits on weekdays, project phone only, no gifts or money, what is shared stays between us unless someone is at risk.",
                "review_on": date(when + Duration::days(90)),
            })),
        ),
        _ => (
            Kind::Ending,
            obj(json!({
                // Recent, so the demo is not erased by retention at the next unlock.
                "person": person, "on": date(kinds::local_now() - Duration::days(rng.gen_range(1..300))),
                "planned": rng.gen_bool(0.8),
                "summary": "Goals met; feeling ready to carry on without visits.",
                "onward": "Parent and Toddler Group",
            })),
        ),
    }
}
