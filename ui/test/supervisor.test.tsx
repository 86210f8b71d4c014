// A supervisor's screens, driven as a person would: the journal opening on
// Review, the review's filters and lists (urgent first, Acknowledge, whose
// each entry is, a plain line for each empty list), and Volunteers (their
// words, the revoked last, the ways on to Review and Exchange). Only api.ts
// is mocked; the journal behind it is a few records in memory.
import { act } from "preact/test-utils";
import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";

vi.mock("../src/api", () => ({
  api: {
    appState: vi.fn(),
    unlock: vi.fn(),
    touch: vi.fn(),
    listRecords: vi.fn(),
    dueRecords: vi.fn(),
    needingAttention: vi.fn(),
    unreadRecords: vi.fn(),
    markRead: vi.fn(),
    getRecord: vi.fn(),
    recordHistory: vi.fn(),
    listConflicts: vi.fn(),
    findBackups: vi.fn(),
    listDrafts: vi.fn(),
    exchangeOverview: vi.fn(),
    exchangeFiles: vi.fn(),
    review: vi.fn(),
    volunteers: vi.fn(),
  },
  onJournalLocked: vi.fn(async () => () => undefined),
  onJobProgress: vi.fn(async () => () => undefined),
  onFilesDropped: vi.fn(async () => () => undefined),
}));

import { api } from "../src/api";
import { startApp, type AppHandle } from "../src/app";
import type { AppState } from "../src/bindings/AppState";
import type { ExchangeOverview } from "../src/bindings/ExchangeOverview";
import type { JournalRecord } from "../src/bindings/JournalRecord";
import type { Kind } from "../src/bindings/Kind";
import type { PeerStatus } from "../src/bindings/PeerStatus";
import type { Review as ReviewLists } from "../src/bindings/Review";
import type { VolunteerSummary } from "../src/bindings/VolunteerSummary";
import { friendly, friendlyDay } from "../src/dates";
import { resetExchange } from "../src/exchange";
import { history } from "../src/state";
import { kindOf } from "../src/kinds";
import { navigate, shown, type Route } from "../src/routes";
import { preselected } from "../src/screens/Exchange";
import { addedWords, FIRST_LIMITS, inRange, longEmpty, quietEmpty, quietHint, REVIEW_WORDS, sectionTitle, shownWords } from "../src/screens/Review";
import { concernsText, flaggedText, heldText, lastFileText, trustedFirst, VOLUNTEERS_WORDS } from "../src/screens/Volunteers";
import { $, appState, axeClean, choose, deferred, emptyReview, everyControlNamed, expectCspClean, fromOutside, screenName, settle, type } from "./helpers";

const mocked = {
  appState: vi.mocked(api.appState),
  unlock: vi.mocked(api.unlock),
  listRecords: vi.mocked(api.listRecords),
  needingAttention: vi.mocked(api.needingAttention),
  review: vi.mocked(api.review),
  volunteers: vi.mocked(api.volunteers),
  exchangeOverview: vi.mocked(api.exchangeOverview),
  exchangeFiles: vi.mocked(api.exchangeFiles),
};

const MINE = "VG7E-89FM-8HGE-F63C";
const SAM = "3ZT0-941R-PER2-DH6T";
const KIM = "5DBJ-38B8-KSC6-VE5X";
const ALEX = "9XW2-QQ4M-7BND-R2KA";

function rec(kind: Kind, id: string, fields: Record<string, unknown>, owner: string = SAM): JournalRecord {
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
    owner,
    conflict: false,
  };
}

function volunteer(name: string, fingerprint: string, extra: Partial<VolunteerSummary> = {}): VolunteerSummary {
  return {
    fingerprint,
    name,
    role: "volunteer",
    addedAt: "2026-01-05T10:00:00Z",
    revokedAt: null,
    lastFileAt: "2026-03-02T09:15:00Z",
    files: 3,
    changes: 40,
    people: 6,
    openConcerns: 2,
    flagged: 1,
    missing: [],
    ...extra,
  };
}

const rosa = rec("person", "p-rosa", { alias: "Rosa Maria" });
const jo = rec("person", "p-jo", { alias: "Jo Bloggs" }, KIM);
const urgent = rec("concern", "k-urgent", { person: "p-rosa", at: "2026-03-01T10:00", category: "safeguarding", urgency: "immediate", notes: "Worried" });
const calm = rec("concern", "k-calm", { person: "p-jo", at: "2026-03-02T10:00", category: "wellbeing", urgency: "low", notes: "Tired" }, KIM);

