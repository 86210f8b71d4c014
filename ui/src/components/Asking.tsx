// What a screen says while it asks the journal for what it shows: "Looking…"
// (a polite status), why it could not (an alert), and Try again. The two
// messages are always in the page, empty when there is nothing to say, so a
// screen reader hears them when they change. Ids and classes are the
// screen's prefix and "-looking", "-error", "-retry".

interface AskingProps {
  /** The screen's prefix for ids and classes: "review", "charts", … */
  id: string;
  looking: boolean;
  /** Why the last ask failed, in the journal's words; null when it did not. */
  failed: string | null;
  /** Asks again. */
  onRetry: () => void;
}

export function Asking({ id, looking, failed, onRetry }: AskingProps) {
  return (
    <>
      <p id={`${id}-looking`} class={`hint looking ${id}-looking no-print`} role="status">
        {looking ? "Looking…" : ""}
      </p>
      <p id={`${id}-error`} class={`message message-error ${id}-error`} role="alert">
        {failed ?? ""}
      </p>
      {failed === null ? null : (
        <div class="actions no-print">
          <button id={`${id}-retry`} type="button" class="button button-quiet" onClick={onRetry}>
            Try again
          </button>
        </div>
      )}
    </>
  );
}
