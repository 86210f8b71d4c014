// Recording: the form of every kind built from the kinds' description, Log a
// contact and its defaults, saving with the keyboard, what a failed save
// keeps, drafts kept as the person types and offered back, and changing a
// record. Driven through the whole app as a person would; only api.ts is
// mocked, with a small journal in memory behind it.
import { act } from "preact/test-utils";
import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";

vi.mock("../src/api", () => {
  // Every command, made when first asked for; each answers as an empty journal would until a test says otherwise.
  const made = new Map<string | symbol, ReturnType<typeof vi.fn>>();
  const api = new Proxy(
    {},
    {
      get(_target, name) {
        let fn = made.get(name);
        if (fn === undefined) {
          fn = vi.fn(async () => []);
          made.set(name, fn);
        }
        return fn;
      },
    },
  );
  return { api, onJournalLocked: vi.fn(), onJobProgress: vi.fn(async () => () => undefined), onFilesDropped: vi.fn(async () => () => undefined), __made: made };
});

import * as apiModule from "../src/api";
import { api, onJournalLocked } from "../src/api";
import { startApp, type AppHandle } from "../src/app";
import type { AppState } from "../src/bindings/AppState";
import type { Draft } from "../src/bindings/Draft";
import type { FieldValues } from "../src/bindings/FieldValues";
import type { JournalRecord } from "../src/bindings/JournalRecord";
import type { Kind } from "../src/bindings/Kind";
import type { Page } from "../src/bindings/Page";
import { KINDS } from "../src/bindings/kinds";
import { checkRecord, fieldId, fieldNote, fieldOfMessage, valuesOf } from "../src/components/RecordForm";
import { RETIRED_CHOSEN, retiredWords } from "../src/components/ServicePicker";
import { draftTime } from "../src/drafts";
import { NEEDED } from "../src/forms";
import { kindOf } from "../src/kinds";
import { back, navigate, shown, type Route } from "../src/routes";
import { median } from "../src/screens/NewRecord";
import { KIND_ACTIONS } from "../src/kinds";
import { history, lastPerson } from "../src/state";
import { $, appState, choose, click, consoleSpies, deferred, expectCspClean, fieldError, fromOutside, input, press, screenName, settle, type } from "./helpers";

const made = (apiModule as unknown as { __made: Map<string, ReturnType<typeof vi.fn>> }).__made;
const mocked = {
  appState: vi.mocked(api.appState),
  touch: vi.mocked(api.touch),
  listRecords: vi.mocked(api.listRecords),
  offeredServices: vi.mocked(api.offeredServices),
  getRecord: vi.mocked(api.getRecord),
  addRecord: vi.mocked(api.addRecord),
  updateRecord: vi.mocked(api.updateRecord),
  saveDraft: vi.mocked(api.saveDraft),
  listDrafts: vi.mocked(api.listDrafts),
  discardDraft: vi.mocked(api.discardDraft),
};

const MINE = "mine000000000000";

function rec(kind: Kind, id: string, fields: Record<string, unknown>): JournalRecord {
  const at = kindOf(kind).at;
  const when = at === null ? null : fields[at];
  return {
    id,
    kind,
    person: typeof fields["person"] === "string" ? fields["person"] : kind === "person" ? id : null,
    at: typeof when === "string" ? when : null,
    fields,
    createdAt: "2026-12-03T14:30:00Z",
    updatedAt: "2026-12-03T15:00:00Z",
    updatedBy: "dev0000000000000abcdef12",
    owner: MINE,
    conflict: false,
  };
}

const rosa = rec("person", "p-rosa", { alias: "Rosa Maria" });
const jo = rec("person", "p-jo", { alias: "Jo Bloggs" });
const ann = rec("person", "p-ann", { alias: "Ann Lee" });
const foodBank = rec("service", "svc-food", { name: "Northside Food Bank", category: "Food", area: "Northside" });
const advice = rec("service", "svc-advice", { name: "Money Advice", category: "Money", area: "Town centre" });

/** Rosa's last five contacts, newest first: usually 45 minutes (the middle), though they average 66. */
const rosasContacts = [30, 45, 120, 90, 45].map((minutes, i) =>
  rec("contact", `c-${i}`, { person: "p-rosa", at: `2026-11-2${i}T10:00`, how: "home-visit", minutes }),
);

let journal: JournalRecord[];
let drafts: Draft[];
let app: AppHandle | null = null;
let journalLocked: (() => void) | null = null;

function page<T>(all: readonly T[], { limit, offset }: Page): T[] {
  return all.slice(offset, offset + limit);
}

function draft(key: string, kind: Kind, fields: FieldValues, updatedAt = new Date(2026, 11, 3, 14, 30).toISOString()): Draft {
  const person = typeof fields["person"] === "string" && fields["person"] !== "" ? fields["person"] : null;
  const record = key.endsWith(":new") ? null : key.slice(kind.length + 1);
  return { key, kind, record, person, fields, updatedAt };
}

