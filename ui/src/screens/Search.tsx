// Route "search": everything in the journal, found as the person types.
// Reached by Ctrl+K or / from anywhere (shortcuts.ts), and the main
// navigation. The field is focused on arrival; answers come newest first,
// 50 at a time; only the answer to what is typed now is ever shown. The
// query lives in the route (in memory, never the URL), so Back from a record
// returns to the same search.
import { batch, useSignal } from "@preact/signals";
import type { ComponentChildren } from "preact";
import { useLayoutEffect, useRef } from "preact/hooks";
import { api } from "../api";
import type { PersonId } from "../bindings/PersonId";
import type { SearchHit } from "../bindings/SearchHit";
import { ShowMore, useFocusWhen, usePages, type Pages } from "../components/PagedList";
import { When } from "../components/When";
import { kindName, text } from "../kinds";
import { discreet, initials, people, personName } from "../people";
import { navigate, type Route, type RouteOf } from "../routes";
import "./Search.css";

/** How long typing must pause before the journal is asked. */
export const SEARCH_DELAY_MS = 150;

/** The words typed, as marked in excerpts: without the quotes and stars a search may carry. */
export function searchWords(query: string): string[] {
  return query
    .split(/\s+/)
    .map((word) => word.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, ""))
    .filter((word) => word !== "");
}

/** `excerpt` with every case-insensitive occurrence of the typed words in a <mark>. */
export function Marked({ excerpt, query }: { excerpt: string; query: string }) {
  const words = searchWords(query).sort((a, b) => b.length - a.length);
  if (words.length === 0) return <>{excerpt}</>;
  const pattern = new RegExp(`(${words.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|")})`, "giu");
  const parts = excerpt.split(pattern);
  const out: ComponentChildren[] = parts.map((part, i) => (i % 2 === 1 ? <mark key={i}>{part}</mark> : part));
  return <>{out}</>;
}

/** Where a hit opens: a person's page for a person, else the record. */
function target(hit: SearchHit): Route {
  return hit.kind === "person" ? { name: "person", id: hit.id as string as PersonId } : { name: "record", id: hit.id };
}

/** Who or what the hit is about, as its heading names it. */
function subject(hit: SearchHit): string {
  if (hit.kind === "person") return personName(hit.id as string as PersonId);
  if (hit.kind === "service") return text(hit, "name");
  return personName(hit.person);
}

/** The excerpt as shown: in discreet mode, the hit's person's alias is shown as its initials there too. */
function discreetExcerpt(hit: SearchHit): string {
  if (!discreet.value) return hit.excerpt;
  const who = hit.kind === "person" ? (hit.id as string as PersonId) : hit.person;
  const alias = who === null ? undefined : people.value.get(who)?.fields["alias"];
  if (typeof alias !== "string" || alias.trim() === "") return hit.excerpt;
  return hit.excerpt.split(alias).join(initials(alias));
}

function Hit({ hit, query, focus, onOpen }: { hit: SearchHit; query: string; focus: boolean; onOpen: (hit: SearchHit) => void }) {
  const open = useFocusWhen<HTMLButtonElement>(focus);
  const id = `hit-${hit.id}`;
  const who = subject(hit);
  const kind = kindName(hit.kind);
  return (
    <li class="hit entry">
      <h2 class="hit-title entry-title">
        <button
          ref={open}
          type="button"
          class="hit-open entry-open"
          aria-describedby={`${id}-meta ${id}-excerpt`}
          onClick={() => onOpen(hit)}
        >
          {who === "" ? kind : who}
        </button>
      </h2>
      <p id={`${id}-meta`} class="hit-meta">
        <span class="hit-kind">{kind}</span>
        {hit.at === null ? null : (
          <>
            <span aria-hidden="true"> · </span>
            <When value={hit.at} />
          </>
        )}
      </p>
      <p id={`${id}-excerpt`} class="hit-excerpt">
        <Marked excerpt={discreetExcerpt(hit)} query={query} />
      </p>
    </li>
  );
}

