// How far a file being written or brought in has got: a progress bar (a
// measured one once the size is known, a moving one before), with its
// percent in words; and the busy banner on every open screen while one
// runs, with Stop. "Bring them all in" has one bar for all its files, by
// their bytes, saying how many files are through. Both follow the running
// job in exchange.ts, fed by the backend's "job-progress" events. app.tsx
// places the banner.
import type { JobProgress } from "../bindings/JobProgress";
import { allRun, job, overallOf, percentOf, progress, stopJob, type Overall } from "../exchange";
import { count } from "../screens/words";
import { journalOpen } from "../state";
import "./Progress.css";

interface ProgressBarProps {
  /** The bar's accessible name: "Writing the file". */
  label: string;
  /** How far it has got (a job's progress, or a run's overall); null before it is known. */
  report: { done: number; total: number } | null;
  /** How far, in words, for screen readers and beside the bar: "3 of 12 files, 40%". Without it, the percent. */
  valueText?: string;
  id?: string;
}

/** A progress bar: its value once the total is known, moving (indeterminate) before. */
export function ProgressBar({ label, report, valueText, id }: ProgressBarProps) {
  const percent = percentOf(report);
  const total = report?.total ?? 0;
  return (
    <span class="progress">
      {percent === null ? (
        // Keyed apart: an indeterminate bar is one with no value at all, which changing props would not take away.
        <progress key="moving" id={id} class="progress-bar" aria-label={label} />
      ) : (
        <progress
          key="measured"
          id={id}
          class="progress-bar"
          aria-label={label}
          aria-valuetext={valueText}
          max={total}
          value={Math.min(report?.done ?? 0, total)}
        />
      )}
      {/* Said by the bar itself to screen readers. */}
      <span class="progress-percent" aria-hidden="true">
        {percent === null ? "" : (valueText ?? `${percent}%`)}
      </span>
    </span>
  );
}

/** How far "Bring them all in" has got: "3 of 12 files, 40%". */
export function overallText(overall: Overall): string {
  return `${overall.through} of ${count(overall.files, "file")}, ${percentOf(overall) ?? 0}%`;
}

/** The name of the bar of "Bring them all in": "Bringing in 12 files". */
export function overallLabel(overall: Overall): string {
  return `Bringing in ${count(overall.files, "file")}`;
}

/**
 * What the banner says: what is running (`what`, announced as it begins),
 * and how far it has got once that is known (`howFar`, shown but not
 * announced: read out at every step, it would drown everything else).
 * For "Bring them all in" (`overall`), all its files.
 */
export function busyText(running: "import" | "export", report: JobProgress | null, overall: Overall | null = null): { what: string; howFar: string } {
  if (running === "import" && overall !== null) return { what: `${overallLabel(overall)}…`, howFar: overallText(overall) };
  const percent = percentOf(report);
  return { what: running === "import" ? "Bringing in a file…" : "Writing a file…", howFar: percent === null ? "" : `${percent}%` };
}

/**
 * While an import or export runs, on every open screen: what is happening,
 * how far it has got, and Stop. The region is always there (empty when
 * nothing runs) so screen readers hear it begin.
 */
export function BusyBanner() {
  const run = allRun.value;
  // A run of "Bring them all in" is one thing going on, from its first file
  // to its end: between two files (when no job runs) the banner stays as it
  // was, so it is not announced again for every file.
  const overall = run !== null && run.ended === null ? overallOf(run, progress.value) : null;
  const running = overall !== null ? "import" : (job.value?.job ?? null);
  const said = running !== null && journalOpen.value ? busyText(running, progress.value, overall) : null;
  return (
    <div id="busy-banner" class="busy-banner" role="status">
      {said !== null ? (
        <>
          <p class="busy-banner-text">
            {said.what}
            {said.howFar === "" ? null : (
              <span class="busy-banner-far" aria-hidden="true">
                {" "}
                {said.howFar}
              </span>
            )}
          </p>
          <button
            id="busy-banner-stop"
            type="button"
            class="button button-quiet busy-banner-stop"
            aria-label={running === "export" ? "Stop writing the file" : overall === null ? "Stop bringing in the file" : "Stop bringing in the files"}
            onClick={stopJob}
          >
            Stop
          </button>
        </>
      ) : null}
    </div>
  );
}
