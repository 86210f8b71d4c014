// Route "exchange": exchanging files with the people this journal works
// with, through the exchange folder (a folder in the person's documents, a
// shared folder, a USB stick; chosen in Settings). Sending: the changes the
// chosen person has not confirmed, written to a new file, with progress and
// Stop. Bringing in: the files found there for this journal, each with who
// it is from (read from inside the encryption), one at a time or all (with
// one bar for them all, and what they came to said at the end), each
// saying what it brought or why it was refused. Cards: this journal's
// fingerprint to read aloud, Save my card, and the cards found in the folder,
// added only once the person says the fingerprint matches. The people
// exchanged with: what their receipts prove they have, and what is waiting,
// never more. What runs and what it did is kept in exchange.ts, so it
// survives moving to another screen.
// A route naming a card (`to`: Volunteers' Write a file) has it chosen to send to.
import { batch, useSignal, type Signal } from "@preact/signals";
import type { ComponentChildren, Ref } from "preact";
import { useEffect, useLayoutEffect, useRef } from "preact/hooks";
import { api } from "../api";
import type { CardSummary } from "../bindings/CardSummary";
import type { ExchangeFile } from "../bindings/ExchangeFile";
import type { ExchangeOverview } from "../bindings/ExchangeOverview";
import type { ExportDone } from "../bindings/ExportDone";
import type { Fingerprint } from "../bindings/Fingerprint";
import type { ImportNotice } from "../bindings/ImportNotice";
import type { ImportSummary } from "../bindings/ImportSummary";
import type { Kind } from "../bindings/Kind";
import { KINDS } from "../bindings/kinds";
import type { PeerStatus } from "../bindings/PeerStatus";
import type { Role } from "../bindings/Role";
import type { SavedFile } from "../bindings/SavedFile";
import type { UiError } from "../bindings/UiError";
import { overallLabel, overallText, ProgressBar } from "../components/Progress";
import { When } from "../components/When";
import { friendly, friendlyAt } from "../dates";
import { sentence } from "../errors";
import { toUiError } from "../errors";
import {
  allRun,
  bringIn,
  bringInAll,
  chooseFiles,
  exported,
  files,
  filesError,
  imports,
  job,
  looking,
  overallOf,
  overview,
  overviewError,
  progress,
  readFiles,
  readOverview,
  sendTo,
  stopJob,
  tallyOf,
  type ImportEntry,
  type Tally,
} from "../exchange";
import { CheckboxField, FormProblem, Form, NO, SelectField, useForm, useTask, YES, type Values } from "../forms";
import { kindOf } from "../kinds";
import { navigate, type RouteOf } from "../routes";
import { appState } from "../state";
import { useFocusOnMount } from "./focus";
import { aheadBy } from "./Today";
import { count, sameFingerprint } from "./words";
import "./Exchange.css";

// ---------------------------------------------------------------- Words

/** "a", "a and b", "a, b and c". */
export function listText(parts: readonly string[]): string {
  if (parts.length <= 1) return parts[0] ?? "";
  return `${parts.slice(0, -1).join(", ")} and ${parts.at(-1) ?? ""}`;
}

/** The kinds in the order the journal shows them; one it does not know (from a newer version) goes last. */
function inKindOrder(keys: readonly string[]): string[] {
  const order = new Map<string, number>(KINDS.map((k, i) => [k.kind, i]));
  return [...keys].sort((a, b) => (order.get(a) ?? KINDS.length) - (order.get(b) ?? KINDS.length) || a.localeCompare(b));
}

/** "1 person", "3 contacts", as the kind names one and many. */
function kindCount(kind: string, n: number): string {
  const known = KINDS.some((k) => k.kind === kind);
  if (!known) return count(n, kind);
  const description = kindOf(kind as Kind);
  return count(n, description.label, description.plural);
}

/** What went in a file, kind by kind: "1 person, 3 contacts and 1 concern". */
export function kindsText(kinds: { [kind in string]?: number }): string {
  const keys = inKindOrder(Object.keys(kinds).filter((k) => (kinds[k] ?? 0) > 0));
  return listText(keys.map((k) => kindCount(k, kinds[k] ?? 0)));
}

/** What a file written for `name` held, and where it is. */
export function sentText(done: ExportDone, name: string): string {
  const what = kindsText(done.summary.kinds);
  const went =
    done.summary.events === 0 || what === ""
      ? `Nothing new went: ${name} has confirmed having all your changes. The file tells them what you have received from them.`
      : `What went, counting each change: ${what}.`;
  return `${went} Saved as ${done.fileName} in ${done.folder}. Only ${name} (and you) can open it.`;
}

/** Why writing the file failed; stopping is said plainly. */
export function exportFailureText(error: UiError): string {
  return error.kind === "cancelled" ? "Stopped. Nothing was written." : sentence(error.message);
}

