// Route "restore", from the first run: bring a journal back from a backup on
// this computer. The backups found in the files folder and on plugged-in
// drives are offered by name (or another file's path can be typed); the
// journal opens with its recovery key and a new passphrase, and becomes a new
// device of the same journal, so the computer it came from can go on too.
import { useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import { api } from "../api";
import type { FoundFile } from "../bindings/FoundFile";
import { StrengthHint } from "../components/StrengthHint";
import { ChoiceField, Form, FormProblem, SubmitButton, TextField, useForm, type Values } from "../forms";
import { formatKey, GROUP_COUNT, GROUP_LENGTH, looksLikeRecoveryKey } from "../recoveryKey";
import { arrive } from "../session";
import { appState } from "../state";
import { tooEasyMessage } from "../strength";
import { useFocusOnMount } from "./focus";
import { friendly } from "../dates";
import { PASSPHRASE_HINT } from "./words";

export const RESTORE_MESSAGES = {
  fileMissing: "Please choose a backup, or type where yours is.",
  keyMissing: "Please type your recovery key.",
  keyShape: `A recovery key has ${GROUP_COUNT * GROUP_LENGTH} letters and numbers, in ${GROUP_COUNT} groups of ${GROUP_LENGTH}. Please check it against your paper copy.`,
  passphraseMissing: "Please choose a new passphrase.",
  mismatch: "The two new passphrases are not the same yet. Please type them again.",
} as const;

/** The choice meaning "the file whose path I type". */
const OTHER = "other";

type RestoreField = "file" | "path" | "key" | "passphrase" | "again";

export function validateRestore(values: Values<RestoreField>): FormProblem<RestoreField>[] {
  const problems: FormProblem<RestoreField>[] = [];
  if (values.file === "" || (values.file === OTHER && values.path.trim() === "")) {
    problems.push(new FormProblem(values.file === OTHER ? "path" : "file", RESTORE_MESSAGES.fileMissing));
  }
  if (values.key.trim() === "") problems.push(new FormProblem("key", RESTORE_MESSAGES.keyMissing));
  else if (!looksLikeRecoveryKey(values.key)) problems.push(new FormProblem("key", RESTORE_MESSAGES.keyShape));
  if (values.passphrase === "") problems.push(new FormProblem("passphrase", RESTORE_MESSAGES.passphraseMissing));
  else if (values.passphrase !== values.again) problems.push(new FormProblem("again", RESTORE_MESSAGES.mismatch));
  return problems;
}

function sized(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / (1024 * 1024)).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1024))} KB`;
}

export function Restore() {
  const title = useFocusOnMount<HTMLHeadingElement>();
  const found = useSignal<FoundFile[] | null>(null);
  const form = useForm<RestoreField>("restore", { file: "", path: "", key: "", passphrase: "", again: "" });

  useEffect(() => {
    api.findBackups().then(
      (files) => {
        found.value = files;
        if (files[0] !== undefined && form.values.file.peek() === "") form.values.file.value = files[0].path;
        else if (files.length === 0) form.values.file.value = OTHER;
      },
      () => {
        found.value = [];
        form.values.file.value = OTHER;
      },
    );
  }, []);

  async function send(values: Values<RestoreField>): Promise<void> {
    const judged = await api.passphraseStrength(values.passphrase, null);
    if (!judged.acceptable) throw new FormProblem("passphrase", tooEasyMessage(judged));
    const path = values.file === OTHER ? values.path.trim() : values.file;
    arrive(await api.restoreBackup(path, formatKey(values.key), values.passphrase));
  }

  const files = found.value;
  const choices = [
    ...(files ?? []).map((f) => ({ value: f.path, label: f.name, explanation: `Saved ${friendly(f.modified)}, ${sized(f.bytes)} — ${f.path}` })),
    { value: OTHER, label: "Another file", explanation: "Type where it is below." },
  ];
  return (
    <>
      <section class="intro">
        <h1 ref={title} tabIndex={-1}>
          Restore from a backup
        </h1>
        <p>
          A backup holds your whole journal, still encrypted. It opens with the recovery key you wrote down when you
          set the journal up. This computer then keeps the journal as a computer of its own: the one it came from can
          go on being used too.
        </p>
      </section>
      <Form
        form={form}
        label="Restore from a backup"
        check={validateRestore}
        send={send}
        fieldFor={(error) => (error.kind === "badRecoveryKey" ? "key" : error.kind === "invalidInput" ? "path" : null)}
        actions={
          <SubmitButton form={form} id="restore-submit" busyLabel="Restoring…">
            Restore my journal
          </SubmitButton>
        }
      >
        {files === null ? (
          <p role="status">Looking for backups…</p>
        ) : (
          <>
            {files.length === 0 ? (
              <p>
                No backups were found in {appState.value?.filesDir ?? "your Peer Journal folder"} or on a plugged-in
                drive. If yours is somewhere else, type where it is.
              </p>
            ) : null}
            <ChoiceField form={form} name="file" idPrefix="restore-file" legend="Which backup" choices={choices} />
          </>
        )}
        {form.values.file.value === OTHER ? (
          <TextField
            form={form}
            name="path"
            id="restore-path"
            label="Where the backup is"
            hint="The whole path of the file, ending in .pjbackup."
            autocomplete="off"
          />
        ) : null}
        <TextField
          form={form}
          name="key"
          id="restore-key"
          label="Recovery key"
          hint={`${GROUP_COUNT} groups of ${GROUP_LENGTH} letters and numbers. Capitals, spaces and dashes do not matter.`}
          autocomplete="off"
          keyLike
        />
        <TextField
          form={form}
          name="passphrase"
          id="restore-passphrase"
          label="New passphrase"
          hint={PASSPHRASE_HINT}
          type="password"
          autocomplete="new-password"
        >
          <StrengthHint id="restore-strength" passphrase={form.values.passphrase} />
        </TextField>
        <TextField
          form={form}
          name="again"
          id="restore-passphrase-again"
          label="Type the new passphrase again"
          type="password"
          autocomplete="new-password"
        />
      </Form>
    </>
  );
}
