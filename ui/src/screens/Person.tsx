// Route "person": one person's page. Their alias (initials in discreet mode)
// and consent, then their whole story, newest first, 50 entries at a time
// (so a person with thousands of records opens at once), each month under its
// heading; a supervision note or acknowledgement sits under the entry it is
// about when that entry is on the page. What can be added for them, and, at
// the foot, Forget this person.
import { useSignal } from "@preact/signals";
import { useEffect, useRef } from "preact/hooks";
import { api } from "../api";
import type { JournalRecord } from "../bindings/JournalRecord";
import type { Kind } from "../bindings/Kind";
import type { PersonId } from "../bindings/PersonId";
import type { RecordId } from "../bindings/RecordId";
import { ListError, Looking, ShowMore, usePages, type Pages } from "../components/PagedList";
import { RecordSummary, refreshServiceNames } from "../components/RecordSummary";
import { friendlyDay, monthHeading, monthKey } from "../dates";
import { toUiError } from "../errors";
import { KIND_ACTIONS, kindOf, text } from "../kinds";
import { nameOf, people, refreshPeople } from "../people";
import { navigate } from "../routes";
import { appState } from "../state";
import { useFocusOnMount } from "./focus";
import { farewell } from "./People";
import { count } from "./words";
import "./Person.css";

/** What can be added to a person's story, in the order offered, with the words on each button. */
/** What can be added from a person's page, in the order offered. */
export const ADD_FOR_PERSON: readonly Kind[] = [
  "contact",
  "boundary-agreement",
  "boundary-issue",
  "signpost",
  "concern",
  "ending",
  "reflection",
  "supervision-note",
];

/** The kinds a note or acknowledgement is; they sit under what they are about. */
const REPLIES: ReadonlySet<Kind> = new Set(["supervision-note", "acknowledgement"]);

export interface StoryEntry {
  record: JournalRecord;
  /** Notes and acknowledgements about it that are on the page, oldest first. */
  replies: JournalRecord[];
}

export interface StoryMonth {
  key: string;
  heading: string;
  entries: StoryEntry[];
}

/**
 * A page of someone's timeline (newest first) as their story: months, newest
 * first, each with its entries, and each entry with the notes and
 * acknowledgements about it that are on the page. A note about something not
 * on the page stands on its own.
 */
export function story(records: readonly JournalRecord[]): StoryMonth[] {
  const here = new Set(records.map((r) => r.id));
  const replies = new Map<RecordId, JournalRecord[]>();
  const top: JournalRecord[] = [];
  for (const record of records) {
    const about = record.fields["about"];
    if (REPLIES.has(record.kind) && typeof about === "string" && about !== record.id && here.has(about as RecordId)) {
      const under = replies.get(about as RecordId) ?? [];
      under.unshift(record);
      replies.set(about as RecordId, under);
    } else {
      top.push(record);
    }
  }
  const months: StoryMonth[] = [];
  for (const record of top) {
    const key = monthKey(record.at ?? record.createdAt);
    let month = months.at(-1);
    if (month === undefined || month.key !== key) {
      month = { key, heading: key === "" ? "Undated" : monthHeading(record.at ?? record.createdAt), entries: [] };
      months.push(month);
    }
    month.entries.push({ record, replies: replies.get(record.id) ?? [] });
  }
  return months;
}

/** What forgetting says it will do, for a person of this journal's own or another's. */
export function forgetWords(name: string, mine: boolean): string {
  const travels = mine
    ? "The erasure goes to your supervisor in your next export, so they are erased there too."
    : "They are erased from this journal only; the journal they came from keeps its own records.";
  return `This erases ${name} and everything about them from this journal, for good: every contact, note and record. It cannot be undone. ${travels}`;
}

type Load = { state: "loading" } | { state: "ready" } | { state: "gone" } | { state: "failed"; message: string };

