// Charts and the funder report, driven as a person would: the place in a
// supervisor's navigation, the period and volunteer asked for, the headline
// figures, the four charts (bars, their names, their tables, their labels from
// the kinds, an empty line when there is nothing), and Save the funder
// report. And the bar chart on its own: bars to scale, nothing for zero, the
// words on it, its name, its table. Only api.ts is mocked.
import { render, type ComponentChild } from "preact";
import { act } from "preact/test-utils";
import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";

vi.mock("../src/api", () => ({
  api: {
    appState: vi.fn(),
    touch: vi.fn(),
    listRecords: vi.fn(),
    dueRecords: vi.fn(),
    needingAttention: vi.fn(),
    unreadRecords: vi.fn(),
    listConflicts: vi.fn(),
    listDrafts: vi.fn(),
    review: vi.fn(),
    volunteers: vi.fn(),
    report: vi.fn(),
    saveReport: vi.fn(),
    funderReport: vi.fn(),
  },
  onJournalLocked: vi.fn(async () => () => undefined),
  onJobProgress: vi.fn(async () => () => undefined),
  onFilesDropped: vi.fn(async () => () => undefined),
}));

import { api } from "../src/api";
import { startApp, type AppHandle } from "../src/app";
import type { AppState } from "../src/bindings/AppState";
import type { Report } from "../src/bindings/Report";
import type { ReportMonth } from "../src/bindings/ReportMonth";
import type { VolunteerSummary } from "../src/bindings/VolunteerSummary";
import { BarChart, CHART, ChartFigure, chartLabel, chartSummary, layout } from "../src/components/BarChart";
import { friendlyDay, monthName, monthsFrom, monthStart } from "../src/dates";
import { resetExchange } from "../src/exchange";
import { navigate, shown, type Route } from "../src/routes";
import { breakdownTitle, monthHeading, shownText } from "../src/screens/FunderReport";
import type { SharedReport } from "../src/bindings/SharedReport";
import { breakdown, CHARTS_WORDS, defaultPeriod, everyMonth, fieldOfRefusal, headlines, hoursOf, hoursText, howCaption, periodText, savedReportText, whoseText } from "../src/screens/Charts";
import { history } from "../src/state";
import { $, appState, axeClean, choose, deferred, everyControlNamed, expectCspClean, fieldError, fromOutside, screenName, settle, type, emptyReview } from "./helpers";

const mocked = {
  appState: vi.mocked(api.appState),
  volunteers: vi.mocked(api.volunteers),
  report: vi.mocked(api.report),
  saveReport: vi.mocked(api.saveReport),
  funderReport: vi.mocked(api.funderReport),
};

const MINE = "VG7E-89FM-8HGE-F63C";
const SAM = "3ZT0-941R-PER2-DH6T";
const KIM = "5DBJ-38B8-KSC6-VE5X";
const ALEX = "9XW2-QQ4M-7BND-R2KA";

/** Thursday 3 December 2026, mid-morning, on this computer's clock. */
const TODAY = new Date(2026, 11, 3, 10, 30);

function volunteer(name: string, fingerprint: string, extra: Partial<VolunteerSummary> = {}): VolunteerSummary {
  return { fingerprint, name, role: "volunteer", addedAt: "2026-01-05T10:00:00Z", revokedAt: null, lastFileAt: "2026-03-02T09:15:00Z", files: 3, changes: 40, people: 6, openConcerns: 0, flagged: 0, missing: [], ...extra };
}

function month(key: string, contacts: number, minutes: number): ReportMonth {
  return { month: key, people: contacts === 0 ? 0 : 2, contacts, minutes, signposts: 0, concerns: 0, boundaryIssues: 0, endings: 0 };
}

const EMPTY_REPORT: Report = {
  since: null,
  until: null,
  madeAt: "2026-12-03T10:30:00Z",
  people: 0,
  contacts: 0,
  minutes: 0,
  contactsByHow: {},
  signposts: 0,
  signpostsByCategory: {},
  signpostsByStatus: {},
  signpostsAccompanied: 0,
  concerns: 0,
  concernsByCategory: {},
  concernsByUrgency: {},
  concernsOpen: 0,
  boundaryIssues: 0,
  boundaryIssuesByCategory: {},
  boundaryIssuesFlagged: 0,
  endings: 0,
  endingsPlanned: 0,
  months: [],
};

