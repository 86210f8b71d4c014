// Turning whatever a failed call produced into a UiError the screens can show.
//
// Deliberately free of Tauri imports, so screens can use it and tests can mock
// api.ts without losing it.
import type { UiError } from "./bindings/UiError";
import type { UiErrorKind } from "./bindings/UiErrorKind";

// Every kind the backend can send; a kind added there and not here fails the
// type check.
const KIND_NAMES: Record<UiErrorKind, true> = {
  locked: true,
  wrongPassphrase: true,
  badRecoveryKey: true,
  notFound: true,
  notAJournal: true,
  journalExists: true,
  damaged: true,
  tooNew: true,
  busy: true,
  diskFull: true,
  bundleRefused: true,
  invalidInput: true,
  notAllowed: true,
  io: true,
  cancelled: true,
  internal: true,
};
const KINDS: ReadonlySet<string> = new Set(Object.keys(KIND_NAMES));

/** Shown when something failed without telling us, in words, what. */
export const INTERNAL_MESSAGE =
  "Something went wrong inside Peer Journal. Please try again. If it keeps happening, restarting the app usually helps.";

export function isUiError(value: unknown): value is UiError {
  if (typeof value !== "object" || value === null) return false;
  const { kind, message } = value as { kind?: unknown; message?: unknown };
  return typeof kind === "string" && KINDS.has(kind) && typeof message === "string" && message.trim() !== "";
}

/**
 * A UiError passes through unchanged. Anything else (a bare string from the
 * IPC layer, an exception thrown in the webview) becomes kind "internal" with a
 * plain message: its own text may be technical, so it is not shown.
 */
export function toUiError(value: unknown): UiError {
  return isUiError(value) ? { kind: value.kind, message: value.message } : { kind: "internal", message: INTERNAL_MESSAGE };
}

/** A message from the core as a sentence: capital first, full stop last. */
export function sentence(message: string): string {
  const trimmed = message.trim();
  if (trimmed === "") return trimmed;
  const capital = trimmed.charAt(0).toUpperCase() + trimmed.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
}
