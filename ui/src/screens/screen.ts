// What every screen gives the app shell, and what the shell gives screens.
import type { AppState } from "../bindings/AppState";
import type { Created } from "../bindings/Created";

export type ScreenName = "setup" | "recovery" | "unlock" | "home" | "problem";

export interface Screen {
  name: ScreenName;
  /** The screen's root element; it carries data-screen="<name>". */
  el: HTMLElement;
  /** Window title while this screen shows. */
  title: string;
  /** True when the journal is open while this screen shows (activity pings run). */
  unlocked: boolean;
  /** Moves keyboard focus to where the person starts on this screen. */
  focus(): void;
  /** Called as the screen leaves: forget secrets, empty inputs. */
  dispose(): void;
}

export interface UnlockOptions {
  /** A gentle line shown above the form, e.g. why the journal locked. */
  note?: string;
  /** The person's name, when the backend still knows it while locked. */
  name?: string | null;
}

/** How screens move on; the app shell implements it. */
export interface Nav {
  setup(): void;
  recovery(created: Created): void;
  unlock(options?: UnlockOptions): void;
  home(state: AppState): void;
  /** The backend sent a newer state (e.g. a changed setting) without a change of screen. */
  update(state: AppState): void;
}
