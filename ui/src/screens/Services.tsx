// Route "services": the directory of services to signpost people to, with
// each one's details at hand (what it helps with, where, how to reach it,
// when it is open), found as you type; and Add a service. Entries from the
// supervisor's directory say so: only the supervisor changes them.
import { useSignal } from "@preact/signals";
import { api } from "../api";
import type { JournalRecord } from "../bindings/JournalRecord";
import { ListError, ShowMore, useFocusWhen, usePages } from "../components/PagedList";
import { fieldOf, text } from "../kinds";
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

function Service({ record, focus }: { record: JournalRecord; focus: boolean }) {
  const open = useFocusWhen<HTMLButtonElement>(focus);
  const id = `service-${record.id}`;
  const supervisors = fromSupervisor(record, appState.value?.fingerprint);
  const details = DETAILS.filter((field) => text(record, field).trim() !== "");
  return (
    <li class="service" aria-labelledby={`${id}-name`}>
      <h2 class="service-name" id={`${id}-name`}>
        <button
          ref={open}
          type="button"
          class="service-open"
          aria-describedby={supervisors ? `${id}-from` : undefined}
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
      <ul id="services-list" class="services" aria-label="Your directory" aria-busy={pages.loading.value ? "true" : undefined} hidden={shown.length === 0}>
        {shown.map((record) => (
          <Service key={record.id} record={record} focus={record === pages.revealed.value} />
        ))}
      </ul>
      <ShowMore pages={pages} id="services-more">
        Show more services
      </ShowMore>
    </>
  );
}
