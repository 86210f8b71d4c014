// The one way a screen asks the person for something: a form's state (the
// values, the errors, whether it is busy), its fields, its busy submit button
// and its error region, and the submit wrapper that turns what went wrong
// into words beside the right field, or for the whole form.
//
// Every form works the same way:
// - a problem with one field is said right under that field, which is marked
//   aria-invalid and described by it; a problem with no one field is said in
//   the form's alert region (`<form id>-error`), just above its buttons;
// - after a problem, focus goes to the first field in error (or, for the
//   form's own, to the field named by `focusOnFormError`, else the submit
//   button);
// - while a submit is under way the button is disabled, aria-busy, and says
//   what is happening; a second press does nothing;
// - nothing typed is cleared when sending fails (a screen may choose to, as
//   unlock does with a wrong passphrase, in `onFailed`);
// - leaving the screen empties its inputs, so no passphrase outlives it;
// - a field that must be filled says so in words ("needed") in its label.
//
// The fields: one line (TextField, LineField), several lines (TextAreaField),
// yes or no (CheckboxField), a date or a date and time (DateField), minutes
// (MinutesField), one of a few choices (ChoiceField: radios) or of many
// (SelectField), and one of a long list found by typing (PickField: a
// combobox, which PersonPicker and ServicePicker fill). A form for writing
// (`writing`) never sends on Enter by accident: Enter in a one-line field
// does nothing, and Ctrl+Enter sends from anywhere in it.
import type { ComponentChildren } from "preact";
import { useEffect, useLayoutEffect, useMemo, useRef } from "preact/hooks";
import { batch, effect, signal, useSignal, type Signal } from "@preact/signals";
import type { UiError } from "./bindings/UiError";
import { sentence, toUiError } from "./errors";
import "./forms.css";

/**
 * A button's task that is no form (save a file, say): whether it is under
 * way, what it gave, and why it failed, as a sentence. `run` does nothing
 * while one is under way, and forgets the last outcome as it starts.
 */
export interface Task<T> {
  readonly busy: Signal<boolean>;
  readonly done: Signal<T | null>;
  readonly error: Signal<string>;
  run(task: () => Promise<T>): void;
}

/** A [`Task`] for the component that shows it. */
export function useTask<T>(): Task<T> {
  const busy = useSignal(false);
  const done = useSignal<T | null>(null);
  const error = useSignal("");
  return useMemo(
    () => ({
      busy,
      done,
      error,
      run(task: () => Promise<T>) {
        if (busy.peek()) return;
        batch(() => {
          busy.value = true;
          done.value = null;
          error.value = "";
        });
        task().then(
          (result) => {
            batch(() => {
              busy.value = false;
              done.value = result;
            });
          },
          (reason: unknown) => {
            batch(() => {
              busy.value = false;
              error.value = sentence(toUiError(reason).message);
            });
          },
        );
      },
    }),
    [],
  );
}

/** A form's values by field name. Every field is text as typed (or a choice's value). */
export type Values<F extends string> = Record<F, string>;

/**
 * What stops a form: a problem with one field, or (field null) with the form
 * as a whole. A form's `check` returns them; its `send` may throw one to
 * refuse in words of its own.
 */
export class FormProblem<F extends string = string> {
  constructor(
    readonly field: F | null,
    readonly message: string,
  ) {}
}

export interface FormModel<F extends string> {
  /** Prefix of the form's element ids: its error region is `${id}-error`. */
  readonly id: string;
  readonly values: { readonly [K in F]: Signal<string> };
  /** Each field's error; "" when it has none. */
  readonly errors: { readonly [K in F]: Signal<string> };
  /** The error that concerns no one field; "" when there is none. */
  readonly formError: Signal<string>;
  readonly busy: Signal<boolean>;
  /** What should take focus once the form has rendered its errors. */
  readonly focusRequest: Signal<{ target: F | "submit" } | null>;
  /** The fields' controls and the submit button, as rendered (for focus). */
  readonly controls: Partial<Record<F | "submit", HTMLElement>>;
}

/** A form's state, made once per screen. */
export function createForm<F extends string>(id: string, initial: Values<F>): FormModel<F> {
  const names = Object.keys(initial) as F[];
  const each = <T,>(make: (name: F) => T) => Object.fromEntries(names.map((name) => [name, make(name)])) as Record<F, T>;
  return {
    id,
    values: each((name) => signal(initial[name])),
    errors: each(() => signal("")),
    formError: signal(""),
    busy: signal(false),
    focusRequest: signal(null),
    controls: {},
  };
}

