// Route "record": one record. Every field with its label; who wrote it and
// who changed it last; its history; and what can be done with it: Change,
// Delete (a person is forgotten from their page instead), move a signpost
// along, mark a note as read. A record another journal wrote says who wrote
// it and offers no Change or Delete; a record changed in two places at once
// leads to where that is settled.
import { useSignal, type Signal } from "@preact/signals";
import type { JSX } from "preact";
import { useEffect, useLayoutEffect, useRef } from "preact/hooks";
import { api } from "../api";
import type { AppState } from "../bindings/AppState";
import type { FieldDescription } from "../bindings/FieldDescription";
import type { HistoryEntry } from "../bindings/HistoryEntry";
import type { JournalRecord } from "../bindings/JournalRecord";
import type { PersonId } from "../bindings/PersonId";
import type { RecordId } from "../bindings/RecordId";
import { AcknowledgeButton } from "../components/OpenConcern";
import { badges, headline, refreshServiceNames, serviceName, serviceRetired } from "../components/RecordSummary";
import { toUiError } from "../errors";
import { choiceLabel, fieldOf, kindName, kindOf, retiredLabel, text } from "../kinds";
import { nameOf, personName } from "../people";
import { homeRoute, navigate, type Route } from "../routes";
import { appState } from "../state";
import { useFocusOnMount } from "./focus";
import { friendly } from "../dates";
import { minutes, shortId } from "./words";
import "./RecordView.css";

/** A signpost's way from suggestion to outcome; "declined" may come at any step before the end. */
export const SIGNPOST_STEPS = ["suggested", "consented", "made", "attended", "outcome"] as const;

/** Where a signpost may move from `status`: the later steps, then declining; from declining, going ahead after all. */
export function nextSteps(status: unknown): string[] {
  if (status === "declined") return ["consented"];
  const at = SIGNPOST_STEPS.indexOf(status as (typeof SIGNPOST_STEPS)[number]);
  if (at === SIGNPOST_STEPS.length - 1) return [];
  return [...SIGNPOST_STEPS.slice(at + 1), "declined"];
}

/** A journal's fingerprint as it is read aloud: "7K3M-Q9TX-2B4D-HW8R". */
export function readAloud(fingerprint: string): string {
  return /^[0-9a-z]{16}$/i.test(fingerprint) ? (fingerprint.toUpperCase().match(/.{4}/g) ?? []).join("-") : fingerprint;
}

/** Whether another journal wrote the record (only it may change it). */
export function writtenElsewhere(record: JournalRecord, state: AppState | null): boolean {
  const own = state?.fingerprint ?? null;
  return record.owner !== null && own !== null && record.owner !== own;
}

/** The words for a field name in a record's history ("Focus"), the deletion included. */
export function changedLabel(record: JournalRecord, name: string): string {
  if (name === "_deleted") return "Deleted";
  return fieldOf(record.kind, name)?.label ?? name;
}

export const RECORD_WORDS = {
  outcomeMissing: "Write a few words on how it went, so you both can look back on it.",
  gone: "It may have been deleted, or forgotten with the person it was about.",
} as const;

type Load = { state: "loading" } | { state: "ready"; record: JournalRecord } | { state: "gone" } | { state: "failed"; message: string };

