import { beforeEach, describe, expect, test } from "vitest";
import { back, canGoBack, firstShownAs, homeRoute, navigate, ROUTES, shown, startRoute, type Route } from "../src/routes";
import { appState, history, route } from "../src/state";
import { appState as state } from "./helpers";

beforeEach(() => {
  appState.value = null;
  route.value = { name: "starting" };
  history.value = [];
});

describe("the route table", () => {
  test("every route says where it may show, and the recovery key is never kept for Back", () => {
    expect(Object.keys(ROUTES).sort()).toEqual(["charts", "conflicts", "edit", "exchange", "funderReport", "new", "people", "person", "problem", "record", "recovery", "reflections", "restore", "review", "search", "services", "settings", "setup", "starting", "today", "unlock", "volunteers"]);
    expect(ROUTES.recovery.remembered).toBe(false);
    expect(ROUTES.today.access).toBe("open");
    expect(ROUTES.unlock.access).toBe("locked");
    expect(ROUTES.charts).toEqual({ title: "Charts — Peer Journal", access: "open", remembered: true, lock: true });
    expect(ROUTES.funderReport).toEqual({ title: "The funder report — Peer Journal", access: "open", remembered: true, lock: true });
  });

  test.each([
    ["missing", { name: "setup" }],
    ["locked", { name: "unlock", mode: "passphrase" }],
    ["unlocked", { name: "today" }],
  ] as const)("a %s journal starts at %o", (journal, expected) => {
    expect(startRoute(state({ journal }))).toEqual(expected);
  });

  test("home is Review for a supervisor's journal, Today for a volunteer's", () => {
    expect(startRoute(state({ role: "supervisor" }))).toEqual({ name: "review" });
    expect(homeRoute(state({ role: "supervisor" }))).toEqual({ name: "review" });
    expect(homeRoute(state({ role: "volunteer" }))).toEqual({ name: "today" });
    expect(homeRoute(null)).toEqual({ name: "today" });
  });
});

describe("guards", () => {
  test("nothing past unlock shows while the journal is locked, whatever asks", () => {
    appState.value = state({ journal: "locked" });
    navigate({ name: "today" });
    expect(shown.value).toEqual({ name: "unlock", mode: "passphrase" });
    // Even set directly, the route on screen follows the journal's state.
    route.value = { name: "recovery", recoveryKey: "KEY" };
    expect(shown.value.name).toBe("unlock");
  });

  test("when the journal locks under an open screen, the screen shown is unlock at once", () => {
    appState.value = state();
    navigate({ name: "today" });
    expect(shown.value.name).toBe("today");
    appState.value = state({ journal: "locked" });
    expect(shown.value.name).toBe("unlock");
  });

  test("nothing shows before the backend has said what state the journal is in, except a problem", () => {
    navigate({ name: "today" });
    expect(shown.value.name).toBe("starting");
    navigate({ name: "problem", error: { kind: "io", message: "Could not read." } });
    expect(shown.value.name).toBe("problem");
  });
});

describe("history", () => {
  test("Back returns to the route before, with its parameters", () => {
    appState.value = state({ journal: "locked" });
    const idle: Route = { name: "unlock", mode: "passphrase", lockedBy: "idle" };
    navigate(idle);
    expect(canGoBack.value).toBe(false);
    navigate({ name: "unlock", mode: "recoveryKey" });
    expect(canGoBack.value).toBe(true);
    expect(back()).toBe(true);
    expect(shown.value).toBe(idle);
    expect(canGoBack.value).toBe(false);
    expect(back()).toBe(false);
  });

  test("replace moves on without keeping the route left", () => {
    appState.value = state({ journal: "locked" });
    navigate({ name: "unlock", mode: "recoveryKey" });
    navigate({ name: "unlock", mode: "passphrase" }, { replace: true });
    expect(history.value).toEqual([]);
  });

  test("update changes the screen's parameters in place: nothing is kept for Back, and the screen is the one first shown", () => {
    appState.value = state({ role: "supervisor" });
    navigate({ name: "volunteers" });
    const first: Route = { name: "review" };
    navigate(first);
    navigate({ name: "review", volunteer: "3ZT0-941R-PER2-DH6T" }, { update: true });
    navigate({ name: "review" }, { update: true });
    expect(history.value).toEqual([{ name: "volunteers" }]);
    expect(firstShownAs(shown.value)).toBe(first);
    // To another screen it is an ordinary move.
    navigate({ name: "volunteers" }, { update: true });
    expect(history.value).toHaveLength(2);
    expect(firstShownAs(shown.value)).toBe(shown.value);
  });

  test("opening or locking the journal starts the history afresh", () => {
    appState.value = state({ journal: "locked" });
    navigate({ name: "unlock", mode: "passphrase" });
    navigate({ name: "unlock", mode: "recoveryKey" });
    appState.value = state();
    navigate({ name: "today" });
    expect(history.value).toEqual([]);
    expect(canGoBack.value).toBe(false);
  });

  test("the recovery key is never kept, so Back can never show it again", () => {
    appState.value = state();
    navigate({ name: "recovery", recoveryKey: "7K3M-Q9TX" });
    navigate({ name: "today" });
    expect(history.value).toEqual([]);
    expect(JSON.stringify(history.value)).not.toContain("7K3M");
  });

  test("Back offers nothing the journal's state no longer allows", () => {
    appState.value = state({ journal: "locked" });
    navigate({ name: "unlock", mode: "passphrase" });
    navigate({ name: "unlock", mode: "recoveryKey" });
    // The journal opened without a navigation (as if by another path): Back has nowhere allowed to go.
    appState.value = state();
    expect(canGoBack.value).toBe(false);
    expect(back()).toBe(false);
  });
});
