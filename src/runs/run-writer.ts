/**
 * Batches one run's events into the store and publishes each batch once it is durable.
 *
 * Hand-off policy: the first event of a quiet run goes to the store at once. While an append is
 * in flight, new events collect for the next one, so a fast runner makes few large appends; but
 * they are handed off anyway, without waiting for the append in flight, once the oldest has
 * waited `maxDelayMs` or `maxBatchEvents` have collected. A burst of tokens is therefore stored
 * and shown in chunks as it is parsed, never only after the whole burst. Appends settle in the
 * order they were made (every store commits in call order), and batches are published in that
 * order, each only after its own append resolved: a watcher never sees an event that is not
 * durable.
 *
 * At most `maxPending` events wait in memory: past that, the runner is held back
 * ({@link RunWriter.backpressure}).
 *
 * When an append fails (disk full, read-only file) nothing more of the run is written or
 * published, its watchers are failed (`sink.fail`), and the run's `run.end` (failed,
 * `store_error`) is written in the background, retried with backoff until the store takes it, so
 * the run's status row never stays `running` after the store recovers. Meanwhile the run counts
 * against the {@link StoreHealth}, which refuses new runs.
 */
import { CrewError, ErrorCode, toCrewError, type CrewEvent } from "../events/index.js";
import type { RunStore } from "../store/index.js";
import { endRun } from "./end-run.js";
import type { StoreHealth } from "./store-health.js";

const isTerminal = (status: string): boolean =>
  status === "completed" || status === "failed" || status === "cancelled";

/** What a {@link RunWriter} reports to. */
export interface RunWriterSink {
  /** Called with each batch once it is durable, in order. */
  publish(batch: readonly CrewEvent[]): void;
  /** Called once when an append (or a publish) fails. */
  fail(error: CrewError): void;
  /** Told of the failure until the run's end is written. */
  health?: StoreHealth | undefined;
  /** Called after each append with its size and how long the store took. */
  appended?(count: number, ms: number): void;
}

/** Tuning of a {@link RunWriter}'s hand-off policy; the defaults suit every store. */
export interface RunWriterTuning {
  /** Longest an event waits for the append in flight before it is handed off anyway (default 1). */
  maxDelayMs?: number;
  /** Events collected while an append is in flight before they are handed off anyway (default 256). */
  maxBatchEvents?: number;
  /** Milliseconds clock; tests give a fake one. */
  now?: () => number;
}

/** Appends a run's events in batches, in order, publishing each batch after it is stored. */
export class RunWriter {
  readonly #maxPending: number;
  readonly #maxDelayMs: number;
  readonly #maxBatchEvents: number;
  readonly #flushMs: number;
  readonly #now: () => number;
  #pending: CrewEvent[] = [];
  /** When the oldest pending event was queued. */
  #pendingSince = 0;
  /** Appends made and not yet settled, and the events they carry. */
  #inFlight = 0;
  #inFlightEvents = 0;
  /** Settles after the last append made so far was published (or failed). */
  #published: Promise<void> = Promise.resolve();
  #flushTimer: ReturnType<typeof setTimeout> | undefined;
  #failure: CrewError | undefined;
  #ended: Promise<void> | undefined;

  /**
   * @param flushMs extra wait before a quiet run's first event is handed off, to batch more (0: none).
   * @param maxPending events held in memory before the runner is held back.
   */
  constructor(
    private readonly runId: string,
    private readonly store: RunStore,
    flushMs: number,
    private readonly sink: RunWriterSink,
    maxPending = 1000,
    tuning: RunWriterTuning = {},
  ) {
    this.#flushMs = flushMs;
    this.#maxPending = maxPending;
    this.#maxDelayMs = tuning.maxDelayMs ?? 1;
    this.#maxBatchEvents = tuning.maxBatchEvents ?? 256;
    this.#now = tuning.now ?? (() => performance.now());
  }

  /** Set once an append failed: nothing more is written for this run. */
  get failure(): CrewError | undefined {
    return this.#failure;
  }

