/**
 * One watcher of a run: the run's events from a cursor until `run.end`, counted as a watcher
 * of the run so its onDisconnect policy applies when the last watcher leaves.
 */
import {
  CrewError,
  ErrorCode,
  eventsAfter,
  flattenBatches,
  type CrewEvent,
} from "../events/index.js";
import type { RunService } from "./types.js";

/** Options of {@link openWatch}. */
export interface OpenWatchOptions {
  /** Last seq the watcher saw (0: from the start). */
  after: number;
  /** Aborts when the watcher goes away. */
  signal: AbortSignal;
}

/** True for the error a live subscription throws when its consumer fell too far behind. */
function isSlowConsumer(error: unknown): boolean {
  return CrewError.is(error) && error.code === ErrorCode.TOO_MANY_REQUESTS && "cursor" in error;
}

/**
 * Checks the run and cursor (throws `run_not_found` / `bad_cursor` before anything is sent),
 * then returns the watcher's events.
 *
 * Contract of the returned generator: yields every event with `seq > after` exactly once, in
 * order, and ends after `run.end` or when `signal` aborts. A watcher dropped for falling
 * behind the live run resumes from its own cursor (replaying from the store at its own pace).
 * It holds a watch on the run from its first pull until it ends; releasing the last watch of a
 * run started with `onDisconnect: "cancel"` cancels the run.
 */
export async function openWatch(
  runs: RunService,
  runId: string,
  options: OpenWatchOptions,
): Promise<AsyncGenerator<CrewEvent>> {
  return flattenBatches(await openWatchBatches(runs, runId, options));
}

/**
 * {@link openWatch} in batches (never empty, never mutated): a live run's batches are the
 * same arrays for every watcher, so a transport can encode each one once for all of them.
 */
export async function openWatchBatches(
  runs: RunService,
  runId: string,
  options: OpenWatchOptions,
): Promise<AsyncGenerator<readonly CrewEvent[]>> {
  const first = await runs.openEventBatches(runId, {
    after: options.after,
    signal: options.signal,
  });
  return follow(runs, runId, first, options);
}

async function* follow(
  runs: RunService,
  runId: string,
  first: AsyncIterable<readonly CrewEvent[]>,
  options: OpenWatchOptions,
): AsyncGenerator<readonly CrewEvent[]> {
  const watch = runs.watch(runId);
  let cursor = options.after;
  let source = first;
  try {
    for (;;) {
      try {
        for await (const batch of source) {
          const fresh = eventsAfter(batch, cursor);
          if (fresh.length === 0) continue;
          const last = fresh[fresh.length - 1]!;
          cursor = last.seq;
          yield fresh;
          if (last.type === "run.end") return;
        }
        return;
      } catch (error) {
        if (!isSlowConsumer(error) || options.signal.aborted) throw error;
      }
      source = await runs.openEventBatches(runId, { after: cursor, signal: options.signal });
    }
  } finally {
    watch.release();
  }
}
