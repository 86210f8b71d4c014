// The screens that show the journal, driven as a person would: Today, People,
// a person's page, a record, and the banner for an urgent concern. Only
// api.ts is mocked; the journal behind it is a few records in memory.
import axe from "axe-core";
import { act } from "preact/test-utils";
import { render } from "preact";
import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";

vi.mock("../src/api", () => ({
  api: {
    appState: vi.fn(),
    lock: vi.fn(),
    touch: vi.fn(),
    listRecords: vi.fn(),
    dueRecords: vi.fn(),
    needingAttention: vi.fn(),
    unreadRecords: vi.fn(),
    markRead: vi.fn(),
    personTimeline: vi.fn(),
    getRecord: vi.fn(),
    recordHistory: vi.fn(),
    updateRecord: vi.fn(),
    deleteRecord: vi.fn(),
    forgetPerson: vi.fn(),
    listConflicts: vi.fn(),
    review: vi.fn(),
    volunteers: vi.fn(),
  },
  onJournalLocked: vi.fn(),
  onJobProgress: vi.fn(async () => () => undefined),
  onFilesDropped: vi.fn(async () => () => undefined),
}));

import { api, onJournalLocked } from "../src/api";
import { startApp, type AppHandle } from "../src/app";
import type { AppState } from "../src/bindings/AppState";
import type { JournalRecord } from "../src/bindings/JournalRecord";
import type { Kind } from "../src/bindings/Kind";
import type { Page } from "../src/bindings/Page";
import { ConcernBanner } from "../src/components/ConcernBanner";
import { kindOf } from "../src/kinds";
import { navigate, shown, type Route } from "../src/routes";
import { PEOPLE_WORDS } from "../src/screens/People";
import { RECORD_WORDS } from "../src/screens/RecordView";
import { TODAY_WORDS } from "../src/screens/Today";
import { appState as shared } from "../src/state";
import appSource from "../src/app.tsx?raw";
import { $, appState, click, consoleSpies, deferred, expectCspClean, fromOutside, press, screenName, settle, type, emptyReview } from "./helpers";

const mocked = {
  appState: vi.mocked(api.appState),
  touch: vi.mocked(api.touch),
  listRecords: vi.mocked(api.listRecords),
  dueRecords: vi.mocked(api.dueRecords),
  needingAttention: vi.mocked(api.needingAttention),
  unreadRecords: vi.mocked(api.unreadRecords),
  markRead: vi.mocked(api.markRead),
  personTimeline: vi.mocked(api.personTimeline),
  getRecord: vi.mocked(api.getRecord),
  recordHistory: vi.mocked(api.recordHistory),
  updateRecord: vi.mocked(api.updateRecord),
  deleteRecord: vi.mocked(api.deleteRecord),
  forgetPerson: vi.mocked(api.forgetPerson),
};

const MINE = "mine000000000000";

/** Whether app.tsx places the banner itself; until it does, the tests place it beside the app. */
const APP_HAS_BANNER = appSource.includes("<ConcernBanner");

/** Renders the banner beside the app unless the app has its own; returns how to take it away. */
async function placeBanner(): Promise<() => void> {
  if (APP_HAS_BANNER) return () => undefined;
  const spot = document.createElement("div");
  document.body.prepend(spot);
  await act(async () => {
    render(<ConcernBanner />, spot);
  });
  await settle();
  return () => render(null, spot);
}
const SUPERVISOR = "7k3mq9tx2b4dhw8r";

function rec(kind: Kind, id: string, fields: Record<string, unknown>, extra: Partial<JournalRecord> = {}): JournalRecord {
  const at = kindOf(kind).at;
  const when = at === null ? null : fields[at];
  return {
    id,
    kind,
    person: typeof fields["person"] === "string" ? fields["person"] : kind === "person" ? id : null,
    at: typeof when === "string" ? when : null,
    fields,
    createdAt: "2024-12-03T14:30:00Z",
    updatedAt: "2024-12-03T15:00:00Z",
    updatedBy: "dev0000000000000abcdef12",
    owner: MINE,
    conflict: false,
    ...extra,
  };
}

const rosa = rec("person", "p-rosa", { alias: "Rosa Maria", consent: true, consent_date: "2024-10-01" });
const jo = rec("person", "p-jo", { alias: "Jo Bloggs" });
const foodBank = rec("service", "svc-food", { name: "Food bank" }, { owner: SUPERVISOR });

/** The journal behind the mocked api: its people, services, and each person's latest contact. */
let journal: { people: JournalRecord[]; services: JournalRecord[]; contacts: JournalRecord[]; endings: JournalRecord[] };

function page<T>(all: readonly T[], { limit, offset }: Page): T[] {
  return all.slice(offset, offset + limit);
}

let app: AppHandle | null = null;

async function start(state: AppState = appState({ fingerprint: MINE })): Promise<void> {
  mocked.appState.mockResolvedValue(state);
  const root = document.createElement("div");
  document.body.replaceChildren(root);
  await act(async () => {
    app = await startApp(root, new EventTarget());
  });
  await settle();
}

