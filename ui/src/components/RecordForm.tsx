// The form of any kind of record, built from the kinds' one description
// (bindings/kinds.ts, through kinds.ts): each field's question as its label,
// its help under it, "needed" said in words, its limits and its choices, as
// the core describes them. The screens (NewRecord, EditRecord) give it the
// values to start with and what to do with what is saved; it checks what it
// can before sending, shows the core's refusal beside the field it names,
// keeps a draft as the person types (drafts.ts), and throws the draft away
// once the record is saved. Nothing typed is cleared when saving fails.
//
// The form is for writing: Enter in a one-line field does nothing, and
// Ctrl+Enter saves from anywhere in it.
import { effect, useSignal } from "@preact/signals";
import type { ComponentChildren } from "preact";
import { useEffect, useLayoutEffect } from "preact/hooks";
import type { FieldDescription } from "../bindings/FieldDescription";
import type { FieldValues } from "../bindings/FieldValues";
import type { JournalRecord } from "../bindings/JournalRecord";
import type { Kind } from "../bindings/Kind";
import type { PersonId } from "../bindings/PersonId";
import { friendly, localTime } from "../dates";
import { useDraftKeeper } from "../drafts";
import { sentence, toUiError } from "../errors";
import {
  charCount,
  CheckboxField,
  ChoiceField,
  DateField,
  Form,
  FormProblem,
  LineField,
  MinutesField,
  NO,
  SelectField,
  SubmitButton,
  TextAreaField,
  useFocusTarget,
  YES,
  type FormModel,
  type Values,
} from "../forms";
import { kindOf } from "../kinds";
import { personName } from "../people";
import { appState } from "../state";
import { PersonPicker } from "./PersonPicker";
import { useVolunteers } from "./VolunteerSelect";
import { ServicePicker } from "./ServicePicker";
import "./RecordForm.css";

/** A record form's values: every field of its kind, as text (a choice's value, "true"/"false" for yes or no). */
export type RecordValues = Values<string>;

/** The id prefix of a record form: its fields are `record-<field name with dashes>`, its error region `record-error`. */
export const FORM_ID = "record";

/** The id of a field's control. */
export function fieldId(name: string): string {
  return `${FORM_ID}-${name.replace(/_/g, "-")}`;
}

// ---- Values, between the form and the journal ----

/** A stored value as the form holds it. */
export function formValue(field: FieldDescription, value: unknown): string {
  if (value === null || value === undefined) return "";
  if (field.input.type === "yesNo") {
    if (value === true || value === "true" || value === "yes") return YES;
    if (value === false || value === "false" || value === "no") return NO;
    return "";
  }
  return typeof value === "string" ? value : typeof value === "number" ? String(value) : "";
}

/** Every field of `kind` empty, then what `fields` gives (a record's, a draft's). */
export function valuesOf(kind: Kind, fields: FieldValues = {}): RecordValues {
  const values: RecordValues = {};
  for (const field of kindOf(kind).fields) values[field.name] = formValue(field, fields[field.name]);
  return values;
}

/** A value as the journal takes it; null when the field is empty. */
function stored(field: FieldDescription, value: string): unknown {
  switch (field.input.type) {
    case "yesNo":
      return value === YES ? true : value === NO ? false : null;
    case "minutes":
      return value.trim() === "" ? null : Number(value.trim());
    case "line":
    case "text":
      return value.trim() === "" ? null : value;
    default:
      return value.trim() === "" ? null : value.trim();
  }
}

/** The fields of a new record: every one given (an unticked box is a no), the empty ones left out. */
export function newFields(kind: Kind, values: RecordValues): FieldValues {
  const fields: FieldValues = {};
  for (const field of kindOf(kind).fields) {
    const value = stored(field, values[field.name] ?? "");
    if (value !== null) fields[field.name] = value;
  }
  return fields;
}

/** The changes to a record: only the fields that differ from `original`, an emptied one as null (cleared). */
export function changedFields(kind: Kind, values: RecordValues, original: RecordValues): FieldValues {
  const fields: FieldValues = {};
  for (const field of kindOf(kind).fields) {
    const now = stored(field, values[field.name] ?? "");
    const before = stored(field, original[field.name] ?? "");
    if (now !== before) fields[field.name] = now;
  }
  return fields;
}

/**
 * What a draft keeps: every field as typed, the empty ones too (so a field
 * emptied on purpose comes back empty); a yes or no as true or false. Half a
 * date is fine in a draft.
 */
