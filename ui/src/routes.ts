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
// name in screens/ (app.tsx puts them together).
import { batch, computed } from "@preact/signals";
import type { AppState } from "./bindings/AppState";
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
  /** Right after set-up: the new recovery key, shown this once. */
  | { name: "recovery"; recoveryKey: string }
  /** The journal is locked; `lockedBy` says the idle timer did it, so the screen can say why. */
  | { name: "unlock"; mode: UnlockMode; lockedBy?: "idle" }
  /** The open journal. */
  | { name: "home" };

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
  // Locking here would lose the key before the person has checked their copy.
  recovery: { title: "Your recovery key — Peer Journal", access: "open", remembered: false, lock: false },
  unlock: { title: "Unlock — Peer Journal", access: "locked", remembered: true, lock: false },
  home: { title: "Peer Journal", access: "open", remembered: true, lock: true },
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

/** Where the app begins for a journal in `state`. */
export function startRoute(state: AppState | null): Route {
  if (state === null) return { name: "starting" };
  switch (state.journal) {
    case "missing":
      return { name: "setup" };
    case "locked":
      return { name: "unlock", mode: "passphrase" };
    case "unlocked":
      return { name: "home" };
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

/**
 * Shows `to`. The route on screen now is kept for Back if it may be returned
 * to and `to` needs the journal in the same state; a move across the lock
 * (opening, locking, creating) starts the history afresh. A route the
 * journal's state does not allow shows where that state begins instead.
 */
export function navigate(to: Route, options: { replace?: boolean } = {}): void {
  batch(() => {
    const state = appState.value;
    const target = allowed(to, state) ? to : startRoute(state);
    // The route left: the one last asked for, if the journal's state (perhaps just changed) still allows it.
    const from = route.value;
    const sameSide = allowed(from, state) && ROUTES[from.name].access === ROUTES[target.name].access;
    if (!sameSide) history.value = [];
    else if (options.replace !== true && ROUTES[from.name].remembered) history.value = [...history.value, from];
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
