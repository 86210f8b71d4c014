//! The funder report: a [`Report`] as it may leave the service, with small
//! counts held back, and its two renderings (a CSV table and a printable
//! page). The app shows the same [`SharedReport`] as a page to print.
//!
//! Invariants:
//! - Every count from 1 to 4 is shown as "fewer than 5" ([`Shown::FewerThanFive`]).
//! - No held-back count can be worked out exactly from what is shown. Each
//!   total and the parts that add up to it is a constraint (a breakdown; the
//!   months of an additive measure; a figure under "Also" and what is left of
//!   its total, which is never shown but could be worked out), and a reader
//!   knows that "fewer than 5" is 1 to 4 and "hidden" at least 5. The range
//!   each figure held back could take is narrowed through every constraint;
//!   while one of 1 to 4 comes out exact, the smallest figure shown beside
//!   it (or, failing that, beside what pins it down) is held back too
//!   ([`Shown::Hidden`]). The hours and the people of a month (or of the
//!   period) are held back with its contacts, and they too are never left
//!   exact.
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
    /// The group as people call it: "Phone call", "Not recorded", a
    /// service's category as written (for a total or a month, the group).
    pub label: String,
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

/// The "Also" figures, each a part of another total.
const SUBSETS: [(&str, &str); 4] = [
    ("referrals accompanied", "referrals"),
    ("concerns open", "concerns"),
    ("boundary issues flagged", "boundary issues"),
    ("planned endings", "endings"),
];

/// The measures whose months add up to the period's total (people do not:
/// one person may be seen in many months).
const ADDITIVE: [&str; 6] = ["contacts", "minutes", "referrals", "concerns", "boundary issues", "endings"];

