//! The funder report: a [`Report`] as it may leave the service, with small
//! counts held back, and its two renderings (a CSV table and a printable
//! page). The app shows the same [`SharedReport`] as a page to print.
//!
//! Invariants:
//! - Every count from 1 to 4 is shown as "fewer than 5" ([`Shown::FewerThanFive`]).
//! - No held-back count can be worked out from the others: where a total and
//!   its parts are all shown but one, the smallest other part is held back
//!   too ([`Shown::Hidden`]), so every total with a part held back has at
//!   least two. The hours of a month (or of the period) are held back with
//!   its contacts.
//! - Zero is shown: nothing happened, and no one can be recognised by it.
//!
//! What it does not do: the supervisor's own working view ([`Report`], the
//! app's charts and `report --json`) stays unsuppressed.

use std::fmt::Write as _;

use serde::Serialize;
use ts_rs::TS;

use crate::reports::access::{capitalise, escape};
use crate::reports::report::{Month, Report};

/// A figure as it may be shown outside the service.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum Shown {
    /// The figure itself: zero, or five and over.
    Count(u32),
    /// A count from 1 to 4, held back so that no one can be recognised.
    FewerThanFive,
    /// A larger figure held back so that a smaller one cannot be worked out
    /// by taking the others from a total.
    Hidden,
}

impl Shown {
    /// The figure in words, as the CSV and the page show it.
    pub fn words(self) -> String {
        match self {
            Shown::Count(n) => n.to_string(),
            Shown::FewerThanFive => "fewer than 5".into(),
            Shown::Hidden => "hidden".into(),
        }
    }

    /// A number of minutes as hours (one decimal), or why it is held back.
    pub fn hours(self) -> String {
        match self {
            Shown::Count(minutes) => format!("{:.1}", f64::from(minutes) / 60.0),
            other => other.words(),
        }
    }
}

/// One figure of the shared report: what is counted, in which group.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SharedFigure {
    /// The group: "all" for a total, a contact kind, a month (YYYY-MM), …
    pub group: String,
    /// What is counted: "people", "contacts", "minutes", …
    pub measure: String,
    /// The figure, or why it is held back.
    pub shown: Shown,
}

/// One breakdown: a total and its parts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SharedBreakdown {
    /// What the parts are by: "contact kind", "service category", …
    pub section: String,
    /// What is counted: "contacts", "referrals", …
    pub measure: String,
    /// The total of the parts.
    pub total: Shown,
    /// The parts, each a group of the section.
    pub parts: Vec<SharedFigure>,
}

/// A line of words with its figure (the page's "Also").
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SharedLine {
    /// What the figure is, in words.
    pub label: String,
    /// The figure, or why it is held back.
    pub shown: Shown,
}

/// A de-identified summary of a period as it may be shared with a funder.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SharedReport {
    /// The period in words ("all records", "2026-01-01 to 2026-03-31", …).
    pub period: String,
    /// The day it was made (YYYY-MM-DD).
    pub made_on: String,
    /// The name of the journal it was made from.
    pub kept_by: String,
    /// The headline in one sentence.
    pub in_short: String,
    /// What "fewer than 5" and "hidden" mean.
    pub held_back: String,
    /// The period's totals: people, contacts, minutes, referrals, …
    pub totals: Vec<SharedFigure>,
    /// Totals of parts of what was counted, in words: referrals where the
    /// volunteer went along, concerns not yet acknowledged, …
    pub also: Vec<SharedLine>,
    /// The breakdowns, each with its total.
    pub breakdowns: Vec<SharedBreakdown>,
    /// Month by month, oldest first: each month's figures, in [`MONTH_MEASURES`] order.
    pub months: Vec<Vec<SharedFigure>>,
}

/// The period's totals, in the order the CSV and the page give them.
const TOTALS: [&str; 11] = [
    "people",
    "contacts",
    "minutes",
    "referrals",
    "concerns",
    "boundary issues",
    "referrals accompanied",
    "concerns open",
    "boundary issues flagged",
    "endings",
    "planned endings",
];

/// What each month counts, in order (the columns of the month table).
pub const MONTH_MEASURES: [&str; 7] =
    ["people", "contacts", "minutes", "referrals", "concerns", "boundary issues", "endings"];

/// The measures whose months add up to the period's total (people do not:
/// one person may be seen in many months).
const ADDITIVE: [&str; 6] = ["contacts", "minutes", "referrals", "concerns", "boundary issues", "endings"];

