/**
 * Paths a crew or a client names inside a folder it does not own (a task's `output_file`, a
 * run's files): relative, without `..`, so that they can never reach outside that folder.
 */
import { isAbsolute, join, normalize, sep } from "node:path";

/**
 * Why `path` cannot name a file inside a folder, or undefined when it can: absolute paths,
 * `..` segments, empty paths and paths ending in a separator are refused.
 */
export function containedPathProblem(path: string): string | undefined {
  if (path.trim() === "") return "must name a file";
  if (path.includes("\0")) return "must not contain a NUL character";
  if (isAbsolute(path) || /^[A-Za-z]:/.test(path) || path.startsWith("\\"))
    return `must be a relative path inside the output folder, not an absolute path ("${path}")`;
  const segments = path.split(/[\\/]/);
  if (segments.includes("..")) return `must not leave the output folder with ".." ("${path}")`;
  if (segments.at(-1) === "") return `must name a file, not a folder ("${path}")`;
  return undefined;
}

/**
 * `root` joined with `path`, or undefined when `path` fails {@link containedPathProblem}.
 * The result always starts with `root` followed by a separator.
 */
export function resolveContained(root: string, path: string): string | undefined {
  if (containedPathProblem(path) !== undefined) return undefined;
  const base = normalize(root);
  const full = normalize(join(base, path));
  const prefix = base.endsWith(sep) ? base : base + sep;
  return full.startsWith(prefix) ? full : undefined;
}
