// Exchanging files, as the window keeps it between screens: the exchange
// folder and the cards (the overview), the files found there, the import or
// export running (with its progress, from the backend's "job-progress"
// events), the last "Bring them all in" (how far it has got, counted in
// bytes across its files, and what it came to) and what each import and the
// last export did. It lives here, not
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
import { refreshPeople } from "./people";
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

/** The import or export running: which, and for an import, the file's token and name (its progress reports name it). */
export interface Job {
  job: "import" | "export";
  token: FileToken | null;
  name: string | null;
}
export const job = signal<Job | null>(null);
/** How far the running job has got, as the backend last said; null before it has said. */
export const progress = signal<JobProgress | null>(null);

/**
 * A run of "Bring them all in": the files in it, in turn, with their sizes
 * as the folder listed them (bringing one in counts its progress in bytes,
 * so the run's progress is in bytes too: a large file weighs what it
 * takes); how many are through; and how it ended.
 */
export interface AllRun {
  files: readonly { token: FileToken; size: number }[];
  /** How many have been brought in or tried; the next one is running while the run is. */
  through: number;
  /** Of those through, the ones not tried because something else was running: left as they were. */
  skipped: readonly FileToken[];
  /** null while it runs. */
  ended: null | "finished" | "stopped";
}
/** The last "Bring them all in", running or ended; null when there was none since the journal opened. */
export const allRun = signal<AllRun | null>(null);

/** What bringing in one file did, or is doing. */
export type ImportResult = { state: "running" } | { state: "done"; summary: ImportSummary } | { state: "failed"; error: UiError };

