// Route "charts", a supervisor's charts: what the records of a period add
// up to, for every volunteer or one (by the journal that wrote each record).
// A small form chooses whose and which period (the last 12 months to start:
// this month and the 11 before); the headline figures come first, then four
// charts, each with its table: contacts and hours month by month, how people
// were in touch, and signposts by kind of service and by where they got to.
// Counts only, from the core's de-identified report; no one is named. Under
// them, the whole journal's funder report of the period, naming no one and
// with small counts held back: opened as a page to print (FunderReport.tsx),
// or saved into the files folder. The chosen period stays
// while the journal is open; the volunteer is kept in the route. A
// volunteer's journal has no way here in its menu; by its route, it shows
// the volunteer's own figures, with no one to choose.
import { batch, effect, signal, useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import { api } from "../api";
import { Asking } from "../components/Asking";
import type { Kind } from "../bindings/Kind";
import type { Report } from "../bindings/Report";
import type { SavedFile } from "../bindings/SavedFile";
import { ChartFigure, type Bar, type Format } from "../components/BarChart";
import { useVolunteers, volunteerName, VolunteerSelect } from "../components/VolunteerSelect";
import { friendlyDay, localDate, monthName, monthsFrom, monthStart } from "../dates";
import { sentence } from "../errors";
import { toUiError } from "../errors";
import { describedBy, FieldError, useTask } from "../forms";
import { choiceLabel, fieldOf } from "../kinds";
import { navigate, type RouteOf } from "../routes";
import { appState, journalOpen } from "../state";
import { useFocusOnMount } from "./focus";
import { count } from "./words";
import "./Charts.css";

export const CHARTS_WORDS = {
  intro: "What your volunteers' records add up to over a period, as charts, each with a table of its numbers. Counts only: no one is named.",
  introOwn: "What your records add up to over a period, as charts, each with a table of its numbers.",
  periodHint: "Leave a date empty to count from the first record, or up to the last.",
  noContacts: "No contacts in this period.",
  noSignposts: "No signposts in this period.",
  funder:
    "The funder report counts the whole journal for the period above, every volunteer's records together, whichever volunteer is chosen. It names no one: no names, initials or notes, and any count from 1 to 4 reads “fewer than 5”. Open it as a page to print or keep as a PDF, or save it as files: the page, with a CSV table beside it for a spreadsheet.",
  funderOwn:
    "The funder report counts your whole journal for the period above. It names no one: no names, initials or notes, and any count from 1 to 4 reads “fewer than 5”. Open it as a page to print or keep as a PDF, or save it as files: the page, with a CSV table beside it for a spreadsheet.",
  open: "Open the funder report",
  save: "Save the funder report",
  saving: "Saving…",
} as const;

/** What a record without a value for a breakdown is counted as (the core's word). */
const NOT_RECORDED = "not recorded";

/** The period as the two date fields hold it: days YYYY-MM-DD, "" for an open end. */
export interface Period {
  since: string;
  until: string;
}

/** Where the period starts: the last 12 months up to today, this month and the 11 before. */
export function defaultPeriod(now: Date = new Date()): Period {
  return { since: monthStart(11, now), until: localDate(now) };
}

/** The period last chosen, kept while the journal is open; null for the default, worked out on the day. */
const chosen = signal<Period | null>(null);

effect(() => {
  if (!journalOpen.value) chosen.value = null;
});

/** Hours from minutes, to a tenth: 90 → 1.5, 100 → 1.7. */
export function hoursOf(minutes: number): number {
  return Math.round(minutes / 6) / 10;
}

/** A number of hours as written on a bar or in a table: "2", "1.5". */
export const hoursFigure: Format = (hours) => (Number.isInteger(hours) ? String(hours) : hours.toFixed(1));

/** "1 hour of contact", "35.5 hours of contact", from minutes. */
export function hoursText(minutes: number): string {
  const hours = hoursOf(minutes);
  return `${hoursFigure(hours)} ${hours === 1 ? "hour" : "hours"} of contact`;
}

/** The headline figures, one line each. */
export function headlines(report: Report): string[] {
  const concerns = count(report.concerns, "concern");
  return [
    count(report.people, "person supported", "people supported"),
    count(report.contacts, "contact"),
    hoursText(report.minutes),
    count(report.signposts, "signpost"),
    report.concerns === 0 ? concerns : `${concerns} (${report.concernsOpen} still open)`,
    count(report.boundaryIssues, "boundary issue"),
    count(report.endings, "ending"),
  ];
}

/** The period in words: "From Thu 1 Jan to Thu 3 Dec.", "Every record." */
export function periodText(period: Period): string {
  const from = period.since === "" ? "the first record" : friendlyDay(period.since);
  const to = period.until === "" ? "the last" : friendlyDay(period.until);
  return period.since === "" && period.until === "" ? "Every record." : `From ${from} to ${to}.`;
}

/** Every month of the period, oldest first, each with its figures (nothing, for a month with no records). */
export function everyMonth(report: Report): { month: string; contacts: number; minutes: number }[] {
  const first = report.since?.slice(0, 7) ?? report.months[0]?.month;
  const last = report.until?.slice(0, 7) ?? report.months.at(-1)?.month;
  const keys = first === undefined || last === undefined ? report.months.map((m) => m.month) : monthsFrom(first, last);
  const found = new Map(report.months.map((m) => [m.month, m]));
  return keys.map((month) => ({ month, contacts: found.get(month)?.contacts ?? 0, minutes: found.get(month)?.minutes ?? 0 }));
}

/**
 * A breakdown as bars, labelled as the kind labels its choices: every choice
 * in the kind's order (those with none too, so charts compare), then values
 * it does not know (free text, such as a service's category: most first),
 * then "Not recorded".
 */
export function breakdown(counts: { [key in string]?: number }, kind: Kind, field: string): Bar[] {
  const input = fieldOf(kind, field)?.input;
  const choices = input?.type === "choice" ? input.options.map((o) => o.value) : [];
  const others = Object.keys(counts)
    .filter((key) => !choices.includes(key) && key !== NOT_RECORDED)
    .sort((a, b) => (counts[b] ?? 0) - (counts[a] ?? 0) || a.localeCompare(b, "en-GB"));
  const keys = [...choices, ...others, ...(counts[NOT_RECORDED] === undefined ? [] : [NOT_RECORDED])];
  return keys.map((key) => ({ label: key === NOT_RECORDED ? "Not recorded" : choiceLabel(kind, field, key), value: counts[key] ?? 0 }));
}

/** The caption of the contact kinds' chart: whose contacts they are (`name`: the volunteer chosen, if one is). */
export function howCaption(supervisor: boolean, name: string | null): string {
  if (!supervisor) return "How you were in touch";
  return name === null ? "How volunteers were in touch" : `How ${name} was in touch`;
}

/** Whose records a supervisor's figures count: "All volunteers' records.", "Sam's records.", "This volunteer's records.". */
export function whoseText(name: string | null): string {
  return name === null ? "All volunteers' records." : `${name.charAt(0).toUpperCase()}${name.slice(1)}'s records.`;
}

/** "Saved as peer-journal-report-….html in /home/…, with a CSV table beside it." */
export function savedReportText(file: SavedFile): string {
  return `Saved as ${file.fileName} in ${file.folder}, with a CSV table beside it.`;
}

type Which = keyof Period;

/** Which date a refusal of the period is about: the one it quotes, else the one changed last. */
export function fieldOfRefusal(message: string, period: Period, last: Which): Which {
  if (period.since !== "" && message.includes(`"${period.since}"`)) return "since";
  if (period.until !== "" && message.includes(`"${period.until}"`)) return "until";
  return last;
}

/** The last ask: on its way, refused for a date (which, why), failed (why), or answered (the charts shown stay until the next answer). */
type Asked = { state: "looking" } | { state: "refused"; field: Which; message: string } | { state: "failed"; message: string } | { state: "done" };

export function Charts({ volunteer }: RouteOf<"charts">) {
  const title = useFocusOnMount<HTMLHeadingElement>();
  const supervisor = appState.value?.role === "supervisor";
  const volunteers = useVolunteers(supervisor);
  const asked = useSignal<Asked>({ state: "looking" });
  const report = useSignal<Report | null>(null);
  const tries = useSignal(0);
  const last = useSignal<Which>("until");
  const period = chosen.value ?? defaultPeriod();
  const { since, until } = period;

  useEffect(() => {
    let current = true;
    asked.value = { state: "looking" };
    api.report(since === "" ? null : since, until === "" ? null : until, volunteer ?? null).then(
      (found) => {
        if (!current) return;
        batch(() => {
          asked.value = { state: "done" };
          report.value = found;
        });
      },
      (reason: unknown) => {
        if (!current) return;
        const error = toUiError(reason);
        asked.value =
          error.kind === "invalidInput"
            ? { state: "refused", field: fieldOfRefusal(error.message, { since, until }, last.peek()), message: sentence(error.message) }
            : { state: "failed", message: error.message };
      },
    );
    return () => {
      current = false;
    };
  }, [volunteer, since, until, tries.value]);

  function typed(which: Which, value: string): void {
    batch(() => {
      last.value = which;
      const now = chosen.peek() ?? defaultPeriod();
      if (now[which] !== value) chosen.value = { ...now, [which]: value };
    });
  }

  const now = asked.value;
  const shown = report.value;
  // The volunteer chosen, by name (before their names come, or if the journal does not know them: "this volunteer").
  const name = volunteer === undefined ? null : (volunteerName(volunteers.value, volunteer) ?? "this volunteer");
  const refusal = now.state === "refused" ? now : null;
  return (
    <>
      <section class="intro charts-intro">
        <h1 ref={title} tabIndex={-1}>
          Charts and reports
        </h1>
        <p class="lead">{supervisor ? CHARTS_WORDS.intro : CHARTS_WORDS.introOwn}</p>
        <form id="charts-filters" class="charts-filters" aria-label="Which period" noValidate onSubmit={(event) => event.preventDefault()}>
          {supervisor ? (
            <VolunteerSelect
              id="charts-volunteer"
              class="charts-field"
              volunteer={volunteer}
              volunteers={volunteers.value}
              onChoose={(chosen) => navigate(chosen === undefined ? { name: "charts" } : { name: "charts", volunteer: chosen }, { update: true })}
            />
          ) : null}
          <DayField id="charts-from" label="From" open="From the first record" value={since} error={refusal?.field === "since" ? refusal.message : ""} onTyped={(v) => typed("since", v)} />
          <DayField id="charts-to" label="To" open="Up to the last record" value={until} error={refusal?.field === "until" ? refusal.message : ""} onTyped={(v) => typed("until", v)} />
          <p id="charts-period-hint" class="hint charts-period-hint">
            {CHARTS_WORDS.periodHint}
          </p>
        </form>
      </section>
      <Asking id="charts" looking={now.state === "looking"} failed={now.state === "failed" ? now.message : null} onRetry={() => tries.value++} />
      {shown === null || now.state === "failed" || now.state === "refused" ? null : (
        <div class="charts" aria-busy={now.state === "looking" ? "true" : undefined}>
          <Figures report={shown} whose={supervisor ? whoseText(name) : ""} />
          <MonthByMonth report={shown} />
          <Breakdown
            id="charts-how"
            caption={howCaption(supervisor, name)}
            rowHeader="How"
            counted="Contacts"
            title="Contacts by how they happened"
            bars={breakdown(shown.contactsByHow, "contact", "how")}
            empty={CHARTS_WORDS.noContacts}
          />
          <Breakdown
            id="charts-categories"
            caption="Signposts by kind of service"
            rowHeader="Kind of service"
            counted="Signposts"
            title="Signposts by kind of service"
            bars={breakdown(shown.signpostsByCategory, "service", "category")}
            empty={CHARTS_WORDS.noSignposts}
          />
          <Breakdown
            id="charts-statuses"
            caption="Signposts by where they got to"
            rowHeader="Where it got to"
            counted="Signposts"
            title="Signposts by where they got to"
            bars={breakdown(shown.signpostsByStatus, "signpost", "status")}
            empty={CHARTS_WORDS.noSignposts}
          />
        </div>
      )}
      <FunderReport period={period} words={supervisor ? CHARTS_WORDS.funder : CHARTS_WORDS.funderOwn} />
    </>
  );
}

interface BreakdownProps {
  id: string;
  caption: string;
  rowHeader: string;
  /** What is counted, the table's heading for the numbers: "Contacts". */
  counted: string;
  /** The chart's name. */
  title: string;
  bars: readonly Bar[];
  empty: string;
}

/** One breakdown of the period: a chart of one bar each, and its table. */
function Breakdown({ id, caption, rowHeader, counted, title, bars, empty }: BreakdownProps) {
  return (
    <ChartFigure
      id={id}
      caption={caption}
      rowHeader={rowHeader}
      labels={bars.map((b) => b.label)}
      series={[{ name: counted, title, values: bars.map((b) => b.value) }]}
      empty={empty}
    />
  );
}

/** The headline figures of the period (as the core says it counted it), in a short list. */
function Figures({ report, whose }: { report: Report; whose: string }) {
  const period = { since: report.since ?? "", until: report.until ?? "" };
  return (
    <section class="card charts-figures" id="charts-figures" aria-labelledby="charts-figures-title">
      <h2 id="charts-figures-title">At a glance</h2>
      <p id="charts-period" class="hint">
        {whose === "" ? periodText(period) : `${whose} ${periodText(period)}`}
      </p>
      <ul class="charts-headlines" id="charts-headlines">
        {headlines(report).map((line) => (
          <li key={line}>{line}</li>
        ))}
      </ul>
    </section>
  );
}

/** Contacts and hours, month by month: two charts, one table. */
function MonthByMonth({ report }: { report: Report }) {
  const months = everyMonth(report);
  return (
    <ChartFigure
      id="charts-months"
      caption="Contacts and hours, month by month"
      rowHeader="Month"
      labels={months.map((m) => monthName(m.month))}
      tableLabels={months.map((m) => monthName(m.month, true))}
      series={[
        { name: "Contacts", title: "Contacts each month", values: months.map((m) => m.contacts), total: report.contacts },
        { name: "Hours", title: "Hours of contact each month", values: months.map((m) => hoursOf(m.minutes)), format: hoursFigure, total: hoursOf(report.minutes) },
      ]}
      empty={CHARTS_WORDS.noContacts}
    />
  );
}

/** The funder report: what it is, Save the funder report, and where it went. */
function FunderReport({ period, words }: { period: Period; words: string }) {
  const task = useTask<SavedFile>();
  const { busy, error } = task;
  const save = () => task.run(() => api.saveReport(period.since === "" ? null : period.since, period.until === "" ? null : period.until));

  const file = task.done.value;
  return (
    <section class="card charts-funder" id="charts-funder" aria-labelledby="charts-funder-title">
      <h2 id="charts-funder-title">The funder report</h2>
      <p>{words}</p>
      <p id="charts-report-error" class="message message-error" role="alert">
        {error.value}
      </p>
      <div class="actions">
        <button
          id="charts-open-report"
          type="button"
          class="button button-primary"
          onClick={() => navigate({ name: "funderReport", ...(period.since === "" ? {} : { since: period.since }), ...(period.until === "" ? {} : { until: period.until }) })}
        >
          {CHARTS_WORDS.open}
        </button>
        <button
          id="charts-save-report"
          type="button"
          class={busy.value ? "button button-quiet is-busy" : "button button-quiet"}
          aria-busy={busy.value ? "true" : undefined}
          disabled={busy.value}
          onClick={save}
        >
          {busy.value ? CHARTS_WORDS.saving : CHARTS_WORDS.save}
        </button>
      </div>
      <p id="charts-report-saved" class="message message-status charts-saved" role="status">
        {file === null ? "" : savedReportText(file)}
      </p>
    </section>
  );
}

interface DayFieldProps {
  id: string;
  label: string;
  /** What an empty field means, said under it. */
  open: string;
  value: string;
  error: string;
  onTyped: (value: string) => void;
}

/** A day of the period, with the system's picker, said again in words under it (pickers order day and month either way). */
function DayField({ id, label, open, value, error, onTyped }: DayFieldProps) {
  // As it is typed, a whole date (or none) is asked for at once; anything else waits until the field is left, and then
  // the journal says what is wrong with it. A date half typed in a picker reads as none, and waits too.
  const typing = (input: HTMLInputElement): void => {
    if (!input.validity.badInput && (input.value === "" || /^\d{4}-\d{2}-\d{2}$/.test(input.value))) onTyped(input.value);
  };
  const left = (input: HTMLInputElement): void => {
    if (!input.validity.badInput) onTyped(input.value);
  };
  return (
    <div class="field charts-field">
      <label for={id}>{label}</label>
      <input
        id={id}
        name={id}
        type="date"
        class="input-date"
        aria-invalid={error === "" ? undefined : "true"}
        aria-describedby={describedBy("charts-period-hint", error !== "" && `${id}-error`)}
        value={value}
        onInput={(event) => typing(event.currentTarget)}
        onChange={(event) => left(event.currentTarget)}
      />
      <p id={`${id}-echo`} class={value === "" ? "field-echo is-empty" : "field-echo"}>
        {value === "" ? open : friendlyDay(value)}
      </p>
      <FieldError id={`${id}-error`} message={error} />
    </div>
  );
}