beforeEach(() => {
  for (const fn of made.values()) {
    fn.mockReset();
    // Whatever screen shows first asks for its lists: an empty journal answers.
    fn.mockImplementation(async () => []);
  }
  journal = [rosa, jo, ann, foodBank, advice, ...rosasContacts];
  drafts = [];
  journalLocked = null;
  lastPerson.value = null;
  vi.mocked(onJournalLocked).mockImplementation(async (callback) => {
    journalLocked = callback;
    return () => {
      journalLocked = null;
    };
  });
  mocked.touch.mockResolvedValue(undefined);
  mocked.listRecords.mockImplementation(async (kind, person, asked) =>
    page(
      journal.filter((r) => r.kind === kind && (person === null || r.person === person)),
      asked,
    ),
  );
  mocked.offeredServices.mockImplementation(async (asked) =>
    page(
      journal.filter((r) => r.kind === "service" && r.fields["retired"] !== true),
      asked,
    ),
  );
  mocked.getRecord.mockImplementation(async (id) => {
    const found = journal.find((r) => r.id === id);
    if (found === undefined) throw { kind: "notFound", message: "there is no such record" };
    return found;
  });
  mocked.addRecord.mockImplementation(async (kind, fields) => {
    const record = rec(kind, `new-${journal.length}`, fields);
    journal = [record, ...journal];
    return record;
  });
  mocked.updateRecord.mockImplementation(async (id, fields) => {
    const before = journal.find((r) => r.id === id) as JournalRecord;
    const after = rec(before.kind, id, { ...before.fields, ...fields });
    journal = journal.map((r) => (r.id === id ? after : r));
    return after;
  });
  mocked.saveDraft.mockImplementation(async (key, kind, fields) => {
    const kept = draft(key, kind, fields, new Date().toISOString());
    drafts = [kept, ...drafts.filter((d) => d.key !== key)];
    return kept;
  });
  mocked.listDrafts.mockImplementation(async () => drafts);
  mocked.discardDraft.mockImplementation(async (key) => {
    drafts = drafts.filter((d) => d.key !== key);
  });
});

afterEach(() => {
  // Inside act, so the forms' cleanups (their last drafts) run now, not in the next test.
  void act(() => app?.stop());
  app = null;
  vi.useRealTimers();
  document.body.replaceChildren();
});

async function start(state: AppState = appState({ fingerprint: MINE })): Promise<void> {
  mocked.appState.mockResolvedValue(state);
  const root = document.createElement("div");
  document.body.replaceChildren(root);
  await act(async () => {
    app = await startApp(root, new EventTarget());
  });
  await settle();
}

async function go(to: Route): Promise<void> {
  fromOutside(() => navigate(to));
  await settle();
  await settle();
}

function text(selector = "main"): string {
  return ($(selector).textContent ?? "").replace(/\s+/g, " ");
}

/** The accessible name of a control, as a screen reader would find it in this markup. */
function accessibleName(el: Element): string {
  const byIds = el.getAttribute("aria-labelledby");
  if (byIds !== null) return byIds.split(" ").map((id) => document.getElementById(id)?.textContent ?? "").join(" ").trim();
  const aria = el.getAttribute("aria-label");
  if (aria !== null) return aria;
  if (el.id !== "") {
    const label = document.querySelector(`label[for="${el.id}"]`);
    if (label !== null) return (label.textContent ?? "").trim();
  }
  const wrapping = el.closest("label");
  if (wrapping !== null) return (wrapping.textContent ?? "").trim();
  if (el instanceof HTMLButtonElement) return (el.textContent ?? "").trim();
  return "";
}

/** The question a field is asked by: its label, or its group's legend. */
function questionOf(name: string): string {
  const id = fieldId(name);
  const label = document.querySelector(`label[for="${id}"]`);
  if (label !== null) return (label.textContent ?? "").trim();
  const legend = document.getElementById(`${id}-legend`);
  return (legend?.textContent ?? "").trim();
}

/** Presses a key on an element, returning whether something stopped what it would do by default. */
function keyOn(el: Element, key: string, init: KeyboardEventInit = {}): boolean {
  const event = new KeyboardEvent("keydown", { key, bubbles: true, cancelable: true, ...init });
  void act(() => {
    el.dispatchEvent(event);
  });
  return event.defaultPrevented;
}

function typeArea(selector: string, value: string): void {
  const el = $<HTMLTextAreaElement>(selector);
  void act(() => {
    el.value = value;
    el.dispatchEvent(new Event("input", { bubbles: true }));
  });
}

describe("every kind's form comes from its description", () => {
  test.each(KINDS.map((k) => [k.kind]))("%s: each field asks its question, says what is needed, and every control has a name", async (kind) => {
    await start();
    await go({ name: "new", kind });
    expect(screenName()).toBe("new");
    expect($("h1").textContent).toBe(KIND_ACTIONS[kind]);
    expect(document.title).toBe(`${KIND_ACTIONS[kind]} — Peer Journal`);
    // Fields behind More details are asked all the same.
    if (document.getElementById("record-more") !== null) click("#record-more");
    for (const field of kindOf(kind).fields) {
      if (field.input.type === "record") continue;
      // Whether a service has closed is asked only when changing it (below).
      if (kind === "service" && field.name === "retired") continue;
      const question = questionOf(field.name);
      expect(question, `${kind}.${field.name}`).toBe(field.required ? `${field.prompt} (${NEEDED})` : field.prompt);
      expect(text("form")).toContain(field.help);
    }
    for (const control of document.querySelectorAll("form input, form select, form textarea, form button")) {
      expect(accessibleName(control), control.outerHTML).not.toBe("");
    }
    expectCspClean();
  });

  test("choices: a few are radios with the kinds' words, many a select; limits are counted, never cut", async () => {
    await start();
    await go({ name: "new", kind: "concern" });
    const urgency = document.querySelectorAll<HTMLInputElement>(`input[name=urgency]`);
    expect([...urgency].map((r) => accessibleName(r))).toEqual(["Low", "Medium", "High", "Immediate"]);
    await go({ name: "new", kind: "contact" });
    const how = $<HTMLSelectElement>(`#${fieldId("how")}`);
    expect([...how.options].map((o) => o.textContent)).toEqual(kindOf("contact").fields.find((f) => f.name === "how")?.input.type === "choice" ? ["Home visit", "Phone call", "Messages", "Video call", "Group session", "Went along to an appointment"] : []);
    // A long paste is kept whole; the count says how far over it is.
    const present = type(`#${fieldId("present")}`, "x".repeat(210));
    expect(present.value).toHaveLength(210);
    expect(text(`#${fieldId("present")}-count`)).toContain("10 more than fit");
  });

  test("dates are the system's own date and date-time inputs, in the stored form", async () => {
    await start();
    await go({ name: "new", kind: "ending" });
    expect(input(`#${fieldId("on")}`).type).toBe("date");
    await go({ name: "new", kind: "concern" });
    expect(input(`#${fieldId("at")}`).type).toBe("datetime-local");
    expect(input(`#${fieldId("at")}`).value).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/);
  });
});

