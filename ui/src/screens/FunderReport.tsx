// Route "funderReport": the funder report of a period as a page to print
// (or print to a PDF file), opened from Charts. It is the core's shared
// view of the report: the whole journal, naming no one, every count from 1
// to 4 read as "fewer than 5" and any figure that would give one away as
// "hidden" (the core decides which; this page only shows them). Printed,
// only the report itself goes on paper: the app's header, menu and
// buttons stay off it.
import { useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import { api } from "../api";
import { Asking } from "../components/Asking";
import type { SharedBreakdown } from "../bindings/SharedBreakdown";
import type { SharedFigure } from "../bindings/SharedFigure";
import type { SharedReport } from "../bindings/SharedReport";
import type { Shown } from "../bindings/Shown";
import { monthName } from "../dates";
import { toUiError } from "../errors";
import type { RouteOf } from "../routes";
import { hoursFigure, hoursOf } from "./Charts";
import { useFocusOnMount } from "./focus";
import "./FunderReport.css";

/** A figure as the page shows it: the number, or why it is held back. */
export function shownText(shown: Shown, asHours = false): string {
  if (shown === "fewerThanFive") return "fewer than 5";
  if (shown === "hidden") return "hidden";
  return asHours ? hoursFigure(hoursOf(shown.count)) : String(shown.count);
}

/** "Contacts by contact kind". */
export function breakdownTitle(b: SharedBreakdown): string {
  return `${b.measure.charAt(0).toUpperCase()}${b.measure.slice(1)} by ${b.section}`;
}

/** The month table's columns: what each month counts, as headed (minutes shown as hours). */
export function monthHeading(measure: string): string {
  return measure === "minutes" ? "Hours" : `${measure.charAt(0).toUpperCase()}${measure.slice(1)}`;
}

type Asked = { state: "looking" } | { state: "failed"; message: string } | { state: "done"; report: SharedReport };

export function FunderReport({ since, until }: RouteOf<"funderReport">) {
  const title = useFocusOnMount<HTMLHeadingElement>();
  const asked = useSignal<Asked>({ state: "looking" });
  const tries = useSignal(0);

  useEffect(() => {
    let current = true;
    asked.value = { state: "looking" };
    api.funderReport(since ?? null, until ?? null).then(
      (report) => {
        if (current) asked.value = { state: "done", report };
      },
      (reason: unknown) => {
        if (current) asked.value = { state: "failed", message: toUiError(reason).message };
      },
    );
    return () => {
      current = false;
    };
  }, [since, until, tries.value]);

  const now = asked.value;
  const report = now.state === "done" ? now.report : null;
  return (
    <article class="funder-report" aria-labelledby="funder-report-title">
      <h1 id="funder-report-title" ref={title} tabIndex={-1}>
        {report === null ? "The funder report" : `Summary of the service: ${report.period}`}
      </h1>
      <Asking id="funder-report" looking={now.state === "looking"} failed={now.state === "failed" ? now.message : null} onRetry={() => tries.value++} />
      {report === null ? null : <Page report={report} />}
    </article>
  );
}

function Page({ report }: { report: SharedReport }) {
  return (
    <>
      <p class="lead">
        From the journal kept by {report.keptBy}, made on {report.madeOn}. Counts only: no names, initials or notes.
      </p>
      <div class="actions no-print">
        <button id="funder-report-print" type="button" class="button button-primary" onClick={() => window.print()}>
          Print, or save as PDF
        </button>
      </div>
      <p class="hint no-print">The printer's window lets you choose a printer, or “Print to File” for a PDF.</p>
      <p id="funder-report-held-back" class="funder-report-note">
        {report.heldBack}
      </p>
      <section aria-labelledby="funder-report-short">
        <h2 id="funder-report-short">In short</h2>
        <p id="funder-report-in-short">{report.inShort}</p>
      </section>
      {report.breakdowns.map((b, i) => (
        <Table
          key={b.section}
          id={`funder-report-table-${i}`}
          caption={breakdownTitle(b)}
          header={[b.section.charAt(0).toUpperCase() + b.section.slice(1), b.measure.charAt(0).toUpperCase() + b.measure.slice(1)]}
          rows={b.parts.map((f) => [f.label, shownText(f.shown)])}
          total={["All", shownText(b.total)]}
        />
      ))}
      <Table id="funder-report-also" caption="Also" header={["What", "How many"]} rows={report.also.map((l) => [l.label.charAt(0).toUpperCase() + l.label.slice(1), shownText(l.shown)])} />
      {report.months.length === 0 ? null : <Months months={report.months} />}
    </>
  );
}

interface TableProps {
  id: string;
  caption: string;
  header: [string, string];
  rows: [string, string][];
  total?: [string, string];
}

function Table({ id, caption, header, rows, total }: TableProps) {
  return (
    <table id={id} class="funder-report-table">
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">{header[0]}</th>
          <th scope="col" class="n">
            {header[1]}
          </th>
        </tr>
      </thead>
      <tbody>
        {rows.map(([label, value]) => (
          <tr key={label}>
            <th scope="row">{label}</th>
            <td class="n">{value}</td>
          </tr>
        ))}
      </tbody>
      {total === undefined ? null : (
        <tfoot>
          <tr>
            <th scope="row">{total[0]}</th>
            <td class="n">{total[1]}</td>
          </tr>
        </tfoot>
      )}
    </table>
  );
}

function Months({ months }: { months: SharedFigure[][] }) {
  const columns = months[0]?.map((f) => f.measure) ?? [];
  return (
    <table id="funder-report-months" class="funder-report-table">
      <caption>Month by month</caption>
      <thead>
        <tr>
          <th scope="col">Month</th>
          {columns.map((m) => (
            <th key={m} scope="col" class="n">
              {monthHeading(m)}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {months.map((row) => (
          <tr key={row[0]?.group}>
            <th scope="row">{monthName(row[0]?.group ?? "", true)}</th>
            {row.map((f) => (
              <td key={f.measure} class="n">
                {shownText(f.shown, f.measure === "minutes")}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
