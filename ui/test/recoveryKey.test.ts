import { describe, expect, test } from "vitest";
import { formatKey, keyGroups, lastGroup, looksLikeRecoveryKey, matchesLastGroup, normaliseKeyInput } from "../src/recoveryKey";

const KEY = "7K3M-Q9TX-A1B2-C3D4-E5F6-G7H8-J9K0-MNPQ";

describe("recovery key helpers", () => {
  test("normaliseKeyInput removes separators and upper-cases", () => {
    expect(normaliseKeyInput(" 7k3m q9tx-a1b2\tc3d4 ")).toBe("7K3MQ9TXA1B2C3D4");
  });

  test("normaliseKeyInput reads look-alike letters as the digits Crockford uses", () => {
    expect(normaliseKeyInput("o0Il")).toBe("0011");
  });

  test("keyGroups splits into groups of four", () => {
    expect(keyGroups(KEY)).toEqual(["7K3M", "Q9TX", "A1B2", "C3D4", "E5F6", "G7H8", "J9K0", "MNPQ"]);
    expect(keyGroups("")).toEqual([]);
  });

  test("lastGroup is the final four characters", () => {
    expect(lastGroup(KEY)).toBe("MNPQ");
    expect(lastGroup("")).toBe("");
  });

  test("matchesLastGroup forgives case and spaces but not a different group", () => {
    expect(matchesLastGroup(KEY, "mnpq")).toBe(true);
    expect(matchesLastGroup(KEY, " MN PQ ")).toBe(true);
    expect(matchesLastGroup(KEY, "J9K0")).toBe(false);
    expect(matchesLastGroup(KEY, "MNP")).toBe(false);
    expect(matchesLastGroup(KEY, "")).toBe(false);
    expect(matchesLastGroup("", "")).toBe(false);
  });

  test("matchesLastGroup accepts O for 0 in the typed group", () => {
    expect(matchesLastGroup("AAAA-BBBB-CCCC-DDDD-EEEE-FFFF-GGGG-10Z0", "lOzo")).toBe(true);
  });

  test("looksLikeRecoveryKey wants 32 Crockford characters", () => {
    expect(looksLikeRecoveryKey(KEY)).toBe(true);
    expect(looksLikeRecoveryKey(KEY.toLowerCase().replaceAll("-", " "))).toBe(true);
    expect(looksLikeRecoveryKey(KEY.slice(0, -1))).toBe(false);
    expect(looksLikeRecoveryKey(`${KEY}A`)).toBe(false);
    expect(looksLikeRecoveryKey(KEY.replace("M", "U"))).toBe(false);
  });

  test("formatKey gives the canonical written form", () => {
    expect(formatKey("7k3mq9txa1b2c3d4e5f6g7h8j9k0mnpq")).toBe(KEY);
  });
});
