// Choosing one of a supervisor's volunteers, or all of them: the Volunteer
// select of Review and of Charts, and the list of volunteers it offers. Those
// still trusted are offered; a volunteer already chosen stays offered even if
// their card no longer is (marked so), and one not known at all by their
// fingerprint, so the select always says what is shown.
import { useSignal, type Signal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import { api } from "../api";
import type { Fingerprint } from "../bindings/Fingerprint";
import type { VolunteerSummary } from "../bindings/VolunteerSummary";
import { sameFingerprint } from "../screens/words";

export const ALL_VOLUNTEERS = "All volunteers";

/**
 * The journal's volunteers, asked for once as the screen opens (only when
 * `wanted`). If they cannot be had, the list stays empty: only their names
 * are missing then, and the select offers all volunteers.
 */
export function useVolunteers(wanted = true): Signal<readonly VolunteerSummary[]> {
  const volunteers = useSignal<readonly VolunteerSummary[]>([]);
  useEffect(() => {
    if (!wanted) return;
    let current = true;
    api.volunteers().then(
      (found) => {
        if (current) volunteers.value = found;
      },
      () => undefined,
    );
    return () => {
      current = false;
    };
  }, [wanted]);
  return volunteers;
}

/** The name of the volunteer with this fingerprint, if known. */
export function volunteerName(volunteers: readonly VolunteerSummary[], fingerprint: Fingerprint | null | undefined): string | null {
  return volunteers.find((v) => sameFingerprint(v.fingerprint, fingerprint))?.name ?? null;
}

interface VolunteerSelectProps {
  /** The select's id (and name). */
  id: string;
  /** The field's class beside `field`. */
  class: string;
  /** The one chosen; none for all. */
  volunteer: Fingerprint | undefined;
  volunteers: readonly VolunteerSummary[];
  /** A volunteer chosen, or all (undefined). */
  onChoose: (volunteer: Fingerprint | undefined) => void;
}

export function VolunteerSelect({ id, class: className, volunteer, volunteers, onChoose }: VolunteerSelectProps) {
  // The volunteers still trusted, and the one chosen even if their card no longer is.
  const offered = volunteers.filter((v) => v.revokedAt === null || sameFingerprint(v.fingerprint, volunteer));
  const picked = offered.find((v) => sameFingerprint(v.fingerprint, volunteer))?.fingerprint ?? (volunteer === undefined ? "" : volunteer);
  return (
    <div class={`field ${className}`}>
      <label for={id}>Volunteer</label>
      <select
        id={id}
        name={id}
        value={picked}
        onChange={(event) => {
          const value = event.currentTarget.value;
          onChoose(value === "" ? undefined : value);
        }}
      >
        <option value="" selected={picked === ""}>
          {ALL_VOLUNTEERS}
        </option>
        {offered.map((v) => (
          <option key={v.fingerprint} value={v.fingerprint} selected={v.fingerprint === picked}>
            {v.revokedAt === null ? v.name : `${v.name} (no longer trusted)`}
          </option>
        ))}
        {picked !== "" && !offered.some((v) => v.fingerprint === picked) ? (
          <option value={picked} selected>
            {picked}
          </option>
        ) : null}
      </select>
    </div>
  );
}
