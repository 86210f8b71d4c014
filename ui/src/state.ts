// The state that several screens share, as a few named signals. Everything
// else a screen shows lives in that screen's own component.
//
// Nothing here is ever written anywhere: no web storage, no URL. What the
// person typed stays in the form that holds it and goes with it.
import { computed, signal } from "@preact/signals";
import type { AppState } from "./bindings/AppState";
import type { PersonId } from "./bindings/PersonId";
import type { Route } from "./routes";

/** What the backend last said about the journal; null until it has answered. */
export const appState = signal<AppState | null>(null);

/** Whether the journal is open (activity pings run, the open screens may show). */
export const journalOpen = computed(() => appState.value?.journal === "unlocked");

/** The screen asked for; routes.ts guards what is actually shown. */
export const route = signal<Route>({ name: "starting" });

/** Where Back goes: the routes before this one, the latest last. */
export const history = signal<readonly Route[]>([]);

/** The person a record was last logged for: Log a contact starts with them when no person's page is on screen. */
export const lastPerson = signal<PersonId | null>(null);
