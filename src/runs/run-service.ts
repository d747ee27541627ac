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
   * What an input the crew does not use meets: "refuse" (default) answers unknown_input, as a
   * likely misspelling; "keep" passes it on (the chat endpoint, whose `useChat` bodies mix
   * inputs with fields of their own).
   */
  unknownInputs?: "refuse" | "keep";
  /** Longest the run may take, in ms (default: the service's run timeout, if any). */
  timeoutMs?: number;
  /** The batch the run belongs to; set by {@link RunService.startBatch}. */
  batchId?: string;
  /**
   * The thread the run is a turn of (created with the run when new): the run is given the
   * thread's conversation so far.
   */
  threadId?: string;
}

/** What {@link RunService.startBatch} needs: one run per item of `inputs`, the rest shared. */
export interface StartBatchRequest extends Omit<StartRunRequest, "inputs" | "batchId"> {
  inputs: unknown[];
}

/** A started batch: its id and its runs' records, in the order of the inputs. */
export interface StartedBatch {
  batchId: string;
  runs: RunRecord[];
}

/** The runs of a batch with their status, in the order of the inputs. */
export interface BatchStatus {
  batchId: string;
  runs: Array<{ runId: string; status: RunRecord["status"] }>;
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
   * Checks the request (crew_not_found, bad_request, missing_input, unknown_input: no run is created on
   * error), creates the run and returns its record at once; the run executes in the background.
   */
  start(request: StartRunRequest): Promise<RunRecord>;
  /**
   * Checks every item first (one bad item: no run is created, the error names the item), then
   * starts one run per item with a shared batch id. The runs queue like any others, so a
   * batch respects the service's concurrency cap and the shared rate limits.
   */
  startBatch(request: StartBatchRequest): Promise<StartedBatch>;
  /** The batch's runs and their status, or undefined for an unknown batch. */
  getBatch(batchId: string): Promise<BatchStatus | undefined>;
  /**
   * The full id of the run `id` names. Every method taking a run id except `watch` also takes
   * any unique prefix of at least 6 characters (`MIN_RUN_ID_PREFIX`) and resolves it this way.
   * Throws run_not_found for no match and bad_request, listing the candidates, for several.
   */
  resolveId(id: string): Promise<string>;
  /**
   * The run's record and summary, or undefined for an unknown id; bad_request for a prefix
   * naming several runs.
   */
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
   * Takes the full id only (see {@link RunService.resolveId}).
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
