// Route "unlock": the locked journal. Opened with the passphrase, or, in the
// route's recovery-key mode, with the recovery key and a new passphrase. The
// two modes are two entries in the history, so Back (and "I remember my
// passphrase") returns from the second to the first.
import { useSignal } from "@preact/signals";
import { api } from "../api";
import { toUiError } from "../errors";
import { StrengthHint } from "../components/StrengthHint";
import { Form, FormProblem, SubmitButton, TextField, useForm, type Values } from "../forms";
import { formatKey, GROUP_COUNT, GROUP_LENGTH, looksLikeRecoveryKey } from "../recoveryKey";
import { back, canGoBack, navigate, type RouteOf } from "../routes";
import { arrive } from "../session";
import { appState } from "../state";
import { tooEasyMessage } from "../strength";
import { minutes, PASSPHRASE_HINT } from "./words";

export const UNLOCK_MESSAGES = {
  passphraseMissing: "Please type your passphrase.",
  keyMissing: "Please type your recovery key.",
  keyShape: `A recovery key has ${GROUP_COUNT * GROUP_LENGTH} letters and numbers, in ${GROUP_COUNT} groups of ${GROUP_LENGTH}. Please check it against your paper copy.`,
  newPassphraseMissing: "Please choose a new passphrase.",
  mismatch: "The two new passphrases are not the same yet. Please type them again.",
} as const;

/** Why the journal is locked, when it locked itself. */
export function idleNote(idleLockMinutes: number | null): string {
  return idleLockMinutes === null
    ? "Your journal locked itself after a while without use, to keep it private."
    : `Your journal locked itself after ${minutes(idleLockMinutes)} without use, to keep it private.`;
}

export function Unlock({ mode, lockedBy }: RouteOf<"unlock">) {
  // The demo's passphrase is no secret: it opens again with one press.
  if (appState.value?.demo === true) return <DemoLocked />;
  return mode === "recoveryKey" ? <WithRecoveryKey /> : <WithPassphrase idle={lockedBy === "idle"} />;
}

function DemoLocked() {
  return (
    <section class="panel">
      <div class="intro">
        <h1>The demo is locked</h1>
        <p>It locked itself, as a real journal does when it is left. Nothing in it is real.</p>
      </div>
      <TryAgain />
    </section>
  );
}

function TryAgain() {
  const busy = useSignal(false);
  const error = useSignal("");
  return (
    <>
      <button
        type="button"
        class="button button-primary"
        aria-busy={busy.value ? "true" : undefined}
        disabled={busy.value}
        onClick={() => {
          busy.value = true;
          api.openDemo().then(
            (state) => arrive(state),
            (reason: unknown) => {
              busy.value = false;
              error.value = toUiError(reason).message;
            },
          );
        }}
      >
        {busy.value ? "Opening the demo…" : "Open the demo again"}
      </button>
      <p class="message message-error" role="alert">
        {error.value}
      </p>
    </>
  );
}

function WithPassphrase({ idle }: { idle: boolean }) {
  const form = useForm<"passphrase">("unlock", { passphrase: "" });
  const state = appState.value;
  const name = state?.name ?? null;
  const note = idle ? idleNote(state?.idleLockMinutes ?? null) : null;

  async function send({ passphrase }: Values<"passphrase">): Promise<void> {
    arrive(await api.unlock(passphrase));
  }

  return (
    <section class="panel">
      <div class="intro">
        <h1>{name ? `Welcome back, ${name}` : "Welcome back"}</h1>
        {note === null ? null : (
          <p id="unlock-note" class="note" role="status">
            {note}
          </p>
        )}
        <p>{note === null ? "Your journal is locked. Your passphrase opens it." : "Your passphrase opens it again."}</p>
      </div>
      <Form
        form={form}
        label="Unlock with your passphrase"
        check={({ passphrase }) => (passphrase === "" ? new FormProblem("passphrase", UNLOCK_MESSAGES.passphraseMissing) : null)}
        send={send}
        // A wrong passphrase is typed again from the start: the field is emptied, and the message
        // (the form's, as it is about the attempt rather than what the field now holds) stays.
        focusOnFormError="passphrase"
        onFailed={(problem) => {
          if (problem.field === null) form.values.passphrase.value = "";
        }}
        actions={
          <SubmitButton form={form} id="unlock-submit" busyLabel="Unlocking…">
            Unlock
          </SubmitButton>
        }
      >
        <TextField
          form={form}
          name="passphrase"
          id="unlock-passphrase"
          label="Passphrase"
          type="password"
          autocomplete="current-password"
          describedBy={note === null ? undefined : "unlock-note"}
          focusOnMount
        />
      </Form>
      <p class="aside">
        <button
          id="unlock-use-recovery"
          type="button"
          class="button button-link"
          onClick={() => navigate({ name: "unlock", mode: "recoveryKey" })}
        >
          Forgotten your passphrase? Use your recovery key
        </button>
      </p>
    </section>
  );
}

