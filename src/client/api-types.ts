/**
 * Shapes of the HTTP API's JSON answers, as documented in DESIGN.md ("Details that clients
 * rely on"). The client speaks only the protocol and these shapes, never server internals.
 */
import type { CrewProcess, ErrorInfo, Inputs } from "../events/index.js";

/** A crew that can run (`GET /api/crews`). */
export interface CrewInfo {
  name: string;
  /** True for the crew used when a run names none. */
  default: boolean;
  process: CrewProcess;
  agents: { key: string; role: string }[];
  tasks: { key: string; agent?: string }[];
  /** Names of the required `{placeholders}`, in order of first use. */
  inputs: string[];
}

/** Status of a run. */
export type RunStatus = "queued" | "running" | "completed" | "failed" | "cancelled";

/** A run's status row (`GET /api/runs`). */
export interface RunInfo {
  id: string;
  crew: string;
  status: RunStatus;
  inputs: Inputs;
  createdAt: string;
  startedAt?: string;
  endedAt?: string;
  /** `seq` of the last durable event. */
  lastSeq: number;
  result?: string;
  error?: ErrorInfo;
  /** Where the run was started from: "cli", "http", "ws", "chat", "web". */
  source?: string;
}

/** A run with its per-agent and per-task summary (`GET /api/runs/:id`). */
export interface RunDetails extends RunInfo {
  summary: unknown;
}

/** A page of runs, newest first. */
export interface RunPage {
  runs: RunInfo[];
  /** Pass as `before` for the next (older) page; absent on the last page. */
  nextCursor?: string;
}

/** Options of `listRuns`. */
export interface ListRunsOptions {
  limit?: number;
  before?: string;
  status?: RunStatus;
}

/** True for statuses after which a run never changes again. */
export function isFinished(status: RunStatus): boolean {
  return status === "completed" || status === "failed" || status === "cancelled";
}
