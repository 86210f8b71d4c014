// Route "settings": how the journal looks after itself, each part saved on
// its own and saying so beside it: the auto-lock, discreet mode, the
// passphrase, how long records are kept (and erasing what is due now),
// records changed in two places, the exchange folder, backing up, gathering
// everything kept about a person for them, and about the journal.
import { batch, useSignal } from "@preact/signals";
import { useLayoutEffect, useRef } from "preact/hooks";
import { api } from "../api";
import type { AppState } from "../bindings/AppState";
import type { BackupWritten } from "../bindings/BackupWritten";
import type { ExchangeOverview } from "../bindings/ExchangeOverview";
import type { FoundFile } from "../bindings/FoundFile";
import type { PersonId } from "../bindings/PersonId";
import type { PurgeReport } from "../bindings/PurgeReport";
import type { SubjectAccessWritten } from "../bindings/SubjectAccessWritten";
import { PAGE_SIZE } from "../components/PagedList";
import { StrengthHint } from "../components/StrengthHint";
import { When } from "../components/When";
import { toUiError } from "../errors";
import { overviewChanged } from "../exchange";
import { Form, FormProblem, SelectField, SubmitButton, TextField, useForm, type Values } from "../forms";
import { nameOf, people, refreshPeople } from "../people";
import { navigate } from "../routes";
import { appState } from "../state";
import { tooEasyMessage } from "../strength";
import { useFocusOnMount } from "./focus";
import { minutes, PASSPHRASE_HINT } from "./words";
import "./Settings.css";

/** The app's version, from ui/package.json. */
export const APP_VERSION: string =
  Object.values(import.meta.glob<string>("../../package.json", { eager: true, import: "version" }))[0] ?? "";

/** The idle-lock choices offered, in minutes. */
export const IDLE_CHOICES = [2, 5, 10, 15, 30, 60] as const;

/** How long after an ending records may be kept, in months. */
export const RETENTION_CHOICES = [6, 12, 24, 36, 60, 84] as const;

export const SETTINGS_MESSAGES = {
  folderMissing: "Please type the full name of the folder to use, such as the one of a USB stick.",
  currentMissing: "Please type the passphrase you use now.",
  wrongCurrent: "That is not the passphrase your journal opens with now. Please check it and type it again.",
  newMissing: "Please choose a new passphrase.",
  sameAsCurrent: "This is the passphrase you use now. Please choose a different one.",
  mismatch: "The two new passphrases are not the same yet. Please type them again.",
} as const;

/** The choices offered, with the value saved now among them even if it was set elsewhere. */
function withCurrent(choices: readonly number[], current: number, say: (n: number) => string): { value: string; label: string }[] {
  const all = [...choices];
  if (!all.includes(current)) all.push(current);
  all.sort((a, b) => a - b);
  return all.map((n) => ({ value: String(n), label: say(n) }));
}

/** "6 months", "1 year", "7 years". */
export function monthsText(n: number): string {
  if (n % 12 === 0) return n === 12 ? "1 year" : `${n / 12} years`;
  return n === 1 ? "1 month" : `${n} months`;
}

function peopleCount(n: number): string {
  return n === 1 ? "1 person" : `${n} people`;
}

/** What "Erase what is due now" did, in plain words. */
export function purgeText(report: PurgeReport): string {
  const lines: string[] = [];
  const erased = report.erasedPeople.length;
  if (erased === 0) lines.push("Nothing was due to be erased.");
  else {
    const records = report.erasedRecords === 1 ? "1 record" : `${report.erasedRecords} records`;
    lines.push(`Erased ${peopleCount(erased)} (${report.erasedPeople.map(nameOf).join(", ")}) and ${records} about them.`);
  }
  if (report.keptForOpenConcern > 0) {
    const kept = report.keptForOpenConcern;
    lines.push(`${peopleCount(kept)} past that time ${kept === 1 ? "was" : "were"} kept, because a concern about them is still open.`);
  }
  return lines.join(" ");
}

