/**
 * The crewstream event protocol, version 1.
 *
 * Every event is one JSON object with the same envelope ({@link EventEnvelope}) followed by a
 * payload that depends on `type`. `seq` starts at 1 and is gapless within a run, so every
 * consumer can resume exactly where it stopped by remembering the last `seq` it saw.
 *
 * This file is the single source of truth for the protocol: producers (engine, bridge),
 * stores, transports, the client, the React adapter and the web UI all import from here.
 * Consumers must ignore event types they do not know.
 */
import { z } from "zod";

/** Protocol version carried in every event's `v` field. */
export const PROTOCOL_VERSION = 1 as const;

/** Token usage of a model call, a task or a run. */
export const usageSchema = z.object({
  /** Prompt tokens sent to the model. */
  inputTokens: z.number().int().nonnegative(),
  /** Completion tokens produced by the model. */
  outputTokens: z.number().int().nonnegative(),
});
export type Usage = z.infer<typeof usageSchema>;

/** A run input value: inputs are a flat object of strings, numbers and booleans. */
export const inputValueSchema = z.union([z.string(), z.number(), z.boolean()]);
/** The inputs of a run, interpolated as text into `{placeholders}`. */
export const inputsSchema = z.record(z.string(), inputValueSchema);
export type InputValue = z.infer<typeof inputValueSchema>;
export type Inputs = z.infer<typeof inputsSchema>;

/** A machine-readable error carried by `run.end` and `tool.result`. */
export const errorInfoSchema = z.object({
  /** One of the codes in `ErrorCode` (see crew-error.ts); clients branch on it. */
  code: z.string(),
  /** A safe, human-readable message that says what went wrong and what to fix. */
  message: z.string(),
});
export type ErrorInfo = z.infer<typeof errorInfoSchema>;

/** Fields shared by every event. */
export const envelopeSchema = z.object({
  /** Protocol version, always 1. */
  v: z.literal(PROTOCOL_VERSION),
  /** The run this event belongs to. */
  runId: z.string().min(1),
  /** Position in the run's log: starts at 1, gapless, strictly increasing. */
  seq: z.number().int().positive(),
  /** When the event was produced, ISO-8601. */
  ts: z.string(),
  /** The agent's key in agents.yaml, for events produced by or for an agent. */
  agent: z.string().optional(),
  /** The task's key in tasks.yaml; set on every event inside a task. */
  task: z.string().optional(),
});
export type EventEnvelope = z.infer<typeof envelopeSchema>;

/** Process of a crew: tasks in order, or a manager agent delegating them. */
export const processSchema = z.enum(["sequential", "hierarchical"]);
export type CrewProcess = z.infer<typeof processSchema>;

/** The agent key of a hierarchical crew's manager, as it appears in `agent` and `task.delegate.from`. */
export const MANAGER_KEY = "manager";
/** The name of the manager's delegation tool, as it appears in `tool.call` events. */
export const DELEGATE_TOOL = "delegate_work";
/**
 * CrewAI's "Delegate work to coworker" tool, as a function name: an agent with
 * `allow_delegation` in a sequential crew hands a piece of work to another agent of the crew.
 */
export const DELEGATE_WORK_TOOL = "delegate_work_to_coworker";
/** CrewAI's "Ask question to coworker" tool, as a function name: an agent asks another agent. */
export const ASK_QUESTION_TOOL = "ask_question_to_coworker";

/** One key of a crew's files that crewstream accepted without acting on it, or does not know. */
export const crewWarningSchema = z.object({
  /** The file, relative to the crew's folder (`tasks.yaml`). */
  file: z.string().optional(),
  /** 1-based line of the key in the file. */
  line: z.number().int().positive().optional(),
  /** Dotted key path, e.g. `research_task.memory`. */
  key: z.string(),
  /** What happens instead, or "did you mean" for an unknown key. */
  message: z.string(),
});
export type CrewWarningInfo = z.infer<typeof crewWarningSchema>;

