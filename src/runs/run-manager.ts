/**
 * The {@link RunService} of one process: starts, queues, cancels and watches runs, and serves
 * their events from any cursor.
 *
 * Every run, however it was started, goes through here: its events are appended to the store
 * (batched) and only then shown to watchers, so no consumer ever holds a cursor past what is
 * durable. At most `maxConcurrentRuns` run at once; the rest wait in FIFO order as `queued`.
 */
import { randomUUID } from "node:crypto";
import { CrewError, ErrorCode, type CrewEvent } from "../events/index.js";
import type { RunRecord, RunStore } from "../store/index.js";
import { checkStart } from "./check-start.js";
import type { ResolveRunner } from "./crew-runner.js";
import { recoverRuns } from "./recover-runs.js";
import { replayEvents } from "./replay-events.js";
import { requireCursor, requireRun, resolveRunId } from "./require-run.js";
import { ActiveRun, type ActiveRunContext, type RunLogger } from "./run.js";
import type { RunEventsOptions, StartRunRequest } from "./run-service.js";
import type { RunObserver } from "./run-observer.js";
import { StoredRunService } from "./stored-run-service.js";

/** Options of {@link RunManager}. */
export interface RunManagerOptions {
  store: RunStore;
  /** Finds the crew to run by name; throws CrewError crew_not_found. */
  resolveRunner: ResolveRunner;
  /** Runs executing at once; more are queued (default 4). */
  maxConcurrentRuns?: number;
  /** Extra wait before each batch of a run's events is appended (default 0; stores batch too). */
  flushMs?: number;
  /** How long a cancelled crew may take to stop before its run is ended without it (default 10 s). */
  cancelGraceMs?: number;
  /** Overrides every agent's model (`--model`). */
  model?: ActiveRunContext["model"];
  /** Time limit of runs started without `timeoutMs`, in ms (`--run-timeout`). */
  runTimeoutMs?: number;
  /** Token budget of the conversation a thread's run is given (default 2000). */
  historyTokens?: number;
  /** Long-term memory of crews with `memory: true` (e.g. the SQLite store's `memory`). */
  memory?: ActiveRunContext["memory"];
  logger?: RunLogger;
  /** Store write health: while degraded, `start` is refused with store_error (503). */
  storeHealth?: ActiveRunContext["storeHealth"];
  /** Sees every run's events, store appends and the queue (metrics, traces). */
  observer?: RunObserver;
}

/** The runs of one process; see the file comment. */
export class RunManager extends StoredRunService {
  readonly #store: RunStore;
  readonly #resolveRunner: ResolveRunner;
  readonly #max: number;
  readonly #runTimeoutMs: number | undefined;
  readonly #context: ActiveRunContext;
  readonly #active = new Map<string, ActiveRun>();
  readonly #queue: ActiveRun[] = [];
  readonly #finished = new Map<string, Promise<void>>();
  #running = 0;
  /** Runs being created that will queue: later runs must not overtake them. */
  #enqueuing = 0;
  #closed = false;

