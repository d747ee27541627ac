/**
 * The AI SDK UI message stream transport: a run's events as one assistant message for
 * `useChat` clients (`POST /api/chat`). The message's text is the crew's final answer, streamed
 * as the last task writes it; a `data-crew-progress` part (one per run) and a `data-crew-task`
 * part per task (id = task key) are updated in place as the run moves on.
 */
import { createUIMessageStream, createUIMessageStreamResponse } from "ai";
import type { InferUIMessageChunk, UIMessage } from "ai";
import { CrewError, ErrorCode, ZERO_USAGE, addUsage, toCrewError } from "../events/index.js";
import type { CrewEvent, ErrorInfo, Inputs, RunEndStatus, Usage } from "../events/index.js";

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
export type CrewUIMessage = UIMessage<{ runId: string }, { "crew-progress": CrewProgressData; "crew-task": CrewTaskData }>;
/** One chunk of a {@link CrewUIMessage} stream. */
export type CrewUIMessageChunk = InferUIMessageChunk<CrewUIMessage>;

/** Options of {@link toUIMessageStream}. */
export interface UIMessageStreamOptions {
  /** Aborting stops reading the events (the watcher detaches; the run itself goes on) and ends the stream. */
  signal?: AbortSignal;
}

const PROGRESS_ID = "crew-progress";
const time = (event: CrewEvent): number => Date.parse(event.ts);