export function draftFields(kind: Kind, values: RecordValues): FieldValues {
  const fields: FieldValues = {};
  for (const field of kindOf(kind).fields) {
    const value = values[field.name] ?? "";
    fields[field.name] = field.input.type === "yesNo" && value !== "" ? value === YES : value;
  }
  return fields;
}

/** A draft's values over `start`: each field the draft holds, as it holds it. */
export function restoreDraft(kind: Kind, start: RecordValues, fields: FieldValues): RecordValues {
  const restored = { ...start };
  for (const field of kindOf(kind).fields) if (field.name in fields) restored[field.name] = formValue(field, fields[field.name]);
  return restored;
}

// ---- Checking ----

/** What a field needs, said beside it when it is empty. */
function missing(field: FieldDescription): string {
  switch (field.input.type) {
    case "person":
      return "Please choose someone from the list.";
    case "service":
      return "Please choose a service from the directory.";
    case "choice":
      return "Please choose one.";
    case "yesNo":
      return "Please choose yes or no.";
    case "date":
      return "Please give the day.";
    case "dateTime":
      return "Please give the day and the time.";
    case "minutes":
      return "Please give about how many minutes.";
    case "card":
      return "Please give the card's fingerprint.";
    case "record":
      return "This needs the record it is about.";
    case "line":
    case "text":
      return "Please write a few words here.";
  }
}

const LOCAL_DATE = /^\d{4}-\d{2}-\d{2}$/;
const LOCAL_MOMENT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/;

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * What must be put right before the record is sent, each beside its field:
 * what is needed and missing, what is too long, minutes that are not a
 * number of minutes, a date that is not one, and "when it happened" more
 * than a day ahead. Everything else the core checks (and says).
 */
export function checkRecord(kind: Kind, values: RecordValues, now: Date = new Date()): FormProblem<string>[] {
  const problems: FormProblem<string>[] = [];
  for (const field of kindOf(kind).fields) {
    const value = values[field.name] ?? "";
    const problem = (message: string) => problems.push(new FormProblem(field.name, message));
    if (value.trim() === "") {
      if (field.required) problem(missing(field));
      continue;
    }
    const input = field.input;
    switch (input.type) {
      case "line":
      case "text": {
        const length = charCount(value);
        if (length > input.maxChars)
          problem(
            `This is ${length.toLocaleString("en-GB")} characters long, and ${input.maxChars.toLocaleString("en-GB")} fit. Please shorten it a little.`,
          );
        break;
      }
      case "minutes":
        if (!/^\d{1,4}$/.test(value.trim()) || Number(value.trim()) > 1440) problem("Please give the minutes as a whole number, from 0 to 1440.");
        break;
      case "date":
        if (!LOCAL_DATE.test(value) || localTime(value) === null) problem("Please give the day, like 3 December 2026.");
        break;
      case "dateTime": {
        const at = LOCAL_MOMENT.test(value) ? localTime(value) : null;
        if (at === null) problem("Please give the day and the time, like 3 December 2026 at 14:30.");
        else if (field.notAhead && at.getTime() > now.getTime() + DAY_MS)
          problem("This is more than a day from now. It is for something that has already happened.");
        break;
      }
      default:
        break;
    }
  }
  return problems;
}

/** Text taken literally inside a regular expression. */
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * The field a refusal from the core concerns: the core names a field by its
 * label ("minutes must be between 0 and 1440", "a contact needs person"),
 * and says "more than a day ahead" of the one that says when it happened.
 * The longest label found wins ("next planned contact" over "contact").
 * Null when it names none the form shows.
 */
export function fieldOfMessage(kind: Kind, message: string): string | null {
  const said = message.toLowerCase();
  let best: FieldDescription | null = null;
  for (const field of kindOf(kind).fields) {
    if (field.input.type === "record") continue;
    const label = field.label.toLowerCase();
    if (new RegExp(`(^|[^a-z])${escape(label)}([^a-z]|$)`).test(said) && (best === null || label.length > best.label.length)) best = field;
  }
  if (best !== null) return best.name;
  if (said.includes("more than a day ahead")) return kindOf(kind).fields.find((f) => f.notAhead)?.name ?? null;
  return null;
}

// ---- What some fields mean, said beside them ----

