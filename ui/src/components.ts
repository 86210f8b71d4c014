// Pieces several screens share: the header bar, labelled fields, messages,
// the passphrase strength hint.
import { h, svg, setMessage, type Attrs, type Child } from "./dom";
import { api } from "./api";
import type { PassphraseStrength } from "./bindings/PassphraseStrength";
import { describeStrength, STRENGTH_START } from "./strength";
import type { ScreenName } from "./screens/screen";

/** The app's mark: an open journal with a small heart. Decorative. */
export function logo(): SVGElement {
  return svg(
    "svg",
    { class: "logo", viewBox: "0 0 32 32", width: 28, height: 28, "aria-hidden": "true", focusable: "false" },
    svg("path", { class: "logo-page", d: "M4 7c4-1.6 8-1.6 12 1v18c-4-2.6-8-2.6-12-1z" }),
    svg("path", { class: "logo-page", d: "M28 7c-4-1.6-8-1.6-12 1v18c4-2.6 8-2.6 12-1z" }),
    svg("path", { class: "logo-heart", d: "M22 12.2c-.9-1.4-3.2-1.1-3.2.9 0 1.6 1.8 2.8 3.2 3.9 1.4-1.1 3.2-2.3 3.2-3.9 0-2-2.3-2.3-3.2-.9z" }),
  );
}

/** The bar across the top of every screen: the app's name, and any actions on the right. */
export function appHeader(...actions: Child[]): HTMLElement {
  return h(
    "header",
    { class: "app-bar" },
    h("div", { class: "brand" }, logo(), h("span", { class: "brand-name" }, "Peer Journal")),
    actions.some(Boolean) ? h("div", { class: "app-bar-actions" }, ...actions) : null,
  );
}

/** A screen's root: header, then the main content. Only one is in the document at a time. */
export function screenRoot(name: ScreenName, header: HTMLElement, ...content: Child[]): HTMLElement {
  return h("div", { class: "screen", "data-screen": name }, header, h("main", { class: "content" }, ...content));
}

/** A heading that can take focus when its screen opens, so screen readers start there. */
export function heading(level: "h1" | "h2", ...children: Child[]): HTMLHeadingElement {
  return h(level, { tabindex: level === "h1" ? -1 : undefined }, ...children);
}

export interface Field {
  wrapper: HTMLElement;
  input: HTMLInputElement;
}

export interface FieldOptions {
  id: string;
  label: string;
  hint?: string;
  /** Extra attributes for the <input>: type, autocomplete, … */
  input?: Attrs;
}

/** A label tied to its input, with an optional hint the input is described by. */
export function field({ id, label, hint, input: attrs = {} }: FieldOptions): Field {
  const hintId = hint === undefined ? undefined : `${id}-hint`;
  const input = h("input", { id, name: id, type: "text", "aria-describedby": hintId, ...attrs });
  const wrapper = h(
    "div",
    { class: "field" },
    h("label", { for: id }, label),
    hint === undefined ? null : h("p", { id: hintId, class: "hint" }, hint),
    input,
  );
  return { wrapper, input };
}

/** The passphrase field's fixed hint. */
export const PASSPHRASE_HINT = "Something only you would think of. A few unrelated words work well.";

/** A region for an error message: empty (and taking no space) until there is one. */
export function errorMessage(id: string): HTMLParagraphElement {
  return h("p", { id, class: "message message-error", role: "alert" });
}

/** A polite region for a reassuring status line ("Saved", "Copied"). */
export function statusMessage(id: string): HTMLParagraphElement {
  return h("p", { id, class: "message message-status", role: "status" });
}

export interface StrengthHint {
  el: HTMLElement;
  /** Asks the core about `passphrase` and shows its answer (only the latest answer is shown). */
  update(passphrase: string): void;
}

/**
 * The live strength hint under a new passphrase: a small meter, a label and one line of advice, from the
 * core's estimate. `name` gives the keeper's name, if the form has it, so a passphrase made of it scores lower.
 */
export function strengthHint(id: string, name: () => string | null = () => null): StrengthHint {
  const segments = [1, 2, 3, 4].map(() => h("span", { class: "strength-segment" }));
  const meter = h("span", { class: "strength-meter", "aria-hidden": "true" }, ...segments);
  const label = h("span", { class: "strength-label" });
  const advice = h("span", { class: "strength-advice" });
  const el = h("div", { id, class: "strength", "aria-live": "polite", "data-score": "none" }, meter, label, " ", advice);
  let asked = 0;

  function show(strength: PassphraseStrength | null): void {
    el.setAttribute("data-score", strength === null ? "none" : String(strength.score));
    // Only touch the text when it changes, so screen readers are not told the same thing on every keystroke.
    if (strength === null) {
      setMessage(label, "");
      setMessage(advice, STRENGTH_START);
      return;
    }
    const words = describeStrength(strength);
    setMessage(label, `Strength: ${words.label}.`);
    setMessage(advice, words.advice);
  }

  function update(passphrase: string): void {
    const mine = ++asked;
    if (passphrase === "") {
      show(null);
      return;
    }
    api.passphraseStrength(passphrase, name()).then(
      (strength) => {
        if (mine === asked) show(strength);
      },
      () => {
        // The hint is a help, not a gate: the core judges again when the passphrase is used.
        if (mine === asked) show(null);
      },
    );
  }
  show(null);
  return { el, update };
}