function peer(name: string, fingerprint: string): PeerStatus {
  return { name, fingerprint, role: "volunteer", addedAt: "2026-01-05T10:00:00Z", revokedAt: null, lastSent: null, lastReceived: null, receivedAt: null, receivedChanges: 0, waitingChanges: 0 };
}

function exchangeView(peers: PeerStatus[]): ExchangeOverview {
  return { folder: "/home/morgan/Documents/Peer Journal", folderIsDefault: true, myCard: { name: "Morgan", role: "supervisor", fingerprint: MINE }, peers };
}

const EMPTY: ReviewLists = emptyReview();

let roster: VolunteerSummary[] = [];
let lists: ReviewLists = EMPTY;
let app: AppHandle | null = null;

const supervisor = (extra: Partial<AppState> = {}): AppState => appState({ name: "Morgan", role: "supervisor", fingerprint: MINE, ...extra });

async function start(state: AppState = supervisor()): Promise<void> {
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
}

function text(selector = "main"): string {
  return ($(selector).textContent ?? "").replace(/\s+/g, " ").trim();
}

/** The element whose role and accessible name these are, as a screen reader finds it (as the end-to-end tests do). */
function named(role: "button" | "combobox" | "spinbutton" | "heading", name: string): HTMLElement {
  const selector = { button: "button", combobox: "select", spinbutton: "input[type=number]", heading: "h1, h2, h3" }[role];
  const nameOf = (el: HTMLElement): string => {
    const label = el.getAttribute("aria-label") ?? (el.id === "" ? null : document.querySelector(`label[for="${el.id}"]`)?.textContent ?? null);
    return (label ?? (role === "button" || role === "heading" ? el.textContent : "") ?? "").replace(/\s+/g, " ").trim();
  };
  const found = [...document.querySelectorAll<HTMLElement>(selector)].filter((el) => nameOf(el) === name);
  if (found.length !== 1) throw new Error(`${found.length} ${role}s are named "${name}"`);
  return found[0] as HTMLElement;
}

function press(name: string, within: ParentNode = document): void {
  const found = [...within.querySelectorAll<HTMLButtonElement>("button")].filter((b) => (b.textContent ?? "").replace(/\s+/g, " ").trim() === name);
  if (found.length !== 1) throw new Error(`${found.length} buttons say "${name}"`);
  void act(() => found[0]?.click());
}

function navPlaces(): string[] {
  return [...document.querySelectorAll(".main-nav li button")].map((b) => b.textContent ?? "");
}

beforeEach(() => {
  vi.resetAllMocks();
  resetExchange();
  roster = [volunteer("Sam", SAM), volunteer("Alex", ALEX, { revokedAt: "2026-02-20T10:00:00Z" }), volunteer("Kim", KIM)];
  lists = EMPTY;
  vi.mocked(api.touch).mockResolvedValue(undefined);
  mocked.listRecords.mockImplementation(async (kind) => (kind === "person" ? [rosa, jo] : []));
  vi.mocked(api.dueRecords).mockResolvedValue([]);
  mocked.needingAttention.mockResolvedValue([]);
  vi.mocked(api.unreadRecords).mockResolvedValue([]);
  vi.mocked(api.listConflicts).mockResolvedValue([]);
  vi.mocked(api.findBackups).mockResolvedValue([]);
  vi.mocked(api.listDrafts).mockResolvedValue([]);
  vi.mocked(api.recordHistory).mockResolvedValue([]);
  mocked.review.mockImplementation(async () => lists);
  mocked.volunteers.mockImplementation(async () => roster);
  mocked.exchangeFiles.mockResolvedValue([]);
  mocked.exchangeOverview.mockResolvedValue(exchangeView([]));
});

afterEach(() => {
  app?.stop();
  app = null;
  document.body.replaceChildren();
});

// ---------------------------------------------------------------- Home

