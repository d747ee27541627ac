/**
 * One watcher of a run, for every consumer (SSE, JSONL, UI message stream, WebSocket, CLI):
 * the run's events from a cursor until `run.end`, counted as a watcher of the run so its
 * onDisconnect policy applies when the last watcher leaves, and resumed from its own cursor
 * when the service drops it for falling behind.
 */
import { CrewError, ErrorCode, eventsAfter, type CrewEvent } from "../events/index.js";
import type { RunEventsOptions, RunService } from "./run-service.js";

/** Options of {@link openWatch}. */
export interface OpenWatchOptions {
  /** Last seq the watcher saw (default 0: from the start). */
  after?: number;
  /** Aborts when the watcher goes away. */
  signal?: AbortSignal;
  /** Passed to {@link RunService.openEvents}: live events held before the watcher is dropped (and resumed). */
  highWaterMark?: number;
}

/** True for the error a service throws when a consumer fell too far behind. */
function isSlowConsumer(error: unknown): boolean {
  return CrewError.is(error) && error.code === ErrorCode.SLOW_CONSUMER;
}

/**
 * Checks the run and cursor (throws `run_not_found` / `bad_cursor` before anything is sent),
 * then returns the watcher's events in batches, as {@link RunService.openEvents} gives them.
 *
 * Contract of the returned generator: yields every event with `seq > after` exactly once, in
 * order, and ends after `run.end` or when `signal` aborts. A watcher dropped with
 * `slow_consumer` resumes from its own cursor (replaying from the store at its own pace). It
 * holds a watch on the run from its first pull until it ends; releasing the last watch of a
 * run started with `onDisconnect: "cancel"` cancels the run.
 */
export async function openWatch(
  runs: Pick<RunService, "resolveId" | "openEvents" | "watch">,
  runId: string,
  options: OpenWatchOptions = {},
): Promise<AsyncGenerator<readonly CrewEvent[], void, undefined>> {
  const after = options.after ?? 0;
  const open = eventsOptions(options);
  // A prefix becomes the full id once, so the watch counts against the run itself.
  const id = await runs.resolveId(runId);
  const first = await runs.openEvents(id, { ...open, after });
  return follow(runs, id, () => first, after, open);
}

/**
 * {@link openWatch} for a run the caller has just started (its full id, from the start): there
 * is nothing to check, so the watcher is returned at once and opens the run's events at its
 * first pull. A stream can then answer before it has opened anything.
 */
export function watchStartedRun(
  runs: Pick<RunService, "openEvents" | "watch">,
  runId: string,
  options: Omit<OpenWatchOptions, "after"> = {},
): AsyncGenerator<readonly CrewEvent[], void, undefined> {
  const open = eventsOptions(options);
  return follow(runs, runId, () => runs.openEvents(runId, { ...open, after: 0 }), 0, open);
}

/** The options {@link RunService.openEvents} takes from a watcher's. */
function eventsOptions(options: OpenWatchOptions): RunEventsOptions {
  return {
    ...(options.signal === undefined ? {} : { signal: options.signal }),
    ...(options.highWaterMark === undefined ? {} : { highWaterMark: options.highWaterMark }),
  };
}

async function* follow(
  runs: Pick<RunService, "openEvents" | "watch">,
  runId: string,
  first: () => AsyncIterable<readonly CrewEvent[]> | Promise<AsyncIterable<readonly CrewEvent[]>>,
  after: number,
  open: RunEventsOptions,
): AsyncGenerator<readonly CrewEvent[], void, undefined> {
  const watch = runs.watch(runId);
  let cursor = after;
  try {
    let source = await first();
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
        if (!isSlowConsumer(error) || open.signal?.aborted) throw error;
      }
      source = await runs.openEvents(runId, { ...open, after: cursor });
    }
  } finally {
    watch.release();
  }
}
