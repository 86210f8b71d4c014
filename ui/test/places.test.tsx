// The other places of the open journal: Search, Reflections, Services,
// Changed in two places, Settings. Each screen is shown on its own, as the
// frame shows it, with only api.ts mocked.
import { render, type JSX } from "preact";
import { act } from "preact/test-utils";
import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";

vi.mock("../src/api", () => ({
  api: {
    appState: vi.fn(),
    touch: vi.fn(),
    listRecords: vi.fn(),
    searchRecords: vi.fn(),
    getRecord: vi.fn(),
    listConflicts: vi.fn(),
    resolveConflict: vi.fn(),
    setIdleLockMinutes: vi.fn(),
    setDiscreetMode: vi.fn(),
    passphraseStrength: vi.fn(),
    changePassphrase: vi.fn(),
    setRetentionMonths: vi.fn(),
    purgeNow: vi.fn(),
    findBackups: vi.fn(),
    backUpJournal: vi.fn(),
    exportPerson: vi.fn(),
    exchangeOverview: vi.fn(),
    exchangeFiles: vi.fn(),
    setExchangeFolder: vi.fn(),
    importDirectory: vi.fn(),
    saveDirectoryTemplate: vi.fn(),
    retireService: vi.fn(),
    unretireService: vi.fn(),
  },
  onJournalLocked: vi.fn(),
}));

import { api } from "../src/api";
import type { AppState } from "../src/bindings/AppState";
import type { Conflict } from "../src/bindings/Conflict";
import type { ExchangeOverview } from "../src/bindings/ExchangeOverview";
import type { JournalRecord } from "../src/bindings/JournalRecord";
import type { Kind } from "../src/bindings/Kind";
import type { Page } from "../src/bindings/Page";
import type { PassphraseStrength } from "../src/bindings/PassphraseStrength";
import type { PersonId } from "../src/bindings/PersonId";
import type { RecordId } from "../src/bindings/RecordId";
import type { SearchHit } from "../src/bindings/SearchHit";
import { people } from "../src/people";
import { back, shown, type Route } from "../src/routes";
import { Conflicts } from "../src/screens/Conflicts";
import { Reflections, SHARED_WORDS } from "../src/screens/Reflections";
import { PAGE_SIZE } from "../src/components/PagedList";
import { Marked, Search, SEARCH_DELAY_MS } from "../src/screens/Search";
import { friendly } from "../src/dates";
import { RETIRE_WORDS, retireHint, Services } from "../src/screens/Services";
import { badges, retiredServices } from "../src/components/RecordSummary";
import { APP_VERSION, exchangeFolderText, IDLE_CHOICES, purgeText, RETENTION_CHOICES, Settings, SETTINGS_MESSAGES } from "../src/screens/Settings";
import { overview, resetExchange } from "../src/exchange";
import { appState, history, route } from "../src/state";
import { tooEasyMessage } from "../src/strength";
import packageJson from "../package.json?raw";
import axe from "axe-core";
import { $, appState as state, choose, click, consoleSpies, deferred, expectCspClean, fieldError, input, press, settle, type } from "./helpers";

const mocked = {
  importDirectory: vi.mocked(api.importDirectory),
  saveDirectoryTemplate: vi.mocked(api.saveDirectoryTemplate),
  retireService: vi.mocked(api.retireService),
  unretireService: vi.mocked(api.unretireService),
  listRecords: vi.mocked(api.listRecords),
  searchRecords: vi.mocked(api.searchRecords),
  getRecord: vi.mocked(api.getRecord),
  listConflicts: vi.mocked(api.listConflicts),
  resolveConflict: vi.mocked(api.resolveConflict),
  setIdleLockMinutes: vi.mocked(api.setIdleLockMinutes),
  setDiscreetMode: vi.mocked(api.setDiscreetMode),
  passphraseStrength: vi.mocked(api.passphraseStrength),
  changePassphrase: vi.mocked(api.changePassphrase),
  setRetentionMonths: vi.mocked(api.setRetentionMonths),
  purgeNow: vi.mocked(api.purgeNow),
  findBackups: vi.mocked(api.findBackups),
  backUpJournal: vi.mocked(api.backUpJournal),
  exportPerson: vi.mocked(api.exportPerson),
  exchangeOverview: vi.mocked(api.exchangeOverview),
  setExchangeFolder: vi.mocked(api.setExchangeFolder),
};

const OWN = "VG7E-89FM-8HGE-F63C";
const SUPERVISOR = "7K3M-Q9TX-2B4D-HW8R";

let made = 0;
function record(kind: Kind, fields: Record<string, unknown>, extra: Partial<JournalRecord> = {}): JournalRecord {
  made += 1;
  const id = `01a23c67-0000-0000-0000-${String(made).padStart(12, "0")}` as RecordId;
  const person = typeof fields["person"] === "string" ? (fields["person"] as PersonId) : null;
  const at = typeof fields["at"] === "string" ? fields["at"] : null;
  return {
    id,
    kind,
    person,
    at,
    fields,
    createdAt: "2024-12-03T14:30:00Z",
    updatedAt: "2024-12-03T14:30:00Z",
    updatedBy: "01a23c67-364b-8749-a989-896e9fdcac0d" as JournalRecord["updatedBy"],
    owner: OWN,
    conflict: false,
    ...extra,
  };
}

function personRecord(alias: string): JournalRecord {
  const r = record("person", { alias });
  return { ...r, person: r.id as string as PersonId };
}

const ROSA = personRecord("Rosa Maria");
const ROSA_ID = ROSA.id as string as PersonId;

/** The exchange folder in use, as the journal says it: the app's own unless another is given. */
function exchangeView(folder = "/home/sam/Documents/Peer Journal", folderIsDefault = true): ExchangeOverview {
  return { folder, folderIsDefault, myCard: { name: "Sam", role: "volunteer", fingerprint: OWN }, peers: [] };
}

function hit(r: JournalRecord, excerpt: string): SearchHit {
  return { ...r, excerpt };
}

/** Stands in for the core's estimator: anything under 12 characters is too easy. */
function judged(passphrase: string): PassphraseStrength {
  return passphrase.length < 12
    ? { score: 1, acceptable: false, warning: "This is easy to guess.", suggestions: ["Add another word or two."] }
    : { score: 4, acceptable: true, warning: null, suggestions: [] };
}

/** Lists of each kind, as the journal would give them a page at a time. */
let lists: Partial<Record<Kind, JournalRecord[]>> = {};
function pageOf<T>(all: readonly T[], page: Page): T[] {
  return all.slice(page.offset, page.offset + page.limit);
}

let root: HTMLElement;

/** Shows `at` as the frame would: the route on screen, and its screen. */
async function show(at: Route, jsx: JSX.Element, overrides: Partial<AppState> = {}): Promise<void> {
  appState.value = state({ fingerprint: OWN, ...overrides });
  route.value = at;
  history.value = [{ name: "today" }];
  root = document.createElement("div");
  document.body.replaceChildren(root);
  await act(async () => {
    render(jsx, root);
  });
  await settle();
}

function text(selector: string): string {
  return ($(selector).textContent ?? "").replace(/\s+/g, " ").trim();
}