type RecoverField = "key" | "passphrase" | "again";

/** What must be fixed before the key is tried; none when it can be. */
export function validateRecover({ key, passphrase, again }: Values<RecoverField>): FormProblem<RecoverField>[] {
  const problems: FormProblem<RecoverField>[] = [];
  if (key.trim() === "") problems.push(new FormProblem("key", UNLOCK_MESSAGES.keyMissing));
  else if (!looksLikeRecoveryKey(key)) problems.push(new FormProblem("key", UNLOCK_MESSAGES.keyShape));
  if (passphrase === "") problems.push(new FormProblem("passphrase", UNLOCK_MESSAGES.newPassphraseMissing));
  else if (passphrase !== again) problems.push(new FormProblem("again", UNLOCK_MESSAGES.mismatch));
  return problems;
}

function WithRecoveryKey() {
  const form = useForm<RecoverField>("recover", { key: "", passphrase: "", again: "" });

  async function send({ key, passphrase }: Values<RecoverField>): Promise<void> {
    const judged = await api.passphraseStrength(passphrase, null);
    if (!judged.acceptable) throw new FormProblem("passphrase", tooEasyMessage(judged));
    arrive(await api.unlockWithRecovery(formatKey(key), passphrase));
  }

  return (
    <section class="panel">
      <div class="intro">
        <h1>Use your recovery key</h1>
        <p>
          Your recovery key is the one you wrote down when you set up the journal. With it you can open the journal and
          choose a new passphrase.
        </p>
      </div>
      <Form
        form={form}
        label="Open with your recovery key"
        check={validateRecover}
        send={send}
        fieldFor={(error) => (error.kind === "badRecoveryKey" ? "key" : error.kind === "invalidInput" ? "passphrase" : null)}
        actions={
          <SubmitButton form={form} id="recover-submit" busyLabel="Opening…">
            Open my journal
          </SubmitButton>
        }
      >
        <TextField
          form={form}
          name="key"
          id="recover-key"
          label="Recovery key"
          hint={`${GROUP_COUNT} groups of ${GROUP_LENGTH} letters and numbers. Capitals, spaces and dashes do not matter.`}
          autocomplete="off"
          keyLike
          focusOnMount
        />
        <TextField
          form={form}
          name="passphrase"
          id="recover-passphrase"
          label="New passphrase"
          hint={PASSPHRASE_HINT}
          type="password"
          autocomplete="new-password"
        >
          <StrengthHint id="recover-strength" passphrase={form.values.passphrase} />
        </TextField>
        <TextField
          form={form}
          name="again"
          id="recover-passphrase-again"
          label="Type the new passphrase again"
          type="password"
          autocomplete="new-password"
        />
      </Form>
      <p class="aside">
        <button
          id="unlock-use-passphrase"
          type="button"
          class="button button-link"
          onClick={() => {
            if (canGoBack.peek()) back();
            else navigate({ name: "unlock", mode: "passphrase" }, { replace: true });
          }}
        >
          I remember my passphrase
        </button>
      </p>
    </section>
  );
}