describe("where a supervisor's journal opens", () => {
  test("on Review, with Review, Volunteers and Charts first in the main navigation", async () => {
    await start();
    expect(screenName()).toBe("review");
    expect(document.title).toBe("Review — Peer Journal");
    expect(text("h1")).toBe("Review");
    expect(document.activeElement?.tagName).toBe("H1");
    expect(navPlaces()).toEqual(["Review", "Volunteers", "Charts", "Today", "People", "Search", "Reflections", "Services", "Exchange", "Settings"]);
    expect($(".main-nav [aria-current=page]").textContent).toBe("Review");
    press("Volunteers", $(".main-nav"));
    await settle();
    expect(screenName()).toBe("volunteers");
    expect(document.title).toBe("Volunteers — Peer Journal");
    expect($(".main-nav [aria-current=page]").textContent).toBe("Volunteers");
  });

  test("offers no Log a contact, by button or Ctrl+N: contacts are the volunteers' to log", async () => {
    await start();
    expect(document.querySelector(".main-nav .nav-log")).toBeNull();
    await act(async () => {
      document.dispatchEvent(new KeyboardEvent("keydown", { key: "n", ctrlKey: true, bubbles: true }));
    });
    await settle();
    expect(screenName()).toBe("review");
  });

  test("a volunteer's journal opens on Today, with the navigation as it was", async () => {
    await start(appState({ fingerprint: SAM }));
    expect(screenName()).toBe("today");
    expect(navPlaces()).toEqual(["Today", "People", "Search", "Reflections", "Services", "Exchange", "Settings"]);
    expect(mocked.review).not.toHaveBeenCalled();
    // Ctrl+N, as a supervisor's journal ignores it, logs a contact here.
    expect(document.querySelector(".main-nav .nav-log")).not.toBeNull();
    await act(async () => {
      document.dispatchEvent(new KeyboardEvent("keydown", { key: "n", ctrlKey: true, bubbles: true }));
    });
    await settle();
    expect(screenName()).toBe("new");
  });

  test("unlocking a supervisor's journal lands on Review", async () => {
    await start(supervisor({ journal: "locked", name: null, role: null, fingerprint: null }));
    expect(screenName()).toBe("unlock");
    mocked.unlock.mockResolvedValue(supervisor());
    type("#unlock-passphrase", "lantern moss river teapot");
    void act(() => $<HTMLButtonElement>("#unlock-submit").click());
    await settle();
    expect(screenName()).toBe("review");
  });

  test("after the recovery key of a new supervisor's journal, home is Review", async () => {
    await start();
    await go({ name: "recovery", recoveryKey: "7K3M-Q9TX-A1B2-C3D4-E5F6-G7H8-J9K0-MNPQ" });
    type("#recovery-confirm-input", "MNPQ");
    void act(() => $<HTMLButtonElement>("#recovery-confirm-submit").click());
    await settle();
    expect(screenName()).toBe("review");
  });
});

// ---------------------------------------------------------------- Review

