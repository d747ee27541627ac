/**
 * Recovery after a crash: every run the store still holds as `queued` or `running` gets a
 * `run.end` status failed, code `interrupted`, right after its last durable event. Nothing
 * written before the crash is touched.
 */
import { ErrorCode } from "../events/index.js";
import type { RunRecord, RunStore } from "../store/index.js";
import { endRun } from "./end-run.js";

/**
 * Ends every unfinished run in `store` except those in `skip` (runs this process is executing).
 * Only call it when no other process is running runs on the same store. Returns the ended runs.
 */
export async function recoverRuns(
  store: RunStore,
  skip: ReadonlySet<string> = new Set(),
): Promise<RunRecord[]> {
  const recovered: RunRecord[] = [];
  for (const run of await store.listUnfinished()) {
    if (skip.has(run.id)) continue;
    await endRun(store, run, "failed", {
      code: ErrorCode.INTERRUPTED,
      message: "The process running this run stopped before it finished.",
    });
    const record = await store.getRun(run.id);
    if (record) recovered.push(record);
  }
  return recovered;
}
