/**
 * The built web UI for browser tests. `npm test` builds it first (`npm run build:web`); when it
 * is missing or older than its sources, it is built here into a temp folder and moved into
 * place, so parallel test files never see a half-written `web/dist`.
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import { rename, rm } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "vite";

const WEB = fileURLToPath(new URL("../..", import.meta.url));
const ROOT = join(WEB, "..");
/** Where the built UI lives. */
export const WEB_DIST = join(WEB, "dist");
const SOURCES = [
  join(WEB, "src"),
  join(WEB, "index.html"),
  join(ROOT, "src", "client"),
  join(ROOT, "src", "react"),
];

function newest(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(path).reduce(
    (max, name) => Math.max(max, newest(join(path, name))),
    stat.mtimeMs,
  );
}

/** Builds the UI when needed and answers the folder to serve. */
export async function ensureBuiltWeb(): Promise<string> {
  const index = join(WEB_DIST, "index.html");
  if (existsSync(index) && statSync(index).mtimeMs >= Math.max(...SOURCES.map(newest)))
    return WEB_DIST;
  const staging = join(WEB, `.dist-${process.pid}`);
  await build({
    configFile: join(WEB, "vite.config.ts"),
    logLevel: "warn",
    build: { outDir: staging, emptyOutDir: true },
  });
  await rm(WEB_DIST, { recursive: true, force: true });
  await rename(staging, WEB_DIST).catch(async (error: unknown) => {
    // Another test file moved its build in first; that one is as fresh as ours.
    await rm(staging, { recursive: true, force: true });
    if (!existsSync(index)) throw error;
  });
  return WEB_DIST;
}
