// A stored date, moment or stamp in the page: a <time> element holding the
// value as kept, saying it the friendly way (dates.ts).
import { friendly } from "../dates";

/** A date as a <time> element, in its friendly form; nothing for nothing. */
export function When({ value, id }: { value: string | null; id?: string }) {
  if (value === null || value === "") return null;
  return (
    <time id={id} dateTime={value}>
      {friendly(value)}
    </time>
  );
}
