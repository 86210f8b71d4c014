// The one module that talks to the Tauri backend. Every other module calls
// `api.*`. The commands' names, arguments and results come from the shell's
// one command list (bindings/Commands.ts, generated), so a mistyped command
// name or argument fails to compile here; tests mock this single file.
import { invoke } from "@tauri-apps/api/core";
import { listen } from "@tauri-apps/api/event";
import type { AppState } from "./bindings/AppState";
import type { BackupWritten } from "./bindings/BackupWritten";
import type { FoundFile } from "./bindings/FoundFile";
import type { SubjectAccessWritten } from "./bindings/SubjectAccessWritten";
import type { CreateJournalRequest } from "./bindings/CreateJournalRequest";
import type { Commands } from "./bindings/Commands";
import type { Created } from "./bindings/Created";
import type { Conflict } from "./bindings/Conflict";
import type { DirectoryImport } from "./bindings/DirectoryImport";
import type { Draft } from "./bindings/Draft";
import type { ExchangeFile } from "./bindings/ExchangeFile";
import type { ExchangeOverview } from "./bindings/ExchangeOverview";
import type { ExportDone } from "./bindings/ExportDone";
import type { FieldValue } from "./bindings/FieldValue";
import type { FieldValues } from "./bindings/FieldValues";
import type { FileToken } from "./bindings/FileToken";
import type { Fingerprint } from "./bindings/Fingerprint";
import type { HistoryEntry } from "./bindings/HistoryEntry";
import type { ImportSummary } from "./bindings/ImportSummary";
import type { JobProgress } from "./bindings/JobProgress";
import type { JournalRecord } from "./bindings/JournalRecord";
import type { Kind } from "./bindings/Kind";
import type { Page } from "./bindings/Page";
import type { PassphraseStrength } from "./bindings/PassphraseStrength";
import type { PersonId } from "./bindings/PersonId";
import type { PurgeReport } from "./bindings/PurgeReport";
import type { RecordId } from "./bindings/RecordId";
import type { Report } from "./bindings/Report";
import type { Review } from "./bindings/Review";
import type { ReviewLimits } from "./bindings/ReviewLimits";
import type { ReviewOptions } from "./bindings/ReviewOptions";
import type { RosterEntry } from "./bindings/RosterEntry";
import type { SharedReport } from "./bindings/SharedReport";
import type { SavedFile } from "./bindings/SavedFile";
import type { SearchHit } from "./bindings/SearchHit";
import type { VolunteerSummary } from "./bindings/VolunteerSummary";
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
  changePassphrase: async (currentPassphrase: string, newPassphrase: string): Promise<void> => {
    await call("change_passphrase", { currentPassphrase, newPassphrase });
  },
  setDiscreetMode: (on: boolean): Promise<AppState> => call("set_discreet_mode", { on }),
  setRetentionMonths: (months: number): Promise<AppState> => call("set_retention_months", { months }),
  purgeNow: (): Promise<PurgeReport> => call("purge_now", undefined),

  addRecord: (kind: Kind, fields: FieldValues): Promise<JournalRecord> => call("add_record", { kind, fields }),
  updateRecord: (id: RecordId, fields: FieldValues): Promise<JournalRecord> => call("update_record", { id, fields }),
  deleteRecord: async (id: RecordId): Promise<void> => {
    await call("delete_record", { id });
  },
  getRecord: (id: RecordId): Promise<JournalRecord> => call("get_record", { id }),
  listRecords: (kind: Kind, person: PersonId | null, page: Page): Promise<JournalRecord[]> =>
    call("list_records", { kind, person, page }),
  personTimeline: (person: PersonId, page: Page): Promise<JournalRecord[]> => call("person_timeline", { person, page }),
  searchRecords: (query: string, page: Page): Promise<SearchHit[]> => call("search_records", { query, page }),
  dueRecords: (page: Page): Promise<JournalRecord[]> => call("due_records", { page }),
  needingAttention: (kind: Kind, page: Page): Promise<JournalRecord[]> => call("needing_attention", { kind, page }),
  unreadRecords: (page: Page): Promise<JournalRecord[]> => call("unread_records", { page }),
  markRead: async (id: RecordId): Promise<void> => {
    await call("mark_read", { id });
  },
  recordHistory: (id: RecordId): Promise<HistoryEntry[]> => call("record_history", { id }),
  listConflicts: (page: Page): Promise<Conflict[]> => call("list_conflicts", { page }),
  resolveConflict: (id: RecordId, field: string, value: FieldValue): Promise<JournalRecord> =>
    call("resolve_conflict", { id, field, value }),
  forgetPerson: (person: PersonId): Promise<number> => call("forget_person", { person }),
  recordCounts: (): Promise<Commands["record_counts"]["result"]> => call("record_counts", undefined),
  /** The services to choose from for a new signpost: those still taking referrals. */
  offeredServices: (page: Page): Promise<JournalRecord[]> => call("offered_services", { page }),
  retireService: (id: RecordId): Promise<JournalRecord> => call("retire_service", { id }),
  unretireService: (id: RecordId): Promise<JournalRecord> => call("unretire_service", { id }),

  saveDraft: (key: string, kind: Kind, fields: FieldValues): Promise<Draft> => call("save_draft", { key, kind, fields }),
  listDrafts: (): Promise<Draft[]> => call("list_drafts", undefined),
  discardDraft: async (key: string): Promise<void> => {
    await call("discard_draft", { key });
  },

  openDemo: (): Promise<AppState> => call("open_demo", undefined),
  leaveDemo: (): Promise<AppState> => call("leave_demo", undefined),
  backUpJournal: (): Promise<BackupWritten> => call("back_up_journal", undefined),
  findBackups: (): Promise<FoundFile[]> => call("find_backups", undefined),
  restoreBackup: (path: string, recoveryKey: string, newPassphrase: string): Promise<AppState> =>
    call("restore_backup", { path, recoveryKey, newPassphrase }),
  exportPerson: (person: PersonId): Promise<SubjectAccessWritten> => call("export_person", { person }),

  exchangeOverview: (): Promise<ExchangeOverview> => call("exchange_overview", undefined),
  setExchangeFolder: (folder: string): Promise<ExchangeOverview> => call("set_exchange_folder", { folder }),
  saveMyCard: (): Promise<SavedFile> => call("save_my_card", undefined),
  exchangeFiles: (): Promise<ExchangeFile[]> => call("exchange_files", undefined),
  chooseFiles: (): Promise<ExchangeFile[]> => call("choose_files", undefined),
  importDirectory: (text: string): Promise<DirectoryImport> => call("import_directory", { text }),
  saveDirectoryTemplate: (): Promise<SavedFile> => call("save_directory_template", undefined),
  trustCard: (file: FileToken, fingerprint: Fingerprint): Promise<RosterEntry> => call("trust_card", { file, fingerprint }),
  revokeCard: (fingerprint: Fingerprint): Promise<RosterEntry> => call("revoke_card", { fingerprint }),
  exportTo: (to: Fingerprint, full = false): Promise<ExportDone> => call("export_to", { to, full }),
  importFile: (file: FileToken): Promise<ImportSummary> => call("import_file", { file }),
  stopJob: async (): Promise<void> => {
    await call("stop_job", undefined);
  },

  volunteers: (): Promise<VolunteerSummary[]> => call("volunteers", undefined),
  review: (options: ReviewOptions, limits: ReviewLimits): Promise<Review> => call("review", { options, limits }),
  /** The figures of a period (days YYYY-MM-DD, either end open), of every record or of those one volunteer's journal wrote. */
  report: (since: string | null, until: string | null, volunteer: Fingerprint | null): Promise<Report> =>
    call("report", { since, until, volunteer }),
  /** The whole journal's funder report of a period, naming no one, with counts under 5 held back: the page to print. */
  funderReport: (since: string | null, until: string | null): Promise<SharedReport> => call("funder_report", { since, until }),
  /** Writes the whole journal's funder report of a period, naming no one, into the files folder. */
  saveReport: (since: string | null, until: string | null): Promise<SavedFile> => call("save_report", { since, until }),
};

/** Event the backend emits when its idle timer has locked the journal. */
export const JOURNAL_LOCKED_EVENT = "journal-locked";

/** Calls `callback` whenever the backend locks the journal by itself; resolves to an unsubscribe function. */
export async function onJournalLocked(callback: () => void): Promise<() => void> {
  return listen<null>(JOURNAL_LOCKED_EVENT, () => callback());
}

/** Event the backend emits as an import or export goes on (`JobProgress`). */
export const JOB_PROGRESS_EVENT = "job-progress";

/** Calls `callback` with each report of an import's or export's progress; resolves to an unsubscribe function. */
export async function onJobProgress(callback: (progress: JobProgress) => void): Promise<() => void> {
  return listen<JobProgress>(JOB_PROGRESS_EVENT, (event) => callback(event.payload));
}

/** Event the backend emits when files were dropped on the window (they are listed with the exchange folder's). */
export const FILES_DROPPED_EVENT = "files-dropped";

/** Calls `callback` whenever files are dropped on the window; resolves to an unsubscribe function. */
export async function onFilesDropped(callback: () => void): Promise<() => void> {
  return listen<null>(FILES_DROPPED_EVENT, () => callback());
}