describe("review", () => {
  test("asks for every volunteer's records with 4 weeks and 12 months, and says how many in each list", async () => {
    lists = { ...EMPTY, concerns: [urgent] };
    await start();
    expect(mocked.review).toHaveBeenLastCalledWith({ volunteer: null, quietWeeks: 4, longMonths: 12 }, FIRST_LIMITS);
    expect([...document.querySelectorAll("main h2")].map((h) => h.textContent)).toEqual([
      "Open concerns (1)",
      "Flagged for supervision (0)",
      "Reflections shared with you (0)",
      "Signposts waiting for news (0)",
      "Not in touch for a while (0)",
      "Long relationships (0)",
    ]);
    expect(text(".review-intro .lead")).toBe(REVIEW_WORDS.intro);
    expect((named("spinbutton", "Not in touch for (weeks)") as HTMLInputElement).value).toBe("4");
    expect((named("spinbutton", "Together for (months)") as HTMLInputElement).value).toBe("12");
    expectCspClean();
    everyControlNamed();
    await axeClean();
  });

  test("each empty list says so in one plain line", async () => {
    await start();
    expect(text("#review-concerns-empty")).toBe("No open concerns.");
    expect(text("#review-flagged-empty")).toBe(REVIEW_WORDS.noFlagged);
    expect(text("#review-shared-empty")).toBe(REVIEW_WORDS.noShared);
    expect(text("#review-signposts-empty")).toBe(REVIEW_WORDS.noSignposts);
    expect(text("#review-quiet-empty")).toBe("Everyone has been in touch within 4 weeks.");
    expect(text("#review-long-empty")).toBe("No one has been supported for 12 months or more.");
    expect(document.querySelectorAll("main ul.record-list")).toHaveLength(0);
  });

  test("the volunteer filter offers those still trusted, and narrows every list to the one chosen", async () => {
    await start();
    const select = named("combobox", "Volunteer") as HTMLSelectElement;
    expect([...select.options].map((o) => o.textContent)).toEqual(["All volunteers", "Sam", "Kim"]);
    expect(select.value).toBe("");
    const before = history.value;
    choose("#review-volunteer", KIM);
    await settle();
    expect(mocked.review).toHaveBeenLastCalledWith({ volunteer: KIM, quietWeeks: 4, longMonths: 12 }, FIRST_LIMITS);
    expect(shown.value).toEqual({ name: "review", volunteer: KIM });
    // The same screen, its route changed in place: the select keeps its place and nothing is added for Back.
    expect(named("combobox", "Volunteer")).toBe(select);
    expect(history.value).toBe(before);
    choose("#review-volunteer", "");
    await settle();
    expect(mocked.review).toHaveBeenLastCalledWith({ volunteer: null, quietWeeks: 4, longMonths: 12 }, FIRST_LIMITS);
    expect(shown.value).toEqual({ name: "review" });
  });

  test("a route naming a volunteer starts with them chosen", async () => {
    await start();
    await go({ name: "review", volunteer: SAM });
    expect((named("combobox", "Volunteer") as HTMLSelectElement).value).toBe(SAM);
    expect(mocked.review).toHaveBeenLastCalledWith({ volunteer: SAM, quietWeeks: 4, longMonths: 12 }, FIRST_LIMITS);
  });

  test("the numbers ask again as they change; one out of range is said beside its field and not asked", async () => {
    await start();
    type("#review-quiet-weeks", "8");
    await settle();
    expect(mocked.review).toHaveBeenLastCalledWith({ volunteer: null, quietWeeks: 8, longMonths: 12 }, FIRST_LIMITS);
    expect(text("#review-quiet-empty")).toBe("Everyone has been in touch within 8 weeks.");
    type("#review-long-months", "24");
    await settle();
    expect(mocked.review).toHaveBeenLastCalledWith({ volunteer: null, quietWeeks: 8, longMonths: 24 }, FIRST_LIMITS);
    const calls = mocked.review.mock.calls.length;
    type("#review-quiet-weeks", "0");
    await settle();
    expect(text("#review-quiet-weeks-error")).toBe(REVIEW_WORDS.tooFewWeeks);
    expect($("#review-quiet-weeks").getAttribute("aria-invalid")).toBe("true");
    expect($("#review-quiet-weeks").getAttribute("aria-describedby")).toBe("review-quiet-weeks-error");
    type("#review-long-months", "61");
    await settle();
    expect(text("#review-long-months-error")).toBe(REVIEW_WORDS.tooFewMonths);
    expect(mocked.review.mock.calls.length).toBe(calls);
    choose("#review-volunteer", SAM);
    await settle();
    expect(mocked.review).toHaveBeenLastCalledWith({ volunteer: SAM, quietWeeks: 8, longMonths: 24 }, FIRST_LIMITS);
  });

  test("open concerns are in the journal's order (the most urgent first), each saying whose it is, and Acknowledge goes as Today's does", async () => {
    // The journal orders them (so an urgent one is never left for Show more); the screen keeps its order.
    lists = { ...EMPTY, concerns: [urgent, calm] };
    await start();
    const entries = [...document.querySelectorAll("#review-concerns-list > li")];
    expect(entries.map((li) => li.querySelector(".summary-open")?.textContent)).toEqual(["Safeguarding concern about Rosa Maria", "Wellbeing concern about Jo Bloggs"]);
    expect(entries[0]?.textContent).toContain("Urgent");
    expect(entries[0]?.querySelector(".summary-meta")?.textContent).toContain("Written by Sam");
    expect(entries[1]?.querySelector(".summary-meta")?.textContent).toContain("Written by Kim");
    press("Acknowledge", entries[0] as Element);
    expect(shown.value).toEqual({ name: "new", kind: "acknowledgement", about: "k-urgent", person: "p-rosa" });
  });

  test("with one volunteer chosen, entries do not repeat whose they are", async () => {
    lists = { ...EMPTY, concerns: [urgent] };
    await start();
    await go({ name: "review", volunteer: SAM });
    expect(text("#review-concerns-list")).not.toContain("Written by");
  });

  test("each entry opens its record", async () => {
    const flagged = rec("contact", "c-1", { person: "p-rosa", at: "2026-03-01T14:30", how: "phone", flag: true });
    lists = { ...EMPTY, flagged: [flagged] };
    vi.mocked(api.getRecord).mockResolvedValue(flagged);
    await start();
    expect(text("#review-flagged-title")).toBe("Flagged for supervision (1)");
    void act(() => $<HTMLButtonElement>("#review-flagged-list .summary-open").click());
    await settle();
    expect(shown.value).toEqual({ name: "record", id: "c-1" });
  });

  test("signposts say when their reminder was; people say their last contact, or since when they have been together", async () => {
    const signpost = rec("signpost", "s-1", { person: "p-rosa", at: "2026-01-10", reminder: "2026-02-01", status: "suggested" });
    lists = {
      ...EMPTY,
      sharedReflections: [rec("reflection", "r-1", { at: "2026-03-01T18:00", text: "A hard week", shared: true }, KIM)],
      staleSignposts: [signpost],
      quietPeople: [{ person: rosa, since: "2026-01-20T10:00" }],
      longRelationships: [{ person: jo, since: "2024-06-03" }],
    };
    await start();
    expect(text("#review-shared-list")).toContain("A hard week");
    expect(text("#review-signposts-list")).toContain(`Reminder was for ${friendly("2026-02-01")}`);
    expect(text("#review-quiet-list .summary-open")).toBe("Rosa Maria");
    expect(text("#review-quiet-list")).toContain(`Last contact ${friendly("2026-01-20T10:00")}`);
    expect(text("#review-quiet-list")).toContain("Supported by Sam");
    expect(text("#review-long-list .summary-open")).toBe("Jo Bloggs");
    expect(text("#review-long-list")).toContain(`Together since ${friendly("2024-06-03")}`);
    expect(text("#review-long")).toContain(REVIEW_WORDS.longHint);
    expectCspClean();
    everyControlNamed();
    await axeClean();
  });

  test("says it is looking, then why it could not, with Try again", async () => {
    const first = deferred<ReviewLists>();
    mocked.review.mockReturnValueOnce(first.promise);
    await start();
    expect(text("#review-looking")).toBe("Looking…");
    expect($("#review-looking").getAttribute("role")).toBe("status");
    await act(async () => {
      first.reject({ kind: "busy", message: "The journal is busy. Please try again in a moment." });
    });
    await settle();
    expect(text("#review-looking")).toBe("");
    expect(text("#review-error")).toBe("The journal is busy. Please try again in a moment.");
    expect($("#review-error").getAttribute("role")).toBe("alert");
    press("Try again");
    await settle();
    expect(text("#review-error")).toBe("");
    expect(text("#review-concerns-empty")).toBe("No open concerns.");
  });
});