/** Waits out the search's pause after typing, then lets the answer arrive. */
async function afterTyping(): Promise<void> {
  await act(async () => {
    await new Promise((resolve) => setTimeout(resolve, SEARCH_DELAY_MS + 20));
  });
  await settle();
}

/** Every button, field and select has a name a screen reader can say. */
function expectEveryControlNamed(): void {
  for (const el of document.querySelectorAll<HTMLElement>("button, input, select")) {
    const named =
      (el instanceof HTMLButtonElement && (el.textContent ?? "").trim() !== "") ||
      (el.id !== "" && (document.querySelector(`label[for="${el.id}"]`)?.textContent ?? "").trim() !== "") ||
      el.hasAttribute("aria-label");
    expect(named, `${el.outerHTML} has no accessible name`).toBe(true);
  }
}

beforeEach(() => {
  vi.resetAllMocks();
  made = 1000;
  lists = { person: [ROSA] };
  mocked.listRecords.mockImplementation(async (kind, _person, page) => pageOf(lists[kind] ?? [], page));
  mocked.searchRecords.mockResolvedValue([]);
  mocked.listConflicts.mockResolvedValue([]);
  mocked.findBackups.mockResolvedValue([]);
  mocked.exchangeOverview.mockResolvedValue(exchangeView());
  mocked.passphraseStrength.mockImplementation(async (passphrase) => judged(passphrase));
  vi.mocked(api.touch).mockResolvedValue(undefined);
});

afterEach(() => {
  render(null, root);
  appState.value = null;
  route.value = { name: "starting" };
  history.value = [];
  people.value = new Map();
  document.body.replaceChildren();
});

// ---------------------------------------------------------------- Search

describe("search", () => {
  const search = (query = "") => show({ name: "search", query }, <Search name="search" query={query} />);

  test("the field is labelled and focused on arrival; nothing is asked until something is typed", async () => {
    await search();
    const field = input("#search-query");
    expect(document.activeElement).toBe(field);
    expect(text("label[for=search-query]")).toBe("Search your journal");
    expect($("#search-start").textContent).toMatch(/Type a word or two/);
    expect(mocked.searchRecords).not.toHaveBeenCalled();
    expectEveryControlNamed();
    expectCspClean();
  });

  test("searches as you type, once typing pauses, 50 at a time", async () => {
    await search();
    type("#search-query", "w");
    type("#search-query", "wa");
    type("#search-query", "walk");
    expect(mocked.searchRecords).not.toHaveBeenCalled();
    await afterTyping();
    expect(mocked.searchRecords).toHaveBeenCalledTimes(1);
    expect(mocked.searchRecords).toHaveBeenCalledWith("walk", { limit: PAGE_SIZE, offset: 0 });
  });

  test("Enter searches at once", async () => {
    await search();
    type("#search-query", "walk");
    // Enter in a search field submits its form.
    void act(() => {
      $<HTMLFormElement>("form[role=search]").requestSubmit();
    });
    await settle();
    expect(mocked.searchRecords).toHaveBeenCalledTimes(1);
    await afterTyping();
    expect(mocked.searchRecords).toHaveBeenCalledTimes(1);
  });

  test("each hit says what it is, who, when, and its excerpt with the typed words marked", async () => {
    people.value = new Map([[ROSA_ID, ROSA]]);
    const contact = record("contact", { person: ROSA_ID, at: "2024-12-03T14:30", how: "home-visit" });
    mocked.searchRecords.mockResolvedValue([hit(contact, "We went for a Walk to the park, walking <b>slowly</b>")]);
    await search();
    type("#search-query", "walk park");
    await afterTyping();
    const item = $(".hit");
    expect(item.querySelector("h2 button")?.textContent).toBe("Rosa Maria");
    expect(item.querySelector(".hit-kind")?.textContent).toBe("Contact");
    expect(item.querySelector("time")?.textContent).toBe(friendly("2024-12-03T14:30"));
    expect(item.querySelector("time")?.getAttribute("datetime")).toBe("2024-12-03T14:30");
    const marks = [...item.querySelectorAll("mark")].map((m) => m.textContent);
    expect(marks).toEqual(["Walk", "park", "walk"]);
    // Built as elements: the excerpt's own angle brackets are text, never markup.
    expect(item.querySelector("b")).toBeNull();
    expect(item.querySelector(".hit-excerpt")?.textContent).toContain("<b>slowly</b>");
    expect(text("#search-status")).toBe("1 record mentions “walk park”, newest first.");
    expectEveryControlNamed();
    expectCspClean();
  });

  test("in discreet mode, people are named by their initials, in the excerpt too", async () => {
    people.value = new Map([[ROSA_ID, ROSA]]);
    mocked.searchRecords.mockResolvedValue([hit(ROSA, "Rosa Maria likes the garden")]);
    await show({ name: "search", query: "" }, <Search name="search" query="" />, { discreetMode: true });
    type("#search-query", "garden");
    await afterTyping();
    expect($(".hit h2 button").textContent).toBe("R.M.");
    expect($(".hit-excerpt").textContent).toBe("R.M. likes the garden");
    expect(document.body.textContent).not.toContain("Rosa");
  });

  test("only the answer to what is typed now is shown, however the answers arrive", async () => {
    const slow = deferred<SearchHit[]>();
    const old = record("reflection", { text: "about a walk", at: "2024-12-01T10:00" });
    const latest = record("reflection", { text: "about the park", at: "2024-12-02T10:00" });
    mocked.searchRecords.mockReturnValueOnce(slow.promise).mockResolvedValueOnce([hit(latest, "about the park")]);
    await search();
    type("#search-query", "walk");
    await afterTyping();
    type("#search-query", "park");
    await afterTyping();
    slow.resolve([hit(old, "about a walk")]);
    await settle();
    expect(document.querySelectorAll(".hit")).toHaveLength(1);
    expect($(".hit-excerpt").textContent).toBe("about the park");
  });

  test("a hit opens its record; a person opens their page; Back returns to the same search", async () => {
    people.value = new Map([[ROSA_ID, ROSA]]);
    const contact = record("contact", { person: ROSA_ID, at: "2024-12-03T14:30" });
    mocked.searchRecords.mockResolvedValue([hit(contact, "a walk"), hit(ROSA, "Rosa Maria")]);
    await search();
    type("#search-query", "walk");
    await afterTyping();
    click(".hit:first-child h2 button");
    expect(shown.value).toEqual({ name: "record", id: contact.id });
    expect(history.value.at(-1)).toEqual({ name: "search", query: "walk" });
    expect(back()).toBe(true);
    expect(shown.value).toEqual({ name: "search", query: "walk" });

    // Shown again for that route, the search runs at once.
    mocked.searchRecords.mockClear();
    await show({ name: "search", query: "walk" }, <Search name="search" query="walk" />);
    expect(input("#search-query").value).toBe("walk");
    expect(mocked.searchRecords).toHaveBeenCalledWith("walk", { limit: PAGE_SIZE, offset: 0 });
    click(".hit:nth-child(2) h2 button");
    expect(shown.value).toEqual({ name: "person", id: ROSA_ID });
  });

  test("Show more asks for the next 50 and moves focus to the first of them", async () => {
    const many = Array.from({ length: 60 }, (_, i) => hit(record("reflection", { text: `walk ${i}` }), `walk ${i}`));
    mocked.searchRecords.mockImplementation(async (_q, page) => pageOf(many, page));
    await search();
    type("#search-query", "walk");
    await afterTyping();
    expect(document.querySelectorAll(".hit")).toHaveLength(50);
    expect(text("#search-status")).toMatch(/latest 50/);
    click("#search-more");
    await settle();
    expect(mocked.searchRecords).toHaveBeenLastCalledWith("walk", { limit: PAGE_SIZE, offset: 50 });
    expect(document.querySelectorAll(".hit")).toHaveLength(60);
    expect(document.activeElement?.textContent).toBe("Reflection");
    expect(document.activeElement?.closest("li")).toBe(document.querySelectorAll(".hit")[50]);
    expect(document.querySelector("#search-more")).toBeNull();
  });

  test("when nothing mentions the words, says so and what to try", async () => {
    await search();
    type("#search-query", "zebra");
    await afterTyping();
    expect(text("#search-none h2")).toBe("No records mention “zebra”");
    expect($("#search-none").textContent).toMatch(/fewer words/);
    expect(document.querySelector("#search-more")).toBeNull();
  });

  test("a failed search says why beside the field, and keeps what was typed", async () => {
    mocked.searchRecords.mockRejectedValue({ kind: "busy", message: "The journal is busy. Please try again in a moment." });
    await search();
    type("#search-query", "walk");
    await afterTyping();
    expect(text("#search-error")).toBe("The journal is busy. Please try again in a moment.");
    expect($("#search-error").getAttribute("role")).toBe("alert");
    expect(input("#search-query").getAttribute("aria-describedby")).toContain("search-error");
    expect(input("#search-query").value).toBe("walk");
  });

  test("clearing the field goes back to the start, and nothing is written anywhere", async () => {
    const spies = consoleSpies();
    mocked.searchRecords.mockResolvedValue([hit(record("reflection", { text: "secret walk" }), "secret walk")]);
    await search();
    type("#search-query", "secret");
    await afterTyping();
    type("#search-query", "  ");
    await afterTyping();
    expect(document.querySelectorAll(".hit")).toHaveLength(0);
    expect(document.querySelector("#search-start")).not.toBeNull();
    expect(localStorage.length + sessionStorage.length).toBe(0);
    expect(location.href).not.toContain("secret");
    for (const spy of spies) expect(spy).not.toHaveBeenCalled();
  });
});