/** Follows a run's events and answers the UI message chunks each one makes. */
class MessageProjector {
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
      this.#progress = { runId: event.runId, crew: "", status: "running", tasksDone: 0, tasksTotal: 0, elapsedMs: 0, usage: { ...ZERO_USAGE } };
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
        const task: CrewTaskData & { startedAt: number } = { key: event.task ?? `task-${event.index}`, index: event.index, total: event.total, description: event.description, status: "running", steps: 0, elapsedMs: 0, usage: { ...ZERO_USAGE }, startedAt: time(event) };
        if (event.agent !== undefined) Object.assign(task, { agent: event.agent, role: this.#roles.get(event.agent) ?? event.agent });
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
    Object.assign(progress, { status: event.status, usage: event.usage, elapsedMs: event.durationMs });
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
      if (result !== "") out.push({ type: "text-start", id: "text-result" }, { type: "text-delta", id: "text-result", delta: result }, { type: "text-end", id: "text-result" });
    }
    if (event.status === "failed") out.push({ type: "error", errorText: event.error?.message ?? "The run failed." });
    if (event.status === "cancelled") out.push({ type: "abort", reason: event.error?.message ?? "The run was cancelled." });
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

/**
 * A run's events as an AI SDK UI message stream (`createUIMessageStream`). Ends after
 * `run.end`, when the events end, or when `signal` aborts. An error thrown by the events
 * (e.g. `run_not_found`) becomes an `error` chunk with the error's safe message.
 */
export function toUIMessageStream(events: AsyncIterable<CrewEvent>, options: UIMessageStreamOptions = {}): ReadableStream<CrewUIMessageChunk> {
  const { signal } = options;
  return createUIMessageStream<CrewUIMessage>({
    execute: async ({ writer }) => {
      const projector = new MessageProjector();
      const iterator = events[Symbol.asyncIterator]();
      const aborted = new Promise<undefined>((resolve) => signal?.addEventListener("abort", () => resolve(undefined), { once: true }));
      try {
        while (signal?.aborted !== true) {
          const next = await Promise.race([iterator.next(), aborted]);
          if (next === undefined || next.done === true) break;
          for (const chunk of projector.push(next.value)) writer.write(chunk);
          if (next.value.type === "run.end") break;
        }
      } finally {
        // Detach from the run's events; an iterator still waiting for its next event is not awaited.
        void Promise.resolve(iterator.return?.()).catch(() => undefined);
      }
    },
    onError: (error) => toCrewError(error).message,
  });
}

/** Options of {@link toUIMessageStreamResponse}. */
export interface UIMessageStreamResponseOptions extends UIMessageStreamOptions {
  /** Extra headers, e.g. `{ "X-Run-Id": runId }`. */
  headers?: Record<string, string>;
  status?: number;
}

/** A run's events as a `Response` in the UI message stream format (SSE), for `useChat`. */
export function toUIMessageStreamResponse(events: AsyncIterable<CrewEvent>, options: UIMessageStreamResponseOptions = {}): Response {
  const { headers, status, ...streamOptions } = options;
  return createUIMessageStreamResponse({ stream: toUIMessageStream(events, streamOptions), ...(headers === undefined ? {} : { headers }), ...(status === undefined ? {} : { status }) });
}

/** Options of {@link inputsFromChatBody}. */
export interface ChatBodyOptions {
  /** The input the last user message fills. Default: the crew's first required input, else `topic`. */
  mainInput?: string;
  /** The crew's required inputs, when known. */
  requiredInputs?: readonly string[];
}

/** Fields `useChat`'s transport adds to every body; they are not inputs. */
const CHAT_FIELDS = new Set(["id", "messages", "trigger", "messageId", "crew", "inputs"]);

/**
 * Reads a `useChat` request body (`{ messages, ...body }`): the crew's name (`crew`), inputs
 * from `inputs` and from the body's other scalar fields, and the last user message's text as
 * the main input. Throws `bad_request` when there is no user text or an input is not a scalar.
 */
export function inputsFromChatBody(body: unknown, options: ChatBodyOptions = {}): { crew?: string; inputs: Inputs } {
  if (typeof body !== "object" || body === null || !Array.isArray((body as { messages?: unknown }).messages)) {
    throw new CrewError(ErrorCode.BAD_REQUEST, "The body must be a JSON object with a `messages` array, as useChat sends it.");
  }
  const record = body as Record<string, unknown> & { messages: unknown[] };
  const inputs: Inputs = {};
  for (const [key, value] of Object.entries(record)) {
    if (!CHAT_FIELDS.has(key) && isScalar(value)) inputs[key] = value;
  }
  if (record.inputs !== undefined) {
    if (typeof record.inputs !== "object" || record.inputs === null || Array.isArray(record.inputs)) throw new CrewError(ErrorCode.BAD_REQUEST, "`inputs` must be an object of strings, numbers and booleans.");
    for (const [key, value] of Object.entries(record.inputs)) {
      if (!isScalar(value)) throw new CrewError(ErrorCode.BAD_REQUEST, `Input "${key}" must be a string, a number or a boolean.`);
      inputs[key] = value;
    }
  }
  const text = lastUserText(record.messages);
  if (text === "") throw new CrewError(ErrorCode.BAD_REQUEST, "The chat has no user message with text to give the crew.");
  inputs[options.mainInput ?? options.requiredInputs?.[0] ?? "topic"] = text;
  if (record.crew !== undefined && typeof record.crew !== "string") throw new CrewError(ErrorCode.BAD_REQUEST, "`crew` must be a crew's name.");
  return record.crew === undefined || record.crew === "" ? { inputs } : { crew: record.crew, inputs };
}

function isScalar(value: unknown): value is string | number | boolean {
  return typeof value === "string" || (typeof value === "number" && Number.isFinite(value)) || typeof value === "boolean";
}

/** The text parts of the last user message, joined and trimmed. */
function lastUserText(messages: unknown[]): string {
  for (let i = messages.length - 1; i >= 0; i -= 1) {
    const message = messages[i] as { role?: unknown; parts?: unknown } | null;
    if (message?.role !== "user" || !Array.isArray(message.parts)) continue;
    const texts = message.parts.filter((part): part is { type: "text"; text: string } => part?.type === "text" && typeof part.text === "string");
    return texts.map((part) => part.text).join("\n").trim();
  }
  return "";
}