impl Report {
    /// The report as it may be shared: small counts held back (see the
    /// module's invariants).
    pub fn for_sharing(&self, kept_by: &str) -> SharedReport {
        let mut cells = Cells::default();
        let totals: Vec<(&str, usize)> = TOTALS.iter().map(|m| (*m, cells.add(self.total(m)))).collect();
        let total_of = |measure: &str| totals.iter().find(|(m, _)| *m == measure).map(|(_, i)| *i);
        let mut groups = Vec::new();
        let mut links = Vec::new();
        if let (Some(minutes), Some(contacts)) = (total_of("minutes"), total_of("contacts")) {
            links.push((minutes, contacts));
        }

        let breakdowns: Vec<Indexed> = self
            .breakdowns()
            .iter()
            .map(|(section, measure, _, parts)| {
                let parts: Vec<(String, usize)> = parts.iter().map(|(g, n)| (g.clone(), cells.add(*n))).collect();
                let total = total_of(measure).unwrap_or_default();
                groups.push((total, parts.iter().map(|(_, i)| *i).collect::<Vec<_>>()));
                (*section, *measure, total, parts)
            })
            .collect();

        let months: Vec<(String, Vec<usize>)> = self
            .months
            .iter()
            .map(|m| (m.month.clone(), m.figures().iter().map(|n| cells.add(*n)).collect()))
            .collect();
        for (column, measure) in MONTH_MEASURES.iter().enumerate() {
            if let (true, Some(total)) = (ADDITIVE.contains(measure), total_of(measure)) {
                groups.push((total, months.iter().filter_map(|(_, row)| row.get(column).copied()).collect()));
            }
        }
        let column = |measure: &str| MONTH_MEASURES.iter().position(|m| *m == measure).unwrap_or_default();
        for (_, row) in &months {
            if let (Some(minutes), Some(contacts)) = (row.get(column("minutes")), row.get(column("contacts"))) {
                links.push((*minutes, *contacts));
            }
        }

        cells.hold_back(&groups, &links);
        let figure = |group: &str, measure: &str, i: usize| SharedFigure {
            group: group.to_string(),
            measure: measure.to_string(),
            shown: cells.shown[i],
        };
        let mut shared = SharedReport {
            period: self.period_words(),
            made_on: self.made_at.get(..10).unwrap_or(&self.made_at).to_string(),
            kept_by: kept_by.to_string(),
            in_short: String::new(),
            held_back: HELD_BACK.to_string(),
            totals: totals.iter().map(|(m, i)| figure("all", m, *i)).collect(),
            also: Vec::new(),
            breakdowns: breakdowns
                .iter()
                .map(|(section, measure, total, parts)| SharedBreakdown {
                    section: section.to_string(),
                    measure: measure.to_string(),
                    total: cells.shown[*total],
                    parts: parts.iter().map(|(g, i)| figure(g, measure, *i)).collect(),
                })
                .collect(),
            months: months
                .iter()
                .map(|(month, row)| row.iter().zip(MONTH_MEASURES).map(|(i, m)| figure(month, m, *i)).collect())
                .collect(),
        };
        let hours = match shared.total("minutes") {
            Shown::Count(_) => format!(", {} hours in all.", shared.total("minutes").hours()),
            _ => " (their hours held back with them).".to_string(),
        };
        shared.in_short = format!(
            "{} people supported through {} contacts{hours}",
            capitalise(&shared.total("people").words()),
            shared.total("contacts").words(),
        );
        shared.also = ALSO
            .iter()
            .map(|(measure, label)| SharedLine { label: label.to_string(), shown: shared.total(measure) })
            .collect();
        shared
    }

    /// One of the period's totals by its name in [`TOTALS`].
    fn total(&self, measure: &str) -> u32 {
        match measure {
            "people" => self.people,
            "contacts" => self.contacts,
            "minutes" => self.minutes,
            "referrals" => self.signposts,
            "concerns" => self.concerns,
            "boundary issues" => self.boundary_issues,
            "referrals accompanied" => self.signposts_accompanied,
            "concerns open" => self.concerns_open,
            "boundary issues flagged" => self.boundary_issues_flagged,
            "endings" => self.endings,
            _ => self.endings_planned,
        }
    }
}

impl Month {
    /// The month's figures, in [`MONTH_MEASURES`] order.
    fn figures(&self) -> [u32; 7] {
        [self.people, self.contacts, self.minutes, self.signposts, self.concerns, self.boundary_issues, self.endings]
    }
}

