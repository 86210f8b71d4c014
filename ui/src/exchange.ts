// Exchanging files, as the window keeps it between screens: the exchange
// folder and the cards (the overview), the files found there, the import or
// export running (with its progress, from the backend's "job-progress"
// events) and what each import and the last export did. It lives here, not
// in the Exchange screen, so that moving to another screen while a file is
// written or brought in keeps its progress (the busy banner shows it on every
// screen) and its result.
//
// Only one import or export runs at a time: the backend holds the journal
// for as long as one runs. What is kept here belongs to the journal that is
// open: it is emptied when the journal locks or another one opens.
import { batch, effect, signal } from "@preact/signals";
import { api } from "./api";
import type { ExchangeFile } from "./bindings/ExchangeFile";
import type { ExchangeOverview } from "./bindings/ExchangeOverview";
import type { ExportDone } from "./bindings/ExportDone";
import type { FileToken } from "./bindings/FileToken";
import type { ImportSummary } from "./bindings/ImportSummary";
import type { JobProgress } from "./bindings/JobProgress";
import type { PeerStatus } from "./bindings/PeerStatus";
import type { UiError } from "./bindings/UiError";
import { toUiError } from "./errors";
import { navigate, shown } from "./routes";
import { appState } from "./state";

/** The exchange folder, this journal's card and the roster; null until read. */
export const overview = signal<ExchangeOverview | null>(null);
/** Why the overview could not be read; "" when it could. */
export const overviewError = signal("");

/** The files in the exchange folder (and dropped) this journal can do something with; null until read. */
export const files = signal<readonly ExchangeFile[] | null>(null);
/** Why the folder could not be read; "" when it could. */
export const filesError = signal("");
/** Whether the folder is being read. */
export const looking = signal(false);

/** The import or export running: which, and for an import, the file's token. */
export interface Job {
  job: "import" | "export";
  token: FileToken | null;
}
export const job = signal<Job | null>(null);
/** How far the running job has got, as the backend last said; null before it has said. */
export const progress = signal<JobProgress | null>(null);

/** What bringing in one file did, or is doing. */
export type ImportResult = { state: "running" } | { state: "done"; summary: ImportSummary } | { state: "failed"; error: UiError };

/** A file brought in (or tried) since the journal opened, as it was listed, and what came of it. */
export interface ImportEntry {
  file: ExchangeFile;
  result: ImportResult;
}
/** Each file brought in or tried, by token. */
export const imports = signal<ReadonlyMap<FileToken, ImportEntry>>(new Map());

/** What the last export did: the file written and whom for, or why it failed. */
export type ExportResult = { state: "done"; done: ExportDone; to: PeerStatus } | { state: "failed"; error: UiError };
export const exported = signal<ExportResult | null>(null);

// Answers to asks made before the journal locked (or another opened) are dropped.
let generation = 0;
// Each read's number: only the answer to the latest is shown.
let overviewAsked = 0;
let filesAsked = 0;
// Stop was pressed: "Bring them all in" starts no more files.
let stopAsked = false;

/** Forgets everything: the journal locked, or another one opened. */
export function resetExchange(): void {
  generation++;
  stopAsked = false;
  batch(() => {
    overview.value = null;
    overviewError.value = "";
    files.value = null;
    filesError.value = "";
    looking.value = false;
    job.value = null;
    progress.value = null;
    imports.value = new Map();
    exported.value = null;
  });
}

/** Empties what is kept whenever the journal that is open changes (locked, opened, the demo left); returns how to stop. */
export function followJournal(): () => void {
  let open: string | null = null;
  return effect(() => {
    const state = appState.value;
    const now = state?.journal === "unlocked" ? `${state.fingerprint ?? ""}|${String(state.demo)}` : null;
    if (now !== open) {
      open = now;
      resetExchange();
    }
  });
}

/** Reads the exchange folder, the card and the roster again. */
export async function readOverview(): Promise<void> {
  const mine = ++overviewAsked;
  const at = generation;
  try {
    const found = await api.exchangeOverview();
    if (mine !== overviewAsked || at !== generation) return;
    batch(() => {
      overview.value = found;
      overviewError.value = "";
    });
  } catch (reason) {
    if (mine !== overviewAsked || at !== generation) return;
    overviewError.value = toUiError(reason).message;
  }
}