/** Goes to a screen as the app would, and lets it ask the journal. */
async function go(to: Route): Promise<void> {
  fromOutside(() => navigate(to));
  await settle();
}

function text(selector = "main"): string {
  return ($(selector).textContent ?? "").replace(/\s+/g, " ");
}

/** The button whose words are exactly `words`. */
function button(words: string, within: ParentNode = document): HTMLButtonElement {
  const found = [...within.querySelectorAll("button")].filter((b) => (b.textContent ?? "").trim() === words);
  if (found.length !== 1) throw new Error(`${found.length} buttons say "${words}"`);
  return found[0] as HTMLButtonElement;
}

function press_(el: HTMLElement): void {
  void act(() => el.click());
}

function everyControlNamed(): void {
  for (const el of document.querySelectorAll<HTMLElement>("button, input, select, textarea")) {
    const named =
      (el instanceof HTMLButtonElement && (el.textContent ?? "").trim() !== "") ||
      (el.id !== "" && (document.querySelector(`label[for="${el.id}"]`)?.textContent ?? "").trim() !== "") ||
      el.hasAttribute("aria-label");
    expect(named, `${el.outerHTML} has no accessible name`).toBe(true);
  }
}

beforeEach(() => {
  vi.resetAllMocks();
  vi.mocked(onJournalLocked).mockResolvedValue(() => undefined);
  mocked.touch.mockResolvedValue(undefined);
  journal = { people: [rosa, jo], services: [foodBank], contacts: [], endings: [] };
  mocked.listRecords.mockImplementation(async (kind, person, p) => {
    const of = (records: JournalRecord[]) => page(records.filter((r) => person === null || r.person === person), p);
    if (kind === "person") return page(journal.people, p);
    if (kind === "service") return page(journal.services, p);
    if (kind === "contact") return of(journal.contacts);
    if (kind === "ending") return of(journal.endings);
    return [];
  });
  mocked.dueRecords.mockResolvedValue([]);
  mocked.needingAttention.mockResolvedValue([]);
  mocked.unreadRecords.mockResolvedValue([]);
  mocked.markRead.mockResolvedValue(undefined);
  mocked.personTimeline.mockResolvedValue([]);
  mocked.recordHistory.mockResolvedValue([]);
  vi.mocked(api.listConflicts).mockResolvedValue([]);
  // A supervisor's journal opens on Review.
  vi.mocked(api.review).mockResolvedValue(emptyReview());
  vi.mocked(api.volunteers).mockResolvedValue([]);
});

afterEach(() => {
  app?.stop();
  app = null;
  document.body.replaceChildren();
});

