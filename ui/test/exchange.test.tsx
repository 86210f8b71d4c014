// Exchanging files: the progress bar and the busy banner, the words for what
// a file took and what one brought, and the Exchange screen driven as a
// person would (sending, bringing files in one by one or all at once,
// checking a card before it is added, no longer trusting one). Only api.ts
// is mocked; the backend's events are played by calling what app.tsx hands
// them to.
import axe from "axe-core";
import { act } from "preact/test-utils";
import { render } from "preact";
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
    findBackups: vi.fn(),
    exchangeOverview: vi.fn(),
    exchangeFiles: vi.fn(),
    chooseFiles: vi.fn(),
    setExchangeFolder: vi.fn(),
    saveMyCard: vi.fn(),
    trustCard: vi.fn(),
    revokeCard: vi.fn(),
    exportTo: vi.fn(),
    importFile: vi.fn(),
    stopJob: vi.fn(),
  },
  onJournalLocked: vi.fn(async () => () => undefined),
  onJobProgress: vi.fn(async () => () => undefined),
  onFilesDropped: vi.fn(async () => () => undefined),
}));

import { api } from "../src/api";
import { startApp, type AppHandle } from "../src/app";
import type { AppState } from "../src/bindings/AppState";
import type { ExchangeFile } from "../src/bindings/ExchangeFile";
import type { ExchangeOverview } from "../src/bindings/ExchangeOverview";
import type { ExportDone } from "../src/bindings/ExportDone";
import type { ImportSummary } from "../src/bindings/ImportSummary";
import type { JobProgress } from "../src/bindings/JobProgress";
import type { JournalRecord } from "../src/bindings/JournalRecord";
import type { PeerStatus } from "../src/bindings/PeerStatus";
import { busyText, overallLabel, overallText, ProgressBar } from "../src/components/Progress";
import { filesDropped, jobProgressed, overallOf, percentOf, readOverview, resetExchange, tallyOf, type ImportResult } from "../src/exchange";
import { personName } from "../src/people";
import { navigate, shown, type Route } from "../src/routes";
import { appState as shared } from "../src/state";
import {
  allDoneText,
  EXCHANGE_WORDS,
  exportFailureText,
  importFailureText,
  importWords,
  kindsText,
  noticeText,
  preselected,
  receiptText,
  sentText,
  waitingText,
} from "../src/screens/Exchange";
import { $, appState, choose, consoleSpies, deferred, expectCspClean, fromOutside, screenName, settle } from "./helpers";

const mocked = {
  appState: vi.mocked(api.appState),
  exchangeOverview: vi.mocked(api.exchangeOverview),
  exchangeFiles: vi.mocked(api.exchangeFiles),
  chooseFiles: vi.mocked(api.chooseFiles),
  saveMyCard: vi.mocked(api.saveMyCard),
  trustCard: vi.mocked(api.trustCard),
  revokeCard: vi.mocked(api.revokeCard),
  exportTo: vi.mocked(api.exportTo),
  importFile: vi.mocked(api.importFile),
  stopJob: vi.mocked(api.stopJob),
};

const MINE = "VG7E-89FM-8HGE-F63C";
const MORGAN = "7K3M-Q9TX-2B4D-HW8R";
const ALEX = "3ZT0-941R-PER2-DH6T";
const KIM = "5DBJ-38B8-KSC6-VE5X";
const FOLDER = "/home/sam/Documents/Peer Journal";

function peer(name: string, fingerprint: string, extra: Partial<PeerStatus> = {}): PeerStatus {
  return {
    name,
    fingerprint,
    role: "supervisor",
    addedAt: "2026-03-01T10:00:00Z",
    revokedAt: null,
    lastSent: null,
    lastReceived: null,
    receivedAt: null,
    receivedChanges: 0,
    waitingChanges: 0,
    ...extra,
  };
}

function view(peers: PeerStatus[] = [peer("Morgan", MORGAN)]): ExchangeOverview {
  return { folder: FOLDER, folderIsDefault: true, myCard: { name: "Sam", role: "volunteer", fingerprint: MINE }, peers };
}

function bundle(name: string, sender: string, extra: { alreadyImported?: boolean; modified?: string; size?: number } = {}): ExchangeFile {
  return {
    token: name,
    name,
    modified: extra.modified ?? "2026-03-03T14:10",
    size: extra.size ?? 1000,
    what: {
      kind: "bundle",
      look: { bundleId: `b-${name}`, sender, senderFingerprint: MORGAN, senderRole: "supervisor", alreadyImported: extra.alreadyImported ?? false, fromThisJournal: false },
    },
  };
}

function cardFile(name: string, who: string, fingerprint: string, trusted = false): ExchangeFile {
  return { token: name, name, modified: "2026-03-02T09:00", size: 400, what: { kind: "card", card: { name: who, role: "supervisor", fingerprint }, trusted } };
}

function summary(sender: string, extra: Partial<ImportSummary> = {}): ImportSummary {
  return { bundleId: "b", sender, senderFingerprint: MORGAN, alreadyImported: false, events: 2, duplicates: 0, erased: 0, kinds: {}, notices: [], ...extra };
}

function exportDone(kinds: ExportDone["summary"]["kinds"], events = 5): ExportDone {
  return {
    summary: { bundleId: "x", path: `${FOLDER}/peer-journal-2026-03-03-1410.pjbundle`, recipients: [MORGAN], events, kinds },
    fileName: "peer-journal-2026-03-03-1410.pjbundle",
    folder: FOLDER,
  };
}

// ---------------------------------------------------------------- The parts

