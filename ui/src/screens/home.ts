// The open journal. For now: a greeting, an honest empty state, the Lock
// button and the idle-lock setting.
import { api } from "../api";
import type { AppState } from "../bindings/AppState";
import type { Role } from "../bindings/Role";
import { appHeader, errorMessage, heading, screenRoot, statusMessage } from "../components";
import { h, setMessage } from "../dom";
import { toUiError } from "../errors";
import type { Nav, Screen } from "./screen";

/** The idle-lock choices offered, in minutes. */
export const IDLE_CHOICES = [2, 5, 10, 15, 30, 60] as const;

const ROLE_LINES: Record<Role, string> = {
  volunteer: "Volunteer journal",
  supervisor: "Supervisor journal",
};

export function minutes(n: number): string {
  return n === 1 ? "1 minute" : `${n} minutes`;
}

function idleOptions(current: number): HTMLOptionElement[] {
  // A value set elsewhere (the command line allows 1 to 240) still shows truthfully.
  const choices: number[] = [...IDLE_CHOICES];
  if (!choices.includes(current)) choices.push(current);
  choices.sort((a, b) => a - b);
  return choices.map((n) => h("option", { value: n, selected: n === current }, minutes(n)));
}

/** What the retention check did at unlock, said once, plainly. */
export function retentionText(erased: number, months: number): string {
  const who = erased === 1 ? "1 relationship" : `${erased} relationships`;
  return (
    `${who} that ended more than ${months} months ago ${erased === 1 ? "was" : "were"} erased from your journal ` +
    "when you unlocked it, as your journal keeps records for that long after an ending."
  );
}

function retentionNote(state: AppState): HTMLElement | null {
  if (state.erasedAtUnlock <= 0) return null;
  return h(
    "section",
    { class: "card notice", id: "home-retention-note", role: "status" },
    h("p", {}, retentionText(state.erasedAtUnlock, state.retentionMonths)),
  );
}

/** "3 days", "5 hours", "40 minutes". */
export function aheadBy(minutesAhead: number): string {
  const plural = (n: number, unit: string) => (n === 1 ? `1 ${unit}` : `${n} ${unit}s`);
  if (minutesAhead >= 2 * 24 * 60) return plural(Math.floor(minutesAhead / (24 * 60)), "day");
  if (minutesAhead >= 2 * 60) return plural(Math.floor(minutesAhead / 60), "hour");
  return plural(minutesAhead, "minute");
}

/** The journal's clock is well ahead of the computer's: said at unlock. */
function clockNote(state: AppState): HTMLElement | null {
  if (state.clockAheadMinutes === null) return null;
  return h(
    "section",
    { class: "card notice", id: "home-clock-note", role: "status" },
    h(
      "p",
      {},
      `Your journal's clock is ${aheadBy(state.clockAheadMinutes)} ahead of this computer's: it has seen changes ` +
        "dated in the future, so what you write is dated after them for now. Check that this computer's date and " +
        "time are right.",
    ),
  );
}

export function homeScreen(nav: Nav, initial: AppState): Screen {
  let state = initial;
  const lockButton = h("button", { id: "lock-button", type: "button", class: "button button-header" }, "Lock");
  const lockError = errorMessage("home-error");
  const title = heading("h1", "Hello, ", h("span", { id: "home-name" }, state.name ?? ""));

  const idle = h("select", { id: "idle-minutes", name: "idle-minutes", "aria-describedby": "idle-minutes-hint" }, ...idleOptions(state.idleLockMinutes));
  const idleStatus = statusMessage("idle-minutes-status");
  const idleError = errorMessage("idle-minutes-error");

  const el = screenRoot(
    "home",
    appHeader(lockButton),
    h(
      "section",
      { class: "intro" },
      title,
      state.role === null ? null : h("p", { class: "role", id: "home-role" }, ROLE_LINES[state.role]),
      lockError,
    ),
    retentionNote(state),
    clockNote(state),
    h(
      "section",
      { class: "card empty-state", "aria-labelledby": "home-ready-title" },
      h("h2", { id: "home-ready-title" }, "Your journal is ready"),
      h("p", {}, "It is encrypted and kept on this computer only."),
      h(
        "p",
        {},
        "Recording your contacts, and the rest of your peer support work, arrives in a later version of Peer Journal. " +
          "Until then there is nothing to fill in here.",
      ),
    ),
    h(
      "section",
      { class: "card settings", "aria-labelledby": "home-settings-title" },
      h("h2", { id: "home-settings-title" }, "Settings"),
      h(
        "div",
        { class: "field field-inline" },
        h("label", { for: "idle-minutes" }, "Lock the journal after"),
        idle,
        h("span", { id: "idle-minutes-hint", class: "idle-after" }, "without use"),
      ),
      idleStatus,
      idleError,
      h("p", { class: "hint journal-dir" }, "Kept in ", h("code", { translate: "no" }, state.journalDir)),
    ),
  );

  idle.addEventListener("change", () => {
    const chosen = Number(idle.value);
    const previous = state.idleLockMinutes;
    setMessage(idleStatus, "");
    setMessage(idleError, "");
    api.setIdleLockMinutes(chosen).then(
      (next) => {
        state = next;
        nav.update(next);
        setMessage(idleStatus, `Saved. The journal will lock after ${minutes(next.idleLockMinutes)} without use.`);
      },
      (reason: unknown) => {
        idle.value = String(previous);
        setMessage(idleError, toUiError(reason).message);
      },
    );
  });

  let locking = false;
  lockButton.addEventListener("click", () => {
    if (locking) return;
    locking = true;
    setMessage(lockError, "");
    api.lock().then(
      (next) => nav.unlock({ name: next.name }),
      (reason: unknown) => {
        locking = false;
        const error = toUiError(reason);
        // Already locked (the idle timer got there first): just show the unlock screen.
        if (error.kind === "locked") nav.unlock();
        else setMessage(lockError, error.message);
      },
    );
  });

  return {
    name: "home",
    el,
    title: "Peer Journal",
    unlocked: true,
    focus: () => title.focus(),
    dispose: () => {},
  };
}
