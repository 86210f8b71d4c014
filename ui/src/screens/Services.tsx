// Route "services": the directory of services to signpost people to, with
// each one's details at hand (what it helps with, where, how to reach it,
// when it is open), found as you type; and Add a service. Entries from the
// supervisor's directory say so: only the supervisor changes them. A
// service that closed or stopped taking referrals stays in the list, marked
// so: its owner can stop offering it for new signposts, and offer it again.
import { useSignal } from "@preact/signals";
import { useRef } from "preact/hooks";
import { api } from "../api";
import type { DirectoryImport } from "../bindings/DirectoryImport";
import type { JournalRecord } from "../bindings/JournalRecord";
import type { RejectedRow } from "../bindings/RejectedRow";
import { toUiError } from "../errors";
import { ListError, ShowMore, useFocusWhen, usePages } from "../components/PagedList";
import { useTask } from "../forms";
import { fieldOf, isRetired, retiredLabel, text } from "../kinds";
import { navigate } from "../routes";
import { appState } from "../state";
import { useFocusOnMount } from "./focus";
import { searchWords } from "./Search";
import "./Services.css";

/** The details shown for each service, in this order, named as the kind names them. */
const DETAILS = ["category", "area", "contact_details", "opening_times"] as const;

/** The fields a filter looks through. */
const SEARCHED = ["name", ...DETAILS, "notes"] as const;

function label(field: string): string {
  return fieldOf("service", field)?.label ?? field;
}

/** "7K3M-Q9TX-…" and "7k3mq9tx…" are the same fingerprint. */
function sameFingerprint(a: string, b: string): boolean {
  const plain = (s: string) => s.replace(/[\s-]/g, "").toUpperCase();
  return plain(a) === plain(b);
}

/** Whether a service is in the directory because the supervisor's journal shared it. */
export function fromSupervisor(record: JournalRecord, own: string | null | undefined): boolean {
  return record.owner !== null && own !== null && own !== undefined && !sameFingerprint(record.owner, own);
}

/** Whether every typed word is somewhere in the service's details (any case). */
export function matches(record: JournalRecord, filter: string): boolean {
  const words = searchWords(filter.toLowerCase());
  if (words.length === 0) return true;
  const haystack = SEARCHED.map((field) => text(record, field)).join("\n").toLowerCase();
  return words.every((word) => haystack.includes(word));
}

/** The words of retiring a service and bringing it back, for the service called `name`. */
export const RETIRE_WORDS = {
  retire: (name: string) => `Stop offering ${name}`,
  unretire: (name: string) => `Offer ${name} again`,
  retired: (name: string) => `${name} is no longer offered for new signposts. The signposts that already name it keep it.`,
  unretired: (name: string) => `${name} is offered again for new signposts.`,
  note: "Not offered for new signposts; the signposts that already name it keep it.",
} as const;

/** What Stop offering does, said once above the list; a supervisor's reaches volunteers with their next file. */
export function retireHint(supervisor: boolean): string {
  const reach = supervisor ? " Your volunteers see the change once they bring in your next file to them." : "";
  return `When a service closes or stops taking referrals, Stop offering takes it off the list you choose from for a new signpost. The signposts that already name it keep it, and you can offer it again at any time.${reach}`;
}

