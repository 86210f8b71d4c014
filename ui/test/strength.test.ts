import { describe, expect, test } from "vitest";
import type { PassphraseStrength } from "../src/bindings/PassphraseStrength";
import { describeStrength, tooEasyMessage } from "../src/strength";

function strength(score: number, acceptable: boolean, warning: string | null = null, suggestions: string[] = []): PassphraseStrength {
  return { score, acceptable, warning, suggestions };
}

describe("the words around the core's estimate", () => {
  test("every score has its own label", () => {
    const labels = [0, 1, 2, 3, 4].map((score) => describeStrength(strength(score, score >= 3)).label);
    expect(new Set(labels).size).toBe(5);
    expect(labels[0]).toBe("Very weak");
    expect(labels[4]).toBe("Strong");
  });

  test("a weak one gets the core's warning and suggestions, in one line", () => {
    const words = describeStrength(strength(1, false, "This is a very common password.", ["Add another word or two."]));
    expect(words.advice).toBe("This is a very common password. Add another word or two.");
    expect(words.advice).not.toContain("\n");
  });

  test("a weak one with nothing specific to say still says what would help", () => {
    expect(describeStrength(strength(2, false)).advice).toMatch(/another word or two/);
  });

  test("an acceptable one is reassuring, and passes on advice without alarm", () => {
    expect(describeStrength(strength(4, true)).advice).toBe("Make sure it is one you will remember.");
    expect(describeStrength(strength(3, true, null, ["Avoid sequences."])).advice).toMatch(/^Avoid sequences\. It is strong enough already/);
  });

  test("the refusal says why in plain words", () => {
    expect(tooEasyMessage(strength(0, false, "This is a top-10 common password."))).toBe(
      "This passphrase would be too easy to guess. This is a top-10 common password.",
    );
  });
});