/// A breakdown by the places of its figures in [`Cells`]: section, measure,
/// total, and each part's group.
type Indexed<'r> = (&'r str, &'r str, usize, Vec<(String, usize)>);

/// Every figure of a report once, and what is shown of each.
#[derive(Default)]
struct Cells {
    values: Vec<u32>,
    shown: Vec<Shown>,
}

impl Cells {
    fn add(&mut self, value: u32) -> usize {
        self.values.push(value);
        self.shown.push(if (1..5).contains(&value) { Shown::FewerThanFive } else { Shown::Count(value) });
        self.values.len() - 1
    }

    fn is_shown(&self, i: usize) -> bool {
        matches!(self.shown[i], Shown::Count(_))
    }

    /// Holds back what would let a count already held back be worked out:
    /// `groups` are totals with the parts that add up to them, `links`
    /// figures to hold back with another (hours with their contacts).
    /// Repeats until nothing changes; each round holds back at least one
    /// more figure, so it ends.
    fn hold_back(&mut self, groups: &[(usize, Vec<usize>)], links: &[(usize, usize)]) {
        loop {
            let mut changed = false;
            for &(figure, with) in links {
                if !self.is_shown(with) && self.is_shown(figure) {
                    self.shown[figure] = Shown::Hidden;
                    changed = true;
                }
            }
            for (total, parts) in groups {
                let held = std::iter::once(total).chain(parts).filter(|i| !self.is_shown(**i)).count();
                if held != 1 {
                    continue;
                }
                // The smallest part still shown that is not nothing; failing
                // that, the total.
                let next = parts
                    .iter()
                    .copied()
                    .filter(|i| self.is_shown(*i) && self.values[*i] > 0)
                    .min_by_key(|i| self.values[*i])
                    .or_else(|| self.is_shown(*total).then_some(*total));
                if let Some(i) = next {
                    self.shown[i] = Shown::Hidden;
                    changed = true;
                }
            }
            if !changed {
                return;
            }
        }
    }
}

impl SharedReport {
    /// One of the totals by name ("people", "contacts", "minutes", …).
    pub fn total(&self, measure: &str) -> Shown {
        self.totals.iter().find(|f| f.measure == measure).map(|f| f.shown).unwrap_or(Shown::Count(0))
    }

    /// The report as one tidy CSV table: `section,group,measure,value`,
    /// where a value held back reads "fewer than 5" or "hidden".
    pub fn to_csv(&self) -> String {
        let mut out = String::from("section,group,measure,value\r\n");
        let mut row = |section: &str, f: &SharedFigure| {
            let _ = write!(
                out,
                "{},{},{},{}\r\n",
                csv_field(section),
                csv_field(&f.group),
                csv_field(&f.measure),
                f.shown.words()
            );
        };
        for f in &self.totals {
            row("total", f);
        }
        for b in &self.breakdowns {
            for f in &b.parts {
                row(&b.section, f);
            }
        }
        for f in self.months.iter().flatten() {
            row("month", f);
        }
        out
    }