/** A year with something in it: contacts in February and November, signposts of two kinds. */
const FULL: Report = {
  ...EMPTY_REPORT,
  people: 6,
  contacts: 40,
  minutes: 2130,
  contactsByHow: { "home-visit": 25, phone: 10, "not recorded": 5 },
  signposts: 8,
  signpostsByCategory: { housing: 3, food: 5 },
  signpostsByStatus: { suggested: 3, made: 4, declined: 1 },
  concerns: 3,
  concernsOpen: 1,
  boundaryIssues: 2,
  endings: 1,
  months: [month("2026-02", 30, 1800), month("2026-11", 10, 330)],
};

let roster: VolunteerSummary[] = [];
let figures: Report = FULL;
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

function press(name: string, within: ParentNode = document): void {
  const found = [...within.querySelectorAll<HTMLButtonElement>("button")].filter((b) => (b.textContent ?? "").replace(/\s+/g, " ").trim() === name);
  if (found.length !== 1) throw new Error(`${found.length} buttons say "${name}"`);
  void act(() => found[0]?.click());
}

/** The control labelled `label`, as a screen reader finds it. */
function labelled<E extends HTMLElement>(label: string): E {
  const found = [...document.querySelectorAll("label")].filter((l) => (l.textContent ?? "").trim() === label);
  if (found.length !== 1) throw new Error(`${found.length} labels say "${label}"`);
  return $<E>(`#${found[0]?.getAttribute("for") ?? ""}`);
}

/** A table's rows as their cells' words, header row first. */
function rows(table: Element): string[][] {
  return [...table.querySelectorAll("tr")].map((tr) => [...tr.children].map((cell) => (cell.textContent ?? "").trim()));
}

function navPlaces(): string[] {
  return [...document.querySelectorAll(".main-nav li button")].map((b) => b.textContent ?? "");
}

beforeEach(() => {
  vi.resetAllMocks();
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(TODAY);
  resetExchange();
  roster = [volunteer("Sam", SAM), volunteer("Alex", ALEX, { revokedAt: "2026-02-20T10:00:00Z" }), volunteer("Kim", KIM)];
  figures = FULL;
  vi.mocked(api.touch).mockResolvedValue(undefined);
  vi.mocked(api.listRecords).mockResolvedValue([]);
  vi.mocked(api.dueRecords).mockResolvedValue([]);
  vi.mocked(api.needingAttention).mockResolvedValue([]);
  vi.mocked(api.unreadRecords).mockResolvedValue([]);
  vi.mocked(api.listConflicts).mockResolvedValue([]);
  vi.mocked(api.listDrafts).mockResolvedValue([]);
  vi.mocked(api.review).mockResolvedValue(emptyReview());
  mocked.volunteers.mockImplementation(async () => roster);
  // The core says back the period it counted.
  mocked.report.mockImplementation(async (since, until) => ({ ...figures, since, until }));
});

afterEach(() => {
  app?.stop();
  app = null;
  vi.useRealTimers();
  document.body.replaceChildren();
});

// ---------------------------------------------------------------- The place

