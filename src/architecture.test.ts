/**
 * The layering of `src/`, as ARCHITECTURE.md draws it, checked on every import of every
 * non-test file: a folder imports only the folders below it, and only through their `index.ts`.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";

const src = import.meta.dirname;

/** What each folder may import. Anything not listed is a layering mistake. */
const allowed: Record<string, readonly string[]> = {
  util: [],
  events: ["util"],
  crew: ["events", "util"],
  offline: ["events", "util"],
  llm: ["events", "offline", "util"],
  engine: ["crew", "llm", "events", "util"],
  bridge: ["crew", "events", "util"],
  store: ["events", "util"],
  runs: ["engine", "bridge", "crew", "llm", "store", "events", "util"],
  observe: ["runs", "llm", "events", "util"],
  transport: ["crew", "events", "util"],
  server: [
    "observe",
    "runs",
    "transport",
    "engine",
    "bridge",
    "crew",
    "llm",
    "store",
    "events",
    "util",
  ],
  scale: [
    "server",
    "observe",
    "runs",
    "transport",
    "engine",
    "crew",
    "llm",
    "store",
    "events",
    "util",
  ],
  cli: [
    "scale",
    "observe",
    "server",
    "runs",
    "transport",
    "engine",
    "bridge",
    "crew",
    "llm",
    "store",
    "events",
    "util",
  ],
  client: ["events", "util"],
  react: ["client", "events", "util"],
  testing: ["offline", "events", "util"],
};

function isTestFile(path: string): boolean {
  return (
    /\.(test|int\.test|e2e\.test)\.tsx?$|\.contract\.ts$/.test(path) || /test-support/.test(path)
  );
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === "fixtures" ? [] : sourceFiles(path);
    return /\.tsx?$/.test(entry.name) && !isTestFile(path) ? [path] : [];
  });
}

interface Import {
  file: string;
  from: string;
  to: string;
  /** The imported file, relative to `src/`. */
  target: string;
  specifier: string;
}

function crossFolderImports(): Import[] {
  const found: Import[] = [];
  for (const path of sourceFiles(src)) {
    const file = relative(src, path);
    const from = file.split("/")[0] ?? "";
    if (!file.includes("/")) continue; // src/index.ts re-exports the public API
    const text = readFileSync(path, "utf8");
    for (const match of text.matchAll(/(?:from|import)\s*\(?\s*"(\.[^"]+)"/g)) {
      const specifier = match[1] ?? "";
      const target = relative(src, join(path, "..", specifier));
      const to = target.split("/")[0] ?? "";
      if (to !== from) found.push({ file, from, to, target, specifier });
    }
  }
  return found;
}

describe("architecture", () => {
  const imports = crossFolderImports();

  it("finds the imports it checks", () => {
    expect(imports.length).toBeGreaterThan(50);
  });

  it("has every folder in the layer table", () => {
    const folders = new Set(imports.flatMap((i) => [i.from, i.to]));
    expect([...folders].filter((folder) => !(folder in allowed))).toEqual([]);
  });

  it("imports only from the layers below", () => {
    const wrong = imports
      .filter((i) => !(allowed[i.from] ?? []).includes(i.to))
      .map((i) => `${i.file}: ${i.specifier}`);
    expect(wrong).toEqual([]);
  });

  it("keeps what a browser bundles free of Node modules", () => {
    const browserSide = ["util", "events", "client", "react"];
    const nodeImports = sourceFiles(src)
      .filter((path) => browserSide.includes(relative(src, path).split("/")[0] ?? ""))
      .filter((path) => /from "node:|import\("node:/.test(readFileSync(path, "utf8")))
      .map((path) => relative(src, path));
    expect(nodeImports).toEqual([]);
  });

  it("imports other folders only through their index", () => {
    const deep = imports
      .filter((i) => i.target !== `${i.to}/index.js`)
      .map((i) => `${i.file}: ${i.specifier}`);
    expect(deep).toEqual([]);
  });
});