/** Where a card was saved, and what to do with it. */
export function savedCardText(saved: SavedFile): string {
  return `Saved as ${saved.fileName} in ${saved.folder}. Give this file to the person you exchange with.`;
}

/** "1 new supervision note", "2 updates to contacts". */
function kindChanges(kind: string, n: { new: number; updated: number }): string[] {
  const parts: string[] = [];
  const known = KINDS.some((k) => k.kind === kind);
  const label = known ? kindOf(kind as Kind).label : kind;
  const plural = known ? kindOf(kind as Kind).plural : `${kind}s`;
  if (n.new > 0) parts.push(`${n.new} new ${n.new === 1 ? label : plural}`);
  if (n.updated > 0) {
    const article = /^[aeiou]/i.test(label) ? "an" : "a";
    parts.push(n.updated === 1 ? `1 update to ${article} ${label}` : `${n.updated} updates to ${plural}`);
  }
  return parts;
}

/** What an import noticed, in plain words (as the core's ImportNotice::words says it, without the command line). */
export function noticeText(notice: ImportNotice): string {
  switch (notice.kind) {
    case "clockAhead":
      return (
        `${notice.sender}'s computer clock seems to be ${aheadBy(notice.minutes)} ahead of this one, so what they ` +
        `write is dated in the future. Their changes were brought in all the same; ask them to check the date and ` +
        `time on their computer.`
      );
    case "changesClash": {
      const one = notice.changes === 1;
      return (
        `${count(notice.changes, "change")} in ${notice.sender}'s file ${one ? "was" : "were"} not brought in: ` +
        `${notice.sender}'s journal seems to have been copied and used on two computers. Ask ${notice.sender} to ` +
        `give one of the copies a device of its own, and then to send you everything again.`
      );
    }
    case "deviceShared":
      return (
        `${notice.sender} holds changes numbered as this computer's own that your journal does not have: your ` +
        `journal seems to have been copied, or restored from a backup, and used on two computers. Until this copy ` +
        `is given a device of its own, what you write here may not reach ${notice.sender}.`
      );
  }
}

/** What bringing in a file did, in words: what was new or changed, what to look at, and what was noticed. */
export interface ImportWords {
  /** "Brought in from Morgan: 1 new supervision note and 1 new acknowledgement." */
  lead: string;
  /** How many records now wait for a choice (changed in two places). */
  conflicts: number;
  /** The line about them; "" when there are none. */
  conflictsLine: string;
  notices: string[];
}

export function importWords(summary: ImportSummary): ImportWords {
  if (summary.alreadyImported) return { lead: "Already brought in; nothing changed.", conflicts: 0, conflictsLine: "", notices: [] };
  const parts = inKindOrder(Object.keys(summary.kinds)).flatMap((kind) => {
    const counts = summary.kinds[kind];
    return counts === undefined ? [] : kindChanges(kind, counts);
  });
  if (summary.erased > 0) {
    parts.push(`${count(summary.erased, "person", "people")} forgotten here, as in ${summary.sender}'s journal`);
  }
  const lead =
    parts.length === 0
      ? `Brought in from ${summary.sender}: nothing new, you had all of it already.`
      : `Brought in from ${summary.sender}: ${listText(parts)}.`;
  const conflicts = Object.values(summary.kinds).reduce((n, c) => n + (c?.conflicts ?? 0), 0);
  const conflictsLine =
    conflicts === 0
      ? ""
      : `${conflicts === 1 ? "1 record was" : `${conflicts} records were`} changed in two places at once: choose which version to keep.`;
  return { lead, conflicts, conflictsLine, notices: summary.notices.map(noticeText) };
}

/** Why a file could not be brought in: the journal's words, then that nothing changed (unless they say so). */
export function importFailureText(error: UiError): string {
  if (error.kind === "cancelled") return "Stopped. Nothing was changed.";
  const said = sentence(error.message);
  return /nothing (was|has been) (changed|imported|brought in)/i.test(said) ? said : `${said} Nothing was changed.`;
}

/**
 * What "Bring them all in" came to, said once at its end (each file's own
 * result is beside it): "Done: 10 files brought in, 1 file you had already
 * and 1 file refused, with why beside it."
 */
export function allDoneText(tally: Tally): string {
  const parts: string[] = [];
  if (tally.brought > 0) parts.push(`${count(tally.brought, "file")} brought in`);
  if (tally.already > 0) parts.push(`${count(tally.already, "file")} you had already`);
  if (tally.refused > 0) parts.push(`${count(tally.refused, "file")} refused, with why beside ${tally.refused === 1 ? "it" : "each"}`);
  // Those not brought in, had or refused: not reached after Stop, or not tried (something else was running).
  const left = tally.files - tally.brought - tally.already - tally.refused;
  const ended = tally.stopped ? "Stopped" : "Done";
  if (left <= 0) return parts.length === 0 ? `${ended}.` : `${ended}: ${listText(parts)}.`;
  const rest = `${count(left, "file was", "files were")} left as ${left === 1 ? "it was" : "they were"}, to bring in later.`;
  return parts.length === 0 ? `${ended}: ${rest}` : `${ended}: ${listText(parts)}. ${rest.charAt(0).toUpperCase()}${rest.slice(1)}`;
}

