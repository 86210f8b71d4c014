// Shown once, right after set-up: the recovery key, why it matters, and a
// check that the person has written it down.
import { api } from "../api";
import type { Created } from "../bindings/Created";
import { appHeader, errorMessage, field, heading, screenRoot, statusMessage } from "../components";
import { clearInputs, h, markInvalid, setMessage } from "../dom";
import { GROUP_LENGTH, matchesLastGroup } from "../recoveryKey";
import type { Nav, Screen } from "./screen";

export const RECOVERY_MESSAGES = {
  empty: `Please type the last group of ${GROUP_LENGTH} characters from your copy.`,
  mismatch: "That is not the last group of the key. Please compare your copy with the key above, character by character.",
} as const;

/** How often the recovery screen tells the backend the journal is in use. */
export const KEEP_AWAKE_MS = 60_000;

export function recoveryScreen(nav: Nav, created: Created): Screen {
  const state = created.state;
  let key = created.recoveryKey;
  const title = heading("h1", "Your recovery key");
  const keyEl = h("p", { id: "recovery-key", class: "recovery-key", translate: "no" }, key);

  const copyStatus = statusMessage("recovery-copy-status");
  const clipboard = typeof navigator !== "undefined" ? navigator.clipboard : undefined;
  let copyButton: HTMLButtonElement | null = null;
  if (clipboard !== undefined && typeof clipboard.writeText === "function") {
    const button = h("button", { id: "recovery-copy", type: "button", class: "button button-quiet" }, "Copy the key");
    button.addEventListener("click", () => {
      clipboard.writeText(key).then(
        () => setMessage(copyStatus, "Copied. Paper is still the safest place to keep it."),
        () => setMessage(copyStatus, "Copying did not work here. Please write the key down by hand."),
      );
    });
    copyButton = button;
  }

  const confirm = field({
    id: "recovery-confirm-input",
    label: "The last group of your key, from what you wrote down",
    hint: `The ${GROUP_LENGTH} characters after the last dash.`,
    input: { autocomplete: "off", autocapitalize: "characters", spellcheck: "false", maxlength: 12, class: "input-key" },
  });
  const error = errorMessage("recovery-error");
  const submit = h("button", { id: "recovery-confirm-submit", type: "submit", class: "button button-primary" }, "I have written it down");
  const form = h(
    "form",
    { class: "form", novalidate: true, "aria-labelledby": "recovery-check-title" },
    h("h2", { id: "recovery-check-title" }, "Check your copy"),
    confirm.wrapper,
    error,
    h("div", { class: "actions" }, submit),
  );

  const el = screenRoot(
    "recovery",
    appHeader(),
    h(
      "section",
      { class: "intro" },
      title,
      h(
        "p",
        { class: "lead" },
        "If you ever forget your passphrase, this key is the only way back into your journal.",
      ),
    ),
    h(
      "section",
      { class: "card key-card", "aria-labelledby": "recovery-key-label" },
      h("p", { id: "recovery-key-label", class: "key-label" }, "Recovery key"),
      keyEl,
      copyButton === null ? null : h("div", { class: "actions actions-inline" }, copyButton, copyStatus),
    ),
    h(
      "ul",
      { class: "key-points" },
      h("li", {}, "Write it down on paper now, and keep it somewhere safe, away from this laptop."),
      h(
        "li",
        {},
        "Nobody else can open your journal without it: not your supervisor, and not the people who make Peer Journal.",
      ),
      h("li", {}, "It is shown only this once."),
    ),
    form,
  );

  // The key is shown only once, and copying it by hand can take a while
  // without a key press: keep the idle lock from taking it away meanwhile.
  const keepAwake = setInterval(() => {
    api.touch().catch(() => undefined);
  }, KEEP_AWAKE_MS);

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const typed = confirm.input.value;
    const problem = typed.trim() === "" ? RECOVERY_MESSAGES.empty : matchesLastGroup(key, typed) ? null : RECOVERY_MESSAGES.mismatch;
    markInvalid(confirm.input, problem !== null);
    if (problem !== null) {
      setMessage(error, problem);
      confirm.input.focus();
      return;
    }
    nav.home(state);
  });

  return {
    name: "recovery",
    el,
    title: "Your recovery key — Peer Journal",
    unlocked: true,
    focus: () => title.focus(),
    dispose: () => {
      clearInterval(keepAwake);
      // The key is never shown again: take it off the page and drop our copy.
      keyEl.textContent = "";
      key = "";
      clearInputs(el);
    },
  };
}
