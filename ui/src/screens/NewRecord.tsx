// Route "new": a new record of any kind, perhaps about a person, perhaps
// about another record (`about`). Log a contact is this screen for a
// contact, reached by Ctrl+N from anywhere and the "Log a contact" button:
// it starts at now, a home visit, the person on screen (or the one last
// written about) and how long their contacts usually last, so that it can be
// written in two minutes with the keyboard alone.
//
// A draft of this form kept earlier is offered back first. After saving,
// the person's page shows (or, for a reflection or a service, the place they
// belong) in place of the form, so Back does not return to it. A form left
// to add someone new comes back with them chosen and all it had.
import { useSignal } from "@preact/signals";
import { useEffect, useLayoutEffect, useMemo, useRef } from "preact/hooks";
import { api } from "../api";
import type { Draft } from "../bindings/Draft";
import type { JournalRecord } from "../bindings/JournalRecord";
import type { Kind } from "../bindings/Kind";
import type { PersonId } from "../bindings/PersonId";
import type { RecordId } from "../bindings/RecordId";
import { FORM_ID, RecordForm, restoreDraft, valuesOf, type RecordValues } from "../components/RecordForm";
import { friendly, localDate, localMoment } from "../dates";
import { detourFor, discardDraft, draftKey, draftTime, findDraft, finishDetour, returnFrom, startDetour, type Detour } from "../drafts";
import { useForm } from "../forms";
import { aKind, KIND_ACTIONS, kindOf } from "../kinds";
import { personName, refreshPeople } from "../people";
import { back, homeRoute, navigate, shown, type Route, type RouteOf } from "../routes";
import { lastPerson } from "../state";
import "./NewRecord.css";

/** Each kind's save button. */
const SAVE_LABELS: Partial<Record<Kind, string>> = {
  person: "Add this person",
  contact: "Save this contact",
  service: "Add this service",
  concern: "Save this concern",
  reflection: "Save this reflection",
};

/** Optional fields behind "More details" on a new record of the longer kinds. */
const MORE: Partial<Record<Kind, readonly string[]>> = {
  signpost: ["outcome"],
  service: ["opening_times", "notes"],
};

/** Fields a new record of a kind does not ask at all, left to changing it: a service being added has not closed. */
const LEAVE_OUT: Partial<Record<Kind, readonly string[]>> = {
  service: ["retired"],
};

/** The middle of some lengths in minutes (of two middles, their mean), to the nearest 5: it is "about how long". */
export function median(minutes: readonly number[]): number | null {
  if (minutes.length === 0) return null;
  const sorted = [...minutes].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const middle = sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
  return Math.round(middle / 5) * 5;
}

/** How long this person's contacts usually last: the middle of their last five that say; null when none do. */
export async function usualMinutes(person: PersonId): Promise<number | null> {
  try {
    const last = await api.listRecords("contact", person, { limit: 5, offset: 0 });
    const minutes = last.map((r) => r.fields["minutes"]).filter((n): n is number => typeof n === "number" && Number.isFinite(n));
    return median(minutes);
  } catch {
    return null;
  }
}

/** What a new record of `kind` starts with: now for when it happened, a home visit, the first step of a referral. */
export function defaultsFor(
  kind: Kind,
  options: { person?: PersonId | undefined; about?: RecordId | undefined; volunteer?: string | undefined; minutes?: number | null; now?: Date },
): RecordValues {
  const now = options.now ?? new Date();
  const values = valuesOf(kind);
  const description = kindOf(kind);
  for (const field of description.fields) {
    if (field.name === description.at && field.input.type === "dateTime") values[field.name] = localMoment(now);
    if (field.name === description.at && field.input.type === "date") values[field.name] = localDate(now);
    if (field.input.type === "person" && options.person !== undefined) values[field.name] = options.person;
    if (field.input.type === "record" && options.about !== undefined) values[field.name] = options.about;
    if (field.input.type === "card" && options.volunteer !== undefined) values[field.name] = options.volunteer;
  }
  if (kind === "contact") {
    values["how"] = "home-visit";
    if (options.minutes !== null && options.minutes !== undefined) values["minutes"] = String(options.minutes);
  }
  if (kind === "signpost") {
    const status = description.fields.find((f) => f.name === "status")?.input;
    if (status?.type === "choice" && status.options[0] !== undefined) values["status"] = status.options[0].value;
  }
  return values;
}

/** "A concern from Tue 3 Dec": what a record is, for a form about it. */
export function describeRecord(record: JournalRecord): string {
  return record.at === null ? aKind(record.kind) : `${aKind(record.kind)} from ${friendly(record.at)}`;
}