export function RecordView({ id }: { id: RecordId }) {
  const title = useFocusOnMount<HTMLHeadingElement>();
  const load = useSignal<Load>({ state: "loading" });
  const history = useSignal<readonly HistoryEntry[] | null>(null);
  const historyError = useSignal("");
  /** What the last action did, said once ("Moved on: Referral made."). */
  const done = useSignal("");
  // After a change made here, focus goes to what it did (the button pressed may have gone).
  const doneNote = useRef<HTMLParagraphElement>(null);
  const focusDone = useSignal(false);
  useLayoutEffect(() => {
    if (!focusDone.value) return;
    focusDone.value = false;
    doneNote.current?.focus();
  }, [focusDone.value]);

  function loadRecord(): void {
    api.getRecord(id).then(
      (record) => {
        load.value = { state: "ready", record };
      },
      (reason: unknown) => {
        const error = toUiError(reason);
        load.value = error.kind === "notFound" || error.kind === "invalidInput" ? { state: "gone" } : { state: "failed", message: error.message };
      },
    );
  }

  function loadHistory(): void {
    historyError.value = "";
    api.recordHistory(id).then(
      (entries) => {
        history.value = entries;
      },
      (reason: unknown) => {
        historyError.value = toUiError(reason).message;
      },
    );
  }

  useEffect(() => {
    loadRecord();
    loadHistory();
    void refreshServiceNames();
  }, []);

  /** The journal's answer to a change made here: shown, and its history read again. */
  function changed(record: JournalRecord, words: string): void {
    load.value = { state: "ready", record };
    done.value = words;
    focusDone.value = true;
    loadHistory();
  }

  const current = load.value;
  if (current.state === "loading") {
    return (
      <section class="intro">
        <h1 ref={title} tabIndex={-1}>
          A record
        </h1>
        <p class="hint" role="status">
          Looking…
        </p>
      </section>
    );
  }
  if (current.state === "gone" || current.state === "failed") {
    return (
      <section class="card record-gone">
        <h1 ref={title} tabIndex={-1}>
          {current.state === "gone" ? "This record is not in your journal" : "This record could not be opened"}
        </h1>
        {current.state === "gone" ? (
          <p>{RECORD_WORDS.gone}</p>
        ) : (
          <p id="record-error" class="message message-error" role="alert">
            {current.message}
          </p>
        )}
        <div class="actions">
          {current.state === "failed" ? (
            <button id="record-retry" type="button" class="button button-primary" onClick={loadRecord}>
              Try again
            </button>
          ) : null}
          <button id="record-to-today" type="button" class="button button-quiet" onClick={() => navigate(homeRoute(), { replace: true })}>
            {homeRoute().name === "review" ? "Go to Review" : "Go to Today"}
          </button>
        </div>
      </section>
    );
  }

  const record = current.record;
  const state = appState.value;
  const elsewhere = writtenElsewhere(record, state);
  const supervisor = state?.role === "supervisor";
  const marks = badges(record, false);
  const person = record.person;
  const about = [friendly(record.at), person === null || record.kind === "person" ? "" : personName(person)].filter((x) => x !== "");

  return (
    <>
      <section class="intro record-intro">
        <p class="record-kind">{kindName(record.kind)}</p>
        <h1 ref={title} tabIndex={-1} id="record-title">
          {headline(record)}
        </h1>
        {about.length === 0 ? null : (
          <p class="record-about" id="record-about">
            {about.join(" · ")}
          </p>
        )}
        {marks.length === 0 ? null : (
          <p class="record-marks">
            {marks.map((mark) => (
              <span key={mark.text} class={`badge badge-${mark.tone}`}>
                {mark.text}
              </span>
            ))}
          </p>
        )}
        <p class="hint record-written" id="record-written">
          {writtenWords(record, elsewhere, supervisor)}
        </p>
      </section>

      <Actions record={record} elsewhere={elsewhere} supervisor={supervisor} done={done} />

      {record.conflict ? (
        <section class="card notice record-conflict" id="record-conflict" aria-label="Changed in two places">
          <p>This record was changed in two places at once. Choose which version stays, and it is settled everywhere.</p>
          <button id="record-to-conflicts" type="button" class="button button-quiet" onClick={() => navigate({ name: "conflicts" })}>
            Choose which stays
          </button>
        </section>
      ) : null}

      <p ref={doneNote} id="record-done" class="note record-done" role="status" tabIndex={-1} hidden={done.value === ""}>
        {done.value}
      </p>

      {record.kind === "signpost" && !elsewhere ? <SignpostSteps record={record} onChanged={changed} /> : null}

      <section class="card" aria-labelledby="record-fields-title">
        <h2 id="record-fields-title">What it says</h2>
        <Fields record={record} />
      </section>

      <section class="card" aria-labelledby="record-history-title">
        <h2 id="record-history-title">Its history</h2>
        <History record={record} entries={history.value} elsewhere={elsewhere} error={historyError.value} retry={loadHistory} />
      </section>
    </>
  );
}

/**
 * Where a change was made, as the person would say it: this computer, another
 * computer of this journal (the same journal used on two), or the other
 * person's journal.
 */
export function madeOn(device: string, elsewhere: boolean): string {
  if (elsewhere) return "in their journal";
  if (device === appState.value?.deviceId) return "on this computer";
  return `on another computer (${shortId(device)})`;
}

/** Who wrote it, and who changed it last. */
function writtenWords(record: JournalRecord, elsewhere: boolean, supervisor: boolean): string {
  const last = `Last changed ${friendly(record.updatedAt)}, ${madeOn(record.updatedBy, elsewhere)}.`;
  if (!elsewhere) return `Written in your journal. ${last}`;
  const who = supervisor ? "a volunteer" : "your supervisor";
  return `Written by ${who} (journal ${readAloud(record.owner ?? "")}); only they can change it. ${last}`;
}

