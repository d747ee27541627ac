/**
 * Whether the run store takes writes. A {@link RunWriter} whose append failed reports its run
 * here until it has written that run's `run.end`; meanwhile the store counts as degraded: new
 * runs are refused with `store_error` (503) and `GET /api/health` says so.
 */
import { CrewError, ErrorCode } from "../events/index.js";

/** Options of {@link StoreHealth}. */
export interface StoreHealthOptions {
  /** First wait before writing a failed run's end again (default 100 ms); doubles each time. */
  retryMinMs?: number;
  /** Longest wait between attempts (default 2 s). */
  retryMaxMs?: number;
}

/** What `GET /api/health` reports of the store. */
export interface StoreHealthReport {
  status: "ok" | "degraded";
  /** Runs whose end could not be written yet. */
  failingRuns: number;
  /** The last write failure, while degraded. */
  error?: { code: string; message: string };
}

/** The store's write health, shared by the writers of every run of a process. */
export class StoreHealth {
  readonly retryMinMs: number;
  readonly retryMaxMs: number;
  readonly #failing = new Map<string, CrewError>();
  #lastError: CrewError | undefined;
  #closed = false;

  constructor(options: StoreHealthOptions = {}) {
    this.retryMinMs = options.retryMinMs ?? 100;
    this.retryMaxMs = options.retryMaxMs ?? 2_000;
  }

  /** True while some run's events could not be written. */
  get degraded(): boolean {
    return this.#failing.size > 0;
  }

  /** True once {@link close} was called: writers stop retrying. */
  get closed(): boolean {
    return this.#closed;
  }

  /** The store's state for a health check. */
  report(): StoreHealthReport {
    if (!this.degraded) return { status: "ok", failingRuns: 0 };
    return {
      status: "degraded",
      failingRuns: this.#failing.size,
      ...(this.#lastError ? { error: this.#lastError.toInfo() } : {}),
    };
  }

  /** Throws `store_error` while degraded: nothing new should be started on a failing store. */
  assertWritable(): void {
    if (!this.degraded) return;
    throw new CrewError(
      ErrorCode.STORE_ERROR,
      `The run store is failing to write (${this.#lastError?.message ?? "unknown error"}); no new runs start until it recovers. Try again later.`,
      { retryable: true },
    );
  }

  /** A write of `runId` failed. */
  failed(runId: string, error: CrewError): void {
    this.#failing.set(runId, error);
    this.#lastError = error;
  }

  /** `runId`'s end is durable (or no longer this process's business). */
  recovered(runId: string): void {
    this.#failing.delete(runId);
    if (this.#failing.size === 0) this.#lastError = undefined;
  }

  /** Stops the writers' retries (the store is closing). */
  close(): void {
    this.#closed = true;
  }
}