describe("today", () => {
  const urgent = rec("concern", "k-urgent", { person: "p-rosa", at: "2024-12-02T10:00", category: "safeguarding", urgency: "immediate", notes: "Worried" });
  const calm = rec("concern", "k-calm", { person: "p-jo", at: "2024-12-03T10:00", category: "wellbeing", urgency: "low", notes: "Tired" });

  test("open concerns come first, the urgent ones first and marked, then what is due, then what is new", async () => {
    mocked.needingAttention.mockImplementation(async (kind) => (kind === "concern" ? [calm, urgent] : []));
    await start();
    expect(mocked.needingAttention).toHaveBeenCalledWith("concern", { limit: 50, offset: 0 });
    const sections = [...document.querySelectorAll("main section[id^=today-]")].map((s) => s.id);
    expect(sections).toEqual(["today-concerns", "today-due", "today-unread"]);
    const entries = [...document.querySelectorAll("#today-concerns-list > li")];
    expect(entries.map((li) => li.querySelector(".summary-open")?.textContent)).toEqual(["Safeguarding concern about Rosa Maria", "Wellbeing concern about Jo Bloggs"]);
    expect(entries[0]?.textContent).toContain("Urgent");
    expect(entries[1]?.textContent).not.toContain("Urgent");
    expect(text("#today-concerns")).toContain(TODAY_WORDS.concernsHint);
    expectCspClean();
    everyControlNamed();
  });

  test("what was flagged for supervision waits on Today, contacts and boundary issues each paged on their own", async () => {
    const contact = rec("contact", "c-flag", { person: "p-rosa", at: "2024-12-02T10:00", how: "home-visit", flag: true });
    const issue = rec("boundary-issue", "bi-flag", { person: "p-jo", at: "2024-12-01T10:00", what: "Asked to borrow money", flag: true });
    mocked.needingAttention.mockImplementation(async (kind) => (kind === "contact" ? [contact] : kind === "boundary-issue" ? [issue] : []));
    await start();
    expect(mocked.needingAttention).toHaveBeenCalledWith("contact", { limit: 50, offset: 0 });
    expect(mocked.needingAttention).toHaveBeenCalledWith("boundary-issue", { limit: 50, offset: 0 });
    const sections = [...document.querySelectorAll("main section[id^=today-]")].map((s) => s.id);
    expect(sections).toEqual(["today-due", "today-supervision", "today-unread"]);
    expect(document.querySelectorAll("#today-flagged-contacts-list > li")).toHaveLength(1);
    expect(document.querySelectorAll("#today-flagged-issues-list > li")).toHaveLength(1);
    expect(text("#today-supervision")).toContain("Rosa Maria");
    expect(text("#today-supervision")).toContain("Jo Bloggs");
    everyControlNamed();
  });

  test("nothing flagged, no supervision section", async () => {
    await start();
    expect(document.querySelector("#today-supervision")).toBeNull();
  });

  test("what is due says who and when, with a way to act on it", async () => {
    const planned = rec("contact", "c-plan", { person: "p-rosa", at: "2024-11-26T10:00", how: "phone", next_contact: "2024-12-03T14:30" });
    const signpost = rec("signpost", "s-1", { person: "p-jo", at: "2024-11-20", service: "svc-food", status: "made", reminder: "2024-12-01" });
    const review = rec("boundary-agreement", "b-1", { person: "p-jo", agreed_on: "2024-09-01", rules: "Texts before 6", review_on: "2024-12-01" });
    mocked.dueRecords.mockResolvedValue([signpost, review, planned]);
    await start();
    expect(mocked.dueRecords).toHaveBeenCalledWith({ limit: 50, offset: 0 });
    const due = text("#today-due");
    expect(due).toMatch(/Planned contact with Rosa Maria ?Planned for Tue 3 Dec(?: 2024)?, 14:30/);
    expect(due).toContain("Check in with Jo Bloggs about Food bank");
    expect(due).toMatch(/Reminder for Sun 1 Dec/);
    expect(due).toContain("Look again at ground rules with Jo Bloggs");

    press_(button("Log the contact"));
    expect(shown.value).toEqual({ name: "new", kind: "contact", person: "p-rosa" });
  });

  test("a due signpost opens as its record", async () => {
    const signpost = rec("signpost", "s-1", { person: "p-jo", at: "2024-11-20", service: "svc-food", status: "made", reminder: "2024-12-01" });
    mocked.dueRecords.mockResolvedValue([signpost]);
    mocked.getRecord.mockResolvedValue(signpost);
    await start();
    press_(button("Check in with Jo Bloggs about Food bank"));
    await settle();
    expect(shown.value).toEqual({ name: "record", id: "s-1" });
    expect(screenName()).toBe("record");
  });

  test("nothing due, nothing new: says what will show there", async () => {
    await start();
    expect(text("#today-due")).toContain(TODAY_WORDS.nothingDue);
    expect(text("#today-unread")).toContain(TODAY_WORDS.nothingNew);
  });

  test("new notes are marked New, and opening one marks it read", async () => {
    const note = rec("supervision-note", "n-1", { person: "p-rosa", at: "2024-12-04T09:00", text: "Lovely work with Rosa." }, { owner: SUPERVISOR });
    mocked.unreadRecords.mockResolvedValue([note]);
    mocked.getRecord.mockResolvedValue(note);
    await start();
    expect(text("#today-unread")).toContain("New");
    expect(text("#today-unread")).toContain("Lovely work with Rosa.");
    press_(button("Note from supervision about Rosa Maria"));
    await settle();
    expect(mocked.markRead).toHaveBeenCalledWith("n-1");
    expect(shown.value).toEqual({ name: "record", id: "n-1" });
  });

  test("Show more asks for the next 50, and focus goes to the first of them", async () => {
    const many = Array.from({ length: 60 }, (_, i) =>
      rec("contact", `c-${i}`, { person: "p-rosa", at: "2024-11-01T10:00", how: "phone", next_contact: `2024-12-0${(i % 9) + 1}T10:00` }),
    );
    mocked.dueRecords.mockImplementation(async (p) => page(many, p));
    await start();
    expect(document.querySelectorAll("#today-due-list > li")).toHaveLength(50);
    click("#today-due-more");
    await settle();
    expect(mocked.dueRecords).toHaveBeenLastCalledWith({ limit: 50, offset: 50 });
    expect(document.querySelectorAll("#today-due-list > li")).toHaveLength(60);
    expect(document.activeElement?.id).toBe("");
    expect(document.activeElement?.closest("article")?.getAttribute("aria-labelledby")).toBe("today-due-c-50-title");
    expect(document.querySelector("#today-due-more")).toBeNull();
  });

  test("a list that cannot be read says so beside it, and can try again", async () => {
    mocked.dueRecords.mockRejectedValueOnce({ kind: "busy", message: "The journal is busy. Please try again in a moment." });
    await start();
    expect($("#today-due-error").textContent).toBe("The journal is busy. Please try again in a moment.");
    expect($("#today-due-error").getAttribute("role")).toBe("alert");
    expect($("#today-due").contains($("#today-due-error"))).toBe(true);
    click("#today-due-retry");
    await settle();
    expect($("#today-due-error").textContent).toBe("");
    expect(text("#today-due")).toContain(TODAY_WORDS.nothingDue);
  });

  test("in discreet mode people are initials and nothing of what was written shows", async () => {
    mocked.needingAttention.mockResolvedValue([urgent]);
    await start(appState({ fingerprint: MINE, discreetMode: true }));
    expect(text("#today-concerns")).toContain("R.M.");
    expect(text("#today-concerns")).not.toContain("Rosa");
    expect(text("#today-concerns")).not.toContain("Worried");
  });

  test("a supervisor acknowledges a concern from Today", async () => {
    mocked.needingAttention.mockResolvedValue([urgent]);
    await start(appState({ fingerprint: SUPERVISOR, role: "supervisor" }));
    await go({ name: "today" });
    expect(text("#today-concerns")).toContain(TODAY_WORDS.concernsHintSupervisor);
    press_(button("Acknowledge"));
    expect(shown.value).toEqual({ name: "new", kind: "acknowledgement", about: "k-urgent", person: "p-rosa" });
  });
});

