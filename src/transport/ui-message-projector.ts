/**
 * Projects a run's events onto one AI SDK UI message: the final answer as text, a
 * `data-crew-progress` part for the run and a `data-crew-task` part per started task, each
 * updated in place by reusing its id. The parts are views of the progress model
 * (`reduceProgress`), so the chat reports the same statuses and tokens as every other view.
 * Used by `ui-message-stream.ts`.
 */
import type { InferUIMessageChunk, UIMessage } from "ai";
import { initialProgress, reduceProgress } from "../events/index.js";
import type {
  CrewEvent,
  ErrorInfo,
  ProgressStatus,
  RunProgress,
  RunProgressStatus,
  TaskMemory,
  TaskProgress,
  Usage,
} from "../events/index.js";

/** `data-crew-progress`: the run at a glance, replaced in place (id `crew-progress`). */
export interface CrewProgressData {
  runId: string;
  crew: string;
  status: RunProgressStatus;
  tasksDone: number;
  tasksTotal: number;
  currentTask?: string;
  currentAgent?: string;
  elapsedMs: number;
  /** The run's tokens: the sum of its tasks'. */
  usage: Usage;
  /** True when `usage` includes an estimate (see the progress model). */
  estimated: boolean;
  error?: ErrorInfo;
}

/** `data-crew-task`: one task, replaced in place (id = the task's key). */
export interface CrewTaskData {
  key: string;
  index: number;
  total: number;
  agent?: string;
  role?: string;
  description: string;
  status: ProgressStatus;
  steps: number;
  lastStep?: string;
  elapsedMs: number;
  usage: Usage;
  /** True when `usage` includes an estimate. */
  estimated: boolean;
  output?: string;
  /** A structured output: partial while it streams, parsed once the task ended. */
  object?: unknown;
  /** Checks of the output (schema or guardrail), one per attempt. */
  checks?: Array<{ attempt: number; ok: boolean; feedback?: string }>;
  /** What the provider said it ignored or changed in the task's model calls, each once. */
  warnings?: string[];
  /** The file the task wrote, relative to the run's output folder. */
  file?: string;
  /** Long-term memory the task recalled, and what it saved (crews with `memory: true`). */
  memory?: TaskMemory;
}

/** The assistant message a crew run streams: metadata names the run. */
export type CrewUIMessage = UIMessage<
  { runId: string },
  { "crew-progress": CrewProgressData; "crew-task": CrewTaskData }
>;
/** One chunk of a {@link CrewUIMessage} stream. */
export type CrewUIMessageChunk = InferUIMessageChunk<CrewUIMessage>;

const PROGRESS_ID = "crew-progress";
const time = (iso: string): number => Date.parse(iso);

/** Follows a run's events and answers the UI message chunks each one makes. */
export class MessageProjector {
  #progress: RunProgress = initialProgress();
  #firstAt: number | undefined;
  #lastTask: string | undefined;
  #openText: string | undefined;
  #streamed = "";
  /** The reasoning part being streamed: its id and whose thought it is. */
  #openReasoning: { id: string; task: string | undefined; agent: string | undefined } | undefined;
  #reasoningParts = 0;
  /** Tasks whose text changed since their last part. */
  readonly #dirty = new Set<string>();