export function Person({ id }: { id: PersonId }) {
  const title = useFocusOnMount<HTMLHeadingElement>();
  const fetched = useSignal<JournalRecord | null>(null);
  const load = useSignal<Load>({ state: "loading" });
  const ending = useSignal<JournalRecord | null>(null);
  const unread = useSignal<ReadonlySet<RecordId>>(new Set());
  const timeline = usePages((page) => api.personTimeline(id, page));

  function loadPerson(): void {
    load.value = { state: "loading" };
    api.getRecord(id).then(
      (record) => {
        if (record.kind !== "person") {
          load.value = { state: "gone" };
          return;
        }
        fetched.value = record;
        load.value = { state: "ready" };
      },
      (reason: unknown) => {
        const error = toUiError(reason);
        load.value = error.kind === "notFound" || error.kind === "invalidInput" ? { state: "gone" } : { state: "failed", message: error.message };
      },
    );
  }

  useEffect(() => {
    loadPerson();
    void refreshServiceNames();
    api.listRecords("ending", id, { limit: 1, offset: 0 }).then(
      ([latest]) => {
        ending.value = latest ?? null;
      },
      () => undefined,
    );
    api.unreadRecords({ limit: 1000, offset: 0 }).then(
      (records) => {
        unread.value = new Set(records.map((r) => r.id));
      },
      () => undefined,
    );
  }, []);

  const record = fetched.value ?? people.value.get(id) ?? null;
  const alias = record === null ? "" : text(record, "alias");
  const name = alias === "" ? "This person" : nameOf(alias);
  const mine = record !== null && record.owner !== null && record.owner === appState.value?.fingerprint;

  if (load.value.state === "gone") {
    return (
      <section class="card person-gone">
        <h1 ref={title} tabIndex={-1}>
          This person is not in your journal
        </h1>
        <p>They may have been forgotten, here or in a file that came in. Everyone still in your journal is in People.</p>
        <button id="person-to-people" type="button" class="button button-primary" onClick={() => navigate({ name: "people" }, { replace: true })}>
          Go to People
        </button>
      </section>
    );
  }

  return (
    <>
      <section class="intro person-intro" aria-labelledby="person-name">
        <h1 ref={title} tabIndex={-1} id="person-name">
          {record === null ? "A person" : name}
        </h1>
        {record === null ? null : <Facts record={record} ending={ending.value} />}
        {load.value.state === "failed" ? (
          <div class="person-load-error">
            <p id="person-error" class="message message-error" role="alert">
              {load.value.message}
            </p>
            <button id="person-retry" type="button" class="button button-quiet" onClick={loadPerson}>
              Try again
            </button>
          </div>
        ) : null}
        {record === null ? null : (
          <p class="person-details">
            <button id="person-details" type="button" class="button-link button" onClick={() => navigate({ name: "record", id: record.id })}>
              Their details and history
            </button>
          </p>
        )}
      </section>
      <AddForPerson id={id} />
      <section class="card person-story" aria-labelledby="person-story-title">
        <h2 id="person-story-title">Your time together</h2>
        <Looking pages={timeline} id="person-timeline" />
        <Story timeline={timeline} unread={unread.value} name={name} />
        <ListError pages={timeline} id="person-timeline" />
        <ShowMore pages={timeline} id="person-timeline-more" busyLabel="Finding earlier entries…">
          Show earlier
        </ShowMore>
      </section>
      {record === null ? null : <Forget id={id} name={name} mine={mine} />}
    </>
  );
}

/** What the page says about them: consent, and an ending if there is one. */
function Facts({ record, ending }: { record: JournalRecord; ending: JournalRecord | null }) {
  const consentOn = text(record, "consent_date");
  const consent =
    record.fields["consent"] === true
      ? consentOn === ""
        ? "Agreed to you keeping notes."
        : `Agreed to you keeping notes on ${friendlyDay(consentOn)}.`
      : "Consent to keep notes is not noted yet. You can add it in their details.";
  return (
    <div class="person-facts-block">
      <p id="person-consent" class="person-fact">
        {consent}
      </p>
      {ending === null ? null : (
        <p id="person-ended" class="person-fact">
          {`Your support together ended on ${friendlyDay(ending.at)}${ending.fields["planned"] === true ? ", as you planned together" : ""}.`}
        </p>
      )}
    </div>
  );
}

