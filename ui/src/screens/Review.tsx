// Route "review", a supervisor's home: what in the volunteers' records needs a
// look before supervision, list by list. Open concerns (urgent first, each
// with Acknowledge), contacts and boundary issues flagged for supervision,
// reflections shared with the supervisor, signposts past their reminder with
// no news, people no one has been in touch with for some weeks, and
// relationships that have gone on for many months. A small form narrows every
// list to one volunteer (kept in the route, so Back returns to it) and says
// how many weeks and months count; the numbers stay while the journal is
// open. Each entry opens its record, whose history is on its page. With all
// volunteers shown, each entry says whose it is.
import { batch, effect, signal, useSignal } from "@preact/signals";
import type { ComponentChildren } from "preact";
import { useEffect } from "preact/hooks";
import { api } from "../api";
import type { Fingerprint } from "../bindings/Fingerprint";
import type { JournalRecord } from "../bindings/JournalRecord";
import type { PersonSince } from "../bindings/PersonSince";
import type { Review as ReviewLists } from "../bindings/Review";
import type { VolunteerSummary } from "../bindings/VolunteerSummary";
import { AcknowledgeButton, urgentFirst } from "../components/OpenConcern";
import { headline, RecordSummary, refreshServiceNames } from "../components/RecordSummary";
import { ALL_VOLUNTEERS, useVolunteers, VolunteerSelect } from "../components/VolunteerSelect";
import { toUiError } from "../errors";
import { describedBy, FieldError } from "../forms";
import { friendly } from "../dates";
import { kindOf, text } from "../kinds";
import { navigate, type RouteOf } from "../routes";
import { appState, journalOpen } from "../state";
import { useFocusOnMount } from "./focus";
import { count, sameFingerprint } from "./words";
import "./Review.css";

/** How far back the two lists of people look: what each starts at, and what may be chosen. */
export const REVIEW_RANGES = {
  weeks: { initial: 4, min: 1, max: 52 },
  months: { initial: 12, min: 1, max: 60 },
} as const;

/** At most this many of each list come back (the core's page). */
export const REVIEW_LIST = 50;

export const REVIEW_WORDS = {
  intro:
    "What in your volunteers' records may need a look before supervision: concerns to acknowledge, what they marked to talk about, and the people and relationships worth asking after.",
  allVolunteers: ALL_VOLUNTEERS,
  concernsHint: "Concerns from volunteers stay here until you acknowledge them.",
  noConcerns: "No open concerns.",
  flaggedHint: "Contacts and boundary issues a volunteer marked to talk about in supervision.",
  noFlagged: "Nothing is flagged for supervision.",
  sharedHint: "Reflections volunteers chose to share with you.",
  noShared: "No reflections shared with you.",
  signpostsHint: "Signposts whose reminder has passed, with no news yet of how they went.",
  noSignposts: "No signposts waiting for news.",
  longHint:
    "Long relationships are often good ones. They can be worth talking over in supervision: how things are going for both, and how an ending might look one day.",
  tooFewWeeks: `Please give a number of weeks from ${REVIEW_RANGES.weeks.min} to ${REVIEW_RANGES.weeks.max}.`,
  tooFewMonths: `Please give a number of months from ${REVIEW_RANGES.months.min} to ${REVIEW_RANGES.months.max}.`,
} as const;

/** "Open concerns (3)"; "(50 or more)" when the list is as long as the core gives. */
export function sectionTitle(title: string, n: number): string {
  return `${title} (${n >= REVIEW_LIST ? `${REVIEW_LIST} or more` : n})`;
}

/** The line for an empty "not in touch" list. */
export function quietEmpty(weeks: number): string {
  return `Everyone has been in touch within ${count(weeks, "week")}.`;
}

/** What the "not in touch" list holds. */
export function quietHint(weeks: number): string {
  return `People whose last contact was ${count(weeks, "week")} ago or more.`;
}

/** The line for an empty "long relationships" list. */
export function longEmpty(months: number): string {
  return `No one has been supported for ${count(months, "month")} or more.`;
}

/** "Last contact Tue 3 Dec", "Together since Mon 4 Mar 2024". */
export function sinceWords(list: "quiet" | "long", since: string): string {
  return list === "quiet" ? `Last contact ${friendly(since)}` : `Together since ${friendly(since)}`;
}

/** When a signpost's reminder was: "Reminder was for Tue 3 Dec"; its own date when it has none. */
export function reminderWords(signpost: JournalRecord): string {
  const reminder = text(signpost, kindOf(signpost.kind).due ?? "");
  return reminder === "" ? friendly(signpost.at) : `Reminder was for ${friendly(reminder)}`;
}