/** The words under a field that depend on what it says (and on whether the record is new); "" for none. */
export function fieldNote(kind: Kind, field: string, values: RecordValues, changing = false): string {
  if (kind === "concern" && field === "urgency" && (values.urgency === "high" || values.urgency === "immediate")) {
    return (
      "This concern will go to your supervisor in the next file you send them. If someone is in danger, " +
      "please don't wait for that: talk to your supervisor now."
    );
  }
  if (kind === "reflection" && field === "shared") {
    return values.shared === YES
      ? "It will go to your supervisor in the next file you send them. Once it has been sent, it cannot be called back."
      : "It stays private, with you. If you choose to share it, once it has been sent it cannot be called back.";
  }
  if (kind === "ending" && field === "on") {
    const months = appState.value?.retentionMonths ?? 0;
    const who = values.person === undefined || values.person === "" ? "them" : personName(values.person as PersonId);
    const after = months > 0 ? `${months} months` : "some months";
    return changing
      ? `The clock runs from the day it ended: ${after} after it, everything in your journal about ${who} is erased.`
      : `Saving this starts the clock: ${after} after the day it ended, everything in your journal about ${who} is erased.`;
  }
  return "";
}

// ---- The form ----

export interface RecordFormProps {
  kind: Kind;
  form: FormModel<string>;
  /** The draft's key (drafts.ts): `${kind}:new`, `${kind}:${id}`. */
  draftKey: string;
  /** Whether the values it starts with are not in the kept draft yet (a return from a detour): kept at once. */
  unsaved?: boolean;
  /** The id of the heading that names the form. */
  labelledBy: string;
  /** Fields the route fixes, shown as text rather than asked (a person's, what a note is about). */
  fixed?: Readonly<Record<string, string>>;
  /** A fixed person may be changed after all ("Someone else?"); called when the person asks to. */
  unfix?: ((field: string) => void) | undefined;
  /** For changes: the values the record has now; only what differs is sent. */
  original?: RecordValues | undefined;
  /** Optional fields behind "More details" (shown at once when they hold something). */
  more?: readonly string[];
  /** Optional fields this form does not ask at all (a new service has not closed yet). */
  leaveOut?: readonly string[];
  /** Saves what the form gives: a new record, or changes to one. */
  save: (fields: FieldValues) => Promise<JournalRecord>;
  /** After saving (the draft already thrown away): where to go. */
  saved: (record: JournalRecord) => void | Promise<void>;
  /** Leaves to add what a person or service field needs, starting with what was typed. */
  addNew?: ((field: string, kind: Kind, typed: string) => void) | undefined;
  submitLabel: string;
  busyLabel?: string;
  /** Shown above the fields (a note on what saving does). */
  children?: ComponentChildren;
}

/** A date field's value said in words under it: "Thu 3 Dec, 14:30", or that none is chosen. */
export function dateInWords(value: string, withTime: boolean): string {
  if (value === "") return withTime ? "No day or time chosen." : "No day chosen.";
  const words = friendly(value);
  return words === value ? "" : words;
}

/** Where focus starts: the first field still needed, else the first one to write in. */
function firstToFill(kind: Kind, values: RecordValues, shown: (name: string) => boolean): string | null {
  const fields = kindOf(kind).fields.filter((f) => shown(f.name));
  const needed = fields.find((f) => f.required && (values[f.name] ?? "") === "");
  if (needed !== undefined) return needed.name;
  const writing = fields.find((f) => (f.input.type === "line" || f.input.type === "text") && (values[f.name] ?? "") === "");
  return writing?.name ?? fields[0]?.name ?? null;
}

