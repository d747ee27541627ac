/**
 * The {@link RunService} of a server in front of workers: `start` checks the request and queues
 * the run instead of executing it; events are read from the shared Redis store, so any server
 * can stream any run; cancel and human-input answers are sent to the worker executing the run.
 * The checks, watcher counting and summaries are the ones `RunManager` uses, so both behave
 * the same (one contract suite runs against both).
 */
import { randomUUID } from "node:crypto";
import { CrewError, ErrorCode, type CrewEvent } from "../events/index.js";
import {
  checkStart,
  endRun,
  requireCursor,
  replayEvents,
  requireRun,
  resolveRunId,
  StoredRunService,
  type ResolveRunner,
  type RunEventsOptions,
  type RunLogger,
  type StartRunRequest,
} from "../runs/index.js";
import { isFinished, type RunRecord } from "../store/index.js";
import { sendControl } from "./control-channel.js";
import { followEvents } from "./follow-events.js";
import type { RedisRunStore } from "./redis-store.js";
import type { RunQueue } from "./run-queue.js";
import { openInputRequests, waitForEnd } from "./run-state.js";

/** Options of {@link DistributedRunManager}. */
export interface DistributedRunManagerOptions {
  store: RedisRunStore;
  queue: RunQueue;
  /** The trace context a queued run's job carries to its worker (see `RunTracer.queued`). */
  traceContext?: (runId: string, crew: string) => string | undefined;
  /** Checks crew names and inputs before a run is queued (workers load the same crews). */
  resolveRunner: ResolveRunner;
  /** Longest wait for a cancelled run's `run.end` (default 30 s). */
  cancelWaitMs?: number;
  /** Time limit of runs started without `timeoutMs`, in ms. */
  runTimeoutMs?: number;
  logger?: RunLogger;
}

/** See the file comment. */
export class DistributedRunManager extends StoredRunService {
  readonly #store: RedisRunStore;
  readonly #queue: RunQueue;
  readonly #resolveRunner: ResolveRunner;
  readonly #cancelWaitMs: number;
  readonly #traceContext: ((runId: string, crew: string) => string | undefined) | undefined;
  readonly #runTimeoutMs: number | undefined;
  readonly #closing = new AbortController();

  constructor(options: DistributedRunManagerOptions) {
    const logger: RunLogger = options.logger ?? {
      error: (message, details) => console.error(message, details),
    };
    super(options.store, options.resolveRunner, logger);
    this.#store = options.store;
    this.#queue = options.queue;
    this.#resolveRunner = options.resolveRunner;
    this.#runTimeoutMs = options.runTimeoutMs;
    this.#cancelWaitMs = options.cancelWaitMs ?? 30_000;
    this.#traceContext = options.traceContext;
  }

  /** Checks the request (no run exists on error), stores the run as `queued` and queues it for a worker. */
  async start(request: StartRunRequest): Promise<RunRecord> {
    if (this.#closing.signal.aborted)
      throw new CrewError(ErrorCode.CONFLICT, "The server is shutting down; no new runs start.");
    const { runner, inputs, onDisconnect, timeoutMs, threadId } = await checkStart(
      request,
      this.#resolveRunner,
    );
    const limit = timeoutMs ?? this.#runTimeoutMs;
    const id = randomUUID();
    const record = await this.#store.createRun({
      id,
      crew: runner.name,
      inputs,
      status: "queued",
      ...(request.source === undefined ? {} : { source: request.source }),
      ...(request.batchId === undefined ? {} : { batchId: request.batchId }),
      ...(limit === undefined ? {} : { timeoutMs: limit }),
      ...(threadId === undefined ? {} : { threadId }),
    });
    if (onDisconnect === "cancel") this.watchers.track(id);
    await this.#queue.enqueue(id, this.#traceContext?.(id, runner.name));
    return record;
  }

  resolveId(id: string): Promise<string> {
    return resolveRunId(this.#store, id);
  }

  /** Cancels a run wherever it is and resolves once its `run.end` is durable (or after `cancelWaitMs`). */
  async cancel(runId: string): Promise<RunRecord> {
    const record = await requireRun(this.#store, runId);
    const { id } = record;
    if (isFinished(record.status)) return record;
    if (record.status === "queued" && (await this.#queue.remove(id))) {
      const runner = await this.#resolveRunner(record.crew).catch(() => undefined);
      await endRun(
        this.#store,
        record,
        "cancelled",
        { code: ErrorCode.CANCELLED, message: "The run was cancelled before it started." },
        runner?.info?.(),
      ).catch((error: unknown) => {
        if (!(CrewError.is(error) && error.code === ErrorCode.CONFLICT)) throw error;
      });
    } else {
      await sendControl(this.#store.redis, this.#store.keys, { type: "cancel", runId: id });
      await waitForEnd(this.#store, id, record.lastSeq, this.#cancelWaitMs, this.#closing.signal);
    }
    return (await this.#store.getRun(id)) ?? record;
  }

  /** Sends an answer to the run's worker; conflict unless `requestId` is an open input request. */
  async answer(runId: string, requestId: string, text: string): Promise<void> {
    const record = await requireRun(this.#store, runId);
    const { id } = record;
    if (record.status !== "running")
      throw new CrewError(ErrorCode.CONFLICT, `Run ${id} is not running; it cannot take input.`);
    const open = openInputRequests(await this.#store.readEvents(id, 0));
    if (!open.has(requestId))
      throw new CrewError(ErrorCode.CONFLICT, `Run ${id} is not waiting for input "${requestId}".`);
    await sendControl(this.#store.redis, this.#store.keys, {
      type: "input",
      runId: id,
      requestId,
      text,
    });
  }

  /**
   * Follows the run's events from the shared store, page by page as the consumer pulls: nothing
   * is buffered for a consumer, so none is ever dropped as slow. Closing the manager ends the
   * stream (its client resumes on another server).
   */
  async openEvents(
    runId: string,
    options: RunEventsOptions = {},
  ): Promise<AsyncIterable<readonly CrewEvent[]>> {
    const after = options.after ?? 0;
    const record = await requireCursor(this.#store, runId, after);
    const { id } = record;
    const signal = options.signal
      ? AbortSignal.any([options.signal, this.#closing.signal])
      : this.#closing.signal;
    // A finished run has nothing to wait for: its stored events are all there will be.
    if (isFinished(record.status)) return replayEvents(this.#store, id, after, { signal });
    return followEvents(this.#store, id, after, { signal });
  }

  /** Ends open event streams (their clients resume on another server) and closes the queue. Runs go on in workers. */
  async close(): Promise<void> {
    this.#closing.abort();
    await this.#queue.close();
  }
}
