// Words more than one screen says.

/** The hint under every new passphrase. */
export const PASSPHRASE_HINT = "Something only you would think of. A few unrelated words work well.";

/** "1 minute", "5 minutes". */
export function minutes(n: number): string {
  return n === 1 ? "1 minute" : `${n} minutes`;
}