/** First event of every run. */
export const runStartSchema = envelopeSchema.extend({
  type: z.literal("run.start"),
  /** The crew's name. */
  crew: z.string(),
  /** How tasks are executed. A process crew (bridge) reports `sequential`. */
  process: processSchema,
  /** The inputs the run was started with. */
  inputs: inputsSchema,
  /** The crew's agents, by key with their role. */
  agents: z.array(z.object({ key: z.string(), role: z.string() })),
  /** The crew's tasks in order, with the key of the agent that owns each (if any). */
  tasks: z.array(z.object({ key: z.string(), agent: z.string().optional() })),
  /** The batch the run belongs to (`kickoff_for_each`, `POST /api/runs` with a list of inputs). */
  batchId: z.string().optional(),
  /**
   * Keys of the crew's files that were accepted but have no effect, or are unknown: shown to
   * whoever watches the run, so that nothing a ported crew declares is dropped silently.
   */
  warnings: z.array(crewWarningSchema).optional(),
  /** The thread (conversation) the run is a turn of. */
  threadId: z.string().optional(),
});

/** A task begins. */
export const taskStartSchema = envelopeSchema.extend({
  type: z.literal("task.start"),
  /** 0-based index of the task in the crew's task list. */
  index: z.number().int().nonnegative(),
  /** Number of tasks in the run. */
  total: z.number().int().positive(),
  /** The task's description with `{placeholders}` filled in. */
  description: z.string(),
});

/** Kinds of agent step, as CrewAI's step_callback reports them. */
export const stepKindSchema = z.enum(["thought", "tool", "answer", "delegate"]);
export type StepKind = z.infer<typeof stepKindSchema>;

/** An agent finished one step (CrewAI's step_callback). */
export const agentStepSchema = envelopeSchema.extend({
  type: z.literal("agent.step"),
  /** 1-based step number within the task. */
  step: z.number().int().positive(),
  /** What the step was. */
  kind: stepKindSchema,
  /** The step's text: the thought, the tool used, or the answer. */
  text: z.string(),
  /**
   * Tokens the model reported for this step's call, when it reported any. Every step's usage
   * belongs to this event's agent and task, so progress views attribute tokens exactly; the
   * usages of a task's steps add up to its `task.end` usage.
   */
  usage: usageSchema.optional(),
  /**
   * The model string of the step's call as written (`openai/gpt-4o-mini`, `offline`), when the
   * step was a model call; absent for steps a process crew reports.
   */
  model: z.string().optional(),
  /** Why the model call ended (`stop`, `tool-calls`, `length`, `error`, ...). */
  finishReason: z.string().optional(),
  /** Wall time of the model call, its tool calls included. */
  durationMs: z.number().nonnegative().optional(),
  /**
   * What the call cost in US dollars, from the price table (see `CREWSTREAM_PRICES`). Absent
   * when the model's price is unknown: a call with `model` and no `cost` costs "unknown", not 0.
   */
  cost: z.number().nonnegative().optional(),
  /**
   * What the provider said it ignored or changed in the call, in words (a setting the model
   * does not support, an output schema it cannot enforce); absent when it said nothing.
   */
  warnings: z.array(z.string()).optional(),
});

/** A streamed chunk of model text. */
export const textDeltaSchema = envelopeSchema.extend({
  type: z.literal("text.delta"),
  /** The new text, to be appended to what came before in the same task. */
  delta: z.string(),
});

/**
 * A streamed chunk of a model's reasoning (thinking) text, tagged like `text.delta`. Kept out
 * of the task's output and the conversation; its tokens are counted in the step's usage.
 */
export const reasoningDeltaSchema = envelopeSchema.extend({
  type: z.literal("reasoning.delta"),
  /** The new reasoning text, to be appended to what came before in the same model step. */
  delta: z.string(),
});

/** An agent calls a tool. */
export const toolCallSchema = envelopeSchema.extend({
  type: z.literal("tool.call"),
  /** Identifies the call; the matching `tool.result` carries the same id. */
  callId: z.string(),
  /** The tool's name. */
  tool: z.string(),
  /** The arguments the model passed. */
  args: z.unknown(),
});

/** A tool returned (or threw). Exactly one of `result` or `error` is set. */
export const toolResultSchema = envelopeSchema.extend({
  type: z.literal("tool.result"),
  /** The id of the `tool.call` this answers. */
  callId: z.string(),
  /** The tool's name. */
  tool: z.string(),
  /** What the tool returned. */
  result: z.unknown().optional(),
  /** Why the tool failed; the model sees this message and may try again. */
  error: errorInfoSchema.optional(),
});

