import { defineConfig } from "vitest/config";

// The app embeds ui/dist (Tauri's custom protocol, no dev server), under a
// strict CSP: everything must be a local file, with no inline script or style.
export default defineConfig({
  base: "./",
  clearScreen: false,
  build: {
    outDir: "dist",
    emptyOutDir: true,
    // The polyfill would be code we do not need: WebKitGTK, WebView2 and
    // WKWebView all support modulepreload.
    modulePreload: { polyfill: false },
    // Never inline assets as data: URLs; the CSP allows only 'self'.
    assetsInlineLimit: 0,
  },
  test: {
    environment: "jsdom",
    include: ["test/**/*.test.ts"],
  },
});
