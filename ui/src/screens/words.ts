// Words more than one screen says: dates and times as people read them,
// counts, and the short forms of ids.
//
// Records keep local dates ("2024-12-03") and local moments
// ("2024-12-03T14:30") as they were given; the journal's own stamps (when a
// record was written or changed) are UTC ("2024-12-03T14:30:00Z"). Both are
// shown the same friendly way: "Tue 3 Dec, 14:30", with the year only when it
// is not this one. The names are written here, not asked of the browser's
// locale, so the app reads the same on every computer.

/** The hint under every new passphrase. */
export const PASSPHRASE_HINT = "Something only you would think of. A few unrelated words work well.";

/** "1 minute", "5 minutes". */
export function minutes(n: number): string {
  return n === 1 ? "1 minute" : `${n} minutes`;
}

/** "1 record", "3 records"; `many` when the plural is not the word and an s. */
export function count(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

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

/** A local calendar day and, perhaps, a time of day. */
interface Moment {
  year: number;
  /** 1 to 12. */
  month: number;
  day: number;
  time: string | null;
}

const LOCAL = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2}))?/;

/** Reads a stored local date or date-time; null for anything else. */
function localMoment(value: string): Moment | null {
  const m = LOCAL.exec(value);
  if (m === null) return null;
  const [, y, mo, d, h, mi] = m;
  const moment = { year: Number(y), month: Number(mo), day: Number(d), time: h === undefined ? null : `${h}:${mi}` };
  return moment.month >= 1 && moment.month <= 12 && moment.day >= 1 && moment.day <= 31 ? moment : null;
}

/** Whether `value` is a UTC stamp (it names its offset), not a local date-time. */
function isStamp(value: string): boolean {
  return /(?:Z|[+-]\d{2}:?\d{2})$/.test(value) && value.includes("T");
}

/** A UTC stamp as the moment it was here, on this computer's clock. */
function stampMoment(value: string): Moment | null {
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return null;
  const two = (n: number) => String(n).padStart(2, "0");
  return {
    year: date.getFullYear(),
    month: date.getMonth() + 1,
    day: date.getDate(),
    time: `${two(date.getHours())}:${two(date.getMinutes())}`,
  };
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
  const moment = isStamp(value) ? stampMoment(value) : localMoment(value);
  if (moment === null) return value;
  const day = dayText(moment, today);
  return moment.time === null ? day : `${day}, ${moment.time}`;
}

/** Only the day of a stored date, moment or stamp: "Tue 3 Dec". */
export function friendlyDay(value: string | null | undefined, today: Date = new Date()): string {
  if (value === null || value === undefined || value === "") return "";
  const moment = isStamp(value) ? stampMoment(value) : localMoment(value);
  return moment === null ? value : dayText(moment, today);
}

/** The month a stored date or moment falls in, as a heading: "December 2024". */
export function monthHeading(value: string): string {
  const moment = localMoment(value) ?? (isStamp(value) ? stampMoment(value) : null);
  return moment === null ? "" : `${MONTH_NAMES[moment.month - 1] ?? ""} ${moment.year}`;
}

/** The month key ("2024-12") a heading groups by; "" when it has none. */
export function monthKey(value: string | null | undefined): string {
  if (value === null || value === undefined) return "";
  const moment = localMoment(value) ?? (isStamp(value) ? stampMoment(value) : null);
  return moment === null ? "" : `${moment.year}-${String(moment.month).padStart(2, "0")}`;
}

/** The short form of a device's id people can compare: its last 8 characters. */
export function shortId(id: string): string {
  return id.length <= 8 ? id : id.slice(-8);
}
