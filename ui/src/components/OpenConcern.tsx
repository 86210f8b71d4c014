// What Today and Review share about concerns not yet acknowledged: the
// order they are shown in (the most urgent first), and a supervisor's way to
// acknowledge one (a new acknowledgement about it, about the same person).
// The record's own page offers the same move.
import type { ComponentChildren } from "preact";
import type { JournalRecord } from "../bindings/JournalRecord";
import { navigate, type Route } from "../routes";

const URGENCY_ORDER: Record<string, number> = { immediate: 0, high: 1, medium: 2, low: 3 };

/** The most urgent first; of the same urgency, as the journal gave them (newest first). */
export function urgentFirst(concerns: readonly JournalRecord[]): JournalRecord[] {
  const rank = (r: JournalRecord) => URGENCY_ORDER[String(r.fields["urgency"])] ?? 4;
  return concerns.map((r, i) => ({ r, i })).sort((a, b) => rank(a.r) - rank(b.r) || a.i - b.i).map(({ r }) => r);
}

/** Where acknowledging a concern goes: a new acknowledgement about it, for its person when it has one. */
export function acknowledging(concern: JournalRecord): Route {
  return concern.person === null
    ? { name: "new", kind: "acknowledgement", about: concern.id }
    : { name: "new", kind: "acknowledgement", about: concern.id, person: concern.person };
}

/** A supervisor's Acknowledge for one concern. */
export function AcknowledgeButton({ concern, id, children = "Acknowledge" }: { concern: JournalRecord; id?: string; children?: ComponentChildren }) {
  return (
    <button id={id} type="button" class="button button-quiet" onClick={() => navigate(acknowledging(concern))}>
      {children}
    </button>
  );
}
