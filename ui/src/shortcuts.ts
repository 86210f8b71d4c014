// The moves the open journal offers from anywhere, by key and from the main
// navigation: log a contact (Ctrl+N) and search (Ctrl+K, or / when not
// typing). Only while the journal is open.
import { appState, lastPerson } from "./state";
import { navigate, shown } from "./routes";

/** Opens Log a contact, about the person whose page is on screen, else the last one a record was logged for. */
export function logContact(): void {
  const at = shown.peek();
  const person = at.name === "person" ? at.id : (lastPerson.peek() ?? undefined);
  navigate(person === undefined ? { name: "new", kind: "contact" } : { name: "new", kind: "contact", person });
}

/** Goes to search; already there, goes back to its field, keeping what was typed. */
function search(): void {
  if (shown.peek().name === "search") {
    document.querySelector<HTMLInputElement>("[data-screen=search] input[type=search], [data-screen=search] input")?.focus();
    return;
  }
  navigate({ name: "search", query: "" });
}

/** Whether the event's target takes typed text (where / is a character, not a shortcut). */
function typingIn(target: EventTarget | null): boolean {
  return (
    target instanceof HTMLInputElement ||
    target instanceof HTMLTextAreaElement ||
    target instanceof HTMLSelectElement ||
    (target instanceof HTMLElement && target.isContentEditable)
  );
}

/** Handles a key of the open journal's; true when it did something. */
export function openJournalKey(event: KeyboardEvent): boolean {
  const plain = !event.altKey && !event.metaKey && !event.shiftKey;
  // Contacts are the volunteers' to log: a supervisor's journal has no Ctrl+N.
  if (plain && event.ctrlKey && (event.key === "n" || event.key === "N") && appState.peek()?.role !== "supervisor") {
    logContact();
    return true;
  }
  if ((plain && event.ctrlKey && (event.key === "k" || event.key === "K")) || (plain && !event.ctrlKey && event.key === "/" && !typingIn(event.target))) {
    search();
    return true;
  }
  return false;
}