describe("the progress bar", () => {
  afterEach(() => {
    document.body.replaceChildren();
  });

  function bar(report: JobProgress | null): HTMLProgressElement {
    const root = document.createElement("div");
    document.body.replaceChildren(root);
    void act(() => {
      render(<ProgressBar label="Writing the file" report={report} />, root);
    });
    return $<HTMLProgressElement>("progress");
  }

  test("moves without a value while the size is not known, and says no percent", () => {
    const el = bar(null);
    expect(el.getAttribute("aria-label")).toBe("Writing the file");
    expect(el.hasAttribute("value")).toBe(false);
    expect($(".progress-percent").textContent).toBe("");
    const unknown = bar({ job: "export", file: "f", done: 10, total: 0 });
    expect(unknown.hasAttribute("value")).toBe(false);
  });

  test("shows how far it has got once the total is known, in percent too", () => {
    const el = bar({ job: "import", file: "f", done: 450, total: 1000 });
    expect(el.hasAttribute("value")).toBe(true);
    expect(el.value).toBe(450);
    expect(el.max).toBe(1000);
    expect($(".progress-percent").textContent).toBe("45%");
    expect(bar({ job: "import", file: "f", done: 1200, total: 1000 }).value).toBe(1000);
    expectCspClean();
  });

  test("the banner says what runs, and apart from it how far once known", () => {
    expect(busyText("import", null)).toEqual({ what: "Bringing in a file…", howFar: "" });
    expect(busyText("import", { job: "import", file: "f", done: 1, total: 3 })).toEqual({ what: "Bringing in a file…", howFar: "33%" });
    expect(busyText("export", { job: "export", file: "f", done: 0, total: 0 })).toEqual({ what: "Writing a file…", howFar: "" });
    expect(busyText("export", { job: "export", file: "f", done: 4, total: 4 })).toEqual({ what: "Writing a file…", howFar: "100%" });
    const overall = { done: 400, total: 1000, through: 3, files: 12 };
    expect(busyText("import", { job: "import", file: "f", done: 1, total: 3 }, overall)).toEqual({ what: "Bringing in 12 files…", howFar: "3 of 12 files, 40%" });
  });

  test("with a text for its value, says it beside the bar and to screen readers", () => {
    const el = bar({ job: "import", file: "f", done: 0, total: 0 });
    expect(el.hasAttribute("aria-valuetext")).toBe(false);
    const root = document.createElement("div");
    document.body.replaceChildren(root);
    void act(() => {
      render(<ProgressBar label="Bringing in 12 files" report={{ done: 400, total: 1000 }} valueText="3 of 12 files, 40%" />, root);
    });
    const overall = $<HTMLProgressElement>("progress");
    expect(overall.getAttribute("aria-label")).toBe("Bringing in 12 files");
    expect(overall.getAttribute("aria-valuetext")).toBe("3 of 12 files, 40%");
    expect(overall.value).toBe(400);
    expect($(".progress-percent").textContent).toBe("3 of 12 files, 40%");
    expect($(".progress-percent").getAttribute("aria-hidden")).toBe("true");
  });
});

describe("how far Bring them all in has got", () => {
  const files = [
    { token: "a", size: 100 },
    { token: "b", size: 300 },
    { token: "c", size: 600 },
  ];
  const report = (done: number, total: number): JobProgress => ({ job: "import", file: "f", done, total });

  test("counts the bytes of the files through and of the one running, as far as it has got", () => {
    expect(overallOf({ files, through: 0, skipped: [], ended: null }, null)).toEqual({ done: 0, total: 1000, through: 0, files: 3 });
    expect(overallOf({ files, through: 0, skipped: [], ended: null }, report(50, 100))).toEqual({ done: 50, total: 1000, through: 0, files: 3 });
    expect(overallOf({ files, through: 1, skipped: [], ended: null }, report(150, 300))).toEqual({ done: 250, total: 1000, through: 1, files: 3 });
    // A large file weighs what it takes: two files of three through is 40%, not 67%.
    expect(percentOf(overallOf({ files, through: 2, skipped: [], ended: null }, null))).toBe(40);
    expect(overallOf({ files, through: 3, skipped: [], ended: "finished" }, report(600, 600))).toEqual({ done: 1000, total: 1000, through: 3, files: 3 });
  });

  test("a file grown since it was listed, an export's progress, or no size known never make it go wrong", () => {
    // Its own progress, scaled to the size listed.
    expect(overallOf({ files, through: 2, skipped: [], ended: null }, report(1200, 1200)).done).toBe(1000);
    expect(overallOf({ files, through: 2, skipped: [], ended: null }, report(2400, 1200)).done).toBe(1000);
    expect(overallOf({ files, through: 1, skipped: [], ended: null }, { job: "export", file: "f", done: 3, total: 4 }).done).toBe(100);
    // Sizes unknown: each file counts as one.
    const unknown = files.map((f) => ({ ...f, size: 0 }));
    expect(overallOf({ files: unknown, through: 1, skipped: [], ended: null }, report(5, 10))).toEqual({ done: 2, total: 3, through: 1, files: 3 });
  });

  test("in words: how many files are through, and the percent", () => {
    expect(overallText({ done: 400, total: 1000, through: 3, files: 12 })).toBe("3 of 12 files, 40%");
    expect(overallText({ done: 0, total: 1000, through: 0, files: 2 })).toBe("0 of 2 files, 0%");
    expect(overallLabel({ done: 0, total: 1000, through: 0, files: 2 })).toBe("Bringing in 2 files");
  });

  test("what it came to: brought in, had already, refused; a stopped file is none of these", () => {
    const entry = (token: string, result: ImportResult) => [token, { file: bundle(token, "Morgan"), result, inRun: true }] as const;
    const tried = new Map([
      entry("a", { state: "done", summary: summary("Morgan") }),
      entry("b", { state: "failed", error: { kind: "bundleRefused", message: "no" } }),
      entry("c", { state: "done", summary: summary("Morgan", { alreadyImported: true }) }),
    ]);
    const tally = tallyOf({ files, through: 3, skipped: [], ended: "finished" }, tried);
    expect(tally).toEqual({ files: 3, tried: 3, brought: 1, already: 1, refused: 1, stopped: false });
    expect(allDoneText(tally)).toBe("Done: 1 file brought in, 1 file you had already and 1 file refused, with why beside it.");
    expect(allDoneText({ files: 12, tried: 12, brought: 12, already: 0, refused: 0, stopped: false })).toBe("Done: 12 files brought in.");
    expect(allDoneText({ files: 4, tried: 4, brought: 2, already: 0, refused: 2, stopped: false })).toBe("Done: 2 files brought in and 2 files refused, with why beside each.");

    const stopped = new Map([entry("a", { state: "done", summary: summary("Morgan") }), entry("b", { state: "failed", error: { kind: "cancelled", message: "stopped" } })]);
    const halfway = tallyOf({ files, through: 2, skipped: [], ended: "stopped" }, stopped);
    expect(halfway).toEqual({ files: 3, tried: 2, brought: 1, already: 0, refused: 0, stopped: true });
    expect(allDoneText(halfway)).toBe("Stopped: 1 file brought in. 2 files were left as they were, to bring in later.");
    expect(allDoneText({ files: 2, tried: 1, brought: 0, already: 0, refused: 0, stopped: true })).toBe("Stopped: 2 files were left as they were, to bring in later.");
    expect(allDoneText({ files: 2, tried: 2, brought: 1, already: 0, refused: 0, stopped: true })).toBe("Stopped: 1 file brought in. 1 file was left as it was, to bring in later.");
  });

  test("a file not tried (something else was running) is left, and said to be, not counted by an earlier try", () => {
    const entry = (token: string, result: ImportResult) => [token, { file: bundle(token, "Morgan"), result, inRun: true }] as const;
    // b was refused by an earlier run; this time it was not tried.
    const tried = new Map([
      entry("a", { state: "done", summary: summary("Morgan") }),
      entry("b", { state: "failed", error: { kind: "bundleRefused", message: "no" } }),
      entry("c", { state: "done", summary: summary("Morgan") }),
    ]);
    const tally = tallyOf({ files, through: 3, skipped: ["b"], ended: "finished" }, tried);
    expect(tally).toEqual({ files: 3, tried: 3, brought: 2, already: 0, refused: 0, stopped: false });
    expect(allDoneText(tally)).toBe("Done: 2 files brought in. 1 file was left as it was, to bring in later.");
    expect(allDoneText({ files: 2, tried: 2, brought: 0, already: 0, refused: 0, stopped: false })).toBe("Done: 2 files were left as they were, to bring in later.");
  });
});

