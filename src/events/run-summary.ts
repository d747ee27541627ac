/**
 * The one status vocabulary of runs, tasks and agents, and the shape of a run's summary: what
 * `GET /api/runs/:id` answers as `summary`. The summary is a selection of the progress model
 * (`progress.ts`), so every view of a run reports the same statuses and the same tokens.
 */
import { z } from "zod";
import { costSchema } from "./cost.js";
import { errorInfoSchema, usageSchema } from "./protocol.js";

/**
 * Where a task or an agent stands. `waiting_input` while its task waits for a human answer.
 * A task that never started in a run that failed or was cancelled is `cancelled`.
 */
export const progressStatusSchema = z.enum([
  "pending",
  "running",
  "waiting_input",
  "completed",
  "failed",
  "cancelled",
]);
export type ProgressStatus = z.infer<typeof progressStatusSchema>;

/**
 * Where a run stands: the run statuses of the HTTP API (`queued` until `run.start`), plus
 * `waiting_input` while a task waits for a human answer.
 */
export const runProgressStatusSchema = z.enum([
  "queued",
  "running",
  "waiting_input",
  "completed",
  "failed",
  "cancelled",
]);
export type RunProgressStatus = z.infer<typeof runProgressStatusSchema>;

/**
 * Tokens of a run, a task or an agent. Every token belongs to the task it was produced in and
 * to the agent that produced it, so the tasks' tokens and the agents' tokens both add up to
 * the run's.
 */
export const tokenCountSchema = z.object({
  /** Input and output tokens. */
  usage: usageSchema,
  /**
   * True when `usage` includes an estimate (one output token per streamed text chunk) rather
   * than only what the model reported: while a model call streams, for a call a cancel or a
   * failure cut short, or when the model or process crew reports no usage. Estimated and zero
   * means unknown.
   */
  estimated: z.boolean(),
});
export type TokenCount = z.infer<typeof tokenCountSchema>;

/** Counters and timing shared by tasks and agents. */
const workSummarySchema = tokenCountSchema.extend({
  status: progressStatusSchema,
  /** `agent.step` events. */
  steps: z.number().int().nonnegative(),
  /** `tool.call` events. */
  toolCalls: z.number().int().nonnegative(),
  /** `task.delegate` events (for an agent: the ones it made). */
  delegations: z.number().int().nonnegative(),
  /** ISO time of the first event. */
  startedAt: z.string().optional(),
  /** ISO time of the last event (a task's: its end). */
  endedAt: z.string().optional(),
  durationMs: z.number().nonnegative().optional(),
  /** What its model calls cost in US dollars; `null` when unknown (a model without a price). */
  cost: costSchema.optional(),
});

/** One task of a run summary. */
export const taskSummarySchema = workSummarySchema.extend({
  key: z.string(),
  /** 0-based position in the crew's task list. */
  index: z.number().int().nonnegative(),
  /** Key of the agent that owns the task, when it has one. */
  agent: z.string().optional(),
  /** Description with `{placeholders}` filled in, once the task started. */
  description: z.string().optional(),
  /** The task's output once completed. */
  output: z.string().optional(),
});
export type TaskSummary = z.infer<typeof taskSummarySchema>;

/** One agent of a run summary (a hierarchical run's manager included). */
export const agentSummarySchema = workSummarySchema.extend({
  key: z.string(),
  role: z.string(),
  /** Keys of the tasks the agent worked on, in order. */
  tasks: z.array(z.string()),
});
export type AgentSummary = z.infer<typeof agentSummarySchema>;

/** An `input.request` not answered yet. */
export const pendingInputSchema = z.object({
  requestId: z.string(),
  prompt: z.string(),
  agent: z.string().optional(),
  task: z.string().optional(),
});
export type PendingInput = z.infer<typeof pendingInputSchema>;

/** Progress of a whole run by task and by agent: `GET /api/runs/:id`'s `summary`. */
export const runSummarySchema = tokenCountSchema.extend({
  status: runProgressStatusSchema,
  crew: z.string().optional(),
  /** `seq` of the last event folded in. */
  lastSeq: z.number().int().nonnegative(),
  startedAt: z.string().optional(),
  endedAt: z.string().optional(),
  durationMs: z.number().nonnegative().optional(),
  result: z.string().optional(),
  error: errorInfoSchema.optional(),
  /** Key of the task events last arrived for, while the run is going. */
  currentTask: z.string().optional(),
  /** Input requests not answered yet. */
  waitingFor: z.array(pendingInputSchema),
  /** What the run's model calls cost in US dollars; `null` when unknown. */
  cost: costSchema.optional(),
  tasks: z.array(taskSummarySchema),
  agents: z.array(agentSummarySchema),
});
export type RunSummary = z.infer<typeof runSummarySchema>;
