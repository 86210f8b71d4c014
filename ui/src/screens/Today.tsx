// Route "today", the open journal's first screen: a greeting and Log a
// contact; what happened at unlock (retention, a clock ahead); then, most
// pressing first, the concerns not yet acknowledged (urgent first), what is
// due (planned contacts, signposts to check in on, ground rules to look at
// again), and new notes and acknowledgements from supervision. Lock is in the
// header (app.tsx), as on every open screen; settings are in Settings.
import { useEffect } from "preact/hooks";
import { api } from "../api";
import type { AppState } from "../bindings/AppState";
import type { JournalRecord } from "../bindings/JournalRecord";
import type { Role } from "../bindings/Role";
import { AcknowledgeButton, urgentFirst } from "../components/OpenConcern";
import { ListError, Looking, ShowMore, usePages } from "../components/PagedList";
import { RecordSummary, headline, refreshServiceNames, serviceName } from "../components/RecordSummary";
import { friendly } from "../dates";
import { kindOf, text } from "../kinds";
import { personName } from "../people";
import { navigate } from "../routes";
import { logContact } from "../shortcuts";
import { appState } from "../state";
import { useFocusOnMount } from "./focus";
import "./Today.css";

const ROLE_LINES: Record<Role, string> = {
  volunteer: "Volunteer journal",
  supervisor: "Supervisor journal",
};

/** What the retention check did at unlock, said once, plainly. */
export function retentionText(erased: number, months: number): string {
  const who = erased === 1 ? "1 relationship" : `${erased} relationships`;
  return (
    `${who} that ended more than ${months} months ago ${erased === 1 ? "was" : "were"} erased from your journal ` +
    "when you unlocked it, as your journal keeps records for that long after an ending."
  );
}

/** "3 days", "5 hours", "40 minutes". */
export function aheadBy(minutesAhead: number): string {
  const plural = (n: number, unit: string) => (n === 1 ? `1 ${unit}` : `${n} ${unit}s`);
  if (minutesAhead >= 2 * 24 * 60) return plural(Math.floor(minutesAhead / (24 * 60)), "day");
  if (minutesAhead >= 2 * 60) return plural(Math.floor(minutesAhead / 60), "hour");
  return plural(minutesAhead, "minute");
}

/** The words Today says when a list is empty, and about its lists. */
export const TODAY_WORDS = {
  nothingDue: "Nothing is due. When you plan a next contact, it will show here.",
  nothingNew: "No new notes. When your supervisor writes to you or acknowledges a concern, it will show here.",
  nothingNewSupervisor: "No new notes. Notes written to you will show here.",
  concernsHint: "A concern stays here until your supervisor acknowledges it. It goes to them in your next export.",
  supervisionHint: "What you marked to talk about in supervision. It stays here until you change the entry and take the mark off.",
  concernsHintSupervisor: "Concerns from volunteers stay here until you acknowledge them.",
} as const;

export function Today() {
  const title = useFocusOnMount<HTMLHeadingElement>();
  // The route guard shows home only while the journal is open, so the state is there.
  const state = appState.value as AppState;
  useEffect(() => {
    void refreshServiceNames();
  }, []);
  const supervisor = state.role === "supervisor";
  return (
    <>
      <section class="intro today-intro">
        <div>
          <h1 ref={title} tabIndex={-1}>
            Hello, <span id="home-name">{state.name ?? ""}</span>
          </h1>
          {state.role === null ? null : (
            <p class="role" id="home-role">
              {ROLE_LINES[state.role]}
            </p>
          )}
        </div>
        {supervisor ? null : (
          <button id="today-log-contact" type="button" class="button button-primary today-log" aria-keyshortcuts="Control+N" onClick={() => logContact()}>
            Log a contact
          </button>
        )}
      </section>
      {state.erasedAtUnlock > 0 ? (
        <section class="card notice" id="home-retention-note" role="status">
          <p>{retentionText(state.erasedAtUnlock, state.retentionMonths)}</p>
        </section>
      ) : null}
      {state.clockAheadMinutes === null ? null : (
        <section class="card notice" id="home-clock-note" role="status">
          <p>
            {`Your journal's clock is ${aheadBy(state.clockAheadMinutes)} ahead of this computer's: it has seen changes ` +
              "dated in the future, so what you write is dated after them for now. Check that this computer's date and " +
              "time are right."}
          </p>
        </section>
      )}
      <Concerns supervisor={supervisor} />
      <Due />
      {supervisor ? null : <ForSupervision />}
      <Unread supervisor={supervisor} />
    </>
  );
}

/** Concerns not yet acknowledged, the most urgent first. Not shown when there are none. */
function Concerns({ supervisor }: { supervisor: boolean }) {
  const pages = usePages((page) => api.needingAttention("concern", page));
  const concerns = urgentFirst(pages.items.value);
  if (concerns.length === 0 && pages.error.value === "") return null;
  return (
    <section class="card today-section today-concerns" id="today-concerns" aria-labelledby="today-concerns-title">
      <h2 id="today-concerns-title">{concerns.length === 1 ? "An open concern" : "Open concerns"}</h2>
      <p class="hint">{supervisor ? TODAY_WORDS.concernsHintSupervisor : TODAY_WORDS.concernsHint}</p>
      <ul class="record-list" id="today-concerns-list">
        {concerns.map((concern) => (
          <li key={concern.id}>
            <RecordSummary record={concern} idPrefix="today-concern" focus={concern === pages.revealed.value}>
              {supervisor ? <AcknowledgeButton concern={concern} /> : null}
            </RecordSummary>
          </li>
        ))}
      </ul>
      <ListError pages={pages} id="today-concerns" />
      <ShowMore pages={pages} id="today-concerns-more" />
    </section>
  );
}

