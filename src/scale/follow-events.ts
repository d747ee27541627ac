/**
 * A run's events from a cursor, for a subscriber in any process: stored events first, then live
 * ones as workers append them (blocking reads on the run's stream), ending after `run.end`.
 * Nothing is buffered beyond one page: the subscriber pulls at its own pace.
 */
import type { CrewEvent } from "../events/index.js";
import type { RedisRunStore } from "../store/redis-store.js";

/** Options of {@link followEvents}. */
export interface FollowOptions {
  signal?: AbortSignal;
  /** Longest single blocking read; between reads the run's existence is checked (default 5 s). */
  blockMs?: number;
}

/** Yields the run's events with `seq > after`, in order, through `run.end`. */
export async function* followEvents(
  store: RedisRunStore,
  runId: string,
  after: number,
  options: FollowOptions = {},
): AsyncGenerator<CrewEvent, void, undefined> {
  const { signal } = options;
  let cursor = after;
  for (;;) {
    if (signal?.aborted) return;
    const page = await store.waitForEvents(runId, cursor, {
      blockMs: options.blockMs ?? 5000,
      ...(signal ? { signal } : {}),
    });
    if (page.length === 0) {
      // Nothing new for a while: stop if the run expired meanwhile.
      if (!signal?.aborted && !(await store.getRun(runId))) return;
      continue;
    }
    for (const event of page) {
      if (signal?.aborted) return;
      cursor = event.seq;
      yield event;
      if (event.type === "run.end") return;
    }
  }
}
