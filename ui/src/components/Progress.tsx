// How far a file being written or brought in has got: a progress bar (a
// measured one once the size is known, a moving one before), with its
// percent in words; and the busy banner on every open screen while one
// runs, with Stop. Both follow the running job in exchange.ts, fed by the
// backend's "job-progress" events. app.tsx places the banner.
import type { JobProgress } from "../bindings/JobProgress";
import { job, percentOf, progress, stopJob } from "../exchange";
import { journalOpen } from "../state";
import "./Progress.css";

interface ProgressBarProps {
  /** The bar's accessible name: "Writing the file". */
  label: string;
  /** The progress reported; null before any is. */
  report: JobProgress | null;
  id?: string;
}

/** A progress bar: its value once the total is known, moving (indeterminate) before. */
export function ProgressBar({ label, report, id }: ProgressBarProps) {
  const percent = percentOf(report);
  const total = report?.total ?? 0;
  return (
    <span class="progress">
      {percent === null ? (
        // Keyed apart: an indeterminate bar is one with no value at all, which changing props would not take away.
        <progress key="moving" id={id} class="progress-bar" aria-label={label} />
      ) : (
        <progress key="measured" id={id} class="progress-bar" aria-label={label} max={total} value={Math.min(report?.done ?? 0, total)} />
      )}
      <span class="progress-percent" aria-hidden="true">
        {percent === null ? "" : `${percent}%`}
      </span>
    </span>
  );
}

/** What the banner says: what is running, and how far it has got once that is known. */
export function busyText(running: "import" | "export", report: JobProgress | null): string {
  const percent = percentOf(report);
  const what = running === "import" ? "Bringing in a file…" : "Writing a file…";
  return percent === null ? what : `${what} ${percent}%`;
}

/**
 * While an import or export runs, on every open screen: what is happening,
 * how far it has got, and Stop. The region is always there (empty when
 * nothing runs) so screen readers hear it begin.
 */
export function BusyBanner() {
  const running = job.value;
  const shown = running !== null && journalOpen.value;
  return (
    <div id="busy-banner" class="busy-banner" role="status">
      {shown ? (
        <>
          <p class="busy-banner-text">{busyText(running.job, progress.value)}</p>
          <button
            id="busy-banner-stop"
            type="button"
            class="button button-quiet busy-banner-stop"
            aria-label={running.job === "import" ? "Stop bringing in the file" : "Stop writing the file"}
            onClick={stopJob}
          >
            Stop
          </button>
        </>
      ) : null}
    </div>
  );
}
