// A banner on every open screen while an urgent concern (urgency high or
// immediate) is not yet acknowledged: who it is about, that it always goes to
// the supervisor in the next export, and the way to it. It asks the journal
// again each time the screen changes, so an acknowledgement that has just
// arrived takes it away. app.tsx places it.
import { useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import { api } from "../api";
import type { JournalRecord } from "../bindings/JournalRecord";
import { personName } from "../people";
import { homeRoute, navigate, shown } from "../routes";
import { appState, journalOpen } from "../state";
import { PAGE_SIZE } from "./PagedList";
import { isUrgent } from "./RecordSummary";
import "./ConcernBanner.css";

/** At most this many pages of open concerns are read (a journal holds a handful). */
const MAX_PAGES = 20;

/** Every urgent concern not yet acknowledged, newest first. */
export async function urgentConcerns(): Promise<JournalRecord[]> {
  const urgent: JournalRecord[] = [];
  for (let page = 0; page < MAX_PAGES; page++) {
    const open = await api.needingAttention("concern", { limit: PAGE_SIZE, offset: page * PAGE_SIZE });
    urgent.push(...open.filter(isUrgent));
    if (open.length < PAGE_SIZE) break;
  }
  return urgent;
}

/** What the banner says, for a volunteer's journal or a supervisor's. */
export function bannerText(urgent: readonly JournalRecord[], supervisor: boolean): { lead: string; more: string } {
  const first = urgent[0];
  const one = urgent.length === 1 && first !== undefined;
  const about = one && first.person !== null ? ` about ${personName(first.person)}` : "";
  if (supervisor) {
    return {
      lead: one ? `An urgent concern${about} is waiting for you to acknowledge it.` : `${urgent.length} urgent concerns are waiting for you to acknowledge them.`,
      more: "",
    };
  }
  return {
    lead: one ? `An urgent concern${about} is not yet acknowledged.` : `${urgent.length} urgent concerns are not yet acknowledged.`,
    more: one ? "It always goes in your next export to your supervisor." : "They always go in your next export to your supervisor.",
  };
}

export function ConcernBanner() {
  const urgent = useSignal<readonly JournalRecord[]>([]);
  const open = journalOpen.value;
  const at = shown.value;
  useEffect(() => {
    if (!open) {
      urgent.value = [];
      return undefined;
    }
    let current = true;
    urgentConcerns().then(
      (found) => {
        if (current && journalOpen.peek()) urgent.value = found;
      },
      () => {
        // Nothing new to show: Today's list of concerns says what went wrong.
      },
    );
    return () => {
      current = false;
    };
  }, [open, at]);

  const concerns = urgent.value;
  const first = concerns[0];
  if (!open || first === undefined || at.name === "recovery") return null;
  const words = bannerText(concerns, appState.value?.role === "supervisor");
  const one = concerns.length === 1;
  // The way to it, unless it is what is on screen: the concern, or home's list of open concerns.
  const home = homeRoute();
  const here = one ? at.name === "record" && at.id === first.id : at.name === home.name;
  return (
    <aside class="concern-banner" id="concern-banner" aria-label="Urgent concern">
      <p class="concern-banner-text">
        <strong>{words.lead}</strong>
        {words.more === "" ? null : ` ${words.more}`}
      </p>
      {here ? null : (
        <button
          id="concern-banner-open"
          type="button"
          class="button button-quiet concern-banner-open"
          onClick={() => navigate(one ? { name: "record", id: first.id } : home)}
        >
          {one ? "Open the concern" : "See open concerns"}
        </button>
      )}
    </aside>
  );
}
