/**
 * Batches one run's events into the store and publishes each batch once it is durable.
 *
 * While one batch is being appended, new events collect for the next, so a fast runner makes
 * few large appends and a slow one makes small prompt ones. At most `maxPending` events wait
 * in memory: past that, the runner is held back ({@link RunWriter.backpressure}).
 */
import { toCrewError, type CrewError, type CrewEvent } from "../events/index.js";
import type { RunStore } from "../store/index.js";

/** Appends a run's events in batches, in order, publishing each batch after it is stored. */
export class RunWriter {
  #pending: CrewEvent[] = [];
  #draining: Promise<void> | undefined;
  #failure: CrewError | undefined;

  constructor(
    private readonly runId: string,
    private readonly store: RunStore,
    private readonly flushMs: number,
    private readonly sink: {
      /** Called with each batch once it is durable, in order. */
      publish(batch: readonly CrewEvent[]): void;
      /** Called once when an append (or a publish) fails. */
      fail(error: CrewError): void;
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

  async #drain(): Promise<void> {
    try {
      while (this.#pending.length > 0) {
        if (this.flushMs > 0) await new Promise((resolve) => setTimeout(resolve, this.flushMs));
        const batch = this.#pending;
        this.#pending = [];
        const started = performance.now();
        await this.store.appendEvents(this.runId, batch);
        this.sink.appended?.(batch.length, performance.now() - started);
        this.sink.publish(batch);
      }
    } catch (error) {
      this.#failure = toCrewError(error);
      this.#pending = [];
      this.sink.fail(this.#failure);
    } finally {
      this.#draining = undefined;
    }
  }
}