/** A form's state for the component that renders it, kept across renders. */
export function useForm<F extends string>(id: string, initial: Values<F>): FormModel<F> {
  // The initial values are read once, like useState's.
  return useMemo(() => createForm(id, initial), []);
}

export interface SubmitOptions<F extends string> {
  /** The problems to fix before anything is sent; none when it may be sent. */
  check?: (values: Values<F>) => FormProblem<F> | readonly FormProblem<F>[] | null;
  /** Does the work. A rejection (a UiError from api.ts, or a FormProblem) is shown; success usually navigates away. */
  send: (values: Values<F>) => Promise<void> | void;
  /** Which field a refusal from the backend concerns; null (the default) for the whole form. */
  fieldFor?: (error: UiError) => F | null;
  /** Where focus goes after an error that concerns the whole form; the submit button when not given. */
  focusOnFormError?: F;
  /** Called once a failure is shown. */
  onFailed?: (problem: FormProblem<F>) => void;
}

function readValues<F extends string>(form: FormModel<F>): Values<F> {
  const names = Object.keys(form.values) as F[];
  return Object.fromEntries(names.map((name) => [name, form.values[name].peek()])) as Values<F>;
}

function clearErrors<F extends string>(form: FormModel<F>): void {
  for (const name of Object.keys(form.errors) as F[]) form.errors[name].value = "";
  form.formError.value = "";
}

/** The first of `fields` in the document's order. */
function firstInDocument<F extends string>(form: FormModel<F>, fields: readonly F[]): F | undefined {
  const placed = fields.filter((name) => form.controls[name] !== undefined);
  placed.sort((a, b) => {
    const ea = form.controls[a] as HTMLElement;
    const eb = form.controls[b] as HTMLElement;
    return ea.compareDocumentPosition(eb) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1;
  });
  return placed[0] ?? fields[0];
}

/** Shows each problem where it belongs (the first for a field, or for the form) and asks for focus. */
function showProblems<F extends string>(form: FormModel<F>, problems: readonly FormProblem<F>[], options: SubmitOptions<F>): void {
  batch(() => {
    clearErrors(form);
    const fields: F[] = [];
    for (const problem of problems) {
      if (problem.field === null) {
        if (form.formError.peek() === "") form.formError.value = problem.message;
      } else if (form.errors[problem.field].peek() === "") {
        form.errors[problem.field].value = problem.message;
        fields.push(problem.field);
      }
    }
    const target = firstInDocument(form, fields) ?? options.focusOnFormError ?? "submit";
    form.focusRequest.value = { target };
  });
}

/**
 * Submits `form`: checks it, then sends it with the submit button busy, and
 * shows whatever stops it. A send that returns no promise runs at once.
 */
export function submitForm<F extends string>(form: FormModel<F>, options: SubmitOptions<F>): void {
  if (form.busy.peek()) return;
  const values = readValues(form);
  const checked = options.check?.(values) ?? null;
  const problems = checked === null ? [] : checked instanceof FormProblem ? [checked] : checked;
  if (problems.length > 0) {
    showProblems(form, problems, options);
    return;
  }
  clearErrors(form);

  const failed = (reason: unknown): void => {
    form.busy.value = false;
    let problem: FormProblem<F>;
    if (reason instanceof FormProblem) {
      problem = reason as FormProblem<F>;
    } else {
      const error = toUiError(reason);
      problem = new FormProblem(options.fieldFor?.(error) ?? null, error.message);
    }
    showProblems(form, [problem], options);
    options.onFailed?.(problem);
  };

  let sent: Promise<void> | void;
  try {
    sent = options.send(values);
  } catch (reason) {
    failed(reason);
    return;
  }
  if (sent instanceof Promise) {
    form.busy.value = true;
    sent.then(() => {
      form.busy.value = false;
    }, failed);
  }
}

interface FormProps<F extends string> extends SubmitOptions<F> {
  form: FormModel<F>;
  /** The id of the heading that names the form… */
  labelledBy?: string;
  /** …or the words that name it. */
  label?: string;
  /** The buttons, shown under the form's error region. */
  actions?: ComponentChildren;
  /** Without the form's own surface, for a form inside a card. */
  bare?: boolean;
  /** A form for writing: Enter in a one-line field does not send it; Ctrl+Enter sends it from anywhere. */
  writing?: boolean;
  /** The form element's id, when something outside it needs to point at it. */
  elementId?: string;
  children: ComponentChildren;
}

/** Whether Enter in this element would send its form without anyone meaning to (a one-line field, a tick box). */
function sendsOnEnter(target: EventTarget | null): boolean {
  return target instanceof HTMLInputElement && !["submit", "button", "reset", "image"].includes(target.type);
}