/** An agent hands work to another: the hierarchical manager, or an agent using a coworker tool. */
export const taskDelegateSchema = envelopeSchema.extend({
  type: z.literal("task.delegate"),
  /** The delegating agent's key (the manager, or the agent that used a coworker tool). */
  from: z.string(),
  /** The key of the agent that receives the work. */
  to: z.string(),
  /** What was asked for: the delegated task or the question. */
  reason: z.string(),
});

/** The run waits for a human (task with `human_input: true`). */
export const inputRequestSchema = envelopeSchema.extend({
  type: z.literal("input.request"),
  /** Identifies the request; the answer must carry the same id. */
  requestId: z.string(),
  /** What the human is asked, usually including the task's draft output. */
  prompt: z.string(),
});

/** The human answered an `input.request`. */
export const inputResponseSchema = envelopeSchema.extend({
  type: z.literal("input.response"),
  /** The id of the request answered. */
  requestId: z.string(),
  /** The human's answer. Empty means "accept as is". */
  text: z.string(),
});

/** A rate limit or transient provider error: the run waits, then tries again. */
export const llmRetrySchema = envelopeSchema.extend({
  type: z.literal("llm.retry"),
  /** 1-based number of the attempt that failed. */
  attempt: z.number().int().positive(),
  /** How long the run waits before the next attempt. */
  delayMs: z.number().nonnegative(),
  /** Why: e.g. "rate limited (429)", "max_rpm 10 reached", "server error (503)". */
  reason: z.string(),
  /** The model string of the call that waits, as written (`openai/gpt-4o-mini`). */
  model: z.string().optional(),
  /** True when the wait is a rate limit (a 429, or `max_rpm` reached) rather than an error. */
  rateLimited: z.boolean().optional(),
});

/** A task finished. */
export const taskEndSchema = envelopeSchema.extend({
  type: z.literal("task.end"),
  /** The task's final output. */
  output: z.string(),
  /** Tokens used by the task's model calls. */
  usage: usageSchema,
  /**
   * True when `usage` is partly an estimate rather than what the model reported: streamed text
   * chunks counted as output tokens, for a model call that did not finish or a model (or process
   * crew) that reports no usage. Absent when every token was reported.
   */
  estimated: z.boolean().optional(),
  /** Wall time of the task. */
  durationMs: z.number().nonnegative(),
  /** The parsed output of a task with an output schema (`output` is its JSON text). */
  object: z.unknown().optional(),
  /** Where the output was written (task `output_file`), relative to the run's output folder. */
  file: z.string().optional(),
});

/**
 * The partial value of a task with an output schema, parsed from the JSON streamed so far.
 * Throttled: at most one per 50 ms per task; `task.end`'s `object` is the final value.
 */
export const objectDeltaSchema = envelopeSchema.extend({
  type: z.literal("object.delta"),
  /** The value so far (replaces the previous partial, it is not appended to it). */
  partial: z.unknown(),
});

/**
 * A task's output was checked: by its output schema, or by its guardrail. `ok: false` is
 * followed by another attempt (with the feedback in the prompt) or by the task's failure.
 */
export const guardrailCheckSchema = envelopeSchema.extend({
  type: z.literal("guardrail.check"),
  /** 1-based attempt of the task whose output was checked. */
  attempt: z.number().int().positive(),
  /** Whether the output passed. */
  ok: z.boolean(),
  /** Why it failed (or a note on why it passed). */
  feedback: z.string().optional(),
  /**
   * Tokens the model reported for a sentence guardrail's check. They belong to this event's
   * agent and task, like an `agent.step`'s, and are part of the task's `task.end` usage.
   */
  usage: usageSchema.optional(),
  /** What the provider said it ignored or changed in a sentence guardrail's check call. */
  warnings: z.array(z.string()).optional(),
});

/** How a run ended. */
export const runEndStatusSchema = z.enum(["completed", "failed", "cancelled"]);
export type RunEndStatus = z.infer<typeof runEndStatusSchema>;