describe("review: lists longer than a page", () => {
  const concerns = Array.from({ length: 73 }, (_, i) =>
    rec("concern", `k-${String(i).padStart(2, "0")}`, { person: "p-rosa", at: `2026-02-${String(28 - (i % 28)).padStart(2, "0")}T10:00`, category: "wellbeing", urgency: "low", notes: `Note ${i}` }),
  );
  const quiet = Array.from({ length: 51 }, (_, i) => ({ person: rec("person", `p-${String(i).padStart(2, "0")}`, { alias: `Person ${i}` }), since: i % 2 === 0 ? "2026-01-10T10:00" : null }));

  /** The core, as far as the review goes: each list as long as asked, saying whether there is more. */
  function core(_options: unknown, limits: typeof FIRST_LIMITS): Promise<ReviewLists> {
    return Promise.resolve({
      ...EMPTY,
      concerns: concerns.slice(0, limits.concerns),
      quietPeople: quiet.slice(0, limits.quietPeople),
      more: { ...EMPTY.more, concerns: concerns.length > limits.concerns, quietPeople: quiet.length > limits.quietPeople },
    });
  }

  beforeEach(() => {
    mocked.review.mockImplementation(core);
  });

  test("a list cut after its page says so and how many it shows; the others have no Show more", async () => {
    await start();
    expect(text("#review-concerns-title")).toBe("Open concerns (more than 50)");
    expect(document.querySelectorAll("#review-concerns-list > li")).toHaveLength(50);
    expect(text("#review-concerns-shown")).toBe("50 shown, and there are more.");
    expect(text("#review-quiet-title")).toBe("Not in touch for a while (more than 50)");
    expect(named("button", "Show more open concerns").id).toBe("review-concerns-more");
    expect(named("button", "Show more people not in touch").id).toBe("review-quiet-more");
    expect(document.querySelector("#review-flagged-more")).toBeNull();
    expect(text("#review-flagged-title")).toBe("Flagged for supervision (0)");
    everyControlNamed();
  });

  test("a cut list, its count and its Show more pass axe", async () => {
    // (Two entries, as if cut there: axe over a hundred takes too long.)
    mocked.review.mockImplementation(async () => ({ ...EMPTY, concerns: concerns.slice(0, 2), quietPeople: quiet.slice(0, 2), more: { ...EMPTY.more, concerns: true, quietPeople: true } }));
    await start();
    expect(text("#review-concerns-title")).toBe("Open concerns (more than 2)");
    expect(text("#review-concerns-shown")).toBe("2 shown, and there are more.");
    await axeClean();
  });

  test("Show more asks for a page more of that list alone, and focus moves to the first entry it brought", async () => {
    await start();
    const button = named("button", "Show more open concerns");
    button.focus();
    void act(() => button.click());
    await settle();
    expect(mocked.review).toHaveBeenLastCalledWith({ volunteer: null, quietWeeks: 4, longMonths: 12 }, { ...FIRST_LIMITS, concerns: 100 });
    const entries = [...document.querySelectorAll("#review-concerns-list > li")];
    expect(entries).toHaveLength(73);
    expect(text("#review-concerns-title")).toBe("Open concerns (73)");
    // All there is: no Show more, no count of what is shown.
    expect(document.querySelector("#review-concerns-more")).toBeNull();
    expect(document.querySelector("#review-concerns-shown")).toBeNull();
    expect(document.activeElement).toBe(entries[50]?.querySelector(".summary-open"));
    expect(text("#review-concern-k-50-title")).toBe(document.activeElement?.textContent);
    // The other list is as long as it was.
    expect(document.querySelectorAll("#review-quiet-list > li")).toHaveLength(50);

    // Then the people: the concerns stay at the length they were shown.
    void act(() => named("button", "Show more people not in touch").click());
    await settle();
    expect(mocked.review).toHaveBeenLastCalledWith({ volunteer: null, quietWeeks: 4, longMonths: 12 }, { ...FIRST_LIMITS, concerns: 100, quietPeople: 100 });
    expect(document.querySelectorAll("#review-concerns-list > li")).toHaveLength(73);
    expect(document.querySelectorAll("#review-quiet-list > li")).toHaveLength(51);
    expect(document.activeElement).toBe($("#review-quiet-list > li:last-child .summary-open"));
    expect(document.activeElement?.textContent).toBe("Person 50");
  });

  test("while Show more is on its way the button keeps focus and says so; when it fails, what was shown stays and it offers Try again", async () => {
    await start();
    const first = deferred<ReviewLists>();
    mocked.review.mockReturnValueOnce(first.promise);
    const button = named("button", "Show more people not in touch");
    button.focus();
    void act(() => button.click());
    await settle();
    expect(text("#review-quiet-more")).toBe("Showing more…");
    expect($("#review-quiet-more").getAttribute("aria-busy")).toBe("true");
    expect(document.activeElement).toBe($("#review-quiet-more"));
    // Only the list asked for is busy.
    expect(text("#review-concerns-more")).toBe("Show more open concerns");
    await act(async () => {
      first.reject({ kind: "busy", message: "The journal is busy. Please try again in a moment." });
    });
    await settle();
    expect(text("#review-quiet-more-error")).toBe("The journal is busy. Please try again in a moment.");
    expect($("#review-quiet-more-error").getAttribute("role")).toBe("alert");
    expect(text("#review-quiet-more")).toBe("Try again");
    expect(document.activeElement).toBe($("#review-quiet-more"));
    expect(document.querySelectorAll("#review-quiet-list > li")).toHaveLength(50);
    void act(() => $<HTMLButtonElement>("#review-quiet-more").click());
    await settle();
    expect(mocked.review).toHaveBeenLastCalledWith({ volunteer: null, quietWeeks: 4, longMonths: 12 }, { ...FIRST_LIMITS, quietPeople: 100 });
    // All there is now: the button and its error line are gone, and focus is on the one it brought.
    expect(document.querySelector("#review-quiet-more-error")).toBeNull();
    expect(document.querySelectorAll("#review-quiet-list > li")).toHaveLength(51);
    expect(document.activeElement?.textContent).toBe("Person 50");
  });

  test("a Show more that brings nothing new leaves focus on the list's heading", async () => {
    await start();
    // Meanwhile the rest were acknowledged: the longer list is the same 50.
    mocked.review.mockImplementationOnce(async () => ({ ...EMPTY, concerns: concerns.slice(0, 50), quietPeople: quiet.slice(0, 50), more: { ...EMPTY.more, quietPeople: true } }));
    void act(() => named("button", "Show more open concerns").click());
    await settle();
    expect(text("#review-concerns-title")).toBe("Open concerns (50)");
    expect(document.activeElement).toBe($("#review-concerns-title"));
  });

  test("new filters start every list at its first page again", async () => {
    await start();
    void act(() => named("button", "Show more open concerns").click());
    await settle();
    type("#review-quiet-weeks", "8");
    await settle();
    expect(mocked.review).toHaveBeenLastCalledWith({ volunteer: null, quietWeeks: 8, longMonths: 12 }, FIRST_LIMITS);
    expect(document.querySelectorAll("#review-concerns-list > li")).toHaveLength(50);
  });

  test("someone with no contact yet says so, with the day they were added", async () => {
    await start();
    const entries = [...document.querySelectorAll("#review-quiet-list > li")];
    expect(entries[0]?.textContent).toContain(`Last contact ${friendly("2026-01-10T10:00")}`);
    expect(entries[1]?.textContent).toContain(`No contact yet; added on ${friendlyDay("2024-12-03T14:30:00Z")}`);
    expect(entries[1]?.textContent).not.toContain("Last contact");
  });
});