/** A form: its fields, then its error region (role=alert), then its buttons. */
export function Form<F extends string>(props: FormProps<F>) {
  const { form, labelledBy, label, actions, bare = false, writing = false, children } = props;
  return (
    <form
      id={props.elementId}
      class={bare ? "form-bare" : "form"}
      noValidate
      aria-labelledby={labelledBy}
      aria-label={label}
      onKeyDown={
        writing
          ? (event) => {
              if (event.key !== "Enter" || event.isComposing || event.altKey || event.shiftKey) return;
              if (event.ctrlKey || event.metaKey) {
                event.preventDefault();
                submitForm(form, props);
              } else if (sendsOnEnter(event.target)) {
                event.preventDefault();
              }
            }
          : undefined
      }
      onSubmit={(event) => {
        event.preventDefault();
        submitForm(form, props);
      }}
    >
      {children}
      <p id={`${form.id}-error`} class="message message-error" role="alert">
        {form.formError.value}
      </p>
      {actions === undefined ? null : <div class="actions">{actions}</div>}
    </form>
  );
}

/**
 * Registers a control of the form (for the order of fields in error) and
 * focuses it when the form asks. The control does this itself, after its own
 * render, so that it is announced with its error, or is no longer disabled.
 */
export function useFocusTarget<F extends string, E extends HTMLElement>(form: FormModel<F>, key: F | "submit", focusOnMount = false) {
  const ref = useRef<E>(null);
  const request = form.focusRequest.value;
  useLayoutEffect(() => {
    const el = ref.current;
    if (el === null) return;
    form.controls[key] = el;
    if (focusOnMount) el.focus();
    return () => {
      if (form.controls[key] === el) delete form.controls[key];
    };
  }, []);
  useLayoutEffect(() => {
    if (request === null || request.target !== key || ref.current === null) return;
    if (form.focusRequest.peek() === request) form.focusRequest.value = null;
    ref.current.focus();
  }, [request]);
  return ref;
}

/** Empties a text input when its screen goes, so what was typed (a passphrase) does not outlive it. */
function useEmptiedOnLeaving(ref: { current: HTMLInputElement | null }): void {
  useLayoutEffect(() => {
    const el = ref.current;
    return () => {
      if (el !== null) el.value = "";
    };
  }, []);
}

/** The ids a control is described by: its hint, its error when it has one, and any others. */
export function describedBy(...ids: (string | false | undefined)[]): string | undefined {
  const present = ids.filter((id): id is string => typeof id === "string" && id !== "");
  return present.length === 0 ? undefined : present.join(" ");
}

export function FieldError({ id, message }: { id: string; message: string }) {
  return message === "" ? null : (
    <p id={id} class="field-error">
      {message}
    </p>
  );
}

interface TextFieldProps<F extends string> {
  form: FormModel<F>;
  name: F;
  /** The input's id; its hint and error are `${id}-hint` and `${id}-error`. */
  id: string;
  label: string;
  hint?: string | undefined;
  type?: "text" | "password";
  autocomplete: string;
  /** For what the person copies from paper: a monospaced, capitalised look and no spelling help. */
  keyLike?: boolean;
  maxLength?: number;
  /** More ids the input is described by (a note above the form). */
  describedBy?: string | undefined;
  focusOnMount?: boolean;
  /** Whether it must be filled in (the default); an optional one is not marked required. */
  required?: boolean;
  /** Shown under the field (a strength hint). */
  children?: ComponentChildren;
}

/** A labelled text or password input, with its hint and its error. */
export function TextField<F extends string>(props: TextFieldProps<F>) {
  const { form, name, id, label, hint, type = "text", keyLike = false } = props;
  const ref = useFocusTarget<F, HTMLInputElement>(form, name, props.focusOnMount ?? false);
  useEmptiedOnLeaving(ref);
  const error = form.errors[name].value;
  const input = {
    ref,
    id,
    name: id,
    class: keyLike ? "input-key" : undefined,
    autocomplete: props.autocomplete,
    autocapitalize: keyLike ? ("characters" as const) : undefined,
    spellcheck: keyLike ? false : undefined,
    maxLength: props.maxLength,
    required: props.required ?? true,
    "aria-invalid": error === "" ? undefined : ("true" as const),
    "aria-describedby": describedBy(props.describedBy, hint !== undefined && `${id}-hint`, error !== "" && `${id}-error`),
    value: form.values[name].value,
    onInput: (event: { currentTarget: HTMLInputElement }) => {
      form.values[name].value = event.currentTarget.value;
    },
  };
  return (
    <div class="field">
      <label for={id}>{label}</label>
      {hint === undefined ? null : (
        <p id={`${id}-hint`} class="hint">
          {hint}
        </p>
      )}
      {type === "password" ? <input {...input} type="password" /> : <input {...input} type="text" />}
      <FieldError id={`${id}-error`} message={error} />
      {props.children}
    </div>
  );
}

