// The words and shapes the reading screens are built from: dates as people
// read them, what a record is called in a list, a person's story as months
// and entries, a signpost's next steps, finding people, the concern banner's
// words. No screen is rendered here.
import { afterEach, describe, expect, test, vi } from "vitest";

vi.mock("../src/api", () => ({ api: { listRecords: vi.fn().mockResolvedValue([]) }, onJournalLocked: vi.fn() }));

import type { JournalRecord } from "../src/bindings/JournalRecord";
import type { Kind } from "../src/bindings/Kind";
import { bannerText } from "../src/components/ConcernBanner";
import { badges, headline, isUrgent, serviceNames, snippet } from "../src/components/RecordSummary";
import { kindOf } from "../src/kinds";
import { people } from "../src/people";
import { folded, matches } from "../src/screens/People";
import { forgetWords, story } from "../src/screens/Person";
import { changedLabel, nextSteps, readAloud, writtenElsewhere } from "../src/screens/RecordView";
import { urgentFirst } from "../src/components/OpenConcern";
import { friendly, friendlyDay, monthHeading, monthKey } from "../src/dates";
import { count, shortId } from "../src/screens/words";
import { appState } from "../src/state";
import { appState as state } from "./helpers";

function rec(kind: Kind, id: string, fields: Record<string, unknown>, extra: Partial<JournalRecord> = {}): JournalRecord {
  const at = kindOf(kind).at;
  const when = at === null ? null : fields[at];
  return {
    id,
    kind,
    person: typeof fields["person"] === "string" ? fields["person"] : null,
    at: typeof when === "string" ? when : null,
    fields,
    createdAt: "2024-12-03T14:30:00Z",
    updatedAt: "2024-12-03T14:30:00Z",
    updatedBy: "dev0000000000000abcdef12",
    owner: "mine000000000000",
    conflict: false,
    ...extra,
  };
}

afterEach(() => {
  appState.value = null;
  people.value = new Map();
  serviceNames.value = new Map();
});

const DEC_2024 = new Date(2024, 11, 10, 12);

describe("dates and times", () => {
  test("a local moment reads as day, date and time; a date as day and date", () => {
    expect(friendly("2024-12-03T14:30", DEC_2024)).toBe("Tue 3 Dec, 14:30");
    expect(friendly("2024-12-03", DEC_2024)).toBe("Tue 3 Dec");
    expect(friendly("2024-02-29T09:05", DEC_2024)).toBe("Thu 29 Feb, 09:05");
  });

  test("the year shows only when it is not this one", () => {
    expect(friendly("2023-11-30T09:05", DEC_2024)).toBe("Thu 30 Nov 2023, 09:05");
    expect(friendlyDay("2025-01-01", DEC_2024)).toBe("Wed 1 Jan 2025");
  });

  test("a UTC stamp shows as the moment it was on this computer's clock", () => {
    const stamp = "2024-12-03T14:30:00Z";
    const local = new Date(stamp);
    const two = (n: number) => String(n).padStart(2, "0");
    expect(friendly(stamp, DEC_2024)).toMatch(new RegExp(`^\\w{3} ${local.getDate()} Dec, ${two(local.getHours())}:${two(local.getMinutes())}$`));
    expect(friendlyDay(stamp, DEC_2024)).toMatch(new RegExp(`^\\w{3} ${local.getDate()} Dec$`));
  });

  test("nothing shows for nothing, and what cannot be read is shown as it is", () => {
    expect(friendly(null)).toBe("");
    expect(friendly("")).toBe("");
    expect(friendly("soon")).toBe("soon");
    expect(friendly("2024-13-01")).toBe("2024-13-01");
  });

  test("months head a timeline", () => {
    expect(monthHeading("2024-12-03T14:30")).toBe("December 2024");
    expect(monthKey("2024-12-03")).toBe("2024-12");
    expect(monthKey(null)).toBe("");
  });

  test("counts and short ids", () => {
    expect(count(1, "person", "people")).toBe("1 person");
    expect(count(3, "person", "people")).toBe("3 people");
    expect(count(2, "record")).toBe("2 records");
    expect(shortId("dev0000000000000abcdef12")).toBe("abcdef12");
    expect(shortId("short")).toBe("short");
  });
});

