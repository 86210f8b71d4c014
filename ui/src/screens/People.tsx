// Route "people": everyone the journal holds, found as you type (the list is
// people.ts's, filtered here, so it keeps up for hundreds), each with their
// last contact and whether they agreed to notes; Add a person. Discreet mode
// shows initials only. After a person is forgotten, this screen says so once.
import { signal, useComputed, useSignal } from "@preact/signals";
import { useEffect, useLayoutEffect, useMemo, useRef } from "preact/hooks";
import { api } from "../api";
import type { JournalRecord } from "../bindings/JournalRecord";
import type { PersonId } from "../bindings/PersonId";
import { MoreButton, PAGE_SIZE } from "../components/PagedList";
import { friendlyDay } from "../dates";
import { toUiError } from "../errors";
import { text } from "../kinds";
import { discreet, initials, nameOf, people, refreshPeople } from "../people";
import { navigate } from "../routes";
import { appState } from "../state";
import { useFocusOnMount } from "./focus";
import { count } from "./words";
import "./People.css";

/** Said once on this screen after a person is forgotten (set by their page as it leaves). */
export const farewell = signal("");

export const PEOPLE_WORDS = {
  none: "No one here yet. When you begin supporting someone, add them here: an alias or initials only you would recognise is enough.",
  noMatch: "No one matches that. Try fewer letters, or add them as a new person.",
  noContact: "No contacts yet",
  consent: "Agreed to notes",
  noConsent: "Consent to notes not noted yet",
} as const;

/** Lower case, without accents: how a search and an alias are compared. */
export function folded(words: string): string {
  return words.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase().trim();
}

interface Entry {
  record: JournalRecord;
  id: PersonId;
  alias: string;
  /** The alias folded, and its initials without dots: what a search matches. */
  key: string;
  short: string;
}

/** Whether a person's entry matches what was typed (folded). */
export function matches(entry: { key: string; short: string }, query: string): boolean {
  if (query === "") return true;
  return entry.key.includes(query) || (!/\s/.test(query) && entry.short.startsWith(query.replace(/\./g, "")));
}