/** A file brought in (or tried) since the journal opened, as it was listed, and what came of it. */
export interface ImportEntry {
  file: ExchangeFile;
  result: ImportResult;
  /** Whether "Bring them all in" brought it (or tried): its end speaks for all of them, so this one's result is not announced. */
  inRun: boolean;
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
    allRun.value = null;
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

/**
 * A report of the running job's progress, from the backend: taken only when
 * it is of that job (and for an import, of its file: one still on its way
 * from the file before, in "Bring them all in", is not this one's).
 */
export function jobProgressed(report: JobProgress): void {
  const running = job.peek();
  if (running === null || running.job !== report.job) return;
  if (running.name !== null && running.name !== report.file) return;
  progress.value = report;
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

/**
 * Brings in one file (`inRun`: as one of "Bring them all in"), unless a job
 * is running already; whether it was tried. Never rejects: what came of it
 * is in `imports`.
 */
export async function bringIn(file: ExchangeFile, inRun = false): Promise<boolean> {
  if (job.peek() !== null || file.what.kind !== "bundle") return false;
  const at = generation;
  batch(() => {
    job.value = { job: "import", token: file.token, name: file.name };
    progress.value = null;
    setImport(file.token, { file, result: { state: "running" }, inRun });
  });
  let result: ImportResult;
  try {
    result = { state: "done", summary: await api.importFile(file.token) };
  } catch (reason) {
    result = { state: "failed", error: toUiError(reason) };
  }
  if (at !== generation) return true;
  batch(() => {
    job.value = null;
    progress.value = null;
    setImport(file.token, { file, result, inRun });
  });
  // People new, changed or forgotten here are named as such on every screen at once, not as "someone".
  if (result.state === "done" && (peopleChanged(result.summary) || result.summary.erased > 0)) refreshPeople().catch(() => undefined);
  void readFiles();
  void readOverview();
  return true;
}

function peopleChanged(summary: ImportSummary): boolean {
  const people = summary.kinds["person"];
  return people !== undefined && people.new + people.updated > 0;
}

/**
 * Brings in each file, one after another, following the run in `allRun`;
 * one failing never stops the others. Stop stops the file being brought in
 * (which then changes nothing) and starts no more.
 */
export async function bringInAll(list: readonly ExchangeFile[]): Promise<void> {
  if (job.peek() !== null) return;
  stopAsked = false;
  const at = generation;
  const run: AllRun = { files: list.map((f) => ({ token: f.token, size: f.size })), through: 0, skipped: [], ended: null };
  allRun.value = run;
  let through = 0;
  const skipped: FileToken[] = [];
  for (const file of list) {
    if (stopAsked) break;
    // Not tried (something else began meanwhile): left as it was, and said so at the end.
    if (!(await bringIn(file, true))) skipped.push(file.token);
    if (at !== generation) return;
    through++;
    allRun.value = { ...run, through, skipped: [...skipped] };
  }
  allRun.value = { ...run, through, skipped, ended: stopAsked ? "stopped" : "finished" };
}

/** How far a run of "Bring them all in" has got: bytes (of all its files) and files. */
export interface Overall {
  /** Bytes brought in so far, of `total`. */
  done: number;
  total: number;
  /** Files through, of `files`. */
  through: number;
  files: number;
}

/**
 * How far `run` has got: the bytes of the files through, and of the one
 * running as far as its own progress says (scaled to the size listed, in
 * case the file changed since). With no sizes known, each file counts as one.
 */
export function overallOf(run: AllRun, report: JobProgress | null): Overall {
  const files = run.files.length;
  const through = Math.min(run.through, files);
  const bytes = run.files.reduce((n, f) => n + Math.max(0, f.size), 0);
  const weight = (size: number) => (bytes > 0 ? Math.max(0, size) : 1);
  const total = bytes > 0 ? bytes : files;
  let done = run.files.slice(0, through).reduce((n, f) => n + weight(f.size), 0);
  const current = run.ended === null ? run.files[through] : undefined;
  if (current !== undefined && report !== null && report.job === "import" && report.total > 0) {
    done += (weight(current.size) * Math.min(report.done, report.total)) / report.total;
  }
  return { done: Math.min(Math.round(done), total), total, through, files };
}

/** What a run of "Bring them all in" came to, from each file's result. */
export interface Tally {
  /** Files in the run, and how many were tried before it ended. */
  files: number;
  tried: number;
  /** Brought in (something new, or nothing new), already in, refused. */
  brought: number;
  already: number;
  refused: number;
  /** Whether Stop ended it. */
  stopped: boolean;
}

export function tallyOf(run: AllRun, tried: ReadonlyMap<FileToken, ImportEntry>): Tally {
  const tally: Tally = { files: run.files.length, tried: run.through, brought: 0, already: 0, refused: 0, stopped: run.ended === "stopped" };
  const skipped = new Set(run.skipped);
  for (const { token } of run.files.slice(0, run.through)) {
    // Not tried in this run: what an earlier try came to is not this run's.
    const result = skipped.has(token) ? undefined : tried.get(token)?.result;
    if (result?.state === "done") {
      if (result.summary.alreadyImported) tally.already++;
      else tally.brought++;
    } else if (result?.state === "failed" && result.error.kind !== "cancelled") {
      tally.refused++;
    }
  }
  return tally;
}

/** Writes what `to` has not yet confirmed into a new file in the exchange folder. Never rejects: what came of it is in `exported`. */
export async function sendTo(to: PeerStatus, full = false): Promise<void> {
  if (job.peek() !== null) return;
  const at = generation;
  batch(() => {
    job.value = { job: "export", token: null, name: null };
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
  const run = allRun.peek();
  const running = job.peek() !== null;
  // Between two files of a run nothing runs, but Stop still means no more.
  if (!running && (run === null || run.ended !== null)) return;
  stopAsked = true;
  // If it cannot be asked, the job simply finishes; its result says what it did.
  if (running) api.stopJob().catch(() => undefined);
}

/** A job's (or a run's) progress in percent (0 to 100), or null while its size is not known. */
export function percentOf(report: { done: number; total: number } | null): number | null {
  if (report === null || report.total <= 0) return null;
  return Math.min(100, Math.max(0, Math.floor((report.done * 100) / report.total)));
}
