/**
 * The shape of what the terminal shows about a run: per agent and per task status, timing,
 * tokens and the details of running tasks. Built by `applyEvent` in run-view-state.ts.
 */
import type { InputRequestEvent, RunEndEvent, StepKind, Usage } from "../events/index.js";

/** Status of a task or an agent in the view. */
export type ViewStatus = "pending" | "running" | "waiting" | "done" | "failed" | "cancelled";

/** A tool call as shown under its task. */
export interface ToolCallView {
  callId: string;
  tool: string;
  args: unknown;
  agent?: string;
  state: "running" | "ok" | "error";
  error?: string;
}

/** One task's row and details. */
export interface TaskView {
  key: string;
  /** Owner from run.start; in hierarchical crews the agent currently working on it. */
  agent?: string;
  index: number;
  description: string;
  status: ViewStatus;
  /** Epoch ms of task.start and task.end (from event timestamps). */
  startedAt?: number;
  endedAt?: number;
  /** Wall time reported by task.end (more exact than the timestamps' difference). */
  durationMs?: number;
  /** Exact usage once the task ended. */
  usage?: Usage;
  /** Streamed chunks so far: a live estimate of output tokens until `usage` is known. */
  streamedChunks: number;
  /** Streamed chunks per agent, to share the task's exact usage among its agents at the end. */
  chunksByAgent: Record<string, number>;
  /** The last characters of the streamed text. */
  tail: string;
  lastStep?: { step: number; kind: StepKind; text: string; agent?: string };
  tools: ToolCallView[];
  delegations: Array<{ from: string; to: string; reason: string }>;
  retry?: { attempt: number; delayMs: number; reason: string; at: number };
  output?: string;
}

/** One agent's row. */
export interface AgentView {
  key: string;
  role: string;
  status: ViewStatus;
  /** Task the agent works on now. */
  task?: string;
  /** Output tokens (estimated while streaming, exact after task.end). */
  tokens: number;
  steps: number;
}

/** The whole run as the terminal shows it. */
export interface RunViewState {
  runId?: string;
  crew?: string;
  process?: string;
  startedAt?: number;
  /** Timestamp of the newest event: the clock of a replay. */
  lastEventAt?: number;
  lastSeq: number;
  agents: AgentView[];
  tasks: TaskView[];
  pendingInput?: InputRequestEvent;
  end?: RunEndEvent;
}
