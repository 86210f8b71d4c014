// The bar across the top of every screen: Back (when there is somewhere to go
// back to), the app's name, and the screen's actions on the right.
import type { ComponentChildren } from "preact";
import { back, canGoBack } from "../routes";
import "./AppHeader.css";

/** The app's mark: an open journal with a small heart. Decorative. */
export function Logo() {
  return (
    <svg class="logo" viewBox="0 0 32 32" width="28" height="28" aria-hidden="true" focusable="false">
      <path class="logo-page" d="M4 7c4-1.6 8-1.6 12 1v18c-4-2.6-8-2.6-12-1z" />
      <path class="logo-page" d="M28 7c-4-1.6-8-1.6-12 1v18c4-2.6 8-2.6 12-1z" />
      <path
        class="logo-heart"
        d="M22 12.2c-.9-1.4-3.2-1.1-3.2.9 0 1.6 1.8 2.8 3.2 3.9 1.4-1.1 3.2-2.3 3.2-3.9 0-2-2.3-2.3-3.2-.9z"
      />
    </svg>
  );
}

/** Back to the screen before, also by Alt+Left (app.tsx). Shown only when there is one. */
export function BackButton() {
  if (!canGoBack.value) return null;
  return (
    <button id="back-button" type="button" class="button button-header back-button" aria-keyshortcuts="Alt+ArrowLeft" onClick={() => back()}>
      <span class="back-arrow" aria-hidden="true">
        ←
      </span>
      Back
    </button>
  );
}

export function AppHeader({ children }: { children?: ComponentChildren }) {
  return (
    <header class="app-bar">
      <div class="app-bar-start">
        <BackButton />
        <div class="brand">
          <Logo />
          <span class="brand-name">Peer Journal</span>
        </div>
      </div>
      {children === undefined || children === false || children === null ? null : <div class="app-bar-actions">{children}</div>}
    </header>
  );
}