/** The journal's state: the route guard shows settings only while the journal is open. */
function current(): AppState {
  return appState.value as AppState;
}

export function Settings() {
  const title = useFocusOnMount<HTMLHeadingElement>();
  return (
    <>
      <section class="intro">
        <h1 ref={title} tabIndex={-1}>
          Settings
        </h1>
        <p class="lead">How your journal looks after itself. Each change is saved as you make it.</p>
      </section>
      <IdleLock />
      <Discreet />
      <Passphrase />
      <Retention />
      <ChangedInTwoPlaces />
      <ExchangeFolder />
      <Backup />
      <ExportPerson />
      <About />
    </>
  );
}

function IdleLock() {
  const state = current();
  const form = useForm<"minutes">("settings-idle", { minutes: String(state.idleLockMinutes) });
  const saved = useSignal("");

  async function send({ minutes: chosen }: Values<"minutes">): Promise<void> {
    saved.value = "";
    const next = await api.setIdleLockMinutes(Number(chosen));
    appState.value = next;
    saved.value = `Saved. The journal will lock after ${minutes(next.idleLockMinutes)} without use.`;
  }

  return (
    <section class="card settings-section" aria-labelledby="settings-idle-title">
      <h2 id="settings-idle-title">Locking by itself</h2>
      <p class="hint">So that nobody else can read it if you step away, your journal locks itself when it has not been used for a while.</p>
      <Form
        form={form}
        bare
        labelledBy="settings-idle-title"
        send={send}
        // The one field is what every refusal concerns; the choice goes back to what is saved.
        fieldFor={() => "minutes"}
        onFailed={() => {
          saved.value = "";
          form.values.minutes.value = String(appState.peek()?.idleLockMinutes ?? state.idleLockMinutes);
        }}
      >
        <SelectField
          form={form}
          name="minutes"
          id="settings-idle-minutes"
          label="Lock the journal after"
          after="without use"
          options={withCurrent(IDLE_CHOICES, state.idleLockMinutes, minutes)}
          submitOnPick
        />
        <p id="settings-idle-status" class="message message-status" role="status">
          {saved.value}
        </p>
      </Form>
    </section>
  );
}

function Discreet() {
  const state = current();
  const form = useForm<"on">("settings-discreet", { on: state.discreetMode ? "yes" : "no" });
  const saved = useSignal("");
  const error = form.errors.on.value;

  async function send({ on }: Values<"on">): Promise<void> {
    saved.value = "";
    const next = await api.setDiscreetMode(on === "yes");
    appState.value = next;
    saved.value = next.discreetMode
      ? "Saved. People are shown by their initials only."
      : "Saved. People are shown by the names you gave them.";
  }

  return (
    <section class="card settings-section" aria-labelledby="settings-discreet-title">
      <h2 id="settings-discreet-title">Discreet mode</h2>
      <Form
        form={form}
        bare
        labelledBy="settings-discreet-title"
        send={send}
        fieldFor={() => "on"}
        onFailed={() => {
          saved.value = "";
          form.values.on.value = appState.peek()?.discreetMode === true ? "yes" : "no";
        }}
      >
        <div class="settings-check">
          <input
            id="settings-discreet"
            name="settings-discreet"
            type="checkbox"
            checked={form.values.on.value === "yes"}
            aria-describedby={error === "" ? "settings-discreet-hint" : "settings-discreet-hint settings-discreet-error"}
            aria-invalid={error === "" ? undefined : "true"}
            onChange={(event) => {
              form.values.on.value = event.currentTarget.checked ? "yes" : "no";
              event.currentTarget.form?.requestSubmit();
            }}
          />
          <label for="settings-discreet">Show people by their initials only</label>
          <p id="settings-discreet-hint" class="hint">
            For when others might see your screen, on a bus or in a café: everywhere in the journal, people are named by
            their initials.
          </p>
        </div>
        {error === "" ? null : (
          <p id="settings-discreet-error" class="field-error">
            {error}
          </p>
        )}
        <p id="settings-discreet-status" class="message message-status" role="status">
          {saved.value}
        </p>
      </Form>
    </section>
  );
}

