/**
 * What makes a folder a crew, and how a crew name becomes a folder without leaving the
 * configured crews folders (no `..`, no absolute paths, no symlinks pointing outside).
 */
import { readdir, realpath, stat } from "node:fs/promises";
import { join, relative, isAbsolute, sep } from "node:path";
import { CREW_NAME_PATTERN } from "./crew-schema.js";

/** The files of a crew, each looked for in these places in this order. */
export const CREW_FILES = ["crew", "agents", "tasks"] as const;

/** Relative paths where the crew file `base` may be, in order of preference. */
export function crewFileCandidates(base: string): string[] {
  return ["", "config/"].flatMap((location) =>
    [".yaml", ".yml"].map((extension) => `${location}${base}${extension}`),
  );
}

const ALL_CANDIDATES = CREW_FILES.flatMap((base) => crewFileCandidates(base));

/** The crew's tools module, if any: the first of these files that exists. */
export const TOOL_MODULE_FILES = ["tools.js", "tools.mjs", "tools.ts", "tools.mts"] as const;

async function statOrUndefined(
  path: string,
): Promise<Awaited<ReturnType<typeof stat>> | undefined> {
  try {
    return await stat(path);
  } catch (error) {
    if (
      (error as NodeJS.ErrnoException).code === "ENOENT" ||
      (error as NodeJS.ErrnoException).code === "ENOTDIR"
    ) {
      return undefined;
    }
    throw error;
  }
}

/**
 * A fingerprint of a crew folder's files (which exist, their mtimes and sizes). Equal
 * fingerprints mean a cached load of the folder is still valid.
 */
export async function crewStamp(dir: string): Promise<string> {
  return stampOf(dir, [...ALL_CANDIDATES, ...TOOL_MODULE_FILES]);
}

async function stampOf(dir: string, files: readonly string[]): Promise<string> {
  const parts = await Promise.all(
    files.map(async (candidate) => {
      const info = await statOrUndefined(join(dir, candidate));
      return info?.isFile() === true ? `${candidate}@${info.mtimeMs}/${info.size}` : "";
    }),
  );
  return parts.filter((part) => part !== "").join("|");
}

/** True when `dir` is a folder holding at least one crew file (crew, agents or tasks YAML). */
export async function isCrewFolder(dir: string): Promise<boolean> {
  const info = await statOrUndefined(dir);
  if (info?.isDirectory() !== true) return false;
  return (await stampOf(dir, ALL_CANDIDATES)) !== "";
}

/** True when `path` is `root` itself or inside it. Both must be real (symlink-free) paths. */
function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === "" || (!rel.startsWith(`..${sep}`) && rel !== ".." && !isAbsolute(rel));
}

/**
 * The real path of crew `name` in crews folder `root`, or `undefined` if there is no such
 * crew there. A name that is not a plain folder name, or whose folder resolves (through
 * symlinks) outside `root`, is never found.
 */
export async function findCrewIn(root: string, name: string): Promise<string | undefined> {
  if (!CREW_NAME_PATTERN.test(name)) return undefined;
  const realRoot = await realpath(root).catch(() => undefined);
  if (realRoot === undefined) return undefined;
  const candidate = await realpath(join(realRoot, name)).catch(() => undefined);
  if (candidate === undefined || candidate === realRoot || !isInside(realRoot, candidate))
    return undefined;
  return (await isCrewFolder(candidate)) ? candidate : undefined;
}

/** Names of the crews in crews folder `root`, sorted; none if `root` does not exist. */
export async function crewNamesIn(root: string): Promise<string[]> {
  let entries: string[];
  try {
    entries = await readdir(root);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
  const names = await Promise.all(
    entries.map(async (name) => ((await findCrewIn(root, name)) === undefined ? undefined : name)),
  );
  return names.filter((name): name is string => name !== undefined).sort();
}
