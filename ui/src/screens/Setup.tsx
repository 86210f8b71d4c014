// Route "setup", the first run: say what the app is, then create the journal
// (name, role, passphrase). The recovery key comes next.
import { api } from "../api";
import type { Role } from "../bindings/Role";
import { StrengthHint } from "../components/StrengthHint";
import { ChoiceField, Form, FormProblem, SubmitButton, TextField, useForm, type ChoiceOption, type Values } from "../forms";
import { navigate } from "../routes";
import { arrive } from "../session";
import { TryTheDemo } from "./TryTheDemo";
import { tooEasyMessage } from "../strength";
import { useFocusOnMount } from "./focus";
import { PASSPHRASE_HINT } from "./words";

export const SETUP_MESSAGES = {
  nameMissing: "Please add your name. A first name is fine.",
  passphraseMissing: "Please choose a passphrase.",
  mismatch: "The two passphrases are not the same yet. Please type them again.",
} as const;

const ROLES: readonly (ChoiceOption & { value: Role })[] = [
  {
    value: "volunteer",
    label: "Volunteer",
    explanation: "I offer peer support and keep a journal of my contacts.",
  },
  {
    value: "supervisor",
    label: "Supervisor",
    explanation: "I support volunteers and review the journals they share with me.",
  },
];

type SetupField = "name" | "role" | "passphrase" | "again";

/** What must be fixed before the journal can be created; none when it can. */
export function validateSetup({ name, passphrase, again }: Values<SetupField>): FormProblem<SetupField>[] {
  const problems: FormProblem<SetupField>[] = [];
  if (name.trim() === "") problems.push(new FormProblem("name", SETUP_MESSAGES.nameMissing));
  if (passphrase === "") problems.push(new FormProblem("passphrase", SETUP_MESSAGES.passphraseMissing));
  else if (passphrase !== again) problems.push(new FormProblem("again", SETUP_MESSAGES.mismatch));
  return problems;
}

function isRole(value: string): value is Role {
  return ROLES.some((role) => role.value === value);
}

export function Setup() {
  const title = useFocusOnMount<HTMLHeadingElement>();
  const form = useForm<SetupField>("setup", { name: "", role: "volunteer", passphrase: "", again: "" });

  async function send({ name, role, passphrase }: Values<SetupField>): Promise<void> {
    // The core judges the passphrase (and would refuse a weak one anyway): asking first lets the form
    // say so beside the passphrase rather than after the work of creating.
    const judged = await api.passphraseStrength(passphrase, name.trim());
    if (!judged.acceptable) throw new FormProblem("passphrase", tooEasyMessage(judged));
    const created = await api.createJournal({ name: name.trim(), role: isRole(role) ? role : "volunteer", passphrase });
    arrive(created.state, { name: "recovery", recoveryKey: created.recoveryKey });
  }

  return (
    <>
      <section class="intro">
        <h1 ref={title} tabIndex={-1}>
          Welcome to Peer Journal
        </h1>
        <p class="lead">A private journal for your peer support work.</p>
        <p>
          Everything you keep here stays on this computer, encrypted with a passphrase that only you know. There is no
          account, and nothing leaves this computer unless you choose to share it.
        </p>
      </section>
      <Form
        form={form}
        labelledBy="setup-form-title"
        check={validateSetup}
        send={send}
        actions={
          <SubmitButton form={form} id="setup-submit" busyLabel="Creating your journal…">
            Create my journal
          </SubmitButton>
        }
      >
        <h2 id="setup-form-title">Set up your journal</h2>
        <TextField
          form={form}
          name="name"
          id="setup-name"
          label="Your name"
          hint="How the journal greets you. A first name is fine."
          autocomplete="given-name"
          maxLength={100}
        />
        <ChoiceField form={form} name="role" idPrefix="setup-role" legend="Your role" choices={ROLES} />
        <TextField
          form={form}
          name="passphrase"
          id="setup-passphrase"
          label="Choose a passphrase"
          hint={PASSPHRASE_HINT}
          type="password"
          autocomplete="new-password"
        >
          <StrengthHint id="setup-strength" passphrase={form.values.passphrase} name={form.values.name} />
        </TextField>
        <TextField
          form={form}
          name="again"
          id="setup-passphrase-again"
          label="Type the passphrase again"
          type="password"
          autocomplete="new-password"
        />
      </Form>
      <section class="card other-starts" aria-labelledby="setup-other-title">
        <h2 id="setup-other-title">Other ways to start</h2>
        <TryTheDemo />
        <div class="other-start">
          <p>Moving to this computer? Bring your journal back from a backup, with your recovery key.</p>
          <button type="button" class="button" onClick={() => navigate({ name: "restore" })}>
            Restore from a backup
          </button>
        </div>
      </section>
    </>
  );
}