describe("where the charts are", () => {
  test("in a supervisor's navigation after Volunteers, opening on its heading", async () => {
    await start();
    expect(navPlaces()).toEqual(["Review", "Volunteers", "Charts", "Today", "People", "Search", "Reflections", "Services", "Exchange", "Settings"]);
    press("Charts", $(".main-nav"));
    await settle();
    expect(screenName()).toBe("charts");
    expect(shown.value).toEqual({ name: "charts" });
    expect(document.title).toBe("Charts — Peer Journal");
    expect(text("h1")).toBe("Charts and reports");
    expect(document.activeElement?.tagName).toBe("H1");
    expect($(".main-nav [aria-current=page]").textContent).toBe("Charts");
  });

  test("not in a volunteer's navigation; reached by its route, their own figures, with no volunteers to choose", async () => {
    await start(appState({ fingerprint: SAM }));
    expect(navPlaces()).toEqual(["Today", "People", "Search", "Reflections", "Services", "Exchange", "Settings"]);
    await go({ name: "charts" });
    expect(screenName()).toBe("charts");
    expect(document.querySelector("#charts-volunteer")).toBeNull();
    expect(mocked.volunteers).not.toHaveBeenCalled();
    expect(mocked.report).toHaveBeenLastCalledWith("2026-01-01", "2026-12-03", null);
    expect(text(".charts-intro .lead")).toBe(CHARTS_WORDS.introOwn);
    expect(text("#charts-how figcaption")).toBe("How you were in touch");
    expect(text("#charts-period")).toBe(`From ${friendlyDay("2026-01-01")} to ${friendlyDay("2026-12-03")}.`);
    expect(text("#charts-funder p")).toBe(CHARTS_WORDS.funderOwn);
  });

  test("a volunteer the journal does not know by name is this volunteer", async () => {
    await start();
    await go({ name: "charts", volunteer: "AAAA-BBBB-CCCC-DDDD" });
    expect(mocked.report).toHaveBeenLastCalledWith("2026-01-01", "2026-12-03", "AAAA-BBBB-CCCC-DDDD");
    expect(labelled<HTMLSelectElement>("Volunteer").value).toBe("AAAA-BBBB-CCCC-DDDD");
    expect(text("#charts-how figcaption")).toBe("How this volunteer was in touch");
    expect(text("#charts-period")).toMatch(/^This volunteer's records\. /);
  });

  test("Charts of Sam's work, on Volunteers, opens the charts of Sam's records", async () => {
    await start();
    await go({ name: "volunteers" });
    press("Charts of Sam's work");
    await settle();
    expect(shown.value).toEqual({ name: "charts", volunteer: SAM });
    expect(labelled<HTMLSelectElement>("Volunteer").value).toBe(SAM);
    expect(mocked.report).toHaveBeenLastCalledWith("2026-01-01", "2026-12-03", SAM);
    expect(text("#charts-how figcaption")).toBe("How Sam was in touch");
    expect(text("#charts-period")).toBe(`Sam's records. From ${friendlyDay("2026-01-01")} to ${friendlyDay("2026-12-03")}.`);
  });
});

// ---------------------------------------------------------------- The period

describe("which period", () => {
  test("starts at the last 12 months, this one and the 11 before, for every volunteer", async () => {
    await start();
    await go({ name: "charts" });
    expect(mocked.report).toHaveBeenCalledTimes(1);
    expect(mocked.report).toHaveBeenLastCalledWith("2026-01-01", "2026-12-03", null);
    expect($("#charts-filters").getAttribute("aria-label")).toBe("Which period");
    const from = labelled<HTMLInputElement>("From");
    const to = labelled<HTMLInputElement>("To");
    expect([from.type, from.value, to.type, to.value]).toEqual(["date", "2026-01-01", "date", "2026-12-03"]);
    expect(text("#charts-from-echo")).toBe(friendlyDay("2026-01-01"));
    const select = labelled<HTMLSelectElement>("Volunteer");
    expect([...select.options].map((o) => o.textContent)).toEqual(["All volunteers", "Sam", "Kim"]);
    expect(select.value).toBe("");
    expect(text(".charts-intro .lead")).toBe(CHARTS_WORDS.intro);
    expect(text("#charts-how figcaption")).toBe("How volunteers were in touch");
    expect(text("#charts-period")).toBe(`All volunteers' records. From ${friendlyDay("2026-01-01")} to ${friendlyDay("2026-12-03")}.`);
  });

  test("a volunteer chosen, then dates typed, each asks again; the volunteer is kept in the route, in place", async () => {
    await start();
    await go({ name: "charts" });
    const before = history.value;
    const select = labelled<HTMLSelectElement>("Volunteer");
    choose("#charts-volunteer", KIM);
    await settle();
    expect(mocked.report).toHaveBeenLastCalledWith("2026-01-01", "2026-12-03", KIM);
    expect(shown.value).toEqual({ name: "charts", volunteer: KIM });
    expect(labelled("Volunteer")).toBe(select);
    expect(history.value).toBe(before);
    type("#charts-from", "2025-04-01");
    await settle();
    expect(mocked.report).toHaveBeenLastCalledWith("2025-04-01", "2026-12-03", KIM);
    type("#charts-to", "2026-03-31");
    await settle();
    expect(mocked.report).toHaveBeenLastCalledWith("2025-04-01", "2026-03-31", KIM);
    // An empty date is an open end.
    type("#charts-from", "");
    await settle();
    expect(mocked.report).toHaveBeenLastCalledWith(null, "2026-03-31", KIM);
    expect(text("#charts-from-echo")).toBe("From the first record");
    choose("#charts-volunteer", "");
    await settle();
    expect(mocked.report).toHaveBeenLastCalledWith(null, "2026-03-31", null);
    expect(shown.value).toEqual({ name: "charts" });
  });

  test("the period chosen stays while the journal is open", async () => {
    await start();
    await go({ name: "charts" });
    type("#charts-from", "2026-06-01");
    await settle();
    await go({ name: "volunteers" });
    press("Charts of Kim's work");
    await settle();
    expect(mocked.report).toHaveBeenLastCalledWith("2026-06-01", "2026-12-03", KIM);
    expect(labelled<HTMLInputElement>("From").value).toBe("2026-06-01");
  });

  test("a period the core refuses is said beside the date changed, in its words, and no charts are shown", async () => {
    await start();
    await go({ name: "charts" });
    mocked.report.mockRejectedValueOnce({ kind: "invalidInput", message: "the report would start after it ends; check its first and last days" });
    type("#charts-from", "2027-01-01");
    await settle();
    expect(fieldError("charts-from")).toBe("The report would start after it ends; check its first and last days.");
    expect(fieldError("charts-to")).toBe("");
    expect($("#charts-from").getAttribute("aria-describedby")).toBe("charts-period-hint charts-from-error");
    expect(document.querySelector("figure")).toBeNull();
    expect(document.querySelector("#charts-figures")).toBeNull();
    expect(text("#charts-error")).toBe("");
    type("#charts-from", "2026-02-01");
    await settle();
    expect(fieldError("charts-from")).toBe("");
    expect(document.querySelectorAll("figure")).toHaveLength(4);
  });

  test("a refusal naming a date goes beside that date", () => {
    const period = { since: "2026-01-01", until: "2026-13-01" };
    expect(fieldOfRefusal('"2026-13-01" is not a date; write it as YYYY-MM-DD, like 2026-11-01', period, "since")).toBe("until");
    expect(fieldOfRefusal('"2026-01-01" is not a date', period, "until")).toBe("since");
    expect(fieldOfRefusal("the report would start after it ends", period, "until")).toBe("until");
  });

  test("says it is looking, then why it could not, with Try again", async () => {
    await start();
    const first = deferred<Report>();
    mocked.report.mockReturnValueOnce(first.promise);
    await go({ name: "charts" });
    expect(text("#charts-looking")).toBe("Looking…");
    expect($("#charts-looking").getAttribute("role")).toBe("status");
    await act(async () => {
      first.reject({ kind: "busy", message: "The journal is busy. Please try again in a moment." });
    });
    await settle();
    expect(text("#charts-error")).toBe("The journal is busy. Please try again in a moment.");
    expect($("#charts-error").getAttribute("role")).toBe("alert");
    expect(document.querySelector("figure")).toBeNull();
    press("Try again");
    await settle();
    expect(text("#charts-error")).toBe("");
    expect(document.querySelectorAll("figure")).toHaveLength(4);
  });

  test("the words of a period, and where it starts", () => {
    expect(defaultPeriod(new Date(2026, 0, 15))).toEqual({ since: "2025-02-01", until: "2026-01-15" });
    expect(monthStart(11, new Date(2026, 11, 31))).toBe("2026-01-01");
    expect(periodText({ since: "", until: "" })).toBe("Every record.");
    expect(periodText({ since: "", until: "2026-03-31" })).toBe(`From the first record to ${friendlyDay("2026-03-31")}.`);
    expect(periodText({ since: "2026-03-01", until: "" })).toBe(`From ${friendlyDay("2026-03-01")} to the last.`);
  });
});

// ---------------------------------------------------------------- The charts

describe("the charts", () => {
  test("headline figures first, then the four charts, each a figure with its caption, a picture named in words and a table", async () => {
    await start();
    await go({ name: "charts" });
    expect([...document.querySelectorAll("#charts-headlines li")].map((li) => li.textContent)).toEqual([
      "6 people supported",
      "40 contacts",
      "35.5 hours of contact",
      "8 signposts",
      "3 concerns (1 still open)",
      "2 boundary issues",
      "1 ending",
    ]);
    expect([...document.querySelectorAll("main h2")].map((h) => h.textContent)).toEqual([
      "At a glance",
      "Contacts and hours, month by month",
      "How volunteers were in touch",
      "Signposts by kind of service",
      "Signposts by where they got to",
      "The funder report",
    ]);
    for (const figure of document.querySelectorAll("figure")) {
      expect(figure.querySelector("figcaption")?.textContent).not.toBe("");
      const charts = figure.querySelectorAll("svg");
      expect(charts.length).toBeGreaterThan(0);
      for (const svg of charts) {
        expect(svg.getAttribute("role")).toBe("img");
        expect(svg.getAttribute("aria-label")).toMatch(/, a bar chart/);
      }
      expect(figure.querySelector("details summary")?.textContent).toBe("Show as a table");
      expect(figure.querySelector("table caption")?.textContent).toBe(figure.querySelector("figcaption")?.textContent);
    }
    expectCspClean();
    everyControlNamed();
    await axeClean();
  });

  test("contacts and hours, every month of the period, hours from minutes, in two charts and one table", async () => {
    await start();
    await go({ name: "charts" });
    const figure = $("#charts-months");
    expect([...figure.querySelectorAll("h3")].map((h) => h.textContent)).toEqual(["Contacts", "Hours"]);
    const [contacts, hours] = [...figure.querySelectorAll("svg")];
    expect(contacts?.querySelectorAll(".bar-chart-label")).toHaveLength(12);
    expect(contacts?.getAttribute("aria-label")).toBe(
      "Contacts each month, a bar chart: Jan 2026 0, Feb 2026 30, Mar 2026 0, Apr 2026 0, May 2026 0, Jun 2026 0, Jul 2026 0, Aug 2026 0, Sep 2026 0, Oct 2026 0, Nov 2026 10, Dec 2026 0.",
    );
    expect(hours?.getAttribute("aria-label")).toContain("Hours of contact each month, a bar chart: Jan 2026 0, Feb 2026 30,");
    expect(hours?.getAttribute("aria-label")).toContain("Nov 2026 5.5,");
    const table = rows($("#charts-months-table"));
    expect(table[0]).toEqual(["Month", "Contacts", "Hours"]);
    expect(table[1]).toEqual(["January 2026", "0", "0"]);
    expect(table[2]).toEqual(["February 2026", "30", "30"]);
    expect(table[11]).toEqual(["November 2026", "10", "5.5"]);
    expect(table.at(-1)).toEqual(["In all", "40", "35.5"]);
    expect($("#charts-months-table thead th").getAttribute("scope")).toBe("col");
    expect($("#charts-months-table tbody th").getAttribute("scope")).toBe("row");
  });

  test("hours from minutes, to a tenth", () => {
    expect([0, 30, 60, 90, 100, 2130].map(hoursOf)).toEqual([0, 0.5, 1, 1.5, 1.7, 35.5]);
    expect(hoursText(60)).toBe("1 hour of contact");
    expect(hoursText(150)).toBe("2.5 hours of contact");
    expect(hoursText(0)).toBe("0 hours of contact");
  });

  test("every month from the first to the last of the period, a month with nothing at nought", () => {
    const months = everyMonth({ ...FULL, since: "2025-11-15", until: "2026-02-03" });
    expect(months.map((m) => m.month)).toEqual(["2025-11", "2025-12", "2026-01", "2026-02"]);
    expect(months.map((m) => m.contacts)).toEqual([0, 0, 0, 30]);
    // Open ends: from the first month with records to the last.
    expect(everyMonth({ ...FULL, since: null, until: null }).map((m) => m.month)).toEqual(monthsFrom("2026-02", "2026-11"));
    expect(everyMonth(EMPTY_REPORT)).toEqual([]);
    expect([monthName("2026-02"), monthName("2026-02", true), monthName("soon")]).toEqual(["Feb 2026", "February 2026", "soon"]);
  });

  test("how people were in touch, by the contact kind's own words, every kind in its order, not recorded last", async () => {
    await start();
    await go({ name: "charts" });
    const labels = [...document.querySelectorAll("#charts-how .bar-chart-label")].map((t) => t.textContent);
    expect(labels).toEqual(["Home visit", "Phone call", "Messages", "Video call", "Group session", "Went along to an appointment", "Not recorded"]);
    expect([...document.querySelectorAll("#charts-how .bar-chart-value")].map((t) => t.textContent)).toEqual(["25", "10", "0", "0", "0", "0", "5"]);
    expect(rows($("#charts-how-table"))[0]).toEqual(["How", "Contacts"]);
    expect(rows($("#charts-how-table")).at(-1)).toEqual(["In all", "40"]);
  });

  test("signposts by kind of service (as the directory says it, most first) and by where they got to (the signpost's words)", async () => {
    await start();
    await go({ name: "charts" });
    expect(rows($("#charts-categories-table"))).toEqual([
      ["Kind of service", "Signposts"],
      ["food", "5"],
      ["housing", "3"],
      ["In all", "8"],
    ]);
    expect(rows($("#charts-statuses-table"))).toEqual([
      ["Where it got to", "Signposts"],
      ["Suggested", "3"],
      ["They'd like to go ahead", "0"],
      ["Referral made", "4"],
      ["They went along", "0"],
      ["We know how it went", "0"],
      ["They chose not to", "1"],
      ["In all", "8"],
    ]);
    expect($("#charts-statuses svg").getAttribute("aria-label")).toBe(
      "Signposts by where they got to, a bar chart: Suggested 3, They'd like to go ahead 0, Referral made 4, They went along 0, We know how it went 0, They chose not to 1.",
    );
  });

  test("the labels come from the kinds", () => {
    expect(breakdown({ phone: 2, "not recorded": 1, carrier: 4 }, "contact", "how").map((b) => `${b.label} ${b.value}`)).toEqual([
      "Home visit 0",
      "Phone call 2",
      "Messages 0",
      "Video call 0",
      "Group session 0",
      "Went along to an appointment 0",
      "carrier 4",
      "Not recorded 1",
    ]);
    expect(breakdown({}, "service", "category")).toEqual([]);
    expect(howCaption(true, null)).toBe("How volunteers were in touch");
    expect(howCaption(true, "Kim")).toBe("How Kim was in touch");
    expect(howCaption(false, null)).toBe("How you were in touch");
    expect([whoseText(null), whoseText("Kim"), whoseText("this volunteer")]).toEqual(["All volunteers' records.", "Kim's records.", "This volunteer's records."]);
  });

  test("a period with nothing in it: each chart says so in one line, and draws nothing", async () => {
    figures = EMPTY_REPORT;
    await start();
    await go({ name: "charts" });
    expect(text("#charts-months-empty")).toBe("No contacts in this period.");
    expect(text("#charts-how-empty")).toBe("No contacts in this period.");
    expect(text("#charts-categories-empty")).toBe("No signposts in this period.");
    expect(text("#charts-statuses-empty")).toBe("No signposts in this period.");
    expect(document.querySelectorAll("main svg, main table, main details")).toHaveLength(0);
    expect(text("#charts-headlines")).toContain("0 contacts");
    expect(text("#charts-headlines")).toContain("0 concerns");
    expect(text("#charts-headlines")).not.toContain("still open");
    expectCspClean();
    await axeClean();
  });

  test("headline words: one and many", () => {
    const one = { ...EMPTY_REPORT, people: 1, contacts: 1, minutes: 60, signposts: 1, concerns: 1, concernsOpen: 0, boundaryIssues: 1, endings: 1 };
    expect(headlines(one)).toEqual(["1 person supported", "1 contact", "1 hour of contact", "1 signpost", "1 concern (0 still open)", "1 boundary issue", "1 ending"]);
  });
});

// ---------------------------------------------------------------- The funder report

describe("the funder report", () => {
  test("says what it counts, and saves the whole journal's report of the period, saying where", async () => {
    mocked.saveReport.mockResolvedValue({ fileName: "peer-journal-report-2026-12-03-103000.html", folder: "/tmp/pj-files" });
    await start();
    await go({ name: "charts", volunteer: SAM });
    expect(text("#charts-funder")).toContain(CHARTS_WORDS.funder);
    expect(CHARTS_WORDS.funder).toMatch(/whole journal/);
    expect(CHARTS_WORDS.funder).toMatch(/names no one/);
    type("#charts-from", "2026-04-01");
    await settle();
    press("Save the funder report");
    await settle();
    // The whole journal's: no volunteer is passed, whichever is chosen.
    expect(mocked.saveReport).toHaveBeenCalledWith("2026-04-01", "2026-12-03");
    expect(text("#charts-report-saved")).toBe("Saved as peer-journal-report-2026-12-03-103000.html in /tmp/pj-files, with a CSV table beside it.");
    expect($("#charts-report-saved").getAttribute("role")).toBe("status");
    expect(text("#charts-report-error")).toBe("");
  });

  test("is busy while it saves, and says why it could not", async () => {
    const saving = deferred<{ fileName: string; folder: string }>();
    mocked.saveReport.mockReturnValueOnce(saving.promise);
    await start();
    await go({ name: "charts" });
    press("Save the funder report");
    const button = $<HTMLButtonElement>("#charts-save-report");
    expect(button.disabled).toBe(true);
    expect(button.getAttribute("aria-busy")).toBe("true");
    expect(button.textContent).toBe("Saving…");
    await act(async () => {
      saving.reject({ kind: "diskFull", message: "the disk is full, so this could not be saved and nothing was changed; free some space and try again" });
    });
    await settle();
    expect(text("#charts-report-error")).toBe("The disk is full, so this could not be saved and nothing was changed; free some space and try again.");
    expect($("#charts-report-error").getAttribute("role")).toBe("alert");
    expect(text("#charts-report-saved")).toBe("");
    expect(button.disabled).toBe(false);
    expect(button.textContent).toBe("Save the funder report");
  });

  test("opens as a page to print, with counts under 5 held back as the core says, and only the report on paper", async () => {
    const shared: SharedReport = {
      period: "2026-04-01 to 2026-12-03",
      madeOn: "2026-12-03",
      keptBy: "Morgan",
      inShort: "Fewer than 5 people supported through 23 contacts, 20.0 hours in all.",
      heldBack: "“Fewer than 5” stands for a count from 1 to 4.",
      totals: [{ group: "all", label: "All", measure: "contacts", shown: { count: 23 } }],
      also: [{ label: "concerns not yet acknowledged", shown: "fewerThanFive" }],
      breakdowns: [
        {
          section: "contact kind",
          measure: "contacts",
          total: { count: 23 },
          parts: [
            { group: "home-visit", label: "Home visit", measure: "contacts", shown: "hidden" },
            { group: "phone", label: "Phone call", measure: "contacts", shown: "fewerThanFive" },
          ],
        },
      ],
      months: [
        [
          { group: "2026-10", label: "2026-10", measure: "contacts", shown: { count: 23 } },
          { group: "2026-10", label: "2026-10", measure: "minutes", shown: { count: 1200 } },
        ],
      ],
    };
    mocked.funderReport.mockResolvedValue(shared);
    await start();
    await go({ name: "charts" });
    type("#charts-from", "2026-04-01");
    await settle();
    press("Open the funder report");
    await settle();
    expect(screenName()).toBe("funderReport");
    expect(mocked.funderReport).toHaveBeenCalledWith("2026-04-01", "2026-12-03");
    expect(text("h1")).toBe("Summary of the service: 2026-04-01 to 2026-12-03");
    expect(text("#funder-report-in-short")).toBe(shared.inShort);
    expect(text("#funder-report-table-0 caption")).toBe("Contacts by contact kind");
    const cells = (selector: string): string[] => [...document.querySelectorAll(`${selector} th, ${selector} td`)].map((c) => c.textContent ?? "");
    expect(cells("#funder-report-table-0 tbody")).toEqual(["Home visit", "hidden", "Phone call", "fewer than 5"]);
    expect(cells("#funder-report-table-0 tfoot")).toEqual(["All", "23"]);
    expect(cells("#funder-report-also tbody")).toEqual(["Concerns not yet acknowledged", "fewer than 5"]);
    expect(cells("#funder-report-months")).toEqual(["Month", "Contacts", "Hours", "October 2026", "23", "20"]);
    // Charts stays the place marked in the menu.
    expect($("[aria-current=page]").textContent).toBe("Charts");
    const print = vi.spyOn(window, "print").mockImplementation(() => undefined);
    press("Print, or save as PDF");
    expect(print).toHaveBeenCalledTimes(1);
    // On paper (FunderReport.css): what is outside the content, and what is marked no-print, is left off.
    expect($("#funder-report-print").closest(".no-print")).not.toBeNull();
    expect($(".main-nav").closest(".content")).toBeNull();
    everyControlNamed();
    await axeClean();
  });

  test("the page's words for a figure and a column", () => {
    expect([shownText({ count: 0 }), shownText({ count: 12 }), shownText("fewerThanFive"), shownText("hidden")]).toEqual(["0", "12", "fewer than 5", "hidden"]);
    expect(shownText({ count: 90 }, true)).toBe("1.5");
    expect(shownText("hidden", true)).toBe("hidden");
    expect(breakdownTitle({ section: "referral status", measure: "referrals", total: { count: 1 }, parts: [] })).toBe("Referrals by referral status");
    expect([monthHeading("minutes"), monthHeading("boundary issues")]).toEqual(["Hours", "Boundary issues"]);
  });

  test("the words when saved", () => {
    expect(savedReportText({ fileName: "r.html", folder: "/home/morgan/Peer Journal" })).toBe("Saved as r.html in /home/morgan/Peer Journal, with a CSV table beside it.");
  });
});

// ---------------------------------------------------------------- The bar chart

describe("the bar chart", () => {
  let root: HTMLElement;

  function draw(node: ComponentChild): void {
    root = document.createElement("div");
    document.body.replaceChildren(root);
    act(() => render(node, root));
  }

  afterEach(() => {
    act(() => render(null, root));
  });

  const bars = [
    { label: "Home visit", value: 10 },
    { label: "Phone call", value: 5 },
    { label: "Messages", value: 0 },
  ];

  test("bars scale to the largest value; zero draws no bar but still says 0; every bar has its label and value in words", () => {
    draw(<BarChart id="c" title="Contacts by how they happened" bars={bars} />);
    const rects = [...document.querySelectorAll("rect")];
    expect(rects).toHaveLength(2);
    const widths = rects.map((r) => Number(r.getAttribute("width")));
    const { room, labels } = layout(bars);
    expect(widths).toEqual([room, room / 2]);
    expect(rects.every((r) => Number(r.getAttribute("x")) === labels)).toBe(true);
    expect([...document.querySelectorAll(".bar-chart-label")].map((t) => t.textContent)).toEqual(["Home visit", "Phone call", "Messages"]);
    expect([...document.querySelectorAll(".bar-chart-value")].map((t) => t.textContent)).toEqual(["10", "5", "0"]);
    // The value sits just past its bar's end, the zero's at the axis.
    const xs = [...document.querySelectorAll(".bar-chart-value")].map((t) => Number(t.getAttribute("x")));
    expect(xs).toEqual([labels + room + CHART.gap, labels + room / 2 + CHART.gap, labels + CHART.gap]);
    const svg = $("svg");
    expect(svg.getAttribute("role")).toBe("img");
    expect(svg.getAttribute("aria-label")).toBe("Contacts by how they happened, a bar chart: Home visit 10, Phone call 5, Messages 0.");
    expect(svg.getAttribute("viewBox")).toBe(`0 0 ${CHART.width} ${3 * CHART.row + 2 * CHART.pad}`);
    // Sizes are attributes and colours are classes: nothing the CSP would block.
    expectCspClean();
    expect(svg.getAttribute("class")).toBe("bar-chart");
  });

  test("all nothing draws no bars; the smallest value above nothing is still seen", () => {
    expect(layout([{ label: "a", value: 0 }]).lengths).toEqual([0]);
    const lengths = layout([{ label: "a", value: 10_000 }, { label: "b", value: 1 }]).lengths;
    expect(lengths[1]).toBe(2);
  });

  test("long labels are cut short in the chart, whole in the table", () => {
    const long = "Debt advice, benefits checks and help with forms for people over sixty";
    expect(chartLabel(long)).toMatch(/…$/);
    expect(chartLabel(long).length).toBeLessThan(long.length);
    expect(chartLabel("Food")).toBe("Food");
    draw(<ChartFigure id="f" caption="Signposts by kind of service" rowHeader="Kind of service" labels={[long]} series={[{ name: "Signposts", title: "Signposts by kind of service", values: [2] }]} empty="None." />);
    expect(text(".bar-chart-label")).toBe(chartLabel(long));
    expect(rows($("#f-table"))[1]).toEqual([long, "2"]);
  });

  test("many bars are summed up in the name: first, last and highest", () => {
    const many = Array.from({ length: 24 }, (_, i) => ({ label: `M${i + 1}`, value: i === 6 ? 9 : 1 }));
    expect(chartSummary("Contacts each month", many)).toBe(
      "Contacts each month, a bar chart of 24 bars, from M1 (1) to M24 (1); the highest is 9, for M7. The table has every figure.",
    );
  });

  test("a figure: its caption, the chart, and a table of the same numbers behind Show as a table", async () => {
    draw(
      <ChartFigure
        id="f"
        caption="Contacts and hours, month by month"
        rowHeader="Month"
        labels={["Jan 2026", "Feb 2026"]}
        tableLabels={["January 2026", "February 2026"]}
        series={[
          { name: "Contacts", title: "Contacts each month", values: [4, 0] },
          { name: "Hours", title: "Hours of contact each month", values: [2.5, 0], format: (h) => h.toFixed(1), total: 2.5 },
        ]}
        empty="No contacts in this period."
      />,
    );
    expect(text("figcaption")).toBe("Contacts and hours, month by month");
    expect(document.querySelectorAll("svg[role=img]")).toHaveLength(2);
    const shownOnBars = [...document.querySelectorAll("svg")].map((svg) => [...svg.querySelectorAll(".bar-chart-value")].map((t) => t.textContent));
    expect(shownOnBars).toEqual([
      ["4", "0"],
      ["2.5", "0.0"],
    ]);
    expect(text("summary")).toBe("Show as a table");
    expect(text("caption")).toBe("Contacts and hours, month by month");
    expect(rows($("#f-table"))).toEqual([
      ["Month", "Contacts", "Hours"],
      ["January 2026", "4", "2.5"],
      ["February 2026", "0", "0.0"],
      ["In all", "4", "2.5"],
    ]);
    expect([...document.querySelectorAll("th")].map((th) => th.getAttribute("scope"))).toEqual(["col", "col", "col", "row", "row", "row"]);
    everyControlNamed();
    await axeClean();
  });

  test("a figure with nothing to count says so, and draws nothing", () => {
    draw(<ChartFigure id="f" caption="Signposts by where they got to" rowHeader="Where it got to" labels={["Suggested"]} series={[{ name: "Signposts", title: "Signposts", values: [0] }]} empty="No signposts in this period." />);
    expect(text("#f-empty")).toBe("No signposts in this period.");
    expect(document.querySelector("svg, table")).toBeNull();
  });
});