/** What a card's receipts prove they have: never more. */
export function receiptText(peer: PeerStatus): string {
  if (peer.receivedAt === null) return `${peer.name} has not confirmed receiving anything from you yet.`;
  return `${peer.name} received your changes up to the file of yours they brought in on ${friendlyAt(peer.receivedAt)}.`;
}

/** What has not reached them, as far as their receipts say. */
export function waitingText(peer: PeerStatus): string {
  if (peer.waitingChanges <= 0) return "Nothing waiting to go to them.";
  const waiting = `${count(peer.waitingChanges, "change")} waiting to go to them`;
  // Once a file was written for them, some may be in it: not yet brought in, or brought in with no receipt back yet.
  return peer.lastSent === null ? `${waiting}.` : `${waiting}, or in a file they have not confirmed yet.`;
}

/** "Morgan (supervisor)". */
export function whoText(name: string, role: Role): string {
  return `${name} (${role})`;
}

/** The card preselected: the one asked for (from Volunteers), else a volunteer's only supervisor, else the first. */
export function preselected(trusted: readonly PeerStatus[], role: Role | null | undefined, to?: Fingerprint): PeerStatus | undefined {
  const asked = trusted.find((p) => sameFingerprint(p.fingerprint, to));
  if (asked !== undefined) return asked;
  const supervisors = trusted.filter((p) => p.role === "supervisor");
  if (role === "volunteer" && supervisors.length === 1) return supervisors[0];
  return trusted[0];
}

/** Whether a file is one to bring in (a bundle, not in yet). */
function toBringIn(file: ExchangeFile): boolean {
  return file.what.kind === "bundle" && !file.what.look.alreadyImported;
}

function sender(file: ExchangeFile): { name: string; role: Role; here: boolean } {
  return file.what.kind === "bundle"
    ? { name: file.what.look.sender, role: file.what.look.senderRole, here: file.what.look.fromThisJournal }
    : { name: "", role: "volunteer", here: false };
}

export const EXCHANGE_WORDS = {
  nobodyToSend:
    "To send your changes, you first need the card of the person you send them to, checked with them. When they give you their card, put it in the exchange folder (or drop it on this window), and check it under Cards below.",
  noFiles:
    "Files others send you appear here once they are saved into the exchange folder, dropped on this window, or chosen with Choose files from elsewhere.",
  noCards:
    "When someone gives you their card, put it in the exchange folder (or drop it on this window), and it appears here for you to check.",
  nobody: "No one yet. Once you add someone's card, they are listed here with what they have received from you.",
  chooseSomeone: "Please choose whom to send your changes to.",
} as const;

// ---------------------------------------------------------------- Screen

export function Exchange({ to }: RouteOf<"exchange">) {
  const title = useFocusOnMount<HTMLHeadingElement>();
  useEffect(() => {
    void readOverview();
    void readFiles();
  }, []);
  const view = overview.value;
  const failed = overviewError.value;
  return (
    <>
      <section class="intro exchange-intro">
        <h1 ref={title} tabIndex={-1}>
          Exchange files
        </h1>
        <p class="lead">
          Files carry your changes to the person you choose, and theirs to you, on a USB stick or through a shared folder.
          Each file is encrypted so that only that person (and you) can open it.
        </p>
        {view === null ? (
          <p class="hint" role="status">
            {failed === "" ? "Looking…" : ""}
          </p>
        ) : (
          <p id="exchange-folder">
            Files are saved to, and looked for in,{" "}
            <code id="exchange-folder-name" translate={false}>
              {view.folder}
            </code>
            .{" "}
            <button id="exchange-change-folder" type="button" class="button button-link" onClick={() => navigate({ name: "settings" })}>
              Change the folder
            </button>
          </p>
        )}
        <p id="exchange-overview-error" class="message message-error" role="alert">
          {view === null ? failed : ""}
        </p>
        {view === null && failed !== "" ? (
          <div class="actions">
            <button id="exchange-overview-retry" type="button" class="button button-quiet" onClick={() => void readOverview()}>
              Try again
            </button>
          </div>
        ) : null}
      </section>
      {view === null ? null : <Send view={view} to={to} />}
      <Files />
      {view === null ? null : <Cards view={view} />}
      {view === null ? null : <People view={view} />}
    </>
  );
}

/** A section of the screen: a card with its heading. */
function Section({ id, title, children }: { id: string; title: string; children: ComponentChildren }) {
  return (
    <section class="card exchange-section" id={id} aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{title}</h2>
      {children}
    </section>
  );
}

/**
 * Moves focus to `target` when `when` turns true and focus has been lost
 * (the button pressed has gone), or was inside `within`.
 */
