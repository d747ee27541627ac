/**
 * The state a UI renders for one run: per task and per agent status, steps, tokens, tool calls,
 * delegation, human input and timing, folded from the run's events by `reduceProgress`.
 * Plain JSON data (it travels as an assistant-ui `data` part) and immutable: each event
 * produces a new object, sharing what did not change, so React can skip unchanged tasks.
 */
import type { CrewProcess, ErrorInfo, Inputs, StepKind, Usage } from "../events/index.js";

/** Where a task stands. `waiting` means it waits for a human answer. */
export type TaskStatus = "pending" | "running" | "waiting" | "completed" | "failed" | "cancelled";

/** Where the run stands. `starting` until `run.start` arrives. */
export type RunProgressStatus = "starting" | "running" | "completed" | "failed" | "cancelled";

/** A run of text written by one agent inside a task (hierarchical tasks have several). */
export interface TextSegment {
  agent?: string;
  text: string;
}

/** One tool call and, once it returned, its result or error. */
export interface ToolCallProgress {
  callId: string;
  tool: string;
  agent?: string;
  args: unknown;
  status: "running" | "done" | "error";
  result?: unknown;
  error?: ErrorInfo;
}

/** A hand-over from the manager to an agent. */
export interface DelegationProgress {
  from: string;
  to: string;
  reason: string;
}

/** A question to the human, and the answer once given. */
export interface InputProgress {
  requestId: string;
  prompt: string;
  answer?: string;
}

/** A wait caused by a rate limit or a transient provider error. */
export interface RetryProgress {
  attempt: number;
  delayMs: number;
  reason: string;
  /** ISO time of the `llm.retry` event: the wait ends at ts + delayMs. */
  ts: string;
}

/** One task of the run. */
export interface TaskProgress {
  key: string;
  index: number;
  /** Key of the agent that owns the task (may be absent in hierarchical crews). */
  agent?: string;
  description?: string;
  status: TaskStatus;
  /** `agent.step` events seen. */
  steps: number;
  lastStep?: { kind: StepKind; text: string };
  segments: TextSegment[];
  tools: ToolCallProgress[];
  delegations: DelegationProgress[];
  inputs: InputProgress[];
  output?: string;
  usage?: Usage;
  startedAt?: string;
  endedAt?: string;
  durationMs?: number;
}

/** One agent of the crew, aggregated over the tasks it worked on. */
export interface AgentProgress {
  key: string;
  role: string;
  status: "idle" | "working" | "done";
  steps: number;
  toolCalls: number;
  /** Output tokens of the tasks this agent owns. */
  outputTokens: number;
}

/** Everything a UI shows about a run. */
export interface RunProgress {
  runId?: string;
  crew?: string;
  process?: CrewProcess;
  inputs?: Inputs;
  status: RunProgressStatus;
  agents: AgentProgress[];
  tasks: TaskProgress[];
  /** Key of the task events last arrived for. */
  currentTask?: string;
  /** The open human-input request, if the run waits for one. */
  pendingInput?: InputProgress & { task?: string };
  /** The latest wait, until model text flows again. */
  retry?: RetryProgress;
  usage: Usage;
  result?: string;
  error?: ErrorInfo;
  startedAt?: string;
  endedAt?: string;
  durationMs?: number;
  /** `seq` of the last event folded in. */
  lastSeq: number;
}
