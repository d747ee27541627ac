/** The lookups every run service starts an operation on a run with. */
import { CrewError, ErrorCode } from "../events/index.js";
import type { RunRecord, RunStore } from "../store/index.js";
import { checkCursor } from "./check-cursor.js";

/** The run's record; throws run_not_found for an unknown id. */
export async function requireRun(store: RunStore, id: string): Promise<RunRecord> {
  const record = await store.getRun(id);
  if (!record) throw new CrewError(ErrorCode.RUN_NOT_FOUND, `No run with id "${id}".`);
  return record;
}

/**
 * The run's record once `after` is a valid cursor for it. `lastSeq` is the newest seq the
 * caller knows of (a live run may be ahead of its stored row); defaults to the record's.
 * Throws run_not_found or bad_cursor.
 */
export async function requireCursor(
  store: RunStore,
  id: string,
  after: number,
  lastSeq?: number,
): Promise<RunRecord> {
  const record = await requireRun(store, id);
  checkCursor(after, Math.max(record.lastSeq, lastSeq ?? 0));
  return record;
}