/** The line that says what was found, for everyone and for screen readers. */
function statusText(asked: string, pages: Pages<SearchHit>): string {
  if (asked === "") return "";
  if (!pages.loaded.value) return pages.loading.value ? "Searching…" : "";
  const n = pages.items.value.length;
  if (n === 0) return "";
  const records = n === 1 ? "1 record mentions" : `${n} records mention`;
  return pages.more.value ? `The latest ${n} records that mention “${asked}”, newest first.` : `${records} “${asked}”, newest first.`;
}

export function Search({ query }: RouteOf<"search">) {
  const typed = useSignal(query);
  /** The query whose answers are on screen (or on their way). */
  const asked = useSignal(query.trim());
  const field = useRef<HTMLInputElement>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const pages = usePages<SearchHit>(null);

  function run(value: string): void {
    if (timer.current !== null) clearTimeout(timer.current);
    timer.current = null;
    const q = value.trim();
    if (q === asked.peek() && (pages.loaded.peek() || pages.loading.peek())) return;
    asked.value = q;
    if (q === "") pages.clear();
    else pages.start((page) => api.searchRecords(q, page));
  }

  useLayoutEffect(() => {
    const el = field.current;
    if (el !== null) {
      el.focus();
      el.setSelectionRange(el.value.length, el.value.length);
    }
    if (query.trim() !== "") pages.start((page) => api.searchRecords(query.trim(), page));
    return () => {
      if (timer.current !== null) clearTimeout(timer.current);
    };
  }, []);

  function onInput(value: string): void {
    typed.value = value;
    if (timer.current !== null) clearTimeout(timer.current);
    timer.current = setTimeout(() => run(value), SEARCH_DELAY_MS);
  }

  function open(hit: SearchHit): void {
    // The search is kept for Back: this screen's route is swapped for one
    // holding what is typed, then the hit's screen is shown after it.
    batch(() => {
      navigate({ name: "search", query: typed.peek() }, { replace: true });
      navigate(target(hit));
    });
  }

  const q = asked.value;
  const hits = pages.items.value;
  const loaded = pages.loaded.value;
  const firstError = loaded ? "" : pages.error.value;
  return (
    <>
      <section class="intro">
        <h1 id="search-title">Search</h1>
      </section>
      <form
        class="search-form"
        role="search"
        aria-labelledby="search-title"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          run(typed.peek());
        }}
      >
        <label for="search-query">Search your journal</label>
        <p id="search-query-hint" class="hint">
          Contacts, reflections, services, people: anything with these words. The start of a word is enough.
        </p>
        <input
          ref={field}
          id="search-query"
          name="search-query"
          type="search"
          class="search-input"
          autocomplete="off"
          spellcheck={false}
          enterKeyHint="search"
          aria-describedby={firstError === "" ? "search-query-hint" : "search-query-hint search-error"}
          aria-invalid={firstError === "" ? undefined : "true"}
          aria-controls="search-results"
          value={typed.value}
          onInput={(event) => onInput(event.currentTarget.value)}
        />
        <p id="search-error" class="message message-error search-error" role="alert">
          {firstError}
        </p>
      </form>
      <p id="search-status" class="message message-status search-status" role="status">
        {statusText(q, pages)}
      </p>
      {q === "" ? (
        <section class="card search-empty" id="search-start">
          <p>Type a word or two to look through everything you have written here.</p>
          <p class="hint">
            From anywhere in your journal, <kbd>Ctrl</kbd>+<kbd>K</kbd> or <kbd>/</kbd> brings you back to this search.
          </p>
        </section>
      ) : loaded && hits.length === 0 ? (
        <section class="card search-empty" id="search-none">
          <h2>No records mention “{q}”</h2>
          <p>Try fewer words, or just the start of one: “walk” also finds “walked” and “walking”.</p>
        </section>
      ) : null}
      <ol id="search-results" class="hits entries" aria-label="What was found" aria-busy={pages.loading.value ? "true" : undefined} hidden={hits.length === 0}>
        {hits.map((hit) => (
          <Hit key={hit.id} hit={hit} query={q} focus={hit === pages.revealed.value} onOpen={open} />
        ))}
      </ol>
      <ShowMore pages={pages} id="search-more" />
    </>
  );
}
