// Across every screen of the demo journal: DEMO, that everyone in it is made
// up, and the way back to the person's own journal.
import { useSignal } from "@preact/signals";
import { api } from "../api";
import { toUiError } from "../errors";
import { arrive } from "../session";
import "./DemoBanner.css";

export function DemoBanner() {
  const busy = useSignal(false);
  const error = useSignal("");
  function leave(): void {
    if (busy.value) return;
    busy.value = true;
    api.leaveDemo().then(
      (state) => arrive(state),
      (reason: unknown) => {
        busy.value = false;
        error.value = toUiError(reason).message;
      },
    );
  }
  return (
    <section class="demo-banner" aria-label="Demo journal">
      <p>
        <strong class="demo-mark">DEMO</strong> Everyone here is made up. Nothing you do here touches your own journal.
      </p>
      <button type="button" class="button" aria-busy={busy.value ? "true" : undefined} disabled={busy.value} onClick={leave}>
        Leave the demo
      </button>
      {error.value === "" ? null : (
        <p class="message message-error" role="alert">
          {error.value}
        </p>
      )}
    </section>
  );
}