describe("the urgent concern banner", () => {
  const urgent = rec("concern", "k-urgent", { person: "p-rosa", at: "2024-12-02T10:00", category: "safeguarding", urgency: "high" });

  async function withBanner(state?: AppState): Promise<() => void> {
    await start(state);
    return placeBanner();
  }

  test("while an urgent concern is not acknowledged: who, that it goes in the next export, and the way to it", async () => {
    mocked.needingAttention.mockResolvedValue([urgent]);
    const remove = await withBanner();
    const banner = $("#concern-banner");
    expect(banner.getAttribute("aria-label")).toBe("Urgent concern");
    expect(banner.textContent).toContain("An urgent concern about Rosa Maria is not yet acknowledged.");
    expect(banner.textContent).toContain("always goes in your next export to your supervisor");
    mocked.getRecord.mockResolvedValue(urgent);
    click("#concern-banner-open");
    await settle();
    expect(shown.value).toEqual({ name: "record", id: "k-urgent" });
    // On the concern itself, there is no way to it.
    expect(document.querySelector("#concern-banner-open")).toBeNull();
    expectCspClean();
    remove();
  });

  test("a concern that is not urgent raises no banner", async () => {
    mocked.needingAttention.mockResolvedValue([rec("concern", "k", { person: "p-rosa", urgency: "medium" })]);
    const remove = await withBanner();
    expect(document.querySelector("#concern-banner")).toBeNull();
    remove();
  });

  test("once acknowledged it goes, at the next screen", async () => {
    mocked.needingAttention.mockResolvedValue([urgent]);
    const remove = await withBanner();
    expect(document.querySelector("#concern-banner")).not.toBeNull();
    mocked.needingAttention.mockResolvedValue([]);
    await go({ name: "people" });
    expect(document.querySelector("#concern-banner")).toBeNull();
    remove();
  });

  test("nothing shows while the journal is locked", async () => {
    mocked.needingAttention.mockResolvedValue([urgent]);
    const remove = await withBanner();
    fromOutside(() => {
      shared.value = appState({ journal: "locked", name: null, role: null });
    });
    await settle();
    expect(document.querySelector("#concern-banner")).toBeNull();
    remove();
  });
});

describe("people", () => {
  test("everyone, by alias, with their last contact and consent; Add a person", async () => {
    journal.contacts = [rec("contact", "c-1", { person: "p-rosa", at: "2024-12-03T14:30", how: "phone" })];
    await start();
    await go({ name: "people" });
    await settle();
    const rows = [...document.querySelectorAll("#people-list > li")].map((li) => (li.textContent ?? "").replace(/\s+/g, " "));
    expect(rows).toEqual([`Jo Bloggs${PEOPLE_WORDS.noContact} · ${PEOPLE_WORDS.noConsent}`, expect.stringMatching(/^Rosa MariaLast contact Tue 3 Dec( 2024)? · Agreed to notes$/)]);
    expect($("#people-count").textContent).toBe("2 people");
    expect(mocked.listRecords).toHaveBeenCalledWith("contact", "p-rosa", { limit: 1, offset: 0 });
    everyControlNamed();
    expectCspClean();
    click("#people-add");
    expect(shown.value).toEqual({ name: "new", kind: "person" });
  });

  test("search narrows the list as you type; Escape clears it; Enter opens the one found", async () => {
    await start();
    await go({ name: "people" });
    type("#people-search", "ros");
    expect([...document.querySelectorAll("#people-list .person-open")].map((b) => b.textContent)).toEqual(["Rosa Maria"]);
    expect($("#people-count").textContent).toBe("1 person found");
    type("#people-search", "zz");
    expect(document.querySelector("#people-list")).toBeNull();
    expect(text()).toContain(PEOPLE_WORDS.noMatch);
    $("#people-search").focus();
    press("Escape");
    expect(document.querySelectorAll("#people-list > li")).toHaveLength(2);
    type("#people-search", "jo");
    mocked.personTimeline.mockResolvedValue([]);
    mocked.getRecord.mockResolvedValue(jo);
    press("Enter");
    await settle();
    expect(shown.value).toEqual({ name: "person", id: "p-jo" });
  });

  test("discreet mode shows initials only", async () => {
    await start(appState({ fingerprint: MINE, discreetMode: true }));
    await go({ name: "people" });
    expect([...document.querySelectorAll("#people-list .person-open")].map((b) => b.textContent)).toEqual(["J.B.", "R.M."]);
    expect(text()).not.toContain("Rosa");
  });

  test("hundreds of people show 50 at a time", async () => {
    journal.people = Array.from({ length: 120 }, (_, i) => rec("person", `p-${String(i).padStart(3, "0")}`, { alias: `Person ${String(i).padStart(3, "0")}` }));
    await start();
    await go({ name: "people" });
    expect(document.querySelectorAll("#people-list > li")).toHaveLength(50);
    click("#people-more");
    expect(document.querySelectorAll("#people-list > li")).toHaveLength(100);
    expect(document.activeElement?.textContent).toBe("Person 050");
    type("#people-search", "person 11");
    expect(document.querySelectorAll("#people-list > li")).toHaveLength(10);
  });

  test("an empty journal says what to do", async () => {
    journal.people = [];
    await start();
    await go({ name: "people" });
    expect(text()).toContain(PEOPLE_WORDS.none);
  });
});