/** Looks in the exchange folder again (and at the files dropped on the window). */
export async function readFiles(): Promise<void> {
  const mine = ++filesAsked;
  const at = generation;
  looking.value = true;
  try {
    const found = await api.exchangeFiles();
    if (mine !== filesAsked || at !== generation) return;
    batch(() => {
      files.value = found;
      filesError.value = "";
      looking.value = false;
    });
  } catch (reason) {
    if (mine !== filesAsked || at !== generation) return;
    batch(() => {
      filesError.value = toUiError(reason).message;
      looking.value = false;
    });
  }
}

/**
 * Opens the file chooser (the app opens it; the window never sees a path),
 * then lists what was chosen with what the folder holds.
 */
export async function chooseFiles(): Promise<void> {
  try {
    await api.chooseFiles();
  } catch (reason) {
    filesError.value = toUiError(reason).message;
    return;
  }
  await readFiles();
}

/** The overview, as Settings has just had it back from the backend. */
export function overviewChanged(next: ExchangeOverview): void {
  overviewAsked++;
  batch(() => {
    overview.value = next;
    overviewError.value = "";
  });
  // Another folder holds other files.
  if (files.peek() !== null) void readFiles();
}

/** A report of the running job's progress, from the backend. */
export function jobProgressed(report: JobProgress): void {
  if (job.peek()?.job === report.job) progress.value = report;
}

/** Files were dropped on the window: the exchange screen lists them (shown, if the journal is open). */
export function filesDropped(): void {
  if (appState.peek()?.journal !== "unlocked") return;
  const at = shown.peek().name;
  if (at === "exchange") void readFiles();
  // The recovery key is shown once: nothing takes the person away from it.
  else if (at !== "recovery") navigate({ name: "exchange" });
}

function setImport(token: FileToken, entry: ImportEntry): void {
  const next = new Map(imports.peek());
  next.set(token, entry);
  imports.value = next;
}

/** Brings in one file, unless a job is running already. Never rejects: what came of it is in `imports`. */
export async function bringIn(file: ExchangeFile): Promise<void> {
  if (job.peek() !== null || file.what.kind !== "bundle") return;
  const at = generation;
  batch(() => {
    job.value = { job: "import", token: file.token };
    progress.value = null;
    setImport(file.token, { file, result: { state: "running" } });
  });
  let result: ImportResult;
  try {
    result = { state: "done", summary: await api.importFile(file.token) };
  } catch (reason) {
    result = { state: "failed", error: toUiError(reason) };
  }
  if (at !== generation) return;
  batch(() => {
    job.value = null;
    progress.value = null;
    setImport(file.token, { file, result });
  });
  void readFiles();
  void readOverview();
}

/** Brings in each file, one after another; one failing never stops the others. Stop stops them all. */
export async function bringInAll(list: readonly ExchangeFile[]): Promise<void> {
  if (job.peek() !== null) return;
  stopAsked = false;
  const at = generation;
  for (const file of list) {
    if (stopAsked || at !== generation) break;
    await bringIn(file);
  }
}

/** Writes what `to` has not yet confirmed into a new file in the exchange folder. Never rejects: what came of it is in `exported`. */
export async function sendTo(to: PeerStatus, full = false): Promise<void> {
  if (job.peek() !== null) return;
  const at = generation;
  batch(() => {
    job.value = { job: "export", token: null };
    progress.value = null;
    exported.value = null;
  });
  let result: ExportResult;
  try {
    result = { state: "done", done: await api.exportTo(to.fingerprint, full), to };
  } catch (reason) {
    result = { state: "failed", error: toUiError(reason) };
  }
  if (at !== generation) return;
  batch(() => {
    job.value = null;
    progress.value = null;
    exported.value = result;
  });
  void readFiles();
  void readOverview();
}

/** Stops the import or export running (it changes nothing), and any files still to come. */
export function stopJob(): void {
  if (job.peek() === null) return;
  stopAsked = true;
  // If it cannot be asked, the job simply finishes; its result says what it did.
  api.stopJob().catch(() => undefined);
}

/** A job's progress in percent (0 to 100), or null while its size is not known. */
export function percentOf(report: JobProgress | null): number | null {
  if (report === null || report.total <= 0) return null;
  return Math.min(100, Math.max(0, Math.floor((report.done * 100) / report.total)));
}
