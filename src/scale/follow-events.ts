/**
 * A run's events from a cursor, for a subscriber in any process: stored events first, then live
 * ones as workers append them (blocking reads on the run's stream), ending after `run.end`.
 * Nothing is buffered beyond one page: the subscriber pulls at its own pace.
 */
import { eventsAfter, type CrewEvent } from "../events/index.js";
import { isFinished } from "../store/index.js";
import type { RedisRunStore } from "./redis-store.js";

/** Options of {@link followEvents}. */
export interface FollowOptions {
  signal?: AbortSignal;
  /** Longest single blocking read; between reads the run's existence is checked (default 5 s). */
  blockMs?: number;
}

/**
 * Yields the run's events with `seq > after`, in pages as they are read (never empty), through
 * `run.end`; ends early when `signal` aborts or the run expires.
 */
export async function* followEvents(
  store: RedisRunStore,
  runId: string,
  after: number,
  options: FollowOptions = {},
): AsyncGenerator<readonly CrewEvent[], void, undefined> {
  const { signal } = options;
  let cursor = after;
  for (;;) {
    if (signal?.aborted) return;
    const page = await store.waitForEvents(runId, cursor, {
      blockMs: options.blockMs ?? 5000,
      ...(signal ? { signal } : {}),
    });
    if (signal?.aborted) return;
    const fresh = eventsAfter(page, cursor);
    if (fresh.length === 0) {
      // Nothing new for a while: stop if the run expired meanwhile, or ended at the cursor.
      const record = await store.getRun(runId);
      if (!record || (isFinished(record.status) && record.lastSeq <= cursor)) return;
      continue;
    }
    const last = fresh[fresh.length - 1]!;
    cursor = last.seq;
    yield fresh;
    if (last.type === "run.end") return;
  }
}
