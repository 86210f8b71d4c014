// Drafts of forms, kept in the journal as they are typed, so that nothing
// written is lost to the idle lock, a crash or a closed window.
//
// A draft lives only in the journal's encrypted database (api.saveDraft):
// never in web storage, in the URL, or in a log. Each form keeps its own under
// one key: `${kind}:new` for a new record, `${kind}:${recordId}` for changes
// to one (the core refuses any other form). What is typed is kept half a
// second after the typing stops, and at once when the form is left or the
// window loses focus; the draft is thrown away once the record is saved, or
// when the person chooses to start again. A draft that could not be kept is
// said quietly beside the form and never stops the typing.
//
// Also here: a detour from a form to add what it needs (someone new, a new
// service) and back, with everything typed still in place. Held in memory
// only, and forgotten when the journal locks.
import { effect, signal, type Signal } from "@preact/signals";
import { useLayoutEffect, useMemo } from "preact/hooks";
import { api } from "./api";
import type { Draft } from "./bindings/Draft";
import type { FieldValues } from "./bindings/FieldValues";
import type { Kind } from "./bindings/Kind";
import type { RecordId } from "./bindings/RecordId";
import { friendlyAt } from "./dates";
import { sentence, toUiError } from "./errors";
import type { Route } from "./routes";
import { history, journalOpen } from "./state";

/** How long after the last key press a draft is kept. */
export const DRAFT_DELAY_MS = 500;

/** The key of a form's draft: `contact:new`, or `contact:<id>` for changes to that record. */
export function draftKey(kind: Kind, record?: RecordId | null): string {
  return `${kind}:${record ?? "new"}`;
}

/** The draft kept under `key`, if there is one; null too when the drafts cannot be read (a form still opens). */
export async function findDraft(key: string): Promise<Draft | null> {
  try {
    const drafts = await api.listDrafts();
    return drafts.find((draft) => draft.key === key) ?? null;
  } catch {
    return null;
  }
}

/** Throws away the draft under `key`; a failure is left unsaid (the draft is offered again next time, no more). */
export async function discardDraft(key: string): Promise<void> {
  try {
    await api.discardDraft(key);
  } catch {
    // Nothing to do: at worst it is offered back once more.
  }
}

export interface DraftKeeper {
  /** What was typed has changed: keep it once the typing pauses. */
  note(fields: FieldValues): void;
  /** Keeps what is waiting now (the form is being left, the window lost focus). */
  flush(): void;
  /** The record is saved, or the person starts again: nothing more is kept, and the draft goes. */
  discard(): Promise<void>;
  /** Why the last draft could not be kept, in plain words; "" when it was. */
  readonly failure: Signal<string>;
  /** When a draft was last kept (the journal's stamp), or null. */
  readonly savedAt: Signal<string | null>;
}

/**
 * Keeps the drafts of the form `key`. Saves run one after another, never
 * two at once, so a slow save never lands after a newer one or after the
 * draft is discarded.
 */
export function createDraftKeeper(key: string, kind: Kind, delayMs = DRAFT_DELAY_MS): DraftKeeper {
  let waiting: FieldValues | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let finished = false;
  let queue: Promise<void> = Promise.resolve();
  let queued = 0;
  const failure = signal("");
  const savedAt = signal<string | null>(null);

  // Work starts at once when nothing is on its way (so a form being left
  // has asked the journal to keep its draft before the next form asks for
  // drafts), else after what is.
  const enqueue = (work: () => Promise<void>): Promise<void> => {
    const run = (): Promise<void> => work().finally(() => void queued--);
    queue = queued++ === 0 ? run() : queue.then(run, run);
    return queue;
  };

  const saveWaiting = (): void => {
    if (timer !== null) {
      clearTimeout(timer);
      timer = null;
    }
    const fields = waiting;
    waiting = null;
    if (fields === null || finished) return;
    void enqueue(async () => {
      if (finished) return;
      try {
        const kept = await api.saveDraft(key, kind, fields);
        failure.value = "";
        savedAt.value = kept.updatedAt;
      } catch (reason) {
        failure.value = draftFailure(toUiError(reason).message);
      }
    });
  };

  return {
    note(fields) {
      if (finished) return;
      waiting = fields;
      if (timer !== null) clearTimeout(timer);
      timer = setTimeout(saveWaiting, delayMs);
    },
    flush: saveWaiting,
    discard() {
      finished = true;
      waiting = null;
      if (timer !== null) {
        clearTimeout(timer);
        timer = null;
      }
      return enqueue(() => discardDraft(key));
    },
    failure,
    savedAt,
  };
}

/** What is said when a draft could not be kept: that the typing is safe on screen, and why. */
export function draftFailure(message: string): string {
  return `Your words are still here, but could not be kept as a draft just now: ${sentence(message)}`;
}

/**
 * A form's draft keeper for as long as the form is on screen. What it has
 * been told of is kept at once when the window loses focus or is hidden,
 * and when the form is left: in a layout effect's cleanup, which runs as
 * the form goes rather than after the next paint.
 */
export function useDraftKeeper(key: string, kind: Kind): DraftKeeper {
  const keeper = useMemo(() => createDraftKeeper(key, kind), [key, kind]);
  useLayoutEffect(() => {
    const now = (): void => keeper.flush();
    const hidden = (): void => {
      if (document.visibilityState === "hidden") keeper.flush();
    };
    window.addEventListener("blur", now);
    window.addEventListener("pagehide", now);
    document.addEventListener("visibilitychange", hidden);
    return () => {
      window.removeEventListener("blur", now);
      window.removeEventListener("pagehide", now);
      document.removeEventListener("visibilitychange", hidden);
      keeper.flush();
    };
  }, [keeper]);
  return keeper;
}

/** When a draft was kept, in local time: "Tue 3 Dec at 14:30" (the journal stamps it in UTC). */
export function draftTime(updatedAt: string, now: Date = new Date()): string {
  return friendlyAt(updatedAt, now) || "earlier";
}

// ---- Detours: leaving a form to add what it needs, and coming back ----

/** A form left to add something its field needs (someone new, a service). */
export interface Detour {
  /** The form's route, as it was on screen (Back returns to this very object). */
  readonly from: Route;
  /** The field the new record fills. */
  readonly field: string;
  /** The kind of record added on the way. */
  readonly kind: Kind;
  /** Everything typed in the form when it was left. */
  readonly values: Readonly<Record<string, string>>;
  /** What to start the new record with (the name typed so far). */
  readonly seed: FieldValues;
  /** The id of the record added, once it is. */
  added: string | null;
}

let detour: Detour | null = null;

// Nothing typed outlives the lock, not even in memory.
effect(() => {
  if (!journalOpen.value) detour = null;
});

/** Leaves `from` for a new record of `kind`, to come back to it with `field` filled. */
export function startDetour(next: Omit<Detour, "added">): void {
  detour = { ...next, added: null };
}

/** The detour a new record of `kind` is on: only when the form it left is the one Back returns to. */
export function detourFor(kind: Kind): Detour | null {
  return detour !== null && detour.kind === kind && history.peek().at(-1) === detour.from ? detour : null;
}

/** The new record is saved: remembered for the form it goes back to. */
export function finishDetour(id: string): void {
  if (detour !== null) detour.added = id;
}

/** What the form at `route` had when it was left for a detour (with the new record in its field), once; else null. */
export function returnFrom(route: Route): Detour | null {
  if (detour === null || detour.from !== route) return null;
  const back = detour;
  detour = null;
  return back;
}