describe("marking and dates", () => {
  function marks(excerpt: string, query: string): string {
    const host = document.createElement("p");
    render(<Marked excerpt={excerpt} query={query} />, host);
    return host.innerHTML;
  }

  test("typed words are marked in any case, longest first, with quotes and stars ignored", () => {
    expect(marks("Walking and walks", "WALK")).toBe("<mark>Walk</mark>ing and <mark>walk</mark>s");
    expect(marks("a walk in a park", '"park" wal*')).toBe("a <mark>wal</mark>k in a <mark>park</mark>");
    expect(marks("café Café", "CAFÉ")).toBe("<mark>café</mark> <mark>Café</mark>");
    expect(marks("(1+1)", "(1+1)")).toBe("(<mark>1+1</mark>)");
    expect(marks("nothing", "")).toBe("nothing");
  });

  test("dates read as people say them", () => {
    const now = new Date(2024, 11, 20);
    expect(friendly("2024-12-03T14:30", now)).toBe("Tue 3 Dec, 14:30");
    expect(friendly("2024-12-03", now)).toBe("Tue 3 Dec");
    expect(friendly("2023-01-09T08:05", now)).toBe("Mon 9 Jan 2023, 08:05");
    expect(friendly("soon", now)).toBe("soon");
    expect(friendly(null, now)).toBe("");
  });
});

// ---------------------------------------------------------------- Reflections

describe("reflections", () => {
  const reflections = () => show({ name: "reflections" }, <Reflections />);

  test("newest first, each saying plainly whether it is private or shared", async () => {
    people.value = new Map([[ROSA_ID, ROSA]]);
    lists.reflection = [
      record("reflection", { at: "2024-12-03T14:30", text: "It went well today.", shared: true, person: ROSA_ID }),
      record("reflection", { at: "2024-12-01T09:00", text: "A hard visit. ".repeat(40) }),
    ];
    await reflections();
    expect(mocked.listRecords).toHaveBeenCalledWith("reflection", null, { limit: PAGE_SIZE, offset: 0 });
    const items = document.querySelectorAll(".reflection");
    expect(items).toHaveLength(2);
    expect(items[0]?.querySelector("h2")?.textContent).toBe(`${friendly("2024-12-03T14:30")}, about Rosa Maria`);
    expect(items[0]?.querySelector(".reflection-shared")?.textContent).toBe(SHARED_WORDS.shared);
    expect(items[1]?.querySelector(".reflection-shared")?.textContent).toBe(SHARED_WORDS.private);
    expect(SHARED_WORDS.private).toMatch(/stays in this journal/);
    // A long one is cut, at a word.
    expect(items[1]?.querySelector(".reflection-text")?.textContent).toMatch(/visit\.…$|visit…$|hard…$|A…$/);
    expect(document.activeElement?.tagName).toBe("H1");
    expectEveryControlNamed();
    expectCspClean();
  });

  test("Write a reflection opens the form for one; a reflection opens as a record", async () => {
    const one = record("reflection", { at: "2024-12-03T14:30", text: "Thoughts." });
    lists.reflection = [one];
    await reflections();
    click("#reflections-write");
    expect(shown.value).toEqual({ name: "new", kind: "reflection" });
    await reflections();
    click(".reflection h2 button");
    expect(shown.value).toEqual({ name: "record", id: one.id });
  });

  test("with none yet, says what a reflection is for, beside the way to write one", async () => {
    await reflections();
    expect(text("#reflections-empty h2")).toBe("No reflections yet");
    expect($("#reflections-write").textContent).toBe("Write a reflection");
    expect(document.querySelector("#reflections-more")).toBeNull();
  });

  test("in discreet mode, no words of a reflection show in the list", async () => {
    lists.reflection = [record("reflection", { at: "2024-12-03T14:30", text: "Private feelings." })];
    await show({ name: "reflections" }, <Reflections />, { discreetMode: true });
    expect(document.body.textContent).not.toContain("Private feelings.");
    expect(document.querySelectorAll(".reflection")).toHaveLength(1);
  });

  test("a list that cannot be read says why, and can be asked again", async () => {
    const busy = { kind: "busy", message: "The journal is busy. Please try again in a moment." };
    mocked.listRecords.mockImplementation(async (kind, _person, page) => {
      if (kind === "reflection" && lists.reflection === undefined) throw busy;
      return pageOf(lists[kind] ?? [], page);
    });
    await reflections();
    expect(text("#reflections-error")).toBe("The journal is busy. Please try again in a moment.");
    lists.reflection = [record("reflection", { at: "2024-12-03T14:30", text: "Back again." })];
    click("#reflections-retry");
    await settle();
    expect(text("#reflections-error")).toBe("");
    expect(document.querySelectorAll(".reflection")).toHaveLength(1);
  });
});

