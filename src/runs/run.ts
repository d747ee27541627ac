/**
 * One live run, in a {@link RunManager} or a worker: drives its runner, makes each event durable
 * in the store (batched) before publishing it to watchers, answers human input, and guarantees
 * the run's log ends with exactly one `run.end`.
 */
import type { InputHandler } from "../crew/index.js";
import { RUN_AHEAD_EVENTS } from "../engine/index.js";
import {
  addUsage,
  CrewError,
  ErrorCode,
  EventStamper,
  toCrewError,
  ZERO_USAGE,
  type CrewEvent,
  type ErrorInfo,
  type Inputs,
  type RunEndStatus,
  type Usage,
  EventLog,
} from "../events/index.js";
import type { RateLimiterLike } from "../llm/index.js";
import type { LongTermMemoryStore, RunStore } from "../store/index.js";
import type { CrewRunner, RunnerOptions } from "./crew-runner.js";
import { GRACE_OVER, graceAfterAbort } from "./abort-grace.js";
import { conversationFor, historyBudget } from "./conversation.js";
import { memoryFor } from "./crew-memory.js";
import { InputRequests } from "./input-requests.js";
import type { RunObserver } from "./run-observer.js";
import { RunWriter } from "./run-writer.js";
import type { StoreHealth } from "./store-health.js";

/**
 * Events a run may publish ahead of what its waiting watchers were handed before it waits for
 * them (see `EventLog.undelivered`).
 */
const MAX_UNDELIVERED = 128;

/**
 * Events a run takes from its crew in one go before it lets the event loop turn. A model's
 * burst (a whole answer in one network read) is otherwise handled in one chain of promise
 * reactions, and requests arriving meanwhile (another client's start, a health check) wait
 * for every run's burst to end. As many as the crew's model turn may run ahead before it
 * waits, so the chain ends there too.
 */
const EVENTS_PER_TURN = RUN_AHEAD_EVENTS;

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Where the manager's log messages go. */
export interface RunLogger {
  error(message: string, details?: unknown): void;
  /** A logger whose records also carry `bindings` (a structured log's run id and crew). */
  child?(bindings: Record<string, string>): RunLogger;
}

/** What an {@link ActiveRun} needs from the manager or worker executing it. */
export interface ActiveRunContext {
  store: RunStore;
  logger: RunLogger;
  /** Extra wait before a batch is appended, to batch more (0: as soon as the last batch is stored). */
  flushMs: number;
  /** How long an aborted runner may take to end before the run is ended without it. */
  cancelGraceMs: number;
  /** Passed to the runner as `RunnerOptions.model`. */
  model?: NonNullable<RunnerOptions["model"]>;
  /** Passed to the runner as `RunnerOptions.rateLimiter` (e.g. one shared by several workers). */
  rateLimiter?: RateLimiterLike;
  /** Told when the store fails a write, until the run's end is written. */
  storeHealth?: StoreHealth;
  /** Sees every event and store append (metrics, traces). */
  observer?: RunObserver;
  /** Long-term memory of crews; runs of crews with `memory: true` recall and save there. */
  memory?: LongTermMemoryStore;
  /** Token budget of a thread's conversation given to its runs (default `CREWSTREAM_THREAD_HISTORY_TOKENS`, else 2000). */
  historyTokens?: number;
}

/** A run the manager is executing or holding in its queue. */
export class ActiveRun {
  readonly controller = new AbortController();
  readonly log: EventLog;
  readonly #writer: RunWriter;
  readonly #inputs: InputRequests;
  readonly #log: RunLogger;
  #usage: Usage = ZERO_USAGE;
  #seq = 0;

