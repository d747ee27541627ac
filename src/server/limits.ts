/**
 * A cap on concurrent streams per client (SSE, JSONL and WebSocket connections), keyed by the
 * client's remote address. A client over the cap is answered 429.
 */
import { CrewError, ErrorCode } from "../events/index.js";

/** Default number of concurrent streams one client may hold. */
export const DEFAULT_MAX_STREAMS_PER_CLIENT = 16;

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