// ---------------------------------------------------------------- Services

describe("services", () => {
  const services = () => show({ name: "services" }, <Services />);
  const foodBank = () =>
    record("service", {
      name: "Food bank",
      category: "Food",
      area: "North",
      contact_details: "01234 567890\nfood@example.org",
      opening_times: "Mon–Fri 9–5",
    });

  test("each service with its details; a supervisor's says where it comes from", async () => {
    const own = foodBank();
    const theirs = record("service", { name: "Housing advice", category: "Housing" }, { owner: SUPERVISOR });
    lists.service = [own, theirs];
    await services();
    expect(mocked.listRecords).toHaveBeenCalledWith("service", null, { limit: PAGE_SIZE, offset: 0 });
    const [first, second] = document.querySelectorAll(".service");
    expect(first?.querySelector("h2")?.textContent).toBe("Food bank");
    const details = [...(first?.querySelectorAll("dt") ?? [])].map((dt) => `${dt.textContent}: ${dt.nextElementSibling?.textContent}`);
    expect(details).toEqual(["Category: Food", "Area: North", "Contact details: 01234 567890\nfood@example.org", "Opening times: Mon–Fri 9–5"]);
    expect(first?.querySelector(".service-from")).toBeNull();
    expect(second?.querySelector(".service-from")?.textContent).toMatch(/supervisor’s directory/);
    expectEveryControlNamed();
    expectCspClean();
  });

  test("a service of your own is no longer offered, then offered again; the supervisor's is only marked", async () => {
    const own = foodBank();
    const theirs = record("service", { name: "Housing advice", retired: true }, { owner: SUPERVISOR });
    lists.service = [own, theirs];
    mocked.retireService.mockImplementation(async () => ({ ...own, fields: { ...own.fields, retired: true } }));
    mocked.unretireService.mockImplementation(async () => ({ ...own, fields: { ...own.fields, retired: false } }));
    await services();
    expect(text(".services-retire-hint")).toBe(retireHint(false));
    const [first, second] = document.querySelectorAll(".service");
    expect(second?.querySelector(".service-retired")?.textContent).toBe(`No longer taking referrals ${RETIRE_WORDS.note}`);
    expect(second?.querySelector(".service-open")?.getAttribute("aria-describedby")).toContain("-retired");
    expect(second?.querySelector(".service-actions")).toBeNull();
    expect(first?.querySelector(".service-retired")).toBeNull();
    const id = `#service-${own.id}`;
    const button = $(`${id}-retire`);
    expect(button.textContent).toBe("Stop offering Food bank");
    click(`${id}-retire`);
    await settle();
    expect(mocked.retireService).toHaveBeenCalledWith(own.id);
    expect(text(`${id}-changed`)).toBe("Food bank is no longer offered for new signposts. The signposts that already name it keep it.");
    // The same button, its words changed: focus stays where it was.
    expect($(`${id}-retire`)).toBe(button);
    expect(button.textContent).toBe("Offer Food bank again");
    expect(document.querySelector(".service")?.classList.contains("is-retired")).toBe(true);
    expectEveryControlNamed();
    expectCspClean();
    click(`${id}-retire`);
    await settle();
    expect(mocked.unretireService).toHaveBeenCalledWith(own.id);
    expect(text(`${id}-changed`)).toBe("Food bank is offered again for new signposts.");
    expect(button.textContent).toBe("Stop offering Food bank");
    // A refusal says why, beside the button.
    mocked.retireService.mockRejectedValueOnce({ kind: "notAllowed", message: "This service was written by another journal: you can't change it." });
    click(`${id}-retire`);
    await settle();
    expect(text(`${id}-error`)).toBe("This service was written by another journal: you can't change it.");
    expect(button.textContent).toBe("Stop offering Food bank");
  });

  test("a supervisor is told their volunteers see a service stop being offered with their next file", async () => {
    lists.service = [foodBank()];
    await show({ name: "services" }, <Services />, { role: "supervisor" });
    expect(text(".services-retire-hint")).toContain("Your volunteers see the change once they bring in your next file to them.");
  });

  test("with only the supervisor's services, nothing is said of stopping one", async () => {
    lists.service = [record("service", { name: "Housing advice" }, { owner: SUPERVISOR })];
    await services();
    expect(document.querySelector(".services-retire-hint")).toBeNull();
    expect(document.querySelector(".service-actions")).toBeNull();
  });

  test("a signpost to a service no longer taking referrals is marked so, and the service itself too", () => {
    const service = record("service", { name: "Old Pantry", retired: true });
    const signpost = record("signpost", { person: ROSA_ID, service: service.id, status: "made" });
    retiredServices.value = new Set();
    expect(badges(signpost, false).map((b) => b.text)).toEqual(["Referral made"]);
    retiredServices.value = new Set([service.id]);
    expect(badges(signpost, false).map((b) => b.text)).toEqual(["Referral made", "Service no longer taking referrals"]);
    expect(badges(service, false).map((b) => b.text)).toEqual(["No longer taking referrals"]);
    retiredServices.value = new Set();
  });

  test("filters as you type, by any of its details", async () => {
    lists.service = [foodBank(), record("service", { name: "Housing advice", area: "South" })];
    await services();
    type("#services-filter", "south");
    expect([...document.querySelectorAll(".service h2")].map((h) => h.textContent)).toEqual(["Housing advice"]);
    expect(text("#services-status")).toBe("1 service of 2 services matches “south”.");
    type("#services-filter", "FOOD north");
    expect([...document.querySelectorAll(".service h2")].map((h) => h.textContent)).toEqual(["Food bank"]);
    type("#services-filter", "swimming");
    expect(document.querySelectorAll(".service")).toHaveLength(0);
    expect(text("#services-none h2")).toBe("No service here matches “swimming”");
    type("#services-filter", "");
    expect(document.querySelectorAll(".service")).toHaveLength(2);
  });

  test("Add a service opens its form; a service opens as a record", async () => {
    const one = foodBank();
    lists.service = [one];
    await services();
    click("#services-add");
    expect(shown.value).toEqual({ name: "new", kind: "service" });
    await services();
    click(".service h2 button");
    expect(shown.value).toEqual({ name: "record", id: one.id });
  });

  test("an empty directory says what to add", async () => {
    await services();
    expect(text("#services-empty h2")).toBe("Your directory is empty");
    expect(document.querySelector("#services-filter")).toBeNull();
  });

  test("Show more brings the next 50", async () => {
    lists.service = Array.from({ length: 55 }, (_, i) => record("service", { name: `Service ${i}` }));
    await services();
    expect(document.querySelectorAll(".service")).toHaveLength(50);
    click("#services-more");
    await settle();
    expect(mocked.listRecords).toHaveBeenLastCalledWith("service", null, { limit: PAGE_SIZE, offset: 50 });
    expect(document.querySelectorAll(".service")).toHaveLength(55);
    expect(document.activeElement?.textContent).toBe("Service 50");
  });

  test("a Show more that fails says so beside it, keeps what is shown, and can try again", async () => {
    lists.service = Array.from({ length: 55 }, (_, i) => record("service", { name: `Service ${i}` }));
    await services();
    mocked.listRecords.mockRejectedValueOnce({ kind: "busy", message: "The journal is busy. Please try again in a moment." });
    click("#services-more");
    await settle();
    expect(text("#services-more-error")).toBe("The journal is busy. Please try again in a moment.");
    expect(document.querySelectorAll(".service")).toHaveLength(50);
    expect($("#services-more").textContent).toBe("Try again");
    click("#services-more");
    await settle();
    expect(document.querySelectorAll(".service")).toHaveLength(55);
  });

  test("a spreadsheet's services are added; rows not taken are listed with their line and why", async () => {
    lists.service = [];
    await services();
    mocked.importDirectory.mockResolvedValue({
      added: 2,
      rejected: [{ line: 4, name: "", reason: "a service needs name" }, { line: 6, name: "Food bank", reason: "it is in the directory already" }],
    });
    const input = $<HTMLInputElement>("#services-csv");
    // Nothing chosen yet: says what to do, asks nothing.
    await act(async () => {
      $("#services-csv-add").click();
    });
    expect(text("#services-csv-failed")).toBe("Choose the file first: your spreadsheet, saved as CSV.");
    expect(mocked.importDirectory).not.toHaveBeenCalled();
    const csv = new File(["name,area\nFood bank,North\n"], "services.csv", { type: "text/csv" });
    Object.defineProperty(input, "files", { value: [csv] });
    const listed = mocked.listRecords.mock.calls.length;
    await act(async () => {
      $("#services-csv-add").click();
    });
    await vi.waitFor(() => expect(mocked.importDirectory).toHaveBeenCalledWith("name,area\nFood bank,North\n"));
    await settle();
    expect(text("#services-csv-added")).toBe("2 services were added; 2 rows were not, and are listed below with why.");
    expect([...document.querySelectorAll("#services-csv-rejected li")].map((li) => li.textContent)).toEqual([
      "Line 4: A service needs name.",
      "Line 6 (Food bank): It is in the directory already.",
    ]);
    // The directory is read again, with the new services.
    expect(mocked.listRecords.mock.calls.length).toBeGreaterThan(listed);
    expect(text("#services-csv-failed")).toBe("");
    expectEveryControlNamed();
    expectCspClean();
  });

  test("a file that is not a directory says why; the template is saved where files go", async () => {
    lists.service = [];
    await services();
    mocked.importDirectory.mockRejectedValue({ kind: "invalidInput", message: "the column \"Phone\" is not one Peer Journal knows" });
    Object.defineProperty($<HTMLInputElement>("#services-csv"), "files", { value: [new File(["Phone\n1\n"], "x.csv")] });
    await act(async () => {
      $("#services-csv-add").click();
    });
    await vi.waitFor(() => expect(text("#services-csv-failed")).toBe("the column \"Phone\" is not one Peer Journal knows"));
    expect(text("#services-csv-added")).toBe("");
    mocked.saveDirectoryTemplate.mockResolvedValue({ fileName: "peer-journal-services.csv", folder: "/home/sam/Documents/Peer Journal" });
    await act(async () => {
      $("#services-template").click();
    });
    await settle();
    expect(text("#services-template-saved")).toMatch(/^Saved as peer-journal-services\.csv in \/home\/sam\/Documents\/Peer Journal\./);
  });
});

