/**
 * Projects a run's events onto one AI SDK UI message: the final answer as text, a
 * `data-crew-progress` part for the run and a `data-crew-task` part per task, each updated in
 * place by reusing its id. Used by `ui-message-stream.ts`.
 */
import type { InferUIMessageChunk, UIMessage } from "ai";
import { ZERO_USAGE, addUsage } from "../events/index.js";
import type { CrewEvent, ErrorInfo, RunEndStatus, Usage } from "../events/index.js";

/** Status of the run or of one task, as the chat shows it. */
export type CrewPartStatus = "running" | RunEndStatus;

/** `data-crew-progress`: the run at a glance, replaced in place (id `crew-progress`). */
export interface CrewProgressData {
  runId: string;
  crew: string;
  status: CrewPartStatus;
  tasksDone: number;
  tasksTotal: number;
  currentTask?: string;
  currentAgent?: string;
  elapsedMs: number;
  usage: Usage;
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
  status: CrewPartStatus;
  steps: number;
  lastStep?: string;
  elapsedMs: number;
  usage: Usage;
  output?: string;
}

/** The assistant message a crew run streams: metadata names the run. */
export type CrewUIMessage = UIMessage<
  { runId: string },
  { "crew-progress": CrewProgressData; "crew-task": CrewTaskData }
>;
/** One chunk of a {@link CrewUIMessage} stream. */
export type CrewUIMessageChunk = InferUIMessageChunk<CrewUIMessage>;

const PROGRESS_ID = "crew-progress";
const time = (event: CrewEvent): number => Date.parse(event.ts);

/** Follows a run's events and answers the UI message chunks each one makes. */
export class MessageProjector {
  #progress: CrewProgressData | undefined;
  readonly #tasks = new Map<string, CrewTaskData & { startedAt: number }>();
  readonly #roles = new Map<string, string>();
  #runStartedAt = 0;
  #lastTask: string | undefined;
  #openText: string | undefined;
  #streamed = "";

  push(event: CrewEvent): CrewUIMessageChunk[] {
    const out: CrewUIMessageChunk[] = [];
    if (this.#progress === undefined) {
      this.#runStartedAt = time(event);
      this.#progress = {
        runId: event.runId,
        crew: "",
        status: "running",
        tasksDone: 0,
        tasksTotal: 0,
        elapsedMs: 0,
        usage: { ...ZERO_USAGE },
      };
      out.push({ type: "start", messageMetadata: { runId: event.runId } });
    }
    const progress = this.#progress;
    progress.elapsedMs = Math.max(0, time(event) - this.#runStartedAt);
    switch (event.type) {
      case "run.start":
        progress.crew = event.crew;
        progress.tasksTotal = event.tasks.length;
        for (const agent of event.agents) this.#roles.set(agent.key, agent.role.trim());
        break;
      case "task.start": {
        const task: CrewTaskData & { startedAt: number } = {
          key: event.task ?? `task-${event.index}`,
          index: event.index,
          total: event.total,
          description: event.description,
          status: "running",
          steps: 0,
          elapsedMs: 0,
          usage: { ...ZERO_USAGE },
          startedAt: time(event),
        };
        if (event.agent !== undefined)
          Object.assign(task, {
            agent: event.agent,
            role: this.#roles.get(event.agent) ?? event.agent,
          });
        this.#tasks.set(task.key, task);
        progress.tasksTotal = Math.max(progress.tasksTotal, event.total);
        progress.currentTask = task.key;
        if (event.agent !== undefined) progress.currentAgent = event.agent;
        // A task that starts after the final-looking one means the total grew: its text is not the answer.
        if (this.#openText !== undefined) out.push(...this.#endText());
        if (event.index === event.total - 1) this.#lastTask = task.key;
        out.push(this.#taskPart(task));
        break;
      }
      case "agent.step": {
        const task = this.#tasks.get(event.task ?? "");
        if (task !== undefined) {
          task.steps = event.step;
          task.lastStep = event.text;
          out.push(this.#taskPart(task, event));
        }
        if (event.agent !== undefined) progress.currentAgent = event.agent;
        break;
      }
      case "text.delta":
        if (event.task !== undefined && event.task === this.#lastTask && event.delta !== "") {
          if (this.#openText === undefined) {
            this.#openText = `text-${event.task}`;
            out.push({ type: "text-start", id: this.#openText });
          }
          this.#streamed += event.delta;
          out.push({ type: "text-delta", id: this.#openText, delta: event.delta });
        }
        return out;
      case "task.end": {
        const task = this.#tasks.get(event.task ?? "");
        progress.tasksDone += 1;
        progress.usage = addUsage(progress.usage, event.usage);
        if (task !== undefined) {
          Object.assign(task, { status: "completed", output: event.output, usage: event.usage });
          out.push(this.#taskPart(task, event));
        }
        break;
      }
      case "run.end":
        out.push(...this.#end(event));
        return out;
      default:
        return out;
    }
    out.push({ type: "data-crew-progress", id: PROGRESS_ID, data: { ...progress } });
    return out;
  }

  #end(event: Extract<CrewEvent, { type: "run.end" }>): CrewUIMessageChunk[] {
    const out: CrewUIMessageChunk[] = [];
    const progress = this.#progress as CrewProgressData;
    Object.assign(progress, {
      status: event.status,
      usage: event.usage,
      elapsedMs: event.durationMs,
    });
    if (event.error !== undefined) progress.error = event.error;
    for (const task of this.#tasks.values()) {
      if (task.status !== "running") continue;
      task.status = event.status === "completed" ? "completed" : event.status;
      out.push(this.#taskPart(task, event));
    }
    out.push({ type: "data-crew-progress", id: PROGRESS_ID, data: { ...progress } });
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

  #endText(): CrewUIMessageChunk[] {
    const id = this.#openText;
    this.#openText = undefined;
    this.#streamed = "";
    return id === undefined ? [] : [{ type: "text-end", id }];
  }

  #taskPart(task: CrewTaskData & { startedAt: number }, event?: CrewEvent): CrewUIMessageChunk {
    if (event !== undefined) task.elapsedMs = Math.max(0, time(event) - task.startedAt);
    const { startedAt: _startedAt, ...data } = task;
    return { type: "data-crew-task", id: task.key, data };
  }
}
