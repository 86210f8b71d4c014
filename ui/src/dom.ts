// Tiny helpers for building the DOM from nodes, never from HTML strings.
//
// The CSP forbids inline styles and handlers, so `h` refuses `style` and
// `on…` attributes outright: appearance goes through classes in styles.css,
// behaviour through addEventListener.

type AttrValue = string | number | boolean | null | undefined;
export type Attrs = Record<string, AttrValue>;
export type Child = Node | string | null | undefined | false;

function setAttrs(el: Element, attrs: Attrs): void {
  for (const [name, value] of Object.entries(attrs)) {
    if (name === "style" || name.toLowerCase().startsWith("on")) {
      throw new Error(`h(): "${name}" is not allowed under the app's CSP; use a class or addEventListener`);
    }
    if (value === false || value === null || value === undefined) continue;
    el.setAttribute(name, value === true ? "" : String(value));
  }
}

function append(el: Element, children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child);
  }
}

/** Creates an HTML element: h("p", { class: "hint" }, "Some text", h("strong", {}, "bold")). */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  setAttrs(el, attrs);
  append(el, children);
  return el;
}

const SVG_NS = "http://www.w3.org/2000/svg";

/** Creates an SVG element (for the inline logo). */
export function svg(tag: string, attrs: Attrs = {}, ...children: Child[]): SVGElement {
  const el = document.createElementNS(SVG_NS, tag) as SVGElement;
  setAttrs(el, attrs);
  append(el, children);
  return el;
}

/** Shows a message in a live region; an empty message hides it (see .message:empty in the CSS). */
export function setMessage(el: HTMLElement, message: string): void {
  if (el.textContent !== message) el.textContent = message;
}

/**
 * Puts a button into its busy state (disabled, aria-busy, a "working" label)
 * and returns a function that restores it.
 */
export function setBusy(button: HTMLButtonElement, busyLabel: string): () => void {
  const label = button.textContent ?? "";
  button.disabled = true;
  button.setAttribute("aria-busy", "true");
  button.classList.add("is-busy");
  button.textContent = busyLabel;
  return () => {
    button.disabled = false;
    button.removeAttribute("aria-busy");
    button.classList.remove("is-busy");
    button.textContent = label;
  };
}

/** Empties every text-like input under `root`, so no passphrase or key outlives its screen. */
export function clearInputs(root: ParentNode): void {
  for (const input of root.querySelectorAll<HTMLInputElement | HTMLTextAreaElement>("input, textarea")) {
    if (input instanceof HTMLInputElement && (input.type === "radio" || input.type === "checkbox")) continue;
    input.value = "";
  }
}

/** Marks a field as the one with a problem, for assistive technology and the CSS. */
export function markInvalid(input: HTMLElement, invalid: boolean): void {
  if (invalid) input.setAttribute("aria-invalid", "true");
  else input.removeAttribute("aria-invalid");
}