// ---------------------------------------------------------------- Conflicts

describe("changed in two places", () => {
  const conflicts = () => show({ name: "conflicts" }, <Conflicts />);

  function contactConflict(): Conflict {
    const r = record("contact", { person: ROSA_ID, at: "2024-12-03T14:30", how: "phone", notes: "Talked about school." }, { conflict: true });
    return {
      record: r,
      fields: [
        { field: "how", current: "phone", others: ["home-visit"] },
        { field: "notes", current: "Talked about school.", others: [null] },
      ],
    };
  }

  test("explains how it happens, and shows each field's values side by side, labelled", async () => {
    people.value = new Map([[ROSA_ID, ROSA]]);
    const c = contactConflict();
    mocked.listConflicts.mockResolvedValue([c]);
    await conflicts();
    expect(mocked.listConflicts).toHaveBeenCalledWith({ limit: PAGE_SIZE, offset: 0 });
    const intro = $(".conflicts-intro").textContent ?? "";
    expect(intro).toMatch(/two computers/);
    expect(intro).toMatch(/history/);
    expect(text(".conflict h2")).toBe(`Contact · Rosa Maria · ${friendly("2024-12-03T14:30")}`);
    const fields = document.querySelectorAll(".conflict-field");
    expect(fields).toHaveLength(2);
    expect(fields[0]?.querySelector("h3")?.textContent).toBe("How");
    const values = [...(fields[0]?.querySelectorAll(".conflict-value") ?? [])].map(
      (v) => `${v.querySelector(".conflict-which")?.textContent}: ${v.querySelector(".conflict-text")?.textContent}`,
    );
    expect(values).toEqual(["Showing now: Phone call", "Also written at the same time: Home visit"]);
    expect(fields[1]?.querySelectorAll(".conflict-text")[1]?.textContent).toBe("Left empty");
    // Each Keep button is described by its field and its value.
    const keep = $<HTMLButtonElement>(`#conflict-${c.record.id}-how-1-keep`);
    expect(keep.textContent).toBe("Keep this one");
    expect(keep.getAttribute("aria-describedby")?.split(" ")).toEqual([
      `conflict-${c.record.id}-how-label`,
      `conflict-${c.record.id}-how-1-which`,
      `conflict-${c.record.id}-how-1-value`,
    ]);
    expectEveryControlNamed();
    expectCspClean();
  });

  test("keeping a value settles that field, says the other stays in the history, then the record leaves", async () => {
    const c = contactConflict();
    mocked.listConflicts.mockResolvedValue([c]);
    mocked.resolveConflict.mockResolvedValueOnce({ ...c.record, fields: { ...c.record.fields, how: "home-visit" } });
    await conflicts();
    click(`#conflict-${c.record.id}-how-1-keep`);
    await settle();
    expect(mocked.resolveConflict).toHaveBeenCalledWith(c.record.id, "how", "home-visit");
    expect(document.querySelectorAll(".conflict-field")).toHaveLength(1);
    expect(text("#conflicts-status")).toMatch(/“How”.*other version stays in the record’s history/);
    expect(document.activeElement).toBe($("#conflicts-status"));

    mocked.resolveConflict.mockResolvedValueOnce({ ...c.record, conflict: false });
    click(`#conflict-${c.record.id}-notes-0-keep`);
    await settle();
    expect(mocked.resolveConflict).toHaveBeenLastCalledWith(c.record.id, "notes", "Talked about school.");
    expect(document.querySelectorAll(".conflict")).toHaveLength(0);
  });

  test("a choice that cannot be saved says why beside the field, and can be made again", async () => {
    const c = contactConflict();
    mocked.listConflicts.mockResolvedValue([c]);
    const pending = deferred<JournalRecord>();
    mocked.resolveConflict.mockReturnValueOnce(pending.promise);
    await conflicts();
    click(`#conflict-${c.record.id}-how-0-keep`);
    const pressed = $<HTMLButtonElement>(`#conflict-${c.record.id}-how-0-keep`);
    expect(pressed.getAttribute("aria-busy")).toBe("true");
    expect($<HTMLButtonElement>(`#conflict-${c.record.id}-how-1-keep`).disabled).toBe(true);
    pending.reject({ kind: "diskFull", message: "The disk is full. Free some space and try again." });
    await settle();
    expect(text(`#conflict-${c.record.id}-how-error`)).toBe("The disk is full. Free some space and try again.");
    expect($<HTMLButtonElement>(`#conflict-${c.record.id}-how-0-keep`).disabled).toBe(false);
    expect(document.querySelectorAll(".conflict-field")).toHaveLength(2);
  });

  test("a service on either side is named", async () => {
    const service = record("service", { name: "Food bank" });
    const other = record("service", { name: "Housing advice" });
    const signpost = record("signpost", { person: ROSA_ID, service: service.id, at: "2024-12-03" }, { conflict: true });
    mocked.listConflicts.mockResolvedValue([{ record: signpost, fields: [{ field: "service", current: service.id, others: [other.id] }] }]);
    mocked.getRecord.mockImplementation(async (id) => (id === service.id ? service : other));
    await conflicts();
    await settle();
    expect([...document.querySelectorAll(".conflict-text")].map((v) => v.textContent)).toEqual(["Food bank", "Housing advice"]);
  });

  test("when there is nothing to choose, says so", async () => {
    await conflicts();
    expect(text("#conflicts-empty h2")).toBe("Nothing to choose between");
  });
});