  /** Queues an event; it is handed to the store by the policy in the file comment. */
  enqueue(event: CrewEvent): void {
    if (this.#failure) return;
    const now = this.#now();
    if (this.#pending.length === 0) this.#pendingSince = now;
    this.#pending.push(event);
    if (this.#inFlight === 0) {
      if (this.#flushMs <= 0) this.#handOff();
      else this.#flushTimer ??= setTimeout(() => this.#handOff(), this.#flushMs);
    } else if (
      this.#pending.length >= this.#maxBatchEvents ||
      now - this.#pendingSince >= this.#maxDelayMs
    ) {
      this.#handOff();
    }
  }

  /** Whether too many events are not stored yet: {@link RunWriter.backpressure} would wait. */
  get held(): boolean {
    return this.#pending.length + this.#inFlightEvents >= this.#maxPending && this.#busy;
  }

  /** Waits while too many events are not stored yet. */
  async backpressure(): Promise<void> {
    while (this.held) await this.#published;
  }

  /** Resolves when every queued event is stored and published (or the store failed). */
  async drained(): Promise<void> {
    while (this.#busy) {
      if (this.#inFlight === 0) this.#handOff();
      await this.#published;
    }
  }

  /** Resolves once the `run.end` written after a failure is durable (at once if none failed). */
  get ended(): Promise<void> {
    return this.#ended ?? Promise.resolve();
  }

  get #busy(): boolean {
    return !this.#failure && (this.#inFlight > 0 || this.#pending.length > 0);
  }

  /** Appends the pending events now, publishing them after every earlier batch. */
  #handOff(): void {
    if (this.#flushTimer !== undefined) clearTimeout(this.#flushTimer);
    this.#flushTimer = undefined;
    const batch = this.#pending;
    if (batch.length === 0 || this.#failure) return;
    this.#pending = [];
    this.#inFlight += 1;
    this.#inFlightEvents += batch.length;
    const started = this.#now();
    const stored = this.store.appendEvents(this.runId, batch);
    const previous = this.#published;
    this.#published = stored.then(
      async () => {
        this.sink.appended?.(batch.length, this.#now() - started);
        // Earlier appends settle first (stores commit in call order); wait for their publish
        // anyway, so a batch is never shown before the one it follows.
        await previous;
        this.#inFlight -= 1;
        this.#inFlightEvents -= batch.length;
        if (this.#failure) return;
        try {
          this.sink.publish(batch);
        } catch (error) {
          this.#failed(error);
          return;
        }
        // A quiet run hands the events collected meanwhile off now.
        if (this.#inFlight === 0) this.#handOff();
      },
      async (error: unknown) => {
        await previous;
        this.#inFlight -= 1;
        this.#inFlightEvents -= batch.length;
        this.#failed(error);
      },
    );
  }

  #failed(error: unknown): void {
    if (this.#failure) return;
    this.#failure = CrewError.is(error)
      ? error
      : new CrewError(
          ErrorCode.STORE_ERROR,
          `The run store failed a write: ${error instanceof Error ? error.message : String(error)}`,
          { cause: error },
        );
    this.#pending = [];
    this.sink.health?.failed(this.runId, this.#failure);
    this.#ended = this.#endAfterFailure(this.#failure);
    this.sink.fail(this.#failure);
  }

  /**
   * Writes `run.end` (failed, `store_error`) right after the run's last durable event, retrying
   * with backoff until the store takes it. Stops when the run was ended by someone else or the
   * store is closed (both answer `conflict`), or when the health hook is closed: crash recovery
   * ends the run on the next start then.
   */
  async #endAfterFailure(failure: CrewError): Promise<void> {
    const minMs = this.sink.health?.retryMinMs ?? 100;
    const maxMs = this.sink.health?.retryMaxMs ?? 2_000;
    const error = {
      code: ErrorCode.STORE_ERROR,
      message: `Storing this run's events failed, so it was stopped: ${failure.message}`,
    };
    for (let delay = minMs; !this.sink.health?.closed; delay = Math.min(delay * 2, maxMs)) {
      await new Promise((resolve) => setTimeout(resolve, delay).unref());
      if (this.sink.health?.closed) return;
      try {
        const record = await this.store.getRun(this.runId);
        if (record && !isTerminal(record.status)) await endRun(this.store, record, "failed", error);
        break;
      } catch (retryError) {
        if (toCrewError(retryError).code === ErrorCode.CONFLICT) break;
      }
    }
    this.sink.health?.recovered(this.runId);
  }
}