export function People() {
  // Most come here to find someone: the search is where they start.
  const search = useFocusOnMount<HTMLInputElement>();
  const query = useSignal("");
  const limit = useSignal(PAGE_SIZE);
  const status = useSignal<"loading" | "ready" | "failed">("loading");
  const error = useSignal("");
  /** Each person's last contact (null: none), as they come. */
  const lastContact = useSignal<ReadonlyMap<PersonId, string | null>>(new Map());
  const asked = useRef(new Set<PersonId>());
  const focusFrom = useSignal<number | null>(null);
  const buttons = useRef<(HTMLButtonElement | null)[]>([]);
  const notice = useMemo(() => {
    const words = farewell.peek();
    farewell.value = "";
    return words;
  }, []);

  function load(): void {
    status.value = "loading";
    error.value = "";
    refreshPeople().then(
      () => {
        status.value = "ready";
      },
      (reason: unknown) => {
        error.value = toUiError(reason).message;
        status.value = "failed";
      },
    );
  }
  useEffect(load, []);

  const everyone = useComputed<Entry[]>(() =>
    [...people.value.values()]
      .map((record) => {
        const alias = text(record, "alias");
        return { record, id: record.id as PersonId, alias, key: folded(alias), short: folded(initials(alias)).replace(/\./g, "") };
      })
      .sort((a, b) => a.alias.localeCompare(b.alias, undefined, { sensitivity: "base" })),
  );
  const found = useComputed(() => {
    const q = folded(query.value);
    return everyone.value.filter((entry) => matches(entry, q));
  });
  const visible = found.value.slice(0, limit.value);

  // Each shown person's last contact, one question at a time, asked once.
  const wanted = visible.map((e) => e.id).filter((id) => !asked.current.has(id));
  useEffect(() => {
    if (wanted.length === 0) return;
    for (const id of wanted) asked.current.add(id);
    void (async () => {
      for (const id of wanted) {
        try {
          const [latest] = await api.listRecords("contact", id, { limit: 1, offset: 0 });
          lastContact.value = new Map([...lastContact.peek(), [id, latest?.at ?? null]]);
        } catch {
          // Only the date is missing then.
        }
      }
    })();
  }, [wanted.join(" ")]);

  useLayoutEffect(() => {
    const from = focusFrom.value;
    if (from === null) return;
    focusFrom.value = null;
    buttons.current[from]?.focus();
  }, [focusFrom.value]);

  const total = people.value.size;
  const searching = folded(query.value) !== "";
  const stillLoading = status.value === "loading" && total === 0;

  return (
    <>
      <section class="intro people-intro">
        <h1>People</h1>
        <button id="people-add" type="button" class="button button-primary" onClick={() => navigate({ name: "new", kind: "person" })}>
          Add a person
        </button>
      </section>
      {notice === "" ? null : (
        <p id="people-farewell" class="note people-farewell" role="status">
          {notice}
        </p>
      )}
      <section class="card people-card" aria-labelledby="people-list-title">
        <h2 id="people-list-title" class="people-list-title">
          {appState.value?.role === "supervisor" ? "Everyone your volunteers support" : "Everyone you support"}
        </h2>
        <div class="field people-search">
          <label for="people-search">Find someone</label>
          <p id="people-search-hint" class="hint">
            {discreet.value ? "Type part of their alias. Only initials are shown." : "Type part of their alias."}
          </p>
          <input
            ref={search}
            id="people-search"
            type="search"
            autocomplete="off"
            spellcheck={false}
            aria-describedby="people-search-hint people-count"
            aria-controls="people-list"
            value={query.value}
            onInput={(event) => {
              query.value = event.currentTarget.value;
              limit.value = PAGE_SIZE;
            }}
            onKeyDown={(event) => {
              if (event.key === "Escape" && query.value !== "") {
                event.preventDefault();
                query.value = "";
              } else if (event.key === "Enter" && found.value.length === 1 && found.value[0] !== undefined) {
                event.preventDefault();
                navigate({ name: "person", id: found.value[0].id });
              }
            }}
          />
        </div>
        <p id="people-count" class="hint people-count" role="status">
          {stillLoading ? "Looking…" : total === 0 ? "" : searching ? `${count(found.value.length, "person", "people")} found` : count(total, "person", "people")}
        </p>
        <p id="people-error" class="message message-error" role="alert">
          {error.value}
        </p>
        {status.value === "failed" && total === 0 ? (
          <button id="people-retry" type="button" class="button button-quiet" onClick={load}>
            Try again
          </button>
        ) : null}
        {status.value === "ready" && total === 0 ? <p class="people-empty">{PEOPLE_WORDS.none}</p> : null}
        {total > 0 && found.value.length === 0 ? <p class="people-empty">{PEOPLE_WORDS.noMatch}</p> : null}
        {visible.length === 0 ? null : (
          <ul id="people-list" class="people-list">
            {visible.map((entry, i) => {
              const last = lastContact.value.get(entry.id);
              const facts = [
                last === undefined ? "" : last === null ? PEOPLE_WORDS.noContact : `Last contact ${friendlyDay(last)}`,
                entry.record.fields["consent"] === true ? PEOPLE_WORDS.consent : PEOPLE_WORDS.noConsent,
              ].filter((f) => f !== "");
              return (
                <li key={entry.id} class="person-row">
                  <button
                    ref={(el) => {
                      buttons.current[i] = el;
                    }}
                    type="button"
                    class="person-open"
                    aria-describedby={`person-facts-${entry.id}`}
                    onClick={() => navigate({ name: "person", id: entry.id })}
                  >
                    {entry.alias === "" ? "Someone" : nameOf(entry.alias)}
                  </button>
                  <p id={`person-facts-${entry.id}`} class="person-facts">
                    {facts.join(" · ")}
                  </p>
                </li>
              );
            })}
          </ul>
        )}
        {found.value.length > visible.length ? (
          <div class="show-more">
            <MoreButton
              id="people-more"
              onMore={() => {
                focusFrom.value = limit.value;
                limit.value += PAGE_SIZE;
              }}
            >
              Show more
            </MoreButton>
          </div>
        ) : null}
      </section>
    </>
  );
}