type PassphraseField = "current" | "next" | "again";

/** What must be fixed before the passphrase is changed; none when it can be. */
export function validatePassphraseChange({ current: now, next, again }: Values<PassphraseField>): FormProblem<PassphraseField>[] {
  const problems: FormProblem<PassphraseField>[] = [];
  if (now === "") problems.push(new FormProblem("current", SETTINGS_MESSAGES.currentMissing));
  if (next === "") problems.push(new FormProblem("next", SETTINGS_MESSAGES.newMissing));
  else if (next === now) problems.push(new FormProblem("next", SETTINGS_MESSAGES.sameAsCurrent));
  else if (next !== again) problems.push(new FormProblem("again", SETTINGS_MESSAGES.mismatch));
  return problems;
}

function Passphrase() {
  const form = useForm<PassphraseField>("settings-passphrase", { current: "", next: "", again: "" });
  const saved = useSignal("");

  async function send({ current: now, next }: Values<PassphraseField>): Promise<void> {
    saved.value = "";
    const judged = await api.passphraseStrength(next, null);
    if (!judged.acceptable) throw new FormProblem("next", tooEasyMessage(judged));
    try {
      await api.changePassphrase(now, next);
    } catch (reason) {
      const error = toUiError(reason);
      if (error.kind === "wrongPassphrase") throw new FormProblem("current", SETTINGS_MESSAGES.wrongCurrent);
      throw reason;
    }
    batch(() => {
      form.values.current.value = "";
      form.values.next.value = "";
      form.values.again.value = "";
      saved.value = "Saved. Your journal now opens with your new passphrase. Your recovery key still works, as before.";
    });
  }

  return (
    <section class="card settings-section" aria-labelledby="settings-passphrase-title">
      <h2 id="settings-passphrase-title">Your passphrase</h2>
      <Form
        form={form}
        bare
        labelledBy="settings-passphrase-title"
        check={validatePassphraseChange}
        send={send}
        fieldFor={(error) => (error.kind === "invalidInput" ? "next" : null)}
        actions={
          <SubmitButton form={form} id="settings-passphrase-submit" busyLabel="Changing your passphrase…">
            Change passphrase
          </SubmitButton>
        }
      >
        <TextField
          form={form}
          name="current"
          id="settings-current-passphrase"
          label="The passphrase you use now"
          type="password"
          autocomplete="current-password"
        />
        <TextField
          form={form}
          name="next"
          id="settings-new-passphrase"
          label="New passphrase"
          hint={PASSPHRASE_HINT}
          type="password"
          autocomplete="new-password"
        >
          <StrengthHint id="settings-strength" passphrase={form.values.next} />
        </TextField>
        <TextField
          form={form}
          name="again"
          id="settings-new-passphrase-again"
          label="Type the new passphrase again"
          type="password"
          autocomplete="new-password"
        />
      </Form>
      <p id="settings-passphrase-status" class="message message-status" role="status">
        {saved.value}
      </p>
    </section>
  );
}

function Retention() {
  const state = current();
  const form = useForm<"months">("settings-retention", { months: String(state.retentionMonths) });
  const saved = useSignal("");
  const kept = appState.value?.retentionMonths ?? state.retentionMonths;

  async function send({ months }: Values<"months">): Promise<void> {
    saved.value = "";
    const next = await api.setRetentionMonths(Number(months));
    appState.value = next;
    saved.value = `Saved. Records are kept for ${monthsText(next.retentionMonths)} after a relationship ends.`;
  }

  return (
    <section class="card settings-section" aria-labelledby="settings-retention-title">
      <h2 id="settings-retention-title">Keeping records</h2>
      <p class="hint">
        When someone’s support has ended, what you kept about them is erased this long after the ending, unless a concern
        about them is still open. Your journal checks each time you unlock it.
      </p>
      <Form
        form={form}
        bare
        labelledBy="settings-retention-title"
        send={send}
        fieldFor={() => "months"}
        onFailed={() => {
          saved.value = "";
          form.values.months.value = String(appState.peek()?.retentionMonths ?? state.retentionMonths);
        }}
      >
        <SelectField
          form={form}
          name="months"
          id="settings-retention-months"
          label="Keep records for"
          after="after a relationship ends"
          options={withCurrent(RETENTION_CHOICES, state.retentionMonths, monthsText)}
          submitOnPick
        />
        <p id="settings-retention-status" class="message message-status" role="status">
          {saved.value}
        </p>
      </Form>
      <PurgeNow months={kept} />
    </section>
  );
}

