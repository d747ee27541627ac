/**
 * The run service of a server in front of workers: `start` validates the request and queues the
 * run instead of executing it; events are read from the shared Redis store, so any server can
 * stream any run; cancel and human-input answers are sent to the worker executing the run.
 * It has the same surface as `RunManager` (the server's `RunService`).
 */
import { randomUUID } from "node:crypto";
import {
  CrewError,
  ErrorCode,
  flattenBatches,
  inputsSchema,
  summarize,
  toCrewError,
  type CrewEvent,
} from "../events/index.js";
import type {
  ResolveRunner,
  RunDetails,
  RunEventsOptions,
  RunLogger,
  RunWatch,
  StartRunRequest,
} from "../runs/index.js";
import type { ListRunsOptions, RunPage, RunRecord } from "../store/index.js";
import type { RedisRunStore } from "../store/redis-store.js";
import { sendControl } from "./control-channel.js";
import { checkCursor, endRun } from "../runs/index.js";
import { followEventBatches } from "./follow-events.js";
import type { RunQueue } from "./run-queue.js";
import { openInputRequests, waitForEnd } from "./run-state.js";

/** Options of {@link DistributedRunManager}. */
export interface DistributedRunManagerOptions {
  store: RedisRunStore;
  queue: RunQueue;
  /** Validates crew names and inputs before a run is queued (workers load the same crews). */
  resolveRunner: ResolveRunner;
  /** Longest wait for a cancelled run's `run.end` (default 30 s). */
  cancelWaitMs?: number;
  logger?: RunLogger;
}

/** See the file comment. */
export class DistributedRunManager {
  readonly #store: RedisRunStore;
  readonly #queue: RunQueue;
  readonly #resolveRunner: ResolveRunner;
  readonly #cancelWaitMs: number;
  readonly #logger: RunLogger;
  /** Watchers of runs started here with `onDisconnect: "cancel"`. */
  readonly #watched = new Map<string, number>();
  readonly #closing = new AbortController();

  constructor(options: DistributedRunManagerOptions) {
    this.#store = options.store;
    this.#queue = options.queue;
    this.#resolveRunner = options.resolveRunner;
    this.#cancelWaitMs = options.cancelWaitMs ?? 30_000;
    this.#logger = options.logger ?? {
      error: (message, details) => console.error(message, details),
    };
  }

  /** Validates (no run exists on error), stores the run as `queued` and queues it for a worker. */
  async start(request: StartRunRequest): Promise<RunRecord> {
    if (this.#closing.signal.aborted)
      throw new CrewError(ErrorCode.CONFLICT, "The server is shutting down; no new runs start.");
    const parsed = inputsSchema.safeParse(request.inputs ?? {});
    if (!parsed.success)
      throw new CrewError(
        ErrorCode.BAD_REQUEST,
        "inputs must be a flat object of strings, numbers and booleans.",
      );
    const inputs = parsed.data;
    let runner;
    try {
      runner = await this.#resolveRunner(request.crew);
    } catch (error) {
      throw toCrewError(error);
    }
    const missing = (runner.requiredInputs?.() ?? []).filter((name) => !(name in inputs));
    if (missing.length > 0)
      throw new CrewError(
        ErrorCode.MISSING_INPUT,
        `Crew "${runner.name}" needs the input(s) ${missing.map((m) => `"${m}"`).join(", ")}; pass them in inputs.`,
      );
    runner.validateInputs?.(inputs);
    const id = randomUUID();
    const record = await this.#store.createRun({
      id,
      crew: runner.name,
      inputs,
      status: "queued",
      ...(request.source === undefined ? {} : { source: request.source }),
    });
    if (request.onDisconnect === "cancel") this.#watched.set(id, 0);
    await this.#queue.enqueue(id);
    return record;
  }

  async get(id: string): Promise<RunDetails | undefined> {
    const record = await this.#store.getRun(id);
    if (!record) return undefined;
    return { ...record, summary: summarize(await this.#store.readEvents(id, 0)) };
  }

  list(options: ListRunsOptions = {}): Promise<RunPage> {
    return this.#store.listRuns(options);
  }

  /** Cancels a run wherever it is and resolves once its `run.end` is durable (or after `cancelWaitMs`). */
  async cancel(id: string): Promise<RunRecord> {
    const record = await this.#store.getRun(id);
    if (!record) throw new CrewError(ErrorCode.RUN_NOT_FOUND, `No run with id "${id}".`);
    if (
      record.status === "completed" ||
      record.status === "failed" ||
      record.status === "cancelled"
    )
      return record;
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
  async answer(id: string, requestId: string, text: string): Promise<void> {
    const record = await this.#store.getRun(id);
    if (!record) throw new CrewError(ErrorCode.RUN_NOT_FOUND, `No run with id "${id}".`);
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

  /** Counts watchers of runs started here with `onDisconnect: "cancel"`; the last one leaving cancels. */
  watch(id: string): RunWatch {
    const count = this.#watched.get(id);
    if (count === undefined) return { release: () => undefined };
    this.#watched.set(id, count + 1);
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        const left = (this.#watched.get(id) ?? 1) - 1;
        if (left > 0) return void this.#watched.set(id, left);
        this.#watched.delete(id);
        this.cancel(id).catch((error: unknown) =>
          this.#logger.error(`Run ${id}: cancel after the last watcher left failed`, error),
        );
      },
    };
  }

  /** Checks the run and cursor, then follows the run's events from the shared store. */
  async openEvents(id: string, options: RunEventsOptions = {}): Promise<AsyncIterable<CrewEvent>> {
    return flattenBatches(await this.openEventBatches(id, options));
  }

  /** Like {@link DistributedRunManager.openEvents}, in pages as they are read (never empty). */
  async openEventBatches(
    id: string,
    options: RunEventsOptions = {},
  ): Promise<AsyncIterable<readonly CrewEvent[]>> {
    const after = options.after ?? 0;
    const record = await this.#store.getRun(id);
    if (!record) throw new CrewError(ErrorCode.RUN_NOT_FOUND, `No run with id "${id}".`);
    checkCursor(after, record.lastSeq);
    const signal = options.signal
      ? AbortSignal.any([options.signal, this.#closing.signal])
      : this.#closing.signal;
    return followEventBatches(this.#store, id, after, { signal });
  }

  /** Ends open event streams (their clients resume on another server) and closes the queue. Runs go on in workers. */
  async close(): Promise<void> {
    this.#closing.abort();
    await this.#queue.close();
  }
}
