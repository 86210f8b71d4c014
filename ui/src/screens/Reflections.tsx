// Route "reflections": the volunteer's own reflections, newest first, each
// saying plainly whether it stays in this journal or goes to the supervisor;
// and Write a reflection. A reflection opens as a record. In discreet mode,
// for a screen others may see, the list shows no words of them.
import { api } from "../api";
import type { JournalRecord } from "../bindings/JournalRecord";
import type { PersonId } from "../bindings/PersonId";
import { ListError, ShowMore, useFocusWhen, usePages } from "../components/PagedList";
import { When } from "../components/When";
import { text } from "../kinds";
import { discreet, personName } from "../people";
import { navigate } from "../routes";
import { useFocusOnMount } from "./focus";
import "./Reflections.css";

/** How much of a reflection the list shows, in characters. */
export const PREVIEW_CHARS = 240;

/** The start of a reflection, cut at a word, with "…" when there is more. */
export function preview(whole: string, limit: number = PREVIEW_CHARS): string {
  const flat = whole.replace(/\s+/g, " ").trim();
  if (flat.length <= limit) return flat;
  const cut = flat.slice(0, limit);
  const space = cut.lastIndexOf(" ");
  return `${(space > limit / 2 ? cut.slice(0, space) : cut).replace(/[\s,;:.!?-]+$/, "")}…`;
}

export const SHARED_WORDS = {
  shared: "Shared with your supervisor",
  private: "Private: stays in this journal",
} as const;

function write(): void {
  navigate({ name: "new", kind: "reflection" });
}

function Reflection({ record, focus }: { record: JournalRecord; focus: boolean }) {
  const open = useFocusWhen<HTMLButtonElement>(focus);
  const id = `reflection-${record.id}`;
  const shared = record.fields["shared"] === true;
  const at = text(record, "at") || record.at;
  const about = record.person === null ? "" : personName(record.person as PersonId);
  return (
    <li class="reflection entry">
      <h2 class="reflection-title entry-title">
        <button
          ref={open}
          type="button"
          class="reflection-open entry-open"
          aria-describedby={discreet.value ? `${id}-shared` : `${id}-shared ${id}-text`}
          onClick={() => navigate({ name: "record", id: record.id })}
        >
          {at === null || at === "" ? "A reflection" : <When value={at} />}
          {about === "" ? null : <span class="reflection-about">, about {about}</span>}
        </button>
      </h2>
      <p id={`${id}-shared`} class={shared ? "reflection-shared is-shared" : "reflection-shared is-private"}>
        <span class="reflection-shared-mark" aria-hidden="true" />
        {shared ? SHARED_WORDS.shared : SHARED_WORDS.private}
      </p>
      {discreet.value ? null : (
        <p id={`${id}-text`} class="reflection-text">
          {preview(text(record, "text"))}
        </p>
      )}
    </li>
  );
}

export function Reflections() {
  const title = useFocusOnMount<HTMLHeadingElement>();
  const pages = usePages<JournalRecord>((page) => api.listRecords("reflection", null, page));
  const items = pages.items.value;
  const loaded = pages.loaded.value;
  return (
    <>
      <section class="intro reflections-intro">
        <h1 ref={title} tabIndex={-1}>
          Reflections
        </h1>
        <p class="lead">Your own thoughts about your peer support work: what went well, what was hard, what you would like to talk through.</p>
        <p>
          A reflection stays in this journal unless you choose to share it. Shared ones go to your supervisor with the next
          file you send them.
        </p>
        <div class="actions">
          <button id="reflections-write" type="button" class="button button-primary" onClick={write}>
            Write a reflection
          </button>
        </div>
      </section>
      <ListError pages={pages} id="reflections" />
      {loaded && items.length === 0 ? (
        <section class="card reflections-empty" id="reflections-empty">
          <h2>No reflections yet</h2>
          <p>
            After a visit, or before supervision, a few lines for yourself can help: how it felt, what you noticed, what
            you would like to ask about. Only you will see them unless you share them.
          </p>
        </section>
      ) : null}
      <ol id="reflections-list" class="reflections entries" aria-label="Your reflections, newest first" aria-busy={pages.loading.value ? "true" : undefined} hidden={items.length === 0}>
        {items.map((record) => (
          <Reflection key={record.id} record={record} focus={record === pages.revealed.value} />
        ))}
      </ol>
      <ShowMore pages={pages} id="reflections-more" />
    </>
  );
}
