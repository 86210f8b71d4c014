// A record as one entry in a list or a timeline: what it is, when, who it is
// about, a line or two of what it says, the marks that matter (flagged for
// supervision, urgent, a signpost's status, new), and the way to open it.
// Also what every list of records shares: asking the journal 50 at a time,
// with Show more, and the names of the services signposts point to (and
// which of them are no longer taking referrals).
import { batch, effect, signal } from "@preact/signals";
import type { ComponentChildren } from "preact";
import { api } from "../api";
import type { JournalRecord } from "../bindings/JournalRecord";
import type { RecordId } from "../bindings/RecordId";
import { friendly } from "../dates";
import { choiceLabel, isRetired, kindOf, retiredLabel, text } from "../kinds";
import { discreet, nameOf, personName } from "../people";
import { navigate } from "../routes";
import { journalOpen } from "../state";
import { useFocusWhen } from "./PagedList";
import "./RecordSummary.css";

// ---- Services, by id: what a signpost's summary calls its service ----

/** The directory's services' names by id, while the journal is open. */
export const serviceNames = signal<ReadonlyMap<RecordId, string>>(new Map());

/** The directory's services no longer taking referrals, by id, while the journal is open. */
export const retiredServices = signal<ReadonlySet<RecordId>>(new Set());

/** Reads the directory's names again (a screen that shows signposts asks as it opens). */
export async function refreshServiceNames(): Promise<void> {
  try {
    const services = await api.listRecords("service", null, { limit: 1000, offset: 0 });
    if (journalOpen.peek())
      batch(() => {
        serviceNames.value = new Map(services.map((s) => [s.id, text(s, "name")]));
        retiredServices.value = new Set(services.filter(isRetired).map((s) => s.id));
      });
  } catch {
    // Only the names are missing then: a signpost says "a service" until the next try.
  }
}

effect(() => {
  if (!journalOpen.value)
    batch(() => {
      serviceNames.value = new Map();
      retiredServices.value = new Set();
    });
});

/** Whether the service a signpost points to is no longer taking referrals, as far as is known here. */
export function serviceRetired(id: unknown): boolean {
  return typeof id === "string" && retiredServices.value.has(id as RecordId);
}

/** The name of the service a signpost points to; "a service" when it is not known here. */
export function serviceName(id: unknown): string {
  return (typeof id === "string" ? serviceNames.value.get(id as RecordId) : undefined) || "a service";
}

// ---- What a record is called ----

/** Whether a concern needs something to happen soon (urgency high or immediate). */
export function isUrgent(record: JournalRecord): boolean {
  const urgency = record.fields["urgency"];
  return record.kind === "concern" && (urgency === "high" || urgency === "immediate");
}

/**
 * A record's title in a list: "Home visit", "Signpost to Food bank",
 * "Safeguarding concern"; with `who` (the person's name as shown), who it
 * was with or about: "Home visit with R.M.", "Safeguarding concern about R.M.".
 */
export function headline(record: JournalRecord, who = ""): string {
  const choice = (field: string) => choiceLabel(record.kind, field, record.fields[field]);
  const and = (words: string, joint: string) => (who === "" ? words : `${words} ${joint} ${who}`);
  switch (record.kind) {
    case "person":
      return text(record, "alias") === "" ? "Someone" : nameOf(text(record, "alias"));
    case "contact":
      return and(record.fields["how"] === undefined ? "Contact" : choice("how"), "with");
    case "boundary-agreement":
      return and("Ground rules agreed", "with");
    case "boundary-issue": {
      const what = record.fields["category"] === undefined ? "" : `: ${lowerFirst(choice("category"))}`;
      return `${and("Boundary issue", "with")}${what}`;
    }
    case "service":
      return text(record, "name") || "A service";
    case "signpost":
      return and(`Signpost to ${serviceName(record.fields["service"])}`, "for");
    case "concern":
      return and(record.fields["category"] === undefined ? "Concern" : `${choice("category")} concern`, "about");
    case "ending":
      return and(record.fields["planned"] === true ? "Planned ending" : "Ending", "with");
    case "reflection":
      return and("Reflection", "about");
    case "supervision-note":
      return and("Note from supervision", "about");
    case "acknowledgement":
      return who === "" ? "Concern acknowledged" : `Concern about ${who} acknowledged`;
  }
}

function lowerFirst(words: string): string {
  return words.charAt(0).toLowerCase() + words.slice(1);
}

/**
 * A line or two of what a record says: its first long text that is filled
 * in, else its first short one. Nothing in discreet mode, for a screen
 * others may see (the record itself still shows it when opened).
 */
