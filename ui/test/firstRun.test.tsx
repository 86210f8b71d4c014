// The other ways to start: the demo journal of made-up people (marked DEMO
// on every screen, left with one press, opened again after the idle lock)
// and restoring a journal from a backup. Only api.ts is mocked.
import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";

vi.mock("../src/api", () => ({
  api: {
    appState: vi.fn(),
    touch: vi.fn(),
    lock: vi.fn(),
    openDemo: vi.fn(),
    leaveDemo: vi.fn(),
    findBackups: vi.fn(),
    restoreBackup: vi.fn(),
    passphraseStrength: vi.fn(),
    listRecords: vi.fn(),
    dueRecords: vi.fn(),
    needingAttention: vi.fn(),
    unreadRecords: vi.fn(),
  },
  onJournalLocked: vi.fn(),
  onJobProgress: vi.fn(async () => () => undefined),
  onFilesDropped: vi.fn(async () => () => undefined),
}));

import { api, onJournalLocked } from "../src/api";
import { startApp, type AppHandle } from "../src/app";
import type { AppState } from "../src/bindings/AppState";
import { RESTORE_MESSAGES } from "../src/screens/Restore";
import { $, appState, click, input, KEY, screenName, settle, type } from "./helpers";

const mocked = vi.mocked(api);
let app: AppHandle | null = null;

async function start(state: AppState): Promise<void> {
  mocked.appState.mockResolvedValue(state);
  const root = document.createElement("div");
  document.body.replaceChildren(root);
  app = await startApp(root, new EventTarget());
  await settle();
}

function button(name: string): HTMLButtonElement {
  const found = [...document.querySelectorAll("button")].find((b) => b.textContent?.trim() === name);
  if (found === undefined) throw new Error(`no button named ${name}`);
  return found;
}

beforeEach(() => {
  vi.resetAllMocks();
  vi.mocked(onJournalLocked).mockResolvedValue(() => undefined);
  mocked.touch.mockResolvedValue(undefined);
  mocked.listRecords.mockResolvedValue([]);
  mocked.dueRecords.mockResolvedValue([]);
  mocked.needingAttention.mockResolvedValue([]);
  mocked.unreadRecords.mockResolvedValue([]);
  mocked.passphraseStrength.mockResolvedValue({ score: 4, acceptable: true, warning: null, suggestions: [] });
});

afterEach(() => {
  app?.stop();
  app = null;
  document.body.replaceChildren();
});

describe("the demo journal", () => {
  test("opens from the first run, says DEMO on every screen, and is left with one press", async () => {
    await start(appState({ journal: "missing", name: null, role: null }));
    mocked.openDemo.mockResolvedValue(appState({ demo: true }));
    button("Try it with made-up people").click();
    await settle();
    expect(mocked.openDemo).toHaveBeenCalled();
    expect(screenName()).toBe("today");
    expect($("[aria-label='Demo journal']").textContent).toMatch(/DEMO.*made up/);

    mocked.leaveDemo.mockResolvedValue(appState({ journal: "locked", name: null, demo: false }));
    button("Leave the demo").click();
    await settle();
    expect(screenName()).toBe("unlock");
    expect(document.querySelector("[aria-label='Demo journal']")).toBeNull();
  });

  test("locked by the idle timer, the demo opens again without a passphrase", async () => {
    await start(appState({ journal: "locked", name: null, demo: true }));
    expect(screenName()).toBe("unlock");
    expect(document.querySelector("input[type=password]")).toBeNull();
    mocked.openDemo.mockResolvedValue(appState({ demo: true }));
    button("Open the demo again").click();
    await settle();
    expect(screenName()).toBe("today");
  });
});

describe("restoring from a backup", () => {
  const found = { path: "/media/sam/USB/peer-journal-backup-2026-11-30.pjbackup", name: "peer-journal-backup-2026-11-30.pjbackup", modified: "2026-11-30T18:02", bytes: 512_000 };

  async function openRestore(): Promise<void> {
    await start(appState({ journal: "missing", name: null, role: null }));
    mocked.findBackups.mockResolvedValue([found]);
    button("Restore from a backup").click();
    await settle();
    expect(screenName()).toBe("restore");
  }

  test("offers the backups found, and opens the journal restored with the key and a new passphrase", async () => {
    await openRestore();
    const choice = input(`input[type=radio][value="${found.path}"]`);
    expect(choice.checked).toBe(true);
    type("#restore-key", KEY.toLowerCase().replace(/-/g, " "));
    type("#restore-passphrase", "a long new passphrase");
    type("#restore-passphrase-again", "a long new passphrase");
    mocked.restoreBackup.mockResolvedValue(appState());
    click("#restore-submit");
    await settle();
    expect(mocked.restoreBackup).toHaveBeenCalledWith(found.path, KEY, "a long new passphrase");
    expect(screenName()).toBe("today");
  });

  test("a wrong key is said beside the key, and nothing typed is lost", async () => {
    await openRestore();
    type("#restore-key", KEY);
    type("#restore-passphrase", "a long new passphrase");
    type("#restore-passphrase-again", "a long new passphrase");
    mocked.restoreBackup.mockRejectedValue({ kind: "badRecoveryKey", message: "that recovery key does not unlock this journal" });
    click("#restore-submit");
    await settle();
    expect($("#restore-key-error").textContent).toMatch(/does not unlock/);
    expect(input("#restore-passphrase").value).toBe("a long new passphrase");
  });

  test("with no backup found, asks where it is", async () => {
    await start(appState({ journal: "missing", name: null, role: null }));
    mocked.findBackups.mockResolvedValue([]);
    button("Restore from a backup").click();
    await settle();
    expect(input("input[type=radio][value=other]").checked).toBe(true);
    click("#restore-submit");
    await settle();
    expect($("#restore-path-error").textContent).toBe(RESTORE_MESSAGES.fileMissing);
    expect(mocked.restoreBackup).not.toHaveBeenCalled();
  });
});
