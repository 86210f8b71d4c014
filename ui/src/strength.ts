// How a passphrase's strength is shown. The estimate itself is the core's
// (zxcvbn, asked through api.passphraseStrength on each keystroke): there is
// no second estimator here, only the words around its answer.
import type { PassphraseStrength } from "./bindings/PassphraseStrength";

export type StrengthScore = 0 | 1 | 2 | 3 | 4;

export interface StrengthWords {
  /** One or two words: "Weak", "Good"… */
  label: string;
  /** What would help, or reassurance. */
  advice: string;
}

const LABELS: Record<StrengthScore, string> = {
  0: "Very weak",
  1: "Weak",
  2: "Fair",
  3: "Good",
  4: "Strong",
};

/** Said before anything is typed. */
export const STRENGTH_START = "A few unrelated words make a passphrase that is easy to remember and hard to guess.";

/** The label and advice for the core's estimate. */
export function describeStrength(strength: PassphraseStrength): StrengthWords {
  const score = Math.min(4, Math.max(0, strength.score)) as StrengthScore;
  const help = [strength.warning, ...strength.suggestions].filter((line): line is string => !!line);
  const advice = strength.acceptable
    ? help.length > 0 && score < 4
      ? `${help.join(" ")} It is strong enough already; make sure it is one you will remember.`
      : "Make sure it is one you will remember."
    : help.length > 0
      ? help.join(" ")
      : "Adding another word or two would make it much harder to guess.";
  return { label: LABELS[score], advice };
}

/** Why a passphrase cannot be used yet, for the form's error line. */
export function tooEasyMessage(strength: PassphraseStrength): string {
  return `This passphrase would be too easy to guess. ${describeStrength(strength).advice}`;
}