/** Last event of every run: there is always exactly one. */
export const runEndSchema = envelopeSchema.extend({
  type: z.literal("run.end"),
  /** How the run ended. */
  status: runEndStatusSchema,
  /** The crew's final output (the last task's output), when completed. */
  result: z.string().optional(),
  /** Why the run failed or was cancelled. */
  error: errorInfoSchema.optional(),
  /**
   * Tokens used by the whole run: the sum of its tasks' usage, including the model calls a
   * cancel or failure cut short (counted from their streamed text, see `estimated`).
   */
  usage: usageSchema,
  /** True when `usage` is partly an estimate (see `task.end`'s `estimated`). */
  estimated: z.boolean().optional(),
  /** Wall time of the run. */
  durationMs: z.number().nonnegative(),
});

/** A long-term memory entry as events carry it. */
export const memoryEntrySchema = z.object({
  /** The entry's id in the memory store. */
  id: z.string(),
  /** What is remembered: the task, the agent, a short summary of the outcome. */
  text: z.string(),
});
export type MemoryEntry = z.infer<typeof memoryEntrySchema>;

/** Long-term memory (crew.yaml `memory: true`) read into a task's prompt. */
export const memoryRecallSchema = envelopeSchema.extend({
  type: z.literal("memory.recall"),
  agent: z.string(),
  task: z.string(),
  /** The entries recalled, most relevant first (may be empty). */
  entries: z.array(memoryEntrySchema),
});

/** A task's outcome saved to long-term memory after `task.end`. */
export const memorySaveSchema = envelopeSchema.extend({
  type: z.literal("memory.save"),
  agent: z.string(),
  task: z.string(),
  entry: memoryEntrySchema,
});

/** Schema of any known event. */
export const crewEventSchema = z.discriminatedUnion("type", [
  runStartSchema,
  taskStartSchema,
  agentStepSchema,
  textDeltaSchema,
  reasoningDeltaSchema,
  toolCallSchema,
  toolResultSchema,
  taskDelegateSchema,
  inputRequestSchema,
  inputResponseSchema,
  llmRetrySchema,
  taskEndSchema,
  runEndSchema,
  objectDeltaSchema,
  guardrailCheckSchema,
  memoryRecallSchema,
  memorySaveSchema,
]);

export type RunStartEvent = z.infer<typeof runStartSchema>;
export type TaskStartEvent = z.infer<typeof taskStartSchema>;
export type AgentStepEvent = z.infer<typeof agentStepSchema>;
export type TextDeltaEvent = z.infer<typeof textDeltaSchema>;
export type ReasoningDeltaEvent = z.infer<typeof reasoningDeltaSchema>;
export type ToolCallEvent = z.infer<typeof toolCallSchema>;
export type ToolResultEvent = z.infer<typeof toolResultSchema>;
export type TaskDelegateEvent = z.infer<typeof taskDelegateSchema>;
export type InputRequestEvent = z.infer<typeof inputRequestSchema>;
export type InputResponseEvent = z.infer<typeof inputResponseSchema>;
export type LlmRetryEvent = z.infer<typeof llmRetrySchema>;
export type TaskEndEvent = z.infer<typeof taskEndSchema>;
export type RunEndEvent = z.infer<typeof runEndSchema>;
export type ObjectDeltaEvent = z.infer<typeof objectDeltaSchema>;
export type GuardrailCheckEvent = z.infer<typeof guardrailCheckSchema>;
export type MemoryRecallEvent = z.infer<typeof memoryRecallSchema>;
export type MemorySaveEvent = z.infer<typeof memorySaveSchema>;

/** Any event of protocol version 1. */
export type CrewEvent = z.infer<typeof crewEventSchema>;
/** The `type` of an event. */
export type EventType = CrewEvent["type"];
/** The event of a given type. */
export type EventOf<T extends EventType> = Extract<CrewEvent, { type: T }>;

/** Every event type, in the order of the protocol table. */
export const EVENT_TYPES = [
  "run.start",
  "task.start",
  "agent.step",
  "text.delta",
  "reasoning.delta",
  "tool.call",
  "tool.result",
  "task.delegate",
  "input.request",
  "input.response",
  "llm.retry",
  "task.end",
  "run.end",
  "object.delta",
  "guardrail.check",
  "memory.recall",
  "memory.save",
] as const satisfies readonly EventType[];

