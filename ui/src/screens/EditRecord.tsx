// Route "edit": changing a record, in the same form a new one is written in
// (RecordForm), starting from what it says now. Only what was changed is
// sent. A draft of changes kept earlier (`${kind}:${id}`) is offered back
// first. After saving, the person's page shows (or the place the record
// belongs) in place of the form, so Back does not return to it.
import { useSignal } from "@preact/signals";
import { useEffect, useMemo } from "preact/hooks";
import { api } from "../api";
import type { Draft } from "../bindings/Draft";
import type { JournalRecord } from "../bindings/JournalRecord";
import type { PersonId } from "../bindings/PersonId";
import { FORM_ID, RecordForm, restoreDraft, valuesOf, type RecordValues } from "../components/RecordForm";
import { discardDraft, draftKey, findDraft } from "../drafts";
import { sentence } from "../errors";
import { toUiError } from "../errors";
import { useForm } from "../forms";
import { kindOf } from "../kinds";
import { refreshPeople } from "../people";
import { back, canGoBack, homeRoute, navigate, type RouteOf } from "../routes";
import { appState, lastPerson } from "../state";
import { describeRecord, DraftOffer, placeOf } from "./NewRecord";

/** "Change this contact", "Change this person's details". */
export function editTitle(record: JournalRecord): string {
  return record.kind === "person" ? "Change this person's details" : `Change this ${kindOf(record.kind).label}`;
}

/** Whether the record belongs to another journal (a supervisor's note): only they change it. */
function othersRecord(record: JournalRecord): boolean {
  const mine = appState.value?.fingerprint ?? null;
  return record.owner !== null && mine !== null && record.owner !== mine;
}

type Loaded =
  | { state: "loading" }
  | { state: "failed"; message: string }
  | { state: "offer"; record: JournalRecord; draft: Draft }
  | { state: "form"; record: JournalRecord; values: RecordValues };

export function EditRecord({ id }: RouteOf<"edit">) {
  const loaded = useSignal<Loaded>({ state: "loading" });
  const aboutText = useSignal("");

  useEffect(() => {
    let live = true;
    const load = async (): Promise<void> => {
      let record: JournalRecord;
      try {
        record = await api.getRecord(id);
        if (record === undefined || record === null) throw new Error("no record");
      } catch (reason) {
        if (!live) return;
        const error = toUiError(reason);
        loaded.value = {
          state: "failed",
          message:
            error.kind === "notFound"
              ? "This record is no longer in your journal. It may have been deleted, or erased with its person."
              : sentence(error.message),
        };
        return;
      }
      const about = kindOf(record.kind).fields.find((f) => f.input.type === "record")?.name;
      const aboutId = about === undefined ? undefined : record.fields[about];
      if (typeof aboutId === "string") {
        Promise.resolve()
          .then(() => api.getRecord(aboutId as JournalRecord["id"]))
          .then(describeRecord)
          .then(
            (described) => {
              if (live) aboutText.value = described;
            },
            () => undefined,
          );
      }
      const draft = othersRecord(record) ? null : await findDraft(draftKey(record.kind, id));
      if (!live) return;
      loaded.value = draft === null ? { state: "form", record, values: valuesOf(record.kind, record.fields) } : { state: "offer", record, draft };
    };
    void load();
    return () => {
      live = false;
    };
  }, []);

  const now = loaded.value;
  const title = now.state === "offer" || now.state === "form" ? editTitle(now.record) : "Change a record";
  useEffect(() => {
    document.title = `${title} — Peer Journal`;
  }, [title]);

  return (
    <section class="record-screen" aria-labelledby={`${FORM_ID}-title`}>
      <h1 id={`${FORM_ID}-title`} tabIndex={-1}>
        {title}
      </h1>
      {now.state === "failed" ? (
        <div class="card" role="alert" id="record-load-error">
          <p>{now.message}</p>
          <p>
            <button type="button" class="button button-quiet" onClick={() => (canGoBack.peek() ? back() : navigate(homeRoute()))}>
              Go back
            </button>
          </p>
        </div>
      ) : null}
      {now.state === "offer" ? (
        <DraftOffer
          draft={now.draft}
          kind={now.record.kind}
          onCarryOn={() => {
            const original = valuesOf(now.record.kind, now.record.fields);
            loaded.value = { state: "form", record: now.record, values: restoreDraft(now.record.kind, original, now.draft.fields) };
          }}
          onStartAgain={() => {
            void discardDraft(draftKey(now.record.kind, id));
            loaded.value = { state: "form", record: now.record, values: valuesOf(now.record.kind, now.record.fields) };
          }}
        />
      ) : null}
      {now.state === "form" ? (
        othersRecord(now.record) ? (
          <div class="card" id="record-not-yours">
            <p>This came from someone else's journal, so only they can change it.</p>
          </div>
        ) : (
          <Changing record={now.record} values={now.values} aboutText={aboutText.value} />
        )
      ) : null}
    </section>
  );
}

/** The form, starting from the record's values (or a draft of changes to them). */
function Changing({ record, values, aboutText }: { record: JournalRecord; values: RecordValues; aboutText: string }) {
  const kind = record.kind;
  const form = useForm<string>(FORM_ID, values);
  const original = useMemo(() => valuesOf(kind, record.fields), [record]);
  const aboutField = kindOf(kind).fields.find((f) => f.input.type === "record")?.name;
  const fixed: Record<string, string> = {};
  if (aboutField !== undefined && (original[aboutField] ?? "") !== "") fixed[aboutField] = aboutText || "Another record in your journal";

  return (
    <RecordForm
      kind={kind}
      form={form}
      draftKey={draftKey(kind, record.id)}
      labelledBy={`${FORM_ID}-title`}
      fixed={fixed}
      original={original}
      save={(fields) => (Object.keys(fields).length === 0 ? Promise.resolve(record) : api.updateRecord(record.id, fields))}
      saved={async (saved) => {
        // A changed alias shows everywhere at once.
        if (kind === "person") await refreshPeople().catch(() => undefined);
        const person = kind === "person" ? (saved.id as string as PersonId) : saved.person;
        if (person !== null) lastPerson.value = person;
        navigate(placeOf(kind, saved), { replace: true });
      }}
      submitLabel="Save the changes"
    />
  );
}