/** Every field the record has, with its label, in the kind's order. */
function Fields({ record }: { record: JournalRecord }) {
  const shown = kindOf(record.kind).fields.filter((field) => {
    const value = record.fields[field.name];
    return value !== undefined && value !== null && value !== "";
  });
  if (shown.length === 0) return <p class="hint">Nothing is filled in yet.</p>;
  return (
    <dl class="record-fields" id="record-fields">
      {shown.map((field) => (
        <div key={field.name} class="record-field" data-field={field.name}>
          <dt>{field.label}</dt>
          <dd>
            <FieldValue record={record} field={field} />
          </dd>
        </div>
      ))}
    </dl>
  );
}

function FieldValue({ record, field }: { record: JournalRecord; field: FieldDescription }): JSX.Element {
  const value = record.fields[field.name];
  switch (field.input.type) {
    case "line":
    case "text":
      // A person's alias follows discreet mode here too; the rest is what was written.
      if (record.kind === "person" && field.name === "alias") return <>{nameOf(text(record, field.name))}</>;
      return <span class="record-text">{text(record, field.name)}</span>;
    case "choice":
      return <>{choiceLabel(record.kind, field.name, value)}</>;
    case "date":
    case "dateTime":
      return <>{friendly(typeof value === "string" ? value : String(value))}</>;
    case "minutes":
      return <>{typeof value === "number" ? minutes(value) : String(value)}</>;
    case "yesNo":
      return <>{value === true ? "Yes" : "No"}</>;
    case "person":
      return (
        <button type="button" class="button button-link" onClick={() => navigate({ name: "person", id: value as PersonId })}>
          {personName(value as PersonId)}
        </button>
      );
    case "service":
      // A service no longer taking referrals stays named here, marked so.
      return (
        <>
          <button type="button" class="button button-link" onClick={() => navigate({ name: "record", id: value as RecordId })}>
            {serviceName(value)}
          </button>
          {serviceRetired(value) ? <span class="badge badge-plain record-field-mark">{retiredLabel()}</span> : null}
        </>
      );
    case "record":
      return <RecordLink id={value as RecordId} />;
    case "card":
      return <code>{readAloud(String(value))}</code>;
  }
}

/** A link to the record a note or acknowledgement is about, named once it is read. */
function RecordLink({ id }: { id: RecordId }) {
  const target = useSignal<JournalRecord | null | "gone">(null);
  useEffect(() => {
    api.getRecord(id).then(
      (record) => {
        target.value = record;
      },
      () => {
        target.value = "gone";
      },
    );
  }, [id]);
  const found = target.value;
  if (found === "gone") return <span class="hint">A record no longer in your journal</span>;
  const words = found === null ? "Open the record" : [headline(found), friendly(found.at)].filter((x) => x !== "").join(", ");
  return (
    <button type="button" class="button button-link" onClick={() => navigate({ name: "record", id })}>
      {words}
    </button>
  );
}