/**
 * An event without its envelope's run-level fields: what a producer hands to
 * {@link EventStamper} (or a store) to get a full event.
 */
export type EventDraft = CrewEvent extends infer E
  ? E extends CrewEvent
    ? Omit<E, "v" | "runId" | "seq" | "ts">
    : never
  : never;

/** The result of {@link parseEvent}. */
export type ParseEventResult =
  | { ok: true; event: CrewEvent }
  | { ok: true; event: null; unknownType: string }
  | { ok: false; error: string };

/**
 * Validates an unknown value as a protocol event.
 *
 * A well-formed envelope with a `type` this version does not know is not an error: it answers
 * `{ ok: true, event: null }` so consumers can skip it, as the protocol requires.
 */
export function parseEvent(value: unknown): ParseEventResult {
  const parsed = crewEventSchema.safeParse(value);
  if (parsed.success) return { ok: true, event: parsed.data };
  const envelope = envelopeSchema.extend({ type: z.string() }).safeParse(value);
  if (envelope.success && !(EVENT_TYPES as readonly string[]).includes(envelope.data.type)) {
    return { ok: true, event: null, unknownType: envelope.data.type };
  }
  return { ok: false, error: z.prettifyError(parsed.error) };
}

/** True when `value` is a valid protocol event. */
export function isCrewEvent(value: unknown): value is CrewEvent {
  return crewEventSchema.safeParse(value).success;
}

/** True when the event is the last one of its run. */
export function isTerminal(event: CrewEvent): event is RunEndEvent {
  return event.type === "run.end";
}

/**
 * Stamps drafts with a run's envelope (`v`, `runId`, a gapless `seq`, `ts`).
 *
 * One stamper per run and producer; `seq` continues from `startSeq` (0 for a new run).
 */
export class EventStamper {
  #seq: number;
  readonly #now: (() => Date) | undefined;
  #lastMs = Number.NaN;
  #lastTs = "";
  /** The second of the last stamp and its ISO text up to the milliseconds ("…T12:34:56."). */
  #second = Number.NaN;
  #secondText = "";

  constructor(
    readonly runId: string,
    startSeq = 0,
    now?: () => Date,
  ) {
    this.#seq = startSeq;
    this.#now = now;
  }

  /**
   * The current time as ISO 8601. Tokens come faster than once a millisecond, and a full
   * `toISOString` per event showed in profiles: the date and time are formatted once per
   * second and the milliseconds written after them.
   */
  #timestamp(): string {
    const ms = this.#now === undefined ? Date.now() : this.#now().getTime();
    if (ms === this.#lastMs) return this.#lastTs;
    this.#lastMs = ms;
    const second = Math.floor(ms / 1000);
    if (second !== this.#second) {
      // Throws RangeError for an invalid clock, as toISOString does.
      const text = new Date(second * 1000).toISOString();
      this.#second = second;
      this.#secondText = text.slice(0, text.length - 4);
    }
    const milli = ms - second * 1000;
    this.#lastTs = `${this.#secondText}${milli < 10 ? "00" : milli < 100 ? "0" : ""}${milli}Z`;
    return this.#lastTs;
  }

  /** The `seq` of the last stamped event (0 before the first). */
  get lastSeq(): number {
    return this.#seq;
  }

  /** Returns the draft as a full event with the next `seq`. */
  stamp<D extends EventDraft>(draft: D): Extract<CrewEvent, { type: D["type"] }> {
    this.#seq += 1;
    return {
      v: PROTOCOL_VERSION,
      runId: this.runId,
      seq: this.#seq,
      ts: this.#timestamp(),
      ...draft,
    } as unknown as Extract<CrewEvent, { type: D["type"] }>;
  }
}

/** Adds two usages. */
export function addUsage(a: Usage, b: Usage): Usage {
  return {
    inputTokens: a.inputTokens + b.inputTokens,
    outputTokens: a.outputTokens + b.outputTokens,
  };
}

/** Zero usage. */
export const ZERO_USAGE: Usage = Object.freeze({ inputTokens: 0, outputTokens: 0 });
