/**
 * Ends runs whose worker died. A worker keeps a heartbeat key with a TTL of `stallMs` alive
 * while it executes a run; a `running` run without one is ended with `run.end` failed, code
 * `interrupted`. Every server and worker sweeps; the atomic append lets exactly one of them
 * write the `run.end`.
 */
import { CrewError, ErrorCode } from "../events/index.js";
import type { RunLogger } from "../runs/index.js";
import type { RedisRunStore } from "./redis-store.js";
import { endRun } from "../runs/index.js";

/** Default time after which a run without a worker heartbeat is interrupted. */
export const DEFAULT_STALL_MS = 15_000;

/** Sweeps once: ends every running run without a heartbeat. Returns the ids it ended. */
export async function sweepStalledRuns(store: RedisRunStore, logger: RunLogger): Promise<string[]> {
  const running = (await store.listUnfinished()).filter((run) => run.status === "running");
  if (running.length === 0) return [];
  const pipeline = store.redis.pipeline();
  for (const run of running) pipeline.exists(store.keys.heartbeat(run.id));
  const alive = (await pipeline.exec()) ?? [];
  const ended: string[] = [];
  for (const [i, run] of running.entries()) {
    if (alive[i]?.[1] === 1) continue;
    try {
      await endRun(store, run, "failed", {
        code: ErrorCode.INTERRUPTED,
        message: "The worker running this run stopped before it finished.",
      });
      ended.push(run.id);
    } catch (error) {
      // Another sweeper (or the worker itself) ended the run first: nothing left to do.
      if (CrewError.is(error) && error.code === ErrorCode.CONFLICT) continue;
      logger.error(`Run ${run.id}: ending it as interrupted failed`, error);
    }
  }
  return ended;
}

/** Sweeps every `intervalMs` until stopped. */
export function startSweeper(
  store: RedisRunStore,
  logger: RunLogger,
  intervalMs: number,
): { stop(): void } {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    sweepStalledRuns(store, logger)
      .catch((error: unknown) => logger.error("Sweeping stalled runs failed", error))
      .finally(() => (running = false));
  }, intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
