/**
 * One log record when a run starts and one when it ends (status, duration, tokens, cost), each
 * with the run's id and crew: what an operator greps for first. Between them, a `warn` record
 * for each warning a provider gave about the run's model calls (steps and guardrail checks),
 * once per agent, task and model.
 */
import type { CrewEvent } from "../events/index.js";
import type { RunObserver } from "../runs/index.js";

/** What {@link runLog} writes to: any logger with `info` and `warn` taking fields. */
export interface RunLogSink {
  info(message: string, fields: Record<string, unknown>): void;
  warn(message: string, fields: Record<string, unknown>): void;
}

/** An observer writing each run's start and end to `log`. */
export function runLog(log: RunLogSink): RunObserver {
  /** Logs the event's warnings not logged yet for its agent, task and model (a task retried for its schema repeats them on every call). */
  const warnOnce = (
    run: { crew: string; warned: Set<string> },
    event: Extract<CrewEvent, { type: "agent.step" | "guardrail.check" }>,
    model: string | undefined,
  ): void => {
    for (const warning of event.warnings ?? []) {
      const key = [event.agent, event.task, model, warning].join("\u0000");
      if (run.warned.has(key)) continue;
      run.warned.add(key);
      log.warn("provider warning", {
        runId: event.runId,
        crew: run.crew,
        ...(model === undefined ? {} : { model }),
        ...(event.agent === undefined ? {} : { agent: event.agent }),
        ...(event.task === undefined ? {} : { task: event.task }),
        warning,
      });
    }
  };
  const runs = new Map<
    string,
    { crew: string; cost: number; unpriced: boolean; warned: Set<string> }
  >();
  return {
    event(event: CrewEvent) {
      if (event.type === "run.start") {
        runs.set(event.runId, { crew: event.crew, cost: 0, unpriced: false, warned: new Set() });
        log.info("run started", { runId: event.runId, crew: event.crew });
      } else if (event.type === "agent.step" && event.model !== undefined) {
        const run = runs.get(event.runId);
        if (run === undefined) return;
        if (event.cost === undefined) run.unpriced = true;
        else run.cost += event.cost;
        warnOnce(run, event, event.model);
      } else if (event.type === "guardrail.check") {
        const run = runs.get(event.runId);
        if (run !== undefined) warnOnce(run, event, undefined);
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
