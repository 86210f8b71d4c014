// The record kinds as the screens read them: the one description the core
// exports (bindings/kinds.ts), looked up by kind and field. No field is
// described here; this only finds what the core says.
import type { FieldDescription } from "./bindings/FieldDescription";
import type { JournalRecord } from "./bindings/JournalRecord";
import type { Kind } from "./bindings/Kind";
import type { KindDescription } from "./bindings/KindDescription";
import { KINDS } from "./bindings/kinds";

const BY_KIND = new Map<Kind, KindDescription>(KINDS.map((k) => [k.kind, k]));

/** A kind's description. Every Kind has one (the core exports them all). */
export function kindOf(kind: Kind): KindDescription {
  const found = BY_KIND.get(kind);
  if (found === undefined) throw new Error(`no description of the kind ${kind}`);
  return found;
}

/** One field of a kind, if it has it. */
export function fieldOf(kind: Kind, name: string): FieldDescription | undefined {
  return kindOf(kind).fields.find((f) => f.name === name);
}

/** The words for a choice field's value ("home-visit" → "Home visit"); the value itself if it has none. */
export function choiceLabel(kind: Kind, field: string, value: unknown): string {
  const input = fieldOf(kind, field)?.input;
  if (input?.type === "choice") {
    const option = input.options.find((o) => o.value === value);
    if (option !== undefined) return option.label;
  }
  return typeof value === "string" ? value : String(value ?? "");
}

/** A record's field as text ("" when it has none). */
export function text(record: JournalRecord, field: string): string {
  const value = record.fields[field];
  return typeof value === "string" ? value : value === undefined || value === null ? "" : String(value);
}

/** Whether a service is no longer taking referrals (retired): its yes-or-no field, as the core reads it. */
export function isRetired(record: JournalRecord): boolean {
  return record.kind === "service" && record.fields["retired"] === true;
}

/** What a retired service is marked with where it shows: the field's own label, "No longer taking referrals". */
export function retiredLabel(): string {
  return fieldOf("service", "retired")?.label ?? "No longer taking referrals";
}

/** A kind's name as a heading or a title starts it: "Boundary agreement", "Supervision note". */
export function kindName(kind: Kind): string {
  const label = kindOf(kind).label;
  return label.charAt(0).toUpperCase() + label.slice(1);
}

/** "A contact", "An ending": the kind's label with its article, capitalised. */
export function aKind(kind: Kind): string {
  const label = kindOf(kind).label;
  const article = /^[aeiou]/i.test(label) ? "An" : "A";
  return `${article} ${label}`;
}

/**
 * What doing each kind is called, as the person would say it: the title of
 * its form, and the button that opens the form (a person's page, Today).
 */
export const KIND_ACTIONS: Record<Kind, string> = {
  person: "A new person",
  contact: "Log a contact",
  "boundary-agreement": "Record the ground rules you agreed",
  "boundary-issue": "Record a boundary issue",
  service: "Add a service to the directory",
  signpost: "Suggest a service",
  concern: "Raise a concern",
  ending: "Record an ending",
  reflection: "Write a reflection",
  "supervision-note": "Write a supervision note",
  acknowledgement: "Acknowledge a concern",
};
