/**
 * Batches one run's events into the store and publishes each batch once it is durable.
 *
 * While one batch is being appended, new events collect for the next, so a fast runner makes
 * few large appends and a slow one makes small prompt ones. At most `maxPending` events wait
 * in memory: past that, the runner is held back ({@link RunWriter.backpressure}).
 *
 * When an append fails (disk full, read-only file) nothing more of the run is written, its
 * watchers are failed (`sink.fail`), and the run's `run.end` (failed, `store_error`) is written
 * in the background, retried with backoff until the store takes it, so the run's status row
 * never stays `running` after the store recovers. Meanwhile the run counts against the
 * {@link StoreHealth}, which refuses new runs.
 */
import { CrewError, ErrorCode, toCrewError, type CrewEvent } from "../events/index.js";
import type { RunStore } from "../store/index.js";
import { endRun } from "./end-run.js";
import type { StoreHealth } from "./store-health.js";

const isTerminal = (status: string): boolean =>
  status === "completed" || status === "failed" || status === "cancelled";

/** Appends a run's events in batches, in order, publishing each batch after it is stored. */
export class RunWriter {
  #pending: CrewEvent[] = [];
  #draining: Promise<void> | undefined;
  #failure: CrewError | undefined;
  #ended: Promise<void> | undefined;

  constructor(
    private readonly runId: string,
    private readonly store: RunStore,
    private readonly flushMs: number,
    private readonly sink: {
      /** Called with each batch once it is durable, in order. */
      publish(batch: readonly CrewEvent[]): void;
      /** Called once when an append (or a publish) fails. */
      fail(error: CrewError): void;
      /** Told of the failure until the run's end is written. */
      health?: StoreHealth | undefined;
      /** Called after each append with its size and how long the store took. */
      appended?(count: number, ms: number): void;
    },
    private readonly maxPending = 1000,
  ) {}

  /** Set once an append failed: nothing more is written for this run. */
  get failure(): CrewError | undefined {
    return this.#failure;
  }

  /** Queues an event for the next batch. */
  enqueue(event: CrewEvent): void {
    if (this.#failure) return;
    this.#pending.push(event);
    this.#draining ??= this.#drain();
  }

  /** Waits while too many events are not stored yet. */
  async backpressure(): Promise<void> {
    while (this.#pending.length >= this.maxPending && this.#draining) await this.#draining;
  }

  /** Resolves when every queued event is stored and published (or the store failed). */
  async drained(): Promise<void> {
    while (this.#draining) await this.#draining;
  }

  /** Resolves once the `run.end` written after a failure is durable (at once if none failed). */
  get ended(): Promise<void> {
    return this.#ended ?? Promise.resolve();
  }

  async #drain(): Promise<void> {
    try {
      while (this.#pending.length > 0) {
        if (this.flushMs > 0) await new Promise((resolve) => setTimeout(resolve, this.flushMs));
        const batch = this.#pending;
        this.#pending = [];
        const started = performance.now();
        await this.store.appendEvents(this.runId, batch).catch((error: unknown) => {
          throw CrewError.is(error)
            ? error
            : new CrewError(
                ErrorCode.STORE_ERROR,
                `The run store failed a write: ${error instanceof Error ? error.message : String(error)}`,
                { cause: error },
              );
        });
        this.sink.appended?.(batch.length, performance.now() - started);
        this.sink.publish(batch);
      }
    } catch (error) {
      this.#failure = toCrewError(error);
      this.#pending = [];
      this.sink.health?.failed(this.runId, this.#failure);
      this.#ended = this.#endAfterFailure(this.#failure);
      this.sink.fail(this.#failure);
    } finally {
      this.#draining = undefined;
    }
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
