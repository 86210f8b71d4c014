// Shared helpers for the screen tests: query, type, wait. Whatever a person
// does runs inside Preact's act(), so the screen has rendered (and its effects
// run) by the time the test looks.
import axe from "axe-core";
import { act } from "preact/test-utils";
import { expect, vi } from "vitest";
import type { AppState } from "../src/bindings/AppState";
import type { Review } from "../src/bindings/Review";

export function appState(overrides: Partial<AppState> = {}): AppState {
  return { journal: "unlocked", name: "Sam", role: "volunteer", idleLockMinutes: 5, journalDir: "/tmp/pj", erasedAtUnlock: 0, retentionMonths: 12, clockAheadMinutes: null, discreetMode: false, fingerprint: null, deviceId: "d-here", demo: false, filesDir: "/tmp/pj-files", ...overrides };
}

/** A supervisor's review with nothing on any list. */
export function emptyReview(): Review {
  return {
    concerns: [],
    flagged: [],
    sharedReflections: [],
    staleSignposts: [],
    quietPeople: [],
    longRelationships: [],
    more: { concerns: false, flagged: false, sharedReflections: false, staleSignposts: false, quietPeople: false, longRelationships: false },
  };
}

export const KEY = "7K3M-Q9TX-A1B2-C3D4-E5F6-G7H8-J9K0-MNPQ";

/** The one element matching `selector`; fails the test if there is none. */
export function $<T extends Element = HTMLElement>(selector: string): T {
  const el = document.querySelector<T>(selector);
  if (el === null) throw new Error(`no element matches ${selector}`);
  return el;
}

export function input(selector: string): HTMLInputElement {
  return $<HTMLInputElement>(selector);
}

/** Types into a field the way a person does, so input listeners run. */
export function type(selector: string, value: string): HTMLInputElement {
  const el = input(selector);
  void act(() => {
    el.value = value;
    el.dispatchEvent(new Event("input", { bubbles: true }));
  });
  return el;
}

export function click(selector: string): void {
  const el = $<HTMLElement>(selector);
  void act(() => el.click());
}

/** Picks an option of a select, as a person does. */
export function choose(selector: string, value: string): HTMLSelectElement {
  const el = $<HTMLSelectElement>(selector);
  void act(() => {
    el.value = value;
    el.dispatchEvent(new Event("change", { bubbles: true }));
  });
  return el;
}

/** Presses a key where the focus is (or on the window). */
export function press(key: string, modifiers: KeyboardEventInit = {}): void {
  const target = document.activeElement ?? document.body;
  void act(() => {
    target.dispatchEvent(new KeyboardEvent("keydown", { key, bubbles: true, cancelable: true, ...modifiers }));
  });
}

/** Runs `fn` as something from outside the screen would (an event from the backend), then lets the screen render. */
export function fromOutside(fn: () => void): void {
  void act(fn);
}

/** The data-screen of what is showing; fails if more than one screen is in the document. */
export function screenName(): string | null {
  const screens = document.querySelectorAll("[data-screen]");
  expect(screens.length).toBeLessThanOrEqual(1);
  return screens[0]?.getAttribute("data-screen") ?? null;
}

/** Lets pending promise callbacks run, and the screen render what they changed. */
export async function settle(): Promise<void> {
  await act(async () => {
    await new Promise((resolve) => setTimeout(resolve, 0));
  });
}

/** The error shown beside the field with this id ("" when none), checking the field points at it. */
export function fieldError(id: string): string {
  const field = input(`#${id}`);
  const error = document.getElementById(`${id}-error`);
  if (error === null) {
    expect(field.hasAttribute("aria-invalid"), `#${id} is marked invalid with no error beside it`).toBe(false);
    return "";
  }
  expect(field.getAttribute("aria-invalid")).toBe("true");
  expect(field.getAttribute("aria-describedby")?.split(" ")).toContain(`${id}-error`);
  return error.textContent ?? "";
}

export function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void; reject: (reason: unknown) => void } {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Nothing the CSP would block: no style attributes, no inline handlers. */
export function expectCspClean(): void {
  for (const el of document.body.querySelectorAll("*")) {
    const inline = [...el.attributes].map((a) => a.name).filter((name) => name === "style" || name.startsWith("on"));
    expect(inline, `<${el.tagName.toLowerCase()}> has inline attributes`).toEqual([]);
  }
  expect(document.querySelectorAll("style, script").length).toBe(0);
}

/** Every control has an accessible name: its words, its label, or aria-label (which then starts with its words, WCAG 2.5.3). */
export function everyControlNamed(): void {
  for (const el of document.querySelectorAll<HTMLElement>("button, input, select, textarea, progress, summary")) {
    const words = (el.textContent ?? "").trim();
    const isNamed =
      ((el instanceof HTMLButtonElement || el.tagName === "SUMMARY") && words !== "") ||
      (el.id !== "" && (document.querySelector(`label[for="${el.id}"]`)?.textContent ?? "").trim() !== "") ||
      el.hasAttribute("aria-label");
    expect(isNamed, `${el.outerHTML} has no accessible name`).toBe(true);
    const label = el.getAttribute("aria-label");
    if (label !== null && el instanceof HTMLButtonElement) expect(label.startsWith(words), label).toBe(true);
  }
}

/** What axe finds wrong in the page, none expected. Layout is jsdom's, so contrast is checked by the end-to-end tests. */
export async function axeClean(): Promise<void> {
  const rules = { "color-contrast": { enabled: false }, region: { enabled: false }, "label-content-name-mismatch": { enabled: false } };
  const result = await axe.run(document.body, { rules });
  expect(result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.html).join(" | ")}`)).toEqual([]);
}

export function consoleSpies() {
  return (["log", "info", "warn", "error", "debug"] as const).map((method) =>
    vi.spyOn(console, method).mockImplementation(() => undefined),
  );
}
