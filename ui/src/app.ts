// The app shell: asks the backend what state the journal is in, shows one
// screen at a time, and keeps the lock behaviour in one place (activity
// pings while open, the unlock screen as soon as the backend locks).
import { watchActivity } from "./activity";
import { api, onJournalLocked } from "./api";
import type { AppState } from "./bindings/AppState";
import { toUiError } from "./errors";
import { homeScreen, minutes } from "./screens/home";
import { problemScreen } from "./screens/problem";
import { recoveryScreen } from "./screens/recovery";
import type { Nav, Screen, UnlockOptions } from "./screens/screen";
import { setupScreen } from "./screens/setup";
import { unlockScreen } from "./screens/unlock";

export interface AppHandle {
  /** The screen now showing. */
  current(): Screen | null;
  /** Stops listening to the backend and the window (tests use it). */
  stop(): void;
}

export async function startApp(root: HTMLElement, activityTarget: EventTarget = window): Promise<AppHandle> {
  let current: Screen | null = null;
  let stopActivity: (() => void) | null = null;
  // Remembered so the unlock screen can say how long the journal waited.
  let idleLockMinutes: number | null = null;

  function remember(state: AppState): void {
    idleLockMinutes = state.idleLockMinutes;
  }

  function show(screen: Screen): void {
    current?.dispose();
    root.replaceChildren(screen.el);
    current = screen;
    document.title = screen.title;
    if (screen.unlocked && stopActivity === null) {
      stopActivity = watchActivity(activityTarget, ping);
    } else if (!screen.unlocked && stopActivity !== null) {
      stopActivity();
      stopActivity = null;
    }
    screen.focus();
  }

  const nav: Nav = {
    setup: () => show(setupScreen(nav)),
    recovery: (created) => {
      remember(created.state);
      show(recoveryScreen(nav, created));
    },
    unlock: (options?: UnlockOptions) => show(unlockScreen(nav, options)),
    home: (state) => {
      remember(state);
      show(homeScreen(nav, state));
    },
    update: remember,
  };

  function lockedByIdleTimer(): void {
    // Only an open journal can lock; on the other screens there is nothing to hide.
    if (current === null || !current.unlocked) return;
    const note =
      idleLockMinutes === null
        ? "Your journal locked itself after a while without use, to keep it private."
        : `Your journal locked itself after ${minutes(idleLockMinutes)} without use, to keep it private.`;
    nav.unlock({ note });
  }

  function ping(): void {
    api.touch().catch((reason: unknown) => {
      if (toUiError(reason).kind === "locked") lockedByIdleTimer();
    });
  }

  function route(state: AppState): void {
    remember(state);
    switch (state.journal) {
      case "missing":
        nav.setup();
        break;
      case "locked":
        nav.unlock({ name: state.name });
        break;
      case "unlocked":
        nav.home(state);
        break;
    }
  }

  async function boot(): Promise<void> {
    try {
      route(await api.appState());
    } catch (reason) {
      show(problemScreen(toUiError(reason), () => void boot()));
    }
  }

  const unlisten = await onJournalLocked(lockedByIdleTimer).catch(() => null);
  await boot();

  return {
    current: () => current,
    stop: () => {
      unlisten?.();
      stopActivity?.();
      stopActivity = null;
    },
  };
}
