// Route "conflicts": records changed in two places at once (the same journal
// used on two computers, each changing a field before they caught up). For
// each field, every value side by side, labelled, with a button to keep it;
// the value not kept stays in the record's history. Settled fields leave
// the list; a record leaves once none is left.
import { batch, useSignal } from "@preact/signals";
import { useLayoutEffect, useRef } from "preact/hooks";
import { api } from "../api";
import type { Conflict } from "../bindings/Conflict";
import type { ConflictField } from "../bindings/ConflictField";
import type { Kind } from "../bindings/Kind";
import type { PersonId } from "../bindings/PersonId";
import type { RecordId } from "../bindings/RecordId";
import { ListError, ShowMore, useFocusWhen, usePages } from "../components/PagedList";
import { When } from "../components/When";
import { friendly } from "../dates";
import { toUiError } from "../errors";
import { choiceLabel, fieldOf, kindName, text } from "../kinds";
import { personName } from "../people";
import { navigate } from "../routes";
import { useFocusOnMount } from "./focus";
import { minutes } from "./words";
import "./Conflicts.css";

/** Said for a value that is empty on one side. */
export const EMPTY_VALUE = "Left empty";

/** The name of a record a field points to (a signpost's service, a note's record), asked for once. */
function RecordName({ id }: { id: RecordId }) {
  const name = useSignal<string | null>(null);
  useLayoutEffect(() => {
    let live = true;
    api.getRecord(id).then(
      (record) => {
        if (!live) return;
        const title = record.kind === "service" ? text(record, "name") : `${kindName(record.kind)} ${friendly(record.at)}`.trim();
        name.value = title === "" ? "Another record" : title;
      },
      () => {
        if (live) name.value = "A record no longer in this journal";
      },
    );
    return () => {
      live = false;
    };
  }, [id]);
  return <>{name.value ?? "…"}</>;
}

/** One side's value as people read it: the choice's words, Yes or No, a friendly date, a person's name. */
export function ValueText({ kind, field, value }: { kind: Kind; field: string; value: unknown }) {
  if (value === null || value === undefined || value === "") return <span class="conflict-empty">{EMPTY_VALUE}</span>;
  const input = fieldOf(kind, field)?.input;
  switch (input?.type) {
    case "choice":
      return <>{choiceLabel(kind, field, value)}</>;
    case "yesNo":
      return <>{value === true ? "Yes" : value === false ? "No" : String(value)}</>;
    case "date":
    case "dateTime":
      return typeof value === "string" ? <When value={value} /> : <>{String(value)}</>;
    case "minutes":
      return <>{typeof value === "number" ? minutes(value) : String(value)}</>;
    case "person":
      return <>{personName(value as PersonId)}</>;
    case "service":
    case "record":
      return typeof value === "string" ? <RecordName id={value as RecordId} /> : <>{String(value)}</>;
    default:
      return <>{typeof value === "string" ? value : JSON.stringify(value)}</>;
  }
}

function fieldLabel(kind: Kind, field: string): string {
  return fieldOf(kind, field)?.label ?? field;
}

interface FieldProps {
  conflict: Conflict;
  field: ConflictField;
  /** Keeps `value` for the field; resolves once it is kept, rejects with what went wrong. */
  keep: (conflict: Conflict, field: ConflictField, value: unknown) => Promise<void>;
}

function ConflictedField({ conflict, field, keep }: FieldProps) {
  const busy = useSignal<number | null>(null);
  const error = useSignal("");
  const { record } = conflict;
  const id = `conflict-${record.id}-${field.field}`;
  const values = [field.current, ...field.others];

  function choose(index: number): void {
    if (busy.peek() !== null) return;
    batch(() => {
      busy.value = index;
      error.value = "";
    });
    keep(conflict, field, values[index]).catch((reason: unknown) => {
      batch(() => {
        busy.value = null;
        error.value = toUiError(reason).message;
      });
    });
  }

  return (
    <section class="conflict-field" aria-labelledby={`${id}-label`}>
      <h3 id={`${id}-label`} class="conflict-field-label">
        {fieldLabel(record.kind, field.field)}
      </h3>
      <ul class="conflict-values">
        {values.map((value, i) => {
          const which = i === 0 ? "Showing now" : values.length > 2 ? `Also written at the same time (${i} of ${values.length - 1})` : "Also written at the same time";
          const pressed = busy.value === i;
          return (
            <li class={i === 0 ? "conflict-value is-current" : "conflict-value"} key={i}>
              <p id={`${id}-${i}-which`} class="conflict-which">
                {which}
              </p>
              <p id={`${id}-${i}-value`} class="conflict-text">
                <ValueText kind={record.kind} field={field.field} value={value} />
              </p>
              <button
                id={`${id}-${i}-keep`}
                type="button"
                class={pressed ? "button button-quiet is-busy" : "button button-quiet"}
                aria-describedby={`${id}-label ${id}-${i}-which ${id}-${i}-value`}
                aria-busy={pressed ? "true" : undefined}
                disabled={busy.value !== null}
                onClick={() => choose(i)}
              >
                {pressed ? "Keeping…" : "Keep this one"}
              </button>
            </li>
          );
        })}
      </ul>
      <p id={`${id}-error`} class="message message-error" role="alert">
        {error.value}
      </p>
    </section>
  );
}