impl Report {
    /// The report as it may be shared: small counts held back (see the
    /// module's invariants).
    pub fn for_sharing(&self, kept_by: &str) -> SharedReport {
        let mut cells = Cells::default();
        let totals: Vec<(&str, usize)> = TOTALS.iter().filter_map(|m| Some((*m, cells.add(self.total(m)?)))).collect();
        let total_of = |measure: &str| totals.iter().find(|(m, _)| *m == measure).map(|(_, i)| *i);
        let mut groups = Vec::new();
        let mut links = Vec::new();
        for with_contacts in ["minutes", "people"] {
            if let (Some(figure), Some(contacts)) = (total_of(with_contacts), total_of("contacts")) {
                links.push((figure, contacts));
            }
        }
        // Each "Also" figure and the rest of its total: never shown, but a
        // reader could work it out.
        for (part, of) in SUBSETS {
            if let (Some(part), Some(total)) = (total_of(part), total_of(of)) {
                let rest = cells.values[total].saturating_sub(cells.values[part]);
                groups.push((total, vec![part, cells.add_unseen(rest)]));
            }
        }

        let breakdowns: Vec<Indexed> = self
            .breakdowns()
            .iter()
            .map(|b| {
                let (section, measure) = (b.section, b.measure);
                let parts: Vec<(String, String, usize)> =
                    b.parts.iter().map(|(g, n)| (g.clone(), b.label(g), cells.add(*n))).collect();
                let total = total_of(measure)
                    .unwrap_or_else(|| cells.add(parts.iter().map(|(_, _, i)| cells.values[*i]).sum()));
                groups.push((total, parts.iter().map(|(_, _, i)| *i).collect::<Vec<_>>()));
                (section, measure, total, parts)
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
            for with_contacts in ["minutes", "people"] {
                if let (Some(figure), Some(contacts)) = (row.get(column(with_contacts)), row.get(column("contacts"))) {
                    links.push((*figure, *contacts));
                }
            }
        }

        cells.hold_back(&groups, &links);
        let figure = |group: &str, label: &str, measure: &str, i: usize| SharedFigure {
            group: group.to_string(),
            label: label.to_string(),
            measure: measure.to_string(),
            shown: cells.shown[i],
        };
        let mut shared = SharedReport {
            period: self.period_words(),
            made_on: self.made_at.get(..10).unwrap_or(&self.made_at).to_string(),
            kept_by: kept_by.to_string(),
            in_short: String::new(),
            held_back: HELD_BACK.to_string(),
            totals: totals.iter().map(|(m, i)| figure("all", "All", m, *i)).collect(),
            also: Vec::new(),
            breakdowns: breakdowns
                .iter()
                .map(|(section, measure, total, parts)| SharedBreakdown {
                    section: section.to_string(),
                    measure: measure.to_string(),
                    total: cells.shown[*total],
                    parts: parts.iter().map(|(g, label, i)| figure(g, label, measure, *i)).collect(),
                })
                .collect(),
            months: months
                .iter()
                .map(|(month, row)| row.iter().zip(MONTH_MEASURES).map(|(i, m)| figure(month, month, m, *i)).collect())
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
    fn total(&self, measure: &str) -> Option<u32> {
        Some(match measure {
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
            "planned endings" => self.endings_planned,
            _ => return None,
        })
    }
}

impl Month {
    /// The month's figures, in [`MONTH_MEASURES`] order.
    fn figures(&self) -> [u32; 7] {
        [self.people, self.contacts, self.minutes, self.signposts, self.concerns, self.boundary_issues, self.endings]
    }
}

/// A breakdown by the places of its figures in [`Cells`]: section, measure,
/// total, and each part's group and label.
type Indexed<'r> = (&'r str, &'r str, usize, Vec<(String, String, usize)>);

/// Every figure of a report once (and the figures a reader could work
/// out without being shown them), and what is shown of each.
#[derive(Default)]
struct Cells {
    values: Vec<u32>,
    shown: Vec<Shown>,
    /// False for a figure never shown (the rest of a total under "Also").
    visible: Vec<bool>,
    /// Held back only because a count it goes with is (hours, people).
    linked: Vec<bool>,
}

/// A bound no figure reaches.
const UNBOUNDED: i64 = i64::MAX / 4;

impl Cells {
    fn add(&mut self, value: u32) -> usize {
        self.values.push(value);
        self.shown.push(if (1..5).contains(&value) { Shown::FewerThanFive } else { Shown::Count(value) });
        self.visible.push(true);
        self.linked.push(false);
        self.values.len() - 1
    }

    fn add_unseen(&mut self, value: u32) -> usize {
        let i = self.add(value);
        self.visible[i] = false;
        i
    }

    fn is_shown(&self, i: usize) -> bool {
        self.visible[i] && matches!(self.shown[i], Shown::Count(_))
    }

    /// What a reader knows of figure `i` before working anything out.
    fn known(&self, i: usize) -> (i64, i64) {
        match (self.visible[i], self.shown[i]) {
            (false, _) => (0, UNBOUNDED),
            (true, Shown::Count(n)) => (i64::from(n), i64::from(n)),
            (true, Shown::FewerThanFive) => (1, 4),
            (true, Shown::Hidden) if self.linked[i] => (0, UNBOUNDED),
            (true, Shown::Hidden) => (5, UNBOUNDED),
        }
    }

    /// The range each figure could take, narrowed through every group
    /// (a total is the sum of its parts) until nothing narrows further.
    fn ranges(&self, groups: &[(usize, Vec<usize>)]) -> Vec<(i64, i64)> {
        let mut range: Vec<(i64, i64)> = (0..self.values.len()).map(|i| self.known(i)).collect();
        for _ in 0..64 {
            let mut narrowed = false;
            for (total, parts) in groups.iter().filter(|(_, parts)| !parts.is_empty()) {
                let (lo_sum, hi_sum) = parts.iter().fold((0i64, 0i64), |(lo, hi), p| {
                    (lo.saturating_add(range[*p].0), hi.saturating_add(range[*p].1).min(UNBOUNDED))
                });
                let (t_lo, t_hi) = range[*total];
                let t = (t_lo.max(lo_sum), t_hi.min(hi_sum));
                narrowed |= t != range[*total];
                range[*total] = t;
                for p in parts {
                    let (p_lo, p_hi) = range[*p];
                    let others_hi = if p_hi >= UNBOUNDED || hi_sum >= UNBOUNDED {
                        parts.iter().filter(|q| *q != p).fold(0i64, |s, q| s.saturating_add(range[*q].1).min(UNBOUNDED))
                    } else {
                        hi_sum.saturating_sub(p_hi)
                    };
                    let others_lo = lo_sum.saturating_sub(p_lo);
                    let lo = if others_hi >= UNBOUNDED { p_lo } else { p_lo.max(t.0.saturating_sub(others_hi)) };
                    let hi = if t.1 >= UNBOUNDED { p_hi } else { p_hi.min(t.1.saturating_sub(others_lo)) };
                    narrowed |= (lo, hi) != (p_lo, p_hi);
                    range[*p] = (lo, hi);
                }
            }
            if !narrowed {
                break;
            }
        }
        range
    }

    /// Holds back what would let a figure held back be worked out exactly
    /// (see the module's invariants): `groups` are totals with the parts
    /// that add up to them, `links` figures to hold back with another.
    /// Each round holds back one more figure, so it ends.
    fn hold_back(&mut self, groups: &[(usize, Vec<usize>)], links: &[(usize, usize)]) {
        loop {
            for &(figure, with) in links {
                if !self.is_shown(with) && self.is_shown(figure) {
                    self.shown[figure] = Shown::Hidden;
                    self.linked[figure] = true;
                }
            }
            let range = self.ranges(groups);
            let exact = |i: usize| range[i].0 == range[i].1;
            let given_away: Vec<usize> = (0..self.values.len())
                .filter(|&i| !self.is_shown(i) && exact(i))
                .filter(|&i| (1..5).contains(&self.values[i]) || (self.linked[i] && self.values[i] > 0))
                .collect();
            if given_away.is_empty() {
                return;
            }
            match self.next_to_hold(&given_away, groups, &exact) {
                Some(i) => self.shown[i] = Shown::Hidden,
                None => return,
            }
        }
    }

    /// The smallest figure shown in a group with a figure given away; if
    /// there is none, in a group with what pins that group down (a figure
    /// held back but worked out exactly), and so on outwards.
    fn next_to_hold(
        &self,
        given_away: &[usize],
        groups: &[(usize, Vec<usize>)],
        exact: &dyn Fn(usize) -> bool,
    ) -> Option<usize> {
        let mut frontier = given_away.to_vec();
        let mut looked = vec![false; groups.len()];
        while !frontier.is_empty() {
            let mut candidates = Vec::new();
            let mut next = Vec::new();
            for (g, (total, parts)) in groups.iter().enumerate() {
                let members: Vec<usize> = std::iter::once(*total).chain(parts.iter().copied()).collect();
                if looked[g] || !members.iter().any(|m| frontier.contains(m)) {
                    continue;
                }
                looked[g] = true;
                for m in members {
                    if self.is_shown(m) && self.values[m] > 0 {
                        candidates.push(m);
                    } else if !self.is_shown(m) && exact(m) && !frontier.contains(&m) {
                        next.push(m);
                    }
                }
            }
            if let Some(smallest) = candidates.into_iter().min_by_key(|m| self.values[*m]) {
                return Some(smallest);
            }
            frontier = next;
        }
        None
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
            table(&mut out, &title, &mut b.parts.iter().map(|f| (f.label.as_str(), f.shown)));
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

    /// Whether a figure as shown could be `n`, as a reader knows the words.
    fn could_be(shown: Shown, n: u32) -> bool {
        match shown {
            Shown::Count(v) => v == n,
            Shown::FewerThanFive => (1..5).contains(&n),
            Shown::Hidden => n >= 5,
        }
    }

    #[test]
    fn no_count_under_5_can_be_worked_out_exactly_by_trying_every_possibility() {
        // Every report of contacts by three kinds (0 to 8 each) in one
        // month: a reader who tries every value each figure held back could
        // take, within what the total and the month say, finds at least two
        // for each count from 1 to 4.
        for a in 0..9u32 {
            for b in 0..9u32 {
                for c in 0..9u32 {
                    let contacts = a + b + c;
                    let report = Report {
                        people: 0,
                        contacts,
                        contacts_by_how: BTreeMap::from([("a".into(), a), ("b".into(), b), ("c".into(), c)]),
                        months: if contacts == 0 { vec![] } else { vec![month("2026-01", 0, contacts, 0)] },
                        ..Report::default()
                    };
                    let shared = report.for_sharing("x");
                    let parts: Vec<Shown> = shared.breakdowns[0].parts.iter().map(|f| f.shown).collect();
                    let (total, in_month) = (shared.breakdowns[0].total, shared.months.first().map(|r| r[1].shown));
                    let mut seen: [std::collections::BTreeSet<u32>; 3] = Default::default();
                    for x in 0..40 {
                        for y in 0..40 {
                            for z in 0..40 {
                                let sum = x + y + z;
                                let fits = could_be(parts[0], x)
                                    && could_be(parts[1], y)
                                    && could_be(parts[2], z)
                                    && could_be(total, sum)
                                    && in_month.is_none_or(|m| could_be(m, sum));
                                if fits {
                                    for (set, v) in seen.iter_mut().zip([x, y, z]) {
                                        set.insert(v);
                                    }
                                }
                            }
                        }
                    }
                    for (i, value) in [a, b, c].into_iter().enumerate() {
                        if (1..5).contains(&value) {
                            assert!(
                                seen[i].len() > 1,
                                "{a} {b} {c}: part {i} can only be {:?} ({parts:?} of {total:?})",
                                seen[i]
                            );
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn what_the_review_found_gives_nothing_away() {
        let held = |s: Shown| !matches!(s, Shown::Count(_));
        // 6 contacts, 5 home visits and 1 phone call: "hidden" is at least
        // 5, so the total goes too, and the month that would pin it.
        let r = Report {
            people: 2,
            contacts: 6,
            minutes: 300,
            contacts_by_how: BTreeMap::from([("home-visit".into(), 5), ("phone".into(), 1)]),
            months: vec![month("2026-01", 2, 6, 300)],
            ..Report::default()
        }
        .for_sharing("x");
        assert!(held(r.breakdowns[0].total) && held(r.months[0][1].shown), "{r:?}");
        assert!(held(r.total("minutes")), "the hours go with the contacts");
        // A month's people go with its contacts: 9 people in a month of 9
        // contacts would say the other month had at most 1.
        let r = Report {
            people: 10,
            contacts: 10,
            months: vec![month("2026-01", 9, 9, 0), month("2026-02", 1, 1, 0)],
            ..Report::default()
        }
        .for_sharing("x");
        assert_eq!((r.months[0][0].shown, r.months[0][1].shown), (Shown::Hidden, Shown::Hidden), "{r:?}");
        // 8 endings, 5 planned: the 3 others would be there to work out.
        let r = Report { endings: 8, endings_planned: 5, ..Report::default() }.for_sharing("x");
        assert!(held(r.total("planned endings")), "{r:?}");
        let r = Report { endings: 8, endings_planned: 8, ..Report::default() }.for_sharing("x");
        assert_eq!(r.total("planned endings"), Shown::Count(8), "none left to give away");
        // Five parts of 1 under a total of 5, or two of 4 under 8.
        for parts in [vec![1, 1, 1, 1, 1], vec![4, 4]] {
            let contacts = parts.iter().sum();
            let how = parts.iter().enumerate().map(|(i, n)| (format!("k{i}"), *n)).collect();
            let r = Report { contacts, contacts_by_how: how, ..Report::default() }.for_sharing("x");
            assert!(held(r.breakdowns[0].total), "{parts:?}: {r:?}");
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
        assert!(page.contains("<td>Phone call</td><td class=\"n\">fewer than 5</td>"), "{page}");
        assert!(page.contains("Fewer than 5” stands for a count from 1 to 4"), "{page}");
        let few = Report { people: 1, contacts: 3, minutes: 180, ..Report::default() }.for_sharing("Morgan");
        assert_eq!(
            few.in_short,
            "Fewer than 5 people supported through fewer than 5 contacts (their hours held back with them)."
        );
    }
}