function useFocusAfter(when: boolean, target: { current: HTMLElement | null }, within?: { current: HTMLElement | null }): void {
  const before = useRef(when);
  useLayoutEffect(() => {
    const turned = when && !before.current;
    before.current = when;
    if (!turned) return;
    const active = document.activeElement;
    const lost = active === null || active === document.body;
    if (lost || (within?.current?.contains(active) ?? false)) target.current?.focus();
  }, [when]);
}

// ---------------------------------------------------------------- Send

function Send({ view, to }: { view: ExchangeOverview; to: Fingerprint | undefined }) {
  const trusted = view.peers.filter((p) => p.revokedAt === null);
  return (
    <Section id="exchange-send" title="Send your changes">
      {trusted.length === 0 ? (
        <p id="exchange-send-nobody">{EXCHANGE_WORDS.nobodyToSend}</p>
      ) : (
        <SendForm trusted={trusted} to={to} />
      )}
      <SendOutcome />
    </Section>
  );
}

function SendForm({ trusted, to: asked }: { trusted: readonly PeerStatus[]; to: Fingerprint | undefined }) {
  const first = preselected(trusted, appState.value?.role, asked);
  const form = useForm<"to" | "full">("exchange-send-form", { to: first?.fingerprint ?? "", full: NO });
  const to = form.values.to;
  // As cards are added and revoked, the choice follows the preselection (a
  // supervisor's card just added), unless the person chose another that is
  // still trusted.
  const offered = useRef(first?.fingerprint ?? "");
  const fingerprints = trusted.map((p) => p.fingerprint).join(" ");
  useLayoutEffect(() => {
    const next = first?.fingerprint ?? "";
    const chosenByThem = to.peek() !== offered.current && trusted.some((p) => p.fingerprint === to.peek());
    offered.current = next;
    if (!chosenByThem) to.value = next;
  }, [fingerprints]);

  async function send({ to: chosen, full }: Values<"to" | "full">): Promise<void> {
    const peer = trusted.find((p) => p.fingerprint === chosen);
    if (peer === undefined) throw new FormProblem("to", EXCHANGE_WORDS.chooseSomeone);
    await sendTo(peer, full === YES);
  }

  const running = job.value;
  const writing = running?.job === "export";
  return (
    <Form
      form={form}
      bare
      labelledBy="exchange-send-title"
      send={send}
      fieldFor={() => "to"}
      actions={
        <>
          <button
            id="exchange-send-submit"
            type="submit"
            class={writing ? "button button-primary is-busy" : "button button-primary"}
            disabled={running !== null}
            aria-busy={writing ? "true" : undefined}
          >
            {writing ? "Writing the file…" : "Write the file"}
          </button>
          {writing ? (
            <span class="exchange-running">
              <ProgressBar id="exchange-send-progress" label="Writing the file" report={progress.value} />
              <button id="exchange-send-stop" type="button" class="button button-quiet" onClick={stopJob}>
                Stop
              </button>
            </span>
          ) : null}
        </>
      }
    >
      <SelectField
        form={form}
        name="to"
        id="exchange-send-to"
        label="Send to"
        hint="What they have not yet confirmed receiving goes in the file: new records and changes."
        options={trusted.map((p) => ({ value: p.fingerprint, label: whoText(p.name, p.role) }))}
      />
      <CheckboxField
        form={form}
        name="full"
        id="exchange-send-full"
        label="Send everything again"
        hint="Only if a file went missing: the file then holds all your changes, not only those they have not confirmed."
      />
    </Form>
  );
}

/** What the last file written held and where it is, or why it was not written. */
function SendOutcome() {
  const outcome = exported.value;
  return (
    <>
      <p id="exchange-send-failed" class="message message-error" role="alert">
        {outcome?.state === "failed" ? exportFailureText(outcome.error) : ""}
      </p>
      <p id="exchange-sent" class="message message-status exchange-outcome" role="status">
        {outcome?.state === "done" ? sentText(outcome.done, outcome.to.name) : ""}
      </p>
    </>
  );
}

// ---------------------------------------------------------------- Files to bring in

/** The files to list: those to bring in now, and those brought in (or tried) since the journal opened, newest first. */
function rowsOf(found: readonly ExchangeFile[], tried: ReadonlyMap<string, ImportEntry>): ExchangeFile[] {
  const rows = new Map<string, ExchangeFile>();
  for (const file of found) if (toBringIn(file)) rows.set(file.token, file);
  for (const [token, entry] of tried) if (!rows.has(token)) rows.set(token, entry.file);
  return [...rows.values()].sort((a, b) => b.modified.localeCompare(a.modified) || a.name.localeCompare(b.name));
}

