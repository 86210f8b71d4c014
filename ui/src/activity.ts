// Tells the backend the person is still here, so the idle lock does not close
// the journal under their hands. Pings are throttled: the backend only needs
// to hear about activity every so often, not on every mouse move.

export const TOUCH_INTERVAL_MS = 20_000;

const EVENTS = ["keydown", "pointerdown", "pointermove", "wheel"] as const;

export interface ActivityOptions {
  intervalMs?: number;
  now?: () => number;
}

/**
 * Calls `ping` on activity at most once per interval, counting from when
 * watching starts (opening the journal already counts as activity).
 * Returns a function that stops watching.
 */
export function watchActivity(target: EventTarget, ping: () => void, options: ActivityOptions = {}): () => void {
  const interval = options.intervalMs ?? TOUCH_INTERVAL_MS;
  const now = options.now ?? (() => Date.now());
  let last = now();
  const onActivity = (): void => {
    const t = now();
    if (t - last < interval) return;
    last = t;
    ping();
  };
  const listenerOptions: AddEventListenerOptions = { capture: true, passive: true };
  for (const type of EVENTS) target.addEventListener(type, onActivity, listenerOptions);
  return () => {
    for (const type of EVENTS) target.removeEventListener(type, onActivity, listenerOptions);
  };
}