    /// The report as a printable HTML page.
    pub fn to_html(&self) -> String {
        let mut out = String::new();
        let _ = write!(
            out,
            "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Summary: {p}</title>\
             <style>body{{font:16px/1.5 system-ui,sans-serif;max-width:50rem;margin:2rem auto;padding:0 1rem;\
             color:#1d2a2a}}h1{{font-size:1.6rem}}h2{{font-size:1.15rem;margin-top:1.5rem}}\
             table{{border-collapse:collapse;margin:.5rem 0;break-inside:avoid}}\
             th,td{{border-bottom:1px solid #ccc;padding:.2rem .8rem;text-align:left}}\
             td.n,th.n{{text-align:right;font-variant-numeric:tabular-nums}}</style></head><body>\
             <h1>Summary of the service: {p}</h1>\
             <p>From the journal kept by {k}, made on {d}. Counts only: no names, initials or notes.</p>\
             <p>{held}</p>",
            p = escape(&self.period),
            k = escape(&self.kept_by),
            d = escape(&self.made_on),
            held = escape(&self.held_back),
        );
        let table = |out: &mut String, title: &str, rows: &mut dyn Iterator<Item = (&str, Shown)>| {
            let _ = write!(out, "<h2>{}</h2><table>", escape(title));
            for (label, shown) in rows {
                let _ = write!(out, "<tr><td>{}</td><td class=\"n\">{}</td></tr>", escape(label), shown.words());
            }
            out.push_str("</table>");
        };
        let _ = write!(out, "<h2>In short</h2><p>{}</p>", escape(&self.in_short));
        for b in &self.breakdowns {
            let title = format!("{} by {} ({})", capitalise(&b.measure), b.section, b.total.words());
            table(&mut out, &title, &mut b.parts.iter().map(|f| (f.group.as_str(), f.shown)));
        }
        table(&mut out, "Also", &mut self.also.iter().map(|l| (l.label.as_str(), l.shown)));
        if !self.months.is_empty() {
            out.push_str("<h2>Month by month</h2><table><tr><th>Month</th>");
            for measure in MONTH_MEASURES {
                let _ = write!(out, "<th class=\"n\">{}</th>", escape(&capitalise(measure)));
            }
            out.push_str("</tr>");
            for row in &self.months {
                let month = row.first().map(|f| f.group.as_str()).unwrap_or_default();
                let _ = write!(out, "<tr><td>{}</td>", escape(month));
                for f in row {
                    let _ = write!(out, "<td class=\"n\">{}</td>", f.shown.words());
                }
                out.push_str("</tr>");
            }
            out.push_str("</table>");
        }
        out.push_str("</body></html>\n");
        out
    }
}

/// What "fewer than 5" and "hidden" mean, said on the page.
const HELD_BACK: &str = "“Fewer than 5” stands for a count from 1 to 4, held back so that no one can be \
     recognised from it; “hidden” is a larger figure held back so that a smaller one cannot be worked out from a total.";

/// The totals the page lists under "Also", with the words it uses for them.
const ALSO: [(&str, &str); 5] = [
    ("referrals accompanied", "referrals where the volunteer went along"),
    ("concerns open", "concerns not yet acknowledged"),
    ("boundary issues flagged", "boundary issues flagged for supervision"),
    ("endings", "endings"),
    ("planned endings", "of which planned"),
];

