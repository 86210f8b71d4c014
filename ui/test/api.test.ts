import { beforeEach, describe, expect, test, vi } from "vitest";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));
vi.mock("@tauri-apps/api/event", () => ({ listen: vi.fn() }));

import { invoke } from "@tauri-apps/api/core";
import { listen } from "@tauri-apps/api/event";
import { api, onFilesDropped, onJobProgress, onJournalLocked } from "../src/api";
import { INTERNAL_MESSAGE } from "../src/errors";

const invokeMock = vi.mocked(invoke);
const state = { journal: "unlocked", name: "Sam", role: "volunteer", idleLockMinutes: 5, journalDir: "/j", erasedAtUnlock: 0, retentionMonths: 12, clockAheadMinutes: null };
const LIMITS = { concerns: 50, flagged: 50, sharedReflections: 50, staleSignposts: 50, quietPeople: 50, longRelationships: 50 };

beforeEach(() => {
  vi.resetAllMocks();
});

describe("commands", () => {
  test.each([
    ["appState", "app_state", undefined, () => api.appState()],
    ["createJournal", "create_journal", { request: { name: "Sam", role: "volunteer", passphrase: "pp" } }, () => api.createJournal({ name: "Sam", role: "volunteer", passphrase: "pp" })],
    ["unlock", "unlock", { passphrase: "pp" }, () => api.unlock("pp")],
    ["unlockWithRecovery", "unlock_with_recovery", { recoveryKey: "AAAA-BBBB", newPassphrase: "new pp" }, () => api.unlockWithRecovery("AAAA-BBBB", "new pp")],
    ["lock", "lock", undefined, () => api.lock()],
    ["touch", "touch", undefined, () => api.touch()],
    ["setIdleLockMinutes", "set_idle_lock_minutes", { minutes: 15 }, () => api.setIdleLockMinutes(15)],
    ["exchangeOverview", "exchange_overview", undefined, () => api.exchangeOverview()],
    ["setExchangeFolder", "set_exchange_folder", { folder: "/media/stick" }, () => api.setExchangeFolder("/media/stick")],
    ["saveMyCard", "save_my_card", undefined, () => api.saveMyCard()],
    ["exchangeFiles", "exchange_files", undefined, () => api.exchangeFiles()],
    ["chooseFiles", "choose_files", undefined, () => api.chooseFiles()],
    ["trustCard", "trust_card", { file: "kim.pjcard", fingerprint: "5DBJ-38B8-KSC6-VE5X" }, () => api.trustCard("kim.pjcard", "5DBJ-38B8-KSC6-VE5X")],
    ["revokeCard", "revoke_card", { fingerprint: "5DBJ-38B8-KSC6-VE5X" }, () => api.revokeCard("5DBJ-38B8-KSC6-VE5X")],
    ["exportTo", "export_to", { to: "7K3M-Q9TX-2B4D-HW8R", full: false }, () => api.exportTo("7K3M-Q9TX-2B4D-HW8R")],
    ["exportTo", "export_to", { to: "7K3M-Q9TX-2B4D-HW8R", full: true }, () => api.exportTo("7K3M-Q9TX-2B4D-HW8R", true)],
    ["importFile", "import_file", { file: "dropped:0" }, () => api.importFile("dropped:0")],
    ["stopJob", "stop_job", undefined, () => api.stopJob()],
    ["volunteers", "volunteers", undefined, () => api.volunteers()],
    [
      "review",
      "review",
      { options: { volunteer: "3ZT0-941R-PER2-DH6T", quietWeeks: 4, longMonths: 12 }, limits: { ...LIMITS, quietPeople: 100 } },
      () => api.review({ volunteer: "3ZT0-941R-PER2-DH6T", quietWeeks: 4, longMonths: 12 }, { ...LIMITS, quietPeople: 100 }),
    ],
    ["report", "report", { since: "2026-01-01", until: "2026-12-03", volunteer: "3ZT0-941R-PER2-DH6T" }, () => api.report("2026-01-01", "2026-12-03", "3ZT0-941R-PER2-DH6T")],
    ["report of everyone, open ends", "report", { since: null, until: null, volunteer: null }, () => api.report(null, null, null)],
    ["saveReport", "save_report", { since: "2026-01-01", until: "2026-12-03" }, () => api.saveReport("2026-01-01", "2026-12-03")],
  ] as const)("%s invokes %s with camelCase arguments", async (_name, command, args, run) => {
    invokeMock.mockResolvedValue(command === "touch" ? null : state);
    await run();
    expect(invokeMock).toHaveBeenCalledTimes(1);
    expect(invokeMock).toHaveBeenCalledWith(command, args);
  });

  test("results come back as the backend sent them", async () => {
    invokeMock.mockResolvedValue({ recoveryKey: "K", state });
    await expect(api.createJournal({ name: "Sam", role: "volunteer", passphrase: "pp" })).resolves.toEqual({ recoveryKey: "K", state });
  });
});

describe("errors", () => {
  test.each([
    ["wrongPassphrase", "That passphrase does not open this journal."],
    ["diskFull", "the disk is full, so this could not be saved and nothing was changed; free some space and try again"],
  ])("a UiError of kind %s passes through unchanged", async (kind, message) => {
    invokeMock.mockRejectedValue({ kind, message });
    await expect(api.unlock("x")).rejects.toEqual({ kind, message });
  });

  test.each([
    ["a bare string", "command unlock not found"],
    ["an Error", new Error("boom")],
    ["an unknown kind", { kind: "exploded", message: "?" }],
    ["a message missing", { kind: "busy" }],
    ["null", null],
  ])("%s becomes kind internal with a plain message", async (_what, rejection) => {
    invokeMock.mockRejectedValue(rejection);
    await expect(api.lock()).rejects.toEqual({ kind: "internal", message: INTERNAL_MESSAGE });
  });
});

describe("onJournalLocked", () => {
  test("listens for journal-locked and calls back on each event", async () => {
    const unlisten = vi.fn();
    vi.mocked(listen).mockResolvedValue(unlisten);
    const callback = vi.fn();
    const stop = await onJournalLocked(callback);
    expect(vi.mocked(listen)).toHaveBeenCalledWith("journal-locked", expect.any(Function));
    const handler = vi.mocked(listen).mock.calls[0]?.[1];
    handler?.({ event: "journal-locked", id: 1, payload: null });
    expect(callback).toHaveBeenCalledTimes(1);
    stop();
    expect(unlisten).toHaveBeenCalledTimes(1);
  });
});

describe("exchange events", () => {
  test("job-progress hands each report on as it came", async () => {
    vi.mocked(listen).mockResolvedValue(vi.fn());
    const callback = vi.fn();
    await onJobProgress(callback);
    expect(vi.mocked(listen)).toHaveBeenCalledWith("job-progress", expect.any(Function));
    const handler = vi.mocked(listen).mock.calls[0]?.[1];
    const report = { job: "import", file: "a.pjbundle", done: 5, total: 10 };
    handler?.({ event: "job-progress", id: 1, payload: report });
    expect(callback).toHaveBeenCalledWith(report);
  });

  test("files-dropped calls back with nothing: the files are asked for by number", async () => {
    vi.mocked(listen).mockResolvedValue(vi.fn());
    const callback = vi.fn();
    await onFilesDropped(callback);
    expect(vi.mocked(listen)).toHaveBeenCalledWith("files-dropped", expect.any(Function));
    vi.mocked(listen).mock.calls[0]?.[1]?.({ event: "files-dropped", id: 1, payload: null });
    expect(callback).toHaveBeenCalledWith();
  });
});
