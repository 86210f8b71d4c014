// Dates and times as people read them, and as records keep them: the one
// place either is written.
//
// Records keep local dates ("2024-12-03") and local moments
// ("2024-12-03T14:30") as they were given; the journal's own stamps (when a
// record was written or changed, when a draft was kept) are UTC
// ("2024-12-03T14:30:00Z"). Both are shown the same friendly way: "Tue 3 Dec,
// 14:30", with the year only when it is not this one. The names are written
// here, not asked of the browser's locale, so the app reads the same on every
// computer.

const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"] as const;
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"] as const;
const MONTH_NAMES = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
] as const;

/** A calendar day and, perhaps, a time of day ("14:30"). */
interface Moment {
  year: number;
  /** 1 to 12. */
  month: number;
  day: number;
  time: string | null;
}

const LOCAL = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2}))?/;

const two = (n: number): string => String(n).padStart(2, "0");

/** Whether the day is on the calendar: no 31 November, no 29 February but in a leap year. */
function onCalendar(year: number, month: number, day: number): boolean {
  const date = new Date(Date.UTC(year, month - 1, day, 12));
  return date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** Reads a stored local date or date-time; null for anything else. */
function readLocal(value: string): Moment | null {
  const m = LOCAL.exec(value);
  if (m === null) return null;
  const [, y, mo, d, h, mi] = m;
  const moment = { year: Number(y), month: Number(mo), day: Number(d), time: h === undefined ? null : `${h}:${mi}` };
  const clock = h === undefined || (Number(h) <= 23 && Number(mi) <= 59);
  return clock && onCalendar(moment.year, moment.month, moment.day) ? moment : null;
}

/** Whether `value` is a UTC stamp (it names its offset), not a local date-time. */
function isStamp(value: string): boolean {
  return /(?:Z|[+-]\d{2}:?\d{2})$/.test(value) && value.includes("T");
}

/** A Date as the moment it is on this computer's clock. */
function momentOf(date: Date): Moment {
  return { year: date.getFullYear(), month: date.getMonth() + 1, day: date.getDate(), time: `${two(date.getHours())}:${two(date.getMinutes())}` };
}

/** A UTC stamp as the moment it was here, on this computer's clock. */
function readStamp(value: string): Moment | null {
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : momentOf(date);
}

/** A stored date, moment or stamp as a moment here; null when it is none of them. */
function read(value: string): Moment | null {
  return isStamp(value) ? readStamp(value) : readLocal(value);
}

function weekday({ year, month, day }: Moment): string {
  // Noon UTC on that day: its weekday is the calendar's, wherever the computer is.
  return DAYS[new Date(Date.UTC(year, month - 1, day, 12)).getUTCDay()] ?? "";
}

function dayText(moment: Moment, today: Date): string {
  const year = moment.year === today.getFullYear() ? "" : ` ${moment.year}`;
  return `${weekday(moment)} ${moment.day} ${MONTHS[moment.month - 1] ?? ""}${year}`;
}

/**
 * A stored date or moment, or a UTC stamp, the friendly way: "Tue 3 Dec",
 * "Tue 3 Dec, 14:30", "Sat 30 Nov 2024, 09:05" (another year). Anything it
 * cannot read is shown as it is; nothing is shown for nothing.
 */
export function friendly(value: string | null | undefined, today: Date = new Date()): string {
  if (value === null || value === undefined || value === "") return "";
  const moment = read(value);
  if (moment === null) return value;
  const day = dayText(moment, today);
  return moment.time === null ? day : `${day}, ${moment.time}`;
}

/** Only the day of a stored date, moment or stamp: "Tue 3 Dec". */
export function friendlyDay(value: string | null | undefined, today: Date = new Date()): string {
  if (value === null || value === undefined || value === "") return "";
  const moment = read(value);
  return moment === null ? value : dayText(moment, today);
}

/** A moment or stamp said with "at", as in a sentence: "Tue 3 Dec at 14:30"; "" when it cannot be read. */
export function friendlyAt(value: string, today: Date = new Date()): string {
  const moment = read(value);
  if (moment === null) return "";
  const day = dayText(moment, today);
  return moment.time === null ? day : `${day} at ${moment.time}`;
}

/** The month a stored date or moment falls in, as a heading: "December 2024". */
export function monthHeading(value: string): string {
  const moment = readLocal(value) ?? (isStamp(value) ? readStamp(value) : null);
  return moment === null ? "" : `${MONTH_NAMES[moment.month - 1] ?? ""} ${moment.year}`;
}

/** The month key ("2024-12") a heading groups by; "" when it has none. */
export function monthKey(value: string | null | undefined): string {
  if (value === null || value === undefined) return "";
  const moment = readLocal(value) ?? (isStamp(value) ? readStamp(value) : null);
  return moment === null ? "" : `${moment.year}-${two(moment.month)}`;
}

/**
 * A record's local date ("2026-12-03") or date and time ("2026-12-03T14:30"),
 * exactly that and on the calendar, as a Date on this computer's clock; null
 * for anything else.
 */
export function localTime(value: string): Date | null {
  const moment = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2})?$/.test(value) ? readLocal(value) : null;
  if (moment === null) return null;
  const [hours = 0, minutes = 0] = (moment.time ?? "00:00").split(":").map(Number);
  return new Date(moment.year, moment.month - 1, moment.day, hours, minutes);
}

/** Today, as a record's local date: "2026-12-03". */
export function localDate(now: Date = new Date()): string {
  return `${now.getFullYear()}-${two(now.getMonth() + 1)}-${two(now.getDate())}`;
}

/** Now, as a record's local date and time: "2026-12-03T14:30". */
export function localMoment(now: Date = new Date()): string {
  return `${localDate(now)}T${two(now.getHours())}:${two(now.getMinutes())}`;
}

/** A month key ("2026-01") as a chart labels it, "Jan 2026", or in full, "January 2026"; the key itself when it is not one. */
export function monthName(key: string, full = false): string {
  const m = /^(\d{4})-(\d{2})$/.exec(key);
  const names = full ? MONTH_NAMES : MONTHS;
  const name = m === null ? undefined : names[Number(m[2]) - 1];
  return m === null || name === undefined ? key : `${name} ${m[1]}`;
}

/** Every month key from `first` to `last` ("2026-01", "2026-02", …), both included; none when `last` comes first. */
export function monthsFrom(first: string, last: string): string[] {
  const read = (key: string): number | null => {
    const m = /^(\d{4})-(\d{2})$/.exec(key);
    return m === null || Number(m[2]) < 1 || Number(m[2]) > 12 ? null : Number(m[1]) * 12 + Number(m[2]) - 1;
  };
  const from = read(first);
  const to = read(last);
  if (from === null || to === null) return [];
  const out: string[] = [];
  for (let n = from; n <= to; n++) out.push(`${Math.floor(n / 12)}-${two((n % 12) + 1)}`);
  return out;
}

/** The first day of the month `back` months before `now`'s, as a record's local date: "2026-01-01" for 11 back from December. */
export function monthStart(back: number, now: Date = new Date()): string {
  return localDate(new Date(now.getFullYear(), now.getMonth() - back, 1));
}