  push(event: CrewEvent): CrewUIMessageChunk[] {
    const out: CrewUIMessageChunk[] = [];
    if (this.#firstAt === undefined) {
      this.#firstAt = time(event.ts);
      // The message is named after its run: a resumed stream (a replay from the start)
      // then updates the message the client already shows instead of adding another.
      out.push({ type: "start", messageId: event.runId, messageMetadata: { runId: event.runId } });
    }
    const before = this.#progress;
    const progress = reduceProgress(before, event);
    this.#progress = progress;
    if (progress === before) return out;
    switch (event.type) {
      case "task.start":
        // A task that starts after the final-looking one means the total grew: its text is not the answer.
        if (this.#openText !== undefined) out.push(...this.#endText());
        if (event.index === event.total - 1) this.#lastTask = event.task;
        break;
      case "reasoning.delta": {
        // Every task's reasoning is sent as reasoning parts, one per step, apart from the text.
        const open = this.#openReasoning;
        if (open === undefined || open.task !== event.task || open.agent !== event.agent) {
          out.push(...this.#endReasoning());
          const id = `reasoning-${++this.#reasoningParts}`;
          this.#openReasoning = { id, task: event.task, agent: event.agent };
          out.push({ type: "reasoning-start", id });
        }
        out.push({
          type: "reasoning-delta",
          id: this.#openReasoning?.id ?? "",
          delta: event.delta,
        });
        return out;
      }
      case "agent.step":
        if (this.#openReasoning?.task === event.task && this.#openReasoning?.agent === event.agent)
          out.push(...this.#endReasoning());
        break;
      case "text.delta":
        if (event.task !== undefined && event.task === this.#lastTask && event.delta !== "") {
          if (this.#openText === undefined) {
            this.#openText = `text-${event.task}`;
            out.push({ type: "text-start", id: this.#openText });
          }
          this.#streamed += event.delta;
          out.push({ type: "text-delta", id: this.#openText, delta: event.delta });
        }
        // Streamed text updates the answer at once; the task's part follows at its next event.
        if (event.task !== undefined) this.#dirty.add(event.task);
        return out;
      case "run.end":
        out.push(...this.#endReasoning());
        out.push(...this.#taskParts(before, progress, event.ts));
        out.push(this.#progressPart(event.ts));
        out.push(...this.#end(event));
        return out;
      default:
        break;
    }
    out.push(...this.#taskParts(before, progress, event.ts));
    out.push(this.#progressPart(event.ts));
    return out;
  }

  /** A part for every started task that changed since `before` (text deltas included). */
  #taskParts(before: RunProgress, after: RunProgress, ts: string): CrewUIMessageChunk[] {
    const out: CrewUIMessageChunk[] = [];
    for (const task of after.tasks) {
      if (task.startedAt === undefined) continue;
      if (before.tasks.find((t) => t.key === task.key) === task && !this.#dirty.has(task.key))
        continue;
      this.#dirty.delete(task.key);
      out.push({ type: "data-crew-task", id: task.key, data: this.#taskData(task, ts) });
    }
    return out;
  }

  #taskData(task: TaskProgress, ts: string): CrewTaskData {
    const progress = this.#progress;
    const owner = task.activeAgent ?? task.agent;
    const role =
      owner === undefined ? undefined : progress.agents.find((a) => a.key === owner)?.role;
    const startedAt = time(task.startedAt ?? ts);
    return {
      key: task.key,
      index: task.index,
      total: progress.tasks.length,
      ...(owner === undefined ? {} : { agent: owner, role: (role ?? owner).trim() }),
      description: task.description ?? "",
      status: task.status,
      steps: task.steps,
      ...(task.lastStep === undefined ? {} : { lastStep: task.lastStep.text }),
      elapsedMs: Math.max(0, time(task.endedAt ?? ts) - startedAt),
      usage: task.usage,
      estimated: task.estimated,
      ...(task.output === undefined ? {} : { output: task.output }),
      ...(task.object === undefined ? {} : { object: task.object }),
      ...(task.checks === undefined ? {} : { checks: task.checks }),
      ...(task.warnings === undefined ? {} : { warnings: task.warnings }),
      ...(task.file === undefined ? {} : { file: task.file }),
      ...(task.memory === undefined ? {} : { memory: task.memory }),
    };
  }

  #progressPart(ts: string): CrewUIMessageChunk {
    const progress = this.#progress;
    const current = progress.tasks.find((t) => t.key === progress.currentTask);
    const currentAgent = current?.activeAgent ?? current?.agent;
    const data: CrewProgressData = {
      runId: progress.runId ?? "",
      crew: progress.crew ?? "",
      status: progress.status,
      tasksDone: progress.tasks.filter((t) => t.status === "completed").length,
      tasksTotal: progress.tasks.length,
      ...(progress.currentTask === undefined ? {} : { currentTask: progress.currentTask }),
      ...(currentAgent === undefined ? {} : { currentAgent }),
      elapsedMs: progress.durationMs ?? Math.max(0, time(ts) - (this.#firstAt ?? time(ts))),
      usage: progress.usage,
      estimated: progress.estimated,
      ...(progress.error === undefined ? {} : { error: progress.error }),
    };
    return { type: "data-crew-progress", id: PROGRESS_ID, data };
  }

  #end(event: Extract<CrewEvent, { type: "run.end" }>): CrewUIMessageChunk[] {
    const out: CrewUIMessageChunk[] = [];
    const result = event.status === "completed" ? (event.result ?? "") : "";
    if (this.#openText !== undefined && result.startsWith(this.#streamed)) {
      // The streamed text was the answer's beginning: finish it in the same part.
      const rest = result.slice(this.#streamed.length);
      if (rest !== "") out.push({ type: "text-delta", id: this.#openText, delta: rest });
      out.push(...this.#endText());
    } else {
      out.push(...this.#endText());
      if (result !== "")
        out.push(
          { type: "text-start", id: "text-result" },
          { type: "text-delta", id: "text-result", delta: result },
          { type: "text-end", id: "text-result" },
        );
    }
    if (event.status === "failed")
      out.push({ type: "error", errorText: event.error?.message ?? "The run failed." });
    if (event.status === "cancelled")
      out.push({ type: "abort", reason: event.error?.message ?? "The run was cancelled." });
    else out.push({ type: "finish", finishReason: event.status === "failed" ? "error" : "stop" });
    return out;
  }

  #endReasoning(): CrewUIMessageChunk[] {
    const open = this.#openReasoning;
    this.#openReasoning = undefined;
    return open === undefined ? [] : [{ type: "reasoning-end", id: open.id }];
  }

  #endText(): CrewUIMessageChunk[] {
    const id = this.#openText;
    this.#openText = undefined;
    this.#streamed = "";
    return id === undefined ? [] : [{ type: "text-end", id }];
  }
}