export function snippet(record: JournalRecord, max = 200): string {
  if (discreet.value || record.kind === "person") return "";
  const fields = kindOf(record.kind).fields;
  const filled = (type: "text" | "line") =>
    fields.filter((f) => f.input.type === type).map((f) => text(record, f.name).trim()).find((t) => t !== "");
  const words = (filled("text") ?? filled("line") ?? "").replace(/\s+/g, " ");
  return words.length <= max ? words : `${words.slice(0, max - 1).trimEnd()}…`;
}

/** A record's marks, in the order they matter. */
export function badges(record: JournalRecord, unread: boolean): { text: string; tone: "urgent" | "new" | "plain" }[] {
  const out: { text: string; tone: "urgent" | "new" | "plain" }[] = [];
  if (unread) out.push({ text: "New", tone: "new" });
  if (isUrgent(record)) out.push({ text: "Urgent", tone: "urgent" });
  if (record.fields["flag"] === true) out.push({ text: "Flagged for supervision", tone: "plain" });
  if (record.kind === "signpost" && typeof record.fields["status"] === "string") {
    out.push({ text: choiceLabel("signpost", "status", record.fields["status"]), tone: "plain" });
  }
  if (record.kind === "signpost" && serviceRetired(record.fields["service"])) out.push({ text: `Service ${lowerFirst(retiredLabel())}`, tone: "plain" });
  if (isRetired(record)) out.push({ text: retiredLabel(), tone: "plain" });
  if (record.conflict) out.push({ text: "Changed in two places", tone: "plain" });
  return out;
}

/** Opens a record; a new note or acknowledgement is marked read as it opens. */
export function openRecord(record: JournalRecord, unread = false): void {
  if (unread) {
    // A failure only leaves it showing as new; the record offers Mark as read.
    api.markRead(record.id).catch(() => undefined);
  }
  navigate({ name: "record", id: record.id });
}

// ---- The entry ----

type HeadingLevel = 2 | 3 | 4 | 5;

interface RecordSummaryProps {
  record: JournalRecord;
  /** Prefix of the entry's ids (the same record may be in two lists on a screen). */
  idPrefix: string;
  /** The level of the entry's heading in the screen's outline. */
  level?: HeadingLevel;
  /** Whether to name the person (not on their own page). */
  showPerson?: boolean;
  /** A title other than the record's own ("Planned contact"). */
  title?: string;
  /** When, in words other than the record's own time ("Planned for Tue 3 Dec"). */
  when?: string;
  /** Whose it is, where a list holds several journals' records ("Written by Sam"). */
  from?: string;
  /** Whether to show a line of what it says. */
  showText?: boolean;
  /** A note or acknowledgement not yet read here: marked New, and read once opened. */
  unread?: boolean;
  /** Whether its title takes focus as it appears (the first of a page just shown). */
  focus?: boolean;
  /** Buttons for what can be done with it from here. */
  children?: ComponentChildren;
}

export function RecordSummary(props: RecordSummaryProps) {
  const { record, idPrefix, level = 3, showPerson = true, showText = true, unread = false, focus = false } = props;
  const open = useFocusWhen<HTMLButtonElement>(focus);

  const id = `${idPrefix}-${record.id}`;
  const when = props.when ?? friendly(record.at);
  const who = showPerson && record.person !== null ? personName(record.person) : "";
  const marks = badges(record, unread);
  const words = showText ? snippet(record) : "";
  const Heading = `h${level}` as "h2" | "h3" | "h4" | "h5";
  const meta = [when, props.from ?? ""].filter((part) => part !== "");
  const classes = ["summary", `summary-${record.kind}`, isUrgent(record) ? "summary-urgent" : "", unread ? "summary-new" : ""];

  return (
    <article class={classes.filter((c) => c !== "").join(" ")} aria-labelledby={`${id}-title`}>
      <Heading class="summary-title" id={`${id}-title`}>
        <button
          ref={open}
          type="button"
          class="summary-open"
          aria-describedby={[meta.length > 0 ? `${id}-meta` : "", marks.length > 0 ? `${id}-marks` : ""].filter((x) => x !== "").join(" ") || undefined}
          onClick={() => openRecord(record, unread)}
        >
          {props.title ?? headline(record, who)}
        </button>
      </Heading>
      {meta.length === 0 && marks.length === 0 ? null : (
        <div class="summary-line">
          {meta.length === 0 ? null : (
            <p class="summary-meta" id={`${id}-meta`}>
              {meta.join(" · ")}
            </p>
          )}
          {marks.length === 0 ? null : (
            <p class="summary-marks" id={`${id}-marks`}>
              {marks.map((mark) => (
                <span key={mark.text} class={`badge badge-${mark.tone}`}>
                  {mark.text}
                </span>
              ))}
            </p>
          )}
        </div>
      )}
      {words === "" ? null : <p class="summary-text">{words}</p>}
      {props.children === undefined || props.children === null ? null : <div class="summary-actions">{props.children}</div>}
    </article>
  );
}