function Files() {
  const found = files.value;
  const tried = imports.value;
  const running = job.value;
  const list = found ?? [];
  const rows = rowsOf(list, tried);
  const pending = new Set(list.filter(toBringIn).map((f) => f.token));
  // What "Bring them all in" brings: listed to bring in, and not brought in since.
  const waiting = rows.filter((f) => pending.has(f.token) && tried.get(f.token)?.result.state !== "done");
  const problems = list.filter((f) => f.what.kind === "problem");
  const already = list.filter((f) => f.what.kind === "bundle" && f.what.look.alreadyImported && !tried.has(f.token)).length;
  const error = filesError.value;
  const run = allRun.value;
  const bringingAll = run !== null && run.ended === null;
  // Its Stop gone, focus goes to what the run came to (unless the person has moved on).
  const allSaid = useRef<HTMLParagraphElement>(null);
  useFocusAfter(run !== null && run.ended !== null, allSaid);
  return (
    <Section id="exchange-files" title="Files to bring in">
      <p id="exchange-files-looking" class="hint exchange-looking" role="status">
        {looking.value && found === null ? "Looking…" : ""}
      </p>
      {found !== null && rows.length === 0 && problems.length === 0 ? (
        <p id="exchange-files-empty" class="empty-line">
          {EXCHANGE_WORDS.noFiles}
        </p>
      ) : null}
      {rows.length === 0 ? null : (
        <ul class="record-list exchange-list" id="exchange-files-list" aria-label="Files to bring in">
          {rows.map((file, i) => (
            <FileRow key={file.token} file={file} index={i} entry={tried.get(file.token)} pending={pending.has(file.token)} idle={running === null} />
          ))}
        </ul>
      )}
      {already === 0 ? null : (
        <p id="exchange-files-already" class="hint exchange-already">
          {already === 1 ? "1 file in the folder was brought in already." : `${already} files in the folder were brought in already.`}
        </p>
      )}
      <p id="exchange-files-error" class="message message-error" role="alert">
        {error}
      </p>
      {bringingAll ? <AllRunning /> : null}
      <div class="actions">
        {!bringingAll && waiting.length >= 2 ? (
          <button id="exchange-bring-all" type="button" class="button button-primary" disabled={running !== null} onClick={() => void bringInAll(waiting)}>
            Bring them all in
          </button>
        ) : null}
        <button
          id="exchange-look-again"
          type="button"
          class={looking.value ? "button button-quiet is-busy" : "button button-quiet"}
          aria-busy={looking.value ? "true" : undefined}
          onClick={() => void readFiles()}
        >
          Look in the folder again
        </button>
        <button id="exchange-choose" type="button" class="button button-quiet" onClick={() => void chooseFiles()}>
          Choose files from elsewhere…
        </button>
      </div>
      <p ref={allSaid} id="exchange-all-result" class="message message-status exchange-outcome" role="status" tabIndex={-1}>
        {run === null || run.ended === null ? "" : allDoneText(tallyOf(run, tried))}
      </p>
      {problems.length === 0 ? null : (
        <div class="exchange-problems">
          <h3 id="exchange-problems-title" class="exchange-subtitle">
            Files that can't be brought in
          </h3>
          <ul class="record-list exchange-list" id="exchange-problems-list" aria-labelledby="exchange-problems-title">
            {problems.map((file) => (
              <li key={file.token} class="exchange-item">
                <p class="exchange-item-title">
                  <code translate={false}>{file.name}</code>
                </p>
                <p class="exchange-reason">{file.what.kind === "problem" ? sentence(file.what.reason) : ""}</p>
              </li>
            ))}
          </ul>
        </div>
      )}
    </Section>
  );
}

/** "Bring them all in" running: one bar for all its files, and Stop (which takes focus as the run begins). */
function AllRunning() {
  const run = allRun.value;
  const stop = useRef<HTMLButtonElement>(null);
  // It takes the place of Bring them all in, which had focus.
  useLayoutEffect(() => {
    const active = document.activeElement;
    if (active === null || active === document.body) stop.current?.focus();
  }, []);
  if (run === null) return null;
  const overall = overallOf(run, progress.value);
  return (
    <div class="exchange-running" id="exchange-all-running">
      <ProgressBar id="exchange-all-progress" label={overallLabel(overall)} report={overall} valueText={overallText(overall)} />
      <button ref={stop} id="exchange-all-stop" type="button" class="button button-quiet" aria-label="Stop bringing them all in" onClick={stopJob}>
        Stop
      </button>
    </div>
  );
}

interface FileRowProps {
  file: ExchangeFile;
  index: number;
  entry: ImportEntry | undefined;
  /** Whether the folder lists it as still to bring in. */
  pending: boolean;
  /** Whether nothing else is running, so it may start. */
  idle: boolean;
}