export function RecordForm(props: RecordFormProps) {
  const { kind, form, fixed = {}, more = [], leaveOut = [], original } = props;
  const description = kindOf(kind);
  const keeper = useDraftKeeper(props.draftKey, kind);
  const showMore = useSignal(false);

  // Keeps a draft whenever what is typed differs from what the form started with (or last kept).
  useEffect(() => {
    const read = () => draftFields(kind, Object.fromEntries(Object.entries(form.values).map(([k, v]) => [k, v.value])));
    let last = props.unsaved === true ? "" : JSON.stringify(read());
    return effect(() => {
      const fields = read();
      const json = JSON.stringify(fields);
      if (json === last) return;
      last = json;
      keeper.note(fields);
    });
  }, [keeper]);

  const isMore = (name: string) => more.includes(name) && original === undefined;
  const moreHolds = more.some((name) => form.values[name]?.value !== "" || form.errors[name]?.value !== "");
  const moreOpen = showMore.value || moreHolds;

  useLayoutEffect(() => {
    const values = Object.fromEntries(Object.entries(form.values).map(([k, v]) => [k, v.peek()]));
    const first = firstToFill(kind, values, (name) => !(name in fixed) && !isMore(name) && kindOf(kind).fields.find((f) => f.name === name)?.input.type !== "record");
    if (first !== null) form.controls[first]?.focus();
  }, []);

  async function send(values: RecordValues): Promise<void> {
    const fields = original === undefined ? newFields(kind, values) : changedFields(kind, values, original);
    let record: JournalRecord;
    try {
      record = await props.save(fields);
    } catch (reason) {
      const error = toUiError(reason);
      const field = error.kind === "invalidInput" ? fieldOfMessage(kind, error.message) : null;
      throw new FormProblem(field, sentence(error.message));
    }
    await keeper.discard();
    await props.saved(record);
  }

  // The field asked for instead takes focus, as the text it replaces had it.
  const unfix =
    props.unfix === undefined
      ? undefined
      : (name: string) => {
          props.unfix?.(name);
          form.focusRequest.value = { target: name };
        };

  const values = Object.fromEntries(Object.entries(form.values).map(([k, v]) => [k, v.value]));
  const renderField = (field: FieldDescription) => {
    if (field.name in fixed) return <FixedField key={field.name} form={form} field={field} text={fixed[field.name] ?? ""} unfix={unfix} />;
    const note = fieldNote(kind, field.name, values, original !== undefined);
    return (
      <RecordField key={field.name} kind={kind} form={form} field={field} addNew={props.addNew}>
        {note === "" && !hasNote(kind, field.name) ? null : (
          <p id={`${fieldId(field.name)}-note`} class="field-note" role="status">
            {note}
          </p>
        )}
      </RecordField>
    );
  };

  const asked = description.fields.filter((f) => !leaveOut.includes(f.name));
  const main = asked.filter((f) => !isMore(f.name));
  const extra = asked.filter((f) => isMore(f.name));
  return (
    // Focus leaving the form (for Lock, the navigation) keeps the draft at once.
    <div
      class="record-form"
      onFocusOut={(event) => {
        const next = event.relatedTarget;
        if (!(next instanceof Node) || !event.currentTarget.contains(next)) keeper.flush();
      }}
    >
      <Form
        form={form}
        labelledBy={props.labelledBy}
        check={(v) => checkRecord(kind, v)}
        send={send}
        writing
        actions={
          <>
            <SubmitButton form={form} id={`${FORM_ID}-save`} busyLabel={props.busyLabel ?? "Saving…"} keyshortcuts="Control+Enter">
              {props.submitLabel}
            </SubmitButton>
            <p class="hint save-keys" aria-hidden="true">
              or press Ctrl+Enter
            </p>
          </>
        }
      >
        {props.children}
        {main.map(renderField)}
        {extra.length === 0 ? null : (
          <div class="more-details">
            {/* Once something is written there, the fields stay in sight. */}
            {moreHolds ? null : (
              <button
                type="button"
                id={`${FORM_ID}-more`}
                class="button button-link"
                aria-expanded={moreOpen ? "true" : "false"}
                aria-controls={`${FORM_ID}-more-fields`}
                onClick={() => {
                  showMore.value = !showMore.peek();
                }}
              >
                {moreOpen ? "Fewer details" : "More details"}
              </button>
            )}
            <div id={`${FORM_ID}-more-fields`} hidden={!moreOpen}>
              {moreOpen ? extra.map(renderField) : null}
            </div>
          </div>
        )}
        <DraftStatus failure={keeper.failure.value} />
      </Form>
    </div>
  );
}

/** Whether a field has words beside it that change with the values (kept in the page, so changes are heard). */
function hasNote(kind: Kind, field: string): boolean {
  return (kind === "concern" && field === "urgency") || (kind === "reflection" && field === "shared") || (kind === "ending" && field === "on");
}

/** Why the draft could not be kept, said quietly above the buttons (and heard, politely). */
function DraftStatus({ failure }: { failure: string }) {
  return (
    <p id={`${FORM_ID}-draft-status`} class={failure === "" ? "draft-status" : "draft-status is-failing"} role="status">
      {failure}
    </p>
  );
}

interface RecordFieldProps {
  kind: Kind;
  form: FormModel<string>;
  field: FieldDescription;
  addNew?: ((field: string, kind: Kind, typed: string) => void) | undefined;
  children?: ComponentChildren;
}

