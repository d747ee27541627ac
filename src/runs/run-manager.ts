/**
 * Starts, queues, cancels and watches runs, and serves their events from any cursor.
 *
 * Every run, however it was started, goes through here: its events are appended to the store
 * (batched) and only then shown to watchers, so no consumer ever holds a cursor past what is
 * durable. At most `maxConcurrentRuns` run at once; the rest wait in FIFO order as `queued`.
 */
import { randomUUID } from "node:crypto";
import {
  CrewError,
  ErrorCode,
  flattenBatches,
  inputsSchema,
  toCrewError,
  type CrewEvent,
  SummaryBuilder,
  type RunSummary,
} from "../events/index.js";
import type { ListRunsOptions, RunPage, RunRecord, RunStore } from "../store/index.js";
import type { CrewRunner, ResolveRunner } from "./crew-runner.js";
import { recoverRuns } from "./recover-runs.js";
import { ActiveRun, type RunContext, type RunLogger, type RunWatch } from "./run.js";
import { checkCursor } from "./check-cursor.js";
import { replayEventBatches } from "./replay-events.js";

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
  model?: RunContext["model"];
  logger?: RunLogger;
  /** Store write health: while degraded, `start` is refused with store_error (503). */
  storeHealth?: RunContext["storeHealth"];
}

/** What {@link RunManager.start} needs. */
export interface StartRunRequest {
  /** Crew name; the resolver's default crew when absent. */
  crew?: string;
  inputs?: unknown;
  /** Where the run was started from: "cli", "http", "ws", "chat", "web". */
  source?: string;
  /** What happens when the last watcher detaches (default "continue"). */
  onDisconnect?: "continue" | "cancel";
}

/** A run's status row with its progress by agent and task. */
export type RunDetails = RunRecord & { summary: RunSummary };

/** Options of {@link RunManager.events}. */
export interface RunEventsOptions {
  /** Last `seq` already seen (default 0: from the start). */
  after?: number;
  signal?: AbortSignal;
  /**
   * Most live events held for this consumer while it does not pull; past that it is dropped
   * with a `SlowConsumerError` (code too_many_requests) carrying its cursor (default 1024).
   */
  highWaterMark?: number;
}

/** Finished runs whose summaries are kept. */
const SUMMARY_CACHE_SIZE = 256;

/** The runs of one process; see the file comment. */
export class RunManager {
  readonly #store: RunStore;
  readonly #resolveRunner: ResolveRunner;
  readonly #max: number;
  readonly #context: RunContext;
  readonly #active = new Map<string, ActiveRun>();
  /** Summaries of finished runs, so polling one does not re-read its log each time. */
  readonly #summaries = new Map<string, { lastSeq: number; summary: RunSummary }>();
  readonly #queue: ActiveRun[] = [];
  readonly #finished = new Map<string, Promise<void>>();
  #running = 0;
  /** Runs being created that will queue: later runs must not overtake them. */
  #enqueuing = 0;
  #closed = false;