describe("checking before saving", () => {
  test("what is needed is asked for beside each field, and nothing is sent", async () => {
    await start();
    await go({ name: "new", kind: "concern" });
    click(`#record-save`);
    expect(fieldError(fieldId("person"))).toBe("Please choose someone from the list.");
    expect(fieldError(fieldId("notes"))).toBe("Please write a few words here.");
    expect($(`#${fieldId("category")}-error`).textContent).toBe("Please choose one.");
    expect(document.activeElement).toBe(input(`#${fieldId("person")}`));
    expect(mocked.addRecord).not.toHaveBeenCalled();
  });

  test("too long, not minutes, not a date, and more than a day ahead are caught", () => {
    const values = { ...valuesOf("contact"), person: "p-rosa", at: "2999-01-01T10:00", how: "phone", minutes: "an hour", present: "y".repeat(201) };
    const problems = checkRecord("contact", values, new Date(2026, 11, 3, 14, 30));
    expect(Object.fromEntries(problems.map((p) => [p.field, p.message]))).toEqual({
      at: "This is more than a day from now. It is for something that has already happened.",
      minutes: "Please give the minutes as a whole number, from 0 to 1440.",
      present: "This is 201 characters long, and 200 fit. Please shorten it a little.",
    });
    expect(checkRecord("ending", { ...valuesOf("ending"), person: "p-rosa", on: "2026-02-30", planned: "true" })).toHaveLength(1);
  });

  test("the core's refusals are placed by the label they name", () => {
    expect(fieldOfMessage("contact", "minutes must be between 0 and 1440")).toBe("minutes");
    expect(fieldOfMessage("contact", "the next planned contact must come after this one")).toBe("next_contact");
    expect(fieldOfMessage("contact", "a contact needs person")).toBe("person");
    expect(fieldOfMessage("contact", "a contact cannot be dated more than a day ahead")).toBe("at");
    expect(fieldOfMessage("signpost", "a referral marked 'outcome' needs a few words on what came of it")).toBe("outcome");
    expect(fieldOfMessage("person", "alias or initials is too long (81 characters; at most 80)")).toBe("alias");
    expect(fieldOfMessage("contact", "the disk is full: free some space and try again")).toBeNull();
  });
});