function ConflictCard({ conflict, focus, keep }: { conflict: Conflict; focus: boolean; keep: FieldProps["keep"] }) {
  const open = useFocusWhen<HTMLButtonElement>(focus);
  const { record } = conflict;
  const id = `conflict-${record.id}`;
  const who = record.kind === "person" ? personName(record.id as string as PersonId) : record.kind === "service" ? text(record, "name") : personName(record.person);
  return (
    <li class="conflict" aria-labelledby={`${id}-title`}>
      <div class="conflict-head">
        <h2 id={`${id}-title`} class="conflict-title">
          {kindName(record.kind)}
          {who === "" ? null : <span class="conflict-who"> · {who}</span>}
          {record.at === null ? null : (
            <span class="conflict-when">
              {" "}
              · <When value={record.at} />
            </span>
          )}
        </h2>
        <button
          ref={open}
          type="button"
          class="button button-link"
          aria-describedby={`${id}-title`}
          onClick={() => navigate(record.kind === "person" ? { name: "person", id: record.id as string as PersonId } : { name: "record", id: record.id })}
        >
          Open it
        </button>
      </div>
      {conflict.fields.map((field) => (
        <ConflictedField key={field.field} conflict={conflict} field={field} keep={keep} />
      ))}
    </li>
  );
}

export function Conflicts() {
  const title = useFocusOnMount<HTMLHeadingElement>();
  const status = useRef<HTMLParagraphElement>(null);
  const said = useSignal("");
  const pages = usePages<Conflict>((page) => api.listConflicts(page), (conflict) => conflict.record.id);

  async function keep(conflict: Conflict, field: ConflictField, value: unknown): Promise<void> {
    const record = await api.resolveConflict(conflict.record.id, field.field, value);
    const rest = conflict.fields.filter((f) => f.field !== field.field);
    batch(() => {
      // Fields settled here go; a record still in conflict keeps the rest.
      const current = pages.items.peek().find((c) => c.record.id === conflict.record.id);
      if (current !== undefined) {
        if (!record.conflict || rest.length === 0) pages.remove((c) => c === current);
        else pages.replace(current, { record, fields: current.fields.filter((f) => f.field !== field.field) });
      }
      said.value = `Your choice for “${fieldLabel(conflict.record.kind, field.field)}” is kept. The other version stays in the record’s history.`;
    });
    // The buttons pressed have gone: the line saying what happened takes focus, and the next choice follows it.
    status.current?.focus();
  }

  const items = pages.items.value;
  const loaded = pages.loaded.value;
  return (
    <>
      <section class="intro conflicts-intro">
        <h1 ref={title} tabIndex={-1}>
          Changed in two places
        </h1>
        <p class="lead">When your journal is used on two computers, the same record can be changed on both before they catch up.</p>
        <p>
          Peer Journal cannot tell which change you meant, so for now it shows one of them and asks you to choose. Whichever
          you keep, the other is not lost: it stays in the record’s history.
        </p>
      </section>
      <p ref={status} id="conflicts-status" class="message message-status conflicts-status" role="status" tabIndex={-1}>
        {said.value}
      </p>
      <ListError pages={pages} id="conflicts" />
      {loaded && items.length === 0 ? (
        <section class="card conflicts-empty" id="conflicts-empty">
          <h2>Nothing to choose between</h2>
          <p>
            Every record reads the same everywhere. If the same record is ever changed on two computers at once, it will show
            here so you can choose which version to keep.
          </p>
        </section>
      ) : null}
      <ol id="conflicts-list" class="conflicts" aria-label="Records to choose for" aria-busy={pages.loading.value ? "true" : undefined} hidden={items.length === 0}>
        {items.map((conflict) => (
          <ConflictCard key={conflict.record.id} conflict={conflict} focus={conflict === pages.revealed.value} keep={keep} />
        ))}
      </ol>
      <ShowMore pages={pages} id="conflicts-more" />
    </>
  );
}