/** Moving a signpost along its way; the outcome asks how it went. */
function SignpostSteps({ record, onChanged }: { record: JournalRecord; onChanged: (record: JournalRecord, words: string) => void }) {
  const steps = nextSteps(record.fields["status"]);
  const busy = useSignal<string | null>(null);
  const error = useSignal("");
  const writing = useSignal(false);
  const outcome = useSignal("");
  const outcomeError = useSignal("");
  const box = useRef<HTMLTextAreaElement>(null);
  const label = (status: string) => choiceLabel("signpost", "status", status);
  const outcomeField = fieldOf("signpost", "outcome");

  useLayoutEffect(() => {
    if (writing.value) box.current?.focus();
  }, [writing.value]);

  function move(status: string, fields: Record<string, string>): void {
    if (busy.value !== null) return;
    busy.value = status;
    error.value = "";
    api.updateRecord(record.id, { status, ...fields }).then(
      (next) => {
        busy.value = null;
        writing.value = false;
        onChanged(next, `Moved on: ${label(status)}.`);
      },
      (reason: unknown) => {
        busy.value = null;
        const message = toUiError(reason).message;
        if (status === "outcome") {
          outcomeError.value = message;
          box.current?.focus();
        } else {
          error.value = message;
        }
      },
    );
  }

  function saveOutcome(event: Event): void {
    event.preventDefault();
    const words = outcome.value.trim();
    if (words === "") {
      outcomeError.value = RECORD_WORDS.outcomeMissing;
      box.current?.focus();
      return;
    }
    outcomeError.value = "";
    move("outcome", { outcome: words });
  }

  if (steps.length === 0) return null;
  return (
    <section class="card record-steps" aria-labelledby="record-steps-title">
      <h2 id="record-steps-title">Where has it got to?</h2>
      <p class="hint">{`Now: ${label(String(record.fields["status"] ?? "suggested"))}.`}</p>
      <div class="actions record-step-buttons" role="group" aria-labelledby="record-steps-title">
        {steps.map((status, i) => (
          <button
            key={status}
            id={`record-status-${status}`}
            type="button"
            class={`button ${i === 0 ? "button-primary" : "button-quiet"}${busy.value === status ? " is-busy" : ""}`}
            aria-busy={busy.value === status ? "true" : undefined}
            aria-expanded={status === "outcome" ? writing.value : undefined}
            aria-controls={status === "outcome" ? "record-outcome-form" : undefined}
            onClick={() => (status === "outcome" ? (writing.value = true) : move(status, {}))}
          >
            {label(status)}
          </button>
        ))}
      </div>
      <p id="record-steps-error" class="message message-error" role="alert">
        {error.value}
      </p>
      {writing.value ? (
        <form id="record-outcome-form" class="record-outcome" noValidate onSubmit={saveOutcome} aria-label="How it went">
          <label for="record-outcome">{outcomeField?.prompt ?? "How did it go for them?"}</label>
          <p id="record-outcome-hint" class="hint">
            {outcomeField?.help ?? ""}
          </p>
          <textarea
            ref={box}
            id="record-outcome"
            rows={4}
            maxLength={20000}
            aria-invalid={outcomeError.value === "" ? undefined : "true"}
            aria-describedby={outcomeError.value === "" ? "record-outcome-hint" : "record-outcome-hint record-outcome-error"}
            value={outcome.value}
            onInput={(event) => {
              outcome.value = event.currentTarget.value;
            }}
          />
          {outcomeError.value === "" ? null : (
            <p id="record-outcome-error" class="field-error">
              {outcomeError.value}
            </p>
          )}
          <div class="actions">
            <button
              id="record-outcome-save"
              type="submit"
              class={busy.value === "outcome" ? "button button-primary is-busy" : "button button-primary"}
              aria-busy={busy.value === "outcome" ? "true" : undefined}
            >
              {busy.value === "outcome" ? "Saving…" : "Save how it went"}
            </button>
            <button
              id="record-outcome-cancel"
              type="button"
              class="button button-quiet"
              onClick={() => {
                writing.value = false;
                outcomeError.value = "";
              }}
            >
              Not now
            </button>
          </div>
        </form>
      ) : null}
    </section>
  );
}

/** Where to go once a record is deleted: the person's page, or the place its kind lives. */
function afterDelete(record: JournalRecord): Route {
  if (record.person !== null && record.kind !== "reflection") return { name: "person", id: record.person };
  if (record.kind === "reflection") return { name: "reflections" };
  if (record.kind === "service") return { name: "services" };
  return homeRoute();
}