function FileRow({ file, index, entry, pending, idle }: FileRowProps) {
  const id = `exchange-file-${index}`;
  const from = sender(file);
  const result = entry?.result;
  const running = result?.state === "running";
  const done = result?.state === "done" ? importWords(result.summary) : null;
  const failed = result?.state === "failed" ? importFailureText(result.error) : "";
  // Brought in by "Bring them all in": its bar and Stop are the run's, and its end speaks for every file, so this
  // file's own result is listed but not announced.
  const inRun = entry?.inRun ?? false;
  const row = useRef<HTMLLIElement>(null);
  const stop = useRef<HTMLButtonElement>(null);
  const said = useRef<HTMLDivElement>(null);
  // Bring in gives way to the progress and its Stop, which take focus; then to what it brought.
  useFocusAfter(running, stop, row);
  useFocusAfter(done !== null, said, row);
  // Refused or stopped: back to Bring in, to try again; the reason is announced.
  const again = useRef<HTMLButtonElement>(null);
  useFocusAfter(failed !== "", again, row);
  return (
    <li ref={row} class="exchange-item" aria-labelledby={`${id}-from`}>
      <p class="exchange-item-title" id={`${id}-from`}>
        From {whoText(from.name, from.role)}
        {from.here ? <span class="exchange-aside"> — your journal on another computer</span> : null}
      </p>
      <p class="hint">
        <code translate={false}>{file.name}</code> · <When value={file.modified} />
      </p>
      {running && inRun ? (
        <p id={`${id}-running`} class="hint exchange-bringing">
          Bringing it in…
        </p>
      ) : running ? (
        <div class="exchange-running">
          <ProgressBar id={`${id}-progress`} label={`Bringing in the file from ${from.name}`} report={progress.value} />
          <button ref={stop} id={`${id}-stop`} type="button" class="button button-quiet" onClick={stopJob}>
            Stop
          </button>
        </div>
      ) : null}
      <div ref={said} id={`${id}-result`} class="exchange-result" role={inRun ? undefined : "status"} tabIndex={-1}>
        {done === null ? null : (
          <>
            <p>{done.lead}</p>
            {done.conflictsLine === "" ? null : <p>{done.conflictsLine}</p>}
            {done.notices.map((notice) => (
              <p key={notice} class="exchange-notice">
                {notice}
              </p>
            ))}
          </>
        )}
      </div>
      {done !== null && done.conflicts > 0 ? (
        <button id={`${id}-conflicts`} type="button" class="button button-link" onClick={() => navigate({ name: "conflicts" })}>
          Choose what to keep
        </button>
      ) : null}
      {failed === "" ? null : (
        <p id={`${id}-error`} class="message message-error exchange-file-error" role={inRun ? undefined : "alert"}>
          {failed}
        </p>
      )}
      {done === null && !running && pending ? (
        <div class="actions">
          <button
            ref={again}
            id={`${id}-bring-in`}
            type="button"
            class="button button-quiet"
            aria-label={`Bring in the file from ${from.name}`}
            disabled={!idle}
            onClick={() => void bringIn(file)}
          >
            Bring in
          </button>
        </div>
      ) : null}
    </li>
  );
}

// ---------------------------------------------------------------- Cards

function Cards({ view }: { view: ExchangeOverview }) {
  const found = (files.value ?? []).filter((f) => f.what.kind === "card" && !f.what.trusted);
  const status = useSignal("");
  const statusNote = useRef<HTMLParagraphElement>(null);
  const focusStatus = useSignal(0);
  useLayoutEffect(() => {
    if (focusStatus.value > 0) statusNote.current?.focus();
  }, [focusStatus.value]);
  const said = (words: string, focus: boolean): void => {
    batch(() => {
      status.value = words;
      if (focus) focusStatus.value++;
    });
  };
  return (
    <Section id="exchange-cards" title="Cards">
      <p class="hint">
        A card lets two journals send each other files only they can open. Swap cards once with each person you exchange
        with, and check the fingerprint together.
      </p>
      <MyCard card={view.myCard} />
      <h3 class="exchange-subtitle" id="exchange-found-cards-title">
        Cards to check
      </h3>
      {found.length === 0 ? (
        <p class="empty-line" id="exchange-cards-empty">
          {files.value === null ? "" : EXCHANGE_WORDS.noCards}
        </p>
      ) : (
        <ul class="record-list exchange-list" id="exchange-cards-list" aria-labelledby="exchange-found-cards-title">
          {found.map((file, i) =>
            file.what.kind === "card" ? <CardToCheck key={file.token} file={file} card={file.what.card} index={i} said={said} /> : null,
          )}
        </ul>
      )}
      <p ref={statusNote} id="exchange-cards-status" class="message message-status exchange-outcome" role="status" tabIndex={-1}>
        {status.value}
      </p>
    </Section>
  );
}