/** One option of a ChoiceField (a kind's Choice from bindings/ fits as it is). */
export interface ChoiceOption {
  value: string;
  label: string;
  /** A line under the label, saying what choosing it means. */
  explanation?: string;
}

interface ChoiceFieldProps<F extends string> {
  form: FormModel<F>;
  name: F;
  /** Prefix of the radios' ids: `${idPrefix}-${value}`; the group's error is `${idPrefix}-error`. */
  idPrefix: string;
  legend: string;
  choices: readonly ChoiceOption[];
  /** A line under the legend: what the choice is for (`${idPrefix}-hint`). */
  hint?: string | undefined;
  /** Says in the legend that a choice must be made. */
  needed?: boolean;
  /** Side by side, as compact buttons (for short labels with no explanations). */
  inline?: boolean;
}

/** A group of radio buttons, each with a line saying what it means. */
export function ChoiceField<F extends string>({ form, name, idPrefix, legend, choices, hint, needed = false, inline = false }: ChoiceFieldProps<F>) {
  const chosen = form.values[name].value;
  const error = form.errors[name].value;
  const first = useFocusTarget<F, HTMLInputElement>(form, name);
  // Focus lands on the chosen one, as arrow keys and Tab would.
  const chosenIndex = Math.max(0, choices.findIndex((choice) => choice.value === chosen));
  return (
    <fieldset
      class={inline ? "choices choices-inline" : "choices"}
      role="radiogroup"
      aria-labelledby={`${idPrefix}-legend`}
      aria-invalid={error === "" ? undefined : "true"}
      aria-describedby={describedBy(hint !== undefined && `${idPrefix}-hint`, error !== "" && `${idPrefix}-error`)}
    >
      <legend id={`${idPrefix}-legend`}>
        {legend}
        {needed ? <Needed /> : null}
      </legend>
      {hint === undefined ? null : (
        <p id={`${idPrefix}-hint`} class="hint">
          {hint}
        </p>
      )}
      {choices.map((choice, i) => {
        const id = `${idPrefix}-${choice.value}`;
        return (
          <div class="choice" key={choice.value}>
            <input
              ref={i === chosenIndex ? first : null}
              type="radio"
              name={name}
              id={id}
              value={choice.value}
              checked={chosen === choice.value}
              aria-describedby={choice.explanation === undefined ? undefined : `${id}-explanation`}
              onChange={() => {
                form.values[name].value = choice.value;
              }}
            />
            <label for={id}>{choice.label}</label>
            {choice.explanation === undefined ? null : (
              <p id={`${id}-explanation`} class="hint">
                {choice.explanation}
              </p>
            )}
          </div>
        );
      })}
      <FieldError id={`${idPrefix}-error`} message={error} />
    </fieldset>
  );
}

interface SelectFieldProps<F extends string> {
  form: FormModel<F>;
  name: F;
  id: string;
  label: string;
  /** Words after the select that finish the sentence its label starts ("… without use"); it is described by them. */
  after?: string;
  options: readonly { value: string; label: string }[];
  /** Submit the form as soon as another option is picked (a setting saved at once). */
  submitOnPick?: boolean;
  /** A line under the label, the label above the select rather than beside it. */
  hint?: string | undefined;
  /** Says in the label that a choice must be made. */
  needed?: boolean;
  /** The words of an empty first option ("Choose one"), for when nothing is chosen yet. */
  placeholder?: string | undefined;
}