/** Change, Delete, Mark as read, and a supervisor's replies. */
function Actions({ record, elsewhere, supervisor, done }: { record: JournalRecord; elsewhere: boolean; supervisor: boolean; done: Signal<string> }) {
  const confirming = useSignal(false);
  const busy = useSignal(false);
  const error = useSignal("");
  const readBusy = useSignal(false);
  const readError = useSignal("");
  const start = useRef<HTMLButtonElement>(null);
  const yes = useRef<HTMLButtonElement>(null);
  const asked = useRef(false);
  useEffect(() => {
    if (confirming.value) yes.current?.focus();
    else if (asked.current) start.current?.focus();
    asked.current = confirming.value;
  }, [confirming.value]);

  const person = record.person;
  const isNote = record.kind === "supervision-note" || record.kind === "acknowledgement";
  const canChange = !elsewhere;
  const canDelete = !elsewhere && record.kind !== "person";
  const markRead = isNote && elsewhere;
  const acknowledge = supervisor && elsewhere && record.kind === "concern";
  const noteAbout = supervisor && elsewhere && person !== null && !isNote && record.kind !== "person";
  const label = kindOf(record.kind).label;

  function remove(): void {
    if (busy.value) return;
    busy.value = true;
    error.value = "";
    api.deleteRecord(record.id).then(
      () => navigate(afterDelete(record), { replace: true }),
      (reason: unknown) => {
        busy.value = false;
        error.value = toUiError(reason).message;
        yes.current?.focus();
      },
    );
  }

  function read(): void {
    if (readBusy.value) return;
    readBusy.value = true;
    readError.value = "";
    api.markRead(record.id).then(
      () => {
        readBusy.value = false;
        done.value = "Marked as read.";
      },
      (reason: unknown) => {
        readBusy.value = false;
        readError.value = toUiError(reason).message;
      },
    );
  }

  if (!canChange && !canDelete && !markRead && !acknowledge && !noteAbout && record.kind !== "person") return null;
  return (
    <section class="record-actions" aria-label="What you can do">
      <div class="actions">
        {canChange ? (
          <button id="record-change" type="button" class="button button-primary" onClick={() => navigate({ name: "edit", id: record.id })}>
            Change
          </button>
        ) : null}
        {record.kind === "person" ? (
          <button id="record-person-page" type="button" class="button button-quiet" onClick={() => navigate({ name: "person", id: record.id })}>
            Open their page
          </button>
        ) : null}
        {markRead ? (
          <button
            id="record-mark-read"
            type="button"
            class={readBusy.value ? "button button-quiet is-busy" : "button button-quiet"}
            aria-busy={readBusy.value ? "true" : undefined}
            onClick={read}
          >
            Mark as read
          </button>
        ) : null}
        {acknowledge ? (
          <AcknowledgeButton concern={record} id="record-acknowledge">
            Acknowledge this concern
          </AcknowledgeButton>
        ) : null}
        {noteAbout && person !== null ? (
          <button
            id="record-note-about"
            type="button"
            class="button button-quiet"
            onClick={() => navigate({ name: "new", kind: "supervision-note", about: record.id, person })}
          >
            Write a supervision note about this
          </button>
        ) : null}
        {canDelete && !confirming.value ? (
          <button ref={start} id="record-delete" type="button" class="button button-quiet" onClick={() => (confirming.value = true)}>
            Delete…
          </button>
        ) : null}
      </div>
      <p id="record-read-error" class="message message-error" role="alert">
        {readError.value}
      </p>
      {record.kind === "person" ? (
        <p class="hint record-person-hint">A person is not deleted but forgotten, with everything about them: that is on their page.</p>
      ) : null}
      {canDelete && confirming.value ? (
        <div class="record-delete-ask" role="group" aria-labelledby="record-delete-question">
          <p id="record-delete-question">
            <strong>{`Delete this ${label}?`}</strong>
            {" It leaves your journal for good. If it has already gone to your supervisor, your next export takes it away there too."}
          </p>
          <p id="record-delete-error" class="message message-error" role="alert">
            {error.value}
          </p>
          <div class="actions">
            <button
              ref={yes}
              id="record-delete-confirm"
              type="button"
              class={busy.value ? "button record-delete-yes is-busy" : "button record-delete-yes"}
              aria-busy={busy.value ? "true" : undefined}
              aria-describedby="record-delete-question"
              onClick={remove}
            >
              {busy.value ? "Deleting…" : `Yes, delete this ${label}`}
            </button>
            <button
              id="record-delete-cancel"
              type="button"
              class="button button-quiet"
              onClick={() => {
                confirming.value = false;
                error.value = "";
              }}
            >
              Keep it
            </button>
          </div>
        </div>
      ) : null}
    </section>
  );
}

/** Each change, oldest first: when, on which device, which fields. */
function History({ record, entries, elsewhere, error, retry }: { record: JournalRecord; entries: readonly HistoryEntry[] | null; elsewhere: boolean; error: string; retry: () => void }) {
  if (error !== "") {
    return (
      <>
        <p id="record-history-error" class="message message-error" role="alert">
          {error}
        </p>
        <button id="record-history-retry" type="button" class="button button-quiet" onClick={retry}>
          Try again
        </button>
      </>
    );
  }
  if (entries === null) {
    return (
      <p class="hint" role="status">
        Looking…
      </p>
    );
  }
  if (entries.length === 0) return <p class="hint">No changes are recorded for it here.</p>;
  return (
    <ol class="record-history" id="record-history">
      {entries.map((entry, i) => {
        const fields = Object.keys(entry.changed).map((name) => changedLabel(record, name));
        const what = i === 0 ? "Written" : fields.includes("Deleted") ? "Deleted" : "Changed";
        return (
          <li key={`${entry.device}-${entry.seq}`} class="record-history-entry">
            <p class="record-history-when">
              <strong>{what}</strong> {`${friendly(entry.at)}, ${madeOn(entry.device, elsewhere)}`}
            </p>
            {i === 0 || fields.length === 0 ? null : <p class="record-history-fields">{fields.join(", ")}</p>}
          </li>
        );
      })}
    </ol>
  );
}
