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

/**
 * Yields the run's events with `seq > after` until `run.end`. If the consumer stops early (the
 * client went away) and the policy is "cancel", the run is cancelled; "continue" only detaches.
 */
export async function* watchRun(
  deps: Pick<RouteDeps, "runs" | "logger">,
  runId: string,
  options: WatchRunOptions,
): AsyncGenerator<CrewEvent> {
  let ended = false;
  try {
    for await (const event of deps.runs.events(runId, { after: options.after, signal: options.signal })) {
      if (event.type === "run.end") ended = true;
      yield event;
      if (ended) return;
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
