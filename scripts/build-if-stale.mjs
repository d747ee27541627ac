#!/usr/bin/env node
// Builds what `npm start` needs, and only what changed since the last build, so a second start
// takes seconds while a fresh clone still builds everything. `npm run build` stays the full,
// unconditional build that CI and `npm test` use.
//
// - dist/ (tsc): skipped when no input is newer than dist/.tsbuildinfo; otherwise an
//   incremental tsc run that re-checks and re-emits only the files that changed. The build info
//   lives inside dist/, so deleting dist/ also forgets it and the next start builds in full.
// - web/dist/ (vite): skipped when web/dist/index.html is newer than web/ and every source file
//   the chat UI bundles (found by following its relative imports into src/).
// Either step also runs when package.json, package-lock.json or a tsconfig changed.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync, rmSync, statSync, utimesSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative, resolve } from "node:path";

const root = resolve(dirname(new URL(import.meta.url).pathname), "..");
const at = (...parts) => join(root, ...parts);
const shared = ["package.json", "package-lock.json", "tsconfig.json"].map((file) => at(file));

/** Modification time in ms, or -1 when the file is missing. */
function mtime(file) {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return -1;
  }
}

/** Every file under `dir`, recursively (no symlinked folders, no dist or node_modules). */
function filesUnder(dir, keep = () => true) {
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== "node_modules" && entry.name !== "dist")
        out.push(...filesUnder(path, keep));
    } else if (entry.isFile() && keep(path)) {
      out.push(path);
    }
  }
  return out;
}

/** Why `stamp` is out of date (no build yet, or the first newer input), else undefined. */
function staleReason(stamp, inputs) {
  const built = mtime(stamp);
  if (built < 0) return "no previous build";
  const changed = inputs.find((file) => mtime(file) > built);
  return changed === undefined ? undefined : `${relative(root, changed)} changed`;
}

function run(command, args) {
  const result = spawnSync(command, args, {
    cwd: root,
    stdio: "inherit",
    shell: process.platform === "win32",
  });
  return result.status === 0;
}

// The files tsconfig.build.json leaves out; editing a test does not rebuild dist/.
const isBuildSource = (file) =>
  /\.(ts|tsx)$/.test(file) &&
  !/\.(test|int\.test)\.tsx?$|\.contract\.ts$/.test(file) &&
  !file.split(/[\\/]/).includes("test-support");

function buildDist() {
  const buildInfo = at("dist", ".tsbuildinfo");
  // Without the entry point the emitted files cannot be trusted to match the build info.
  if (!existsSync(at("dist", "cli", "main.js"))) rmSync(buildInfo, { force: true });
  const reason = staleReason(buildInfo, [
    ...shared,
    at("tsconfig.build.json"),
    ...filesUnder(at("src"), isBuildSource),
  ]);
  if (reason === undefined) {
    console.log("dist/ is up to date");
    return true;
  }
  console.log(`Building dist/ (${reason})…`);
  const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
  const ok = run(process.execPath, [
    tsc,
    "-p",
    "tsconfig.build.json",
    "--incremental",
    "--tsBuildInfoFile",
    buildInfo,
  ]);
  // tsc leaves the build info untouched when nothing needed emitting, and writes it even when
  // the build failed: date it now on success, and far back on failure so the next start checks
  // again and reports the same errors instead of serving a broken build.
  if (existsSync(buildInfo)) {
    const when = ok ? new Date() : new Date(0);
    utimesSync(buildInfo, when, when);
  }
  return ok;
}

/** Source files reached from `entry` through relative imports (static, dynamic and CSS). */
function importGraph(entry) {
  const seen = new Set();
  const pending = [entry];
  const specifiers = /(?:\bfrom\s*|\bimport\s*\(?\s*)["'](\.{1,2}\/[^"']+)["']/g;
  while (pending.length > 0) {
    const file = pending.pop();
    if (seen.has(file)) continue;
    seen.add(file);
    if (!/\.(ts|tsx|js|mjs)$/.test(file)) continue;
    for (const match of readFileSync(file, "utf8").matchAll(specifiers)) {
      const base = resolve(dirname(file), match[1]);
      const stem = base.replace(/\.(js|jsx|mjs)$/, "");
      const candidates = [base, `${stem}.ts`, `${stem}.tsx`, join(base, "index.ts")];
      const found = candidates.find((path) => existsSync(path) && statSync(path).isFile());
      if (found !== undefined) pending.push(found);
    }
  }
  return [...seen];
}

function buildWeb() {
  const inputs = [
    ...shared,
    ...filesUnder(at("web"), (file) => !file.includes(`${join("web", "e2e")}`)),
    ...importGraph(at("web", "src", "main.tsx")),
  ];
  const reason = staleReason(at("web", "dist", "index.html"), inputs);
  if (reason === undefined) {
    console.log("web/dist/ is up to date");
    return true;
  }
  console.log(`Building web/dist/ (${reason})…`);
  return run("npm", ["run", "--silent", "build:web"]);
}

process.exit(buildDist() && buildWeb() ? 0 : 1);
