/**
 * Per-client caps: concurrent streams (SSE, JSONL, WebSocket connections and the runs each
 * socket watches) and unfinished runs started in the background, keyed by the client's remote
 * address. A client over a cap is answered 429.
 */
import { CrewError, ErrorCode } from "../events/index.js";
import type { RunService } from "../runs/index.js";

/**
 * Default number of concurrent streams one client may hold: a browser with a few tabs, each
 * watching a run and its history, plus a script, stay well under it on one machine.
 */
export const DEFAULT_MAX_STREAMS_PER_CLIENT = 64;

/** Counts open streams per client key. */
export class StreamLimiter {
  readonly #open = new Map<string, number>();

  constructor(readonly maxPerClient: number = DEFAULT_MAX_STREAMS_PER_CLIENT) {}

  /**
   * Takes a slot for `client` and returns the function that gives it back (idempotent).
   * Throws `too_many_requests` when the client already holds `maxPerClient` streams.
   */
  acquire(client: string): () => void {
    const open = this.#open.get(client) ?? 0;
    if (open >= this.maxPerClient) {
      throw new CrewError(
        ErrorCode.TOO_MANY_REQUESTS,
        `Too many open streams from this client (${open} of ${this.maxPerClient}); close one and try again.`,
      );
    }
    this.#open.set(client, open + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const now = (this.#open.get(client) ?? 1) - 1;
      if (now <= 0) this.#open.delete(client);
      else this.#open.set(client, now);
    };
  }

  /** Streams every client holds now, together. */
  get totalStreams(): number {
    let total = 0;
    for (const open of this.#open.values()) total += open;
    return total;
  }

  /** Streams `client` holds now. */
  openStreams(client: string): number {
    return this.#open.get(client) ?? 0;
  }
}

/** Default number of unfinished runs (queued or running) one client may have started. */
export const DEFAULT_MAX_RUNS_PER_CLIENT = 100;

/** A slot in a {@link RunQuota}, taken before a run starts. */
export interface RunSlot {
  /** The run started: the slot is held until `ended` settles. */
  hold(ended: Promise<unknown>): void;
  /** The run did not start: the slot is given back. */
  cancel(): void;
}

/**
 * A cap on how many unfinished runs one client may have started in the background, so one
 * client cannot fill the queue for everyone (runs past the concurrency cap queue without
 * bound otherwise). A client over the cap is answered 429.
 */
export class RunQuota {
  readonly #open = new Map<string, number>();

  constructor(readonly maxPerClient: number = DEFAULT_MAX_RUNS_PER_CLIENT) {}

  /** Takes a slot for `client`; throws `too_many_requests` when it has `maxPerClient` runs. */
  reserve(client: string): RunSlot {
    const open = this.#open.get(client) ?? 0;
    if (open >= this.maxPerClient) {
      throw new CrewError(
        ErrorCode.TOO_MANY_REQUESTS,
        `This client has ${open} unfinished runs, the most allowed; wait for some to end or cancel them.`,
      );
    }
    this.#open.set(client, open + 1);
    let given = false;
    const giveBack = (): void => {
      if (given) return;
      given = true;
      const now = (this.#open.get(client) ?? 1) - 1;
      if (now <= 0) this.#open.delete(client);
      else this.#open.set(client, now);
    };
    return {
      hold: (ended) => void ended.finally(giveBack).catch(() => undefined),
      cancel: giveBack,
    };
  }

  /** Unfinished runs `client` started. */
  openRuns(client: string): number {
    return this.#open.get(client) ?? 0;
  }
}

/**
 * Resolves when the run's log ends (its `run.end`, or the run is gone); never rejects. Reads the
 * run like a watcher that is not counted as one.
 */
export async function runEnded(runs: Pick<RunService, "openEvents">, runId: string): Promise<void> {
  try {
    for await (const batch of await runs.openEvents(runId, { after: 0 })) {
      if (batch[batch.length - 1]?.type === "run.end") return;
    }
  } catch {
    // A failed or dropped read: the run is over for this client's count either way.
  }
}
