// The live strength hint under a new passphrase: a small meter, a label and
// one line of advice, from the core's estimate (api.passphraseStrength,
// asked on each change). Only the latest answer is shown, however the
// answers arrive.
import { effect, useSignal, type ReadonlySignal } from "@preact/signals";
import { useLayoutEffect } from "preact/hooks";
import { api } from "../api";
import type { PassphraseStrength } from "../bindings/PassphraseStrength";
import { describeStrength, STRENGTH_START } from "../strength";
import "./StrengthHint.css";

interface StrengthHintProps {
  id: string;
  passphrase: ReadonlySignal<string>;
  /** The keeper's name, if the form has it, so a passphrase made of it scores lower. */
  name?: ReadonlySignal<string>;
}

export function StrengthHint({ id, passphrase, name }: StrengthHintProps) {
  const answer = useSignal<PassphraseStrength | null>(null);

  useLayoutEffect(() => {
    let asked = 0;
    const stop = effect(() => {
      const typed = passphrase.value;
      const who = name?.value.trim() ?? "";
      const mine = ++asked;
      if (typed === "") {
        answer.value = null;
        return;
      }
      api.passphraseStrength(typed, who === "" ? null : who).then(
        (strength) => {
          if (mine === asked) answer.value = strength;
        },
        () => {
          // The hint is a help, not a gate: the core judges again when the passphrase is used.
          if (mine === asked) answer.value = null;
        },
      );
    });
    return () => {
      asked = -1;
      stop();
    };
  }, []);

  const strength = answer.value;
  const words = strength === null ? null : describeStrength(strength);
  return (
    <div id={id} class="strength" aria-live="polite" data-score={strength === null ? "none" : String(strength.score)}>
      <span class="strength-meter" aria-hidden="true">
        <span class="strength-segment" />
        <span class="strength-segment" />
        <span class="strength-segment" />
        <span class="strength-segment" />
      </span>
      <span class="strength-label">{words === null ? "" : `Strength: ${words.label}.`}</span>{" "}
      <span class="strength-advice">{words === null ? STRENGTH_START : words.advice}</span>
    </div>
  );
}