/** A labelled select, on one line with its label (or under it, with a hint), with its error under it. */
export function SelectField<F extends string>(props: SelectFieldProps<F>) {
  const { form, name, id, label, after, hint, needed = false, placeholder } = props;
  const ref = useFocusTarget<F, HTMLSelectElement>(form, name);
  const error = form.errors[name].value;
  const value = form.values[name].value;
  const options = placeholder === undefined ? props.options : [{ value: "", label: placeholder }, ...props.options];
  const hintId = after !== undefined || hint !== undefined ? `${id}-hint` : undefined;
  return (
    <div class="field">
      <div class={hint === undefined ? "field-inline" : "field-stacked"}>
        <label for={id}>
          {label}
          {needed ? <Needed /> : null}
        </label>
        {hint === undefined ? null : (
          <p id={hintId} class="hint">
            {hint}
          </p>
        )}
        <select
          ref={ref}
          id={id}
          name={id}
          required={needed || undefined}
          aria-invalid={error === "" ? undefined : "true"}
          aria-describedby={describedBy(hintId, error !== "" && `${id}-error`)}
          value={value}
          onChange={(event) => {
            form.values[name].value = event.currentTarget.value;
            if (props.submitOnPick === true) event.currentTarget.form?.requestSubmit();
          }}
        >
          {options.map((option) => (
            <option key={option.value} value={option.value} selected={option.value === value}>
              {option.label}
            </option>
          ))}
        </select>
        {after === undefined || hint !== undefined ? null : (
          <span id={hintId} class="field-after">
            {after}
          </span>
        )}
      </div>
      <FieldError id={`${id}-error`} message={error} />
    </div>
  );
}

interface SubmitButtonProps<F extends string> {
  form: FormModel<F>;
  id: string;
  /** What the button says while the form is being sent: "Unlocking…". */
  busyLabel: string;
  /** The keys that press it too (a writing form's "Control+Enter"). */
  keyshortcuts?: string | undefined;
  children: string;
}

/** The form's submit button: disabled, aria-busy and saying what is happening while the form is sent. */
export function SubmitButton<F extends string>({ form, id, busyLabel, keyshortcuts, children }: SubmitButtonProps<F>) {
  const ref = useFocusTarget<F, HTMLButtonElement>(form, "submit");
  const busy = form.busy.value;
  return (
    <button
      ref={ref}
      id={id}
      type="submit"
      class={busy ? "button button-primary is-busy" : "button button-primary"}
      disabled={busy}
      aria-busy={busy ? "true" : undefined}
      aria-keyshortcuts={keyshortcuts}
    >
      {busy ? busyLabel : children}
    </button>
  );
}

// ---- The fields of records: what the kinds' description asks for ----

/** The word in a label that says a field must be filled in. */
export const NEEDED = "needed";

/** Said after a label whose field must be filled in: in words, not only a mark. */
function Needed() {
  return <span class="needed"> ({NEEDED})</span>;
}

/** What every field of a record takes: its form, its name there, its id, its words. */
interface FieldProps<F extends string> {
  form: FormModel<F>;
  name: F;
  /** The control's id; its hint and error are `${id}-hint` and `${id}-error`. */
  id: string;
  label: string;
  hint?: string | undefined;
  /** Must be filled in: said in the label, and marked for assistive technology. */
  needed?: boolean;
  /** Shown under the field, after its error (a note about what the value means). */
  children?: ComponentChildren;
}

/** The label, with "(needed)" when the field must be filled in. */
function FieldLabel({ id, label, needed }: { id: string; label: string; needed: boolean }) {
  return (
    <label for={id}>
      {label}
      {needed ? <Needed /> : null}
    </label>
  );
}

function Hint({ id, hint }: { id: string; hint: string | undefined }) {
  return hint === undefined || hint === "" ? null : (
    <p id={`${id}-hint`} class="hint">
      {hint}
    </p>
  );
}

/**
 * How many characters of a limit are used, shown once it is near (so it
 * says nothing while it does not matter). Never cuts what is typed: going
 * over is said when the form is checked.
 */
function Count({ id, length, limit }: { id: string; length: number; limit: number }) {
  if (length < limit * 0.8) return null;
  const over = length > limit;
  return (
    <p id={`${id}-count`} class={over ? "field-count is-over" : "field-count"}>
      {over
        ? `${length.toLocaleString("en-GB")} characters: ${(length - limit).toLocaleString("en-GB")} more than fit`
        : `${length.toLocaleString("en-GB")} of ${limit.toLocaleString("en-GB")} characters`}
    </p>
  );
}

interface LimitedProps<F extends string> extends FieldProps<F> {
  /** At most this many characters (counted as people do, not in UTF-16 units). */
  maxChars: number;
}

