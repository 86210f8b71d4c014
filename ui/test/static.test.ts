// Rules about the source itself that the CSP, the offline build and the
// one-wrapper design depend on.
import { describe, expect, test } from "vitest";
import indexHtml from "../index.html?raw";
import styles from "../src/styles.css?raw";

const sources = import.meta.glob<string>("../src/**/*.ts", { query: "?raw", import: "default", eager: true });

describe("static rules", () => {
  test("index.html is minimal: a title, a root and one module script", () => {
    expect(indexHtml).toContain("<title>Peer Journal</title>");
    expect(indexHtml).toContain('<div id="app"></div>');
    expect(indexHtml.match(/<script/g)).toHaveLength(1);
    expect(indexHtml).toContain('<script type="module" src="/src/main.ts"></script>');
    expect(indexHtml).not.toMatch(/<style|style=|https?:/);
  });

  test("the stylesheet loads nothing from anywhere", () => {
    expect(styles).not.toMatch(/url\(|@import|https?:/);
  });

  test("only src/api.ts imports @tauri-apps", () => {
    const importers = Object.entries(sources)
      .filter(([, text]) => text.includes("@tauri-apps/"))
      .map(([path]) => path);
    expect(importers).toEqual(["../src/api.ts"]);
  });

  test("no source uses web storage, the console, eval or inline HTML", () => {
    expect(Object.keys(sources).length).toBeGreaterThan(10);
    for (const [path, text] of Object.entries(sources)) {
      expect(text, path).not.toMatch(/localStorage|sessionStorage|console\.|eval\(|new Function|innerHTML|\.style\b/);
    }
  });
});