/** The records this journal may add for them. */
function AddForPerson({ id }: { id: PersonId }) {
  const role = appState.value?.role ?? "volunteer";
  const writers = role === "volunteer" ? "volunteers" : "supervisors";
  const offered = ADD_FOR_PERSON.filter((kind) => {
    const who = kindOf(kind).writers;
    return who === writers || who === "either";
  });
  if (offered.length === 0) return null;
  return (
    <section class="card person-add" aria-labelledby="person-add-title">
      <h2 id="person-add-title">Add to your time together</h2>
      <ul class="person-add-list">
        {offered.map((kind, i) => (
          <li key={kind}>
            <button
              id={`person-add-${kind}`}
              type="button"
              class={i === 0 ? "button button-primary" : "button button-quiet"}
              onClick={() => navigate({ name: "new", kind, person: id })}
            >
              {KIND_ACTIONS[kind]}
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}

function Story({ timeline, unread, name }: { timeline: Pages<JournalRecord>; unread: ReadonlySet<RecordId>; name: string }) {
  const records = timeline.items.value;
  if (records.length === 0) {
    return timeline.loaded.value && !timeline.loading.value ? (
      <p class="person-empty">{`Nothing written about ${name} yet. When you log a contact, your time together starts here.`}</p>
    ) : null;
  }
  const focused = timeline.revealed.value;
  return (
    <>
      <p class="hint" id="person-timeline-count" role="status">
        {`Newest first. ${count(records.length, "entry", "entries")} shown${timeline.more.value ? "; there are earlier ones" : ""}.`}
      </p>
      <ol class="timeline" id="person-timeline">
        {story(records).map((month) => (
          <li key={month.key} class="timeline-month">
            <h3 class="timeline-month-title">{month.heading}</h3>
            <ol class="timeline-entries">
              {month.entries.map(({ record, replies }) => (
                <li key={record.id} class="timeline-entry">
                  <RecordSummary
                    record={record}
                    idPrefix="person"
                    level={4}
                    showPerson={false}
                    unread={unread.has(record.id)}
                    focus={record === focused}
                  />
                  {replies.length === 0 ? null : (
                    <ul class="timeline-replies" aria-label="About this">
                      {replies.map((reply) => (
                        <li key={reply.id}>
                          <RecordSummary
                            record={reply}
                            idPrefix="person"
                            level={5}
                            showPerson={false}
                            unread={unread.has(reply.id)}
                            focus={reply === focused}
                          />
                        </li>
                      ))}
                    </ul>
                  )}
                </li>
              ))}
            </ol>
          </li>
        ))}
      </ol>
    </>
  );
}

/** Forget this person: asked once more, plainly, then done, then back to People. */
function Forget({ id, name, mine }: { id: PersonId; name: string; mine: boolean }) {
  const asking = useSignal(false);
  const busy = useSignal(false);
  const error = useSignal("");
  const start = useRef<HTMLButtonElement>(null);
  const confirm = useRef<HTMLButtonElement>(null);

  // Focus follows the question: to its answer as it is asked, back to where it was asked once put away.
  const asked = useRef(false);
  useEffect(() => {
    if (asking.value) confirm.current?.focus();
    else if (asked.current) start.current?.focus();
    asked.current = asking.value;
  }, [asking.value]);

  function forget(): void {
    if (busy.value) return;
    busy.value = true;
    error.value = "";
    api.forgetPerson(id).then(
      (erased) => {
        farewell.value = `${name} has been forgotten${erased > 0 ? `, with ${count(erased, "record")} about them` : ""}.`;
        navigate({ name: "people" }, { replace: true });
        refreshPeople().catch(() => undefined);
      },
      (reason: unknown) => {
        busy.value = false;
        error.value = toUiError(reason).message;
        confirm.current?.focus();
      },
    );
  }

  return (
    <section class="card person-forget" aria-labelledby="person-forget-title">
      <h2 id="person-forget-title">Forget this person</h2>
      {asking.value ? (
        <div class="person-forget-ask" role="group" aria-labelledby="person-forget-question">
          <p id="person-forget-question">
            <strong>{`Forget ${name} for good?`}</strong> {forgetWords(name, mine)}
          </p>
          <p id="person-forget-error" class="message message-error" role="alert">
            {error.value}
          </p>
          <div class="actions">
            <button
              ref={confirm}
              id="person-forget-confirm"
              type="button"
              class={busy.value ? "button person-forget-yes is-busy" : "button person-forget-yes"}
              aria-busy={busy.value ? "true" : undefined}
              aria-describedby="person-forget-question"
              onClick={forget}
            >
              {busy.value ? "Forgetting…" : `Yes, forget ${name}`}
            </button>
            <button
              id="person-forget-cancel"
              type="button"
              class="button button-quiet"
              onClick={() => {
                asking.value = false;
                error.value = "";
              }}
            >
              {`Keep ${name}`}
            </button>
          </div>
        </div>
      ) : (
        <>
          <p>Erases them and everything about them from this journal, for good.</p>
          <button ref={start} id="person-forget" type="button" class="button button-quiet" onClick={() => (asking.value = true)}>
            Forget this person…
          </button>
        </>
      )}
    </section>
  );
}
