// Where focus starts when a screen opens: its heading (so screen readers
// begin there) or the field the person starts with.
import { useLayoutEffect, useRef } from "preact/hooks";

/** A ref for the element to focus as the screen opens. */
export function useFocusOnMount<E extends HTMLElement>() {
  const ref = useRef<E>(null);
  useLayoutEffect(() => {
    ref.current?.focus();
  }, []);
  return ref;
}
