/**
 * Blocking stream reads (`XREAD BLOCK`) for live subscribers. A blocked read holds its Redis
 * connection, so each waiting subscriber borrows one from a pool; an abort wakes it at once
 * with `CLIENT UNBLOCK` sent over the store's command connection.
 */
import type { Redis } from "ioredis";

/** One pooled connection and its server-side client id (changes on reconnect). */
interface Blocker {
  redis: Redis;
  clientId: number | undefined;
}

/** Raw entries of one stream as XREAD answers them. */
export type StreamEntries = Array<[id: string, fields: string[]]>;

/** A pool of connections for blocking reads. */
export class BlockingReads {
  readonly #idle: Blocker[] = [];
  readonly #all = new Set<Blocker>();
  #closed = false;

  constructor(
    private readonly connect: () => Redis,
    /** The command connection, used to unblock a read on abort. */
    private readonly control: Redis,
    /** Most idle connections kept for reuse; more are closed when returned. */
    private readonly maxIdle = 32,
  ) {}

  /**
   * Entries of `key` after stream id `afterId`, waiting up to `blockMs` for the first one.
   * Resolves with [] on timeout or abort.
   */
  async read(
    key: string,
    afterId: string,
    count: number,
    blockMs: number,
    signal?: AbortSignal,
  ): Promise<StreamEntries> {
    if (signal?.aborted) return [];
    const blocker = await this.#borrow();
    const onAbort = (): void => {
      if (blocker.clientId !== undefined)
        this.control.client("UNBLOCK", blocker.clientId).catch(() => undefined);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
    try {
      const reply = await blocker.redis.xread(
        "COUNT",
        count,
        "BLOCK",
        blockMs,
        "STREAMS",
        key,
        afterId,
      );
      return reply?.[0]?.[1] ?? [];
    } finally {
      signal?.removeEventListener("abort", onAbort);
      this.#return(blocker);
    }
  }

  /** Closes every connection; reads in flight end with a connection error. */
  close(): void {
    this.#closed = true;
    for (const blocker of this.#all) blocker.redis.disconnect();
    this.#all.clear();
    this.#idle.length = 0;
  }

  async #borrow(): Promise<Blocker> {
    const idle = this.#idle.pop();
    if (idle) return idle;
    const blocker: Blocker = { redis: this.connect(), clientId: undefined };
    this.#all.add(blocker);
    const learnId = (): void => {
      blocker.redis
        .client("ID")
        .then((id) => (blocker.clientId = Number(id)))
        .catch(() => (blocker.clientId = undefined));
    };
    blocker.redis.on("ready", learnId);
    blocker.redis.on("error", () => undefined);
    blocker.clientId = Number(await blocker.redis.client("ID"));
    return blocker;
  }

  #return(blocker: Blocker): void {
    if (this.#closed || this.#idle.length >= this.maxIdle) {
      this.#all.delete(blocker);
      blocker.redis.disconnect();
      return;
    }
    this.#idle.push(blocker);
  }
}
