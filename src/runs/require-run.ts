/** The lookups every run service starts an operation on a run with. */
import { CrewError, ErrorCode } from "../events/index.js";
import type { RunRecord, RunStore } from "../store/index.js";
import { checkCursor } from "./check-cursor.js";

/** Shortest prefix of a run id that names the run (the live view shows 8 characters). */
export const MIN_RUN_ID_PREFIX = 6;

/** Candidates listed when a prefix names several runs. */
const CANDIDATES = 5;

/**
 * The full id of the run `id` names: the id itself, or the one stored run whose id starts with
 * it when it is at least {@link MIN_RUN_ID_PREFIX} characters long. Throws run_not_found when no
 * run matches and bad_request, listing the candidates, when several do.
 */
export async function resolveRunId(store: RunStore, id: string): Promise<string> {
  return (await requireRun(store, id)).id;
}

/** The run's record, by id or unique prefix (see {@link resolveRunId}). */
export async function requireRun(store: RunStore, id: string): Promise<RunRecord> {
  const record = await findRun(store, id);
  if (!record)
    throw new CrewError(
      ErrorCode.RUN_NOT_FOUND,
      `No run with id ${JSON.stringify(id.slice(0, 80))}.`,
    );
  return record;
}

/**
 * The run's record, by id or unique prefix, or undefined when no run matches. Throws
 * bad_request, listing the candidates, when a prefix names several runs.
 */
export async function findRun(store: RunStore, id: string): Promise<RunRecord | undefined> {
  const record = await store.getRun(id);
  if (record || id.length < MIN_RUN_ID_PREFIX) return record;
  const ids = await store.findRunIds(id, CANDIDATES + 1);
  if (ids.length > 1) {
    const listed =
      ids.slice(0, CANDIDATES).join(", ") + (ids.length > CANDIDATES ? " and more" : "");
    throw new CrewError(
      ErrorCode.BAD_REQUEST,
      `The run id prefix ${JSON.stringify(id.slice(0, 80))} matches several runs: ${listed}. Give more characters.`,
    );
  }
  return ids[0] === undefined ? undefined : store.getRun(ids[0]);
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