/**
 * A volunteer's card (a note is for one): chosen from the volunteers whose
 * cards the journal trusts, by name; one already given and no longer
 * trusted stays offered, by its fingerprint, so the choice is never lost.
 */
function CardField({ form, name, id, label, hint, needed }: { form: FormModel<string>; name: string; id: string; label: string; hint: string; needed: boolean }) {
  const volunteers = useVolunteers();
  const current = form.values[name]?.value ?? "";
  const options = volunteers.value.filter((v) => v.revokedAt === null).map((v) => ({ value: v.fingerprint as string, label: v.name }));
  if (current !== "" && !options.some((o) => o.value === current)) options.push({ value: current, label: current });
  return (
    <SelectField
      form={form}
      name={name}
      id={id}
      label={label}
      hint={hint}
      needed={needed}
      options={options}
      placeholder={current === "" ? "Choose one" : undefined}
    />
  );
}

/** One field, as its input asks to be shown. */
function RecordField({ kind, form, field, addNew, children }: RecordFieldProps) {
  const common = { form, name: field.name, id: fieldId(field.name), label: field.prompt, hint: field.help, needed: field.required, children };
  const input = field.input;
  switch (input.type) {
    case "line":
      return <LineField {...common} maxChars={input.maxChars} />;
    case "text":
      return <TextAreaField {...common} maxChars={input.maxChars} rows={kind === "reflection" && field.name === "text" ? 8 : 3} />;
    case "card":
      return <CardField {...common} />;
    case "choice": {
      const short = input.options.every((o) => o.label.length <= 24);
      if (input.options.length <= 4)
        return (
          <>
            <ChoiceField
              form={form}
              name={field.name}
              idPrefix={common.id}
              legend={field.prompt}
              hint={field.help}
              needed={field.required}
              choices={input.options}
              inline={short}
            />
            {children}
          </>
        );
      return (
        <SelectField
          form={form}
          name={field.name}
          id={common.id}
          label={field.prompt}
          hint={field.help}
          needed={field.required}
          options={input.options}
          placeholder={form.values[field.name]?.peek() === "" || !field.required ? "Choose one" : undefined}
        />
      );
    }
    case "date":
    case "dateTime":
      return <DateField {...common} withTime={input.type === "dateTime"} echo={(value) => dateInWords(value, input.type === "dateTime")} />;
    case "minutes":
      return <MinutesField {...common} />;
    case "yesNo":
      if (field.required)
        return (
          <>
            <ChoiceField
              form={form}
              name={field.name}
              idPrefix={common.id}
              legend={field.prompt}
              hint={field.help}
              needed
              inline
              choices={[
                { value: YES, label: "Yes" },
                { value: NO, label: "No" },
              ]}
            />
            {children}
          </>
        );
      return <CheckboxField {...common} />;
    case "person":
      return (
        <PersonPicker
          {...common}
          onAddNew={addNew === undefined ? undefined : (typed: string) => addNew(field.name, "person", typed)}
        />
      );
    case "service":
      return (
        <ServicePicker
          {...common}
          onAddNew={addNew === undefined ? undefined : (typed: string) => addNew(field.name, "service", typed)}
        />
      );
    case "record":
      return null;
  }
}

interface FixedFieldProps {
  form: FormModel<string>;
  field: FieldDescription;
  text: string;
  unfix?: ((field: string) => void) | undefined;
}

/** A field the route fixes: its question and its answer as text, with "Someone else?" for a person. */
function FixedField({ form, field, text, unfix }: FixedFieldProps) {
  const id = fieldId(field.name);
  const button = useFocusTarget<string, HTMLButtonElement>(form, field.name);
  const error = form.errors[field.name]?.value ?? "";
  const changeable = field.input.type === "person" && unfix !== undefined;
  return (
    <div class="field field-fixed" id={`${id}-fixed`}>
      <p class="fixed-label" id={`${id}-label`}>
        {field.prompt}
      </p>
      <p class="fixed-value">
        <span id={`${id}-value`}>{text}</span>
        {changeable ? (
          <button
            ref={button}
            type="button"
            id={`${id}-change`}
            class="button button-link"
            aria-describedby={`${id}-label ${id}-value`}
            onClick={() => unfix(field.name)}
          >
            Someone else?
          </button>
        ) : null}
      </p>
      {error === "" ? null : (
        <p id={`${id}-error`} class="field-error">
          {error}
        </p>
      )}
    </div>
  );
}