/** "Erase what is due now", asked twice, saying afterwards what it erased. */
function PurgeNow({ months }: { months: number }) {
  const confirming = useSignal(false);
  const busy = useSignal(false);
  const result = useSignal("");
  const error = useSignal("");
  const start = useRef<HTMLButtonElement>(null);
  const question = useRef<HTMLParagraphElement>(null);

  // The question takes focus as it opens; the button that asked it, as it closes.
  const asked = useRef(false);
  useLayoutEffect(() => {
    if (confirming.value) question.current?.focus();
    else if (asked.current) start.current?.focus();
    asked.current = confirming.value;
  }, [confirming.value]);

  function ask(): void {
    batch(() => {
      result.value = "";
      error.value = "";
      confirming.value = true;
    });
  }

  function cancel(): void {
    confirming.value = false;
  }

  function erase(): void {
    if (busy.peek()) return;
    busy.value = true;
    error.value = "";
    api.purgeNow().then(
      (report) => {
        batch(() => {
          busy.value = false;
          confirming.value = false;
          result.value = purgeText(report);
        });
        if (report.erasedPeople.length > 0) refreshPeople().catch(() => undefined);
      },
      (reason: unknown) => {
        batch(() => {
          busy.value = false;
          error.value = toUiError(reason).message;
        });
      },
    );
  }

  return (
    <div class="settings-purge">
      <h3 class="settings-subtitle">Erasing what is due</h3>
      <p class="hint">Your journal does this when you unlock it. You can also do it now.</p>
      {confirming.value ? (
        <div
          class="settings-confirm"
          role="group"
          aria-labelledby="settings-purge-question"
          onKeyDown={(event) => {
            if (event.key === "Escape" && !busy.peek()) {
              event.preventDefault();
              cancel();
            }
          }}
        >
          <p ref={question} id="settings-purge-question" class="settings-confirm-question" tabIndex={-1}>
            This erases, now, everyone whose support ended more than {monthsText(months)} ago, with everything you kept about
            them. It cannot be undone. Anyone with a concern still open is kept.
          </p>
          <p id="settings-purge-error" class="message message-error" role="alert">
            {error.value}
          </p>
          <div class="actions">
            <button
              id="settings-purge-confirm"
              type="button"
              class={busy.value ? "button button-primary is-busy" : "button button-primary"}
              aria-busy={busy.value ? "true" : undefined}
              disabled={busy.value}
              onClick={erase}
            >
              {busy.value ? "Erasing…" : "Yes, erase them now"}
            </button>
            <button id="settings-purge-cancel" type="button" class="button button-quiet" disabled={busy.value} onClick={cancel}>
              Not now
            </button>
          </div>
        </div>
      ) : (
        <div class="actions">
          <button ref={start} id="settings-purge" type="button" class="button button-quiet" onClick={ask}>
            Erase what is due now
          </button>
        </div>
      )}
      <p id="settings-purge-status" class="message message-status" role="status">
        {result.value}
      </p>
    </div>
  );
}

/** "3 records were changed…": how many records wait for a choice, with the way to them. */
export function conflictsText(n: number): string {
  if (n === 0) return "Nothing has been changed in two places at once. There is nothing to choose.";
  const count = n >= PAGE_SIZE ? `${PAGE_SIZE} or more records were` : n === 1 ? "1 record was" : `${n} records were`;
  return `${count} changed in two places at once. Choose which version to keep, and the other stays in the record’s history.`;
}

