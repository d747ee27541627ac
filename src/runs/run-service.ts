/**
 * The run service: what servers, the WebSocket session and the CLI need from whatever runs
 * crews. `RunManager` implements it in one process; `DistributedRunManager` (src/scale) in
 * front of workers sharing Redis. Both pass the same contract suite (run-service.contract.ts).
 */
import type { CrewEvent, RunDetails } from "../events/index.js";
import type {
  ListRunsOptions,
  ListThreadsOptions,
  RunPage,
  RunRecord,
  ThreadDeleted,
  ThreadDetails,
  ThreadPage,
  ThreadRecord,
} from "../store/index.js";

/** What happens to a run when the last stream watching it closes. */
export type OnDisconnect = "continue" | "cancel";

/** What {@link RunService.start} needs. */
export interface StartRunRequest {
  /** Crew name; the resolver's default crew when absent. */
  crew?: string;
  inputs?: unknown;
  /** Where the run was started from: "cli", "http", "ws", "chat", "web". */
  source?: string;
  /** What happens when the last watcher detaches (default "continue"). */
  onDisconnect?: OnDisconnect;
  /**
   * The thread the run is a turn of (created with the run when new): the run is given the
   * thread's conversation so far.
   */
  threadId?: string;
}

/** A run's status row with its progress by agent and task. */
export type { RunDetails };

/** Options of {@link RunService.openEvents}. */
export interface RunEventsOptions {
  /** Last `seq` already seen (default 0: from the start). */
  after?: number;
  /** Aborting ends the iteration quietly. */
  signal?: AbortSignal;
  /**
   * Most live events held for this consumer while it does not pull; past that it is dropped
   * with a `SlowConsumerError` (code slow_consumer) carrying its cursor (default 1024). A
   * service whose consumers pull straight from the store never drops one.
   */
  highWaterMark?: number;
}

/** Detaches one watcher of a run; calling it again does nothing. */
export interface RunWatch {
  release(): void;
}

/** Starts, lists, cancels and streams runs; see the file comment. */
export interface RunService {
  /**
   * Checks the request (crew_not_found, bad_request, missing_input: no run is created on
   * error), creates the run and returns its record at once; the run executes in the background.
   */
  start(request: StartRunRequest): Promise<RunRecord>;
  /** The run's record and summary, or undefined for an unknown id. */
  get(id: string): Promise<RunDetails | undefined>;
  /** Recent runs, newest first, paged. */
  list(options?: ListRunsOptions): Promise<RunPage>;
  /**
   * Cancels a queued or running run and resolves with its record once `run.end` (cancelled) is
   * durable. A finished run is returned unchanged; an unknown id throws run_not_found.
   */
  cancel(id: string): Promise<RunRecord>;
  /**
   * Answers the run's pending `input.request` `requestId`. Throws run_not_found for an unknown
   * id and conflict when the run is not running or not waiting for that request.
   */
  answer(id: string, requestId: string, text: string): Promise<void>;
  /**
   * Counts a watcher of the run: when the last watcher of a run started with
   * `onDisconnect: "cancel"` is released, the run is cancelled. A no-op handle otherwise.
   */
  watch(id: string): RunWatch;
  /**
   * The one event cursor. Checks the run and the cursor before resolving (run_not_found;
   * bad_cursor for a cursor that is not a non-negative integer or is past the run's last seq),
   * then yields the run's events with `seq > after` in batches: never empty, never mutated, in
   * order without gap or duplicate, ending after `run.end` or when `signal` aborts. A live
   * batch is one frozen array shared by every consumer, so a transport can encode it once.
   * May throw `SlowConsumerError` (see {@link RunEventsOptions.highWaterMark}); `openWatch`
   * resumes such a consumer. Use `flatten` for one event at a time.
   */
  openEvents(id: string, options?: RunEventsOptions): Promise<AsyncIterable<readonly CrewEvent[]>>;
  /** Threads, most recently active first, paged. */
  listThreads(options?: ListThreadsOptions): Promise<ThreadPage>;
  /** A thread with its runs, oldest first, or undefined for an unknown id. */
  getThread(id: string): Promise<ThreadDetails | undefined>;
  /** Renames a thread; throws not_found for an unknown id. */
  renameThread(id: string, title: string): Promise<ThreadRecord>;
  /**
   * Cancels the thread's unfinished runs, then deletes the thread with its runs and their
   * events, and says how many; throws not_found for an unknown id.
   */
  deleteThread(id: string): Promise<ThreadDeleted>;
  /** Stops taking runs and releases what the service holds. */
  close(): Promise<void>;
}
