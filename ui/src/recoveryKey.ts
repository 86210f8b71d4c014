// Helpers for the printable recovery key: 8 groups of 4 Crockford base32
// characters joined by '-', e.g. 7K3M-Q9TX-….
//
// People copy it by hand, so input is forgiving: any case, spaces or dashes
// anywhere, and the letters Crockford's alphabet leaves out for being easy to
// confuse (O, I, L) read as the digits they look like.

export const GROUP_LENGTH = 4;
export const GROUP_COUNT = 8;
const KEY_LENGTH = GROUP_LENGTH * GROUP_COUNT;
const CROCKFORD = /^[0-9ABCDEFGHJKMNPQRSTVWXYZ]*$/;

/** Upper case, separators removed, look-alike letters mapped: "7k3m q9tx" → "7K3MQ9TX". */
export function normaliseKeyInput(input: string): string {
  return input
    .toUpperCase()
    .replace(/[\s\-_.]+/g, "")
    .replace(/O/g, "0")
    .replace(/[IL]/g, "1");
}

/** The groups of a key as written: "7K3M-Q9TX" → ["7K3M", "Q9TX"]. */
export function keyGroups(key: string): string[] {
  return normaliseKeyInput(key).match(new RegExp(`.{1,${GROUP_LENGTH}}`, "g")) ?? [];
}

/** The group the person types back to show they wrote the key down. */
export function lastGroup(key: string): string {
  return keyGroups(key).at(-1) ?? "";
}

/** Whether `typed` is the key's last group, forgiving case, spaces and look-alikes. */
export function matchesLastGroup(key: string, typed: string): boolean {
  const wanted = lastGroup(key);
  return wanted !== "" && normaliseKeyInput(typed) === wanted;
}

/** Whether the input has the shape of a recovery key (not whether it is the right one). */
export function looksLikeRecoveryKey(input: string): boolean {
  const normalised = normaliseKeyInput(input);
  return normalised.length === KEY_LENGTH && CROCKFORD.test(normalised);
}

/** The canonical written form: "7k3mq9tx…" → "7K3M-Q9TX-…". */
export function formatKey(input: string): string {
  return keyGroups(input).join("-");
}