function ChangedInTwoPlaces() {
  const count = useSignal<number | null>(null);
  const error = useSignal("");

  useLayoutEffect(() => {
    let live = true;
    api.listConflicts({ limit: PAGE_SIZE, offset: 0 }).then(
      (found) => {
        if (live) count.value = found.length;
      },
      (reason: unknown) => {
        if (live) error.value = `This could not be checked just now. ${toUiError(reason).message}`;
      },
    );
    return () => {
      live = false;
    };
  }, []);

  const n = count.value;
  return (
    <section class="card settings-section" aria-labelledby="settings-conflicts-title">
      <h2 id="settings-conflicts-title">Changed in two places</h2>
      <p class="hint">If your journal is used on two computers, the same record can be changed on both before they catch up.</p>
      <p id="settings-conflicts-count" role="status">
        {n === null ? (error.value === "" ? "Checking…" : "") : conflictsText(n)}
      </p>
      <p id="settings-conflicts-error" class="message message-error" role="alert">
        {error.value}
      </p>
      {n !== null && n > 0 ? (
        <div class="actions">
          <button id="settings-conflicts-open" type="button" class="button button-quiet" onClick={() => navigate({ name: "conflicts" })}>
            Choose what to keep
          </button>
        </div>
      ) : null}
    </section>
  );
}

/** What the status beside the exchange folder says once it is chosen. */
export function exchangeFolderText(folder: string): string {
  return `Files will be saved to and looked for in ${folder}.`;
}

/** Where files to exchange are saved and looked for: any folder (a USB stick, a shared folder), or the app's own. */
function ExchangeFolder() {
  // The field shows once the folder in use is known, filled with it, so nothing typed meanwhile is overwritten.
  const loaded = useSignal<{ view: ExchangeOverview | null } | null>(null);
  const loadError = useSignal("");

  useLayoutEffect(() => {
    let live = true;
    api.exchangeOverview().then(
      (view) => {
        if (live) loaded.value = { view };
      },
      (reason: unknown) => {
        if (!live) return;
        batch(() => {
          loadError.value = `The folder in use could not be read just now. ${toUiError(reason).message}`;
          loaded.value = { view: null };
        });
      },
    );
    return () => {
      live = false;
    };
  }, []);

  const ready = loaded.value;
  return (
    <section class="card settings-section" aria-labelledby="settings-exchange-title">
      <h2 id="settings-exchange-title">Exchange folder</h2>
      <p class="hint">
        Where the files you send are saved, and where Peer Journal looks for the files others send you. It can be any
        folder: a USB stick, or a folder you share.
      </p>
      <p id="settings-exchange-load-error" class="message message-error" role="alert">
        {loadError.value}
      </p>
      {ready === null ? (
        <p class="hint" role="status">
          Looking…
        </p>
      ) : (
        <ExchangeFolderForm initial={ready.view} cleared={() => (loadError.value = "")} />
      )}
    </section>
  );
}

