// The map of the app: every screen there is, what it needs to be shown, and
// how the person moves between them. Open this first.
//
// A route is a screen's name and its parameters. `navigate` goes to one,
// `back` returns to the one before; the history is a signal (state.ts), so
// the header's Back control shows exactly when there is somewhere to go back
// to. Each route says in which state of the journal it may show (`access`):
// `shown` never holds a route the journal's state does not allow, so nothing
// past the unlock screen can be on screen while the journal is locked,
// whatever asked for it. Each route's screen is the component of the same
// name in screens/ (app.tsx puts them together). Home, where the open
// journal begins, is Today for a volunteer and Review for a supervisor.
import { batch, computed } from "@preact/signals";
import type { AppState } from "./bindings/AppState";
import type { Fingerprint } from "./bindings/Fingerprint";
import type { Kind } from "./bindings/Kind";
import type { PersonId } from "./bindings/PersonId";
import type { RecordId } from "./bindings/RecordId";
import type { UiError } from "./bindings/UiError";
import { appState, history, route } from "./state";

/** How the unlock screen opens the journal: with the passphrase, or with the recovery key and a new passphrase. */
export type UnlockMode = "passphrase" | "recoveryKey";

export type Route =
  /** Before the backend has said what state the journal is in: nothing to show yet. */
  | { name: "starting" }
  /** The backend could not be asked: what went wrong, and Try again. */
  | { name: "problem"; error: UiError }
  /** First run: no journal yet. */
  | { name: "setup" }
  /** First run, instead of set-up: bring a journal back from a backup. */
  | { name: "restore" }
  /** Right after set-up: the new recovery key, shown this once. */
  | { name: "recovery"; recoveryKey: string }
  /** The journal is locked; `lockedBy` says the idle timer did it, so the screen can say why. */
  | { name: "unlock"; mode: UnlockMode; lockedBy?: "idle" }
  /** A volunteer's home: what is due, open concerns, new notes, and Log a contact. */
  | { name: "today" }
  /** A supervisor's home: what in the volunteers' records needs a look before supervision, perhaps one volunteer's only. */
  | { name: "review"; volunteer?: Fingerprint }
  /** A supervisor's volunteers: for each, their last file, what is held of theirs, and what needs a look. */
  | { name: "volunteers" }
  /** Charts of a period's records (all, or one volunteer's), each with a table, and the funder report to save. */
  | { name: "charts"; volunteer?: Fingerprint }
  /** The whole journal's funder report of a period (days YYYY-MM-DD, either end open), as a page to print. */
  | { name: "funderReport"; since?: string; until?: string }
  /** Everyone the volunteer supports, found as you type; add a person. */
  | { name: "people" }
  /** One person's whole story, newest first, and what can be added to it. */
  | { name: "person"; id: PersonId }
  /** A new record of `kind`, perhaps about `person`, perhaps about another record (`about`: a note's or acknowledgement's). */
  | { name: "new"; kind: Kind; person?: PersonId; about?: RecordId; volunteer?: Fingerprint }
  /** Changing a record. */
  | { name: "edit"; id: RecordId }
  /** One record: its fields, its history, and what can be done with it. */
  | { name: "record"; id: RecordId }
  /** Search across everything. */
  | { name: "search"; query: string }
  /** The volunteer's own reflections, private unless shared. */
  | { name: "reflections" }
  /** The directory of services to signpost to. */
  | { name: "services" }
  /** Records changed in two places at once: choose which value stays. */
  | { name: "conflicts" }
  /** Exchanging files: sending changes (to `to`, when given), bringing in what others sent, cards and whom they trust. */
  | { name: "exchange"; to?: Fingerprint }
  /** Auto-lock, discreet mode, passphrase, retention, the exchange folder, backup, about. */
  | { name: "settings" };

export type RouteName = Route["name"];

/** A route's parameters, found by its name: RouteOf<"unlock"> is { name: "unlock"; mode: …}. */
export type RouteOf<N extends RouteName> = Extract<Route, { name: N }>;

/** In which state of the journal a route may show. */
export type Access = "any" | "missing" | "locked" | "open";

export interface RouteInfo {
  /** The window's title while it shows. */
  title: string;
  access: Access;
  /** Whether Back may return to it. Never for what must be shown only once. */
  remembered: boolean;
  /** Whether the header offers Lock. */
  lock: boolean;
}

