// The locked journal: open it with the passphrase, or with the recovery key
// and a new passphrase (a second form on the same screen).
import { api } from "../api";
import { appHeader, errorMessage, field, heading, PASSPHRASE_HINT, screenRoot, strengthHint } from "../components";
import { clearInputs, h, markInvalid, setBusy, setMessage } from "../dom";
import { toUiError } from "../errors";
import { formatKey, GROUP_COUNT, GROUP_LENGTH, looksLikeRecoveryKey } from "../recoveryKey";
import { tooEasyMessage } from "../strength";
import type { Nav, Screen, UnlockOptions } from "./screen";

export const UNLOCK_MESSAGES = {
  passphraseMissing: "Please type your passphrase.",
  keyMissing: "Please type your recovery key.",
  keyShape: `A recovery key has ${GROUP_COUNT * GROUP_LENGTH} letters and numbers, in ${GROUP_COUNT} groups of ${GROUP_LENGTH}. Please check it against your paper copy.`,
  newPassphraseMissing: "Please choose a new passphrase.",
  mismatch: "The two new passphrases are not the same yet. Please type them again.",
} as const;

export function unlockScreen(nav: Nav, options: UnlockOptions = {}): Screen {
  const passphrasePanel = buildPassphrasePanel(nav, options);
  const recoveryPanel = buildRecoveryPanel(nav);
  const main = h("div", { class: "panel-slot" }, passphrasePanel.el);
  const el = screenRoot("unlock", appHeader(), main);

  let current = passphrasePanel;
  function switchTo(panel: Panel): void {
    clearInputs(current.el);
    current.reset();
    main.replaceChildren(panel.el);
    current = panel;
    panel.start();
  }
  passphrasePanel.onSwitch(() => switchTo(recoveryPanel));
  recoveryPanel.onSwitch(() => switchTo(passphrasePanel));

  return {
    name: "unlock",
    el,
    title: "Unlock — Peer Journal",
    unlocked: false,
    focus: () => current.start(),
    dispose: () => {
      clearInputs(passphrasePanel.el);
      clearInputs(recoveryPanel.el);
    },
  };
}

interface Panel {
  el: HTMLElement;
  /** Focus where the person begins. */
  start(): void;
  /** Forget messages and invalid marks when the panel is put away. */
  reset(): void;
  /** Wire the link to the other panel. */
  onSwitch(handler: () => void): void;
}

function buildPassphrasePanel(nav: Nav, { note, name }: UnlockOptions): Panel {
  const greeting = name ? `Welcome back, ${name}` : "Welcome back";
  const noteEl = note ? h("p", { id: "unlock-note", class: "note", role: "status" }, note) : null;
  const passphrase = field({
    id: "unlock-passphrase",
    label: "Passphrase",
    input: {
      type: "password",
      autocomplete: "current-password",
      required: true,
      "aria-describedby": noteEl ? "unlock-note" : undefined,
    },
  });
  const error = errorMessage("unlock-error");
  const submit = h("button", { id: "unlock-submit", type: "submit", class: "button button-primary" }, "Unlock");
  const useRecovery = h(
    "button",
    { id: "unlock-use-recovery", type: "button", class: "button button-link" },
    "Forgotten your passphrase? Use your recovery key",
  );
  const form = h(
    "form",
    { class: "form", novalidate: true, "aria-label": "Unlock with your passphrase" },
    passphrase.wrapper,
    error,
    h("div", { class: "actions" }, submit),
  );
  const el = h(
    "section",
    { class: "panel" },
    h(
      "div",
      { class: "intro" },
      heading("h1", greeting),
      noteEl,
      h("p", {}, noteEl ? "Your passphrase opens it again." : "Your journal is locked. Your passphrase opens it."),
    ),
    form,
    h("p", { class: "aside" }, useRecovery),
  );

  let busy = false;
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (busy) return;
    const value = passphrase.input.value;
    if (value === "") {
      markInvalid(passphrase.input, true);
      setMessage(error, UNLOCK_MESSAGES.passphraseMissing);
      passphrase.input.focus();
      return;
    }
    busy = true;
    const restore = setBusy(submit, "Unlocking…");
    api.unlock(value).then(
      (state) => nav.home(state),
      (reason: unknown) => {
        busy = false;
        restore();
        passphrase.input.value = "";
        markInvalid(passphrase.input, true);
        setMessage(error, toUiError(reason).message);
        passphrase.input.focus();
      },
    );
  });

  return {
    el,
    start: () => passphrase.input.focus(),
    reset: () => {
      setMessage(error, "");
      markInvalid(passphrase.input, false);
    },
    onSwitch: (handler) => useRecovery.addEventListener("click", handler),
  };
}

