// The journal's session as the window sees it: asking the backend what state
// the journal is in, moving to the screen a new state calls for, and the
// idle lock. The shared state and the screen always change together here.
import { batch } from "@preact/signals";
import { api } from "./api";
import type { AppState } from "./bindings/AppState";
import { toUiError } from "./errors";
import { navigate, startRoute, type Route } from "./routes";
import { appState } from "./state";

/** The backend says the journal is now in `state`: remember it and show `to`, or where that state begins. */
export function arrive(state: AppState, to: Route = startRoute(state)): void {
  batch(() => {
    appState.value = state;
    navigate(to);
  });
}

/** Asks the backend what state the journal is in and shows where that begins; says so if it cannot be asked. */
export async function boot(): Promise<void> {
  try {
    arrive(await api.appState());
  } catch (reason) {
    navigate({ name: "problem", error: toUiError(reason) });
  }
}

/** What the window knows of a journal that has just locked: how long it waited, and nothing from inside it. */
export function lockedState(state: AppState): AppState {
  return { ...state, journal: "locked", name: null, role: null, erasedAtUnlock: 0, retentionMonths: 0, clockAheadMinutes: null, fingerprint: null };
}

/**
 * The backend's idle timer locked the journal: show the unlock screen, saying
 * why. Returns false when the journal was not open (set-up, unlock: nothing
 * to hide, nothing changes).
 */
export function lockedByIdleTimer(): boolean {
  const state = appState.peek();
  if (state === null || state.journal !== "unlocked") return false;
  arrive(lockedState(state), { name: "unlock", mode: "passphrase", lockedBy: "idle" });
  return true;
}

/** Tells the backend the person is still here; a refusal because it already locked shows the unlock screen. */
export function ping(onLocked: () => void): void {
  api.touch().catch((reason: unknown) => {
    if (toUiError(reason).kind === "locked") onLocked();
  });
}