describe("Log a contact", () => {
  async function logFor(person: string | null): Promise<void> {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date(2026, 11, 3, 14, 30, 42));
    lastPerson.value = person;
    await start();
    press("n", { ctrlKey: true });
    await settle();
    await settle();
  }

  test("Ctrl+N from anywhere: now, a home visit, the last person, and their usual length", async () => {
    await logFor("p-rosa");
    expect(screenName()).toBe("new");
    expect($("h1").textContent).toBe("Log a contact");
    expect(text(`#${fieldId("person")}-fixed`)).toContain("Rosa Maria");
    expect(input(`#${fieldId("at")}`).value).toBe("2026-12-03T14:30");
    // The picker's own display may put the month first: the day is said again in words.
    expect(text(`#${fieldId("at")}-echo`)).toBe("Thu 3 Dec, 14:30");
    expect(text(`#${fieldId("next_contact")}-echo`)).toBe("No day or time chosen.");
    expect($<HTMLSelectElement>(`#${fieldId("how")}`).value).toBe("home-visit");
    expect(input(`#${fieldId("minutes")}`).value).toBe("45");
    expect(input(`input[name=${fieldId("minutes")}-quick][value="45"]`).checked).toBe(true);
    expect(mocked.listRecords).toHaveBeenCalledWith("contact", "p-rosa", { limit: 5, offset: 0 });
    // Its core fields at once: nothing behind More details.
    for (const name of ["present", "focus", "strengths", "steps", "notes", "next_contact", "flag"]) {
      expect(document.getElementById(fieldId(name)), name).not.toBeNull();
    }
    expect(accessibleName(input(`#${fieldId("flag")}`))).toBe("Would you like to talk about this in supervision?");
    // Focus starts where the writing starts.
    expect(document.activeElement).toBe(input(`#${fieldId("present")}`));
  });

  test("the usual length is the middle of the last five, and follows a change of person", async () => {
    expect(median([30, 45, 120, 90, 45])).toBe(45);
    expect(median([30, 60])).toBe(45);
    expect(median([40, 45])).toBe(45);
    expect(median([34])).toBe(35);
    expect(median([])).toBeNull();
    await logFor("p-rosa");
    click(`#${fieldId("person")}-change`);
    const picker = input(`#${fieldId("person")}`);
    expect(document.activeElement).toBe(picker);
    type(`#${fieldId("person")}`, "jo");
    keyOn(picker, "Enter");
    await settle();
    expect(picker.value).toBe("Jo Bloggs");
    // Jo has no contacts yet: no usual length to offer.
    expect(input(`#${fieldId("minutes")}`).value).toBe("");
  });

  test("without anyone to start with, the person is chosen by typing part of the name", async () => {
    await logFor(null);
    const picker = input(`#${fieldId("person")}`);
    expect(document.activeElement).toBe(picker);
    type(`#${fieldId("person")}`, "ro");
    expect(picker.getAttribute("aria-expanded")).toBe("true");
    const options = [...document.querySelectorAll(`#${fieldId("person")}-list [role=option]`)].map((o) => o.textContent);
    expect(options).toEqual(["Rosa Maria", "Add “ro” as someone new…"]);
    expect(picker.getAttribute("aria-activedescendant")).toBe(`${fieldId("person")}-option-0`);
    expect(keyOn(picker, "Enter")).toBe(true);
    await settle();
    expect(picker.value).toBe("Rosa Maria");
    expect(picker.getAttribute("aria-expanded")).toBe("false");
    expect(input(`#${fieldId("minutes")}`).value).toBe("45");
    expect(mocked.addRecord).not.toHaveBeenCalled();
  });

  test("in discreet mode people are initials, found by their initials too", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date(2026, 11, 3, 14, 30));
    await start(appState({ fingerprint: MINE, discreetMode: true }));
    await go({ name: "new", kind: "contact" });
    type(`#${fieldId("person")}`, "rm");
    const options = [...document.querySelectorAll(`#${fieldId("person")}-list [role=option]`)].map((o) => o.textContent);
    expect(options).toEqual(["R.M.", "Add someone new…"]);
    expect(text("main")).not.toContain("Rosa");
  });

  test("Enter in a one-line field does not save; Ctrl+Enter saves from anywhere, then the person's page shows", async () => {
    await logFor("p-rosa");
    const before = history.value.length;
    type(`#${fieldId("present")}`, "her partner");
    expect(keyOn(input(`#${fieldId("present")}`), "Enter")).toBe(true);
    expect(keyOn(input(`#${fieldId("flag")}`), "Enter")).toBe(true);
    expect(mocked.addRecord).not.toHaveBeenCalled();
    typeArea(`#${fieldId("focus")}`, "getting out to the park");
    click(`#${fieldId("flag")}`);
    expect($(`#record-save`).getAttribute("aria-keyshortcuts")).toBe("Control+Enter");
    keyOn($(`#${fieldId("focus")}`), "Enter", { ctrlKey: true });
    await settle();
    await settle();
    expect(mocked.addRecord).toHaveBeenCalledWith("contact", {
      person: "p-rosa",
      at: "2026-12-03T14:30",
      how: "home-visit",
      minutes: 45,
      present: "her partner",
      focus: "getting out to the park",
      flag: true,
    });
    expect(shown.value).toEqual({ name: "person", id: "p-rosa" });
    expect(lastPerson.value).toBe("p-rosa");
    // The form was replaced: Back does not return to it.
    expect(history.value.length).toBe(before);
    expect(history.value.some((r) => r.name === "new")).toBe(false);
    expect(mocked.discardDraft).toHaveBeenCalledWith("contact:new");
  });

  test("a refused save keeps everything typed and says why beside the field it concerns", async () => {
    await logFor("p-rosa");
    typeArea(`#${fieldId("strengths")}`, "so patient with the baby");
    type(`#${fieldId("next_contact")}`, "2026-12-01T10:00");
    mocked.addRecord.mockRejectedValueOnce({ kind: "invalidInput", message: "the next planned contact must come after this one" });
    click("#record-save");
    await settle();
    expect(screenName()).toBe("new");
    expect(fieldError(fieldId("next_contact"))).toBe("The next planned contact must come after this one.");
    expect(document.activeElement).toBe(input(`#${fieldId("next_contact")}`));
    expect($<HTMLTextAreaElement>(`#${fieldId("strengths")}`).value).toBe("so patient with the baby");
    expect(input(`#${fieldId("next_contact")}`).value).toBe("2026-12-01T10:00");
    expect(mocked.discardDraft).not.toHaveBeenCalled();
    expect($<HTMLButtonElement>("#record-save").disabled).toBe(false);

    // A failure of no one field is said for the form, and still nothing is lost.
    mocked.addRecord.mockRejectedValueOnce({ kind: "diskFull", message: "the disk is full: free some space and try again; nothing was changed" });
    type(`#${fieldId("next_contact")}`, "2026-12-10T10:00");
    click("#record-save");
    await settle();
    expect($("#record-error").textContent).toBe("The disk is full: free some space and try again; nothing was changed.");
    expect($<HTMLTextAreaElement>(`#${fieldId("strengths")}`).value).toBe("so patient with the baby");
  });

  test("the save button is busy while saving, and a second press does nothing", async () => {
    await logFor("p-rosa");
    const pending = deferred<JournalRecord>();
    mocked.addRecord.mockReturnValueOnce(pending.promise);
    click("#record-save");
    const button = $<HTMLButtonElement>("#record-save");
    expect(button.getAttribute("aria-busy")).toBe("true");
    click("#record-save");
    expect(mocked.addRecord).toHaveBeenCalledTimes(1);
    pending.resolve(rec("contact", "c-new", { person: "p-rosa", at: "2026-12-03T14:30", how: "home-visit" }));
    await settle();
    await settle();
    expect(screenName()).toBe("person");
  });

  test("someone new can be added on the way, and the contact comes back with them chosen and all it had", async () => {
    await logFor(null);
    typeArea(`#${fieldId("focus")}`, "a first visit");
    type(`#${fieldId("person")}`, "Sam K");
    const picker = input(`#${fieldId("person")}`);
    // Nothing matches: the only entry adds them.
    expect(text(`#${fieldId("person")}-list`)).toContain("No one in your journal is called “Sam K”.");
    keyOn(picker, "Enter");
    await settle();
    await settle();
    expect(shown.value).toEqual({ name: "new", kind: "person" });
    expect($("h1").textContent).toBe("A new person");
    expect(input(`#${fieldId("alias")}`).value).toBe("Sam K");
    expect(text("#record-detour-note")).toContain("you will go back to what you were writing");
    mocked.listRecords.mockImplementation(async (kind, person, asked) =>
      page(
        journal.filter((r) => r.kind === kind && (person === null || r.person === person)),
        asked,
      ),
    );
    click("#record-save");
    await settle();
    await settle();
    await settle();
    expect(mocked.addRecord).toHaveBeenCalledWith("person", { alias: "Sam K" });
    expect(shown.value).toEqual({ name: "new", kind: "contact" });
    expect(input(`#${fieldId("person")}`).value).toBe("Sam K");
    expect($<HTMLTextAreaElement>(`#${fieldId("focus")}`).value).toBe("a first visit");
    // No offer of the draft: the form simply carries on.
    expect(document.querySelector("#draft-carry-on")).toBeNull();
    click("#record-save");
    await settle();
    await settle();
    expect(mocked.addRecord).toHaveBeenLastCalledWith("contact", expect.objectContaining({ person: journal.find((r) => r.kind === "person" && r.fields["alias"] === "Sam K")?.id, focus: "a first visit" }));
    // Back goes to where the contact was begun, never to a filled form.
    expect(history.value.some((r) => r.name === "new")).toBe(false);
  });
});

