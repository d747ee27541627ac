/**
 * One log record when a run starts and one when it ends (status, duration, tokens, cost), each
 * with the run's id and crew: what an operator greps for first.
 */
import type { CrewEvent } from "../events/index.js";
import type { RunObserver } from "../runs/index.js";

/** What {@link runLog} writes to: any logger with `info` taking fields. */
export interface RunLogSink {
  info(message: string, fields: Record<string, unknown>): void;
}

/** An observer writing each run's start and end to `log`. */
export function runLog(log: RunLogSink): RunObserver {
  const runs = new Map<string, { crew: string; cost: number; unpriced: boolean }>();
  return {
    event(event: CrewEvent) {
      if (event.type === "run.start") {
        runs.set(event.runId, { crew: event.crew, cost: 0, unpriced: false });
        log.info("run started", { runId: event.runId, crew: event.crew });
      } else if (event.type === "agent.step" && event.model !== undefined) {
        const run = runs.get(event.runId);
        if (run === undefined) return;
        if (event.cost === undefined) run.unpriced = true;
        else run.cost += event.cost;
      } else if (event.type === "run.end") {
        const run = runs.get(event.runId);
        runs.delete(event.runId);
        log.info("run ended", {
          runId: event.runId,
          ...(run ? { crew: run.crew } : {}),
          status: event.status,
          durationMs: event.durationMs,
          inputTokens: event.usage.inputTokens,
          outputTokens: event.usage.outputTokens,
          costUsd: run === undefined || run.unpriced ? "unknown" : run.cost,
          ...(event.error ? { error: event.error } : {}),
        });
      }
    },
  };
}