/** How a due record is named in the list, with who it is for, and when it was due. */
export function dueWords(record: JournalRecord): { title: string; when: string } {
  const dueField = kindOf(record.kind).due;
  const on = friendly(dueField === null ? record.at : text(record, dueField));
  const who = record.person === null ? "" : personName(record.person);
  const with_ = (words: string, joint = "with") => (who === "" ? words : `${words} ${joint} ${who}`);
  switch (record.kind) {
    case "contact":
      return { title: with_("Planned contact"), when: `Planned for ${on}` };
    case "signpost": {
      const service = serviceName(record.fields["service"]);
      return { title: who === "" ? `Check in on the signpost to ${service}` : `Check in with ${who} about ${service}`, when: `Reminder for ${on}` };
    }
    case "boundary-agreement":
      return { title: with_("Look again at ground rules"), when: `Review planned for ${on}` };
    default:
      return { title: headline(record, who), when: on };
  }
}

/** What is due today or before, the soonest first. */
function Due() {
  const pages = usePages((page) => api.dueRecords(page));
  const items = pages.items.value;
  return (
    <section class="card today-section" id="today-due" aria-labelledby="today-due-title">
      <h2 id="today-due-title">What's due</h2>
      <Looking pages={pages} id="today-due" />
      {pages.loaded.value && !pages.loading.value && items.length === 0 ? <p class="empty-line">{TODAY_WORDS.nothingDue}</p> : null}
      {items.length === 0 ? null : (
        <ul class="record-list" id="today-due-list">
          {items.map((record) => {
            const words = dueWords(record);
            const person = record.person;
            return (
              <li key={record.id}>
                <RecordSummary record={record} idPrefix="today-due" title={words.title} when={words.when} showText={false} focus={record === pages.revealed.value}>
                  {record.kind === "contact" && person !== null ? (
                    <button type="button" class="button button-quiet" onClick={() => navigate({ name: "new", kind: "contact", person })}>
                      Log the contact
                    </button>
                  ) : null}
                </RecordSummary>
              </li>
            );
          })}
        </ul>
      )}
      <ListError pages={pages} id="today-due" />
      <ShowMore pages={pages} id="today-due-more" />
    </section>
  );
}

/** Contacts and boundary issues flagged to talk about in supervision, until the flag is taken off. */
function ForSupervision() {
  const contacts = usePages((page) => api.needingAttention("contact", page));
  const issues = usePages((page) => api.needingAttention("boundary-issue", page));
  const lists = [contacts, issues];
  if (lists.every((pages) => pages.items.value.length === 0 && pages.error.value === "")) return null;
  return (
    <section class="card today-section" id="today-supervision" aria-labelledby="today-supervision-title">
      <h2 id="today-supervision-title">For your next supervision</h2>
      <p class="hint">{TODAY_WORDS.supervisionHint}</p>
      {lists.map((pages, i) => {
        const id = i === 0 ? "today-flagged-contacts" : "today-flagged-issues";
        return (
          <div key={id}>
            {pages.items.value.length === 0 ? null : (
              <ul class="record-list" id={`${id}-list`}>
                {pages.items.value.map((record) => (
                  <li key={record.id}>
                    <RecordSummary record={record} idPrefix={id} showText={false} focus={record === pages.revealed.value} />
                  </li>
                ))}
              </ul>
            )}
            <ListError pages={pages} id={id} />
            <ShowMore pages={pages} id={`${id}-more`} />
          </div>
        );
      })}
    </section>
  );
}

/** Supervision notes and acknowledgements not yet read here; opening one marks it read. */
function Unread({ supervisor }: { supervisor: boolean }) {
  const pages = usePages((page) => api.unreadRecords(page));
  const items = pages.items.value;
  return (
    <section class="card today-section" id="today-unread" aria-labelledby="today-unread-title">
      <h2 id="today-unread-title">New from supervision</h2>
      <Looking pages={pages} id="today-unread" />
      {pages.loaded.value && !pages.loading.value && items.length === 0 ? (
        <p class="empty-line">{supervisor ? TODAY_WORDS.nothingNewSupervisor : TODAY_WORDS.nothingNew}</p>
      ) : null}
      {items.length === 0 ? null : (
        <ul class="record-list" id="today-unread-list">
          {items.map((record) => (
            <li key={record.id}>
              <RecordSummary record={record} idPrefix="today-unread" unread focus={record === pages.revealed.value} />
            </li>
          ))}
        </ul>
      )}
      <ListError pages={pages} id="today-unread" />
      <ShowMore pages={pages} id="today-unread-more" />
    </section>
  );
}