describe("a record in a list", () => {
  test("each kind is named plainly", () => {
    serviceNames.value = new Map([["svc1", "Food bank"]]);
    expect(headline(rec("contact", "c", { how: "home-visit" }))).toBe("Home visit");
    expect(headline(rec("signpost", "s", { service: "svc1", status: "made" }))).toBe("Signpost to Food bank");
    expect(headline(rec("signpost", "s", { service: "unknown" }))).toBe("Signpost to a service");
    expect(headline(rec("concern", "k", { category: "safeguarding" }))).toBe("Safeguarding concern");
    expect(headline(rec("boundary-issue", "b", { category: "gifts-or-money" }))).toBe("Boundary issue: gifts or money");
    expect(headline(rec("ending", "e", { planned: true }))).toBe("Planned ending");
    expect(headline(rec("supervision-note", "n", {}))).toBe("Note from supervision");
    expect(headline(rec("acknowledgement", "a", {}))).toBe("Concern acknowledged");
    expect(headline(rec("contact", "c", { how: "phone" }), "R.M.")).toBe("Phone call with R.M.");
    expect(headline(rec("concern", "k", { category: "wellbeing" }), "R.M.")).toBe("Wellbeing concern about R.M.");
    expect(headline(rec("boundary-issue", "b", { category: "other" }), "R.M.")).toBe("Boundary issue with R.M.: something else");
    expect(headline(rec("acknowledgement", "a", {}), "R.M.")).toBe("Concern about R.M. acknowledged");
  });

  test("a line of what it says: the first long text filled in, shortened; none in discreet mode", () => {
    const contact = rec("contact", "c", { how: "phone", focus: "", strengths: "Kept going  with\nthe forms", notes: "x" });
    expect(snippet(contact)).toBe("Kept going with the forms");
    expect(snippet(rec("reflection", "r", { text: "a".repeat(300) }))).toHaveLength(200);
    appState.value = state({ discreetMode: true });
    expect(snippet(contact)).toBe("");
  });

  test("its marks: new, urgent, flagged, a signpost's status, a conflict", () => {
    const concern = rec("concern", "k", { urgency: "immediate" });
    expect(isUrgent(concern)).toBe(true);
    expect(isUrgent(rec("concern", "k", { urgency: "medium" }))).toBe(false);
    expect(badges(concern, true).map((b) => b.text)).toEqual(["New", "Urgent"]);
    expect(badges(rec("boundary-issue", "b", { flag: true }), false).map((b) => b.text)).toEqual(["Flagged for supervision"]);
    expect(badges(rec("signpost", "s", { status: "declined" }, { conflict: true }), false).map((b) => b.text)).toEqual([
      "They chose not to",
      "Changed in two places",
    ]);
  });

  test("concerns come most urgent first, otherwise as the journal gave them", () => {
    const list = [
      rec("concern", "1", { urgency: "low" }),
      rec("concern", "2", { urgency: "high" }),
      rec("concern", "3", { urgency: "medium" }),
      rec("concern", "4", { urgency: "immediate" }),
      rec("concern", "5", { urgency: "high" }),
    ];
    expect(urgentFirst(list).map((r) => r.id)).toEqual(["4", "2", "5", "3", "1"]);
  });
});

