import { act } from "preact/test-utils";
import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";

vi.mock("../src/api", () => ({
  api: {
    appState: vi.fn(),
    createJournal: vi.fn(),
    unlock: vi.fn(),
    unlockWithRecovery: vi.fn(),
    lock: vi.fn(),
    touch: vi.fn(),
    setIdleLockMinutes: vi.fn(),
    passphraseStrength: vi.fn(),
    listRecords: vi.fn(),
    dueRecords: vi.fn(),
    needingAttention: vi.fn(),
    unreadRecords: vi.fn(),
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
import type { Created } from "../src/bindings/Created";
import type { PassphraseStrength } from "../src/bindings/PassphraseStrength";
import { TOUCH_INTERVAL_MS } from "../src/activity";
import { RECOVERY_MESSAGES } from "../src/screens/Recovery";
import { SETUP_MESSAGES } from "../src/screens/Setup";
import { UNLOCK_MESSAGES } from "../src/screens/Unlock";
import { TODAY_WORDS } from "../src/screens/Today";
import { appState as sharedState } from "../src/state";
import { tooEasyMessage } from "../src/strength";
import { $, appState, click, consoleSpies, deferred, expectCspClean, fieldError, fromOutside, input, KEY, press, screenName, settle, type, emptyReview } from "./helpers";

const mocked = {
  appState: vi.mocked(api.appState),
  createJournal: vi.mocked(api.createJournal),
  unlock: vi.mocked(api.unlock),
  unlockWithRecovery: vi.mocked(api.unlockWithRecovery),
  lock: vi.mocked(api.lock),
  touch: vi.mocked(api.touch),
  setIdleLockMinutes: vi.mocked(api.setIdleLockMinutes),
  passphraseStrength: vi.mocked(api.passphraseStrength),
  listRecords: vi.mocked(api.listRecords),
  dueRecords: vi.mocked(api.dueRecords),
  needingAttention: vi.mocked(api.needingAttention),
  unreadRecords: vi.mocked(api.unreadRecords),
  review: vi.mocked(api.review),
  volunteers: vi.mocked(api.volunteers),
};

/** Stands in for the core's estimator: "password" and anything under 12 characters are too easy. */
function judged(passphrase: string): PassphraseStrength {
  return passphrase === "password" || passphrase.length < 12
    ? { score: 0, acceptable: false, warning: "This is a very common password.", suggestions: ["Add another word or two. Uncommon words are better."] }
    : { score: 4, acceptable: true, warning: null, suggestions: [] };
}

let app: AppHandle | null = null;
let journalLocked: (() => void) | null = null;
let activity: EventTarget;

async function start(state: AppState): Promise<void> {
  mocked.appState.mockResolvedValue(state);
  const root = document.createElement("div");
  document.body.replaceChildren(root);
  activity = new EventTarget();
  await act(async () => {
    app = await startApp(root, activity);
  });
}

beforeEach(() => {
  vi.resetAllMocks();
  journalLocked = null;
  vi.mocked(onJournalLocked).mockImplementation(async (callback) => {
    journalLocked = callback;
    return () => {
      journalLocked = null;
    };
  });
  mocked.touch.mockResolvedValue(undefined);
  mocked.passphraseStrength.mockImplementation(async (passphrase) => judged(passphrase));
  // An empty journal: Today's lists, the people and the services are empty.
  mocked.listRecords.mockResolvedValue([]);
  mocked.dueRecords.mockResolvedValue([]);
  mocked.needingAttention.mockResolvedValue([]);
  mocked.unreadRecords.mockResolvedValue([]);
  mocked.review.mockResolvedValue(emptyReview());
  mocked.volunteers.mockResolvedValue([]);
});

afterEach(() => {
  app?.stop();
  app = null;
  vi.useRealTimers();
  vi.unstubAllGlobals();
  document.body.replaceChildren();
});

const created: Created = { recoveryKey: KEY, state: appState() };

interface SetupValues {
  name?: string;
  passphrase?: string;
  again?: string;
}

async function fillSetup(values: SetupValues = {}): Promise<void> {
  const { name = "Sam", passphrase = "correct horse battery staple", again = passphrase } = values;
  type("#setup-name", name);
  type("#setup-passphrase", passphrase);
  type("#setup-passphrase-again", again);
  click("#setup-submit");
  await settle();
}

describe("start", () => {
  test.each([
    ["missing", "setup"],
    ["locked", "unlock"],
    ["unlocked", "today"],
  ] as const)("a %s journal opens the %s screen", async (journal, screen) => {
    await start(appState({ journal }));
    expect(screenName()).toBe(screen);
    expectCspClean();
  });

  test("if the backend cannot be reached, says so and can try again", async () => {
    mocked.appState.mockRejectedValueOnce({ kind: "internal", message: "Could not read the journal folder." });
    const root = document.createElement("div");
    document.body.replaceChildren(root);
    await act(async () => {
      app = await startApp(root, new EventTarget());
    });
    expect(screenName()).toBe("problem");
    expect($("#problem-message").textContent).toBe("Could not read the journal folder.");
    mocked.appState.mockResolvedValueOnce(appState({ journal: "missing" }));
    click("#problem-retry");
    await settle();
    expect(screenName()).toBe("setup");
  });
});

describe("setup", () => {
  beforeEach(() => start(appState({ journal: "missing", name: null, role: null })));

  test("says the journal stays on this computer, encrypted, and offers both roles", () => {
    const text = $("[data-screen=setup]").textContent ?? "";
    expect(text).toMatch(/on this computer/);
    expect(text).toMatch(/encrypted/);
    expect(input("input[name=role][value=volunteer]").checked).toBe(true);
    expect(input("input[name=role][value=supervisor]").checked).toBe(false);
    // Every field has a label.
    for (const id of ["setup-name", "setup-passphrase", "setup-passphrase-again"]) {
      expect(document.querySelector(`label[for=${id}]`)?.textContent).not.toBe("");
    }
  });

  test("asks for a name first, without calling the backend", async () => {
    await fillSetup({ name: "   " });
    expect(fieldError("setup-name")).toBe(SETUP_MESSAGES.nameMissing);
    expect($("#setup-error").textContent).toBe("");
    expect(document.activeElement).toBe(input("#setup-name"));
    expect(mocked.createJournal).not.toHaveBeenCalled();
  });

  test("an empty passphrase is asked for before calling the backend", async () => {
    await fillSetup({ passphrase: "" });
    expect(fieldError("setup-passphrase")).toBe(SETUP_MESSAGES.passphraseMissing);
    expect(mocked.passphraseStrength).not.toHaveBeenCalledWith("", expect.anything());
    expect(mocked.createJournal).not.toHaveBeenCalled();
  });

  test("a passphrase the core judges too easy to guess is refused beside its field, with its advice", async () => {
    await fillSetup({ name: "Sam", passphrase: "password" });
    expect(mocked.passphraseStrength).toHaveBeenLastCalledWith("password", "Sam");
    expect(fieldError("setup-passphrase")).toBe(tooEasyMessage(judged("password")));
    expect(fieldError("setup-passphrase")).toMatch(/very common password/);
    expect(document.activeElement).toBe(input("#setup-passphrase"));
    expect(mocked.createJournal).not.toHaveBeenCalled();
    expect($<HTMLButtonElement>("#setup-submit").disabled).toBe(false);
  });

  test("mismatched passphrases do not call createJournal", async () => {
    await fillSetup({ passphrase: "correct horse battery staple", again: "correct horse battery stapler" });
    expect(fieldError("setup-passphrase-again")).toBe(SETUP_MESSAGES.mismatch);
    expect(fieldError("setup-name")).toBe("");
    expect(mocked.createJournal).not.toHaveBeenCalled();
  });

  test("the strength hint shows the core's estimate of what is typed, with the name typed", async () => {
    const hint = $("#setup-strength");
    expect(hint.getAttribute("aria-live")).toBe("polite");
    type("#setup-name", "Sam");
    type("#setup-passphrase", "password");
    await settle();
    expect(mocked.passphraseStrength).toHaveBeenLastCalledWith("password", "Sam");
    expect(hint.textContent).toMatch(/Very weak/);
    expect(hint.textContent).toMatch(/very common password/);
    expect(hint.getAttribute("data-score")).toBe("0");
    type("#setup-passphrase", "correct horse battery staple");
    await settle();
    expect(hint.textContent).toMatch(/Strong/);
    expect(hint.getAttribute("data-score")).toBe("4");
  });

  test("only the latest estimate is shown, however the answers arrive", async () => {
    const slow = deferred<PassphraseStrength>();
    mocked.passphraseStrength.mockReturnValueOnce(slow.promise);
    type("#setup-passphrase", "password");
    type("#setup-passphrase", "correct horse battery staple");
    await settle();
    slow.resolve(judged("password"));
    await settle();
    expect($("#setup-strength").textContent).toMatch(/Strong/);
  });

  test("creates the journal with a busy button, then shows the recovery key", async () => {
    const pending = deferred<Created>();
    mocked.createJournal.mockReturnValue(pending.promise);
    click("input[name=role][value=supervisor]");
    const passphraseField = input("#setup-passphrase");
    await fillSetup({ name: "  Sam  " });

    expect(mocked.createJournal).toHaveBeenCalledWith({ name: "Sam", role: "supervisor", passphrase: "correct horse battery staple" });
    const button = $<HTMLButtonElement>("#setup-submit");
    expect(button.disabled).toBe(true);
    expect(button.getAttribute("aria-busy")).toBe("true");
    click("#setup-submit"); // a second press while busy does nothing
    expect(mocked.createJournal).toHaveBeenCalledTimes(1);

    pending.resolve(created);
    await settle();
    expect(screenName()).toBe("recovery");
    expect($("#recovery-key").textContent).toBe(KEY);
    expect(passphraseField.value).toBe("");
    expectCspClean();
  });

  test("a backend error is shown and the button works again", async () => {
    mocked.createJournal.mockRejectedValue({ kind: "journalExists", message: "There is already a journal in this folder." });
    await fillSetup();
    expect(screenName()).toBe("setup");
    expect($("#setup-error").textContent).toBe("There is already a journal in this folder.");
    expect($("#setup-error").getAttribute("role")).toBe("alert");
    expect($<HTMLButtonElement>("#setup-submit").disabled).toBe(false);
    expect(document.activeElement).toBe($("#setup-submit"));
    // Nothing typed is lost.
    expect(input("#setup-name").value).toBe("Sam");
    expect(input("#setup-passphrase").value).toBe("correct horse battery staple");
    expect(input("#setup-passphrase-again").value).toBe("correct horse battery staple");
  });

  test("no passphrase is kept in storage or written to the console", async () => {
    const spies = consoleSpies();
    mocked.createJournal.mockResolvedValue(created);
    await fillSetup({ passphrase: "lantern moss river teapot" });
    type("#recovery-confirm-input", "MNPQ");
    click("#recovery-confirm-submit");
    expect(screenName()).toBe("today");
    expect(localStorage.length).toBe(0);
    expect(sessionStorage.length).toBe(0);
    expect(location.href).not.toContain("lantern");
    for (const spy of spies) expect(spy).not.toHaveBeenCalled();
  });
});

describe("recovery key", () => {
  beforeEach(async () => {
    mocked.createJournal.mockResolvedValue(created);
    await start(appState({ journal: "missing", name: null, role: null }));
    await fillSetup();
  });

  test("explains why the key matters", () => {
    const text = $("[data-screen=recovery]").textContent ?? "";
    expect(text).toMatch(/paper/);
    expect(text).toMatch(/only way back/);
    expect(text).toMatch(/supervisor/);
  });

  test("a wrong group shows an error and stays", () => {
    type("#recovery-confirm-input", "J9K0");
    click("#recovery-confirm-submit");
    expect(screenName()).toBe("recovery");
    expect(fieldError("recovery-confirm-input")).toBe(RECOVERY_MESSAGES.mismatch);
    expect(document.activeElement).toBe(input("#recovery-confirm-input"));
  });

  test("an empty answer asks for the group", () => {
    click("#recovery-confirm-submit");
    expect(screenName()).toBe("recovery");
    expect(fieldError("recovery-confirm-input")).toBe(RECOVERY_MESSAGES.empty);
  });

  test("the last group, in any case, goes home and takes the key off the page", () => {
    const keyEl = $("#recovery-key");
    type("#recovery-confirm-input", " mnpq ");
    click("#recovery-confirm-submit");
    expect(screenName()).toBe("today");
    expect($("#home-name").textContent).toBe("Sam");
    expect(keyEl.textContent).toBe("");
    expect(document.body.textContent).not.toContain("MNPQ");
  });

  test("offers no copy button without a clipboard", () => {
    expect(document.querySelector("#recovery-copy")).toBeNull();
  });
});

describe("recovery key while it is being copied", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  test("keeps the journal from idle-locking while shown, and stops once left", async () => {
    vi.useFakeTimers({ toFake: ["setInterval", "clearInterval"] });
    mocked.createJournal.mockResolvedValue(created);
    await start(appState({ journal: "missing", name: null, role: null }));
    await fillSetup();
    expect(screenName()).toBe("recovery");
    mocked.touch.mockClear();
    vi.advanceTimersByTime(3 * 60_000);
    expect(mocked.touch).toHaveBeenCalledTimes(3);
    type("#recovery-confirm-input", "MNPQ");
    click("#recovery-confirm-submit");
    expect(screenName()).toBe("today");
    mocked.touch.mockClear();
    vi.advanceTimersByTime(5 * 60_000);
    expect(mocked.touch).not.toHaveBeenCalled();
  });
});

describe("recovery key with a clipboard", () => {
  test("copies the key", async () => {
    const writeText = vi.fn().mockResolvedValue(undefined);
    vi.stubGlobal("navigator", { ...navigator, clipboard: { writeText } });
    mocked.createJournal.mockResolvedValue(created);
    await start(appState({ journal: "missing" }));
    await fillSetup();
    click("#recovery-copy");
    await settle();
    expect(writeText).toHaveBeenCalledWith(KEY);
    expect($("#recovery-copy-status").textContent).toMatch(/Copied/);
  });
});

describe("unlock", () => {
  beforeEach(() => start(appState({ journal: "locked", name: null, role: null })));

  test("starts in the passphrase field", () => {
    expect(document.activeElement).toBe(input("#unlock-passphrase"));
  });

  test("an empty passphrase is not sent", () => {
    click("#unlock-submit");
    expect(fieldError("unlock-passphrase")).toBe(UNLOCK_MESSAGES.passphraseMissing);
    expect(mocked.unlock).not.toHaveBeenCalled();
  });

  test("a failure shows the error's message, clears the field and keeps focus", async () => {
    const pending = deferred<AppState>();
    mocked.unlock.mockReturnValue(pending.promise);
    type("#unlock-passphrase", "not my passphrase");
    click("#unlock-submit");
    expect(mocked.unlock).toHaveBeenCalledWith("not my passphrase");
    expect($<HTMLButtonElement>("#unlock-submit").disabled).toBe(true);

    pending.reject({ kind: "wrongPassphrase", message: "That passphrase does not open this journal. Please try again." });
    await settle();
    expect(screenName()).toBe("unlock");
    expect($("#unlock-error").textContent).toBe("That passphrase does not open this journal. Please try again.");
    expect(input("#unlock-passphrase").value).toBe("");
    expect(document.activeElement).toBe(input("#unlock-passphrase"));
    expect($<HTMLButtonElement>("#unlock-submit").disabled).toBe(false);
  });

  test("the right passphrase opens home", async () => {
    mocked.unlock.mockResolvedValue(appState({ name: "Robin" }));
    type("#unlock-passphrase", "correct horse battery staple");
    click("#unlock-submit");
    await settle();
    expect(screenName()).toBe("today");
    expect($("#home-name").textContent).toBe("Robin");
  });

  test("switches to the recovery form and back on the same screen", () => {
    type("#unlock-passphrase", "half typed");
    click("#unlock-use-recovery");
    expect(screenName()).toBe("unlock");
    expect(document.querySelector("#unlock-passphrase")).toBeNull();
    expect(document.activeElement).toBe(input("#recover-key"));
    expectCspClean();
    click("#unlock-use-passphrase");
    expect(input("#unlock-passphrase").value).toBe("");
    expect(document.activeElement).toBe(input("#unlock-passphrase"));
  });

  describe("with the recovery key", () => {
    beforeEach(() => click("#unlock-use-recovery"));

    function fillRecover(values: { key?: string; passphrase?: string; again?: string } = {}): void {
      const { key = KEY, passphrase = "new lantern moss river", again = passphrase } = values;
      type("#recover-key", key);
      type("#recover-passphrase", passphrase);
      type("#recover-passphrase-again", again);
      click("#recover-submit");
    }

    test.each([
      ["no key", { key: "" }, "recover-key", UNLOCK_MESSAGES.keyMissing],
      ["a key of the wrong shape", { key: "7K3M-Q9TX" }, "recover-key", UNLOCK_MESSAGES.keyShape],
      ["no new passphrase", { passphrase: "" }, "recover-passphrase", UNLOCK_MESSAGES.newPassphraseMissing],
      ["mismatched passphrases", { again: "something else entirely" }, "recover-passphrase-again", UNLOCK_MESSAGES.mismatch],
    ])("%s is caught beside its field before calling the backend", (_what, values, field, message) => {
      fillRecover(values);
      expect(fieldError(field)).toBe(message);
      expect(document.activeElement).toBe(input(`#${field}`));
      expect(mocked.unlockWithRecovery).not.toHaveBeenCalled();
    });

    test("sends the key in its written form and opens home", async () => {
      mocked.unlockWithRecovery.mockResolvedValue(appState());
      fillRecover({ key: "7k3m q9tx a1b2 c3d4 e5f6 g7h8 j9k0 mnpq" });
      await settle();
      expect(mocked.unlockWithRecovery).toHaveBeenCalledWith(KEY, "new lantern moss river");
      expect(screenName()).toBe("today");
    });

    test("a refused key shows the message and returns to the key field", async () => {
      mocked.unlockWithRecovery.mockRejectedValue({ kind: "badRecoveryKey", message: "That recovery key does not open this journal." });
      fillRecover();
      await settle();
      expect(screenName()).toBe("unlock");
      expect(fieldError("recover-key")).toBe("That recovery key does not open this journal.");
      expect(document.activeElement).toBe(input("#recover-key"));
      expect(input("#recover-passphrase").value).toBe("new lantern moss river");
    });

    test("shows a strength hint for the new passphrase", async () => {
      type("#recover-passphrase", "correct horse battery staple");
      await settle();
      expect($("#recover-strength").textContent).toMatch(/Strong/);
    });

    test("a new passphrase the core judges too easy to guess is refused before the key is tried", async () => {
      fillRecover({ passphrase: "password" });
      await settle();
      expect(fieldError("recover-passphrase")).toBe(tooEasyMessage(judged("password")));
      expect(document.activeElement).toBe(input("#recover-passphrase"));
      expect(mocked.unlockWithRecovery).not.toHaveBeenCalled();
    });
  });
});

describe("today", () => {
  test("says once, plainly, what retention erased at unlock", async () => {
    await start(appState({ erasedAtUnlock: 2, retentionMonths: 12 }));
    expect($("#home-retention-note").textContent).toBe(
      "2 relationships that ended more than 12 months ago were erased from your journal when you unlocked it, as your journal keeps records for that long after an ending.",
    );
  });

  test("says when the journal's clock is well ahead of the computer's", async () => {
    await start(appState({ clockAheadMinutes: 3 * 24 * 60 + 5 }));
    expect($("#home-clock-note").textContent).toContain("Your journal's clock is 3 days ahead of this computer's");
    await start(appState({ clockAheadMinutes: null }));
    expect(document.querySelector("#home-clock-note")).toBeNull();
  });

  test("shows no retention note when nothing was erased", async () => {
    await start(appState({ erasedAtUnlock: 0 }));
    expect(document.querySelector("#home-retention-note")).toBeNull();
  });

  test("greets by name, shows the role, and offers Log a contact; settings are elsewhere", async () => {
    await start(appState({ name: "Sam", role: "volunteer", idleLockMinutes: 10 }));
    expect($("#home-name").textContent).toBe("Sam");
    expect($("[data-screen=today]").textContent).toMatch(/Volunteer journal/);
    expect($("#today-log-contact").textContent).toBe("Log a contact");
    expect(document.querySelector("#idle-minutes")).toBeNull();
    expect($("#lock-button").closest("header")).not.toBeNull();
    expectCspClean();
  });

  test("an empty journal says what will show, and where it comes from", async () => {
    await start(appState());
    await settle();
    expect($("#today-due").textContent).toContain(TODAY_WORDS.nothingDue);
    expect($("#today-unread").textContent).toContain(TODAY_WORDS.nothingNew);
    // No concerns: no section for them.
    expect(document.querySelector("#today-concerns")).toBeNull();
  });

  test("a supervisor's journal is greeted as one, with no Log a contact", async () => {
    await start(appState({ role: "supervisor" }));
    // A supervisor's journal opens on Review; Today is in the main navigation.
    expect(screenName()).toBe("review");
    const today = [...document.querySelectorAll<HTMLButtonElement>(".main-nav li button")].find((b) => b.textContent === "Today");
    void act(() => today?.click());
    expect($("[data-screen=today]").textContent).toMatch(/Supervisor journal/);
    expect(document.querySelector("#today-log-contact")).toBeNull();
  });

  test("the Lock button locks and shows the unlock screen", async () => {
    await start(appState());
    mocked.lock.mockResolvedValue(appState({ journal: "locked", name: null }));
    click("#lock-button");
    await settle();
    expect(mocked.lock).toHaveBeenCalledTimes(1);
    expect(screenName()).toBe("unlock");
    expect(document.querySelector("#unlock-note")).toBeNull();
  });
});

describe("locking by itself", () => {
  test("journal-locked on home shows unlock with a gentle note", async () => {
    await start(appState({ idleLockMinutes: 5 }));
    expect(journalLocked).not.toBeNull();
    journalLocked?.();
    expect(screenName()).toBe("unlock");
    expect($("#unlock-note").textContent).toMatch(/locked itself after 5 minutes without use/);
    expect(document.querySelector("#home-name")).toBeNull();
    expect(document.activeElement).toBe(input("#unlock-passphrase"));
  });

  test("the note uses the idle time last saved", async () => {
    await start(appState({ idleLockMinutes: 5 }));
    // As Settings does once the backend has saved a new time.
    fromOutside(() => {
      sharedState.value = appState({ idleLockMinutes: 2 });
    });
    journalLocked?.();
    expect($("#unlock-note").textContent).toMatch(/2 minutes/);
  });

  test("journal-locked on the recovery screen drops the key", async () => {
    mocked.createJournal.mockResolvedValue(created);
    await start(appState({ journal: "missing" }));
    await fillSetup();
    journalLocked?.();
    expect(screenName()).toBe("unlock");
    expect(document.body.textContent).not.toContain(KEY);
  });

  test("journal-locked while setting up changes nothing", async () => {
    await start(appState({ journal: "missing" }));
    type("#setup-name", "Sam");
    journalLocked?.();
    expect(screenName()).toBe("setup");
    expect(input("#setup-name").value).toBe("Sam");
  });

  test("activity while open pings touch at most once per 20 s, and stops once locked", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(0);
    await start(appState());
    activity.dispatchEvent(new Event("keydown"));
    expect(mocked.touch).not.toHaveBeenCalled();
    vi.setSystemTime(TOUCH_INTERVAL_MS);
    activity.dispatchEvent(new Event("pointermove"));
    activity.dispatchEvent(new Event("keydown"));
    expect(mocked.touch).toHaveBeenCalledTimes(1);

    journalLocked?.();
    vi.setSystemTime(TOUCH_INTERVAL_MS * 5);
    activity.dispatchEvent(new Event("keydown"));
    expect(mocked.touch).toHaveBeenCalledTimes(1);
  });

  test("a touch refused because the journal is locked shows unlock", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(0);
    mocked.touch.mockRejectedValue({ kind: "locked", message: "The journal is locked." });
    await start(appState());
    vi.setSystemTime(TOUCH_INTERVAL_MS);
    activity.dispatchEvent(new Event("wheel"));
    await settle();
    expect(screenName()).toBe("unlock");
  });
});

describe("going back", () => {
  test("there is no Back where there is nowhere to go back to", async () => {
    await start(appState({ journal: "locked", name: null, role: null }));
    expect(document.querySelector("#back-button")).toBeNull();
    await start(appState());
    expect(document.querySelector("#back-button")).toBeNull();
  });

  test("from the recovery-key form, a labelled Back in the header returns to the passphrase", async () => {
    await start(appState({ journal: "locked", name: null, role: null }));
    click("#unlock-use-recovery");
    const back = $<HTMLButtonElement>("#back-button");
    expect(back.closest("header")).not.toBeNull();
    expect(back.textContent?.trim()).toMatch(/^(←\s*)?Back$/);
    expect(back.getAttribute("aria-keyshortcuts")).toBe("Alt+ArrowLeft");
    type("#recover-key", "7K3M");
    click("#back-button");
    expect(screenName()).toBe("unlock");
    expect(document.querySelector("#recover-key")).toBeNull();
    expect(document.activeElement).toBe(input("#unlock-passphrase"));
    expect(document.querySelector("#back-button")).toBeNull();
  });

  test("Alt+Left goes back too, even from inside a field", async () => {
    await start(appState({ journal: "locked", name: null, role: null }));
    click("#unlock-use-recovery");
    expect(document.activeElement).toBe(input("#recover-key"));
    press("ArrowLeft", { altKey: true });
    expect(document.querySelector("#recover-key")).toBeNull();
    expect(document.activeElement).toBe(input("#unlock-passphrase"));
    // With nowhere to go, it does nothing.
    press("ArrowLeft", { altKey: true });
    expect(screenName()).toBe("unlock");
  });

  test("Left alone, or with other keys, is not Back", async () => {
    await start(appState({ journal: "locked", name: null, role: null }));
    click("#unlock-use-recovery");
    press("ArrowLeft");
    press("ArrowLeft", { altKey: true, ctrlKey: true });
    expect(document.querySelector("#recover-key")).not.toBeNull();
  });

  test("going back after the idle lock still says why the journal locked", async () => {
    await start(appState({ idleLockMinutes: 5 }));
    journalLocked?.();
    click("#unlock-use-recovery");
    expect(document.querySelector("#unlock-note")).toBeNull();
    click("#back-button");
    expect($("#unlock-note").textContent).toMatch(/5 minutes/);
  });

  test("once the journal opens, there is no Back to the locked screens", async () => {
    await start(appState({ journal: "locked", name: null, role: null }));
    click("#unlock-use-recovery");
    mocked.unlockWithRecovery.mockResolvedValue(appState());
    type("#recover-key", KEY);
    type("#recover-passphrase", "new lantern moss river");
    type("#recover-passphrase-again", "new lantern moss river");
    click("#recover-submit");
    await settle();
    expect(screenName()).toBe("today");
    expect(document.querySelector("#back-button")).toBeNull();
    press("ArrowLeft", { altKey: true });
    expect(screenName()).toBe("today");
  });

  test("after the recovery key, Back never shows it again", async () => {
    mocked.createJournal.mockResolvedValue(created);
    await start(appState({ journal: "missing", name: null, role: null }));
    await fillSetup();
    type("#recovery-confirm-input", "MNPQ");
    click("#recovery-confirm-submit");
    expect(screenName()).toBe("today");
    expect(document.querySelector("#back-button")).toBeNull();
    press("ArrowLeft", { altKey: true });
    expect(screenName()).toBe("today");
    expect(document.body.textContent).not.toContain(KEY);
  });
});

describe("the frame", () => {
  test.each([
    ["missing", "Set up — Peer Journal"],
    ["locked", "Unlock — Peer Journal"],
    ["unlocked", "Today — Peer Journal"],
  ] as const)("a %s journal's screen names the window %s", async (journal, title) => {
    await start(appState({ journal }));
    expect(document.title).toBe(title);
  });

  test("every screen has one header, one main and one h1", async () => {
    for (const journal of ["missing", "locked", "unlocked"] as const) {
      await start(appState({ journal }));
      expect(document.querySelectorAll("header")).toHaveLength(1);
      expect(document.querySelectorAll("main")).toHaveLength(1);
      expect(document.querySelectorAll("h1")).toHaveLength(1);
    }
  });

  test("every button, field and select has a name", async () => {
    mocked.createJournal.mockResolvedValue(created);
    const check = (): void => {
      for (const el of document.querySelectorAll<HTMLElement>("button, input, select")) {
        const labelled =
          (el instanceof HTMLButtonElement && (el.textContent ?? "").trim() !== "") ||
          (el.id !== "" && (document.querySelector(`label[for="${el.id}"]`)?.textContent ?? "").trim() !== "") ||
          el.hasAttribute("aria-label");
        expect(labelled, `${el.outerHTML} has no accessible name`).toBe(true);
      }
    };
    await start(appState({ journal: "missing", name: null, role: null }));
    check();
    await fillSetup();
    check();
    await start(appState({ journal: "locked", name: null, role: null }));
    check();
    click("#unlock-use-recovery");
    check();
    await start(appState());
    check();
  });

  test("a failed Lock says why and stays open", async () => {
    await start(appState());
    mocked.lock.mockRejectedValue({ kind: "busy", message: "The journal is busy. Please try again in a moment." });
    click("#lock-button");
    await settle();
    expect(screenName()).toBe("today");
    expect($("#lock-error").textContent).toBe("The journal is busy. Please try again in a moment.");
    expect($("#lock-error").getAttribute("role")).toBe("alert");
  });

  test("Lock refused because the journal already locked shows the unlock screen", async () => {
    await start(appState());
    mocked.lock.mockRejectedValue({ kind: "locked", message: "The journal is locked." });
    click("#lock-button");
    await settle();
    expect(screenName()).toBe("unlock");
  });
});
