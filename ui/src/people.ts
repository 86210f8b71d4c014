// The people of the journal as other screens name them: each person's alias,
// or only its initials in discreet mode. Kept in a signal, filled from the
// journal when the journal opens and refreshed when people are added,
// changed or forgotten; emptied when the journal locks.
import { computed, effect, signal } from "@preact/signals";
import { api } from "./api";
import type { JournalRecord } from "./bindings/JournalRecord";
import type { PersonId } from "./bindings/PersonId";
import { appState, journalOpen } from "./state";

/** Every person's record, by id (empty while locked). */
export const people = signal<ReadonlyMap<PersonId, JournalRecord>>(new Map());

/** Whether people are shown by their initials only. */
export const discreet = computed(() => appState.value?.discreetMode === true);

/** "R.M." from "Rosa Maria", "R.M." kept as it is: the first letter of each word. */
export function initials(alias: string): string {
  const words = alias.split(/[\s.]+/).filter((w) => w !== "");
  return words.map((w) => `${(w[0] ?? "").toUpperCase()}.`).join("");
}

/** How a person is named on screen: their alias, or its initials in discreet mode. */
export function nameOf(alias: string): string {
  return discreet.value ? initials(alias) : alias;
}

/** The name shown for the person with this id ("someone" when not (yet) known here). */
export function personName(id: PersonId | null | undefined): string {
  if (id === null || id === undefined) return "";
  const alias = people.value.get(id)?.fields["alias"];
  return typeof alias === "string" ? nameOf(alias) : "someone";
}

const PAGE = 1000;

/** Reads every person from the journal again. */
export async function refreshPeople(): Promise<void> {
  const all = new Map<PersonId, JournalRecord>();
  for (let offset = 0; ; offset += PAGE) {
    const page = await api.listRecords("person", null, { limit: PAGE, offset });
    for (const record of page) all.set(record.id as PersonId, record);
    if (page.length < PAGE) break;
  }
  if (journalOpen.peek()) people.value = all;
}

// Filled as the journal opens; emptied as it locks, so no alias outlives the lock.
effect(() => {
  if (journalOpen.value) {
    refreshPeople().catch(() => {
      // A failure here only means names show as "someone" until the next refresh.
    });
  } else {
    people.value = new Map();
  }
});