/** The number typed, when it is a whole number in the range; null otherwise. */
export function inRange(typed: string, range: { min: number; max: number }): number | null {
  const trimmed = typed.trim();
  if (!/^\d+$/.test(trimmed)) return null;
  const n = Number(trimmed);
  return n >= range.min && n <= range.max ? n : null;
}

/** The weeks and months last chosen, kept while the journal is open (Back from a record finds them). */
const chosen = signal({ weeks: REVIEW_RANGES.weeks.initial, months: REVIEW_RANGES.months.initial });

effect(() => {
  if (!journalOpen.value) chosen.value = { weeks: REVIEW_RANGES.weeks.initial, months: REVIEW_RANGES.months.initial };
});

/** The last ask: on its way, failed (why), or answered (the lists shown stay until the next answer). */
type Asked = { state: "looking" } | { state: "failed"; message: string } | { state: "done" };

export function Review({ volunteer }: RouteOf<"review">) {
  const title = useFocusOnMount<HTMLHeadingElement>();
  // Without them, the filter offers all volunteers, and entries do not say whose they are.
  const volunteers = useVolunteers();
  const asked = useSignal<Asked>({ state: "looking" });
  const lists = useSignal<ReviewLists | null>(null);
  const tries = useSignal(0);
  const { weeks, months } = chosen.value;

  useEffect(() => {
    void refreshServiceNames();
  }, []);

  useEffect(() => {
    let current = true;
    asked.value = { state: "looking" };
    api.review({ volunteer: volunteer ?? null, quietWeeks: weeks, longMonths: months }).then(
      (found) => {
        if (!current) return;
        batch(() => {
          asked.value = { state: "done" };
          lists.value = found;
        });
      },
      (reason: unknown) => {
        if (current) asked.value = { state: "failed", message: toUiError(reason).message };
      },
    );
    return () => {
      current = false;
    };
  }, [volunteer, weeks, months, tries.value]);

  const now = asked.value;
  const shown = lists.value;
  const all = volunteer === undefined;
  const whose = (record: JournalRecord, words: "Written by" | "Supported by"): string => {
    if (!all || record.owner === null) return "";
    if (sameFingerprint(record.owner, appState.value?.fingerprint)) return `${words} you`;
    const found = volunteers.value.find((v) => sameFingerprint(v.fingerprint, record.owner));
    return found === undefined ? "" : `${words} ${found.name}`;
  };

  return (
    <>
      <section class="intro review-intro">
        <h1 ref={title} tabIndex={-1}>
          Review
        </h1>
        <p class="lead">{REVIEW_WORDS.intro}</p>
        <Filters volunteer={volunteer} volunteers={volunteers.value} />
      </section>
      <p id="review-looking" class="hint looking review-looking" role="status">
        {now.state === "looking" ? "Looking…" : ""}
      </p>
      <p id="review-error" class="message message-error review-error" role="alert">
        {now.state === "failed" ? now.message : ""}
      </p>
      {now.state === "failed" ? (
        <div class="actions">
          <button id="review-retry" type="button" class="button button-quiet" onClick={() => tries.value++}>
            Try again
          </button>
        </div>
      ) : null}
      {shown === null || now.state === "failed" ? null : (
        <div class="review-lists" aria-busy={now.state === "looking" ? "true" : undefined}>
          <Section id="review-concerns" title="Open concerns" n={shown.concerns.length} hint={REVIEW_WORDS.concernsHint} empty={REVIEW_WORDS.noConcerns}>
            {urgentFirst(shown.concerns).map((concern) => (
              <li key={concern.id}>
                <RecordSummary record={concern} idPrefix="review-concern" from={whose(concern, "Written by")}>
                  <AcknowledgeButton concern={concern} />
                </RecordSummary>
              </li>
            ))}
          </Section>
          <Section id="review-flagged" title="Flagged for supervision" n={shown.flagged.length} hint={REVIEW_WORDS.flaggedHint} empty={REVIEW_WORDS.noFlagged}>
            {shown.flagged.map((record) => (
              <li key={record.id}>
                <RecordSummary record={record} idPrefix="review-flagged" from={whose(record, "Written by")} />
              </li>
            ))}
          </Section>
          <Section id="review-shared" title="Reflections shared with you" n={shown.sharedReflections.length} hint={REVIEW_WORDS.sharedHint} empty={REVIEW_WORDS.noShared}>
            {shown.sharedReflections.map((record) => (
              <li key={record.id}>
                <RecordSummary record={record} idPrefix="review-shared" from={whose(record, "Written by")} />
              </li>
            ))}
          </Section>
          <Section id="review-signposts" title="Signposts waiting for news" n={shown.staleSignposts.length} hint={REVIEW_WORDS.signpostsHint} empty={REVIEW_WORDS.noSignposts}>
            {shown.staleSignposts.map((record) => (
              <li key={record.id}>
                <RecordSummary record={record} idPrefix="review-signpost" when={reminderWords(record)} from={whose(record, "Written by")} />
              </li>
            ))}
          </Section>
          <Section id="review-quiet" title="Not in touch for a while" n={shown.quietPeople.length} hint={quietHint(weeks)} empty={quietEmpty(weeks)}>
            {shown.quietPeople.map((entry) => (
              <Person key={entry.person.id} entry={entry} list="quiet" from={whose(entry.person, "Supported by")} />
            ))}
          </Section>
          <Section id="review-long" title="Long relationships" n={shown.longRelationships.length} hint={REVIEW_WORDS.longHint} empty={longEmpty(months)}>
            {shown.longRelationships.map((entry) => (
              <Person key={entry.person.id} entry={entry} list="long" from={whose(entry.person, "Supported by")} />
            ))}
          </Section>
        </div>
      )}
    </>
  );
}

