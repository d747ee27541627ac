/**
 * Paths the commands default to. The default crew is found relative to the package (so
 * `crewstream run` works from any folder); the database is relative to the current folder.
 */
import { isAbsolute, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The package root: two levels above this file, which is `src/cli/` when run from source and
 * `dist/cli/` when run from the build.
 */
export const PACKAGE_ROOT = fileURLToPath(new URL("../..", import.meta.url));

/** The crew `crewstream run` uses when none is named. */
export const DEFAULT_CREW_DIR = resolve(PACKAGE_ROOT, "examples", "research-crew");

/** The database path: `--db`, else `CREWSTREAM_DB`, else `.crewstream/crewstream.db` in `cwd`. */
export function resolveDbPath(
  flag: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
  cwd = process.cwd(),
): string {
  const path = flag ?? nonEmpty(env.CREWSTREAM_DB) ?? ".crewstream/crewstream.db";
  return isAbsolute(path) ? path : resolve(cwd, path);
}

/**
 * Makes `path` this process's database for everything that finds it by `CREWSTREAM_DB`, such
 * as the runs' output folder (`runs/` next to the database unless `CREWSTREAM_OUTPUT_DIR`), so
 * that `--db` and the variable mean the same.
 */
export function useDatabase(path: string): string {
  process.env.CREWSTREAM_DB = path;
  return path;
}

/** `value` unless it is undefined or blank. */
export function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === "" ? undefined : value;
}

/** Crews folders from a flag list, else `CREWSTREAM_CREWS` (separated by the path delimiter or commas). */
export function resolveCrewDirs(
  flag: string[] | undefined,
  env: NodeJS.ProcessEnv = process.env,
): string[] {
  if (flag !== undefined && flag.length > 0) return flag.map((dir) => resolve(dir));
  const fromEnv = nonEmpty(env.CREWSTREAM_CREWS);
  if (fromEnv === undefined) return [];
  return fromEnv
    .split(/[,:;]/)
    .map((dir) => dir.trim())
    .filter((dir) => dir !== "")
    .map((dir) => resolve(dir));
}
