import { describe, expect, test } from "vitest";
import { clearInputs, h, setBusy } from "../src/dom";

describe("h", () => {
  test("builds elements with attributes and children", () => {
    const el = h("p", { id: "x", class: "hint", hidden: true, title: false }, "Hello ", h("strong", {}, "you"));
    expect(el.outerHTML).toBe('<p id="x" class="hint" hidden="">Hello <strong>you</strong></p>');
  });

  test.each(["style", "onclick", "onLoad"])("refuses the %s attribute, which the CSP would block", (name) => {
    expect(() => h("div", { [name]: "x" })).toThrow(/CSP/);
  });
});

describe("clearInputs", () => {
  test("empties text and password inputs but leaves radio values alone", () => {
    const root = h(
      "form",
      {},
      h("input", { type: "text", value: "a" }),
      h("input", { type: "password", value: "secret" }),
      h("input", { type: "radio", value: "volunteer" }),
    );
    for (const input of root.querySelectorAll("input")) input.value = input.getAttribute("value") ?? "";
    clearInputs(root);
    expect([...root.querySelectorAll("input")].map((i) => i.value)).toEqual(["", "", "volunteer"]);
  });
});

describe("setBusy", () => {
  test("disables the button with a busy label, then restores it", () => {
    const button = h("button", {}, "Unlock");
    const restore = setBusy(button, "Unlocking…");
    expect(button.disabled).toBe(true);
    expect(button.getAttribute("aria-busy")).toBe("true");
    expect(button.textContent).toBe("Unlocking…");
    restore();
    expect(button.disabled).toBe(false);
    expect(button.hasAttribute("aria-busy")).toBe(false);
    expect(button.textContent).toBe("Unlock");
  });
});
