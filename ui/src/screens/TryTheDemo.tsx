// "Try it with made-up people": opens the demo journal, a journal of its own
// beside the person's (never mixed with it), from the first run and from
// Settings.
import { useSignal } from "@preact/signals";
import { api } from "../api";
import { toUiError } from "../errors";
import { arrive } from "../session";

export function TryTheDemo() {
  const busy = useSignal(false);
  const error = useSignal("");
  function open(): void {
    if (busy.value) return;
    busy.value = true;
    error.value = "";
    api.openDemo().then(
      (state) => arrive(state),
      (reason: unknown) => {
        busy.value = false;
        error.value = toUiError(reason).message;
      },
    );
  }
  return (
    <div class="other-start">
      <p>
        Not ready yet, or showing someone how it works? Try it with made-up people: a demo journal of its own, marked
        DEMO on every screen, that never mixes with a real one.
      </p>
      <button type="button" class="button" aria-busy={busy.value ? "true" : undefined} disabled={busy.value} onClick={open}>
        {busy.value ? "Opening the demo…" : "Try it with made-up people"}
      </button>
      <p class="message message-error" role="alert">
        {error.value}
      </p>
    </div>
  );
}
