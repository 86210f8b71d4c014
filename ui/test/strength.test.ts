import { describe, expect, test } from "vitest";
import { assessPassphrase, MIN_PASSPHRASE_LENGTH } from "../src/strength";

describe("assessPassphrase", () => {
  test.each(["password", "Password123!", "p@ssw0rd", "12345678", "qwertyuiop", "iloveyou", "Volunteer2024", "letmein!"])(
    "a very common password (%s) scores 0 and says why",
    (passphrase) => {
      const strength = assessPassphrase(passphrase);
      expect(strength.score).toBe(0);
      expect(strength.label).toBe("Very weak");
      expect(strength.advice).toMatch(/common/);
    },
  );

  test("a common password repeated is still common", () => {
    expect(assessPassphrase("password password password password").score).toBe(0);
  });

  test("anything shorter than the minimum scores 0 and asks for more characters", () => {
    const strength = assessPassphrase("Zq9!x");
    expect(strength.score).toBe(0);
    expect(strength.advice).toContain(String(MIN_PASSPHRASE_LENGTH));
  });

  test.each(["aaaaaaaaaaaa", "zzzzzzzz", "abcdefghijkl", "987654321098", "asdfghjklasd", "abcabcabcabc", "xy7xy7xy7xy7"])(
    "repeats and runs (%s) score low and name the pattern",
    (passphrase) => {
      const strength = assessPassphrase(passphrase);
      expect(strength.score).toBeLessThanOrEqual(1);
      expect(strength.advice).toMatch(/Repeated|runs/);
    },
  );

  test("short phrases of lower-case letters stay fair at best", () => {
    expect(assessPassphrase("ilovemydog").score).toBe(2);
    expect(assessPassphrase("hello world").score).toBe(2);
  });

  test("short random strings are capped however varied they are", () => {
    expect(assessPassphrase("x7#Kq!9z").score).toBe(2);
    expect(assessPassphrase("fjdk38skd0a!Lq").score).toBe(3);
  });

  test.each(["correct horse battery staple", "my cat likes warm windowsills", "Kettle-river-pencil-autumn", "green umbrella under the stairs"])(
    "a long passphrase of several words (%s) is strong",
    (passphrase) => {
      const strength = assessPassphrase(passphrase);
      expect(strength.score).toBe(4);
      expect(strength.label).toBe("Strong");
    },
  );

  test("three words make a good passphrase", () => {
    expect(assessPassphrase("orange kettle breeze").score).toBe(3);
  });

  test("the same word over and over does not count as several words", () => {
    expect(assessPassphrase("kettle kettle kettle kettle").score).toBeLessThan(3);
  });

  test("longer is never weaker in a typical progression", () => {
    const steps = ["tea", "teapot", "teapot river", "teapot river lantern", "teapot river lantern moss"];
    const scores = steps.map((p) => assessPassphrase(p).score);
    expect(scores).toEqual([...scores].sort((a, b) => a - b));
    expect(scores.at(-1)).toBe(4);
  });

  test("every score has its own label and one line of advice", () => {
    const samples = ["", "password", "aaaaaaaaaaaa", "ilovemydog", "orange kettle breeze", "correct horse battery staple"];
    const labels = new Map<number, string>();
    for (const sample of samples) {
      const { score, label, advice } = assessPassphrase(sample);
      expect(advice).not.toBe("");
      expect(advice).not.toContain("\n");
      labels.set(score, label);
    }
    expect([...labels.keys()].sort()).toEqual([0, 1, 2, 3, 4]);
    expect(new Set(labels.values()).size).toBe(5);
  });
});