/// One CSV field: quoted when it must be, and never read by a spreadsheet
/// as a formula (a service category is free text).
fn csv_field(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{s}") } else { s.to_string() };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    #[test]
    fn csv_fields_are_quoted_and_never_formulas() {
        assert_eq!(csv_field("food"), "food");
        assert_eq!(csv_field("money, debt"), "\"money, debt\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("=HYPERLINK(1)"), "'=HYPERLINK(1)");
        assert_eq!(csv_field("-1"), "'-1");
    }

    fn month(month: &str, people: u32, contacts: u32, minutes: u32) -> Month {
        Month { month: month.into(), people, contacts, minutes, ..Month::default() }
    }

    /// 23 contacts (home visits 20, phone 3) in two months (20 and 3).
    fn small() -> Report {
        Report {
            people: 7,
            contacts: 23,
            minutes: 1_200,
            contacts_by_how: BTreeMap::from([("home-visit".into(), 20), ("phone".into(), 3)]),
            signposts: 6,
            signposts_by_status: BTreeMap::from([("suggested".into(), 6)]),
            signposts_by_category: BTreeMap::from([
                ("food".into(), 2),
                ("housing".into(), 2),
                ("money".into(), 2),
                ("not recorded".into(), 0),
            ]),
            endings: 2,
            endings_planned: 2,
            months: vec![month("2026-09", 6, 20, 1_100), month("2026-10", 2, 3, 100)],
            ..Report::default()
        }
    }

    #[test]
    fn counts_from_one_to_four_are_held_back_and_zero_and_five_are_not() {
        let mut cells = Cells::default();
        let shown: Vec<Shown> = [0, 1, 4, 5, 120]
            .iter()
            .map(|n| {
                let i = cells.add(*n);
                cells.shown[i]
            })
            .collect();
        assert_eq!(
            shown,
            [Shown::Count(0), Shown::FewerThanFive, Shown::FewerThanFive, Shown::Count(5), Shown::Count(120)]
        );
    }

    #[test]
    fn no_held_back_count_can_be_worked_out_from_a_total() {
        let shared = small().for_sharing("Morgan");
        let kinds = &shared.breakdowns[0];
        assert_eq!(kinds.section, "contact kind");
        assert_eq!(kinds.total, Shown::Count(23));
        // 3 phone calls are fewer than 5; the 20 home visits would give
        // them away (23 - 20), so they are hidden too.
        let parts: Vec<Shown> = kinds.parts.iter().map(|f| f.shown).collect();
        assert_eq!(parts, [Shown::Hidden, Shown::FewerThanFive]);
        // Months: October's 3 contacts, and September's 20 with them; the
        // hours go with the contacts.
        let months: Vec<(Shown, Shown)> = shared.months.iter().map(|row| (row[1].shown, row[2].shown)).collect();
        assert_eq!(months, [(Shown::Hidden, Shown::Hidden), (Shown::FewerThanFive, Shown::Hidden)]);
        assert_eq!((shared.total("contacts"), shared.total("minutes")), (Shown::Count(23), Shown::Count(1_200)));
        // Parts all fewer than 5 under a total of 6: already two or more
        // held back; zero stays zero; one part under a total: both held.
        let categories: Vec<Shown> = shared.breakdowns[1].parts.iter().map(|f| f.shown).collect();
        assert_eq!(categories, [Shown::FewerThanFive, Shown::FewerThanFive, Shown::FewerThanFive, Shown::Count(0)]);
        assert_eq!(shared.breakdowns[2].parts[0].shown, Shown::Count(6));
        assert_eq!(
            (shared.total("endings"), shared.total("planned endings")),
            (Shown::FewerThanFive, Shown::FewerThanFive)
        );
    }

    #[test]
    fn every_group_with_a_figure_held_back_has_two() {
        // Whatever the figures, no total is left with exactly one part held
        // back (checked over many small reports).
        for seed in 0..500u32 {
            let n = |k: u32| seed.wrapping_mul(2_654_435_761).rotate_left(k) % 9;
            let by_how = BTreeMap::from([("a".into(), n(1)), ("b".into(), n(5)), ("c".into(), n(9) * 3)]);
            let contacts: u32 = by_how.values().sum();
            let m1 = n(13).min(contacts);
            let report = Report {
                contacts,
                minutes: contacts * 30,
                contacts_by_how: by_how,
                months: vec![
                    month("2026-01", 1, m1, m1 * 30),
                    month("2026-02", 1, contacts - m1, (contacts - m1) * 30),
                ],
                ..Report::default()
            };
            let shared = report.for_sharing("x");
            let held = |s: Shown| !matches!(s, Shown::Count(_));
            let kinds = &shared.breakdowns[0];
            let count =
                std::iter::once(kinds.total).chain(kinds.parts.iter().map(|f| f.shown)).filter(|s| held(*s)).count();
            assert_ne!(count, 1, "seed {seed}: {kinds:?}");
            let column = |c: usize| {
                std::iter::once(shared.totals[c].shown)
                    .chain(shared.months.iter().map(|r| r[c].shown))
                    .filter(|s| held(*s))
                    .count()
            };
            assert_ne!(column(1), 1, "seed {seed}: contacts by month");
            assert_ne!(column(2), 1, "seed {seed}: minutes by month");
        }
    }

    #[test]
    fn the_csv_and_the_page_say_fewer_than_5_and_hidden() {
        let shared = small().for_sharing("Morgan");
        let csv = shared.to_csv();
        assert!(csv.starts_with("section,group,measure,value\r\n"), "{csv}");
        assert!(csv.contains("total,all,contacts,23\r\n"), "{csv}");
        assert!(csv.contains("contact kind,phone,contacts,fewer than 5\r\n"), "{csv}");
        assert!(csv.contains("contact kind,home-visit,contacts,hidden\r\n"), "{csv}");
        assert!(csv.contains("month,2026-10,minutes,hidden\r\n"), "{csv}");
        assert!(csv.contains("total,all,endings,fewer than 5\r\n"), "{csv}");
        for digit in ["contacts,3\r", "contacts,20\r", "endings,2\r"] {
            assert!(!csv.contains(digit), "{digit:?} is in the CSV: {csv}");
        }
        let page = shared.to_html();
        assert!(page.contains("7 people supported through 23 contacts, 20.0 hours in all."), "{page}");
        assert!(page.contains("<td>phone</td><td class=\"n\">fewer than 5</td>"), "{page}");
        assert!(page.contains("Fewer than 5” stands for a count from 1 to 4"), "{page}");
        let few = Report { people: 1, contacts: 3, minutes: 180, ..Report::default() }.for_sharing("Morgan");
        assert_eq!(
            few.in_short,
            "Fewer than 5 people supported through fewer than 5 contacts (their hours held back with them)."
        );
    }
}