function buildRecoveryPanel(nav: Nav): Panel {
  const key = field({
    id: "recover-key",
    label: "Recovery key",
    hint: `${GROUP_COUNT} groups of ${GROUP_LENGTH} letters and numbers. Capitals, spaces and dashes do not matter.`,
    input: {
      autocomplete: "off",
      autocapitalize: "characters",
      spellcheck: "false",
      required: true,
      class: "input-key",
    },
  });
  const passphrase = field({
    id: "recover-passphrase",
    label: "New passphrase",
    hint: PASSPHRASE_HINT,
    input: { type: "password", autocomplete: "new-password", required: true },
  });
  const strength = strengthHint("recover-strength");
  const again = field({
    id: "recover-passphrase-again",
    label: "Type the new passphrase again",
    input: { type: "password", autocomplete: "new-password", required: true },
  });
  const error = errorMessage("recover-error");
  const submit = h("button", { id: "recover-submit", type: "submit", class: "button button-primary" }, "Open my journal");
  const back = h(
    "button",
    { id: "unlock-use-passphrase", type: "button", class: "button button-link" },
    "I remember my passphrase",
  );
  const form = h(
    "form",
    { class: "form", novalidate: true, "aria-label": "Open with your recovery key" },
    key.wrapper,
    passphrase.wrapper,
    strength.el,
    again.wrapper,
    error,
    h("div", { class: "actions" }, submit),
  );
  const el = h(
    "section",
    { class: "panel" },
    h(
      "div",
      { class: "intro" },
      heading("h1", "Use your recovery key"),
      h(
        "p",
        {},
        "Your recovery key is the one you wrote down when you set up the journal. " +
          "With it you can open the journal and choose a new passphrase.",
      ),
    ),
    form,
    h("p", { class: "aside" }, back),
  );

  passphrase.input.addEventListener("input", () => strength.update(passphrase.input.value));

  const inputs = { key: key.input, passphrase: passphrase.input, again: again.input };
  function problemWith(): { field: keyof typeof inputs; message: string } | null {
    const typedKey = key.input.value;
    if (typedKey.trim() === "") return { field: "key", message: UNLOCK_MESSAGES.keyMissing };
    if (!looksLikeRecoveryKey(typedKey)) return { field: "key", message: UNLOCK_MESSAGES.keyShape };
    if (passphrase.input.value === "") return { field: "passphrase", message: UNLOCK_MESSAGES.newPassphraseMissing };
    if (passphrase.input.value !== again.input.value) return { field: "again", message: UNLOCK_MESSAGES.mismatch };
    return null;
  }

  let busy = false;
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (busy) return;
    const problem = problemWith();
    for (const [name, input] of Object.entries(inputs)) markInvalid(input, name === problem?.field);
    if (problem !== null) {
      setMessage(error, problem.message);
      inputs[problem.field].focus();
      return;
    }
    setMessage(error, "");
    busy = true;
    const restore = setBusy(submit, "Opening…");
    const refused = (message: string, culprit: HTMLElement): void => {
      busy = false;
      restore();
      setMessage(error, message);
      markInvalid(culprit, culprit !== submit);
      culprit.focus();
    };
    api.passphraseStrength(passphrase.input.value, null).then(
      (judged) => {
        if (!judged.acceptable) {
          refused(tooEasyMessage(judged), passphrase.input);
          return;
        }
        api.unlockWithRecovery(formatKey(key.input.value), passphrase.input.value).then(
          (state) => nav.home(state),
          (reason: unknown) => {
            const uiError = toUiError(reason);
            const culprit =
              uiError.kind === "badRecoveryKey" ? key.input : uiError.kind === "invalidInput" ? passphrase.input : submit;
            refused(uiError.message, culprit);
          },
        );
      },
      (reason: unknown) => refused(toUiError(reason).message, submit),
    );
  });

  return {
    el,
    start: () => key.input.focus(),
    reset: () => {
      setMessage(error, "");
      for (const input of Object.values(inputs)) markInvalid(input, false);
      strength.update("");
    },
    onSwitch: (handler) => back.addEventListener("click", handler),
  };
}