  constructor(
    readonly id: string,
    readonly runner: CrewRunner,
    readonly inputs: Inputs,
    private readonly context: ActiveRunContext,
    /** The run's batch, time limit and thread, as stored on its record. */
    private readonly settings: {
      batchId?: string | undefined;
      timeoutMs?: number | undefined;
      threadId?: string | undefined;
    } = {},
  ) {
    this.#inputs = new InputRequests(id);
    this.#log = context.logger.child?.({ runId: id, crew: runner.name }) ?? context.logger;
    this.log = new EventLog({
      runId: id,
      read: (after, limit) => context.store.readEvents(id, after, limit),
      ...(context.observer?.slowConsumerDropped
        ? { onDrop: () => context.observer?.slowConsumerDropped?.(id) }
        : {}),
    });
    this.#writer = new RunWriter(id, context.store, context.flushMs, {
      publish: (batch) => this.log.publish(batch),
      fail: (error) => {
        this.#log.error(`Run ${id}: storing its events failed; the run is stopped`, error);
        this.log.fail(error);
        this.controller.abort(error);
      },
      health: context.storeHealth,
      appended: (count, ms) => context.observer?.appended?.(id, count, ms),
    });
  }

  /** Runs the runner to its end; resolves once `run.end` is durable (or the store failed). */
  async execute(): Promise<void> {
    const started = Date.now();
    const signal = this.controller.signal;
    const grace = graceAfterAbort(signal, this.context.cancelGraceMs);
    let end: CrewEvent | undefined;
    let failure: unknown;
    let iterator: AsyncIterator<CrewEvent> | undefined;
    try {
      const onInputRequest: InputHandler = (request, abort) =>
        this.#inputs.wait(request.requestId, abort);
      const conversation =
        this.settings.threadId === undefined
          ? ""
          : await conversationFor(
              this.context.store,
              this.settings.threadId,
              this.id,
              historyBudget(this.context.historyTokens),
            );
      const options: RunnerOptions = {
        signal,
        runId: this.id,
        onInputRequest,
        ...(this.settings.threadId === undefined ? {} : { threadId: this.settings.threadId }),
        ...(conversation === "" ? {} : { conversation }),
        ...(this.context.memory
          ? { memory: memoryFor(this.context.memory, this.runner.name) }
          : {}),
        ...(this.context.model ? { model: this.context.model } : {}),
        ...(this.context.rateLimiter ? { rateLimiter: this.context.rateLimiter } : {}),
        ...(this.settings.batchId === undefined ? {} : { batchId: this.settings.batchId }),
        ...(this.settings.timeoutMs === undefined ? {} : { timeoutMs: this.settings.timeoutMs }),
      };
      iterator = this.runner.stream(this.inputs, options)[Symbol.asyncIterator]();
      let inTurn = 0;
      for (;;) {
        const next = await grace.race(iterator.next());
        if (next === GRACE_OVER) {
          this.#log.error(
            `Run ${this.id}: the crew did not stop within ${this.context.cancelGraceMs} ms of cancel.`,
          );
          break;
        }
        if (next.done) break;
        const event = next.value;
        if (event.runId !== this.id || event.seq !== this.#seq + 1) {
          throw new CrewError(
            ErrorCode.INTERNAL,
            `Crew "${this.runner.name}" yielded seq ${event.seq} of run ${event.runId}, expected seq ${this.#seq + 1} of run ${this.id}.`,
          );
        }
        this.#accept(event);
        if (event.type === "run.end") {
          end = event;
          break;
        }
        // Checked before awaiting: an await per event costs a promise job when nothing waits.
        if (this.#writer.held) await this.#writer.backpressure();
        if (this.#writer.failure) break;
        // Watchers waiting for the run's events get them in the process's delivery turns: a
        // run that publishes faster than those go round waits for them rather than piling up
        // events (a watcher that is not waiting, e.g. its socket is full, holds nobody up).
        if (this.log.undelivered >= MAX_UNDELIVERED) await this.log.delivered();
        else if (++inTurn >= EVENTS_PER_TURN) {
          inTurn = 0;
          await nextTurn();
        }
      }
    } catch (error) {
      failure = error;
      this.#log.error(`Run ${this.id}: crew "${this.runner.name}" failed`, error);
    } finally {
      grace.clear();
      // A runner that ended cleanly or threw is finished; one that ignored the abort is left alone.
      if (end && iterator?.return)
        await iterator
          .return()
          .catch((error: unknown) =>
            this.#log.error(`Run ${this.id}: closing the crew's stream failed`, error),
          );
    }
    if (!end && !this.#writer.failure) {
      if (failure === undefined && !signal.aborted) {
        this.#log.error(`Run ${this.id}: crew "${this.runner.name}" ended without run.end.`);
      }
      const error: ErrorInfo | undefined =
        signal.aborted && failure === undefined
          ? undefined
          : (failure === undefined
              ? new CrewError(ErrorCode.INTERNAL, "The crew ended without finishing the run.")
              : toCrewError(failure)
            ).toInfo();
      this.#end(
        signal.aborted && failure === undefined ? "cancelled" : "failed",
        Date.now() - started,
        error,
      );
    }
    await this.#writer.drained();
  }

  /** Ends a run that never started (cancelled in the queue) with `run.start` and `run.end`. */
  async cancelQueued(): Promise<void> {
    this.#end("cancelled", 0, {
      code: ErrorCode.CANCELLED,
      message: "The run was cancelled before it started.",
    });
    await this.#writer.drained();
  }

  /** Answers a pending `input.request`; throws conflict if none with that id is pending. */
  answer(requestId: string, text: string): void {
    this.#inputs.answer(requestId, text);
  }

  #accept(event: CrewEvent): void {
    this.#seq = event.seq;
    this.#inputs.track(event);
    if (event.type === "task.end") this.#usage = addUsage(this.#usage, event.usage);
    this.context.observer?.event?.(event);
    this.#writer.enqueue(event);
  }

  /** Writes the missing `run.start` (if nothing was written) and a `run.end`. */
  #end(status: RunEndStatus, durationMs: number, error: ErrorInfo | undefined): void {
    const stamper = new EventStamper(this.id, this.#seq);
    if (this.#seq === 0) {
      const info = this.runner.info?.() ?? {
        process: "sequential" as const,
        agents: [],
        tasks: [],
      };
      this.#accept(
        stamper.stamp({
          type: "run.start",
          crew: this.runner.name,
          process: info.process,
          inputs: this.inputs,
          agents: info.agents,
          tasks: info.tasks,
          ...(this.settings.threadId === undefined ? {} : { threadId: this.settings.threadId }),
        }),
      );
    }
    this.#accept(
      stamper.stamp({
        type: "run.end",
        status,
        ...(error ? { error } : {}),
        usage: this.#usage,
        durationMs,
      }),
    );
  }
}
