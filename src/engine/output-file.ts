/**
 * Writes a task's output to its `output_file`, inside the run's output folder and nowhere
 * else: the path was checked when the crew was loaded, and is checked again here because a
 * crew built in code may come from anywhere.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { CrewError, ErrorCode } from "../events/index.js";
import { containedPathProblem, resolveContained } from "../crew/index.js";

/**
 * Writes `content` to `path` under `dir`, creating folders as needed; answers the path as
 * given (relative to `dir`, with `/` separators). Throws CrewError invalid_crew for a path
 * that would leave `dir`.
 */
export async function writeOutputFile(
  dir: string,
  path: string,
  content: string,
  taskKey: string,
): Promise<string> {
  const full = resolveContained(dir, path);
  if (full === undefined) {
    const problem = containedPathProblem(path) ?? "must stay inside the output folder";
    throw new CrewError(ErrorCode.INVALID_CREW, `Task "${taskKey}": output_file ${problem}.`);
  }
  await mkdir(dirname(full), { recursive: true });
  await writeFile(full, content, "utf8");
  return path.split("\\").join("/");
}
