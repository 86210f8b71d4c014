// The app shell: the route on screen inside the frame every screen shares
// (header with Back and Lock, then the screen), and the wiring to the world
// outside the components: the backend's idle-lock event, its events about
// exchanging files (progress, files dropped on the window), the activity
// pings while the journal is open, Alt+Left for Back.
import { effect, useSignal, type Signal } from "@preact/signals";
import { render } from "preact";
import { useLayoutEffect } from "preact/hooks";
import { watchActivity } from "./activity";
import { api, onFilesDropped, onJobProgress, onJournalLocked } from "./api";
import { AppHeader } from "./components/AppHeader";
import { ConcernBanner } from "./components/ConcernBanner";
import { DemoBanner } from "./components/DemoBanner";
import { BusyBanner } from "./components/Progress";
import { toUiError } from "./errors";
import { filesDropped, followJournal, jobProgressed } from "./exchange";
import { back, firstShownAs, ROUTES, shown, type Route } from "./routes";
import { MainNav } from "./components/MainNav";
import { Charts } from "./screens/Charts";
import { Conflicts } from "./screens/Conflicts";
import { EditRecord } from "./screens/EditRecord";
import { Exchange } from "./screens/Exchange";
import { FunderReport } from "./screens/FunderReport";
import { NewRecord } from "./screens/NewRecord";
import { People } from "./screens/People";
import { Person } from "./screens/Person";
import { RecordView } from "./screens/RecordView";
import { Reflections } from "./screens/Reflections";
import { Restore } from "./screens/Restore";
import { Review } from "./screens/Review";
import { Search } from "./screens/Search";
import { Services } from "./screens/Services";
import { Settings } from "./screens/Settings";
import { Today } from "./screens/Today";
import { Volunteers } from "./screens/Volunteers";
import { openJournalKey } from "./shortcuts";
import { Problem } from "./screens/Problem";
import { Recovery } from "./screens/Recovery";
import { Setup } from "./screens/Setup";
import { Unlock } from "./screens/Unlock";
import { arrive, boot, lockedByIdleTimer, lockedState, ping } from "./session";
import { appState, history, journalOpen, route } from "./state";

/** Each route's screen: the component named for it. */
function Screen({ at }: { at: Route }) {
  switch (at.name) {
    case "starting":
      return null;
    case "problem":
      return <Problem {...at} />;
    case "setup":
      return <Setup />;
    case "recovery":
      return <Recovery {...at} />;
    case "restore":
      return <Restore />;
    case "unlock":
      return <Unlock {...at} />;
    case "today":
      return <Today />;
    case "review":
      return <Review {...at} />;
    case "volunteers":
      return <Volunteers />;
    case "charts":
      return <Charts {...at} />;
    case "funderReport":
      return <FunderReport {...at} />;
    case "people":
      return <People />;
    case "person":
      return <Person {...at} />;
    case "new":
      return <NewRecord {...at} />;
    case "edit":
      return <EditRecord {...at} />;
    case "record":
      return <RecordView {...at} />;
    case "search":
      return <Search {...at} />;
    case "reflections":
      return <Reflections />;
    case "services":
      return <Services />;
    case "conflicts":
      return <Conflicts />;
    case "exchange":
      return <Exchange {...at} />;
    case "settings":
      return <Settings />;
  }
}

/** Locks the journal now, from the header. */
function LockButton({ error }: { error: Signal<string> }) {
  const busy = useSignal(false);
  function lock(): void {
    if (busy.value) return;
    busy.value = true;
    error.value = "";
    api.lock().then(
      (next) => arrive(next),
      (reason: unknown) => {
        busy.value = false;
        const failure = toUiError(reason);
        // Already locked (the idle timer got there first): just show the unlock screen.
        const state = appState.peek();
        if (failure.kind === "locked" && state !== null) arrive(lockedState(state));
        else error.value = failure.message;
      },
    );
  }
  return (
    <button id="lock-button" type="button" class="button button-header" aria-busy={busy.value ? "true" : undefined} onClick={lock}>
      Lock
    </button>
  );
}

/** One screen in its frame. Keyed by the visit, so each visit starts afresh. */
function Frame({ at }: { at: Route }) {
  const info = ROUTES[at.name];
  const lockError = useSignal("");
  useLayoutEffect(() => {
    document.title = info.title;
  }, [info.title]);
  return (
    <div class="screen" data-screen={at.name}>
      <AppHeader>{info.lock ? <LockButton error={lockError} /> : null}</AppHeader>
      {appState.value?.demo === true ? <DemoBanner /> : null}
      {info.access === "open" && at.name !== "recovery" ? <MainNav /> : null}
      {info.access === "open" && at.name !== "recovery" ? <ConcernBanner /> : null}
      {info.access === "open" && at.name !== "recovery" ? <BusyBanner /> : null}
      <main class="content">
        {info.lock ? (
          <p id="lock-error" class="message message-error" role="alert">
            {lockError.value}
          </p>
        ) : null}
        <Screen at={at} />
      </main>
    </div>
  );
}

// Every navigation makes a new route object; going back reuses one, whose screen has long gone. A route
// that only changes the parameters of the one on screen (a filter) keeps its visit, and so its screen.
const visits = new WeakMap<Route, number>();
let visitCount = 0;
function visitOf(at: Route): number {
  let visit = visits.get(at);
  if (visit === undefined) {
    visit = ++visitCount;
    visits.set(at, visit);
  }
  return visit;
}

export function App() {
  const at = shown.value;
  if (at.name === "starting") return null;
  return <Frame key={visitOf(firstShownAs(at))} at={at} />;
}

/** Alt+Left, except where it moves the caret by a word (Option+Left in a text field on a Mac). */
function isBackKey(event: KeyboardEvent): boolean {
  if (event.key !== "ArrowLeft" || !event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return false;
  const target = event.target;
  const editing = target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement;
  return !(editing && /Mac/.test(navigator.platform));
}

export interface AppHandle {
  /** Stops listening to the backend and the window, and empties the root (tests use it). */
  stop(): void;
}

export async function startApp(root: HTMLElement, activityTarget: EventTarget = window): Promise<AppHandle> {
  // Renders now, not at the next microtask: used when the journal locks, so
  // what was on screen leaves the page before anything else can run.
  const draw = (): void => render(<App />, root);
  const lockNow = (): void => {
    if (lockedByIdleTimer()) draw();
  };

  draw();
  const stopWatching = effect(() => {
    if (journalOpen.value) return watchActivity(activityTarget, () => ping(lockNow));
    return undefined;
  });
  const onKeyDown = (event: KeyboardEvent): void => {
    if (isBackKey(event) && back()) event.preventDefault();
    else if (journalOpen.peek() && openJournalKey(event)) event.preventDefault();
  };
  window.addEventListener("keydown", onKeyDown);
  const stopFollowing = followJournal();
  const unlisten = await onJournalLocked(lockNow).catch(() => null);
  const unlistenProgress = await onJobProgress(jobProgressed).catch(() => null);
  const unlistenDrops = await onFilesDropped(filesDropped).catch(() => null);
  await boot();

  return {
    stop: () => {
      unlisten?.();
      unlistenProgress?.();
      unlistenDrops?.();
      stopWatching();
      window.removeEventListener("keydown", onKeyDown);
      render(null, root);
      appState.value = null;
      // After the journal is gone, so what was kept of the exchange goes with it.
      stopFollowing();
      route.value = { name: "starting" };
      history.value = [];
    },
  };
}
