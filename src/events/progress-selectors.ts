/**
 * What views read off the progress model beyond its fields: the run summary of the HTTP API,
 * the answer text, the open human-input request, a running task's streamed text and retry.
 * Pure functions, no Node imports.
 */
import type { RunProgress, RetryProgress, TaskProgress } from "./progress-state.js";
import { isActive } from "./progress-state.js";
import type { Usage } from "./protocol.js";
import type { PendingInput, RunSummary } from "./run-summary.js";

/** The run summary (`GET /api/runs/:id`'s `summary`) of a progress. */
export function toRunSummary(progress: RunProgress): RunSummary {
  return {
    status: progress.status,
    ...(progress.crew === undefined ? {} : { crew: progress.crew }),
    lastSeq: progress.lastSeq,
    usage: progress.usage,
    estimated: progress.estimated,
    ...pick(progress, ["startedAt", "endedAt", "durationMs", "result", "error", "currentTask"]),
    waitingFor: progress.waitingFor,
    cost: progress.cost,
    tasks: progress.tasks.map((t) => ({
      key: t.key,
      index: t.index,
      ...pick(t, ["agent", "description", "output", "startedAt", "endedAt", "durationMs"]),
      status: t.status,
      steps: t.steps,
      toolCalls: t.tools.length,
      delegations: t.delegations.length,
      usage: t.usage,
      estimated: t.estimated,
      cost: t.cost,
    })),
    agents: progress.agents.map((a) => ({
      key: a.key,
      role: a.role,
      status: a.status,
      steps: a.steps,
      toolCalls: a.toolCalls,
      delegations: a.delegations,
      tasks: a.tasks,
      usage: a.usage,
      estimated: a.estimated,
      cost: a.cost,
      ...pick(a, ["startedAt", "endedAt", "durationMs"]),
    })),
  };
}

/** Input plus output tokens: the one token figure views show. */
export function totalTokens(usage: Usage): number {
  return usage.inputTokens + usage.outputTokens;
}

/** The text a task has streamed so far, every agent's in order. */
export function streamedText(task: TaskProgress): string {
  return task.segments.map((s) => s.text).join("");
}

/**
 * The text a chat shows as the run's answer: the result once completed, else the last task's
 * output or streamed text.
 */
export function finalText(progress: RunProgress): string {
  if (progress.result !== undefined) return progress.result;
  const last = progress.tasks.at(-1);
  if (last === undefined || last.status === "pending") return "";
  return last.output ?? streamedText(last);
}

/** The input request the run waits for, if any (the latest one). */
export function pendingInput(progress: RunProgress): PendingInput | undefined {
  return progress.waitingFor.at(-1);
}

/** The retry a task at work waits for, if any, with the task's key. */
export function activeRetry(progress: RunProgress): (RetryProgress & { task: string }) | undefined {
  for (const task of progress.tasks) {
    if (task.retry !== undefined && isActive(task.status)) return { ...task.retry, task: task.key };
  }
  return undefined;
}

function pick<T extends object, K extends keyof T>(value: T, keys: K[]): Partial<Pick<T, K>> {
  const out: Partial<Pick<T, K>> = {};
  for (const key of keys) if (value[key] !== undefined) out[key] = value[key];
  return out;
}