describe("a person's page", () => {
  const contact = rec("contact", "c-1", { person: "p-rosa", at: "2024-12-03T14:30", how: "home-visit", focus: "Sleep routines" });
  const note = rec("supervision-note", "n-1", { person: "p-rosa", about: "c-1", at: "2024-12-05T09:00", text: "Good listening" }, { owner: SUPERVISOR });
  const signpost = rec("signpost", "s-1", { person: "p-rosa", at: "2024-11-20", service: "svc-food", status: "made" });

  async function openRosa(timeline: JournalRecord[] = [note, contact, signpost], state?: AppState): Promise<void> {
    mocked.getRecord.mockResolvedValue(rosa);
    mocked.personTimeline.mockImplementation(async (_person, p) => page(timeline, p));
    await start(state);
    await go({ name: "person", id: "p-rosa" });
  }

  test("their name, consent, and story: newest first, a note under what it is about", async () => {
    mocked.unreadRecords.mockResolvedValue([note]);
    await openRosa();
    expect(mocked.personTimeline).toHaveBeenCalledWith("p-rosa", { limit: 50, offset: 0 });
    expect($("h1").textContent).toBe("Rosa Maria");
    expect($("#person-consent").textContent).toMatch(/^Agreed to you keeping notes on Tue 1 Oct/);
    expect([...document.querySelectorAll(".timeline-month-title")].map((h) => h.textContent)).toEqual(["December 2024", "November 2024"]);
    const entry = $("#person-timeline .timeline-entry");
    expect(entry.querySelector(".summary-open")?.textContent).toBe("Home visit");
    expect(entry.querySelector(".timeline-replies")?.textContent).toContain("Note from supervision");
    expect(entry.querySelector(".timeline-replies")?.textContent).toContain("New");
    expect(text("#person-timeline")).toContain("Signpost to Food bank");
    expect(text("#person-timeline")).toContain("Referral made");
    expect(text("#person-timeline")).not.toContain("Rosa Maria");
    everyControlNamed();
    expectCspClean();
  });

  test("a person with thousands of entries opens at once, and Show earlier asks for the next 50", async () => {
    const many = Array.from({ length: 3000 }, (_, i) => rec("contact", `c-${i}`, { person: "p-rosa", at: "2024-12-03T10:00", how: "phone" }));
    await openRosa(many);
    expect(document.querySelectorAll("#person-timeline .timeline-entry")).toHaveLength(50);
    click("#person-timeline-more");
    await settle();
    expect(mocked.personTimeline).toHaveBeenLastCalledWith("p-rosa", { limit: 50, offset: 50 });
    expect(document.querySelectorAll("#person-timeline .timeline-entry")).toHaveLength(100);
  });

  test("each kind of record can be added for them", async () => {
    await openRosa();
    const offered = [...document.querySelectorAll(".person-add-list button")].map((b) => b.id);
    expect(offered).toEqual([
      "person-add-contact",
      "person-add-boundary-agreement",
      "person-add-boundary-issue",
      "person-add-signpost",
      "person-add-concern",
      "person-add-ending",
      "person-add-reflection",
    ]);
    click("#person-add-signpost");
    expect(shown.value).toEqual({ name: "new", kind: "signpost", person: "p-rosa" });
  });

  test("a supervisor is offered a supervision note", async () => {
    await openRosa(undefined, appState({ fingerprint: SUPERVISOR, role: "supervisor" }));
    expect([...document.querySelectorAll(".person-add-list button")].map((b) => b.id)).toEqual(["person-add-supervision-note"]);
  });

  test("nothing written yet says how their story starts", async () => {
    await openRosa([]);
    expect(text()).toContain("Nothing written about Rosa Maria yet.");
  });

  test("forgetting asks plainly first; Keep goes back to where it was asked", async () => {
    await openRosa();
    click("#person-forget");
    expect(text(".person-forget")).toMatch(/for good/);
    expect(text(".person-forget")).toMatch(/next export/);
    expect(document.activeElement).toBe($("#person-forget-confirm"));
    click("#person-forget-cancel");
    expect(document.activeElement).toBe($("#person-forget"));
    expect(mocked.forgetPerson).not.toHaveBeenCalled();
  });

  test("forgetting erases them, then People says so and no longer lists them", async () => {
    await openRosa();
    mocked.forgetPerson.mockImplementation(async () => {
      journal.people = [jo];
      return 12;
    });
    click("#person-forget");
    click("#person-forget-confirm");
    await settle();
    expect(mocked.forgetPerson).toHaveBeenCalledWith("p-rosa");
    expect(screenName()).toBe("people");
    expect($("#people-farewell").textContent).toBe("Rosa Maria has been forgotten, with 12 records about them.");
    expect([...document.querySelectorAll("#people-list .person-open")].map((b) => b.textContent)).toEqual(["Jo Bloggs"]);
    // Back does not return to the page of someone forgotten.
    click("#back-button");
    expect(screenName()).toBe("today");
  });

  test("if forgetting fails, it says why beside the question", async () => {
    await openRosa();
    mocked.forgetPerson.mockRejectedValue({ kind: "diskFull", message: "The disk is full. Free some space and try again." });
    click("#person-forget");
    click("#person-forget-confirm");
    await settle();
    expect(screenName()).toBe("person");
    expect($("#person-forget-error").textContent).toBe("The disk is full. Free some space and try again.");
    expect(document.activeElement).toBe($("#person-forget-confirm"));
  });

  test("someone no longer in the journal", async () => {
    mocked.getRecord.mockRejectedValue({ kind: "invalidInput", message: "no record with id p-gone" });
    await start();
    await go({ name: "person", id: "p-gone" });
    expect($("h1").textContent).toBe("This person is not in your journal");
    expect(text()).not.toContain("no record with id");
  });
});

