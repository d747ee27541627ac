/**
 * Where runs live: an append-only event log plus a status row per run. Memory, SQLite and
 * (later) Redis implement this interface and pass the same contract suite
 * (`run-store.contract.ts`).
 */
import type {
  CrewEvent,
  Inputs,
  RunPage,
  RunRecord,
  RunStatus,
  ThreadDeleted,
  ThreadDetails,
  ThreadPage,
  ThreadRecord,
} from "../events/index.js";

/** The run row and its status are wire shapes: a client reads them as the store keeps them. */
export type { RunRecord, RunStatus } from "../events/index.js";

/** What is needed to create a run. */
export interface NewRun {
  id: string;
  crew: string;
  inputs: Inputs;
  status: "queued" | "running";
  source?: string;
  /** The batch the run belongs to. */
  batchId?: string;
  /** The run's time limit in ms. */
  timeoutMs?: number;
  /** The thread the run is a turn of; the thread is created with the run when new. */
  threadId?: string;
}

/** Threads are wire shapes too. */
export type { ThreadDeleted, ThreadDetails, ThreadPage, ThreadRecord } from "../events/index.js";

/** Options of {@link RunStore.listThreads}. */
export interface ListThreadsOptions {
  /** At most this many threads (default 50). */
  limit?: number;
  /** A `nextCursor` from the previous page. */
  before?: string;
}

/** A page of runs, newest first, as `GET /api/runs` answers it. */
export type { RunPage } from "../events/index.js";

/** Options of {@link RunStore.listRuns}. */
export interface ListRunsOptions {
  /** At most this many runs (default 50). */
  limit?: number;
  /** A `nextCursor` from the previous page. */
  before?: string;
  status?: RunStatus;
}

/**
 * Persistence of runs.
 *
 * Contract:
 * - `appendEvents` takes events whose `seq` continues the run's log without gap (the first
 *   event of a run has seq 1); anything else is rejected with an error and nothing is written.
 * - When `appendEvents` resolves, the events are durable and visible to `readEvents`.
 * - A `run.start` event sets the status to `running` (and `startedAt`); a `run.end` event sets
 *   status, `endedAt`, `result` and `error` from its payload, in the same write.
 * - `readEvents` returns events with `seq > after`, in order, at most `limit` of them.
 */
export interface RunStore {
  createRun(run: NewRun): Promise<RunRecord>;
  getRun(id: string): Promise<RunRecord | undefined>;
  /**
   * Ids of stored runs that start with `prefix`, in ascending order, at most `limit` of them
   * (an exact id is its own prefix). Lets a user name a run by the first characters of its id.
   */
  findRunIds(prefix: string, limit: number): Promise<string[]>;
  listRuns(options?: ListRunsOptions): Promise<RunPage>;
  /** Changes status fields that are not carried by events (e.g. queued -> running). */
  updateRun(id: string, patch: Partial<Pick<RunRecord, "status" | "startedAt">>): Promise<void>;
  appendEvents(runId: string, events: readonly CrewEvent[]): Promise<void>;
  readEvents(runId: string, after: number, limit?: number): Promise<CrewEvent[]>;
  /** The runs created with `batchId`, in creation order (empty for an unknown batch). */
  listBatch(batchId: string): Promise<RunRecord[]>;
  /**
   * Runs left `queued` or `running` by a process that died. The caller ends each with a
   * `run.end` status failed, code `interrupted`.
   */
  listUnfinished(): Promise<RunRecord[]>;
  /**
   * Threads, the one whose last run was created most recently first, paged. A thread exists
   * from its first run (`createRun` with a `threadId`); its title is that run's first text
   * input until renamed.
   */
  listThreads(options?: ListThreadsOptions): Promise<ThreadPage>;
  /** A thread with its runs, oldest first, or undefined for an unknown id. */
  getThread(id: string): Promise<ThreadDetails | undefined>;
  /** Renames a thread; throws not_found for an unknown id. */
  renameThread(id: string, title: string): Promise<ThreadRecord>;
  /**
   * Deletes a thread with its runs and their events, and says how many; throws not_found for
   * an unknown id. The caller makes sure none of its runs is still live.
   */
  deleteThread(id: string): Promise<ThreadDeleted>;
  close(): Promise<void>;
}