function ExchangeFolderForm({ initial, cleared }: { initial: ExchangeOverview | null; cleared: () => void }) {
  const form = useForm<"folder">("settings-exchange", { folder: initial?.folder ?? "" });
  const current = useSignal<ExchangeOverview | null>(initial);
  const saved = useSignal("");
  const resetting = useSignal(false);

  function chosen(view: ExchangeOverview): void {
    batch(() => {
      current.value = view;
      form.values.folder.value = view.folder;
      saved.value = exchangeFolderText(view.folder);
    });
    cleared();
    overviewChanged(view);
  }

  async function send({ folder }: Values<"folder">): Promise<void> {
    saved.value = "";
    chosen(await api.setExchangeFolder(folder.trim()));
  }

  function goBackToOwn(): void {
    if (resetting.peek() || form.busy.peek()) return;
    batch(() => {
      resetting.value = true;
      saved.value = "";
      form.errors.folder.value = "";
      form.formError.value = "";
    });
    api.setExchangeFolder("").then(
      (view) => {
        resetting.value = false;
        chosen(view);
      },
      (reason: unknown) => {
        batch(() => {
          resetting.value = false;
          form.formError.value = toUiError(reason).message;
        });
      },
    );
  }

  const view = current.value;
  return (
    <>
      <Form
        form={form}
        bare
        labelledBy="settings-exchange-title"
        check={({ folder }) => (folder.trim() === "" ? new FormProblem("folder", SETTINGS_MESSAGES.folderMissing) : null)}
        send={send}
        fieldFor={() => "folder"}
        actions={
          <>
            <SubmitButton form={form} id="settings-exchange-submit" busyLabel="Checking the folder…">
              Use this folder
            </SubmitButton>
            {view === null || view.folderIsDefault ? null : (
              <button
                id="settings-exchange-default"
                type="button"
                class={resetting.value ? "button button-quiet is-busy" : "button button-quiet"}
                aria-busy={resetting.value ? "true" : undefined}
                disabled={resetting.value}
                onClick={goBackToOwn}
              >
                Go back to the app's own folder
              </button>
            )}
          </>
        }
      >
        <TextField
          form={form}
          name="folder"
          id="settings-exchange-folder"
          label="Exchange folder"
          hint={view?.folderIsDefault === true ? "This is the app's own folder." : undefined}
          autocomplete="off"
        />
      </Form>
      <p id="settings-exchange-status" class="message message-status" role="status">
        {saved.value}
      </p>
    </>
  );
}

/** "540 KB", "2.3 MB": a file's size as people read it. */
export function sizeText(bytes: number): string {
  if (bytes < 1000) return bytes === 1 ? "1 byte" : `${bytes} bytes`;
  if (bytes < 1_000_000) return `${Math.round(bytes / 1000)} KB`;
  return `${(bytes / 1_000_000).toFixed(1)} MB`;
}

/** A file's name, from its path (either kind of slash). */
function fileName(path: string): string {
  return path.split(/[\\/]/).pop() ?? path;
}