export const ROUTES: { readonly [N in RouteName]: RouteInfo } = {
  starting: { title: "Peer Journal", access: "any", remembered: false, lock: false },
  problem: { title: "Peer Journal", access: "any", remembered: false, lock: false },
  setup: { title: "Set up — Peer Journal", access: "missing", remembered: true, lock: false },
  restore: { title: "Restore from a backup — Peer Journal", access: "missing", remembered: true, lock: false },
  // Locking here would lose the key before the person has checked their copy.
  recovery: { title: "Your recovery key — Peer Journal", access: "open", remembered: false, lock: false },
  unlock: { title: "Unlock — Peer Journal", access: "locked", remembered: true, lock: false },
  today: { title: "Today — Peer Journal", access: "open", remembered: true, lock: true },
  review: { title: "Review — Peer Journal", access: "open", remembered: true, lock: true },
  volunteers: { title: "Volunteers — Peer Journal", access: "open", remembered: true, lock: true },
  charts: { title: "Charts — Peer Journal", access: "open", remembered: true, lock: true },
  funderReport: { title: "The funder report — Peer Journal", access: "open", remembered: true, lock: true },
  people: { title: "People — Peer Journal", access: "open", remembered: true, lock: true },
  person: { title: "A person — Peer Journal", access: "open", remembered: true, lock: true },
  new: { title: "New record — Peer Journal", access: "open", remembered: true, lock: true },
  edit: { title: "Change a record — Peer Journal", access: "open", remembered: true, lock: true },
  record: { title: "A record — Peer Journal", access: "open", remembered: true, lock: true },
  search: { title: "Search — Peer Journal", access: "open", remembered: true, lock: true },
  reflections: { title: "Reflections — Peer Journal", access: "open", remembered: true, lock: true },
  services: { title: "Services — Peer Journal", access: "open", remembered: true, lock: true },
  conflicts: { title: "Changed in two places — Peer Journal", access: "open", remembered: true, lock: true },
  exchange: { title: "Exchange files — Peer Journal", access: "open", remembered: true, lock: true },
  settings: { title: "Settings — Peer Journal", access: "open", remembered: true, lock: true },
};

const ACCESS_BY_STATE: Record<AppState["journal"], Access> = {
  missing: "missing",
  locked: "locked",
  unlocked: "open",
};

/** Whether `to` may show while the journal is in `state` (null: not known yet). */
export function allowed(to: Route, state: AppState | null): boolean {
  const access = ROUTES[to.name].access;
  return access === "any" || (state !== null && ACCESS_BY_STATE[state.journal] === access);
}

/** Where the open journal begins, and where "home" is: Review for a supervisor, Today for a volunteer. */
export function homeRoute(state: AppState | null = appState.peek()): Route {
  return state?.role === "supervisor" ? { name: "review" } : { name: "today" };
}

/** Where the app begins for a journal in `state`. */
export function startRoute(state: AppState | null): Route {
  if (state === null) return { name: "starting" };
  switch (state.journal) {
    case "missing":
      return { name: "setup" };
    case "locked":
      return { name: "unlock", mode: "passphrase" };
    case "unlocked":
      return homeRoute(state);
  }
}

/** The route on screen: the one asked for if the journal's state allows it, else where that state begins. */
export const shown = computed<Route>(() => {
  const state = appState.value;
  return allowed(route.value, state) ? route.value : startRoute(state);
});

/** Whether Back has somewhere to go: a route kept, that the journal's state still allows. */
export const canGoBack = computed(() => {
  const previous = history.value.at(-1);
  return previous !== undefined && allowed(previous, appState.value);
});

/** Routes that are the screen on show with its parameters changed (navigate's `update`), each with the route it changed. */
const updates = new WeakMap<Route, Route>();

/** The route a screen was first shown for: the same screen stays while only its parameters change. */
export function firstShownAs(at: Route): Route {
  let first = at;
  for (let earlier = updates.get(first); earlier !== undefined; earlier = updates.get(first)) first = earlier;
  return first;
}

/**
 * Shows `to`. The route on screen now is kept for Back if it may be returned
 * to and `to` needs the journal in the same state; a move across the lock
 * (opening, locking, creating) starts the history afresh. A route the
 * journal's state does not allow shows where that state begins instead.
 * `update`: `to` is the screen on show with other parameters (a filter
 * chosen): it takes the place of the route on screen, and the screen stays
 * as it is, focus and all.
 */
export function navigate(to: Route, options: { replace?: boolean; update?: boolean } = {}): void {
  batch(() => {
    const state = appState.value;
    const target = allowed(to, state) ? to : startRoute(state);
    // The route left: the one last asked for, if the journal's state (perhaps just changed) still allows it.
    const from = route.value;
    const sameSide = allowed(from, state) && ROUTES[from.name].access === ROUTES[target.name].access;
    const update = options.update === true && sameSide && from.name === target.name;
    if (!sameSide) history.value = [];
    else if (options.replace !== true && !update && ROUTES[from.name].remembered) history.value = [...history.value, from];
    if (update) updates.set(target, from);
    route.value = target;
  });
}

/** Returns to the route before this one; false when there is none. */
export function back(): boolean {
  const previous = history.value.at(-1);
  if (previous === undefined || !canGoBack.value) return false;
  batch(() => {
    history.value = history.value.slice(0, -1);
    route.value = previous;
  });
  return true;
}