/** One list: its heading with how many, a line about it, its entries or one plain line when there are none. */
function Section({ id, title, n, hint, empty, children }: { id: string; title: string; n: number; hint: string; empty: string; children: ComponentChildren }) {
  return (
    <section class={`card review-section ${id}`} id={id} aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{sectionTitle(title, n)}</h2>
      <p class="hint">{hint}</p>
      {n === 0 ? (
        <p id={`${id}-empty`} class="empty-line">
          {empty}
        </p>
      ) : (
        <ul class="record-list" id={`${id}-list`}>
          {children}
        </ul>
      )}
    </section>
  );
}

/** A person on one of the two lists of people: their name, and the contact that put them there. */
function Person({ entry, list, from }: { entry: PersonSince; list: "quiet" | "long"; from: string }) {
  return (
    <li>
      <RecordSummary record={entry.person} idPrefix={`review-${list}`} title={headline(entry.person)} when={sinceWords(list, entry.since)} from={from} />
    </li>
  );
}

// ---------------------------------------------------------------- Filters

function Filters({ volunteer, volunteers }: { volunteer: Fingerprint | undefined; volunteers: readonly VolunteerSummary[] }) {
  const weeksTyped = useSignal(String(chosen.peek().weeks));
  const monthsTyped = useSignal(String(chosen.peek().months));
  const weeksError = useSignal("");
  const monthsError = useSignal("");

  function typed(which: "weeks" | "months", value: string): void {
    const range = REVIEW_RANGES[which];
    const n = inRange(value, range);
    batch(() => {
      (which === "weeks" ? weeksTyped : monthsTyped).value = value;
      (which === "weeks" ? weeksError : monthsError).value = n === null ? (which === "weeks" ? REVIEW_WORDS.tooFewWeeks : REVIEW_WORDS.tooFewMonths) : "";
      if (n !== null && n !== chosen.peek()[which]) chosen.value = { ...chosen.peek(), [which]: n };
    });
  }

  return (
    <form id="review-filters" class="review-filters" aria-label="What to show" noValidate onSubmit={(event) => event.preventDefault()}>
      <VolunteerSelect
        id="review-volunteer"
        class="review-field"
        volunteer={volunteer}
        volunteers={volunteers}
        onChoose={(chosen) => navigate(chosen === undefined ? { name: "review" } : { name: "review", volunteer: chosen }, { update: true })}
      />
      <NumberField id="review-quiet-weeks" label="Not in touch for (weeks)" range={REVIEW_RANGES.weeks} value={weeksTyped.value} error={weeksError.value} onTyped={(v) => typed("weeks", v)} />
      <NumberField id="review-long-months" label="Together for (months)" range={REVIEW_RANGES.months} value={monthsTyped.value} error={monthsError.value} onTyped={(v) => typed("months", v)} />
    </form>
  );
}

interface NumberFieldProps {
  id: string;
  label: string;
  range: { min: number; max: number };
  value: string;
  error: string;
  onTyped: (value: string) => void;
}

function NumberField({ id, label, range, value, error, onTyped }: NumberFieldProps) {
  return (
    <div class="field review-field">
      <label for={id}>{label}</label>
      <input
        id={id}
        name={id}
        type="number"
        inputMode="numeric"
        min={range.min}
        max={range.max}
        step={1}
        autocomplete="off"
        class="review-number"
        aria-invalid={error === "" ? undefined : "true"}
        aria-describedby={describedBy(error !== "" && `${id}-error`)}
        value={value}
        onInput={(event) => onTyped(event.currentTarget.value)}
      />
      <FieldError id={`${id}-error`} message={error} />
    </div>
  );
}