describe("a person's story", () => {
  test("notes and acknowledgements sit under the entry they are about when it is on the page, oldest first", () => {
    const page = [
      rec("supervision-note", "n2", { person: "p", about: "c1", at: "2024-12-05T10:00" }),
      rec("acknowledgement", "a1", { person: "p", about: "k1", at: "2024-12-04T10:00" }),
      rec("supervision-note", "n1", { person: "p", about: "c1", at: "2024-12-04T09:00" }),
      rec("supervision-note", "n0", { person: "p", about: "elsewhere", at: "2024-12-04T08:00" }),
      rec("concern", "k1", { person: "p", at: "2024-12-03T10:00" }),
      rec("contact", "c1", { person: "p", at: "2024-11-28T10:00" }),
    ];
    const months = story(page);
    expect(months.map((m) => m.heading)).toEqual(["December 2024", "November 2024"]);
    expect(months[0]?.entries.map((e) => e.record.id)).toEqual(["n0", "k1"]);
    expect(months[0]?.entries[1]?.replies.map((r) => r.id)).toEqual(["a1"]);
    expect(months[1]?.entries[0]?.replies.map((r) => r.id)).toEqual(["n1", "n2"]);
  });

  test("forgetting says it is for good, and whether the erasure travels", () => {
    expect(forgetWords("R.M.", true)).toMatch(/for good/);
    expect(forgetWords("R.M.", true)).toMatch(/next export/);
    expect(forgetWords("R.M.", false)).toMatch(/this journal only/);
  });
});

describe("a record", () => {
  test("a signpost moves on to its later steps, or is declined; an outcome is the end", () => {
    expect(nextSteps("suggested")).toEqual(["consented", "made", "attended", "outcome", "declined"]);
    expect(nextSteps("attended")).toEqual(["outcome", "declined"]);
    expect(nextSteps("outcome")).toEqual([]);
    expect(nextSteps("declined")).toEqual(["consented"]);
  });

  test("who wrote it: this journal, or another", () => {
    const mine = rec("contact", "c", {}, { owner: "mine000000000000" });
    const theirs = rec("supervision-note", "n", {}, { owner: "7k3mq9tx2b4dhw8r" });
    const here = state({ fingerprint: "mine000000000000" });
    expect(writtenElsewhere(mine, here)).toBe(false);
    expect(writtenElsewhere(theirs, here)).toBe(true);
    expect(readAloud("7k3mq9tx2b4dhw8r")).toBe("7K3M-Q9TX-2B4D-HW8R");
  });

  test("its history names fields by their labels", () => {
    const contact = rec("contact", "c", {});
    expect(changedLabel(contact, "focus")).toBe("What they chose to focus on");
    expect(changedLabel(contact, "_deleted")).toBe("Deleted");
  });
});

describe("finding people", () => {
  const entry = (alias: string) => ({ key: folded(alias), short: folded(alias.split(/\s+/).map((w) => w[0]).join("")) });

  test("by any part of the alias, whatever the case or accents", () => {
    expect(matches(entry("Zoë Brown"), folded("zoe"))).toBe(true);
    expect(matches(entry("Zoë Brown"), folded("BROW"))).toBe(true);
    expect(matches(entry("Zoë Brown"), folded("smith"))).toBe(false);
    expect(matches(entry("Zoë Brown"), "")).toBe(true);
  });

  test("by initials", () => {
    expect(matches(entry("Rosa Maria"), folded("rm"))).toBe(true);
    expect(matches(entry("Rosa Maria"), folded("r.m."))).toBe(true);
    expect(matches(entry("Rosa Maria"), folded("mr"))).toBe(false);
  });
});

describe("the concern banner's words", () => {
  test("one urgent concern: who, and that it goes in the next export", () => {
    people.value = new Map([["p1", rec("person", "p1", { alias: "Rosa Maria" })]]);
    const one = [rec("concern", "k", { person: "p1", urgency: "high" })];
    const words = bannerText(one, false);
    expect(words.lead).toBe("An urgent concern about Rosa Maria is not yet acknowledged.");
    expect(words.more).toMatch(/always goes in your next export to your supervisor/);
    appState.value = state({ discreetMode: true });
    expect(bannerText(one, false).lead).toBe("An urgent concern about R.M. is not yet acknowledged.");
  });

  test("several, and a supervisor's", () => {
    const two = [rec("concern", "k1", { urgency: "high" }), rec("concern", "k2", { urgency: "immediate" })];
    expect(bannerText(two, false).lead).toBe("2 urgent concerns are not yet acknowledged.");
    expect(bannerText(two, true).lead).toBe("2 urgent concerns are waiting for you to acknowledge them.");
    expect(bannerText(two, true).more).toBe("");
  });
});