// ---------------------------------------------------------------- Settings

describe("settings", () => {
  const settings = (overrides: Partial<AppState> = {}) => show({ name: "settings" }, <Settings />, overrides);

  test("every section has a heading, every control a name; nothing is inline", async () => {
    await settings();
    const headings = [...document.querySelectorAll("h2")].map((h) => h.textContent);
    expect(headings).toEqual([
      "Locking by itself",
      "Discreet mode",
      "Your passphrase",
      "Keeping records",
      "Changed in two places",
      "Exchange folder",
      "Back up and move to another computer",
      "Export everything about a person",
      "About",
    ]);
    expect(document.activeElement?.tagName).toBe("H1");
    expectEveryControlNamed();
    expectCspClean();
  });

  test("the auto-lock offers the usual choices and saves at once", async () => {
    await settings({ idleLockMinutes: 5 });
    const select = $<HTMLSelectElement>("#settings-idle-minutes");
    expect([...select.options].map((o) => o.value)).toEqual(IDLE_CHOICES.map(String));
    expect(select.value).toBe("5");
    mocked.setIdleLockMinutes.mockResolvedValue(state({ idleLockMinutes: 15, fingerprint: OWN }));
    choose("#settings-idle-minutes", "15");
    await settle();
    expect(mocked.setIdleLockMinutes).toHaveBeenCalledWith(15);
    expect(appState.value?.idleLockMinutes).toBe(15);
    expect(text("#settings-idle-status")).toBe("Saved. The journal will lock after 15 minutes without use.");
    expect($("#settings-idle-status").getAttribute("role")).toBe("status");
  });

  test("an auto-lock that cannot be saved goes back, saying why beside it", async () => {
    await settings({ idleLockMinutes: 5 });
    mocked.setIdleLockMinutes.mockRejectedValue({ kind: "invalidInput", message: "Choose between 1 and 240 minutes." });
    const select = choose("#settings-idle-minutes", "30");
    await settle();
    expect(select.value).toBe("5");
    expect(fieldError("settings-idle-minutes")).toBe("Choose between 1 and 240 minutes.");
  });

  test("discreet mode is a labelled tick box, saved at once, and the journal's state follows", async () => {
    await settings({ discreetMode: false });
    const box = input("#settings-discreet");
    expect(box.type).toBe("checkbox");
    expect(text("label[for=settings-discreet]")).toBe("Show people by their initials only");
    expect(box.checked).toBe(false);
    mocked.setDiscreetMode.mockResolvedValue(state({ discreetMode: true, fingerprint: OWN }));
    click("#settings-discreet");
    await settle();
    expect(mocked.setDiscreetMode).toHaveBeenCalledWith(true);
    expect(appState.value?.discreetMode).toBe(true);
    expect(input("#settings-discreet").checked).toBe(true);
    expect(text("#settings-discreet-status")).toBe("Saved. People are shown by their initials only.");
  });

  test("discreet mode that cannot be saved goes back, saying why beside it", async () => {
    await settings({ discreetMode: false });
    mocked.setDiscreetMode.mockRejectedValue({ kind: "busy", message: "The journal is busy. Please try again in a moment." });
    click("#settings-discreet");
    await settle();
    expect(input("#settings-discreet").checked).toBe(false);
    expect(text("#settings-discreet-error")).toBe("The journal is busy. Please try again in a moment.");
    expect(input("#settings-discreet").getAttribute("aria-describedby")).toContain("settings-discreet-error");
    expect(text("#settings-discreet-status")).toBe("");
  });

  describe("passphrase", () => {
    function fill(current: string, next: string, again = next): void {
      type("#settings-current-passphrase", current);
      type("#settings-new-passphrase", next);
      type("#settings-new-passphrase-again", again);
      click("#settings-passphrase-submit");
    }

    test("asks for what is missing, and for the new one twice, before asking the journal", async () => {
      await settings();
      fill("", "");
      expect(fieldError("settings-current-passphrase")).toBe(SETTINGS_MESSAGES.currentMissing);
      expect(fieldError("settings-new-passphrase")).toBe(SETTINGS_MESSAGES.newMissing);
      expect(document.activeElement).toBe(input("#settings-current-passphrase"));
      fill("old lantern moss river", "new lantern moss river", "new lantern moss rive");
      expect(fieldError("settings-new-passphrase-again")).toBe(SETTINGS_MESSAGES.mismatch);
      expect(mocked.changePassphrase).not.toHaveBeenCalled();
    });

    test("the new one shows its strength as it is typed, and one too easy to guess is refused beside it", async () => {
      await settings();
      type("#settings-new-passphrase", "password");
      await settle();
      expect($("#settings-strength").textContent).toMatch(/Weak/);
      fill("old lantern moss river", "short");
      await settle();
      expect(fieldError("settings-new-passphrase")).toBe(tooEasyMessage(judged("short")));
      expect(mocked.changePassphrase).not.toHaveBeenCalled();
    });

    test("a wrong current passphrase is said beside its field, and nothing typed is lost", async () => {
      await settings();
      mocked.changePassphrase.mockRejectedValue({ kind: "wrongPassphrase", message: "that passphrase does not unlock this journal" });
      fill("not my passphrase", "new lantern moss river");
      await settle();
      expect(mocked.changePassphrase).toHaveBeenCalledWith("not my passphrase", "new lantern moss river");
      expect(fieldError("settings-current-passphrase")).toBe(SETTINGS_MESSAGES.wrongCurrent);
      expect(document.activeElement).toBe(input("#settings-current-passphrase"));
      expect(input("#settings-current-passphrase").value).toBe("not my passphrase");
      expect(input("#settings-new-passphrase").value).toBe("new lantern moss river");
      expect(input("#settings-new-passphrase-again").value).toBe("new lantern moss river");
      expect(text("#settings-passphrase-status")).toBe("");
    });

    test("once changed, the fields empty and it says so", async () => {
      await settings();
      const pending = deferred<void>();
      mocked.changePassphrase.mockReturnValue(pending.promise);
      fill("old lantern moss river", "new lantern moss river");
      await settle();
      expect($<HTMLButtonElement>("#settings-passphrase-submit").disabled).toBe(true);
      pending.resolve();
      await settle();
      expect(text("#settings-passphrase-status")).toMatch(/^Saved\. .*new passphrase.*recovery key still works/);
      for (const id of ["settings-current-passphrase", "settings-new-passphrase", "settings-new-passphrase-again"]) {
        expect(input(`#${id}`).value).toBe("");
      }
    });
  });

  test("how long records are kept: the choices, saved at once", async () => {
    await settings({ retentionMonths: 12 });
    const select = $<HTMLSelectElement>("#settings-retention-months");
    expect([...select.options].map((o) => o.value)).toEqual(RETENTION_CHOICES.map(String));
    expect(select.selectedOptions[0]?.textContent).toBe("1 year");
    mocked.setRetentionMonths.mockResolvedValue(state({ retentionMonths: 84, fingerprint: OWN }));
    choose("#settings-retention-months", "84");
    await settle();
    expect(mocked.setRetentionMonths).toHaveBeenCalledWith(84);
    expect(appState.value?.retentionMonths).toBe(84);
    expect(text("#settings-retention-status")).toBe("Saved. Records are kept for 7 years after a relationship ends.");
  });

  test("a retention set elsewhere still shows truthfully", async () => {
    await settings({ retentionMonths: 18 });
    expect($<HTMLSelectElement>("#settings-retention-months").selectedOptions[0]?.textContent).toBe("18 months");
  });

  test("erasing what is due asks first, then says what it erased", async () => {
    people.value = new Map([[ROSA_ID, ROSA]]);
    await settings({ retentionMonths: 24 });
    click("#settings-purge");
    expect(mocked.purgeNow).not.toHaveBeenCalled();
    expect(document.activeElement).toBe($("#settings-purge-question"));
    expect(text("#settings-purge-question")).toMatch(/more than 2 years ago.*cannot be undone/);
    mocked.purgeNow.mockResolvedValue({ erasedPeople: ["Rosa Maria", "B.J. 20"], erasedRecords: 34, keptForOpenConcern: 1 });
    click("#settings-purge-confirm");
    await settle();
    expect(mocked.purgeNow).toHaveBeenCalledTimes(1);
    expect(text("#settings-purge-status")).toBe(
      "Erased 2 people (Rosa Maria, B.J. 20) and 34 records about them. 1 person past that time was kept, because a concern about them is still open.",
    );
    expect(document.querySelector("#settings-purge-question")).toBeNull();
    expect(document.activeElement).toBe($("#settings-purge"));
    // The people the other screens name are read again.
    expect(mocked.listRecords).toHaveBeenCalledWith("person", null, expect.anything());
  });

  test("erasing can be called off, by the button or Escape", async () => {
    await settings();
    click("#settings-purge");
    click("#settings-purge-cancel");
    expect(document.querySelector("#settings-purge-question")).toBeNull();
    expect(document.activeElement).toBe($("#settings-purge"));
    click("#settings-purge");
    press("Escape");
    expect(document.querySelector("#settings-purge-question")).toBeNull();
    expect(mocked.purgeNow).not.toHaveBeenCalled();
  });

  test("an erase that fails says why beside it", async () => {
    await settings();
    click("#settings-purge");
    mocked.purgeNow.mockRejectedValue({ kind: "busy", message: "The journal is busy. Please try again in a moment." });
    click("#settings-purge-confirm");
    await settle();
    expect(text("#settings-purge-error")).toBe("The journal is busy. Please try again in a moment.");
    expect($<HTMLButtonElement>("#settings-purge-confirm").disabled).toBe(false);
  });

  test("what erasing did is said plainly, in discreet mode by initials", () => {
    expect(purgeText({ erasedPeople: [], erasedRecords: 0, keptForOpenConcern: 0 })).toBe("Nothing was due to be erased.");
    expect(purgeText({ erasedPeople: ["A"], erasedRecords: 1, keptForOpenConcern: 2 })).toBe(
      "Erased 1 person (A) and 1 record about them. 2 people past that time were kept, because a concern about them is still open.",
    );
    appState.value = state({ discreetMode: true });
    expect(purgeText({ erasedPeople: ["Rosa Maria"], erasedRecords: 3, keptForOpenConcern: 0 })).toBe("Erased 1 person (R.M.) and 3 records about them.");
  });

  test("says how many records were changed in two places, with the way to them", async () => {
    const c: Conflict = { record: record("reflection", { text: "x" }, { conflict: true }), fields: [] };
    mocked.listConflicts.mockResolvedValue([c, c]);
    await settings();
    expect(mocked.listConflicts).toHaveBeenCalledWith({ limit: PAGE_SIZE, offset: 0 });
    expect(text("#settings-conflicts-count")).toMatch(/^2 records were changed in two places at once/);
    click("#settings-conflicts-open");
    expect(shown.value).toEqual({ name: "conflicts" });
  });

  test("with nothing changed in two places, says so and offers nothing to press", async () => {
    await settings();
    expect(text("#settings-conflicts-count")).toMatch(/^Nothing has been changed in two places/);
    expect(document.querySelector("#settings-conflicts-open")).toBeNull();
  });

  test("backing up says where, when the latest was, and what it wrote", async () => {
    mocked.findBackups.mockResolvedValue([{ path: "/files/a.pjbackup", name: "a.pjbackup", modified: "2024-12-01T09:30", bytes: 2_000_000 }]);
    await settings({ filesDir: "/home/sam/Documents/Peer Journal" });
    expect(text("#settings-files-dir")).toBe("/home/sam/Documents/Peer Journal");
    expect(text("#settings-backup-latest")).toBe(`Your latest backup there is from ${friendly("2024-12-01T09:30")}.`);
    const pending = deferred<{ path: string; bytes: number }>();
    mocked.backUpJournal.mockReturnValue(pending.promise);
    click("#settings-backup");
    expect($<HTMLButtonElement>("#settings-backup").disabled).toBe(true);
    expect($("#settings-backup").getAttribute("aria-busy")).toBe("true");
    pending.resolve({ path: "/home/sam/Documents/Peer Journal/journal-2024-12-03.pjbackup", bytes: 2_345_678 });
    await settle();
    expect(text("#settings-backup-status")).toBe("Backed up: journal-2024-12-03.pjbackup (2.3 MB), in the folder above.");
    expect($<HTMLButtonElement>("#settings-backup").disabled).toBe(false);
  });

  test("a backup that fails says why beside the button", async () => {
    await settings();
    mocked.backUpJournal.mockRejectedValue({ kind: "diskFull", message: "The disk is full. Free some space and try again." });
    click("#settings-backup");
    await settle();
    expect(text("#settings-backup-error")).toBe("The disk is full. Free some space and try again.");
    expect(text("#settings-backup-status")).toBe("");
  });

  test("gathering everything about a person: chosen by name, and saying what it wrote", async () => {
    const bj = personRecord("B.J. 20");
    lists.person = [ROSA, bj];
    people.value = new Map([
      [ROSA_ID, ROSA],
      [bj.id as string as PersonId, bj],
    ]);
    await settings({ filesDir: "/files" });
    const select = $<HTMLSelectElement>("#settings-export-person");
    expect([...select.options].map((o) => o.textContent)).toEqual(["Choose someone", "B.J. 20", "Rosa Maria"]);
    click("#settings-export-submit");
    expect(fieldError("settings-export-person")).toBe("Please choose whose records to gather.");
    expect(mocked.exportPerson).not.toHaveBeenCalled();
    mocked.exportPerson.mockResolvedValue({ json: "/files/rosa.json", html: "/files/rosa.html", records: 12 });
    choose("#settings-export-person", ROSA_ID);
    click("#settings-export-submit");
    await settle();
    expect(mocked.exportPerson).toHaveBeenCalledWith(ROSA_ID);
    expect(text("#settings-export-status p")).toBe("12 records were gathered, in the folder /files:");
    expect([...document.querySelectorAll("#settings-export-status li")].map((li) => li.textContent)).toEqual([
      "rosa.html, a page to print",
      "rosa.json, the same for a computer",
    ]);
  });

  test("in discreet mode, the people to choose from are named by their initials", async () => {
    people.value = new Map([[ROSA_ID, ROSA]]);
    await settings({ discreetMode: true });
    expect([...$<HTMLSelectElement>("#settings-export-person").options].map((o) => o.textContent)).toEqual(["Choose someone", "R.M."]);
  });

  describe("exchange folder", () => {
    test("shows the folder in use, and a chosen one is used and said beside it", async () => {
      resetExchange();
      await settings();
      const field = input("#settings-exchange-folder");
      expect(text("label[for=settings-exchange-folder]")).toBe("Exchange folder");
      expect(field.value).toBe("/home/sam/Documents/Peer Journal");
      // The app's own folder is in use: there is nothing to go back to.
      expect(document.querySelector("#settings-exchange-default")).toBeNull();
      const chosen = exchangeView("/media/sam/STICK", false);
      mocked.setExchangeFolder.mockResolvedValue(chosen);
      type("#settings-exchange-folder", "  /media/sam/STICK ");
      click("#settings-exchange-submit");
      await settle();
      expect(mocked.setExchangeFolder).toHaveBeenCalledWith("/media/sam/STICK");
      expect(text("#settings-exchange-status")).toBe("Files will be saved to and looked for in /media/sam/STICK.");
      expect(exchangeFolderText("/x")).toBe("Files will be saved to and looked for in /x.");
      expect($("#settings-exchange-status").getAttribute("role")).toBe("status");
      // The exchange screen hears of it too.
      expect(overview.value?.folder).toBe("/media/sam/STICK");
      expect(text("#settings-exchange-default")).toBe("Go back to the app's own folder");
      expectEveryControlNamed();
    });

    test("a folder the journal refuses is said beside the field, and what was typed stays", async () => {
      await settings();
      mocked.setExchangeFolder.mockRejectedValue({ kind: "invalidInput", message: "there is no folder at /nope; check the name, or plug the drive in first" });
      type("#settings-exchange-folder", "/nope");
      click("#settings-exchange-submit");
      await settle();
      expect(fieldError("settings-exchange-folder")).toBe("there is no folder at /nope; check the name, or plug the drive in first");
      expect(input("#settings-exchange-folder").value).toBe("/nope");
      expect(text("#settings-exchange-status")).toBe("");
    });

    test("an empty folder is asked for before the journal is", async () => {
      await settings();
      type("#settings-exchange-folder", " ");
      click("#settings-exchange-submit");
      await settle();
      expect(fieldError("settings-exchange-folder")).toBe(SETTINGS_MESSAGES.folderMissing);
      expect(mocked.setExchangeFolder).not.toHaveBeenCalled();
    });

    test("another folder in use can be left for the app's own", async () => {
      mocked.exchangeOverview.mockResolvedValue(exchangeView("/media/sam/STICK", false));
      await settings();
      expect(input("#settings-exchange-folder").value).toBe("/media/sam/STICK");
      mocked.setExchangeFolder.mockResolvedValue(exchangeView());
      click("#settings-exchange-default");
      await settle();
      expect(mocked.setExchangeFolder).toHaveBeenCalledWith("");
      expect(input("#settings-exchange-folder").value).toBe("/home/sam/Documents/Peer Journal");
      expect(text("#settings-exchange-status")).toBe("Files will be saved to and looked for in /home/sam/Documents/Peer Journal.");
      expect(document.querySelector("#settings-exchange-default")).toBeNull();
    });
  });

  test("about: the version, where the journal lives, and its fingerprint", async () => {
    await settings({ journalDir: "/home/sam/.local/share/peer-journal" });
    expect(APP_VERSION).toBe((JSON.parse(packageJson) as { version: string }).version);
    expect(text("#settings-version")).toBe(`Peer Journal ${APP_VERSION}`);
    expect(text("#settings-journal-dir")).toBe("/home/sam/.local/share/peer-journal");
    expect(text("#settings-fingerprint")).toBe(OWN);
  });
});

