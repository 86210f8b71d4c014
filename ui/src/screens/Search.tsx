// Route "search": everything in the journal, found as the person types.
// Reached by Ctrl+K or / from anywhere (shortcuts.ts), and the main
// navigation. The field is focused on arrival; answers come newest first,
// 50 at a time; only the answer to what is typed now is ever shown. The
// query lives in the route (in memory, never the URL), so Back from a record
// returns to the same search.
//
// Also here, for the other places' lists (Reflections, Services, Conflicts):
// a page-at-a-time list (`usePages`, `ShowMore`). It belongs in a module of
// its own.
import { batch, signal, useSignal, type Signal } from "@preact/signals";
import type { ComponentChildren } from "preact";
import { useLayoutEffect, useMemo, useRef } from "preact/hooks";
import { api } from "../api";
import type { Kind } from "../bindings/Kind";
import type { Page } from "../bindings/Page";
import type { PersonId } from "../bindings/PersonId";
import type { SearchHit } from "../bindings/SearchHit";
import { toUiError } from "../errors";
import { kindOf, text } from "../kinds";
import { discreet, initials, people, personName } from "../people";
import { navigate, type Route, type RouteOf } from "../routes";
import { When } from "../components/When";
import "./Search.css";

// ---- Shared by the other places ----

/** How many records a list asks for at a time. */
export const PAGE_SIZE = 50;

/** A kind's name as a heading starts it: "Boundary agreement". */
export function kindName(kind: Kind): string {
  const label = kindOf(kind).label;
  return label.charAt(0).toUpperCase() + label.slice(1);
}

/** A list shown a page at a time: what has arrived, and whether more may come. */
export interface Pages<T> {
  readonly items: Signal<readonly T[]>;
  /** Whether the last page was full, so there may be more. */
  readonly more: Signal<boolean>;
  readonly loading: Signal<boolean>;
  /** Whether the first page has arrived (false while it is asked for, and after a failure). */
  readonly loaded: Signal<boolean>;
  /** Why the last ask failed, in the backend's plain words; "" when it did not. */
  readonly error: Signal<string>;
  /** The first item the last "Show more" brought, which takes focus. */
  readonly revealed: Signal<T | null>;
  /** Asks for the first page (again), from `load` when given: earlier answers are then ignored. */
  start(load?: (page: Page) => Promise<T[]>): void;
  /** Shows nothing, and ignores answers still on their way. */
  clear(): void;
  /** Asks for the next page. */
  showMore(): void;
  /** Takes items out of the list (a conflict settled), keeping the count of what was asked right. */
  remove(gone: (item: T) => boolean): void;
  /** Puts an item in place of another. */
  replace(old: T, next: T): void;
}

function createPages<T>(initial: ((page: Page) => Promise<T[]>) | null): Pages<T> {
  let load = initial;
  let asked = 0;
  const pages: Pages<T> = {
    items: signal<readonly T[]>([]),
    more: signal(false),
    loading: signal(false),
    loaded: signal(false),
    error: signal(""),
    revealed: signal<T | null>(null),
    start(next) {
      if (next !== undefined) load = next;
      if (load === null) return;
      const mine = ++asked;
      batch(() => {
        pages.loading.value = true;
        pages.error.value = "";
        pages.revealed.value = null;
      });
      load({ limit: PAGE_SIZE, offset: 0 }).then(
        (found) => {
          if (mine !== asked) return;
          batch(() => {
            pages.items.value = found;
            pages.more.value = found.length >= PAGE_SIZE;
            pages.loaded.value = true;
            pages.loading.value = false;
          });
        },
        (reason: unknown) => {
          if (mine !== asked) return;
          batch(() => {
            pages.items.value = [];
            pages.more.value = false;
            pages.loaded.value = false;
            pages.loading.value = false;
            pages.error.value = toUiError(reason).message;
          });
        },
      );
    },
    clear() {
      asked++;
      batch(() => {
        pages.items.value = [];
        pages.more.value = false;
        pages.loaded.value = false;
        pages.loading.value = false;
        pages.error.value = "";
        pages.revealed.value = null;
      });
    },
    showMore() {
      if (load === null || pages.loading.peek()) return;
      const mine = ++asked;
      const before = pages.items.peek();
      batch(() => {
        pages.loading.value = true;
        pages.error.value = "";
      });
      load({ limit: PAGE_SIZE, offset: before.length }).then(
        (found) => {
          if (mine !== asked) return;
          batch(() => {
            pages.items.value = [...before, ...found];
            pages.more.value = found.length >= PAGE_SIZE;
            pages.loading.value = false;
            pages.revealed.value = found[0] ?? null;
          });
        },
        (reason: unknown) => {
          if (mine !== asked) return;
          // What was already shown stays; the button offers to try again.
          batch(() => {
            pages.loading.value = false;
            pages.error.value = toUiError(reason).message;
          });
        },
      );
    },
    remove(gone) {
      pages.items.value = pages.items.peek().filter((item) => !gone(item));
    },
    replace(old, next) {
      pages.items.value = pages.items.peek().map((item) => (item === old ? next : item));
    },
  };
  return pages;
}

/** A paged list for the component that shows it; asks for its first page as it mounts, unless `load` is null. */
export function usePages<T>(load: ((page: Page) => Promise<T[]>) | null): Pages<T> {
  const pages = useMemo(() => createPages(load), []);
  useLayoutEffect(() => {
    if (load !== null) pages.start();
    return () => pages.clear();
  }, []);
  return pages;
}

/** Focuses the element when `on` becomes true (the first item a "Show more" brought). */
export function useFocusWhen<E extends HTMLElement>(on: boolean) {
  const ref = useRef<E>(null);
  useLayoutEffect(() => {
    if (on) ref.current?.focus();
  }, [on]);
  return ref;
}

/** "Show more" under a paged list, with what went wrong asking, beside it. */
export function ShowMore<T>({ pages, id, children = "Show more" }: { pages: Pages<T>; id: string; children?: string }) {
  const busy = pages.loading.value;
  const loaded = pages.loaded.value;
  const error = loaded ? pages.error.value : "";
  return (
    <div class="show-more">
      <p id={`${id}-error`} class="message message-error" role="alert">
        {error}
      </p>
      {loaded && (pages.more.value || error !== "") ? (
        <button
          id={id}
          type="button"
          class={busy ? "button button-quiet is-busy" : "button button-quiet"}
          aria-busy={busy ? "true" : undefined}
          disabled={busy}
          onClick={() => pages.showMore()}
        >
          {busy ? "Showing more…" : error === "" ? children : "Try again"}
        </button>
      ) : null}
    </div>
  );
}

// ---- Search ----

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
    <li class="hit">
      <h2 class="hit-title">
        <button
          ref={open}
          type="button"
          class="hit-open"
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
      <ol id="search-results" class="hits" aria-label="What was found" aria-busy={pages.loading.value ? "true" : undefined} hidden={hits.length === 0}>
        {hits.map((hit) => (
          <Hit key={hit.id} hit={hit} query={q} focus={hit === pages.revealed.value} onOpen={open} />
        ))}
      </ol>
      <ShowMore pages={pages} id="search-more" />
    </>
  );
}