describe("a record", () => {
  const contact = rec("contact", "c-1", {
    person: "p-rosa",
    at: "2024-12-03T14:30",
    how: "home-visit",
    minutes: 45,
    focus: "Sleep routines\nand naps",
    next_contact: "2024-12-10T10:00",
  });

  async function open(record: JournalRecord, state?: AppState): Promise<void> {
    mocked.getRecord.mockImplementation(async (id) => {
      if (id === record.id) return record;
      throw { kind: "invalidInput", message: `no record with id ${id}` };
    });
    await start(state);
    await go({ name: "record", id: record.id });
  }

  function field(name: string): string {
    return ($(`.record-field[data-field=${name}] dd`).textContent ?? "").trim();
  }

  test("every field with its label, who changed it last, and its history", async () => {
    mocked.recordHistory.mockResolvedValue([
      { at: "2024-12-03T14:40:00Z", device: "dev0000000000000abcdef12", seq: 4, changed: { person: "p-rosa", at: "2024-12-03T14:30", how: "home-visit" } },
      { at: "2024-12-03T15:00:00Z", device: "d-here", seq: 5, changed: { focus: "Sleep routines\nand naps", minutes: 45 } },
    ]);
    await open(contact);
    expect($("h1").textContent).toBe("Home visit");
    expect(text("#record-about")).toMatch(/^Tue 3 Dec( 2024)?, 14:30 · Rosa Maria$/);
    expect($(".record-field[data-field=how] dt").textContent).toBe("How");
    expect(field("how")).toBe("Home visit");
    expect(field("minutes")).toBe("45 minutes");
    expect(field("focus")).toBe("Sleep routines\nand naps");
    expect(field("next_contact")).toMatch(/^Tue 10 Dec( 2024)?, 10:00$/);
    expect(field("person")).toBe("Rosa Maria");
    expect(text("#record-written")).toMatch(/Written in your journal\. Last changed .*, on another computer \(abcdef12\)\./);
    const history = [...document.querySelectorAll("#record-history li")].map((li) => (li.textContent ?? "").replace(/\s+/g, " "));
    expect(history).toHaveLength(2);
    expect(history[0]).toMatch(/^Written .*, on another computer \(abcdef12\)$/);
    expect(history[1]).toMatch(/^Changed .*, on this computerWhat they chose to focus on, Minutes$/);
    everyControlNamed();
    expectCspClean();
  });

  test("Change opens the form; the person's name opens their page", async () => {
    await open(contact);
    click("#record-change");
    expect(shown.value).toEqual({ name: "edit", id: "c-1" });
  });

  test("Delete asks first, then deletes and goes to the person's page", async () => {
    await open(contact);
    mocked.deleteRecord.mockResolvedValue(undefined);
    click("#record-delete");
    expect(text(".record-delete-ask")).toMatch(/Delete this contact\?/);
    expect(document.activeElement).toBe($("#record-delete-confirm"));
    click("#record-delete-cancel");
    expect(document.activeElement).toBe($("#record-delete"));
    click("#record-delete");
    mocked.getRecord.mockResolvedValue(rosa);
    click("#record-delete-confirm");
    await settle();
    expect(mocked.deleteRecord).toHaveBeenCalledWith("c-1");
    expect(shown.value).toEqual({ name: "person", id: "p-rosa" });
  });

  test("a refused delete says why beside it", async () => {
    await open(contact);
    mocked.deleteRecord.mockRejectedValue({ kind: "busy", message: "The journal is busy. Please try again in a moment." });
    click("#record-delete");
    click("#record-delete-confirm");
    await settle();
    expect($("#record-delete-error").textContent).toBe("The journal is busy. Please try again in a moment.");
    expect(screenName()).toBe("record");
  });

  test("a person is changed here but not deleted; discreet mode keeps to initials here too", async () => {
    await open(rosa, appState({ fingerprint: MINE, discreetMode: true }));
    expect(field("alias")).toBe("R.M.");
    expect(text()).not.toContain("Rosa");
    expect(document.querySelector("#record-change")).not.toBeNull();
    expect(document.querySelector("#record-delete")).toBeNull();
    click("#record-person-page");
    expect(shown.value).toEqual({ name: "person", id: "p-rosa" });
  });

  test("a note from the supervisor says who wrote it, offers no Change or Delete, and can be marked read", async () => {
    const note = rec("supervision-note", "n-1", { volunteer: MINE, person: "p-rosa", about: "c-1", at: "2024-12-05T09:00", text: "Good listening" }, { owner: SUPERVISOR });
    mocked.getRecord.mockImplementation(async (id) => (id === "c-1" ? contact : note));
    await start();
    await go({ name: "record", id: "n-1" });
    expect(text("#record-written")).toContain("Written by your supervisor (journal 7K3M-Q9TX-2B4D-HW8R)");
    expect(document.querySelector("#record-change")).toBeNull();
    expect(document.querySelector("#record-delete")).toBeNull();
    expect(field("about")).toMatch(/^Home visit, Tue 3 Dec( 2024)?, 14:30$/);
    click("#record-mark-read");
    await settle();
    expect(mocked.markRead).toHaveBeenCalledWith("n-1");
    expect($("#record-done").textContent).toBe("Marked as read.");
  });

  test("a signpost moves along its way", async () => {
    const signpost = rec("signpost", "s-1", { person: "p-rosa", at: "2024-11-20", service: "svc-food", status: "consented" });
    await open(signpost);
    expect($("h1").textContent).toBe("Signpost to Food bank");
    expect([...document.querySelectorAll(".record-step-buttons button")].map((b) => b.textContent)).toEqual([
      "Referral made",
      "They went along",
      "We know how it went",
      "They chose not to",
    ]);
    const pending = deferred<JournalRecord>();
    mocked.updateRecord.mockReturnValue(pending.promise);
    click("#record-status-made");
    expect(mocked.updateRecord).toHaveBeenCalledWith("s-1", { status: "made" });
    expect($("#record-status-made").getAttribute("aria-busy")).toBe("true");
    pending.resolve({ ...signpost, fields: { ...signpost.fields, status: "made" } });
    await settle();
    expect($("#record-done").textContent).toBe("Moved on: Referral made.");
    expect(document.activeElement).toBe($("#record-done"));
    expect([...document.querySelectorAll(".record-step-buttons button")].map((b) => b.textContent)).toEqual([
      "They went along",
      "We know how it went",
      "They chose not to",
    ]);
    expect(mocked.recordHistory).toHaveBeenCalledTimes(2);
  });

  test("moving a signpost to its outcome asks how it went, beside the box", async () => {
    const signpost = rec("signpost", "s-1", { person: "p-rosa", at: "2024-11-20", service: "svc-food", status: "attended" });
    await open(signpost);
    click("#record-status-outcome");
    const box = $<HTMLTextAreaElement>("#record-outcome");
    expect(document.activeElement).toBe(box);
    expect($("label[for=record-outcome]").textContent).toBe("How did it go for them?");
    click("#record-outcome-save");
    expect(mocked.updateRecord).not.toHaveBeenCalled();
    expect($("#record-outcome-error").textContent).toBe(RECORD_WORDS.outcomeMissing);
    expect(box.getAttribute("aria-invalid")).toBe("true");
    expect(box.getAttribute("aria-describedby")).toContain("record-outcome-error");
    mocked.updateRecord.mockResolvedValue({ ...signpost, fields: { ...signpost.fields, status: "outcome", outcome: "Went well" } });
    type("#record-outcome", "  Went well ");
    click("#record-outcome-save");
    await settle();
    expect(mocked.updateRecord).toHaveBeenCalledWith("s-1", { status: "outcome", outcome: "Went well" });
    expect(document.querySelector(".record-steps")).toBeNull();
    expect(field("outcome")).toBe("Went well");
  });

  test("a refused move says why beside the steps", async () => {
    const signpost = rec("signpost", "s-1", { person: "p-rosa", at: "2024-11-20", service: "svc-food", status: "suggested" });
    await open(signpost);
    mocked.updateRecord.mockRejectedValue({ kind: "notAllowed", message: "Only the journal that wrote it can change it." });
    click("#record-status-declined");
    await settle();
    expect($("#record-steps-error").textContent).toBe("Only the journal that wrote it can change it.");
  });

  test("a record changed in two places leads to where that is settled", async () => {
    await open({ ...contact, conflict: true });
    expect(text("#record-conflict")).toContain("changed in two places");
    click("#record-to-conflicts");
    expect(shown.value).toEqual({ name: "conflicts" });
  });

  test("a record no longer in the journal says so plainly", async () => {
    await start();
    mocked.getRecord.mockRejectedValue({ kind: "invalidInput", message: "no record with id c-gone" });
    await go({ name: "record", id: "c-gone" });
    expect($("h1").textContent).toBe("This record is not in your journal");
    expect(text()).toContain(RECORD_WORDS.gone);
  });

  test("a supervisor replies to a volunteer's concern", async () => {
    const concern = rec("concern", "k-1", { person: "p-rosa", at: "2024-12-02T10:00", category: "wellbeing", urgency: "low", notes: "Tired" }, { owner: MINE });
    await open(concern, appState({ fingerprint: SUPERVISOR, role: "supervisor" }));
    expect(text("#record-written")).toContain("Written by a volunteer");
    click("#record-acknowledge");
    expect(shown.value).toEqual({ name: "new", kind: "acknowledgement", about: "k-1", person: "p-rosa" });
  });
});