// ---------------------------------------------------------------- Volunteers

describe("volunteers", () => {
  test("the words: last file, what is held, counts one and many", () => {
    const sam = volunteer("Sam", SAM, { files: 1, changes: 1, people: 1, openConcerns: 1, flagged: 1 });
    expect(lastFileText(sam)).toBe(`Last file from Sam: ${friendly("2026-03-02T09:15:00Z")} (1 file)`);
    expect(lastFileText(volunteer("Sam", SAM))).toBe(`Last file from Sam: ${friendly("2026-03-02T09:15:00Z")} (3 files)`);
    expect(lastFileText(volunteer("Sam", SAM, { lastFileAt: null, files: 0 }))).toBe("No file from Sam yet.");
    expect(heldText(sam)).toBe("1 change about 1 person");
    expect(heldText(volunteer("Sam", SAM))).toBe("40 changes about 6 people");
    expect(concernsText(sam)).toBe("1 open concern");
    expect(concernsText(volunteer("Sam", SAM, { openConcerns: 0 }))).toBe("0 open concerns");
    expect(flaggedText(volunteer("Sam", SAM, { flagged: 3 }))).toBe("3 flagged for supervision");
    expect(trustedFirst(roster).map((v) => v.name)).toEqual(["Sam", "Kim", "Alex"]);
  });

  test("one card each, the one no longer trusted last and marked so", async () => {
    roster = [volunteer("Alex", ALEX, { revokedAt: "2026-02-20T10:00:00Z" }), volunteer("Kim", KIM, { lastFileAt: null, files: 0, changes: 0, people: 0, openConcerns: 0, flagged: 0 }), volunteer("Sam", SAM)];
    await start();
    await go({ name: "volunteers" });
    expect(text("h1")).toBe("Volunteers");
    expect([...document.querySelectorAll("main h2")].map((h) => h.textContent)).toEqual(["Kim", "Sam", "Alex"]);
    expect(text("#volunteer-0")).toContain("No file from Kim yet.");
    // Nothing held to count before their first file.
    expect(document.querySelector("#volunteer-0-held")).toBeNull();
    expect(text("#volunteer-1-last-file")).toBe(`Last file from Sam: ${friendly("2026-03-02T09:15:00Z")} (3 files)`);
    expect(text("#volunteer-1-held")).toBe("40 changes about 6 people");
    expect(text("#volunteer-1-concerns")).toBe("2 open concerns");
    expect(text("#volunteer-1-flagged")).toBe("1 flagged for supervision");
    expect(text("#volunteer-2")).toContain(VOLUNTEERS_WORDS.revoked);
    expect(text("#volunteer-1")).not.toContain(VOLUNTEERS_WORDS.revoked);
    // No file can be written for a card no longer trusted.
    expect(text("#volunteer-2")).not.toContain("Write a file");
    expectCspClean();
    everyControlNamed();
    await axeClean();
  });

  test("Review Sam's records opens Review for Sam", async () => {
    await start();
    await go({ name: "volunteers" });
    press("Review Sam's records");
    await settle();
    expect(shown.value).toEqual({ name: "review", volunteer: SAM });
    expect((named("combobox", "Volunteer") as HTMLSelectElement).value).toBe(SAM);
    expect(mocked.review).toHaveBeenLastCalledWith({ volunteer: SAM, quietWeeks: 4, longMonths: 12 }, FIRST_LIMITS);
  });

  test("Write a file for Kim opens Exchange with Kim chosen", async () => {
    const view = exchangeView([peer("Sam", SAM), peer("Kim", KIM)]);
    mocked.exchangeOverview.mockResolvedValue(view);
    await start();
    await go({ name: "volunteers" });
    press("Write a file for Kim");
    await settle();
    expect(shown.value).toEqual({ name: "exchange", to: KIM });
    expect((document.querySelector("#exchange-send-to") as HTMLSelectElement).value).toBe(KIM);
    expect(preselected(view.peers, "supervisor", KIM.toLowerCase())?.name).toBe("Kim");
    expect(preselected(view.peers, "supervisor")?.name).toBe("Sam");
  });

  test("Write a note to Sam opens a supervision note with Sam as the one it is for", async () => {
    await start();
    await go({ name: "volunteers" });
    press("Write a note to Sam");
    expect(shown.value).toEqual({ name: "new", kind: "supervision-note", volunteer: SAM });
    const { defaultsFor } = await import("../src/screens/NewRecord");
    expect(defaultsFor("supervision-note", { volunteer: SAM })["volunteer"]).toBe(SAM);
    expect(defaultsFor("supervision-note", {})["volunteer"]).toBe("");
  });

  test("with no volunteers yet, says how they come to be here", async () => {
    roster = [];
    await start();
    await go({ name: "volunteers" });
    expect(text("#volunteers-empty")).toContain(VOLUNTEERS_WORDS.empty);
    expect(VOLUNTEERS_WORDS.empty).toMatch(/once their card is added on the Exchange screen/);
    press("Go to Exchange");
    expect(shown.value).toEqual({ name: "exchange" });
  });

  test("says it is looking, then why it could not, with Try again", async () => {
    await start();
    mocked.volunteers.mockRejectedValueOnce({ kind: "busy", message: "The journal is busy. Please try again in a moment." });
    await go({ name: "volunteers" });
    expect(text("#volunteers-error")).toBe("The journal is busy. Please try again in a moment.");
    expect($("#volunteers-error").getAttribute("role")).toBe("alert");
    press("Try again");
    await settle();
    expect(text("#volunteers-error")).toBe("");
    expect([...document.querySelectorAll("main h2")].map((h) => h.textContent)).toEqual(["Sam", "Kim", "Alex"]);
  });
});

