// @vitest-environment node
// Rules about the source and the built output that the CSP, the offline
// build, the one-wrapper design and the house style depend on.
import { build, type Rollup } from "vite";
import { beforeAll, describe, expect, test } from "vitest";
import indexHtml from "../index.html?raw";

const sources = import.meta.glob<string>("../src/**/*.{ts,tsx}", { query: "?raw", import: "default", eager: true });
const stylesheets = import.meta.glob<string>("../src/**/*.css", { query: "?raw", import: "default", eager: true });
/** The modules written by hand: bindings/ is generated from the Rust side. */
const handwritten = Object.entries(sources).filter(([path]) => !path.includes("/bindings/"));

describe("static rules", () => {
  test("index.html is minimal: a title, a root and one module script", () => {
    expect(indexHtml).toContain("<title>Peer Journal</title>");
    expect(indexHtml).toContain('<div id="app"></div>');
    expect(indexHtml.match(/<script/g)).toHaveLength(1);
    expect(indexHtml).toContain('<script type="module" src="/src/main.tsx"></script>');
    expect(indexHtml).not.toMatch(/<style|style=|https?:/);
  });

  test("no stylesheet loads anything from anywhere", () => {
    expect(Object.keys(stylesheets).length).toBeGreaterThan(3);
    for (const [path, text] of Object.entries(stylesheets)) {
      expect(text, path).not.toMatch(/url\(|@import|https?:/);
    }
  });

  test("colours are design tokens: said in tokens.css only", () => {
    for (const [path, text] of Object.entries(stylesheets)) {
      if (path.endsWith("/tokens.css")) continue;
      expect(text, path).not.toMatch(/#[0-9a-fA-F]{3,8}\b|rgba?\(|hsla?\(/);
    }
  });

  test("each component's stylesheet is imported by the component beside it", () => {
    for (const path of Object.keys(stylesheets)) {
      if (path.endsWith("/tokens.css") || path.endsWith("/base.css")) continue;
      const component = path.replace(/\.css$/, ".tsx");
      const name = path.split("/").at(-1);
      expect(sources[component], `${component} beside ${path}`).toContain(`import "./${name}";`);
    }
  });

  test("only src/api.ts imports @tauri-apps", () => {
    const importers = Object.entries(sources)
      .filter(([, text]) => text.includes("@tauri-apps/"))
      .map(([path]) => path);
    expect(importers).toEqual(["../src/api.ts"]);
  });

  test("no source uses web storage, the console, eval, inline HTML or inline styles", () => {
    expect(handwritten.length).toBeGreaterThan(15);
    for (const [path, text] of Object.entries(sources)) {
      expect(text, path).not.toMatch(/localStorage|sessionStorage|console\.|eval\(|new Function|innerHTML|\.style\b/);
      expect(text, path).not.toMatch(/dangerouslySetInnerHTML|\bstyle=\{|\bstyle:\s*\{/);
    }
  });

  test("JSX lives in .tsx files", () => {
    for (const [path, text] of handwritten) {
      if (path.endsWith(".ts")) expect(text, path).not.toMatch(/<\/[A-Za-z]|\/>\s*[);,]/);
    }
  });
});

describe("the built output", () => {
  /** Each file `npm run build` writes, by its path under dist/, with its text. */
  let files: Record<string, string> = {};

  beforeAll(async () => {
    // The real build, with vite.config.ts, kept in memory rather than written to dist/.
    const root = decodeURIComponent(new URL("..", import.meta.url).pathname);
    const output = (await build({ root, logLevel: "silent", build: { write: false } })) as Rollup.RollupOutput;
    files = Object.fromEntries(
      output.output.map((file) => [
        file.fileName,
        file.type === "chunk" ? file.code : typeof file.source === "string" ? file.source : new TextDecoder().decode(file.source),
      ]),
    );
  }, 60_000);

  test("is one page, one script and one stylesheet, all files of its own", () => {
    const names = Object.keys(files);
    expect(names).toHaveLength(3);
    expect(names.filter((name) => /^assets\/index-[\w-]+\.css$/.test(name))).toHaveLength(1);
    expect(names.filter((name) => /^assets\/index-[\w-]+\.js$/.test(name))).toHaveLength(1);
    expect(names).toContain("index.html");
  });

  test("the page has no inline script or style, and loads only its own files", () => {
    const html = files["index.html"] ?? "";
    const scripts = [...html.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/g)];
    expect(scripts).toHaveLength(1);
    expect(scripts[0]?.[0]).toMatch(/type="module"[^>]* src="\.\/assets\/index-[\w-]+\.js"/);
    expect(scripts[0]?.[1]?.trim()).toBe("");
    expect(html).toMatch(/<link rel="stylesheet"[^>]* href="\.\/assets\/index-[\w-]+\.css">/);
    expect(html).not.toMatch(/<style|style=|\son[a-z]+=|https?:|data:/i);
  });

  test("starts and shows a screen under Tauri's frozen Object.prototype (freezePrototype)", async () => {
    const script = Object.entries(files).find(([name]) => name.endsWith(".js"))?.[1] ?? "";
    // jsdom is untyped here, and a module name held in a variable keeps it so.
    const jsdom = "jsdom";
    const { JSDOM } = (await import(/* @vite-ignore */ jsdom)) as { JSDOM: new (html: string, options: object) => { window: Window & { eval(code: string): unknown } } };
    const { window } = new JSDOM('<!doctype html><body><div id="app"></div></body>', { runScripts: "outside-only", pretendToBeVisual: true });
    window.eval("Object.freeze(Object.prototype)");
    window.eval(`"use strict";\n${script}`);
    // No backend here: the app says it could not start, which takes rendering a screen.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(window.document.querySelector("[data-screen]")?.getAttribute("data-screen")).toBe("problem");
    window.close();
  });

  test("nothing is inlined as a data: URL or fetched from elsewhere", () => {
    for (const [name, text] of Object.entries(files)) {
      expect(text, name).not.toMatch(/data:[a-z-]+\/[a-z0-9.+-]+[;,]/i);
      if (name.endsWith(".css")) expect(text, name).not.toMatch(/url\(|@import/);
    }
  });
});
