// First run: say what the app is, then create the journal (name, role, passphrase).
import { api } from "../api";
import type { Role } from "../bindings/Role";
import { appHeader, errorMessage, field, heading, PASSPHRASE_HINT, screenRoot, strengthHint } from "../components";
import { clearInputs, h, markInvalid, setBusy, setMessage } from "../dom";
import { toUiError } from "../errors";
import { tooEasyMessage } from "../strength";
import type { Nav, Screen } from "./screen";

export const SETUP_MESSAGES = {
  nameMissing: "Please add your name. A first name is fine.",
  passphraseMissing: "Please choose a passphrase.",
  mismatch: "The two passphrases are not the same yet. Please type them again.",
} as const;

const ROLES: { value: Role; label: string; explanation: string }[] = [
  {
    value: "volunteer",
    label: "Volunteer",
    explanation: "I offer peer support and keep a journal of my contacts.",
  },
  {
    value: "supervisor",
    label: "Supervisor",
    explanation: "I support volunteers and review the journals they share with me.",
  },
];

export interface SetupInput {
  name: string;
  passphrase: string;
  again: string;
}

/** The first problem with the form, and which field it concerns; null when it can be sent. */
export function validateSetup({ name, passphrase, again }: SetupInput): { field: keyof SetupInput; message: string } | null {
  if (name.trim() === "") return { field: "name", message: SETUP_MESSAGES.nameMissing };
  if (passphrase === "") return { field: "passphrase", message: SETUP_MESSAGES.passphraseMissing };
  if (passphrase !== again) return { field: "again", message: SETUP_MESSAGES.mismatch };
  return null;
}

export function setupScreen(nav: Nav): Screen {
  const title = heading("h1", "Welcome to Peer Journal");
  const name = field({
    id: "setup-name",
    label: "Your name",
    hint: "How the journal greets you. A first name is fine.",
    input: { autocomplete: "given-name", required: true, maxlength: 100 },
  });

  const roleOptions = ROLES.map((role, i) => {
    const id = `setup-role-${role.value}`;
    return h(
      "div",
      { class: "choice" },
      h("input", { type: "radio", name: "role", id, value: role.value, checked: i === 0, "aria-describedby": `${id}-explanation` }),
      h("label", { for: id }, role.label),
      h("p", { id: `${id}-explanation`, class: "hint" }, role.explanation),
    );
  });
  const roles = h("fieldset", { class: "choices" }, h("legend", {}, "Your role"), ...roleOptions);

  const passphrase = field({
    id: "setup-passphrase",
    label: "Choose a passphrase",
    hint: PASSPHRASE_HINT,
    input: { type: "password", autocomplete: "new-password", required: true },
  });
  const strength = strengthHint("setup-strength", () => name.input.value.trim() || null);
  const again = field({
    id: "setup-passphrase-again",
    label: "Type the passphrase again",
    input: { type: "password", autocomplete: "new-password", required: true },
  });
  const error = errorMessage("setup-error");
  const submit = h("button", { id: "setup-submit", type: "submit", class: "button button-primary" }, "Create my journal");

  const form = h(
    "form",
    { class: "form", novalidate: true, "aria-labelledby": "setup-form-title" },
    h("h2", { id: "setup-form-title" }, "Set up your journal"),
    name.wrapper,
    roles,
    passphrase.wrapper,
    strength.el,
    again.wrapper,
    error,
    h("div", { class: "actions" }, submit),
  );

  const el = screenRoot(
    "setup",
    appHeader(),
    h(
      "section",
      { class: "intro" },
      title,
      h("p", { class: "lead" }, "A private journal for your peer support work."),
      h(
        "p",
        {},
        "Everything you keep here stays on this computer, encrypted with a passphrase that only you know. " +
          "There is no account, and nothing leaves this computer unless you choose to share it.",
      ),
    ),
    form,
  );

  passphrase.input.addEventListener("input", () => strength.update(passphrase.input.value));

  let busy = false;
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (busy) return;
    const input = { name: name.input.value, passphrase: passphrase.input.value, again: again.input.value };
    const inputs = { name: name.input, passphrase: passphrase.input, again: again.input };
    const problem = validateSetup(input);
    for (const [key, element] of Object.entries(inputs)) markInvalid(element, key === problem?.field);
    if (problem !== null) {
      setMessage(error, problem.message);
      inputs[problem.field].focus();
      return;
    }
    setMessage(error, "");
    const role = (form.querySelector<HTMLInputElement>("input[name=role]:checked")?.value ?? "volunteer") as Role;

    busy = true;
    const restore = setBusy(submit, "Creating your journal…");
    const done = (message: string, culprit: HTMLElement): void => {
      busy = false;
      restore();
      setMessage(error, message);
      if (culprit instanceof HTMLInputElement) markInvalid(culprit, true);
      culprit.focus();
    };
    // The core judges the passphrase (and would refuse a weak one anyway): asking first lets the form say so
    // beside the passphrase rather than after the work of creating.
    api.passphraseStrength(input.passphrase, input.name.trim()).then(
      (judged) => {
        if (!judged.acceptable) {
          done(tooEasyMessage(judged), passphrase.input);
          return;
        }
        api.createJournal({ name: input.name.trim(), role, passphrase: input.passphrase }).then(
          (created) => nav.recovery(created),
          (reason: unknown) => done(toUiError(reason).message, submit),
        );
      },
      (reason: unknown) => done(toUiError(reason).message, submit),
    );
  });

  return {
    name: "setup",
    el,
    title: "Set up — Peer Journal",
    unlocked: false,
    focus: () => title.focus(),
    dispose: () => clearInputs(el),
  };
}