  constructor(options: RunManagerOptions) {
    const logger: RunLogger = options.logger ?? {
      error: (message, details) => console.error(message, details),
    };
    super(options.store, options.resolveRunner, logger);
    this.#store = options.store;
    this.#resolveRunner = options.resolveRunner;
    this.#max = Math.max(1, options.maxConcurrentRuns ?? 4);
    this.#runTimeoutMs = options.runTimeoutMs;
    this.#context = {
      store: options.store,
      logger,
      flushMs: options.flushMs ?? 0,
      cancelGraceMs: options.cancelGraceMs ?? 10_000,
      ...(options.model === undefined ? {} : { model: options.model }),
      ...(options.storeHealth === undefined ? {} : { storeHealth: options.storeHealth }),
      ...(options.observer === undefined ? {} : { observer: options.observer }),
      ...(options.historyTokens === undefined ? {} : { historyTokens: options.historyTokens }),
      ...(options.memory === undefined ? {} : { memory: options.memory }),
    };
  }

  async start(request: StartRunRequest): Promise<RunRecord> {
    if (this.#closed)
      throw new CrewError(ErrorCode.CONFLICT, "The run manager is closed; no new runs start.");
    this.#context.storeHealth?.assertWritable();
    const { runner, inputs, onDisconnect, timeoutMs, threadId } = await checkStart(
      request,
      this.#resolveRunner,
    );
    const limit = timeoutMs ?? this.#runTimeoutMs;
    const id = randomUUID();
    // Decide now, synchronously, whether the run takes a free slot or queues, so that runs
    // keep their order however long createRun takes.
    const slot = this.#queue.length === 0 && this.#enqueuing === 0 && this.#running < this.#max;
    if (slot) this.#running += 1;
    else this.#enqueuing += 1;
    let run: ActiveRun;
    let record: RunRecord;
    try {
      record = await this.#store.createRun({
        id,
        crew: runner.name,
        inputs,
        status: slot ? "running" : "queued",
        ...(request.source === undefined ? {} : { source: request.source }),
        ...(request.batchId === undefined ? {} : { batchId: request.batchId }),
        ...(limit === undefined ? {} : { timeoutMs: limit }),
        ...(threadId === undefined ? {} : { threadId }),
      });
      run = new ActiveRun(id, runner, inputs, this.#context, record);
    } catch (error) {
      if (slot) this.#running -= 1;
      else this.#enqueuing -= 1;
      this.#pump();
      throw error;
    }
    this.#active.set(id, run);
    if (onDisconnect === "cancel") this.watchers.track(id);
    if (slot) {
      this.#launch(run);
    } else {
      this.#enqueuing -= 1;
      this.#queue.push(run);
      this.#pump();
      this.#context.observer?.queueLength?.(this.#queue.length);
    }
    return record;
  }

  async resolveId(id: string): Promise<string> {
    return this.#active.has(id) ? id : resolveRunId(this.#store, id);
  }

  async cancel(runId: string): Promise<RunRecord> {
    const id = await this.resolveId(runId);
    const run = this.#active.get(id);
    if (run) {
      const queued = this.#queue.indexOf(run);
      if (queued >= 0) {
        this.#queue.splice(queued, 1);
        this.#context.observer?.queueLength?.(this.#queue.length);
        this.#finish(run, run.cancelQueued());
      } else {
        run.controller.abort(new CrewError(ErrorCode.CANCELLED, "The run was cancelled."));
      }
      await this.#finished.get(id);
    }
    return requireRun(this.#store, id);
  }

  async answer(runId: string, requestId: string, text: string): Promise<void> {
    const id = await this.resolveId(runId);
    const run = this.#active.get(id);
    if (!run) {
      throw new CrewError(ErrorCode.CONFLICT, `Run ${id} is not running; it cannot take input.`);
    }
    run.answer(requestId, text);
  }

  /**
   * A live run's events come from its event log (replay, then live batches shared by
   * every watcher, with the slow-consumer drop); a finished run's are replayed from the store.
   */
  async openEvents(
    runId: string,
    options: RunEventsOptions = {},
  ): Promise<AsyncIterable<readonly CrewEvent[]>> {
    const after = options.after ?? 0;
    const id = await this.resolveId(runId);
    const run = this.#active.get(id);
    await requireCursor(this.#store, id, after, run?.log.lastSeq);
    const signal = options.signal === undefined ? {} : { signal: options.signal };
    if (!run) return replayEvents(this.#store, id, after, signal);
    const hwm = options.highWaterMark === undefined ? {} : { highWaterMark: options.highWaterMark };
    return run.log.subscribe(after, { ...signal, ...hwm });
  }

  /** Ends runs a crashed process left unfinished with `run.end` failed/interrupted. Call before starting runs. */
  recover(): Promise<RunRecord[]> {
    return recoverRuns(this.#store, new Set(this.#active.keys()));
  }

  /** Stops taking runs, cancels queued and running ones, and waits until every `run.end` is durable. */
  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all([...this.#active.keys()].map((id) => this.cancel(id)));
  }

  /** Starts queued runs, oldest first, while slots are free. */
  #pump(): void {
    while (this.#running < this.#max && this.#queue.length > 0) {
      this.#running += 1;
      this.#launch(this.#queue.shift()!);
      this.#context.observer?.queueLength?.(this.#queue.length);
    }
  }

  /**
   * Executes a run that holds a slot; the slot frees when its `run.end` is durable. The run
   * begins on the next turn of the event loop, so whoever started it (an HTTP request) answers
   * first: the crew's first steps would otherwise run before the response's headers are sent.
   */
  #launch(run: ActiveRun): void {
    const started = new Promise<void>((resolve) => setImmediate(resolve)).then(() => run.execute());
    this.#finish(run, started, () => (this.#running -= 1));
  }

  #finish(run: ActiveRun, done: Promise<void>, release?: () => void): void {
    const settled = done
      .catch((error: unknown) =>
        this.#context.logger.error(`Run ${run.id}: unexpected failure`, error),
      )
      .finally(() => {
        this.#active.delete(run.id);
        this.#finished.delete(run.id);
        this.watchers.forget(run.id);
        release?.();
        this.#pump();
      });
    this.#finished.set(run.id, settled);
  }
}