describe("the words", () => {
  test("what went, kind by kind, in the journal's order, and where the file is", () => {
    expect(kindsText({ concern: 1, contact: 3, person: 1 })).toBe("1 person, 3 contacts and 1 concern");
    expect(kindsText({ person: 2 })).toBe("2 people");
    expect(kindsText({ "supervision-note": 1, acknowledgement: 2 })).toBe("1 supervision note and 2 acknowledgements");
    expect(sentText(exportDone({ person: 1, contact: 3, concern: 1 }), "Morgan")).toBe(
      "What went, counting each change: 1 person, 3 contacts and 1 concern. " +
        `Saved as peer-journal-2026-03-03-1410.pjbundle in ${FOLDER}. Only Morgan (and you) can open it.`,
    );
    expect(sentText(exportDone({}, 0), "Morgan")).toMatch(/^Nothing new went: Morgan has confirmed having all your changes\./);
  });

  test("a stopped export says nothing was written; any other failure is the journal's own words", () => {
    expect(exportFailureText({ kind: "cancelled", message: "stopped before it finished; nothing was changed" })).toBe("Stopped. Nothing was written.");
    expect(exportFailureText({ kind: "diskFull", message: "the disk is full: free some space and try again; nothing was changed" })).toBe(
      "The disk is full: free some space and try again; nothing was changed.",
    );
  });

  test("what a file brought: new, updated, forgotten, in the journal's order", () => {
    const words = importWords(
      summary("Morgan", { kinds: { acknowledgement: { new: 1, updated: 0, conflicts: 0 }, "supervision-note": { new: 1, updated: 0, conflicts: 0 }, service: { new: 2, updated: 3, conflicts: 0 } } }),
    );
    expect(words.lead).toBe("Brought in from Morgan: 2 new services, 3 updates to services, 1 new supervision note and 1 new acknowledgement.");
    expect(words.conflicts).toBe(0);
    expect(words.conflictsLine).toBe("");
    expect(importWords(summary("Morgan", { kinds: { ending: { new: 0, updated: 1, conflicts: 0 } } })).lead).toBe("Brought in from Morgan: 1 update to an ending.");
    expect(importWords(summary("Morgan", { erased: 1 })).lead).toBe("Brought in from Morgan: 1 person forgotten here, as in Morgan's journal.");
    expect(importWords(summary("Morgan")).lead).toBe("Brought in from Morgan: nothing new, you had all of it already.");
  });

  test("conflicts to look at are counted and said", () => {
    const words = importWords(summary("Morgan", { kinds: { contact: { new: 0, updated: 2, conflicts: 2 }, signpost: { new: 0, updated: 0, conflicts: 1 } } }));
    expect(words.conflicts).toBe(3);
    expect(words.conflictsLine).toBe("3 records were changed in two places at once: choose which version to keep.");
  });

  test("a file brought in before changes nothing, and says so", () => {
    expect(importWords(summary("Morgan", { alreadyImported: true })).lead).toBe("Already brought in; nothing changed.");
  });

  test("what an import noticed, in plain words with no command line", () => {
    const clock = noticeText({ kind: "clockAhead", sender: "Morgan", minutes: 180 });
    expect(clock).toBe(
      "Morgan's computer clock seems to be 3 hours ahead of this one, so what they write is dated in the future. " +
        "Their changes were brought in all the same; ask them to check the date and time on their computer.",
    );
    expect(noticeText({ kind: "changesClash", sender: "Morgan", changes: 1 })).toMatch(/^1 change in Morgan's file was not brought in: /);
    expect(noticeText({ kind: "changesClash", sender: "Morgan", changes: 4 })).toMatch(/^4 changes in Morgan's file were not brought in: /);
    expect(noticeText({ kind: "deviceShared", sender: "Morgan" })).toMatch(/may not reach Morgan\.$/);
    for (const notice of [clock, noticeText({ kind: "deviceShared", sender: "M" }), noticeText({ kind: "changesClash", sender: "M", changes: 2 })]) {
      expect(notice).not.toMatch(/peerjournal|`/);
    }
    expect(importWords(summary("Morgan", { notices: [{ kind: "clockAhead", sender: "Morgan", minutes: 180 }] })).notices).toEqual([clock]);
  });

  test("a refused file: the journal's reason, then that nothing changed, unless it says so already", () => {
    expect(importFailureText({ kind: "bundleRefused", message: "this file was not made for this journal" })).toBe(
      "This file was not made for this journal. Nothing was changed.",
    );
    expect(importFailureText({ kind: "bundleRefused", message: "this bundle contains a record that is not valid (x); nothing was imported" })).toBe(
      "This bundle contains a record that is not valid (x); nothing was imported.",
    );
    expect(importFailureText({ kind: "cancelled", message: "stopped before it finished; nothing was changed" })).toBe("Stopped. Nothing was changed.");
  });

  test("receipts say what they prove, and no more", () => {
    const none = peer("Morgan", MORGAN, { waitingChanges: 12 });
    expect(receiptText(none)).toBe("Morgan has not confirmed receiving anything from you yet.");
    expect(waitingText(none)).toBe("12 changes waiting to go to them.");
    expect(waitingText({ ...none, lastSent: "2026-03-02T10:00:00Z" })).toBe("12 changes waiting to go to them, or in a file they have not confirmed yet.");
    const some = peer("Morgan", MORGAN, { receivedAt: "2026-03-03T14:10", receivedChanges: 12, waitingChanges: 1 });
    expect(receiptText(some)).toMatch(/^Morgan received your changes up to the file of yours they brought in on \w{3} 3 Mar( 2026)? at 14:10\.$/);
    expect(waitingText(some)).toBe("1 change waiting to go to them.");
    expect(waitingText(peer("Morgan", MORGAN, { receivedAt: "2026-03-03T14:10" }))).toBe("Nothing waiting to go to them.");
  });

  test("a volunteer's only supervisor is chosen first; otherwise the first card", () => {
    const alex = peer("Alex", ALEX, { role: "volunteer" });
    const morgan = peer("Morgan", MORGAN);
    expect(preselected([alex, morgan], "volunteer")).toBe(morgan);
    expect(preselected([alex, morgan], "supervisor")).toBe(alex);
    expect(preselected([alex, morgan, peer("Kim", KIM)], "volunteer")).toBe(alex);
    expect(preselected([], "volunteer")).toBeUndefined();
  });
});

// ---------------------------------------------------------------- The screen

let app: AppHandle | null = null;
let folder: ExchangeFile[] = [];
let roster: PeerStatus[] = [];

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
}

async function exchange(state?: AppState): Promise<void> {
  await start(state);
  await go({ name: "exchange" });
}

function text(selector = "main"): string {
  return ($(selector).textContent ?? "").replace(/\s+/g, " ").trim();
}

/** The element whose role and accessible name these are, as a screen reader finds it (as the end-to-end tests do). */
function named(role: "button" | "combobox" | "progressbar" | "checkbox", name: string): HTMLElement {
  const selector = { button: "button", combobox: "select", progressbar: "progress", checkbox: "input[type=checkbox]" }[role];
  const candidates = [...document.querySelectorAll<HTMLElement>(selector)];
  const nameOf = (el: HTMLElement): string => {
    const label = el.getAttribute("aria-label") ?? (el.id === "" ? null : document.querySelector(`label[for="${el.id}"]`)?.textContent ?? null);
    return (label ?? (role === "button" ? el.textContent : "") ?? "").replace(/\s+/g, " ").trim();
  };
  const found = candidates.filter((el) => nameOf(el) === name);
  if (found.length !== 1) throw new Error(`${found.length} ${role}s are named "${name}"`);
  return found[0] as HTMLElement;
}

function press(role: "button", name: string): void {
  const el = named(role, name);
  void act(() => el.click());
}

function everyControlNamed(): void {
  for (const el of document.querySelectorAll<HTMLElement>("button, input, select, textarea, progress")) {
    const isNamed =
      (el instanceof HTMLButtonElement && (el.textContent ?? "").trim() !== "") ||
      (el.id !== "" && (document.querySelector(`label[for="${el.id}"]`)?.textContent ?? "").trim() !== "") ||
      el.hasAttribute("aria-label");
    expect(isNamed, `${el.outerHTML} has no accessible name`).toBe(true);
    // A name given apart from the words shown still starts with them (WCAG 2.5.3, label in name).
    const label = el.getAttribute("aria-label");
    if (label !== null && el instanceof HTMLButtonElement) expect(label.startsWith((el.textContent ?? "").trim()), label).toBe(true);
  }
}

beforeEach(() => {
  vi.resetAllMocks();
  resetExchange();
  folder = [];
  roster = [peer("Morgan", MORGAN)];
  vi.mocked(api.touch).mockResolvedValue(undefined);
  vi.mocked(api.listRecords).mockResolvedValue([]);
  vi.mocked(api.dueRecords).mockResolvedValue([]);
  vi.mocked(api.needingAttention).mockResolvedValue([]);
  vi.mocked(api.unreadRecords).mockResolvedValue([]);
  vi.mocked(api.listConflicts).mockResolvedValue([]);
  vi.mocked(api.findBackups).mockResolvedValue([]);
  mocked.exchangeOverview.mockImplementation(async () => view(roster));
  mocked.exchangeFiles.mockImplementation(async () => folder);
  mocked.stopJob.mockResolvedValue(undefined);
});

afterEach(() => {
  app?.stop();
  app = null;
  document.body.replaceChildren();
});

describe("the exchange screen", () => {
  test("is a place of its own, between Services and Settings, saying where files go", async () => {
    await exchange();
    expect(screenName()).toBe("exchange");
    expect(document.title).toBe("Exchange files — Peer Journal");
    expect(text("h1")).toBe("Exchange files");
    expect(document.activeElement?.tagName).toBe("H1");
    const places = [...document.querySelectorAll(".main-nav li button")].map((b) => b.textContent);
    expect(places).toEqual(["Today", "People", "Search", "Reflections", "Services", "Exchange", "Settings"]);
    expect($(".main-nav [aria-current=page]").textContent).toBe("Exchange");
    expect(text(".exchange-intro .lead")).toMatch(/USB stick or through a shared folder.*encrypted so that only that person \(and you\) can open it/);
    expect(text("#exchange-folder-name")).toBe(FOLDER);
    expect([...document.querySelectorAll("main h2")].map((h) => h.textContent)).toEqual([
      "Send your changes",
      "Files to bring in",
      "Cards",
      "People you exchange with",
    ]);
    press("button", "Change the folder");
    await settle();
    expect(screenName()).toBe("settings");
  });

  test("with nothing in the folder and no one trusted, says what to do, plainly", async () => {
    roster = [];
    await exchange();
    expect(text("#exchange-send-nobody")).toBe(EXCHANGE_WORDS.nobodyToSend);
    expect(document.querySelector("#exchange-send-to")).toBeNull();
    expect(document.querySelector("#exchange-send-submit")).toBeNull();
    expect(text("#exchange-files-empty")).toBe(EXCHANGE_WORDS.noFiles);
    expect(text("#exchange-cards-empty")).toBe(EXCHANGE_WORDS.noCards);
    expect(text("#exchange-people-empty")).toBe(EXCHANGE_WORDS.nobody);
    expect(text("#exchange-my-fingerprint")).toBe(MINE);
    expectCspClean();
    everyControlNamed();
  });

  test("everything on it has a name, nothing is inline, and axe-core finds nothing wrong", async () => {
    roster = [peer("Morgan", MORGAN, { receivedAt: "2026-03-03T14:10", waitingChanges: 2, lastSent: "2026-03-02T10:00:00Z" }), peer("Alex", ALEX, { role: "volunteer", revokedAt: "2026-02-01T10:00:00Z" })];
    folder = [
      bundle("a.pjbundle", "Morgan"),
      bundle("b.pjbundle", "Morgan", { modified: "2026-03-01T08:00" }),
      bundle("old.pjbundle", "Morgan", { alreadyImported: true }),
      cardFile("kim.pjcard", "Kim", KIM),
      { token: "bad.pjbundle", name: "bad.pjbundle", modified: "2026-03-01T08:00", size: 10, what: { kind: "problem", reason: "this bundle is damaged or incomplete" } },
    ];
    await exchange();
    press("button", "Check Kim's card");
    press("button", "Stop trusting Morgan's card…");
    everyControlNamed();
    expectCspClean();
    // Layout is jsdom's, so contrast is checked by the end-to-end tests; label-in-name needs a canvas jsdom lacks
    // (everyControlNamed checks it instead).
    const rules = { "color-contrast": { enabled: false }, region: { enabled: false }, "label-content-name-mismatch": { enabled: false } };
    const result = await axe.run(document.body, { rules });
    expect(result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.html).join(" | ")}`)).toEqual([]);
  });

  describe("sending", () => {
    test("a volunteer's supervisor is chosen; the file is written with progress, then what went and where", async () => {
      roster = [peer("Alex", ALEX, { role: "volunteer" }), peer("Morgan", MORGAN), peer("Gone", KIM, { revokedAt: "2026-02-01T10:00:00Z" })];
      await exchange();
      const select = named("combobox", "Send to") as HTMLSelectElement;
      expect([...select.options].map((o) => o.textContent)).toEqual(["Alex (volunteer)", "Morgan (supervisor)"]);
      expect(select.value).toBe(MORGAN);
      const writing = deferred<ExportDone>();
      mocked.exportTo.mockReturnValue(writing.promise);
      press("button", "Write the file");
      await settle();
      expect(mocked.exportTo).toHaveBeenCalledWith(MORGAN, false);
      // Before the size is known, the bar moves; then it measures.
      const bar = named("progressbar", "Writing the file") as HTMLProgressElement;
      expect(bar.hasAttribute("value")).toBe(false);
      fromOutside(() => jobProgressed({ job: "export", file: "f", done: 3, total: 4 }));
      expect((named("progressbar", "Writing the file") as HTMLProgressElement).value).toBe(3);
      expect(text("#busy-banner")).toContain("Writing a file… 75%");
      expect(named("button", "Stop writing the file")).toBeTruthy();
      expect((named("button", "Writing the file…") as HTMLButtonElement).disabled).toBe(true);
      await act(async () => {
        writing.resolve(exportDone({ person: 1, contact: 3, concern: 1 }));
      });
      await settle();
      expect(text("#exchange-sent")).toBe(
        "What went, counting each change: 1 person, 3 contacts and 1 concern. " +
          `Saved as peer-journal-2026-03-03-1410.pjbundle in ${FOLDER}. Only Morgan (and you) can open it.`,
      );
      expect($("#exchange-sent").getAttribute("role")).toBe("status");
      expect(document.querySelector("progress")).toBeNull();
      expect(text("#busy-banner")).toBe("");
      // What the folder holds and the receipts are read again.
      expect(mocked.exchangeFiles).toHaveBeenCalledTimes(2);
      expect(mocked.exchangeOverview).toHaveBeenCalledTimes(2);
    });

    test("a supervisor's card added while the screen shows is chosen, unless the person chose another", async () => {
      roster = [peer("Kim", KIM, { role: "volunteer" })];
      folder = [cardFile("morgan.pjcard", "Morgan", MORGAN)];
      await exchange();
      expect((named("combobox", "Send to") as HTMLSelectElement).value).toBe(KIM);
      mocked.trustCard.mockResolvedValue({ fingerprint: MORGAN, name: "Morgan", role: "supervisor", addedAt: "2026-03-03T14:10:00Z", revokedAt: null });
      roster = [peer("Kim", KIM, { role: "volunteer" }), peer("Morgan", MORGAN)];
      folder = [];
      press("button", "Check Morgan's card");
      press("button", "Yes, it matches — add Morgan");
      await settle();
      expect((named("combobox", "Send to") as HTMLSelectElement).value).toBe(MORGAN);
      mocked.exportTo.mockResolvedValue(exportDone({ contact: 1 }, 1));
      press("button", "Write the file");
      await settle();
      expect(mocked.exportTo).toHaveBeenCalledWith(MORGAN, false);
      expect(text("#exchange-sent")).toContain("Only Morgan (and you) can open it.");
      // Chosen by the person, a card stays chosen as the roster changes.
      choose("#exchange-send-to", KIM);
      roster = [peer("Kim", KIM, { role: "volunteer" }), peer("Morgan", MORGAN), peer("Alex", ALEX, { role: "volunteer" })];
      await act(async () => {
        await readOverview();
      });
      expect((named("combobox", "Send to") as HTMLSelectElement).value).toBe(KIM);
      // Send everything again, for a file gone missing.
      await act(() => (named("checkbox", "Send everything again") as HTMLInputElement).click());
      press("button", "Write the file");
      await settle();
      expect(mocked.exportTo).toHaveBeenLastCalledWith(KIM, true);
    });

    test("Stop stops it, and it says nothing was written", async () => {
      await exchange();
      const writing = deferred<ExportDone>();
      mocked.exportTo.mockReturnValue(writing.promise);
      press("button", "Write the file");
      await settle();
      press("button", "Stop");
      expect(mocked.stopJob).toHaveBeenCalledTimes(1);
      await act(async () => {
        writing.reject({ kind: "cancelled", message: "stopped before it finished; nothing was changed" });
      });
      await settle();
      expect(text("#exchange-send-failed")).toBe("Stopped. Nothing was written.");
      expect($("#exchange-send-failed").getAttribute("role")).toBe("alert");
      expect(text("#exchange-sent")).toBe("");
    });

    test("a failure says the journal's reason", async () => {
      await exchange();
      mocked.exportTo.mockRejectedValue({ kind: "io", message: "could not write /media/x: the drive is read-only" });
      press("button", "Write the file");
      await settle();
      expect(text("#exchange-send-failed")).toBe("Could not write /media/x: the drive is read-only.");
    });

    test("the busy banner follows the person to another screen, with Stop", async () => {
      await exchange();
      const writing = deferred<ExportDone>();
      mocked.exportTo.mockReturnValue(writing.promise);
      press("button", "Write the file");
      await settle();
      await go({ name: "today" });
      expect(screenName()).toBe("today");
      expect($("#busy-banner").getAttribute("role")).toBe("status");
      expect(text("#busy-banner")).toContain("Writing a file…");
      press("button", "Stop writing the file");
      expect(mocked.stopJob).toHaveBeenCalledTimes(1);
      await act(async () => {
        writing.resolve(exportDone({ contact: 1 }, 1));
      });
      await settle();
      expect(text("#busy-banner")).toBe("");
      // Back on the exchange screen, what went is still said.
      await go({ name: "exchange" });
      expect(text("#exchange-sent")).toMatch(/^What went, counting each change: 1 contact\./);
    });
  });

  describe("bringing files in", () => {
    test("each file says who it is from; one brought in says what it brought, and conflicts lead to where they are settled", async () => {
      folder = [bundle("from-morgan.pjbundle", "Morgan"), bundle("old.pjbundle", "Morgan", { alreadyImported: true })];
      await exchange();
      const item = $("#exchange-files-list li");
      expect(text("#exchange-file-0-from")).toBe("From Morgan (supervisor)");
      expect(item.textContent).toContain("from-morgan.pjbundle");
      expect(text("#exchange-files-already")).toBe("1 file in the folder was brought in already.");
      // One file: no Bring them all in.
      expect(document.querySelector("#exchange-bring-all")).toBeNull();
      const bringing = deferred<ImportSummary>();
      mocked.importFile.mockReturnValue(bringing.promise);
      // As a click would, focus goes to the button pressed.
      named("button", "Bring in the file from Morgan").focus();
      press("button", "Bring in the file from Morgan");
      await settle();
      expect(mocked.importFile).toHaveBeenCalledWith("from-morgan.pjbundle");
      fromOutside(() => jobProgressed({ job: "import", file: "from-morgan.pjbundle", done: 50, total: 200 }));
      expect((named("progressbar", "Bringing in the file from Morgan") as HTMLProgressElement).value).toBe(50);
      expect(text("#busy-banner")).toContain("Bringing in a file… 25%");
      folder = [bundle("from-morgan.pjbundle", "Morgan", { alreadyImported: true }), bundle("old.pjbundle", "Morgan", { alreadyImported: true })];
      await act(async () => {
        bringing.resolve(
          summary("Morgan", {
            kinds: { "supervision-note": { new: 1, updated: 0, conflicts: 0 }, acknowledgement: { new: 1, updated: 0, conflicts: 0 }, contact: { new: 0, updated: 1, conflicts: 1 } },
          }),
        );
      });
      await settle();
      // Brought in, it stays listed with what it brought.
      expect([...$("#exchange-file-0-result").querySelectorAll("p")].map((p) => p.textContent)).toEqual([
        "Brought in from Morgan: 1 update to a contact, 1 new supervision note and 1 new acknowledgement.",
        "1 record was changed in two places at once: choose which version to keep.",
      ]);
      expect($("#exchange-file-0-result").getAttribute("role")).toBe("status");
      expect(document.querySelector("#exchange-file-0-bring-in")).toBeNull();
      expect(document.activeElement?.id).toBe("exchange-file-0-result");
      expect(text("#exchange-files-already")).toBe("1 file in the folder was brought in already.");
      press("button", "Choose what to keep");
      await settle();
      expect(shown.value.name).toBe("conflicts");
    });

    test("Bring them all in has one bar for all the files, goes on past a file that is refused, and says for each what happened", async () => {
      folder = [
        bundle("one.pjbundle", "Morgan", { modified: "2026-03-03T10:00", size: 200 }),
        bundle("two.pjbundle", "Kim", { modified: "2026-03-02T10:00", size: 300 }),
        bundle("three.pjbundle", "Morgan", { modified: "2026-03-01T10:00", size: 500 }),
      ];
      await exchange();
      const bringing = [deferred<ImportSummary>(), deferred<ImportSummary>(), deferred<ImportSummary>()];
      mocked.importFile.mockImplementation((token) => bringing[["one.pjbundle", "two.pjbundle", "three.pjbundle"].indexOf(token)]!.promise);
      named("button", "Bring them all in").focus();
      press("button", "Bring them all in");
      await settle();
      // One bar, named for the whole run and saying how far in files and bytes; Stop has focus.
      expect(document.querySelectorAll("progress")).toHaveLength(1);
      const bar = () => named("progressbar", "Bringing in 3 files") as HTMLProgressElement;
      expect(bar().getAttribute("aria-valuetext")).toBe("0 of 3 files, 0%");
      // Its Stop says what it stops, apart from the banner's.
      expect(document.activeElement).toBe(named("button", "Stop bringing them all in"));
      expect(text("#exchange-file-0-running")).toBe("Bringing it in…");
      expect(document.querySelector("#exchange-bring-all")).toBeNull();
      // The banner says once what runs; how far is shown, not announced at every step.
      expect(text("#busy-banner .busy-banner-text")).toBe("Bringing in 3 files… 0 of 3 files, 0%");
      expect(named("button", "Stop bringing in the files")).toBeTruthy();
      expect($("#busy-banner .busy-banner-far").getAttribute("aria-hidden")).toBe("true");
      const said = $("#busy-banner .busy-banner-text");
      fromOutside(() => jobProgressed({ job: "import", file: "one.pjbundle", done: 100, total: 200 }));
      expect(bar().getAttribute("aria-valuetext")).toBe("0 of 3 files, 10%");
      expect(bar().value).toBe(100);
      expect(bar().max).toBe(1000);
      everyControlNamed();
      const rules = { "color-contrast": { enabled: false }, region: { enabled: false }, "label-content-name-mismatch": { enabled: false } };
      const checked = await axe.run(document.body, { rules });
      expect(checked.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.html).join(" | ")}`)).toEqual([]);
      await act(async () => {
        bringing[0]!.resolve(summary("Morgan", { kinds: { "supervision-note": { new: 2, updated: 0, conflicts: 0 } } }));
      });
      await settle();
      expect(bar().getAttribute("aria-valuetext")).toBe("1 of 3 files, 20%");
      // The banner said it once for the run: between the files it was neither emptied nor said again.
      expect($("#busy-banner .busy-banner-text")).toBe(said);
      expect(text("#busy-banner .busy-banner-text")).toBe("Bringing in 3 files… 1 of 3 files, 20%");
      // A report still on its way from the first file is not the second's.
      fromOutside(() => jobProgressed({ job: "import", file: "one.pjbundle", done: 200, total: 200 }));
      expect(bar().getAttribute("aria-valuetext")).toBe("1 of 3 files, 20%");
      fromOutside(() => jobProgressed({ job: "import", file: "two.pjbundle", done: 150, total: 300 }));
      expect(bar().getAttribute("aria-valuetext")).toBe("1 of 3 files, 35%");
      expect(text("#exchange-file-0-result")).toBe("Brought in from Morgan: 2 new supervision notes.");
      // Listed, not announced: the run's end speaks for all its files.
      expect($("#exchange-file-0-result").hasAttribute("role")).toBe(false);
      expect(document.activeElement).toBe(named("button", "Stop bringing them all in"));
      await act(async () => {
        bringing[1]!.reject({ kind: "bundleRefused", message: "this bundle is signed by a card that was revoked in this journal; it has not been imported" });
      });
      await settle();
      expect(bar().getAttribute("aria-valuetext")).toBe("2 of 3 files, 50%");
      expect($("#busy-banner .busy-banner-text")).toBe(said);
      expect(text("#exchange-all-result")).toBe("");
      await act(async () => {
        bringing[2]!.resolve(summary("Morgan", { alreadyImported: true }));
      });
      await settle();
      expect(mocked.importFile.mock.calls.map(([token]) => token)).toEqual(["one.pjbundle", "two.pjbundle", "three.pjbundle"]);
      expect(text("#exchange-file-1-error")).toBe("This bundle is signed by a card that was revoked in this journal; it has not been imported. Nothing was changed.");
      expect($("#exchange-file-1-error").hasAttribute("role")).toBe(false);
      // The refused one can be tried again.
      expect(named("button", "Bring in the file from Kim")).toBeTruthy();
      expect(text("#exchange-file-2-result")).toBe("Already brought in; nothing changed.");
      // The bar gone, what they came to is said once, and has focus.
      expect(document.querySelector("progress")).toBeNull();
      expect(text("#busy-banner")).toBe("");
      expect($("#exchange-all-result").getAttribute("role")).toBe("status");
      expect(text("#exchange-all-result")).toBe("Done: 1 file brought in, 1 file you had already and 1 file refused, with why beside it.");
      expect(document.activeElement?.id).toBe("exchange-all-result");
      everyControlNamed();

      // Tried again on its own, a file's result is announced again.
      mocked.importFile.mockResolvedValue(summary("Kim"));
      press("button", "Bring in the file from Kim");
      await settle();
      expect(text("#exchange-file-1-result")).toBe("Brought in from Kim: nothing new, you had all of it already.");
      expect($("#exchange-file-1-result").getAttribute("role")).toBe("status");
    });

    test("Stop stops the file being brought in and the ones after it, and says what was left", async () => {
      folder = [
        bundle("one.pjbundle", "Morgan", { modified: "2026-03-03T10:00" }),
        bundle("two.pjbundle", "Kim", { modified: "2026-03-02T10:00" }),
        bundle("three.pjbundle", "Kim", { modified: "2026-03-01T10:00" }),
      ];
      await exchange();
      mocked.importFile.mockResolvedValueOnce(summary("Morgan"));
      const second = deferred<ImportSummary>();
      mocked.importFile.mockReturnValueOnce(second.promise);
      press("button", "Bring them all in");
      await settle();
      expect(named("progressbar", "Bringing in 3 files").getAttribute("aria-valuetext")).toBe("1 of 3 files, 33%");
      // From the banner, as from any screen.
      press("button", "Stop bringing in the files");
      expect(mocked.stopJob).toHaveBeenCalledTimes(1);
      await act(async () => {
        second.reject({ kind: "cancelled", message: "stopped before it finished; nothing was changed" });
      });
      await settle();
      expect(mocked.importFile).toHaveBeenCalledTimes(2);
      expect(text("#exchange-file-1-error")).toBe("Stopped. Nothing was changed.");
      expect(text("#exchange-all-result")).toBe("Stopped: 1 file brought in. 2 files were left as they were, to bring in later.");
      expect(document.querySelector("progress")).toBeNull();
      // What is left can be brought in all at once again.
      expect(named("button", "Bring them all in")).toBeTruthy();
    });

    test("the people a file brings are named at once on every screen, not as someone", async () => {
      folder = [bundle("from-sam.pjbundle", "Sam", { modified: "2026-03-03T10:00" }), bundle("from-morgan.pjbundle", "Morgan", { modified: "2026-03-02T10:00" })];
      await exchange();
      const rm: JournalRecord = {
        id: "p-rm",
        kind: "person",
        person: "p-rm",
        at: null,
        fields: { alias: "R.M." },
        createdAt: "2026-03-03T10:00:00Z",
        updatedAt: "2026-03-03T10:00:00Z",
        updatedBy: "d",
        owner: null,
        conflict: false,
      };
      vi.mocked(api.listRecords).mockImplementation(async (kind) => (kind === "person" ? [rm] : []));
      const readPeople = () => vi.mocked(api.listRecords).mock.calls.filter(([kind]) => kind === "person").length;
      const before = readPeople();
      expect(personName("p-rm")).toBe("someone");
      mocked.importFile.mockResolvedValue(summary("Sam", { kinds: { person: { new: 1, updated: 0, conflicts: 0 }, concern: { new: 1, updated: 0, conflicts: 0 } } }));
      press("button", "Bring in the file from Sam");
      await settle();
      expect(personName("p-rm")).toBe("R.M.");
      expect(readPeople()).toBe(before + 1);
      // A file with no one in it leaves them be.
      mocked.importFile.mockResolvedValue(summary("Morgan", { kinds: { "supervision-note": { new: 1, updated: 0, conflicts: 0 } } }));
      press("button", "Bring in the file from Morgan");
      await settle();
      expect(readPeople()).toBe(before + 1);
    });

    test("files that cannot be brought in are listed apart, with why", async () => {
      folder = [{ token: "bad.pjbundle", name: "bad.pjbundle", modified: "2026-03-01T08:00", size: 10, what: { kind: "problem", reason: "this bundle is damaged or incomplete (it may have been cut short or changed on the way); ask for it to be exported again" } }];
      await exchange();
      expect(text("#exchange-problems-title")).toBe("Files that can't be brought in");
      expect($("#exchange-problems-title").tagName).toBe("H3");
      expect([...$("#exchange-problems-list li").querySelectorAll("p")].map((p) => p.textContent)).toEqual([
        "bad.pjbundle",
        "This bundle is damaged or incomplete (it may have been cut short or changed on the way); ask for it to be exported again.",
      ]);
      expect(document.querySelector("#exchange-files-empty")).toBeNull();
    });

    test("Choose files from elsewhere opens the app's chooser, then lists what was chosen", async () => {
      await exchange();
      mocked.chooseFiles.mockImplementation(async () => {
        folder = [bundle("dropped", "Morgan")];
        return folder;
      });
      press("button", "Choose files from elsewhere…");
      await settle();
      expect(mocked.chooseFiles).toHaveBeenCalledTimes(1);
      expect(mocked.exchangeFiles).toHaveBeenCalledTimes(2);
      expect(text("#exchange-file-0-from")).toBe("From Morgan (supervisor)");
      // A chooser that fails says why, where the list's errors go.
      mocked.chooseFiles.mockRejectedValue({ kind: "io", message: "The file chooser could not open." });
      press("button", "Choose files from elsewhere…");
      await settle();
      expect(text("#exchange-files-error")).toBe("The file chooser could not open.");
    });

    test("files dropped on the window are looked for, from the exchange screen or from another", async () => {
      await exchange();
      expect(mocked.exchangeFiles).toHaveBeenCalledTimes(1);
      folder = [bundle("dropped", "Morgan")];
      fromOutside(() => filesDropped());
      await settle();
      expect(mocked.exchangeFiles).toHaveBeenCalledTimes(2);
      expect(text("#exchange-file-0-from")).toBe("From Morgan (supervisor)");
      await go({ name: "today" });
      fromOutside(() => filesDropped());
      await settle();
      expect(screenName()).toBe("exchange");
      press("button", "Look in the folder again");
      await settle();
      expect(mocked.exchangeFiles).toHaveBeenCalledTimes(4);
    });
  });

  describe("cards", () => {
    test("your card: the fingerprint to read aloud, and Save my card says where it went", async () => {
      await exchange();
      expect(text("#exchange-my-fingerprint")).toBe(MINE);
      expect(text(".exchange-my-card")).toContain("read it aloud");
      mocked.saveMyCard.mockResolvedValue({ fileName: "peer-journal-card-2026-03-03-1410.pjcard", folder: FOLDER });
      press("button", "Save my card");
      await settle();
      expect(text("#exchange-card-saved")).toBe(
        `Saved as peer-journal-card-2026-03-03-1410.pjcard in ${FOLDER}. Give this file to the person you exchange with.`,
      );
    });

    test("a card found is added only once the person says its fingerprint matches", async () => {
      folder = [cardFile("kim.pjcard", "Kim", KIM), cardFile("morgan.pjcard", "Morgan", MORGAN, true)];
      await exchange();
      // A card trusted already is not offered again.
      expect(document.querySelectorAll("#exchange-cards-list li")).toHaveLength(1);
      press("button", "Check Kim's card");
      const question = $("#exchange-card-0-question");
      expect(question.textContent).toBe("Does this match the fingerprint Kim gave you, by phone or in person?");
      expect(document.activeElement).toBe(question);
      expect(text("#exchange-card-0-fingerprint")).toBe(KIM);
      expect(text(".exchange-confirm")).toContain("Kim's card, as a supervisor");
      expect(document.querySelector("dialog")).toBeNull();
      mocked.trustCard.mockResolvedValue({ fingerprint: KIM, name: "Kim", role: "supervisor", addedAt: "2026-03-03T14:10:00Z", revokedAt: null });
      roster = [peer("Morgan", MORGAN), peer("Kim", KIM)];
      folder = [cardFile("kim.pjcard", "Kim", KIM, true)];
      press("button", "Yes, it matches — add Kim");
      await settle();
      expect(mocked.trustCard).toHaveBeenCalledWith("kim.pjcard", KIM);
      expect(text("#exchange-cards-status")).toBe("Kim's card is added.");
      expect(document.activeElement?.id).toBe("exchange-cards-status");
      expect(document.querySelector("#exchange-cards-list")).toBeNull();
      // Kim can now be sent to, and is among the people exchanged with.
      expect([...(named("combobox", "Send to") as HTMLSelectElement).options].map((o) => o.textContent)).toEqual(["Morgan (supervisor)", "Kim (supervisor)"]);
      expect(text("#exchange-people-list")).toContain("Kim (supervisor)");
    });

    test("No, don't add it closes the question, adds nothing, and says to ask for a fresh card", async () => {
      folder = [cardFile("kim.pjcard", "Kim", KIM)];
      await exchange();
      press("button", "Check Kim's card");
      press("button", "No, don't add it");
      expect(mocked.trustCard).not.toHaveBeenCalled();
      expect(document.querySelector(".exchange-confirm")).toBeNull();
      expect(document.activeElement).toBe(named("button", "Check Kim's card"));
      expect(text("#exchange-cards-status")).toMatch(/^Kim's card was not added\. .*ask them for a fresh copy of their card/);
    });

    test("a card that changed since it was checked is refused, saying why, in the question", async () => {
      folder = [cardFile("kim.pjcard", "Kim", KIM)];
      await exchange();
      press("button", "Check Kim's card");
      mocked.trustCard.mockRejectedValue({ kind: "invalidInput", message: "the card in that file has changed since you checked it; check it again" });
      press("button", "Yes, it matches — add Kim");
      await settle();
      expect(text("#exchange-card-0-error")).toBe("The card in that file has changed since you checked it; check it again.");
      expect(text("#exchange-cards-status")).toBe("");
    });
  });

  describe("people exchanged with", () => {
    test("each says what their receipts prove, the trusted first; one no longer trusted says since when", async () => {
      roster = [
        peer("Alex", ALEX, { role: "volunteer", revokedAt: "2026-02-01T10:00:00Z" }),
        peer("Morgan", MORGAN, { receivedAt: "2026-03-03T14:10", receivedChanges: 40, waitingChanges: 2, lastSent: "2026-03-04T09:00", lastReceived: "2026-03-03T16:20" }),
      ];
      await exchange();
      const entries = [...document.querySelectorAll("#exchange-people-list > li")];
      expect(entries.map((li) => li.querySelector(".exchange-item-title")?.textContent)).toEqual(["Morgan (supervisor)", "Alex (volunteer)"]);
      expect(text("#exchange-peer-0-received")).toMatch(/^Morgan received your changes up to the file of yours they brought in on /);
      expect(text("#exchange-peer-0-waiting")).toBe("2 changes waiting to go to them, or in a file they have not confirmed yet.");
      expect(text("#exchange-peer-0-last-sent")).toMatch(/^You last wrote a file for them on \w{3} 4 Mar( 2026)? at 09:00\.$/);
      expect(text("#exchange-peer-0-last-received")).toMatch(/^Their last file came in on \w{3} 3 Mar( 2026)? at 16:20\.$/);
      expect(entries[0]?.textContent).toContain(MORGAN);
      expect(text("#exchange-peer-1-revoked")).toMatch(/^No longer trusted since \w{3} 1 Feb/);
      expect(entries[1]?.querySelector("button")).toBeNull();
      // Only the trusted can be sent to.
      expect([...(named("combobox", "Send to") as HTMLSelectElement).options].map((o) => o.textContent)).toEqual(["Morgan (supervisor)"]);
    });

    test("no longer trusting a card asks first, and Keep trusting changes nothing", async () => {
      await exchange();
      press("button", "Stop trusting Morgan's card…");
      const question = $("#exchange-peer-0-question");
      expect(document.activeElement).toBe(question);
      expect(question.textContent).toMatch(/nothing more will be sent to them, and nothing more will be taken from them/);
      press("button", "Keep trusting");
      expect(mocked.revokeCard).not.toHaveBeenCalled();
      expect(document.activeElement).toBe(named("button", "Stop trusting Morgan's card…"));

      press("button", "Stop trusting Morgan's card…");
      mocked.revokeCard.mockResolvedValue({ fingerprint: MORGAN, name: "Morgan", role: "supervisor", addedAt: "2026-03-01T10:00:00Z", revokedAt: "2026-03-05T10:00:00Z" });
      roster = [peer("Morgan", MORGAN, { revokedAt: "2026-03-05T10:00:00Z" })];
      press("button", "Stop trusting Morgan");
      await settle();
      expect(mocked.revokeCard).toHaveBeenCalledWith(MORGAN);
      expect(text("#exchange-people-status")).toBe("You no longer trust Morgan's card. Nothing more will go to them or come in from them.");
      expect(document.activeElement?.id).toBe("exchange-people-status");
      expect(text("#exchange-peer-0-revoked")).toMatch(/^No longer trusted since /);
      // Nobody left to send to.
      expect(text("#exchange-send-nobody")).toBe(EXCHANGE_WORDS.nobodyToSend);
    });
  });

  test("what was kept goes when the journal locks", async () => {
    folder = [bundle("one.pjbundle", "Morgan")];
    await exchange();
    mocked.importFile.mockResolvedValue(summary("Morgan", { kinds: { "supervision-note": { new: 1, updated: 0, conflicts: 0 } } }));
    press("button", "Bring in the file from Morgan");
    await settle();
    expect(text("#exchange-file-0-result")).toMatch(/^Brought in from Morgan/);
    const spies = consoleSpies();
    // Locked, then opened again: nothing of before is said.
    fromOutside(() => {
      shared.value = appState({ journal: "locked", fingerprint: null, name: null, role: null });
    });
    expect(screenName()).toBe("unlock");
    fromOutside(() => {
      shared.value = appState({ fingerprint: MINE });
    });
    folder = [];
    await go({ name: "exchange" });
    expect(document.querySelector("#exchange-file-0-result")).toBeNull();
    expect(text("#exchange-files-empty")).toBe(EXCHANGE_WORDS.noFiles);
    for (const spy of spies) expect(spy).not.toHaveBeenCalled();
  });
});