describe("what stays private", () => {
  test("nothing written goes to web storage, the URL or the console", async () => {
    const spies = consoleSpies();
    const secret = rec("contact", "c-s", { person: "p-rosa", at: "2024-12-03T14:30", how: "phone", focus: "lantern moss secret" });
    mocked.dueRecords.mockResolvedValue([secret]);
    mocked.personTimeline.mockResolvedValue([secret]);
    mocked.getRecord.mockImplementation(async (id) => (id === "p-rosa" ? rosa : secret));
    await start();
    await go({ name: "people" });
    await go({ name: "person", id: "p-rosa" });
    await go({ name: "record", id: "c-s" });
    expect(text()).toContain("lantern moss secret");
    expect(localStorage.length).toBe(0);
    expect(sessionStorage.length).toBe(0);
    expect(location.href).not.toContain("lantern");
    for (const spy of spies) expect(spy).not.toHaveBeenCalled();
  });

  test("when the journal locks, nothing of it stays on screen", async () => {
    mocked.dueRecords.mockResolvedValue([rec("contact", "c-1", { person: "p-rosa", at: "2024-12-03T14:30", how: "phone", next_contact: "2024-12-04T10:00" })]);
    await start();
    expect(text()).toContain("Rosa Maria");
    fromOutside(() => {
      shared.value = appState({ journal: "locked", name: null, role: null });
    });
    await settle();
    expect(document.body.textContent).not.toContain("Rosa");
  });
});