/** The length of `text` in characters, as the core counts them. */
export function charCount(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

/** One line of text, with how much of its limit is used once that matters. */
export function LineField<F extends string>(props: LimitedProps<F>) {
  const { form, name, id, label, hint, needed = false, maxChars } = props;
  const ref = useFocusTarget<F, HTMLInputElement>(form, name);
  const error = form.errors[name].value;
  const value = form.values[name].value;
  const length = charCount(value);
  return (
    <div class="field">
      <FieldLabel id={id} label={label} needed={needed} />
      <Hint id={id} hint={hint} />
      <input
        ref={ref}
        id={id}
        name={id}
        type="text"
        autocomplete="off"
        required={needed}
        aria-invalid={error === "" ? undefined : "true"}
        aria-describedby={describedBy(hint !== undefined && `${id}-hint`, length >= maxChars * 0.8 && `${id}-count`, error !== "" && `${id}-error`)}
        value={value}
        onInput={(event) => {
          form.values[name].value = event.currentTarget.value;
        }}
      />
      <Count id={id} length={length} limit={maxChars} />
      <FieldError id={`${id}-error`} message={error} />
      {props.children}
    </div>
  );
}

/** Several lines of text, growing with what is written, with how much of its limit is used once that matters. */
export function TextAreaField<F extends string>(props: LimitedProps<F> & { rows?: number }) {
  const { form, name, id, label, hint, needed = false, maxChars, rows = 3 } = props;
  const ref = useFocusTarget<F, HTMLTextAreaElement>(form, name);
  const error = form.errors[name].value;
  const value = form.values[name].value;
  const length = charCount(value);
  return (
    <div class="field">
      <FieldLabel id={id} label={label} needed={needed} />
      <Hint id={id} hint={hint} />
      <textarea
        ref={ref}
        id={id}
        name={id}
        rows={rows}
        required={needed}
        aria-invalid={error === "" ? undefined : "true"}
        aria-describedby={describedBy(hint !== undefined && `${id}-hint`, length >= maxChars * 0.8 && `${id}-count`, error !== "" && `${id}-error`)}
        value={value}
        onInput={(event) => {
          form.values[name].value = event.currentTarget.value;
        }}
      />
      <Count id={id} length={length} limit={maxChars} />
      <FieldError id={`${id}-error`} message={error} />
      {props.children}
    </div>
  );
}

/** A yes-or-no field's value in a form: "true" when ticked, "false" when not. */
export const YES = "true";
export const NO = "false";

/** One tick box for yes or no: the label is the question, ticked means yes. */
export function CheckboxField<F extends string>(props: FieldProps<F>) {
  const { form, name, id, label, hint } = props;
  const ref = useFocusTarget<F, HTMLInputElement>(form, name);
  const error = form.errors[name].value;
  return (
    <div class="field field-check">
      <div class="check">
        <input
          ref={ref}
          id={id}
          name={id}
          type="checkbox"
          checked={form.values[name].value === YES}
          aria-invalid={error === "" ? undefined : "true"}
          aria-describedby={describedBy(hint !== undefined && `${id}-hint`, error !== "" && `${id}-error`)}
          onChange={(event) => {
            form.values[name].value = event.currentTarget.checked ? YES : NO;
          }}
        />
        <label for={id}>{label}</label>
        <Hint id={id} hint={hint} />
      </div>
      <FieldError id={`${id}-error`} message={error} />
      {props.children}
    </div>
  );
}

/**
 * A calendar date ("2026-12-03") or a local date and time
 * ("2026-12-03T14:30"), with the system's own picker, and the value said
 * again in words under it (`echo`): the picker's own display may order the
 * day and month either way, and shows a made-up date, greyed, when empty.
 */
export function DateField<F extends string>(props: FieldProps<F> & { withTime: boolean; echo?: ((value: string) => string) | undefined }) {
  const { form, name, id, label, hint, needed = false, withTime, echo } = props;
  const ref = useFocusTarget<F, HTMLInputElement>(form, name);
  const error = form.errors[name].value;
  const value = form.values[name].value;
  return (
    <div class="field">
      <FieldLabel id={id} label={label} needed={needed} />
      <Hint id={id} hint={hint} />
      <input
        ref={ref}
        id={id}
        name={id}
        type={withTime ? "datetime-local" : "date"}
        class="input-date"
        required={needed}
        aria-invalid={error === "" ? undefined : "true"}
        aria-describedby={describedBy(hint !== undefined && `${id}-hint`, error !== "" && `${id}-error`)}
        value={value}
        onInput={(event) => {
          form.values[name].value = event.currentTarget.value;
        }}
        onChange={(event) => {
          form.values[name].value = event.currentTarget.value;
        }}
      />
      {echo === undefined ? null : (
        <p id={`${id}-echo`} class={value === "" ? "field-echo is-empty" : "field-echo"}>
          {echo(value)}
        </p>
      )}
      <FieldError id={`${id}-error`} message={error} />
      {props.children}
    </div>
  );
}

/** The lengths offered at one tap, in minutes. */
export const QUICK_MINUTES = [15, 30, 45, 60, 90] as const;

/** A number of minutes: typed, or one of the usual lengths at one tap (a group of radios, one stop for Tab). */
export function MinutesField<F extends string>(props: FieldProps<F>) {
  const { form, name, id, label, hint, needed = false } = props;
  const ref = useFocusTarget<F, HTMLInputElement>(form, name);
  const error = form.errors[name].value;
  const value = form.values[name].value;
  const quick = QUICK_MINUTES.find((n) => String(n) === value.trim());
  // Tab reaches the quick lengths once, at the one chosen (or the first).
  const tabStop = quick ?? QUICK_MINUTES[0];
  return (
    <div class="field">
      <FieldLabel id={id} label={label} needed={needed} />
      <Hint id={id} hint={hint} />
      <div class="minutes">
        <span class="minutes-typed">
          <input
            ref={ref}
            id={id}
            name={id}
            type="text"
            inputMode="numeric"
            autocomplete="off"
            class="input-minutes"
            required={needed}
            aria-invalid={error === "" ? undefined : "true"}
            aria-describedby={describedBy(hint !== undefined && `${id}-hint`, `${id}-unit`, error !== "" && `${id}-error`)}
            value={value}
            onInput={(event) => {
              form.values[name].value = event.currentTarget.value;
            }}
          />
          <span id={`${id}-unit`} class="minutes-unit">
            minutes
          </span>
        </span>
        <div class="minutes-quick" role="radiogroup" aria-label={`Usual lengths, in minutes: ${label}`}>
          {QUICK_MINUTES.map((n) => (
            <label class="pill" key={n}>
              <input
                type="radio"
                name={`${id}-quick`}
                value={String(n)}
                checked={quick === n}
                tabIndex={n === tabStop ? 0 : -1}
                onChange={() => {
                  form.values[name].value = String(n);
                }}
              />
              <span aria-hidden="true">{n}</span>
              <span class="visually-hidden">{`${n} minutes`}</span>
            </label>
          ))}
        </div>
      </div>
      <FieldError id={`${id}-error`} message={error} />
      {props.children}
    </div>
  );
}

/** One of the things a PickField offers. */
export interface PickOption {
  /** What the form keeps: an id. */
  value: string;
  /** What people see and type: a name. */
  label: string;
  /** A second line (a service's category and area). */
  detail?: string | undefined;
}

interface PickFieldProps<F extends string> extends FieldProps<F> {
  /** What matches what is typed, best first; everything when nothing is typed. */
  find: (typed: string) => readonly PickOption[];
  /** The name shown for a value already chosen (a restored draft, a record being changed). */
  nameOf: (value: string) => string;
  /** What the list is called, for screen readers: "People", "Services". */
  listLabel: string;
  /** Said in the list when nothing matches what is typed. */
  noMatch: (typed: string) => string;
  /** A last entry of the list that leaves to add something new (with what was typed). */
  addNew?: { label: (typed: string) => string; choose: (typed: string) => void } | undefined;
  /** At most this many matches listed at once. */
  limit?: number;
  /** Called when the list is first wanted (to load what it offers). */
  onWanted?: () => void;
  /** Said for the field when what it offers could not be read; "" when they could. */
  loadError?: string | undefined;
}

/**
 * One of a long list, found by typing part of its name: an ARIA combobox.
 * The form keeps the chosen value (an id); the field shows its name. Typing
 * lists the matches, the first ready to take with Enter; arrows move, Escape
 * closes. Typing a name exactly and leaving the field chooses it too.
 */
export function PickField<F extends string>(props: PickFieldProps<F>) {
  const { form, name, id, label, hint, needed = false, find, nameOf, listLabel, limit = 8 } = props;
  const ref = useFocusTarget<F, HTMLInputElement>(form, name);
  const error = form.errors[name].value;
  const value = form.values[name];
  const typed = useSignal(value.peek() === "" ? "" : nameOf(value.peek()));
  const open = useSignal(false);
  const active = useSignal(0);
  const listId = `${id}-list`;
  const wanted = useRef(false);

  // A value set from outside (a draft, a return from adding someone) shows its name, once that is known.
  const latestNameOf = useRef(nameOf);
  latestNameOf.current = nameOf;
  useEffect(
    () =>
      effect(() => {
        const chosen = value.value;
        if (chosen !== "") typed.value = latestNameOf.current(chosen);
      }),
    [],
  );

  const shown = find(typed.value).slice(0, limit);
  const addNew = props.addNew;
  const rows = shown.length + (addNew === undefined ? 0 : 1);
  const isOpen = open.value;
  const activeIndex = Math.min(active.value, rows - 1);
  const optionId = (i: number) => `${id}-option-${i}`;

  function want(): void {
    if (!wanted.current) {
      wanted.current = true;
      props.onWanted?.();
    }
  }

  function choose(option: PickOption): void {
    batch(() => {
      value.value = option.value;
      typed.value = option.label;
      open.value = false;
    });
  }

  function take(index: number): void {
    const option = shown[index];
    if (option !== undefined) choose(option);
    else if (addNew !== undefined && index === shown.length) {
      open.value = false;
      addNew.choose(typed.peek().trim());
    }
  }

  function onKeyDown(event: KeyboardEvent): void {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    switch (event.key) {
      case "ArrowDown":
      case "ArrowUp": {
        event.preventDefault();
        want();
        if (!open.peek()) {
          open.value = true;
          active.value = 0;
        } else if (rows > 0) {
          const step = event.key === "ArrowDown" ? 1 : -1;
          active.value = (activeIndex + step + rows) % rows;
        }
        break;
      }
      case "Enter":
        if (open.peek() && rows > 0) {
          event.preventDefault();
          take(activeIndex);
        }
        break;
      case "Escape":
        if (open.peek()) {
          event.preventDefault();
          event.stopPropagation();
          open.value = false;
        }
        break;
    }
  }

  function onBlur(): void {
    open.value = false;
    const text = typed.peek().trim().toLowerCase();
    if (value.peek() !== "" || text === "") return;
    // A name typed in full is as good as chosen.
    const exact = find(typed.peek()).filter((option) => option.label.toLowerCase() === text);
    if (exact.length === 1 && exact[0] !== undefined) choose(exact[0]);
  }

  const loadError = props.loadError ?? "";
  return (
    <div class="field field-pick">
      <FieldLabel id={id} label={label} needed={needed} />
      <Hint id={id} hint={hint} />
      <div class="pick">
        <input
          ref={ref}
          id={id}
          name={id}
          type="text"
          role="combobox"
          autocomplete="off"
          spellcheck={false}
          required={needed}
          aria-autocomplete="list"
          aria-expanded={isOpen ? "true" : "false"}
          aria-controls={listId}
          aria-activedescendant={isOpen && rows > 0 ? optionId(activeIndex) : undefined}
          aria-invalid={error === "" ? undefined : "true"}
          aria-describedby={describedBy(hint !== undefined && `${id}-hint`, loadError !== "" && `${id}-load-error`, error !== "" && `${id}-error`)}
          value={typed.value}
          onFocus={want}
          onInput={(event) => {
            want();
            batch(() => {
              typed.value = event.currentTarget.value;
              // Typing again un-chooses: what is kept is only ever what the field shows.
              value.value = "";
              open.value = true;
              active.value = 0;
            });
          }}
          onClick={() => {
            want();
            open.value = !open.peek();
          }}
          onKeyDown={onKeyDown}
          onBlur={onBlur}
        />
        <ul id={listId} role="listbox" aria-label={listLabel} class="pick-list" hidden={!isOpen}>
          {shown.length === 0 ? (
            <li class="pick-none" role="presentation">
              {props.noMatch(typed.value.trim())}
            </li>
          ) : null}
          {shown.map((option, i) => (
            <li
              key={option.value}
              id={optionId(i)}
              role="option"
              aria-selected={i === activeIndex ? "true" : "false"}
              class={i === activeIndex ? "pick-option is-active" : "pick-option"}
              // Keeps focus in the field, so the click lands and Tab goes on from here.
              onMouseDown={(event) => event.preventDefault()}
              onClick={() => take(i)}
            >
              <span class="pick-name">{option.label}</span>
              {option.detail === undefined || option.detail === "" ? null : <span class="pick-detail">{option.detail}</span>}
            </li>
          ))}
          {addNew === undefined ? null : (
            <li
              id={optionId(shown.length)}
              role="option"
              aria-selected={activeIndex === shown.length ? "true" : "false"}
              class={activeIndex === shown.length ? "pick-option pick-add is-active" : "pick-option pick-add"}
              onMouseDown={(event) => event.preventDefault()}
              onClick={() => take(shown.length)}
            >
              {addNew.label(typed.value.trim())}
            </li>
          )}
        </ul>
      </div>
      {loadError === "" ? null : (
        <p id={`${id}-load-error`} class="field-error">
          {loadError}
        </p>
      )}
      <FieldError id={`${id}-error`} message={error} />
      {props.children}
    </div>
  );
}
