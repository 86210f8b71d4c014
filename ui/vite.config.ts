import type { Plugin } from "vite";
import { defineConfig } from "vitest/config";

/**
 * The app runs with Tauri's freezePrototype: Object.prototype is frozen, so
 * `X.prototype.toString = …` throws where X.prototype has no toString of its
 * own (an assignment may not shadow a read-only inherited property).
 * @preact/signals-core does exactly that for valueOf, toString and toJSON
 * as it loads. This rewrites such assignments in dependencies to first give
 * the prototype a writable property of its own, which is what the assignment
 * means. test/static.test.ts starts the built bundle under a frozen
 * Object.prototype, so a dependency doing this some other way is caught.
 */
function assignableUnderFrozenPrototype(): Plugin {
  const assignment = /([\w$]+)\.prototype\.(toString|valueOf|toJSON|toLocaleString)\s*=(?!=)/g;
  const helper =
    "function __ownWritable(o,k){Object.defineProperty(o,k,{value:void 0,writable:true,enumerable:true,configurable:true});return o}\n";
  return {
    name: "peer-journal:assignable-under-frozen-prototype",
    transform(code, id) {
      if (!id.includes("/node_modules/") || !assignment.test(code)) return null;
      assignment.lastIndex = 0;
      return { code: helper + code.replace(assignment, '__ownWritable($1.prototype,"$2").$2='), map: null };
    },
  };
}

// The app embeds ui/dist (Tauri's custom protocol, no dev server), under a
// strict CSP: everything must be a local file, with no inline script or style.
export default defineConfig({
  base: "./",
  clearScreen: false,
  plugins: [assignableUnderFrozenPrototype()],
  // JSX is Preact's, compiled by Vite's own esbuild: no plugin, no Babel.
  esbuild: {
    jsx: "automatic",
    jsxImportSource: "preact",
  },
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
    include: ["test/**/*.test.{ts,tsx}"],
  },
});