/** Where a saved record shows: its person's page, else the place records of its kind belong. */
export function placeOf(kind: Kind, record: JournalRecord): Route {
  if (kind === "reflection") return { name: "reflections" };
  if (kind === "service") return { name: "services" };
  const person = kind === "person" ? (record.id as string as PersonId) : record.person;
  return person === null ? homeRoute() : { name: "person", id: person };
}

/** How the form starts: its values, whether they still need keeping, which of its fields the route fixes. */
interface Start {
  values: RecordValues;
  unsaved: boolean;
  fixedPerson: boolean;
}

export function NewRecord({ kind, person, about, volunteer }: RouteOf<"new">) {
  // The route object on screen: Back from a detour returns to this very one.
  const here = useMemo(() => shown.peek(), []);
  const key = draftKey(kind);
  const title = KIND_ACTIONS[kind];
  const start = useSignal<Start | null>(null);
  const offer = useSignal<{ draft: Draft; fresh: Start } | null>(null);
  const aboutText = useSignal("");
  const detour = useMemo(() => detourFor(kind), []);

  useEffect(() => {
    document.title = `${title} — Peer Journal`;
  }, [title]);

  useEffect(() => {
    let live = true;
    const hasPerson = kindOf(kind).fields.some((f) => f.input.type === "person");
    const who = hasPerson ? (person ?? (kind === "contact" ? (lastPerson.peek() ?? undefined) : undefined)) : undefined;
    if (about !== undefined) {
      // Inside the promise, so that anything going wrong ends in the plain words below.
      Promise.resolve()
        .then(() => api.getRecord(about))
        .then(describeRecord)
        .then(
          (described) => {
            if (live) aboutText.value = described;
          },
          () => {
            if (live) aboutText.value = "Another record in your journal";
          },
        );
    }
    const returned = returnFrom(here);
    if (returned !== null) {
      start.value = resumed(returned);
      return () => {
        live = false;
      };
    }
    void Promise.all([findDraft(key), kind === "contact" && who !== undefined ? usualMinutes(who) : null]).then(([draft, minutes]) => {
      if (!live) return;
      const values = defaultsFor(kind, { person: who, about, volunteer, minutes });
      for (const [name, value] of Object.entries(detour?.seed ?? {})) if (typeof value === "string") values[name] = value;
      const fresh: Start = { values, unsaved: detour !== null, fixedPerson: who !== undefined };
      if (draft === null) start.value = fresh;
      else offer.value = { draft, fresh };
    });
    return () => {
      live = false;
    };
  }, []);

  function carryOn(draft: Draft, fresh: Start): void {
    const values = restoreDraft(kind, fresh.values, draft.fields);
    // The draft's own person, who may not be the one on screen.
    const personField = kindOf(kind).fields.find((f) => f.input.type === "person")?.name;
    const draftPerson = personField === undefined ? "" : (values[personField] ?? "");
    offer.value = null;
    start.value = { values, unsaved: false, fixedPerson: draftPerson !== "" };
  }

  function startAgain(fresh: Start): void {
    void discardDraft(key);
    offer.value = null;
    start.value = fresh;
  }

  return (
    <section class="record-screen" aria-labelledby={`${FORM_ID}-title`}>
      <h1 id={`${FORM_ID}-title`} tabIndex={-1}>
        {title}
      </h1>
      {detour === null ? null : (
        <p class="note" id="record-detour-note">
          {`Once you have saved ${kind === "person" ? "them" : "it"}, you will go back to what you were writing, with ${kind === "person" ? "them" : "it"} chosen.`}
        </p>
      )}
      {offer.value === null ? null : (
        <DraftOffer
          draft={offer.value.draft}
          kind={kind}
          onCarryOn={() => offer.value !== null && carryOn(offer.value.draft, offer.value.fresh)}
          onStartAgain={() => offer.value !== null && startAgain(offer.value.fresh)}
        />
      )}
      {start.value === null ? null : (
        <Writing
          kind={kind}
          here={here}
          draftKey={key}
          start={start.value}
          aboutText={aboutText.value}
          detour={detour}
        />
      )}
    </section>
  );
}

/** What a form left for a detour starts with on its return: all it had, with what was added chosen. */
function resumed(detour: Detour): Start {
  const values = { ...detour.values };
  if (detour.added !== null) values[detour.field] = detour.added;
  return { values, unsaved: true, fixedPerson: false };
}