describe("the person picker", () => {
  async function picker(): Promise<HTMLInputElement> {
    await start();
    await go({ name: "new", kind: "boundary-issue" });
    return input(`#${fieldId("person")}`);
  }

  const options = () => [...document.querySelectorAll(`#${fieldId("person")}-list [role=option]`)].map((o) => o.textContent);

  test("arrows move through the list, Escape closes it, and the chosen one is what the form keeps", async () => {
    const field = await picker();
    expect(keyOn(field, "ArrowDown")).toBe(true);
    expect(field.getAttribute("aria-expanded")).toBe("true");
    expect(options()).toEqual(["Ann Lee", "Jo Bloggs", "Rosa Maria", "Add someone new…"]);
    keyOn(field, "ArrowDown");
    expect(field.getAttribute("aria-activedescendant")).toBe(`${fieldId("person")}-option-1`);
    expect($(`#${fieldId("person")}-option-1`).getAttribute("aria-selected")).toBe("true");
    keyOn(field, "ArrowUp");
    keyOn(field, "ArrowUp");
    expect(field.getAttribute("aria-activedescendant")).toBe(`${fieldId("person")}-option-3`);
    expect(keyOn(field, "Escape")).toBe(true);
    expect(field.getAttribute("aria-expanded")).toBe("false");
    expect($(`#${fieldId("person")}-list`).hidden).toBe(true);
  });

  test("a name typed in full is chosen on leaving the field", async () => {
    const field = await picker();
    type(`#${fieldId("person")}`, "jo bloggs");
    fromOutside(() => field.dispatchEvent(new FocusEvent("blur")));
    typeArea(`#${fieldId("what_happened")}`, "a call at 11pm");
    choose(`#${fieldId("category")}`, "out-of-hours-contact");
    click("#record-save");
    await settle();
    await settle();
    expect(mocked.addRecord).toHaveBeenCalledWith("boundary-issue", expect.objectContaining({ person: "p-jo", category: "out-of-hours-contact" }));
  });

  test("part of a name, not chosen, is asked about beside the field", async () => {
    const field = await picker();
    type(`#${fieldId("person")}`, "ro");
    fromOutside(() => field.dispatchEvent(new FocusEvent("blur")));
    click("#record-save");
    expect(fieldError(fieldId("person"))).toBe("Please choose someone from the list.");
    expect(field.value).toBe("ro");
  });

  test("with no one in the journal yet, it says so and offers to add someone", async () => {
    journal = journal.filter((r) => r.kind !== "person");
    const field = await picker();
    expect(text(`#${fieldId("person")}-hint`)).toContain("There is no one in your journal yet");
    keyOn(field, "ArrowDown");
    expect(options()).toEqual(["Add someone new…"]);
  });
});

