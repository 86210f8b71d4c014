// Route "review", a supervisor's home: what in the volunteers' records needs a
// look before supervision, list by list. Open concerns (urgent first, as the
// journal orders them; each with Acknowledge), contacts and boundary issues flagged for supervision,
// reflections shared with the supervisor, signposts past their reminder with
// no news, people no one has been in touch with for some weeks (or ever, since
// they were added), and relationships that have gone on for many months. A
// small form narrows every list to one volunteer (kept in the route, so Back
// returns to it) and says how many weeks and months count; the numbers stay
// while the journal is open. Each entry opens its record, whose history is on
// its page. With all volunteers shown, each entry says whose it is.
//
// Each list shows 50 to start. The core reads one more than it shows, so a
// list that was cut says so ("more than 50", and how many are shown) and has
// its own Show more, which asks for the whole review again with 50 more of
// that list; focus moves to the first entry it brought (or stays on the
// button while it is on its way, and when it fails, as Try again).
import { batch, effect, signal, useSignal } from "@preact/signals";
import type { ComponentChildren } from "preact";
import { useEffect, useLayoutEffect, useRef } from "preact/hooks";
import { api } from "../api";
import { Asking } from "../components/Asking";
import type { Fingerprint } from "../bindings/Fingerprint";
import type { JournalRecord } from "../bindings/JournalRecord";
import type { PersonSince } from "../bindings/PersonSince";
import type { Review as ReviewLists } from "../bindings/Review";
import type { ReviewLimits } from "../bindings/ReviewLimits";
import type { VolunteerSummary } from "../bindings/VolunteerSummary";
import { AcknowledgeButton } from "../components/OpenConcern";
import { MoreButton, PAGE_SIZE } from "../components/PagedList";
import { headline, RecordSummary, refreshServiceNames } from "../components/RecordSummary";
import { ALL_VOLUNTEERS, useVolunteers, VolunteerSelect } from "../components/VolunteerSelect";
import { toUiError } from "../errors";
import { describedBy, FieldError } from "../forms";
import { friendly, friendlyDay } from "../dates";
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

/** The review's lists, by their names in the core's answer. */
export type ReviewList = keyof ReviewLimits;

/** How many of each list are asked for at first; each Show more asks for a page more of one. */
export const FIRST_LIMITS: ReviewLimits = {
  concerns: PAGE_SIZE,
  flagged: PAGE_SIZE,
  sharedReflections: PAGE_SIZE,
  staleSignposts: PAGE_SIZE,
  quietPeople: PAGE_SIZE,
  longRelationships: PAGE_SIZE,
};

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

/** "Open concerns (3)"; "Open concerns (more than 50)" when the list was cut after the 50 shown. */
export function sectionTitle(title: string, n: number, more: boolean): string {
  return `${title} (${more ? `more than ${n}` : n})`;
}

/** Beside Show more: how many a cut list shows. */
export function shownWords(n: number): string {
  return `${n} shown, and there are more.`;
}

/** The line for an empty "not in touch" list. */
export function quietEmpty(weeks: number): string {
  return `Everyone has been in touch within ${count(weeks, "week")}.`;
}

/** What the "not in touch" list holds. */
export function quietHint(weeks: number): string {
  return `People whose last contact was ${count(weeks, "week")} ago or more, and people added that long ago who have had no contact yet.`;
}

/** The line for an empty "long relationships" list. */
export function longEmpty(months: number): string {
  return `No one has been supported for ${count(months, "month")} or more.`;
}

/** "Last contact Tue 3 Dec", "Together since Mon 4 Mar 2024". */
export function sinceWords(list: "quiet" | "long", since: string): string {
  return list === "quiet" ? `Last contact ${friendly(since)}` : `Together since ${friendly(since)}`;
}

