// The one module that talks to the Tauri backend. Every other module calls
// `api.*`. The commands' names, arguments and results come from the shell's
// one command list (bindings/Commands.ts, generated), so a mistyped command
// name or argument fails to compile here; tests mock this single file.
import { invoke } from "@tauri-apps/api/core";
import { listen } from "@tauri-apps/api/event";
import type { AppState } from "./bindings/AppState";
import type { CreateJournalRequest } from "./bindings/CreateJournalRequest";
import type { Commands } from "./bindings/Commands";
import type { Created } from "./bindings/Created";
import type { PassphraseStrength } from "./bindings/PassphraseStrength";
import { toUiError } from "./errors";

async function call<C extends keyof Commands>(command: C, args: Commands[C]["args"]): Promise<Commands[C]["result"]> {
  try {
    return await invoke<Commands[C]["result"]>(command, args);
  } catch (error) {
    throw toUiError(error);
  }
}

/** Every promise here rejects with a UiError, never anything else. */
export const api = {
  appState: (): Promise<AppState> => call("app_state", undefined),
  createJournal: (request: CreateJournalRequest): Promise<Created> => call("create_journal", { request }),
  unlock: (passphrase: string): Promise<AppState> => call("unlock", { passphrase }),
  unlockWithRecovery: (recoveryKey: string, newPassphrase: string): Promise<AppState> =>
    call("unlock_with_recovery", { recoveryKey, newPassphrase }),
  lock: (): Promise<AppState> => call("lock", undefined),
  touch: async (): Promise<void> => {
    await call("touch", undefined);
  },
  setIdleLockMinutes: (minutes: number): Promise<AppState> => call("set_idle_lock_minutes", { minutes }),
  passphraseStrength: (passphrase: string, name: string | null): Promise<PassphraseStrength> =>
    call("passphrase_strength", { passphrase, name }),
};

/** Event the backend emits when its idle timer has locked the journal. */
export const JOURNAL_LOCKED_EVENT = "journal-locked";

/** Calls `callback` whenever the backend locks the journal by itself; resolves to an unsubscribe function. */
export async function onJournalLocked(callback: () => void): Promise<() => void> {
  return listen<null>(JOURNAL_LOCKED_EVENT, () => callback());
}
