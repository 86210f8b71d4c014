// Route "volunteers": a supervisor's volunteers, one card each (those whose
// card is no longer trusted last, and saying so). For each: when their last
// file came and how many have, what of theirs this journal holds, their open
// concerns and what they flagged for supervision; and the ways on: Review
// their records, the Charts of their work, or Write a file for them on the
// Exchange screen.
import { useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import { api } from "../api";
import { Asking } from "../components/Asking";
import type { VolunteerSummary } from "../bindings/VolunteerSummary";
import { friendly } from "../dates";
import { toUiError } from "../errors";
import { navigate } from "../routes";
import { useFocusOnMount } from "./focus";
import { count } from "./words";
import "./Volunteers.css";

export const VOLUNTEERS_WORDS = {
  intro: "The volunteers whose card you have added, with what you have received from each, and what of theirs may need a look.",
  emptyTitle: "No volunteers yet",
  empty:
    "Volunteers appear here once their card is added on the Exchange screen. When a volunteer gives you their card, check its fingerprint with them and add it there.",
  revoked: "No longer trusted",
} as const;

/** "Last file from Sam: Tue 3 Dec, 14:30 (2 files)", or "No file from Sam yet." */
export function lastFileText(v: VolunteerSummary): string {
  if (v.lastFileAt === null || v.files === 0) return `No file from ${v.name} yet.`;
  return `Last file from ${v.name}: ${friendly(v.lastFileAt)} (${count(v.files, "file")})`;
}

/** "40 changes about 6 people": what of theirs is held here, each change once however often it was sent. */
export function heldText(v: VolunteerSummary): string {
  return `${count(v.changes, "change")} about ${count(v.people, "person", "people")}`;
}

/** "1 open concern", "2 open concerns". */
export function concernsText(v: VolunteerSummary): string {
  return count(v.openConcerns, "open concern");
}

/** "1 flagged for supervision". */
export function flaggedText(v: VolunteerSummary): string {
  return `${v.flagged} flagged for supervision`;
}

/**
 * A file that seems to be missing, in words: "A file from Sam seems to be
 * missing: changes 41 to 57 have not arrived." What to do follows.
 */
export function missingText(v: VolunteerSummary): string {
  const runs = v.missing.map(([first, last]) => (first === last ? `change ${first}` : `changes ${first} to ${last}`));
  if (runs.length === 0) return "";
  const which = runs.length === 1 ? (runs[0] ?? "") : `${runs.slice(0, -1).join(", ")} and ${runs[runs.length - 1] ?? ""}`;
  const verb = runs.length === 1 && v.missing[0]?.[0] === v.missing[0]?.[1] ? "has" : "have";
  return (
    `A file from ${v.name} seems to be missing: ${which} ${verb} not arrived. ` +
    `Ask ${v.name} to send everything again (Exchange, Send everything again). ` +
    "If they have since forgotten someone, those changes may have been about them."
  );
}

/** Those still trusted first, by name as the journal gives them; then those no longer trusted. */
export function trustedFirst(volunteers: readonly VolunteerSummary[]): VolunteerSummary[] {
  return [...volunteers.filter((v) => v.revokedAt === null), ...volunteers.filter((v) => v.revokedAt !== null)];
}

type Asked = { state: "looking" } | { state: "failed"; message: string } | { state: "done"; volunteers: readonly VolunteerSummary[] };

export function Volunteers() {
  const title = useFocusOnMount<HTMLHeadingElement>();
  const asked = useSignal<Asked>({ state: "looking" });
  const tries = useSignal(0);

  useEffect(() => {
    let current = true;
    asked.value = { state: "looking" };
    api.volunteers().then(
      (found) => {
        if (current) asked.value = { state: "done", volunteers: found };
      },
      (reason: unknown) => {
        if (current) asked.value = { state: "failed", message: toUiError(reason).message };
      },
    );
    return () => {
      current = false;
    };
  }, [tries.value]);

  const now = asked.value;
  const volunteers = now.state === "done" ? trustedFirst(now.volunteers) : [];
  return (
    <>
      <section class="intro volunteers-intro">
        <h1 ref={title} tabIndex={-1}>
          Volunteers
        </h1>
        <p class="lead">{VOLUNTEERS_WORDS.intro}</p>
      </section>
      <Asking id="volunteers" looking={now.state === "looking"} failed={now.state === "failed" ? now.message : null} onRetry={() => tries.value++} />
      {now.state === "done" && volunteers.length === 0 ? (
        <section class="card volunteers-empty" id="volunteers-empty" aria-labelledby="volunteers-empty-title">
          <h2 id="volunteers-empty-title">{VOLUNTEERS_WORDS.emptyTitle}</h2>
          <p>{VOLUNTEERS_WORDS.empty}</p>
          <div class="actions">
            <button id="volunteers-to-exchange" type="button" class="button button-quiet" onClick={() => navigate({ name: "exchange" })}>
              Go to Exchange
            </button>
          </div>
        </section>
      ) : null}
      {volunteers.length === 0 ? null : (
        <ul class="volunteers" id="volunteers-list" aria-label="Your volunteers">
          {volunteers.map((v, i) => (
            <Volunteer key={v.fingerprint} volunteer={v} index={i} />
          ))}
        </ul>
      )}
    </>
  );
}

function Volunteer({ volunteer: v, index }: { volunteer: VolunteerSummary; index: number }) {
  const id = `volunteer-${index}`;
  const gone = v.revokedAt !== null;
  return (
    <li class={gone ? "card volunteer volunteer-revoked" : "card volunteer"} id={id} aria-labelledby={`${id}-name`}>
      <h2 id={`${id}-name`} class="volunteer-name">
        {v.name}
      </h2>
      {gone ? (
        <p id={`${id}-revoked`} class="volunteer-mark">
          <span class="badge badge-plain">{VOLUNTEERS_WORDS.revoked}</span>
        </p>
      ) : null}
      <p id={`${id}-last-file`}>{lastFileText(v)}</p>
      {v.files === 0 && v.changes === 0 ? null : <p id={`${id}-held`}>{heldText(v)}</p>}
      {v.missing.length === 0 ? null : (
        <p id={`${id}-missing`} class="message message-error volunteer-missing">
          {missingText(v)}
        </p>
      )}
      <ul class="volunteer-counts">
        <li id={`${id}-concerns`} class={v.openConcerns > 0 ? "volunteer-count is-some" : "volunteer-count"}>
          {concernsText(v)}
        </li>
        <li id={`${id}-flagged`} class="volunteer-count">
          {flaggedText(v)}
        </li>
      </ul>
      <div class="actions">
        <button id={`${id}-review`} type="button" class="button button-quiet" onClick={() => navigate({ name: "review", volunteer: v.fingerprint })}>
          Review {v.name}'s records
        </button>
        <button id={`${id}-charts`} type="button" class="button button-quiet" onClick={() => navigate({ name: "charts", volunteer: v.fingerprint })}>
          Charts of {v.name}'s work
        </button>
        {gone ? null : (
          <button
            id={`${id}-note`}
            type="button"
            class="button button-quiet"
            onClick={() => navigate({ name: "new", kind: "supervision-note", volunteer: v.fingerprint })}
          >
            Write a note to {v.name}
          </button>
        )}
        {gone ? null : (
          <button id={`${id}-write`} type="button" class="button button-quiet" onClick={() => navigate({ name: "exchange", to: v.fingerprint })}>
            Write a file for {v.name}
          </button>
        )}
      </div>
    </li>
  );
}
