// Route "recovery", shown once, right after set-up: the recovery key, why it
// matters, and a check that the person has written it down. The key is a
// parameter of this route only; the route is never kept for Back (routes.ts),
// and leaving takes the key off the page.
import { useSignal } from "@preact/signals";
import { useLayoutEffect, useRef } from "preact/hooks";
import { api } from "../api";
import { Form, FormProblem, SubmitButton, TextField, useForm, type Values } from "../forms";
import { GROUP_LENGTH, matchesLastGroup } from "../recoveryKey";
import { homeRoute, navigate, type RouteOf } from "../routes";
import { useFocusOnMount } from "./focus";
import "./Recovery.css";

export const RECOVERY_MESSAGES = {
  empty: `Please type the last group of ${GROUP_LENGTH} characters from your copy.`,
  mismatch: "That is not the last group of the key. Please compare your copy with the key above, character by character.",
} as const;

/** How often the recovery screen tells the backend the journal is in use. */
export const KEEP_AWAKE_MS = 60_000;

export function Recovery({ recoveryKey }: RouteOf<"recovery">) {
  const title = useFocusOnMount<HTMLHeadingElement>();
  const keyEl = useRef<HTMLParagraphElement>(null);
  const copyStatus = useSignal("");
  const form = useForm<"typed">("recovery", { typed: "" });

  useLayoutEffect(() => {
    // The key is shown only once, and copying it by hand can take a while
    // without a key press: keep the idle lock from taking it away meanwhile.
    const keepAwake = setInterval(() => {
      api.touch().catch(() => undefined);
    }, KEEP_AWAKE_MS);
    const shown = keyEl.current;
    return () => {
      clearInterval(keepAwake);
      // The key is never shown again: take it off the page as the screen goes.
      if (shown !== null) shown.textContent = "";
    };
  }, []);

  const clipboard = typeof navigator !== "undefined" ? navigator.clipboard : undefined;
  const canCopy = clipboard !== undefined && typeof clipboard.writeText === "function";
  function copy(): void {
    clipboard?.writeText(recoveryKey).then(
      () => (copyStatus.value = "Copied. Paper is still the safest place to keep it."),
      () => (copyStatus.value = "Copying did not work here. Please write the key down by hand."),
    );
  }

  function check({ typed }: Values<"typed">): FormProblem<"typed"> | null {
    if (typed.trim() === "") return new FormProblem("typed", RECOVERY_MESSAGES.empty);
    if (!matchesLastGroup(recoveryKey, typed)) return new FormProblem("typed", RECOVERY_MESSAGES.mismatch);
    return null;
  }

  return (
    <>
      <section class="intro">
        <h1 ref={title} tabIndex={-1}>
          Your recovery key
        </h1>
        <p class="lead">If you ever forget your passphrase, this key is the only way back into your journal.</p>
      </section>
      <section class="card key-card" aria-labelledby="recovery-key-label">
        <p id="recovery-key-label" class="key-label">
          Recovery key
        </p>
        <p ref={keyEl} id="recovery-key" class="recovery-key" translate={false}>
          {recoveryKey}
        </p>
        {canCopy ? (
          <div class="actions actions-inline">
            <button id="recovery-copy" type="button" class="button button-quiet" onClick={copy}>
              Copy the key
            </button>
            <p id="recovery-copy-status" class="message message-status" role="status">
              {copyStatus.value}
            </p>
          </div>
        ) : null}
      </section>
      <ul class="key-points">
        <li>Write it down on paper now, and keep it somewhere safe, away from this laptop.</li>
        <li>
          Nobody else can open your journal without it: not your supervisor, and not the people who make Peer Journal.
        </li>
        <li>It is shown only this once.</li>
      </ul>
      <Form
        form={form}
        labelledBy="recovery-check-title"
        check={check}
        send={() => navigate(homeRoute())}
        actions={
          <SubmitButton form={form} id="recovery-confirm-submit" busyLabel="Checking…">
            I have written it down
          </SubmitButton>
        }
      >
        <h2 id="recovery-check-title">Check your copy</h2>
        <TextField
          form={form}
          name="typed"
          id="recovery-confirm-input"
          label="The last group of your key, from what you wrote down"
          hint={`The ${GROUP_LENGTH} characters after the last dash.`}
          autocomplete="off"
          keyLike
          maxLength={12}
        />
      </Form>
    </>
  );
}