describe("every reading screen, with something in it", () => {
  const contact = rec("contact", "c-1", { person: "p-rosa", at: "2024-12-03T14:30", how: "home-visit", focus: "Sleep", next_contact: "2024-12-04T10:00" });
  const note = rec("supervision-note", "n-1", { person: "p-rosa", about: "c-1", at: "2024-12-05T09:00", text: "Good listening" }, { owner: SUPERVISOR });
  const concern = rec("concern", "k-1", { person: "p-rosa", at: "2024-12-02T10:00", category: "safeguarding", urgency: "high", notes: "Worried" });
  const signpost = rec("signpost", "s-1", { person: "p-rosa", at: "2024-11-20", service: "svc-food", status: "made", reminder: "2024-12-01" }, { conflict: true });

  test.each([
    ["today", { name: "today" }],
    ["people", { name: "people" }],
    ["a person", { name: "person", id: "p-rosa" }],
    ["a contact", { name: "record", id: "c-1" }],
    ["a signpost", { name: "record", id: "s-1" }],
    ["a note", { name: "record", id: "n-1" }],
  ] as const)("%s has nothing axe-core finds wrong", async (_name, to) => {
    const all = [rosa, jo, contact, note, concern, signpost];
    mocked.needingAttention.mockResolvedValue([concern]);
    mocked.dueRecords.mockResolvedValue([signpost, contact]);
    mocked.unreadRecords.mockResolvedValue([note]);
    mocked.personTimeline.mockResolvedValue([note, contact, concern, signpost]);
    mocked.getRecord.mockImplementation(async (id) => all.find((r) => r.id === id) ?? rosa);
    mocked.recordHistory.mockResolvedValue([{ at: "2024-12-03T14:40:00Z", device: "dev0000000000000abcdef12", seq: 1, changed: { how: "home-visit" } }]);
    await start();
    const remove = await placeBanner();
    await go(to as Route);
    if (to.name === "record" && to.id === "s-1") click("#record-status-outcome");
    if (to.name === "record" && to.id === "c-1") click("#record-delete");
    if (to.name === "person") click("#person-forget");
    expect(document.querySelector("#concern-banner")).not.toBeNull();
    // Layout is jsdom's, so contrast is checked by the end-to-end tests instead.
    const result = await axe.run(document.body, { rules: { "color-contrast": { enabled: false }, region: { enabled: false } } });
    expect(result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.html).join(" | ")}`)).toEqual([]);
    remove();
  });
});