function Service({ record, focus, onChanged }: { record: JournalRecord; focus: boolean; onChanged: (next: JournalRecord) => void }) {
  const open = useFocusWhen<HTMLButtonElement>(focus);
  const id = `service-${record.id}`;
  const supervisors = fromSupervisor(record, appState.value?.fingerprint);
  const details = DETAILS.filter((field) => text(record, field).trim() !== "");
  const retired = isRetired(record);
  const name = text(record, "name") || "This service";
  const task = useTask<JournalRecord>();
  const said = task.done.value === null ? "" : isRetired(task.done.value) ? RETIRE_WORDS.retired(name) : RETIRE_WORDS.unretired(name);
  const describedBy = [supervisors ? `${id}-from` : "", retired ? `${id}-retired` : ""].filter((x) => x !== "").join(" ");

  function change(): void {
    task.run(async () => {
      const next = await (retired ? api.unretireService(record.id) : api.retireService(record.id));
      onChanged(next);
      return next;
    });
  }

  return (
    <li class={retired ? "service entry is-retired" : "service entry"} aria-labelledby={`${id}-name`}>
      <h2 class="service-name entry-title" id={`${id}-name`}>
        <button
          ref={open}
          type="button"
          class="service-open entry-open"
          aria-describedby={describedBy === "" ? undefined : describedBy}
          onClick={() => navigate({ name: "record", id: record.id })}
        >
          {text(record, "name") || "A service"}
        </button>
      </h2>
      {supervisors ? (
        <p id={`${id}-from`} class="service-from">
          From your supervisor’s directory
        </p>
      ) : null}
      {retired ? (
        <p id={`${id}-retired`} class="service-retired">
          <span class="badge">{retiredLabel()}</span> <span class="service-retired-note">{RETIRE_WORDS.note}</span>
        </p>
      ) : null}
      {details.length === 0 ? (
        <p class="hint">No details yet.</p>
      ) : (
        <dl class="service-details">
          {details.map((field) => (
            <div class="service-detail" key={field}>
              <dt>{label(field)}</dt>
              <dd class={field === "contact_details" || field === "opening_times" ? "service-lines" : undefined}>{text(record, field)}</dd>
            </div>
          ))}
        </dl>
      )}
      {supervisors ? null : (
        <>
          <div class="actions service-actions">
            {/* One button whose words change, so focus stays on it either way. */}
            <button
              id={`${id}-retire`}
              type="button"
              class={task.busy.value ? "button button-quiet is-busy" : "button button-quiet"}
              aria-busy={task.busy.value ? "true" : undefined}
              onClick={change}
            >
              {retired ? RETIRE_WORDS.unretire(name) : RETIRE_WORDS.retire(name)}
            </button>
          </div>
          <p id={`${id}-changed`} class="message message-status" role="status">
            {said}
          </p>
          <p id={`${id}-error`} class="message message-error" role="alert">
            {task.error.value}
          </p>
        </>
      )}
    </li>
  );
}

/** What the filter found, said for everyone and for screen readers. */
function filterStatus(shown: number, loadedCount: number, more: boolean, filter: string): string {
  if (filter.trim() === "") return "";
  const services = (n: number) => (n === 1 ? "1 service" : `${n} services`);
  const of = more ? `the first ${services(loadedCount)}` : services(loadedCount);
  return shown === 0 ? "" : `${services(shown)} of ${of} ${shown === 1 ? "matches" : "match"} “${filter.trim()}”.`;
}

export function Services() {
  const title = useFocusOnMount<HTMLHeadingElement>();
  const filter = useSignal("");
  const pages = usePages<JournalRecord>((page) => api.listRecords("service", null, page));
  const all = pages.items.value;
  const loaded = pages.loaded.value;
  const typed = filter.value;
  const shown = all.filter((record) => matches(record, typed));
  return (
    <>
      <section class="intro services-intro">
        <h1 ref={title} tabIndex={-1}>
          Services
        </h1>
        <p class="lead">The services you signpost people to, with their details at hand.</p>
        {/* Only where there is a service of one's own to stop offering. */}
        {all.some((record) => !fromSupervisor(record, appState.value?.fingerprint)) ? (
          <p class="hint services-retire-hint">{retireHint(appState.value?.role === "supervisor")}</p>
        ) : null}
        <div class="actions">
          <button id="services-add" type="button" class="button button-primary" onClick={() => navigate({ name: "new", kind: "service" })}>
            Add a service
          </button>
        </div>
      </section>
      <ListError pages={pages} id="services" />
      {loaded && all.length === 0 ? (
        <section class="card services-empty" id="services-empty">
          <h2>Your directory is empty</h2>
          <p>
            Add the services you point people towards, such as a food bank, a housing advice line or a parents’ group, so
            their details are here when a conversation turns to them.
          </p>
        </section>
      ) : null}
      {all.length > 0 ? (
        <div class="field services-filter">
          <label for="services-filter">Find a service</label>
          <p id="services-filter-hint" class="hint">
            By its name, what it helps with, or the area it covers.
          </p>
          <input
            id="services-filter"
            name="services-filter"
            type="search"
            class="services-filter-input"
            autocomplete="off"
            aria-describedby="services-filter-hint"
            aria-controls="services-list"
            value={typed}
            onInput={(event) => (filter.value = event.currentTarget.value)}
          />
        </div>
      ) : null}
      <p id="services-status" class="message message-status" role="status">
        {filterStatus(shown.length, all.length, pages.more.value, typed)}
      </p>
      {all.length > 0 && shown.length === 0 ? (
        <section class="card services-empty" id="services-none">
          <h2>No service here matches “{typed.trim()}”</h2>
          <p>
            {pages.more.value
              ? "Only some of your directory is showing yet: Show more looks further. Or try fewer words, or the start of one."
              : "Try fewer words, or the start of one. If it is not in your directory yet, you can add it."}
          </p>
        </section>
      ) : null}
      <ul id="services-list" class="services entries" aria-label="Your directory" aria-busy={pages.loading.value ? "true" : undefined} hidden={shown.length === 0}>
        {shown.map((record) => (
          <Service key={record.id} record={record} focus={record === pages.revealed.value} onChanged={(next) => pages.replace(record, next)} />
        ))}
      </ul>
      <ShowMore pages={pages} id="services-more">
        Show more services
      </ShowMore>
      <FromSpreadsheet onAdded={() => pages.start()} />
    </>
  );
}