interface DraftOfferProps {
  draft: Draft;
  kind: Kind;
  onCarryOn: () => void;
  onStartAgain: () => void;
}

/** "You were in the middle of this, on Tue 3 Dec at 14:30": carry on, or start again. */
export function DraftOffer({ draft, kind, onCarryOn, onStartAgain }: DraftOfferProps) {
  const hasPerson = kindOf(kind).fields.some((f) => f.input.type === "person");
  const who = hasPerson && draft.person !== null ? `, about ${personName(draft.person)}` : "";
  const carry = useRef<HTMLButtonElement>(null);
  useLayoutEffect(() => {
    carry.current?.focus();
  }, []);
  return (
    <section class="card draft-offer" aria-labelledby="draft-offer-title" aria-describedby="draft-offer-when">
      <h2 id="draft-offer-title">You were in the middle of this</h2>
      <p id="draft-offer-when">{`You started this on ${draftTime(draft.updatedAt)}${who}, and it was kept as a draft. Would you like to carry on where you left off?`}</p>
      <div class="actions">
        <button ref={carry} id="draft-carry-on" type="button" class="button button-primary" onClick={onCarryOn}>
          Carry on
        </button>
        <button id="draft-start-again" type="button" class="button button-quiet" aria-describedby="draft-start-again-hint" onClick={onStartAgain}>
          Start again
        </button>
      </div>
      <p id="draft-start-again-hint" class="hint">
        Start again puts the draft away for good.
      </p>
    </section>
  );
}

interface WritingProps {
  kind: Kind;
  here: Route;
  draftKey: string;
  start: Start;
  aboutText: string;
  detour: Detour | null;
}

/** The form itself, once it is known what it starts with. */
function Writing({ kind, here, draftKey: key, start, aboutText, detour }: WritingProps) {
  const form = useForm<string>(FORM_ID, start.values);
  const description = kindOf(kind);
  const personField = description.fields.find((f) => f.input.type === "person")?.name;
  const aboutField = description.fields.find((f) => f.input.type === "record")?.name;
  const personFixed = useSignal(start.fixedPerson && personField !== undefined && start.values[personField] !== "");

  // Log a contact: a change of person brings their usual length, unless the minutes were changed by hand.
  useEffect(() => {
    if (kind !== "contact" || personField === undefined) return;
    let auto = form.values["minutes"]?.peek() ?? "";
    let before = form.values[personField]?.peek() ?? "";
    let asked = 0;
    const minutes = form.values["minutes"];
    const chosen = form.values[personField];
    if (minutes === undefined || chosen === undefined) return;
    return chosen.subscribe((who) => {
      if (who === before) return;
      before = who;
      if (who === "" || minutes.peek() !== auto) return;
      const mine = ++asked;
      void usualMinutes(who as PersonId).then((usual) => {
        if (mine !== asked || minutes.peek() !== auto) return;
        auto = usual === null ? "" : String(usual);
        minutes.value = auto;
      });
    });
  }, []);

  const fixed: Record<string, string> = {};
  if (personField !== undefined && personFixed.value) fixed[personField] = personName(form.values[personField]?.value as PersonId);
  if (aboutField !== undefined && (form.values[aboutField]?.value ?? "") !== "") fixed[aboutField] = aboutText || "Another record in your journal";

  async function saved(record: JournalRecord): Promise<void> {
    if (kind === "person") await refreshPeople().catch(() => undefined);
    const personId = kind === "person" ? (record.id as string as PersonId) : record.person;
    if (personId !== null) lastPerson.value = personId;
    if (detour !== null && detourFor(kind) === detour) {
      finishDetour(record.id);
      back();
      return;
    }
    navigate(placeOf(kind, record), { replace: true });
  }

  return (
    <RecordForm
      kind={kind}
      form={form}
      draftKey={key}
      unsaved={start.unsaved}
      labelledBy={`${FORM_ID}-title`}
      fixed={fixed}
      unfix={() => {
        personFixed.value = false;
      }}
      more={MORE[kind] ?? []}
      leaveOut={LEAVE_OUT[kind] ?? []}
      save={(fields) => api.addRecord(kind, fields)}
      saved={saved}
      addNew={(field, newKind, typed) => {
        const values = Object.fromEntries(Object.entries(form.values).map(([name, value]) => [name, value.peek()]));
        startDetour({ from: here, field, kind: newKind, values, seed: typed === "" ? {} : newKind === "person" ? { alias: typed } : { name: typed } });
        navigate({ name: "new", kind: newKind });
      }}
      submitLabel={SAVE_LABELS[kind] ?? "Save"}
    />
  );
}
