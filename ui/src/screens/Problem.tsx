// Route "problem": shown only when the app cannot even ask the backend what
// state the journal is in. Try again asks once more.
import type { RouteOf } from "../routes";
import { boot } from "../session";
import { useFocusOnMount } from "./focus";

export function Problem({ error }: RouteOf<"problem">) {
  const title = useFocusOnMount<HTMLHeadingElement>();
  return (
    <>
      <section class="intro">
        <h1 ref={title} tabIndex={-1}>
          Peer Journal could not start
        </h1>
        <p id="problem-message" role="alert">
          {error.message}
        </p>
      </section>
      <div class="actions">
        <button id="problem-retry" type="button" class="button button-primary" onClick={() => void boot()}>
          Try again
        </button>
      </div>
    </>
  );
}
