// Shown only when the app cannot even ask the backend what state it is in.
import type { UiError } from "../bindings/UiError";
import { appHeader, heading, screenRoot } from "../components";
import { h } from "../dom";
import type { Screen } from "./screen";

export function problemScreen(error: UiError, retry: () => void): Screen {
  const title = heading("h1", "Peer Journal could not start");
  const button = h("button", { id: "problem-retry", type: "button", class: "button button-primary" }, "Try again");
  button.addEventListener("click", retry);
  const el = screenRoot(
    "problem",
    appHeader(),
    h("section", { class: "intro" }, title, h("p", { id: "problem-message", role: "alert" }, error.message)),
    h("div", { class: "actions" }, button),
  );
  return { name: "problem", el, title: "Peer Journal", unlocked: false, focus: () => title.focus(), dispose: () => {} };
}
