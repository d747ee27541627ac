/**
 * Where runs write their files (tasks' `output_file`): one folder per run under an output
 * root, so that a run can only ever write inside its own folder and the server can serve
 * exactly those files. Engine and server read the same root from the same environment.
 */
import { dirname, join, resolve } from "node:path";

/**
 * The output root: `CREWSTREAM_OUTPUT_DIR`, else `runs/` next to the database
 * (`CREWSTREAM_DB`, default `.crewstream/crewstream.db`), as an absolute path.
 */
function outputRoot(env: NodeJS.ProcessEnv = process.env): string {
  const configured = env["CREWSTREAM_OUTPUT_DIR"]?.trim();
  if (configured !== undefined && configured !== "") return resolve(configured);
  const db = env["CREWSTREAM_DB"]?.trim();
  return resolve(dirname(db !== undefined && db !== "" ? db : ".crewstream/crewstream.db"), "runs");
}

/** The folder of one run's files under `root`. */
export function runOutputDir(runId: string, root: string = outputRoot()): string {
  return join(root, runId);
}