function MyCard({ card }: { card: CardSummary }) {
  const task = useTask<SavedFile>();
  const { busy, error } = task;
  const save = () => task.run(() => api.saveMyCard());

  const file = task.done.value;
  return (
    <div class="exchange-my-card">
      <h3 class="exchange-subtitle" id="exchange-my-card-title">
        Your card
      </h3>
      <p class="exchange-fingerprint" id="exchange-my-fingerprint" translate={false}>
        {card.fingerprint}
      </p>
      <p class="hint" id="exchange-my-fingerprint-hint">
        This is your card's fingerprint. When you give someone your card, read it aloud to them, in person or on the phone,
        so they can check that the card they have is really yours.
      </p>
      <p id="exchange-save-card-error" class="message message-error" role="alert">
        {error.value}
      </p>
      <div class="actions">
        <button
          id="exchange-save-card"
          type="button"
          class={busy.value ? "button button-quiet is-busy" : "button button-quiet"}
          aria-busy={busy.value ? "true" : undefined}
          disabled={busy.value}
          onClick={save}
        >
          Save my card
        </button>
      </div>
      <p id="exchange-card-saved" class="message message-status exchange-outcome" role="status">
        {file === null ? "" : savedCardText(file)}
      </p>
    </div>
  );
}

interface Answer {
  id: string;
  label: string;
  onClick: () => void;
}

interface ConfirmProps {
  /** Prefix of the ids: `${id}-question`, `${id}-error`. */
  id: string;
  /** Whether it is open; Escape closes it (unless busy). */
  open: Signal<boolean>;
  /** Styled as a warning (something is taken away). */
  warning?: boolean;
  busy: boolean;
  error: string;
  questionRef: Ref<HTMLParagraphElement>;
  question: string;
  yes: Answer;
  no: Answer;
  /** What the question is about, above it. */
  children?: ComponentChildren;
}

/** An inline question (a group named by it), why it failed if it did, and its two answers. */
function Confirm({ id, open, warning = false, busy, error, questionRef, question, yes, no, children }: ConfirmProps) {
  return (
    <div
      class={warning ? "exchange-confirm exchange-confirm-warning" : "exchange-confirm"}
      role="group"
      aria-labelledby={`${id}-question`}
      onKeyDown={(event) => {
        if (event.key === "Escape" && !busy) {
          event.preventDefault();
          open.value = false;
        }
      }}
    >
      {children}
      <p ref={questionRef} id={`${id}-question`} class="exchange-question" tabIndex={-1}>
        {question}
      </p>
      <p id={`${id}-error`} class="message message-error" role="alert">
        {error}
      </p>
      <div class="actions">
        <button
          id={yes.id}
          type="button"
          class={busy ? "button button-primary is-busy" : "button button-primary"}
          aria-busy={busy ? "true" : undefined}
          disabled={busy}
          onClick={yes.onClick}
        >
          {yes.label}
        </button>
        <button id={no.id} type="button" class="button button-quiet" disabled={busy} onClick={no.onClick}>
          {no.label}
        </button>
      </div>
    </div>
  );
}

/** An inline question with its answers: takes focus as it opens, gives it back to `opener` as it closes; Escape closes. */
function useQuestion(open: Signal<boolean>) {
  const opener = useRef<HTMLButtonElement>(null);
  const question = useRef<HTMLParagraphElement>(null);
  const asked = useRef(false);
  useLayoutEffect(() => {
    if (open.value) question.current?.focus();
    else if (asked.current) opener.current?.focus();
    asked.current = open.value;
  }, [open.value]);
  return { opener, question };
}

interface CardToCheckProps {
  file: ExchangeFile;
  card: CardSummary;
  index: number;
  said: (words: string, focus: boolean) => void;
}

function CardToCheck({ file, card, index, said }: CardToCheckProps) {
  const id = `exchange-card-${index}`;
  const open = useSignal(false);
  const busy = useSignal(false);
  const error = useSignal("");
  const { opener, question } = useQuestion(open);

  function add(): void {
    if (busy.peek()) return;
    batch(() => {
      busy.value = true;
      error.value = "";
    });
    api.trustCard(file.token, card.fingerprint).then(
      () => {
        batch(() => {
          busy.value = false;
          open.value = false;
        });
        said(`${card.name}'s card is added.`, true);
        void readOverview();
        void readFiles();
      },
      (reason: unknown) => {
        batch(() => {
          busy.value = false;
          error.value = sentence(toUiError(reason).message);
        });
      },
    );
  }

  function decline(): void {
    open.value = false;
    said(
      `${card.name}'s card was not added. If the fingerprints do not match, this file may not really be ${card.name}'s: ask them for a fresh copy of their card, and check it together again.`,
      false,
    );
  }

  return (
    <li class="exchange-item" aria-labelledby={`${id}-name`}>
      <p class="exchange-item-title" id={`${id}-name`}>
        {whoText(card.name, card.role)}
      </p>
      <p class="hint">
        <code translate={false}>{file.name}</code> · <When value={file.modified} />
      </p>
      {open.value ? (
        <Confirm
          id={id}
          open={open}
          busy={busy.value}
          error={error.value}
          questionRef={question}
          question={`Does this match the fingerprint ${card.name} gave you, by phone or in person?`}
          yes={{ id: `${id}-add`, label: `Yes, it matches — add ${card.name}`, onClick: add }}
          no={{ id: `${id}-decline`, label: "No, don't add it", onClick: decline }}
        >
          <p>
            {card.name}'s card, as {card.role === "supervisor" ? "a supervisor" : "a volunteer"}, has this fingerprint:
          </p>
          <p class="exchange-fingerprint" id={`${id}-fingerprint`} translate={false}>
            {card.fingerprint}
          </p>
        </Confirm>
      ) : (
        <div class="actions">
          <button
            ref={opener}
            id={`${id}-check`}
            type="button"
            class="button button-quiet"
            onClick={() => {
              said("", false);
              open.value = true;
            }}
          >
            Check {card.name}'s card
          </button>
        </div>
      )}
    </li>
  );
}

