// Words more than one screen says: counts, lengths, sizes and the short
// forms of ids. Dates and times are dates.ts's.

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

/** The short form of a device's id people can compare: its last 8 characters. */
export function shortId(id: string): string {
  return id.length <= 8 ? id : id.slice(-8);
}

/** Whether two fingerprints are the same journal's, however each is written (case, dashes). */
export function sameFingerprint(a: string | null | undefined, b: string | null | undefined): boolean {
  const key = (f: string) => f.replace(/[-\s]/g, "").toUpperCase();
  return a !== null && a !== undefined && b !== null && b !== undefined && key(a) === key(b);
}