/** Back up now, with the latest backup found, and how moving to another computer works. */
function Backup() {
  const state = current();
  const busy = useSignal(false);
  const latest = useSignal<FoundFile | null>(null);
  const written = useSignal<BackupWritten | null>(null);
  const error = useSignal("");

  useLayoutEffect(() => {
    let live = true;
    api.findBackups().then(
      (found) => {
        if (live) latest.value = found[0] ?? null;
      },
      // Only the line about the latest backup is missing then.
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, []);

  function backUp(): void {
    if (busy.peek()) return;
    batch(() => {
      busy.value = true;
      error.value = "";
      written.value = null;
    });
    api.backUpJournal().then(
      (backup) => {
        batch(() => {
          busy.value = false;
          written.value = backup;
          latest.value = null;
        });
      },
      (reason: unknown) => {
        batch(() => {
          busy.value = false;
          error.value = toUiError(reason).message;
        });
      },
    );
  }

  const done = written.value;
  const last = latest.value;
  return (
    <section class="card settings-section" aria-labelledby="settings-backup-title">
      <h2 id="settings-backup-title">Back up and move to another computer</h2>
      <p class="hint">
        A backup is a copy of your whole journal in one file, encrypted like the journal itself. It opens only with your
        recovery key, so keep them apart: the backup on a USB stick, the key on paper.
      </p>
      <p>
        Backups are written to{" "}
        <code id="settings-files-dir" translate={false}>
          {state.filesDir}
        </code>
      </p>
      {last === null ? null : (
        <p id="settings-backup-latest">
          Your latest backup there is from <When value={last.modified} />.
        </p>
      )}
      <p id="settings-backup-error" class="message message-error" role="alert">
        {error.value}
      </p>
      <div class="actions">
        <button
          id="settings-backup"
          type="button"
          class={busy.value ? "button button-primary is-busy" : "button button-primary"}
          aria-busy={busy.value ? "true" : undefined}
          disabled={busy.value}
          onClick={backUp}
        >
          {busy.value ? "Backing up…" : "Back up now"}
        </button>
      </div>
      <p id="settings-backup-status" class="message message-status" role="status">
        {done === null ? "" : `Backed up: ${fileName(done.path)} (${sizeText(done.bytes)}), in the folder above.`}
      </p>
      <p class="hint settings-backup-move">
        To move to another computer, take your latest backup there. Opening it on the new computer needs the backup file
        and your recovery key.
      </p>
    </section>
  );
}

/** The journal's people, A to Z by the name shown, as choices. */
function peopleChoices(): { value: string; label: string }[] {
  const out: { value: string; label: string }[] = [];
  for (const [id, record] of people.value) {
    const alias = record.fields["alias"];
    if (typeof alias === "string") out.push({ value: id, label: nameOf(alias) });
  }
  return out.sort((a, b) => a.label.localeCompare(b.label, "en-GB", { sensitivity: "base" }));
}

export const EXPORT_MESSAGES = {
  nobody: "Please choose whose records to gather.",
} as const;

/** Everything kept about one person, gathered into files they can be given. */
function ExportPerson() {
  const form = useForm<"person">("settings-export", { person: "" });
  const written = useSignal<SubjectAccessWritten | null>(null);
  const choices = peopleChoices();

  async function send({ person }: Values<"person">): Promise<void> {
    written.value = null;
    written.value = await api.exportPerson(person as PersonId);
  }

  const done = written.value;
  return (
    <section class="card settings-section" aria-labelledby="settings-export-title">
      <h2 id="settings-export-title">Export everything about a person</h2>
      <p class="hint">
        If someone you support asks to see what you have kept about them, this gathers it all: a page you can print for
        them, and the same in a file for a computer. It is worth talking it through with your supervisor first.
      </p>
      {choices.length === 0 ? (
        <p id="settings-export-nobody">There is no one in your journal yet.</p>
      ) : (
        <Form
          form={form}
          bare
          labelledBy="settings-export-title"
          check={({ person }) => (person === "" ? new FormProblem("person", EXPORT_MESSAGES.nobody) : null)}
          send={send}
          actions={
            <SubmitButton form={form} id="settings-export-submit" busyLabel="Gathering…">
              Gather their records
            </SubmitButton>
          }
        >
          <SelectField
            form={form}
            name="person"
            id="settings-export-person"
            label="Whose records"
            options={[{ value: "", label: "Choose someone" }, ...choices]}
          />
        </Form>
      )}
      <div id="settings-export-status" class="message message-status" role="status">
        {done === null ? null : (
          <>
            <p>
              {done.records === 1 ? "1 record was" : `${done.records} records were`} gathered, in the folder{" "}
              <code translate={false}>{current().filesDir}</code>:
            </p>
            <ul class="settings-files">
              <li>
                <code translate={false}>{fileName(done.html)}</code>, a page to print
              </li>
              <li>
                <code translate={false}>{fileName(done.json)}</code>, the same for a computer
              </li>
            </ul>
          </>
        )}
      </div>
    </section>
  );
}

function About() {
  const state = current();
  return (
    <section class="card settings-section" aria-labelledby="settings-about-title">
      <h2 id="settings-about-title">About</h2>
      <dl class="settings-about">
        <div class="settings-about-row">
          <dt>Version</dt>
          <dd id="settings-version">Peer Journal {APP_VERSION}</dd>
        </div>
        <div class="settings-about-row">
          <dt>Where your journal is kept</dt>
          <dd>
            <code id="settings-journal-dir" translate={false}>
              {state.journalDir}
            </code>
          </dd>
        </div>
        {state.fingerprint === null ? null : (
          <div class="settings-about-row">
            <dt>Your journal’s fingerprint</dt>
            <dd>
              <code id="settings-fingerprint" class="settings-fingerprint" translate={false}>
                {state.fingerprint}
              </code>
              <p class="hint">When someone takes in your card, they check it shows this, so they know it is yours.</p>
            </dd>
          </div>
        )}
      </dl>
    </section>
  );
}
