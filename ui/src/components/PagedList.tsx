// What every list the journal gives a page at a time shares: asking for 50
// at a time (`usePages`), and around the list, a quiet "Looking…" while the
// first page is on its way, why the first page could not be read with Try
// again (`ListError`), and Show more under it (`ShowMore`), which moves focus
// to the first entry it brought and offers Try again when it fails. Only the
// answer to the latest ask is ever shown.
import { batch, signal, type Signal } from "@preact/signals";
import type { ComponentChildren } from "preact";
import { useLayoutEffect, useMemo, useRef } from "preact/hooks";
import type { Page } from "../bindings/Page";
import { toUiError } from "../errors";
import "./PagedList.css";

/** How many entries a list asks for at a time. */
export const PAGE_SIZE = 50;

/** Asks the journal for one page of a list. */
export type Loader<T> = (page: Page) => Promise<T[]>;

/** A list shown a page at a time: what has arrived, and whether more may come. */
export interface Pages<T> {
  readonly items: Signal<readonly T[]>;
  /** Whether the last page was full, so there may be more. */
  readonly more: Signal<boolean>;
  /** Whether a page is being asked for. */
  readonly loading: Signal<boolean>;
  /** Whether the first page has arrived (false while it is asked for, and after a failure). */
  readonly loaded: Signal<boolean>;
  /** Why the last ask failed, in the backend's plain words; "" when it did not. */
  readonly error: Signal<string>;
  /** The first entry the last Show more brought, which takes focus. */
  readonly revealed: Signal<T | null>;
  /** Asks for the first page (again), from `load` when given: earlier answers are then ignored. */
  start(load?: Loader<T>): void;
  /** Shows nothing, and ignores answers still on their way. */
  clear(): void;
  /** Asks for the next page. */
  showMore(): void;
  /** Takes entries out of the list (a conflict settled). */
  remove(gone: (item: T) => boolean): void;
  /** Puts an entry in place of another. */
  replace(old: T, next: T): void;
}

function createPages<T>(initial: Loader<T> | null, keyOf: (item: T) => string): Pages<T> {
  let load = initial;
  // Each ask's number: an answer to one overtaken by a later ask is dropped.
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
          // An entry written since the first page shifts the pages by one: what is shown already is not shown twice.
          const seen = new Set(before.map(keyOf));
          const added = found.filter((item) => !seen.has(keyOf(item)));
          batch(() => {
            pages.items.value = [...before, ...added];
            pages.more.value = found.length >= PAGE_SIZE;
            pages.loading.value = false;
            pages.revealed.value = added[0] ?? null;
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

const byId = (item: { id: string }): string => item.id;

/**
 * A paged list for the component that shows it; asks for its first page as
 * it mounts, unless `load` is null (then `start` asks). Entries are told
 * apart by their id, or by `keyOf`.
 */
export function usePages<T extends { id: string }>(load: Loader<T> | null): Pages<T>;
export function usePages<T>(load: Loader<T> | null, keyOf: (item: T) => string): Pages<T>;
export function usePages<T>(load: Loader<T> | null, keyOf: (item: T) => string = byId as unknown as (item: T) => string): Pages<T> {
  const pages = useMemo(() => createPages(load, keyOf), []);
  useLayoutEffect(() => {
    if (load !== null) pages.start();
    return () => pages.clear();
  }, []);
  return pages;
}

/** Focuses the element when `on` becomes true (the first entry a Show more brought). */
export function useFocusWhen<E extends HTMLElement>(on: boolean) {
  const ref = useRef<E>(null);
  useLayoutEffect(() => {
    if (on) ref.current?.focus();
  }, [on]);
  return ref;
}

/** While a list's first page is on its way: a quiet line, announced (`${id}-looking`). */
export function Looking<T>({ pages, id }: { pages: Pages<T>; id: string }) {
  const first = pages.loading.value && pages.items.value.length === 0;
  return (
    <p id={`${id}-looking`} class="hint looking" role="status">
      {first ? "Looking…" : ""}
    </p>
  );
}

/** Why a list's first page could not be read (`${id}-error`, always in the page to be heard), and Try again (`${id}-retry`). */
export function ListError<T>({ pages, id }: { pages: Pages<T>; id: string }) {
  const error = pages.loaded.value ? "" : pages.error.value;
  return (
    <>
      <p id={`${id}-error`} class="message message-error list-error" role="alert">
        {error}
      </p>
      {error === "" ? null : (
        <div class="actions">
          <button id={`${id}-retry`} type="button" class="button button-quiet" onClick={() => pages.start()}>
            Try again
          </button>
        </div>
      )}
    </>
  );
}

interface MoreButtonProps {
  id: string;
  /** A page is on its way: the button says so (`busyLabel`) and does nothing more. */
  busy?: boolean;
  /** The last Show more failed: the button offers to try again. */
  failed?: boolean;
  busyLabel?: string;
  onMore: () => void;
  children: ComponentChildren;
}

/** The Show more button itself, for a list paged here or one paged in memory (People). */
export function MoreButton({ id, busy = false, failed = false, busyLabel = "Showing more…", onMore, children }: MoreButtonProps) {
  return (
    <button
      id={id}
      type="button"
      class={busy ? "button button-quiet is-busy" : "button button-quiet"}
      // Not disabled while busy, so focus stays on it until the new entries take it.
      aria-busy={busy ? "true" : undefined}
      onClick={() => {
        if (!busy) onMore();
      }}
    >
      {busy ? busyLabel : failed ? "Try again" : children}
    </button>
  );
}

interface ShowMoreProps<T> {
  pages: Pages<T>;
  /** The button's id; what went wrong showing more is said in `${id}-error`. */
  id: string;
  /** What the button says: "Show more", "Show earlier". */
  children?: ComponentChildren;
  /** What it says while the next page is on its way. */
  busyLabel?: string;
}

/** Show more under a paged list while there may be more, with what went wrong asking beside it. */
export function ShowMore<T>({ pages, id, children = "Show more", busyLabel = "Showing more…" }: ShowMoreProps<T>) {
  const loaded = pages.loaded.value;
  const error = loaded ? pages.error.value : "";
  return (
    <div class="show-more">
      <p id={`${id}-error`} class="message message-error" role="alert">
        {error}
      </p>
      {loaded && (pages.more.value || error !== "") ? (
        <MoreButton id={id} busy={pages.loading.value} failed={error !== ""} busyLabel={busyLabel} onMore={() => pages.showMore()}>
          {children}
        </MoreButton>
      ) : null}
    </div>
  );
}