describe("drafts", () => {
  async function openContact(): Promise<void> {
    lastPerson.value = "p-rosa";
    await start();
    await go({ name: "new", kind: "contact", person: "p-rosa" });
  }

  async function tick(ms: number): Promise<void> {
    await act(async () => {
      await vi.advanceTimersByTimeAsync(ms);
    });
  }

  test("what is typed is kept half a second after typing stops, under the form's key, as one save", async () => {
    await openContact();
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    expect(mocked.saveDraft).not.toHaveBeenCalled();
    typeArea(`#${fieldId("focus")}`, "get");
    await tick(300);
    typeArea(`#${fieldId("focus")}`, "getting out");
    await tick(499);
    expect(mocked.saveDraft).not.toHaveBeenCalled();
    await tick(1);
    expect(mocked.saveDraft).toHaveBeenCalledTimes(1);
    const [key, kind, fields] = mocked.saveDraft.mock.calls[0] ?? [];
    expect([key, kind]).toEqual(["contact:new", "contact"]);
    expect(fields).toMatchObject({ person: "p-rosa", how: "home-visit", minutes: "45", focus: "getting out" });
  });

  test("kept at once when the window loses focus, and when the form is left", async () => {
    await openContact();
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    typeArea(`#${fieldId("steps")}`, "went to the group");
    fromOutside(() => window.dispatchEvent(new Event("blur")));
    await tick(0);
    expect(mocked.saveDraft).toHaveBeenCalledTimes(1);
    typeArea(`#${fieldId("steps")}`, "went to the group on her own");
    fromOutside(() => navigate({ name: "today" }));
    await tick(0);
    expect(mocked.saveDraft).toHaveBeenCalledTimes(2);
    expect(mocked.saveDraft.mock.calls[1]?.[2]).toMatchObject({ steps: "went to the group on her own" });
  });

  test("kept at once when focus leaves the form, as for Lock", async () => {
    await openContact();
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const notes = $<HTMLTextAreaElement>(`#${fieldId("notes")}`);
    typeArea(`#${fieldId("notes")}`, "tired but hopeful");
    fromOutside(() => notes.dispatchEvent(new FocusEvent("focusout", { bubbles: true, relatedTarget: $("#lock-button") })));
    expect(mocked.saveDraft).toHaveBeenCalledTimes(1);
    // Moving between its own fields does not.
    typeArea(`#${fieldId("notes")}`, "tired but hopeful, and laughing");
    fromOutside(() => notes.dispatchEvent(new FocusEvent("focusout", { bubbles: true, relatedTarget: $(`#${fieldId("flag")}`) })));
    expect(mocked.saveDraft).toHaveBeenCalledTimes(1);
  });

  test("a form left for another of its kind (Ctrl+N again) is offered back there, nothing lost", async () => {
    await openContact();
    typeArea(`#${fieldId("focus")}`, "the park");
    keyOn($(`#${fieldId("focus")}`), "n", { ctrlKey: true });
    await settle();
    await settle();
    expect(text(".draft-offer")).toContain("You started this on");
    click("#draft-carry-on");
    await settle();
    expect($<HTMLTextAreaElement>(`#${fieldId("focus")}`).value).toBe("the park");
  });

  test("already in the journal when the idle lock clears the screen", async () => {
    await openContact();
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    typeArea(`#${fieldId("notes")}`, "a hard week for her");
    await tick(500);
    expect(drafts.map((d) => d.fields["notes"])).toEqual(["a hard week for her"]);
    journalLocked?.();
    expect(screenName()).toBe("unlock");
    expect(document.body.textContent).not.toContain("a hard week");
  });

  test("a draft that cannot be kept is said quietly, and typing goes on", async () => {
    await openContact();
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    mocked.saveDraft.mockRejectedValueOnce({ kind: "diskFull", message: "the disk is full: free some space and try again; nothing was changed" });
    typeArea(`#${fieldId("notes")}`, "first words");
    await tick(500);
    const status = $("#record-draft-status");
    expect(status.getAttribute("role")).toBe("status");
    expect(status.textContent).toContain("Your words are still here");
    expect(status.textContent).toContain("The disk is full");
    expect($("#record-error").textContent).toBe("");
    typeArea(`#${fieldId("notes")}`, "first words, and more");
    expect($<HTMLTextAreaElement>(`#${fieldId("notes")}`).value).toBe("first words, and more");
    await tick(500);
    expect(status.textContent).toBe("");
  });

  test("a draft is offered back when the form opens: Carry on restores it", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date(2026, 11, 3, 16, 0));
    drafts = [draft("contact:new", "contact", { person: "p-jo", at: "2026-12-02T09:15", how: "phone", minutes: "20", focus: "the move", flag: true })];
    await openContact();
    expect(text(".draft-offer")).toContain(`You started this on ${draftTime(drafts[0]?.updatedAt ?? "")}, about Jo Bloggs`);
    expect(text(".draft-offer")).toContain("Thu 3 Dec at 14:30");
    expect(document.activeElement).toBe($("#draft-carry-on"));
    expect(document.querySelector("form")).toBeNull();
    click("#draft-carry-on");
    await settle();
    expect(text(`#${fieldId("person")}-fixed`)).toContain("Jo Bloggs");
    expect(input(`#${fieldId("at")}`).value).toBe("2026-12-02T09:15");
    expect($<HTMLSelectElement>(`#${fieldId("how")}`).value).toBe("phone");
    expect(input(`#${fieldId("minutes")}`).value).toBe("20");
    expect($<HTMLTextAreaElement>(`#${fieldId("focus")}`).value).toBe("the move");
    expect(input(`#${fieldId("flag")}`).checked).toBe(true);
  });

  test("Start again puts the draft away and starts from the defaults", async () => {
    drafts = [draft("contact:new", "contact", { person: "p-jo", focus: "the move" })];
    await openContact();
    click("#draft-start-again");
    await settle();
    expect(mocked.discardDraft).toHaveBeenCalledWith("contact:new");
    expect($<HTMLTextAreaElement>(`#${fieldId("focus")}`).value).toBe("");
    expect(text(`#${fieldId("person")}-fixed`)).toContain("Rosa Maria");
  });

  test("the draft goes once the record is saved, after any save still on its way", async () => {
    await openContact();
    const slow = deferred<Draft>();
    mocked.saveDraft.mockReturnValueOnce(slow.promise);
    typeArea(`#${fieldId("focus")}`, "the park");
    fromOutside(() => window.dispatchEvent(new Event("blur")));
    click("#record-save");
    await settle();
    expect(mocked.discardDraft).not.toHaveBeenCalled();
    slow.resolve(draft("contact:new", "contact", { focus: "the park" }));
    await settle();
    await settle();
    expect(mocked.discardDraft).toHaveBeenCalledWith("contact:new");
    expect(mocked.saveDraft).toHaveBeenCalledTimes(1);
    expect(screenName()).toBe("person");
  });

  test("nothing typed goes to web storage, the URL or the console", async () => {
    const spies = consoleSpies();
    await openContact();
    typeArea(`#${fieldId("notes")}`, "lantern moss river");
    fromOutside(() => window.dispatchEvent(new Event("blur")));
    click("#record-save");
    await settle();
    await settle();
    expect(localStorage.length).toBe(0);
    expect(sessionStorage.length).toBe(0);
    expect(location.href).not.toContain("lantern");
    for (const spy of spies) expect(spy).not.toHaveBeenCalled();
  });
});

