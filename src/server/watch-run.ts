/**
 * One watcher of a run: the run's events from a cursor, applying the run's onDisconnect policy
 * when the watcher goes away before `run.end`.
 */
import type { CrewEvent } from "../events/index.js";
import { CrewError, ErrorCode } from "../events/index.js";
import type { RouteDeps } from "./deps.js";
import type { OnDisconnect } from "./types.js";

/** Options of {@link watchRun}. */
export interface WatchRunOptions {
  after: number;
  signal: AbortSignal;
  /** "cancel" cancels the run when this watcher leaves before the end (default "continue"). */
  onDisconnect?: OnDisconnect;
}

/** True for the error a live subscription throws when its consumer fell too far behind. */
function isSlowConsumer(error: unknown): boolean {
  return CrewError.is(error) && error.code === ErrorCode.TOO_MANY_REQUESTS && "cursor" in error;
}

/**
 * Yields the run's events with `seq > after` until `run.end`.
 *
 * A watcher dropped for falling behind the live run resumes from its own cursor (replaying
 * from the store at its own pace), so it sees every event exactly once. If the consumer stops
 * early (the client went away) and the policy is "cancel", the run is cancelled; "continue"
 * only detaches.
 */
export async function* watchRun(
  deps: Pick<RouteDeps, "runs" | "logger">,
  runId: string,
  options: WatchRunOptions,
): AsyncGenerator<CrewEvent> {
  let cursor = options.after;
  let ended = false;
  try {
    for (;;) {
      try {
        for await (const event of deps.runs.events(runId, { after: cursor, signal: options.signal })) {
          if (event.seq <= cursor) continue;
          cursor = event.seq;
          if (event.type === "run.end") ended = true;
          yield event;
          if (ended) return;
        }
        return;
      } catch (error) {
        if (!isSlowConsumer(error) || options.signal.aborted) throw error;
      }
    }
  } finally {
    if (!ended && options.onDisconnect === "cancel") {
      deps.runs.cancel(runId).catch((error: unknown) => {
        // A run that ended meanwhile cannot be cancelled; that is the outcome wanted anyway.
        if (CrewError.is(error) && error.code === ErrorCode.CONFLICT) return;
        deps.logger.error(`cancelling run ${runId} after its watcher left failed`, error);
      });
    }
  }
}
