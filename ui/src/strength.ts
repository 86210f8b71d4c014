// A rough, friendly estimate of how hard a passphrase would be to guess.
//
// Pure and synchronous so it can run on every keystroke. It is a hint, not a
// gate: the only hard rule (at least 8 characters) is enforced by the core.
// It does not try to be a full cracking model; it catches what people most
// often pick (common passwords, repeats, runs along the keyboard) and rewards
// what works best for people (several unrelated words).

export type StrengthScore = 0 | 1 | 2 | 3 | 4;

export interface Strength {
  score: StrengthScore;
  /** One or two words: "Weak", "Good"… */
  label: string;
  /** One short line on what would help, or reassurance. */
  advice: string;
}

export const MIN_PASSPHRASE_LENGTH = 8;

const LABELS: Record<StrengthScore, string> = {
  0: "Very weak",
  1: "Weak",
  2: "Fair",
  3: "Good",
  4: "Strong",
};

const ADVICE = {
  empty: "A few unrelated words make a passphrase that is easy to remember and hard to guess.",
  short: `Needs at least ${MIN_PASSPHRASE_LENGTH} characters.`,
  common: "This is one of the most common passwords, so it is easy to guess. A few unrelated words would be safer.",
  pattern: "Repeated letters and runs like abc or 123 are easy to guess. A few unrelated words would be safer.",
  more: "Adding another word or two would make it much harder to guess.",
  good: "A little longer would make it even stronger.",
  strong: "Make sure it is one you will remember.",
} as const;

/** Very common passwords, and words anyone would try first for this app. Lower case. */
const COMMON = new Set([
  "password", "passw0rd", "password1", "password123", "123456", "1234567", "12345678",
  "123456789", "1234567890", "qwerty", "qwertyuiop", "asdfghjkl", "zxcvbnm", "1q2w3e4r",
  "1qaz2wsx", "zaq12wsx", "abc123", "111111", "000000", "654321", "iloveyou", "letmein",
  "welcome", "admin", "monkey", "dragon", "football", "baseball", "soccer", "sunshine",
  "princess", "trustno1", "master", "shadow", "superman", "batman", "whatever", "starwars",
  "freedom", "hello", "secret", "computer", "internet", "summer", "winter", "charlie",
  "michael", "jessica", "ashley", "jordan", "liverpool", "arsenal", "chelsea", "london",
  "love", "lovely", "blessed", "jesus", "angel", "family", "friends", "mustang", "pokemon",
  "cookie", "changeme", "default", "access", "login", "peerjournal", "journal", "volunteer",
  "supervisor", "peersupport", "support", "mypassword", "passphrase",
]);

const LEET: Record<string, string> = { "0": "o", "1": "l", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s", "!": "i" };

/** Rows along which a run of characters is as easy to guess as "abcd". */
const RUNS = ["abcdefghijklmnopqrstuvwxyz", "01234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm"];

function isCommon(lower: string): boolean {
  if (COMMON.has(lower)) return true;
  // "Password123!", "p@ssw0rd", "monkey2024" are as easy to guess as their base.
  const trimmed = lower.replace(/[^a-z]+$/, "").replace(/^[^a-z]+/, "");
  if (trimmed.length >= 4 && COMMON.has(trimmed)) return true;
  const unleet = [...lower].map((c) => LEET[c] ?? c).join("");
  return COMMON.has(unleet) || COMMON.has(unleet.replace(/[^a-z]+$/, ""));
}

function adjacent(a: string, b: string): boolean {
  return RUNS.some((row) => {
    const i = row.indexOf(a);
    const j = row.indexOf(b);
    return i >= 0 && j >= 0 && Math.abs(i - j) === 1;
  });
}

/** The words of a passphrase with repeats dropped: "dog dog dog cat" is worth "dog cat". */
function withoutRepeatedWords(lower: string): { text: string; repeats: number } {
  const tokens = lower.split(/\s+/).filter((t) => t !== "");
  const unique = [...new Set(tokens)];
  return { text: unique.join(" "), repeats: tokens.length - unique.length };
}

/**
 * How many characters carry real information: a repeat of the previous
 * character, or the third and later steps of a run ("abcd", "4321", "asdf"),
 * count for little.
 */
function effectiveLength(lower: string): number {
  const { text, repeats } = withoutRepeatedWords(lower);
  if (repeats > 0) return effectiveLength(text) + repeats;
  // A whole string that is one unit repeated ("abcabcabc") is worth its unit.
  const unit = /^(.+?)\1+$/s.exec(lower);
  if (unit?.[1] !== undefined) return effectiveLength(unit[1]) + 1;
  const chars = [...lower];
  let length = 0;
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i] ?? "";
    const prev = chars[i - 1];
    const prev2 = chars[i - 2];
    const predictable =
      prev !== undefined && (c === prev || (prev2 !== undefined && adjacent(prev2, prev) && adjacent(prev, c)));
    length += predictable ? 0.2 : 1;
  }
  return length;
}

function poolSize(text: string): number {
  let pool = 0;
  if (/[a-z]/.test(text)) pool += 26;
  if (/[A-Z]/.test(text)) pool += 26;
  if (/[0-9]/.test(text)) pool += 10;
  // Spaces between words add length, not variety.
  if (/\s/.test(text)) pool += 1;
  if (/[^a-zA-Z0-9\s]/.test(text)) pool += 33;
  return Math.max(pool, 1);
}

/** Distinct words of three or more letters, ignoring ones that are a single letter repeated. */
function distinctWords(lower: string): number {
  const words = lower.split(/[\s\-_.,;:+/]+/).filter((w) => /^\p{L}{3,}$/u.test(w) && !/^(.)\1+$/u.test(w));
  return new Set(words).size;
}

function result(score: StrengthScore, advice: string): Strength {
  return { score, label: LABELS[score], advice };
}

export function assessPassphrase(passphrase: string): Strength {
  const length = [...passphrase].length;
  if (length === 0) return result(0, ADVICE.empty);
  const lower = passphrase.toLowerCase();
  if (isCommon(lower.trim()) || isCommon(withoutRepeatedWords(lower).text)) return result(0, ADVICE.common);
  if (length < MIN_PASSPHRASE_LENGTH) return result(0, ADVICE.short);

  const effective = effectiveLength(lower);
  if (effective < length * 0.5) return result(1, ADVICE.pattern);

  const bits = effective * Math.log2(poolSize(passphrase));
  let score: StrengthScore = bits < 30 ? 1 : bits < 45 ? 2 : bits < 60 ? 3 : 4;

  // Short strings are cracked fast whatever they contain; length matters most.
  if (length < 10) score = Math.min(score, 2) as StrengthScore;
  else if (length < 16) score = Math.min(score, 3) as StrengthScore;

  // Several unrelated words: easy to remember, hard to guess. A phrase made
  // only of words is judged by how many there are, since guessers try words
  // whole, not letter by letter ("ilovemydog", "hello world" stay fair).
  const words = distinctWords(lower);
  const severalWords: StrengthScore | null = words >= 4 && length >= 20 ? 4 : words >= 3 && length >= 15 ? 3 : null;
  if (/^[\p{L}\s\-_.,]+$/u.test(passphrase)) score = severalWords ?? (Math.min(score, 2) as StrengthScore);
  else if (severalWords !== null) score = Math.max(score, severalWords) as StrengthScore;

  return result(score, score <= 2 ? ADVICE.more : score === 3 ? ADVICE.good : ADVICE.strong);
}
