/**
 * The state of the progress model: everything any view shows about a run, as plain JSON data
 * (it travels in assistant-ui data parts). Built by `reduceProgress` in `progress.ts`.
 */
import type { Cost } from "./cost.js";
import type { TimelineMark } from "./timeline.js";
import type {
  CrewProcess,
  CrewWarningInfo,
  ErrorInfo,
  Inputs,
  MemoryEntry,
  StepKind,
} from "./protocol.js";
import { ZERO_USAGE } from "./protocol.js";
import type { PendingInput, ProgressStatus, RunProgressStatus, TokenCount } from "./run-summary.js";
import type { TokenLedger } from "./token-ledger.js";

/** A run of text written by one agent inside a task (hierarchical tasks have several). */
export interface TextSegment {
  agent?: string;
  text: string;
}

/**
 * Reasoning (thinking) text a model streamed before one of its steps, kept apart from the
 * task's text. `step` is the `agent.step` it led to, once that step ended.
 */
export interface ThoughtProgress {
  agent?: string;
  text: string;
  step?: number;
}

/** One tool call and, once it returned, its result or error. */
export interface ToolCallProgress {
  callId: string;
  tool: string;
  agent?: string;
  args: unknown;
  status: "running" | "completed" | "failed";
  result?: unknown;
  error?: ErrorInfo;
}

/** A hand-over of work from one agent to another. */
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

/** A wait caused by a rate limit or a transient provider error, until text flows again. */
/** One check of a task's output (`guardrail.check`): its schema or its guardrail. */
export interface CheckProgress {
  attempt: number;
  ok: boolean;
  feedback?: string;
}

export interface RetryProgress {
  attempt: number;
  delayMs: number;
  reason: string;
  /** ISO time of the `llm.retry` event: the wait ends at ts + delayMs. */
  ts: string;
}

/** The latest `agent.step` of a task. */
export interface StepProgress {
  step: number;
  kind: StepKind;
  text: string;
  agent?: string;
}

/** One task of the run. */
export interface TaskProgress extends TokenCount {
  key: string;
  /** 0-based position in the crew's task list. */
  index: number;
  /** Key of the agent that owns the task (a hierarchical run's: the manager). */
  agent?: string;
  /** Key of the agent whose events arrived last for the task: who is working on it now. */
  activeAgent?: string;
  description?: string;
  status: ProgressStatus;
  steps: number;
  lastStep?: StepProgress;
  segments: TextSegment[];
  /** Reasoning streamed by the task's model calls, one entry per step; never part of its output. */
  thoughts: ThoughtProgress[];
  tools: ToolCallProgress[];
  delegations: DelegationProgress[];
  inputs: InputProgress[];
  retry?: RetryProgress;
  output?: string;
  startedAt?: string;
  endedAt?: string;
  durationMs?: number;
  /** The task's tokens by agent; `usage` and `estimated` are its total. */
  ledger: TokenLedger;
  /**
   * What the task's model calls cost (see `cost.ts`): the sum of `callsCost`, but unknown when
   * the task used tokens and no step of the run named its model (a process crew).
   */
  cost: Cost;
  /** `agent.step` events that named their model (engine model calls). */
  modelCalls: number;
  /** The sum of the costs its `agent.step` events reported. */
  callsCost: Cost;
  /** The calls' cost by agent. */
  agentCosts: Record<string, Cost>;
  /** A structured output: the partial value while it streams, the parsed value once ended. */
  object?: unknown;
  /**
   * What the provider said it ignored or changed in the task's model calls (an unsupported
   * setting, an output schema it cannot enforce), each once; absent when it said nothing.
   */
  warnings?: string[];
  /** Checks of the task's output, in order (absent when it had none). */
  checks?: CheckProgress[];
  /** The file the task wrote (`output_file`), relative to the run's output folder. */
  file?: string;
  /** Long-term memory: entries recalled into its prompt, and the entry saved after it. */
  memory?: TaskMemory;
}

/** What a task recalled from and saved to long-term memory (crew.yaml `memory: true`). */
export interface TaskMemory {
  recalled: MemoryEntry[];
  saved?: MemoryEntry;
}

/** One agent of the crew (a hierarchical run's manager included), over the tasks it worked on. */
export interface AgentProgress extends TokenCount {
  key: string;
  role: string;
  status: ProgressStatus;
  steps: number;
  toolCalls: number;
  /** Delegations the agent made. */
  delegations: number;
  /** Keys of the tasks the agent worked on, in order. */
  tasks: string[];
  /** ISO times of the agent's first and last event. */
  startedAt?: string;
  endedAt?: string;
  durationMs?: number;
  /** How the run's end left the agent, when it was working then. */
  endStatus?: ProgressStatus;
  /** What the agent's model calls cost, over every task. */
  cost: Cost;
}

/** Everything any view shows about a run. */
export interface RunProgress extends TokenCount {
  runId?: string;
  crew?: string;
  process?: CrewProcess;
  inputs?: Inputs;
  status: RunProgressStatus;
  /** `seq` of the last event folded in. */
  lastSeq: number;
  startedAt?: string;
  endedAt?: string;
  durationMs?: number;
  result?: string;
  error?: ErrorInfo;
  /** Key of the task that started last and has not ended. */
  currentTask?: string;
  /** Input requests not answered yet. */
  waitingFor: PendingInput[];
  /** Keys of the crew's files accepted without effect, or unknown (from `run.start`). */
  warnings?: CrewWarningInfo[];
  tasks: TaskProgress[];
  agents: AgentProgress[];
  /** What the run's model calls cost. */
  cost: Cost;
  /** Model calls, tool calls, delegations, retries and waits on a time axis (see `timeline.ts`). */
  timeline: TimelineMark[];
}

/** The progress before any event. */
export function initialProgress(runId?: string): RunProgress {
  return {
    ...(runId === undefined ? {} : { runId }),
    status: "queued",
    lastSeq: 0,
    waitingFor: [],
    tasks: [],
    agents: [],
    usage: ZERO_USAGE,
    estimated: false,
    cost: 0,
    timeline: [],
  };
}

const ACTIVE: ReadonlySet<ProgressStatus> = new Set(["running", "waiting_input"]);

/** True while a task or an agent is at work (running or waiting for a human). */
export function isActive(status: ProgressStatus): boolean {
  return ACTIVE.has(status);
}

/** True once a run has ended (completed, failed or cancelled): it never changes again. */
export function isRunEnded(status: RunProgressStatus): boolean {
  return status === "completed" || status === "failed" || status === "cancelled";
}