describe("what some kinds say", () => {
  test("a reflection is private unless shared, and says a shared one cannot be called back", async () => {
    await start();
    await go({ name: "new", kind: "reflection" });
    const shared = input(`#${fieldId("shared")}`);
    expect(shared.checked).toBe(false);
    expect(text(`#${fieldId("shared")}-note`)).toContain("It stays private, with you.");
    expect(text(`#${fieldId("shared")}-note`)).toContain("cannot be called back");
    click(`#${fieldId("shared")}`);
    expect(text(`#${fieldId("shared")}-note`)).toContain("Once it has been sent, it cannot be called back.");
    click(`#${fieldId("shared")}`);
    typeArea(`#${fieldId("text")}`, "a heavy visit");
    click("#record-save");
    await settle();
    await settle();
    expect(mocked.addRecord).toHaveBeenCalledWith("reflection", expect.objectContaining({ text: "a heavy visit", shared: false }));
    expect(shown.value).toEqual({ name: "reflections" });
  });

  test("a concern of high urgency says it goes in the next file, and to talk to the supervisor now if someone is in danger", async () => {
    await start();
    await go({ name: "new", kind: "concern", person: "p-rosa" });
    const note = $(`#${fieldId("urgency")}-note`);
    expect(note.getAttribute("role")).toBe("status");
    expect(note.textContent).toBe("");
    click(`#${fieldId("urgency")}-high`);
    expect(note.textContent).toContain("next file you send them");
    expect(note.textContent).toContain("talk to your supervisor now");
    click(`#${fieldId("urgency")}-low`);
    expect(note.textContent).toBe("");
  });

  test("an ending says the retention clock starts", async () => {
    await start(appState({ fingerprint: MINE, retentionMonths: 18 }));
    await go({ name: "new", kind: "ending", person: "p-rosa" });
    expect(text(`#${fieldId("on")}-note`)).toBe(
      "Saving this starts the clock: 18 months after the day it ended, everything in your journal about Rosa Maria is erased.",
    );
    expect(fieldNote("ending", "on", { ...valuesOf("ending"), person: "p-rosa" }, true)).toBe(
      "The clock runs from the day it ended: 18 months after it, everything in your journal about Rosa Maria is erased.",
    );
    // Planned or not is asked, never assumed.
    expect(input(`#${fieldId("planned")}-true`).checked).toBe(false);
    expect(input(`#${fieldId("planned")}-false`).checked).toBe(false);
  });

  test("a signpost starts at its first step, and its service is found in the directory by what it helps with", async () => {
    await start();
    await go({ name: "new", kind: "signpost", person: "p-rosa" });
    expect($<HTMLSelectElement>(`#${fieldId("status")}`).value).toBe("suggested");
    const picker = input(`#${fieldId("service")}`);
    fromOutside(() => picker.focus());
    await settle();
    type(`#${fieldId("service")}`, "money");
    const options = [...document.querySelectorAll(`#${fieldId("service")}-list [role=option]`)];
    expect(options.map((o) => o.querySelector(".pick-name")?.textContent)).toEqual(["Money Advice", undefined]);
    expect(options[0]?.textContent).toContain("Money · Town centre");
    click(`#${fieldId("service")}-option-0`);
    expect(picker.value).toBe("Money Advice");
    click("#record-save");
    await settle();
    await settle();
    expect(mocked.addRecord).toHaveBeenCalledWith("signpost", expect.objectContaining({ person: "p-rosa", service: "svc-advice", status: "suggested" }));
    expect(shown.value).toEqual({ name: "person", id: "p-rosa" });
  });

  test("a service no longer taking referrals is not offered for a new signpost", async () => {
    journal = [rec("service", "svc-pantry", { name: "Old Pantry", category: "Food", retired: true }), ...journal];
    await start();
    await go({ name: "new", kind: "signpost", person: "p-rosa" });
    const picker = input(`#${fieldId("service")}`);
    fromOutside(() => picker.focus());
    await settle();
    expect(mocked.offeredServices).toHaveBeenCalledWith({ limit: 200, offset: 0 });
    type(`#${fieldId("service")}`, "food");
    const names = [...document.querySelectorAll(`#${fieldId("service")}-list [role=option] .pick-name`)].map((o) => o.textContent);
    expect(names).toEqual(["Northside Food Bank"]);
    type(`#${fieldId("service")}`, "pantry");
    expect(text(`#${fieldId("service")}-list`)).toContain("Old Pantry is no longer taking referrals, so it isn’t offered here.");
    type(`#${fieldId("service")}`, "swimming");
    expect(text(`#${fieldId("service")}-list`)).toContain("No service in your directory matches “swimming”.");
    expect(retiredWords(["B", "A", "C"])).toBe("B, A and C are no longer taking referrals, so they aren’t offered here.");
    expect(document.getElementById(`${fieldId("service")}-retired`)).toBeNull();
  });

  test("a signpost that names a service no longer taking referrals keeps it, and says so", async () => {
    const pantry = rec("service", "svc-pantry", { name: "Old Pantry", retired: true });
    const old = rec("signpost", "s-old", { person: "p-rosa", service: "svc-pantry", at: "2026-11-02", status: "made" });
    journal = [pantry, old, ...journal];
    await start();
    await go({ name: "record", id: "s-old" });
    await go({ name: "edit", id: "s-old" });
    await settle();
    expect(input(`#${fieldId("service")}`).value).toBe("Old Pantry");
    expect(text(`#${fieldId("service")}-retired`)).toBe(RETIRED_CHOSEN);
    choose(`#${fieldId("status")}`, "attended");
    click("#record-save");
    await settle();
    await settle();
    expect(mocked.updateRecord).toHaveBeenCalledWith("s-old", { status: "attended" });
  });

  test("a new service does not ask whether it has closed; changing one does", async () => {
    const retired = kindOf("service").fields.find((f) => f.name === "retired");
    expect(retired?.prompt).toBe("Has it closed, or stopped taking referrals?");
    await start();
    await go({ name: "new", kind: "service" });
    click("#record-more");
    await settle();
    // Its other details are there behind More details; whether it has closed is not.
    expect(document.getElementById(fieldId("opening_times"))).not.toBeNull();
    expect(document.getElementById(fieldId("retired"))).toBeNull();
    expect(text("form")).not.toContain(retired?.prompt ?? "");
    const pantry = rec("service", "svc-open", { name: "Food bank" });
    journal = [pantry, ...journal];
    await go({ name: "record", id: "svc-open" });
    await go({ name: "edit", id: "svc-open" });
    await settle();
    expect(document.getElementById(fieldId("retired"))).not.toBeNull();
    expect(text("form")).toContain(retired?.prompt ?? "");
  });

  test("a field the route fixes is shown as text, not asked", async () => {
    await start();
    await go({ name: "new", kind: "concern", person: "p-rosa" });
    expect(document.getElementById(fieldId("person"))).toBeNull();
    expect(text(`#${fieldId("person")}-fixed`)).toBe("Who is the concern about?Rosa MariaSomeone else?");
  });
});

