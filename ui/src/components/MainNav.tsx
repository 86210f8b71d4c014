// The way around the open journal, under the header on every open screen:
// the main places, and Log a contact, always in reach. A supervisor's journal
// has three places more, first: Review, Volunteers and Charts (and no Log a
// contact). The place on screen is marked (aria-current). The same moves have
// keys (app.tsx): Ctrl+N logs a contact, Ctrl+K or / searches.
import type { RouteName } from "../routes";
import { navigate, shown } from "../routes";
import { logContact } from "../shortcuts";
import { appState } from "../state";
import "./MainNav.css";

interface Place {
  name: "review" | "volunteers" | "charts" | "today" | "people" | "search" | "reflections" | "services" | "exchange" | "settings";
  label: string;
  /** Other routes that count as being in this place. */
  within?: readonly RouteName[];
  keys?: string;
}

const PLACES: readonly Place[] = [
  { name: "today", label: "Today" },
  { name: "people", label: "People", within: ["person"] },
  { name: "search", label: "Search", keys: "Control+K" },
  { name: "reflections", label: "Reflections" },
  { name: "services", label: "Services" },
  { name: "exchange", label: "Exchange" },
  { name: "settings", label: "Settings", within: ["conflicts"] },
];

/** A supervisor's places before the others: what needs a look, their volunteers, and the charts of their work. */
const SUPERVISOR_PLACES: readonly Place[] = [
  { name: "review", label: "Review" },
  { name: "volunteers", label: "Volunteers" },
  { name: "charts", label: "Charts", within: ["funderReport"] },
  ...PLACES,
];

export function MainNav() {
  const at = shown.value.name;
  // Contacts are the volunteers' to log (the journal refuses a supervisor's).
  const supervisor = appState.value?.role === "supervisor";
  const places = supervisor ? SUPERVISOR_PLACES : PLACES;
  return (
    <nav class="main-nav" aria-label="Main">
      <ul>
        {places.map((place) => {
          const here = at === place.name || (place.within?.includes(at) ?? false);
          return (
            <li key={place.name}>
              <button
                type="button"
                class="nav-item"
                aria-current={here ? "page" : undefined}
                aria-keyshortcuts={place.keys}
                onClick={() => navigate(place.name === "search" ? { name: "search", query: "" } : { name: place.name })}
              >
                {place.label}
              </button>
            </li>
          );
        })}
      </ul>
      {supervisor ? null : (
        <button type="button" class="button button-primary nav-log" aria-keyshortcuts="Control+N" onClick={() => logContact()}>
          Log a contact
        </button>
      )}
    </nav>
  );
}
