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
// - leaving the screen empties its inputs, so no passphrase outlives it.
import type { ComponentChildren } from "preact";
import { useLayoutEffect, useMemo, useRef } from "preact/hooks";
import { batch, signal, type Signal } from "@preact/signals";
import type { UiError } from "./bindings/UiError";
import { toUiError } from "./errors";
import "./forms.css";

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
  children: ComponentChildren;
}

/** A form: its fields, then its error region (role=alert), then its buttons. */
export function Form<F extends string>(props: FormProps<F>) {
  const { form, labelledBy, label, actions, bare = false, children } = props;
  return (
    <form
      class={bare ? "form-bare" : "form"}
      noValidate
      aria-labelledby={labelledBy}
      aria-label={label}
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
function useFocusTarget<F extends string, E extends HTMLElement>(form: FormModel<F>, key: F | "submit", focusOnMount = false) {
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
function describedBy(...ids: (string | false | undefined)[]): string | undefined {
  const present = ids.filter((id): id is string => typeof id === "string" && id !== "");
  return present.length === 0 ? undefined : present.join(" ");
}

function FieldError({ id, message }: { id: string; message: string }) {
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
    required: true,
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
}

/** A group of radio buttons, each with a line saying what it means. */
export function ChoiceField<F extends string>({ form, name, idPrefix, legend, choices }: ChoiceFieldProps<F>) {
  const chosen = form.values[name].value;
  const error = form.errors[name].value;
  const first = useFocusTarget<F, HTMLInputElement>(form, name);
  return (
    <fieldset
      class="choices"
      role="radiogroup"
      aria-labelledby={`${idPrefix}-legend`}
      aria-invalid={error === "" ? undefined : "true"}
      aria-describedby={error === "" ? undefined : `${idPrefix}-error`}
    >
      <legend id={`${idPrefix}-legend`}>{legend}</legend>
      {choices.map((choice, i) => {
        const id = `${idPrefix}-${choice.value}`;
        return (
          <div class="choice" key={choice.value}>
            <input
              ref={i === 0 ? first : null}
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
}

/** A labelled select, on one line with its label, with its error under it. */
export function SelectField<F extends string>(props: SelectFieldProps<F>) {
  const { form, name, id, label, after } = props;
  const ref = useFocusTarget<F, HTMLSelectElement>(form, name);
  const error = form.errors[name].value;
  const value = form.values[name].value;
  return (
    <div class="field">
      <div class="field-inline">
        <label for={id}>{label}</label>
        <select
          ref={ref}
          id={id}
          name={id}
          aria-invalid={error === "" ? undefined : "true"}
          aria-describedby={describedBy(after !== undefined && `${id}-hint`, error !== "" && `${id}-error`)}
          value={value}
          onChange={(event) => {
            form.values[name].value = event.currentTarget.value;
            if (props.submitOnPick === true) event.currentTarget.form?.requestSubmit();
          }}
        >
          {props.options.map((option) => (
            <option key={option.value} value={option.value} selected={option.value === value}>
              {option.label}
            </option>
          ))}
        </select>
        {after === undefined ? null : (
          <span id={`${id}-hint`} class="field-after">
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
  children: string;
}

/** The form's submit button: disabled, aria-busy and saying what is happening while the form is sent. */
export function SubmitButton<F extends string>({ form, id, busyLabel, children }: SubmitButtonProps<F>) {
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
    >
      {busy ? busyLabel : children}
    </button>
  );
}