// ---------------------------------------------------------------- People

function People({ view }: { view: ExchangeOverview }) {
  const peers = [...view.peers.filter((p) => p.revokedAt === null), ...view.peers.filter((p) => p.revokedAt !== null)];
  const status = useSignal("");
  const statusNote = useRef<HTMLParagraphElement>(null);
  const focusStatus = useSignal(0);
  useLayoutEffect(() => {
    if (focusStatus.value > 0) statusNote.current?.focus();
  }, [focusStatus.value]);
  return (
    <Section id="exchange-people" title="People you exchange with">
      {peers.length === 0 ? (
        <p class="empty-line" id="exchange-people-empty">
          {EXCHANGE_WORDS.nobody}
        </p>
      ) : (
        <ul class="record-list exchange-list" id="exchange-people-list" aria-labelledby="exchange-people-title">
          {peers.map((peer, i) => (
            <Peer
              key={peer.fingerprint}
              peer={peer}
              index={i}
              revoked={(words) => {
                batch(() => {
                  status.value = words;
                  focusStatus.value++;
                });
              }}
            />
          ))}
        </ul>
      )}
      <p ref={statusNote} id="exchange-people-status" class="message message-status exchange-outcome" role="status" tabIndex={-1}>
        {status.value}
      </p>
    </Section>
  );
}

function Peer({ peer, index, revoked }: { peer: PeerStatus; index: number; revoked: (words: string) => void }) {
  const id = `exchange-peer-${index}`;
  const open = useSignal(false);
  const busy = useSignal(false);
  const error = useSignal("");
  const { opener, question } = useQuestion(open);

  function revoke(): void {
    if (busy.peek()) return;
    batch(() => {
      busy.value = true;
      error.value = "";
    });
    api.revokeCard(peer.fingerprint).then(
      () => {
        batch(() => {
          busy.value = false;
          open.value = false;
        });
        revoked(`You no longer trust ${peer.name}'s card. Nothing more will go to them or come in from them.`);
        void readOverview();
        void readFiles();
      },
      (reason: unknown) => {
        batch(() => {
          busy.value = false;
          error.value = sentence(toUiError(reason).message);
        });
      },
    );
  }

  const gone = peer.revokedAt !== null;
  return (
    <li class={gone ? "exchange-item exchange-revoked" : "exchange-item"} aria-labelledby={`${id}-name`}>
      <p class="exchange-item-title" id={`${id}-name`}>
        {whoText(peer.name, peer.role)}
      </p>
      <p class="hint">
        Fingerprint{" "}
        <code class="exchange-fingerprint-small" translate={false}>
          {peer.fingerprint}
        </code>
      </p>
      {gone ? (
        <p id={`${id}-revoked`}>No longer trusted since {friendly(peer.revokedAt)}.</p>
      ) : (
        <>
          <p id={`${id}-received`}>{receiptText(peer)}</p>
          <p id={`${id}-waiting`}>{waitingText(peer)}</p>
          <p id={`${id}-last-received`}>
            {peer.lastReceived === null ? `No file from ${peer.name} has come in yet.` : `Their last file came in on ${friendlyAt(peer.lastReceived)}.`}
          </p>
          {peer.lastSent === null ? null : <p id={`${id}-last-sent`}>You last wrote a file for them on {friendlyAt(peer.lastSent)}.</p>}
          {open.value ? (
            <Confirm
              id={id}
              open={open}
              warning
              busy={busy.value}
              error={error.value}
              questionRef={question}
              question={
                `If you stop trusting ${peer.name}'s card, nothing more will be sent to them, and nothing more will be taken ` +
                "from them: files from them will be refused. What you already have from them stays in your journal."
              }
              yes={{ id: `${id}-revoke`, label: `Stop trusting ${peer.name}`, onClick: revoke }}
              no={{ id: `${id}-keep`, label: "Keep trusting", onClick: () => (open.value = false) }}
            />
          ) : (
            <div class="actions">
              <button ref={opener} id={`${id}-ask-revoke`} type="button" class="button button-quiet" onClick={() => (open.value = true)}>
                Stop trusting {peer.name}'s card…
              </button>
            </div>
          )}
        </>
      )}
    </li>
  );
}