describe("the review's words", () => {
  test("counts in headings, a cut list's as more than it shows; empty lines follow the numbers; numbers in range only", () => {
    expect(sectionTitle("Open concerns", 0, false)).toBe("Open concerns (0)");
    expect(sectionTitle("Open concerns", 50, false)).toBe("Open concerns (50)");
    expect(sectionTitle("Open concerns", 50, true)).toBe("Open concerns (more than 50)");
    expect(shownWords(100)).toBe("100 shown, and there are more.");
    expect(quietHint(1)).toBe("People whose last contact was 1 week ago or more, and people added that long ago who have had no contact yet.");
    expect(addedWords("2026-03-03T09:00:00Z")).toBe(`No contact yet; added on ${friendlyDay("2026-03-03T09:00:00Z")}`);
    expect(quietEmpty(1)).toBe("Everyone has been in touch within 1 week.");
    expect(longEmpty(1)).toBe("No one has been supported for 1 month or more.");
    expect(inRange("12", { min: 1, max: 60 })).toBe(12);
    expect(inRange(" 3 ", { min: 1, max: 60 })).toBe(3);
    for (const bad of ["", "0", "61", "2.5", "-1", "x"]) expect(inRange(bad, { min: 1, max: 60 })).toBeNull();
  });
});

describe("a file gone missing", () => {
  test("says which changes have not arrived, and what to ask for", async () => {
    const { missingText } = await import("../src/screens/Volunteers");
    expect(missingText(volunteer("Sam", "FP-SAM", { missing: [] }))).toBe("");
    expect(missingText(volunteer("Sam", "FP-SAM", { missing: [[41, 57]] }))).toBe(
      "A file from Sam seems to be missing: changes 41 to 57 have not arrived. Ask Sam to send everything again " +
        "(Exchange, Send everything again). If they have since forgotten someone, those changes may have been about them.",
    );
    expect(missingText(volunteer("Sam", "FP-SAM", { missing: [[5, 5]] }))).toMatch(/: change 5 has not arrived\./);
    expect(missingText(volunteer("Sam", "FP-SAM", { missing: [[5, 5], [9, 12], [20, 20]] }))).toMatch(
      /: change 5, changes 9 to 12 and change 20 have not arrived\./,
    );
  });
});