/** What reading a spreadsheet did, in a sentence. */
export function addedWords(report: DirectoryImport): string {
  const added = report.added === 1 ? "1 service was added" : `${report.added} services were added`;
  const left = report.rejected.length;
  if (left === 0) return `${added}.`;
  return `${added}; ${left === 1 ? "1 row was" : `${left} rows were`} not, and ${left === 1 ? "is" : "are"} listed below with why.`;
}

/** A row not taken, as the list under the form says it. */
export function rejectedWords(row: RejectedRow): string {
  const reason = row.reason.charAt(0).toUpperCase() + row.reason.slice(1);
  return `Line ${row.line}${row.name === "" ? "" : ` (${row.name})`}: ${reason}${/[.!?]$/.test(reason) ? "" : "."}`;
}

/** A chosen file's text (UTF-8), read in the window: its path never leaves it. */
function readText(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(typeof reader.result === "string" ? reader.result : "");
    reader.onerror = () => reject({ kind: "io", message: "That file could not be read. Check it is still there, and try again." });
    reader.readAsText(file);
  });
}

/** Adding services from a spreadsheet saved as CSV, and a template to start one from. */
function FromSpreadsheet({ onAdded }: { onAdded: () => void }) {
  const file = useRef<HTMLInputElement>(null);
  const busy = useSignal(false);
  const said = useSignal("");
  const failed = useSignal("");
  const rejected = useSignal<readonly RejectedRow[]>([]);
  const template = useSignal("");

  async function read(): Promise<void> {
    const chosen = file.current?.files?.[0];
    if (chosen === undefined) {
      failed.value = "Choose the file first: your spreadsheet, saved as CSV.";
      return;
    }
    busy.value = true;
    failed.value = "";
    said.value = "";
    rejected.value = [];
    try {
      const report = await api.importDirectory(await readText(chosen));
      said.value = addedWords(report);
      rejected.value = report.rejected;
      if (report.added > 0) onAdded();
    } catch (reason) {
      failed.value = toUiError(reason).message;
    } finally {
      busy.value = false;
    }
  }

  async function saveTemplate(): Promise<void> {
    try {
      const saved = await api.saveDirectoryTemplate();
      template.value = `Saved as ${saved.fileName} in ${saved.folder}. Open it in a spreadsheet, put one service on each row, and save it as CSV.`;
    } catch (reason) {
      template.value = toUiError(reason).message;
    }
  }

  return (
    <section class="card services-spreadsheet" aria-labelledby="services-spreadsheet-title">
      <h2 id="services-spreadsheet-title">Add services from a spreadsheet</h2>
      <p>
        If your list of services is in a spreadsheet, save it as CSV, with a first row naming the columns: name, category,
        area, contact details, opening times and notes (and retired, with yes for a service no longer taking referrals).
        Each row becomes a service. Rows that can’t be added are listed with why, and change nothing.
      </p>
      <div class="field">
        <label for="services-csv">Spreadsheet saved as CSV</label>
        <input id="services-csv" ref={file} type="file" accept=".csv,text/csv" aria-describedby="services-csv-failed" />
      </div>
      <p id="services-csv-failed" class="message message-error" role="alert">
        {failed.value}
      </p>
      <div class="actions">
        <button
          id="services-csv-add"
          type="button"
          class={busy.value ? "button button-primary is-busy" : "button button-primary"}
          aria-busy={busy.value ? "true" : undefined}
          onClick={() => void read()}
        >
          {busy.value ? "Adding…" : "Add these services"}
        </button>
        <button id="services-template" type="button" class="button button-quiet" onClick={() => void saveTemplate()}>
          Save a spreadsheet to start from
        </button>
      </div>
      <p id="services-template-saved" class="message message-status" role="status">
        {template.value}
      </p>
      <p id="services-csv-added" class="message message-status" role="status">
        {said.value}
      </p>
      {rejected.value.length === 0 ? null : (
        <>
          <h3 id="services-csv-rejected-title">Rows not added</h3>
          <ul id="services-csv-rejected" aria-labelledby="services-csv-rejected-title">
            {rejected.value.map((row) => (
              <li key={`${row.line}-${row.name}`}>{rejectedWords(row)}</li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