// ---------------------------------------------------------------- All of them

describe("every place, with something in it", () => {
  test.each(["search", "reflections", "services", "conflicts", "settings"] as const)("%s has nothing axe-core finds wrong", async (name) => {
    people.value = new Map([[ROSA_ID, ROSA]]);
    lists.reflection = [record("reflection", { at: "2024-12-03T14:30", text: "It went well.", shared: true, person: ROSA_ID })];
    lists.service = [
      record("service", { name: "Food bank", category: "Food" }),
      record("service", { name: "Old Pantry", retired: true }),
      record("service", { name: "Advice", retired: true }, { owner: SUPERVISOR }),
    ];
    mocked.searchRecords.mockResolvedValue([hit(record("contact", { person: ROSA_ID, at: "2024-12-03T14:30" }), "a walk")]);
    const signpost = record("signpost", { person: ROSA_ID, at: "2024-12-03", status: "made" }, { conflict: true });
    mocked.listConflicts.mockResolvedValue([{ record: signpost, fields: [{ field: "status", current: "made", others: ["declined"] }] }]);
    const screens = {
      search: <Search name="search" query="walk" />,
      reflections: <Reflections />,
      services: <Services />,
      conflicts: <Conflicts />,
      settings: <Settings />,
    };
    await show(name === "search" ? { name, query: "walk" } : { name }, screens[name]);
    await settle();
    // Layout is jsdom's, so contrast is checked by the end-to-end tests instead.
    const result = await axe.run(document.body, { rules: { "color-contrast": { enabled: false }, region: { enabled: false } } });
    expect(result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.html).join(" | ")}`)).toEqual([]);
  });
});
