// Route "today", the open journal. For now: a greeting, an honest empty state,
// what happened at unlock (retention, a clock ahead) and the idle-lock
// setting. Lock is in the header (app.tsx), as on every open screen.
import { useSignal } from "@preact/signals";
import { api } from "../api";
import type { AppState } from "../bindings/AppState";
import type { Role } from "../bindings/Role";
import { Form, SelectField, useForm, type Values } from "../forms";
import { appState } from "../state";
import { useFocusOnMount } from "./focus";
import { minutes } from "./words";
import "./Today.css";

/** The idle-lock choices offered, in minutes. */
export const IDLE_CHOICES = [2, 5, 10, 15, 30, 60] as const;

const ROLE_LINES: Record<Role, string> = {
  volunteer: "Volunteer journal",
  supervisor: "Supervisor journal",
};

function idleOptions(current: number): { value: string; label: string }[] {
  // A value set elsewhere (the command line allows 1 to 240) still shows truthfully.
  const choices: number[] = [...IDLE_CHOICES];
  if (!choices.includes(current)) choices.push(current);
  choices.sort((a, b) => a - b);
  return choices.map((n) => ({ value: String(n), label: minutes(n) }));
}

/** What the retention check did at unlock, said once, plainly. */
export function retentionText(erased: number, months: number): string {
  const who = erased === 1 ? "1 relationship" : `${erased} relationships`;
  return (
    `${who} that ended more than ${months} months ago ${erased === 1 ? "was" : "were"} erased from your journal ` +
    "when you unlocked it, as your journal keeps records for that long after an ending."
  );
}

/** "3 days", "5 hours", "40 minutes". */
export function aheadBy(minutesAhead: number): string {
  const plural = (n: number, unit: string) => (n === 1 ? `1 ${unit}` : `${n} ${unit}s`);
  if (minutesAhead >= 2 * 24 * 60) return plural(Math.floor(minutesAhead / (24 * 60)), "day");
  if (minutesAhead >= 2 * 60) return plural(Math.floor(minutesAhead / 60), "hour");
  return plural(minutesAhead, "minute");
}

export function Today() {
  const title = useFocusOnMount<HTMLHeadingElement>();
  // The route guard shows home only while the journal is open, so the state is there.
  const state = appState.value as AppState;
  return (
    <>
      <section class="intro">
        <h1 ref={title} tabIndex={-1}>
          Hello, <span id="home-name">{state.name ?? ""}</span>
        </h1>
        {state.role === null ? null : (
          <p class="role" id="home-role">
            {ROLE_LINES[state.role]}
          </p>
        )}
      </section>
      {state.erasedAtUnlock > 0 ? (
        <section class="card notice" id="home-retention-note" role="status">
          <p>{retentionText(state.erasedAtUnlock, state.retentionMonths)}</p>
        </section>
      ) : null}
      {state.clockAheadMinutes === null ? null : (
        <section class="card notice" id="home-clock-note" role="status">
          <p>
            {`Your journal's clock is ${aheadBy(state.clockAheadMinutes)} ahead of this computer's: it has seen changes ` +
              "dated in the future, so what you write is dated after them for now. Check that this computer's date and " +
              "time are right."}
          </p>
        </section>
      )}
      <section class="card empty-state" aria-labelledby="home-ready-title">
        <h2 id="home-ready-title">Your journal is ready</h2>
        <p>It is encrypted and kept on this computer only.</p>
        <p>
          Recording your contacts, and the rest of your peer support work, arrives in a later version of Peer Journal.
          Until then there is nothing to fill in here.
        </p>
      </section>
      <Settings state={state} />
    </>
  );
}

/** The idle-lock setting, saved as soon as it is picked. */
function Settings({ state }: { state: AppState }) {
  const form = useForm<"minutes">("idle", { minutes: String(state.idleLockMinutes) });
  const saved = useSignal("");

  async function send({ minutes: chosen }: Values<"minutes">): Promise<void> {
    saved.value = "";
    const next = await api.setIdleLockMinutes(Number(chosen));
    appState.value = next;
    saved.value = `Saved. The journal will lock after ${minutes(next.idleLockMinutes)} without use.`;
  }

  return (
    <section class="card settings" aria-labelledby="home-settings-title">
      <h2 id="home-settings-title">Settings</h2>
      <Form
        form={form}
        bare
        labelledBy="home-settings-title"
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
          id="idle-minutes"
          label="Lock the journal after"
          after="without use"
          options={idleOptions(state.idleLockMinutes)}
          submitOnPick
        />
        <p id="idle-minutes-status" class="message message-status" role="status">
          {saved.value}
        </p>
      </Form>
      <p class="hint journal-dir">
        Kept in <code translate={false}>{state.journalDir}</code>
      </p>
    </section>
  );
}