  constructor(options: RunManagerOptions) {
    this.#store = options.store;
    this.#resolveRunner = options.resolveRunner;
    this.#max = Math.max(1, options.maxConcurrentRuns ?? 4);
    this.#context = {
      store: options.store,
      logger: options.logger ?? { error: (message, details) => console.error(message, details) },
      flushMs: options.flushMs ?? 0,
      cancelGraceMs: options.cancelGraceMs ?? 10_000,
      ...(options.model === undefined ? {} : { model: options.model }),
      ...(options.storeHealth === undefined ? {} : { storeHealth: options.storeHealth }),
    };
  }

  /**
   * Validates the request (crew_not_found, bad_request, missing_input: no run is created on
   * error), creates the run and returns its record at once; the run executes in the background.
   */
  async start(request: StartRunRequest): Promise<RunRecord> {
    if (this.#closed)
      throw new CrewError(ErrorCode.CONFLICT, "The run manager is closed; no new runs start.");
    this.#context.storeHealth?.assertWritable();
    const parsed = inputsSchema.safeParse(request.inputs ?? {});
    if (!parsed.success)
      throw new CrewError(
        ErrorCode.BAD_REQUEST,
        "inputs must be a flat object of strings, numbers and booleans.",
      );
    const inputs = parsed.data;
    const onDisconnect = request.onDisconnect ?? "continue";
    if (onDisconnect !== "continue" && onDisconnect !== "cancel") {
      throw new CrewError(ErrorCode.BAD_REQUEST, 'onDisconnect must be "continue" or "cancel".');
    }
    const runner = await this.#resolve(request.crew);
    const missing = (runner.requiredInputs?.() ?? []).filter((name) => !(name in inputs));
    if (missing.length > 0) {
      throw new CrewError(
        ErrorCode.MISSING_INPUT,
        `Crew "${runner.name}" needs the input(s) ${missing.map((m) => `"${m}"`).join(", ")}; pass them in inputs.`,
      );
    }
    runner.validateInputs?.(inputs);
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
      });
      run = new ActiveRun(id, runner, inputs, onDisconnect, this.#context, () => {
        this.cancel(id).catch((error: unknown) =>
          this.#context.logger.error(`Run ${id}: cancel after the last watcher left failed`, error),
        );
      });
    } catch (error) {
      if (slot) this.#running -= 1;
      else this.#enqueuing -= 1;
      this.#pump();
      throw error;
    }
    this.#active.set(id, run);
    if (slot) {
      this.#launch(run);
    } else {
      this.#enqueuing -= 1;
      this.#queue.push(run);
      this.#pump();
    }
    return record;
  }

  /** The run's record and summary, or undefined. */
  async get(id: string): Promise<RunDetails | undefined> {
    const record = await this.#store.getRun(id);
    if (!record) return undefined;
    const live = this.#active.get(id);
    if (live) return { ...record, summary: live.summary.snapshot() };
    const cached = this.#summaries.get(id);
    if (cached && cached.lastSeq === record.lastSeq) return { ...record, summary: cached.summary };
    // Page by page: a long finished run is summarised without holding its whole log.
    const builder = new SummaryBuilder();
    for await (const batch of replayEventBatches(this.#store, id, 0)) builder.addAll(batch);
    const summary = builder.snapshot();
    this.#summaries.delete(id);
    this.#summaries.set(id, { lastSeq: record.lastSeq, summary });
    // The least recently summarised go first (a Map keeps insertion order).
    while (this.#summaries.size > SUMMARY_CACHE_SIZE)
      this.#summaries.delete(this.#summaries.keys().next().value as string);
    return { ...record, summary };
  }

  /** Recent runs, newest first, paged. */
  list(options: ListRunsOptions = {}): Promise<RunPage> {
    return this.#store.listRuns(options);
  }

  /**
   * Cancels a queued or running run and resolves with its record once `run.end` (cancelled) is
   * durable. A finished run is returned unchanged; an unknown id throws run_not_found.
   */
  async cancel(id: string): Promise<RunRecord> {
    const run = this.#active.get(id);
    if (run) {
      const queued = this.#queue.indexOf(run);
      if (queued >= 0) {
        this.#queue.splice(queued, 1);
        this.#finish(run, run.cancelQueued());
      } else {
        run.controller.abort(new CrewError(ErrorCode.CANCELLED, "The run was cancelled."));
      }
      await this.#finished.get(id);
    }
    const record = await this.#store.getRun(id);
    if (!record) throw new CrewError(ErrorCode.RUN_NOT_FOUND, `No run with id "${id}".`);
    return record;
  }

  /** Answers the run's pending `input.request` `requestId`; conflict if none is pending. */
  async answer(id: string, requestId: string, text: string): Promise<void> {
    const run = this.#active.get(id);
    if (!run) {
      if (await this.#store.getRun(id))
        throw new CrewError(ErrorCode.CONFLICT, `Run ${id} is not running; it cannot take input.`);
      throw new CrewError(ErrorCode.RUN_NOT_FOUND, `No run with id "${id}".`);
    }
    run.answer(requestId, text);
  }

  /** Attaches a watcher to a live run (a no-op handle for runs not live here). See `onDisconnect`. */
  watch(id: string): RunWatch {
    return this.#active.get(id)?.watch() ?? { release: () => undefined };
  }

  /**
   * The run's events after `after`: replayed from the store, then live, ending after `run.end`
   * (or when `signal` aborts). Throws run_not_found or bad_cursor on the first pull.
   */
  async *events(
    id: string,
    options: RunEventsOptions = {},
  ): AsyncGenerator<CrewEvent, void, undefined> {
    yield* await this.openEvents(id, options);
  }

  /** Like {@link RunManager.events}, but checks the run and cursor before resolving. */
  async openEvents(id: string, options: RunEventsOptions = {}): Promise<AsyncIterable<CrewEvent>> {
    return flattenBatches(await this.openEventBatches(id, options));
  }

  /**
   * Like {@link RunManager.openEvents}, in batches (never empty): replay pages, then live
   * batches shared by every watcher of the run, so transports can encode each batch once.
   */
  async openEventBatches(
    id: string,
    options: RunEventsOptions = {},
  ): Promise<AsyncIterable<readonly CrewEvent[]>> {
    const after = options.after ?? 0;
    const run = this.#active.get(id);
    const record = await this.#store.getRun(id);
    if (!record) throw new CrewError(ErrorCode.RUN_NOT_FOUND, `No run with id "${id}".`);
    checkCursor(after, Math.max(record.lastSeq, run?.log.lastSeq ?? 0));
    const signal = options.signal === undefined ? {} : { signal: options.signal };
    if (!run) return replayEventBatches(this.#store, id, after, signal);
    const hwm = options.highWaterMark === undefined ? {} : { highWaterMark: options.highWaterMark };
    return run.log.subscribeBatches(after, { ...signal, ...hwm });
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

  async #resolve(crew: string | undefined): Promise<CrewRunner> {
    try {
      return await this.#resolveRunner(crew);
    } catch (error) {
      throw toCrewError(error);
    }
  }

  /** Starts queued runs, oldest first, while slots are free. */
  #pump(): void {
    while (this.#running < this.#max && this.#queue.length > 0) {
      this.#running += 1;
      this.#launch(this.#queue.shift()!);
    }
  }

  /** Executes a run that holds a slot; the slot frees when its `run.end` is durable. */
  #launch(run: ActiveRun): void {
    this.#finish(run, run.execute(), () => (this.#running -= 1));
  }

  #finish(run: ActiveRun, done: Promise<void>, release?: () => void): void {
    const settled = done
      .catch((error: unknown) =>
        this.#context.logger.error(`Run ${run.id}: unexpected failure`, error),
      )
      .finally(() => {
        this.#active.delete(run.id);
        this.#finished.delete(run.id);
        release?.();
        this.#pump();
      });
    this.#finished.set(run.id, settled);
  }
}