/** For someone on the "not in touch" list who has had no contact: "No contact yet; added on Tue 3 Mar". */
export function addedWords(createdAt: string): string {
  return `No contact yet; added on ${friendlyDay(createdAt)}`;
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

/** A Show more: on its way for these lists, or failed for one (why). */
type MoreAsked = { state: "idle" } | { state: "busy"; lists: ReadonlySet<ReviewList> } | { state: "failed"; list: ReviewList; message: string };

/** What takes focus after a Show more: the first entry it brought to a list, or the list's heading when it brought none. */
type Revealed = { list: ReviewList; id: string | null } | null;

/** The ids of a list's entries, in the order they are shown. */
function shownIds(lists: ReviewLists, list: ReviewList): string[] {
  switch (list) {
    case "quietPeople":
    case "longRelationships":
      return lists[list].map((entry) => entry.person.id);
    default:
      return lists[list].map((r) => r.id);
  }
}

export function Review({ volunteer }: RouteOf<"review">) {
  const title = useFocusOnMount<HTMLHeadingElement>();
  // Without them, the filter offers all volunteers, and entries do not say whose they are.
  const volunteers = useVolunteers();
  const asked = useSignal<Asked>({ state: "looking" });
  const lists = useSignal<ReviewLists | null>(null);
  const tries = useSignal(0);
  // The limits of the lists shown, and of the last ask (more than shown while a Show more is on its way).
  const shownLimits = useSignal<ReviewLimits>(FIRST_LIMITS);
  const askedLimits = useRef<ReviewLimits>(FIRST_LIMITS);
  const more = useSignal<MoreAsked>({ state: "idle" });
  const revealed = useSignal<Revealed>(null);
  // Each ask's number: only the answer to the latest is shown.
  const asks = useRef(0);
  const { weeks, months } = chosen.value;

  useEffect(() => {
    void refreshServiceNames();
  }, []);

  // New filters (or Try again): the first page of every list.
  useEffect(() => {
    const mine = ++asks.current;
    askedLimits.current = FIRST_LIMITS;
    batch(() => {
      asked.value = { state: "looking" };
      more.value = { state: "idle" };
      revealed.value = null;
    });
    api.review({ volunteer: volunteer ?? null, quietWeeks: weeks, longMonths: months }, FIRST_LIMITS).then(
      (found) => {
        if (mine !== asks.current) return;
        batch(() => {
          asked.value = { state: "done" };
          lists.value = found;
          shownLimits.value = FIRST_LIMITS;
        });
      },
      (reason: unknown) => {
        if (mine === asks.current) asked.value = { state: "failed", message: toUiError(reason).message };
      },
    );
    return () => {
      asks.current++;
    };
  }, [volunteer, weeks, months, tries.value]);

  /** A page more of one list: the review asked again, with every other list as long as it is. */
  function showMore(list: ReviewList): void {
    const before = lists.peek();
    if (before === null) return;
    const mine = ++asks.current;
    // On top of a Show more still on its way (whose answer this one's replaces).
    const limits = { ...askedLimits.current, [list]: askedLimits.current[list] + PAGE_SIZE };
    askedLimits.current = limits;
    const busy = more.peek();
    batch(() => {
      more.value = { state: "busy", lists: new Set([...(busy.state === "busy" ? busy.lists : []), list]) };
      revealed.value = null;
    });
    api.review({ volunteer: volunteer ?? null, quietWeeks: weeks, longMonths: months }, limits).then(
      (found) => {
        if (mine !== asks.current) return;
        const seen = new Set(shownIds(before, list));
        batch(() => {
          lists.value = found;
          shownLimits.value = limits;
          more.value = { state: "idle" };
          revealed.value = { list, id: shownIds(found, list).find((id) => !seen.has(id)) ?? null };
        });
      },
      (reason: unknown) => {
        if (mine !== asks.current) return;
        // What was shown stays; the button offers to try again.
        askedLimits.current = shownLimits.peek();
        more.value = { state: "failed", list, message: toUiError(reason).message };
      },
    );
  }

  const now = asked.value;
  const shown = lists.value;
  const all = volunteer === undefined;
  const whose = (record: JournalRecord, words: "Written by" | "Supported by"): string => {
    if (!all || record.owner === null) return "";
    if (sameFingerprint(record.owner, appState.value?.fingerprint)) return `${words} you`;
    const found = volunteers.value.find((v) => sameFingerprint(v.fingerprint, record.owner));
    return found === undefined ? "" : `${words} ${found.name}`;
  };
  const focused = (list: ReviewList, id: string): boolean => revealed.value?.list === list && revealed.value.id === id;
  const paging = (list: ReviewList, moreLabel: string): Paging => ({
    list,
    more: shown?.more[list] ?? false,
    moreLabel,
    asked: more.value,
    revealed: revealed.value,
    onMore: () => showMore(list),
  });

  return (
    <>
      <section class="intro review-intro">
        <h1 ref={title} tabIndex={-1}>
          Review
        </h1>
        <p class="lead">{REVIEW_WORDS.intro}</p>
        <Filters volunteer={volunteer} volunteers={volunteers.value} />
      </section>
      <Asking id="review" looking={now.state === "looking"} failed={now.state === "failed" ? now.message : null} onRetry={() => tries.value++} />
      {shown === null || now.state === "failed" ? null : (
        <div class="review-lists" aria-busy={now.state === "looking" ? "true" : undefined}>
          <Section id="review-concerns" title="Open concerns" n={shown.concerns.length} hint={REVIEW_WORDS.concernsHint} empty={REVIEW_WORDS.noConcerns} paging={paging("concerns", "Show more open concerns")}>
            {shown.concerns.map((concern) => (
              <li key={concern.id}>
                <RecordSummary record={concern} idPrefix="review-concern" from={whose(concern, "Written by")} focus={focused("concerns", concern.id)}>
                  <AcknowledgeButton concern={concern} />
                </RecordSummary>
              </li>
            ))}
          </Section>
          <Section id="review-flagged" title="Flagged for supervision" n={shown.flagged.length} hint={REVIEW_WORDS.flaggedHint} empty={REVIEW_WORDS.noFlagged} paging={paging("flagged", "Show more flagged records")}>
            {shown.flagged.map((record) => (
              <li key={record.id}>
                <RecordSummary record={record} idPrefix="review-flagged" from={whose(record, "Written by")} focus={focused("flagged", record.id)} />
              </li>
            ))}
          </Section>
          <Section id="review-shared" title="Reflections shared with you" n={shown.sharedReflections.length} hint={REVIEW_WORDS.sharedHint} empty={REVIEW_WORDS.noShared} paging={paging("sharedReflections", "Show more shared reflections")}>
            {shown.sharedReflections.map((record) => (
              <li key={record.id}>
                <RecordSummary record={record} idPrefix="review-shared" from={whose(record, "Written by")} focus={focused("sharedReflections", record.id)} />
              </li>
            ))}
          </Section>
          <Section id="review-signposts" title="Signposts waiting for news" n={shown.staleSignposts.length} hint={REVIEW_WORDS.signpostsHint} empty={REVIEW_WORDS.noSignposts} paging={paging("staleSignposts", "Show more signposts waiting for news")}>
            {shown.staleSignposts.map((record) => (
              <li key={record.id}>
                <RecordSummary record={record} idPrefix="review-signpost" when={reminderWords(record)} from={whose(record, "Written by")} focus={focused("staleSignposts", record.id)} />
              </li>
            ))}
          </Section>
          <Section id="review-quiet" title="Not in touch for a while" n={shown.quietPeople.length} hint={quietHint(weeks)} empty={quietEmpty(weeks)} paging={paging("quietPeople", "Show more people not in touch")}>
            {shown.quietPeople.map((entry) => (
              <Person key={entry.person.id} entry={entry} list="quiet" from={whose(entry.person, "Supported by")} focus={focused("quietPeople", entry.person.id)} />
            ))}
          </Section>
          <Section id="review-long" title="Long relationships" n={shown.longRelationships.length} hint={REVIEW_WORDS.longHint} empty={longEmpty(months)} paging={paging("longRelationships", "Show more long relationships")}>
            {shown.longRelationships.map((entry) => (
              <Person key={entry.person.id} entry={entry} list="long" from={whose(entry.person, "Supported by")} focus={focused("longRelationships", entry.person.id)} />
            ))}
          </Section>
        </div>
      )}
    </>
  );
}

/** A list's Show more: whether it has more, what its button says, and how the last Show more went. */
interface Paging {
  list: ReviewList;
  more: boolean;
  /** The button's name: "Show more open concerns". */
  moreLabel: string;
  asked: MoreAsked;
  revealed: Revealed;
  onMore: () => void;
}

interface SectionProps {
  id: string;
  title: string;
  n: number;
  hint: string;
  empty: string;
  paging: Paging;
  children: ComponentChildren;
}

/**
 * One list: its heading with how many, a line about it, its entries or one
 * plain line when there are none, and, when it was cut, how many it shows
 * and Show more (`${id}-more`; why it failed in `${id}-more-error`).
 */
function Section({ id, title, n, hint, empty, paging, children }: SectionProps) {
  const heading = useRef<HTMLHeadingElement>(null);
  const { list, asked, revealed } = paging;
  const busy = asked.state === "busy" && asked.lists.has(list);
  const error = asked.state === "failed" && asked.list === list ? asked.message : "";
  // A Show more that brought nothing new (the list changed meanwhile): focus stays in the list, on its heading.
  const toHeading = revealed !== null && revealed.list === list && revealed.id === null;
  useLayoutEffect(() => {
    if (toHeading) heading.current?.focus();
  }, [toHeading]);
  return (
    <section class={`card review-section ${id}`} id={id} aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`} ref={heading} tabIndex={-1}>
        {sectionTitle(title, n, paging.more)}
      </h2>
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
      {paging.more || error !== "" ? (
        <div class="show-more">
          <p id={`${id}-more-error`} class="message message-error" role="alert">
            {error}
          </p>
          {paging.more ? (
            <p id={`${id}-shown`} class="hint review-shown">
              {shownWords(n)}
            </p>
          ) : null}
          <MoreButton id={`${id}-more`} busy={busy} failed={error !== ""} onMore={paging.onMore}>
            {paging.moreLabel}
          </MoreButton>
        </div>
      ) : null}
    </section>
  );
}

/** A person on one of the two lists of people: their name, and the contact that put them there (or when they were added, with none). */
function Person({ entry, list, from, focus }: { entry: PersonSince; list: "quiet" | "long"; from: string; focus: boolean }) {
  const when = entry.since === null ? addedWords(entry.person.createdAt) : sinceWords(list, entry.since);
  return (
    <li>
      <RecordSummary record={entry.person} idPrefix={`review-${list}`} title={headline(entry.person)} when={when} from={from} focus={focus} />
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
