/**
 * A window on the runs a process executes, for metrics and traces. Everything an observer learns
 * comes from the run's events plus a few facts events do not carry (store latency, queue
 * length, dropped subscribers), so observing needs no change to the engine.
 *
 * Contract: every method is called synchronously on the run's path and must not throw or block;
 * an observer that does heavy work defers it.
 */
import type { CrewEvent } from "../events/index.js";

/** Receives what happens to runs; every method is optional. */
export interface RunObserver {
  /** Every event of a run, in `seq` order, as the runner yields it (before it is stored). */
  event?(event: CrewEvent): void;
  /** A batch of `count` events of a run was appended to the store in `ms` milliseconds. */
  appended?(runId: string, count: number, ms: number): void;
  /** A live subscriber of a run fell too far behind and was dropped. */
  slowConsumerDropped?(runId: string): void;
  /** The number of runs waiting for a slot changed. */
  queueLength?(length: number): void;
  /** The W3C `traceparent` a run's job carried from the server that queued it (before its events). */
  traceParent?(runId: string, traceparent: string): void;
}

/** Calls every observer in turn (e.g. metrics and traces). */
export function combineObservers(...observers: Array<RunObserver | undefined>): RunObserver {
  const present = observers.filter((o): o is RunObserver => o !== undefined);
  return {
    event: (event) => {
      for (const o of present) o.event?.(event);
    },
    appended: (runId, count, ms) => {
      for (const o of present) o.appended?.(runId, count, ms);
    },
    slowConsumerDropped: (runId) => {
      for (const o of present) o.slowConsumerDropped?.(runId);
    },
    queueLength: (length) => {
      for (const o of present) o.queueLength?.(length);
    },
    traceParent: (runId, traceparent) => {
      for (const o of present) o.traceParent?.(runId, traceparent);
    },
  };
}