describe("changing a record", () => {
  const contact = rec("contact", "c-edit", { person: "p-rosa", at: "2026-12-01T10:00", how: "phone", minutes: 30, focus: "sleep" });

  test("starts from what it says, sends only what changed, and shows the person's page", async () => {
    journal = [contact, ...journal];
    await start();
    await go({ name: "record", id: "c-edit" });
    await go({ name: "edit", id: "c-edit" });
    expect($("h1").textContent).toBe("Change this contact");
    expect($<HTMLTextAreaElement>(`#${fieldId("focus")}`).value).toBe("sleep");
    expect(input(`#${fieldId("person")}`).value).toBe("Rosa Maria");
    typeArea(`#${fieldId("focus")}`, "sleep, and the new flat");
    type(`#${fieldId("minutes")}`, "");
    click("#record-save");
    await settle();
    await settle();
    expect(mocked.updateRecord).toHaveBeenCalledWith("c-edit", { focus: "sleep, and the new flat", minutes: null });
    expect(shown.value).toEqual({ name: "person", id: "p-rosa" });
    expect(history.value.some((r) => r.name === "edit")).toBe(false);
    expect(mocked.discardDraft).toHaveBeenCalledWith("contact:c-edit");
  });

  test("its draft is kept under the record's own key and offered back", async () => {
    journal = [contact, ...journal];
    drafts = [draft("contact:c-edit", "contact", { ...contact.fields, minutes: "30", focus: "sleep, mostly" })];
    await start();
    await go({ name: "edit", id: "c-edit" });
    click("#draft-carry-on");
    await settle();
    expect($<HTMLTextAreaElement>(`#${fieldId("focus")}`).value).toBe("sleep, mostly");
  });

  test("a record from another journal is not offered for changing", async () => {
    journal = [{ ...rec("supervision-note", "n-1", { volunteer: "7K3M-Q9TX-2B4D-HW8R", at: "2026-12-01T10:00", text: "well handled" }), owner: "7k3mq9tx2b4dhw8r" }, ...journal];
    await start();
    await go({ name: "edit", id: "n-1" });
    expect(text("#record-not-yours")).toContain("only they can change it");
    expect(document.querySelector("form")).toBeNull();
  });

  test("a record that is gone says so plainly, with a way back", async () => {
    await start();
    await go({ name: "edit", id: "c-gone" });
    expect(text("#record-load-error")).toContain("This record is no longer in your journal.");
    expect(document.querySelector("form")).toBeNull();
    back();
  });
});
