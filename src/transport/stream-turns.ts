/**
 * Shares the event loop between the event streams of the process and everything else it
 * serves: new connections, API requests, the runs themselves.
 *
 * What takes turns here is catching up on replayed pages; the live batches of a run take
 * their turns in the run's event log (its delivery turns), which hands them over in slices.
 *
 * Why it is needed: a thousand watchers joining a long run each have the whole log to catch
 * up on, and each step of a catch-up (a page read from the store's cache, one buffer written
 * to a socket the kernel drains at once) resolves without waiting for I/O. Left alone they
 * would fill whole turns of the event loop, and Node (libuv) accepts one connection per turn:
 * a client queued behind a hundred joining watchers waited a hundred of those turns, seconds.
 *
 * Contract:
 * - a step (one batch written to a socket: one write of an SSE response, one message per event
 *   of a WebSocket) is taken between {@link StreamTurns.turn} and
 *   {@link StreamTurns.done}, one stream at a time, only inside a slice of
 *   {@link StreamTurnsOptions.sliceBytes} (the last step may pass its end); a slice begins once
 *   per turn of the event loop, after I/O was polled (a `setImmediate`), so a turn holds at
 *   most about one slice of stream work besides the rest of what the process does. Slices are
 *   counted in bytes, not time: a busy machine that pauses the process then slows every part
 *   of it alike, instead of shrinking the catch-ups' share;
 * - while requests keep arriving (see {@link StreamTurns.requestArrived}) a turn gets one step
 *   only, so that queued connections are accepted at close to the rate the loop can turn,
 *   with the streams still moving;
 * - each step goes to the waiting stream that was opened first: catch-ups complete in about
 *   the order their clients came instead of all crawling along together, so only a few are
 *   part-way at once;
 * - a stream waiting for its socket to drain, or for the run's next event, is not waiting
 *   here and holds nobody up.
 */

/** Options of {@link StreamTurns}. */
export interface StreamTurnsOptions {
  /** Bytes written per turn of the event loop (default 1 MiB). */
  sliceBytes?: number;
}

interface Waiter {
  rank: number;
  admit: () => void;
}

/** A binary min-heap of waiters by rank (the oldest stream on top). */
class WaiterHeap {
  readonly #items: Waiter[] = [];

  get size(): number {
    return this.#items.length;
  }

  peek(): Waiter | undefined {
    return this.#items[0];
  }

  push(waiter: Waiter): void {
    const items = this.#items;
    items.push(waiter);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (items[parent]!.rank <= waiter.rank) break;
      items[i] = items[parent]!;
      i = parent;
    }
    items[i] = waiter;
  }

  pop(): Waiter | undefined {
    const items = this.#items;
    const top = items[0];
    const last = items.pop();
    if (top === undefined || last === undefined || items.length === 0) return top;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= items.length) break;
      const right = left + 1;
      const child = right < items.length && items[right]!.rank < items[left]!.rank ? right : left;
      if (items[child]!.rank >= last.rank) break;
      items[i] = items[child]!;
      i = child;
    }
    items[i] = last;
    return top;
  }
}

/** Slices of event-loop time for event streams; see the file comment. */
export class StreamTurns {
  readonly #sliceBytes: number;
  readonly #waiting = new WaiterHeap();
  #nextRank = 0;
  /** Bytes left in the current slice (none until the first slice opens). */
  #left = 0;
  /** A stream is taking its step (between `turn` and `done`). */
  #stepping = false;
  #scheduled = false;
  #arrived = false;

  constructor(options: StreamTurnsOptions = {}) {
    this.#sliceBytes = options.sliceBytes ?? 1024 * 1024;
  }

  /** A rank for a new stream: streams opened earlier are served first. */
  rank(): number {
    return this.#nextRank++;
  }

  /** Notes that a request came in: the next slices are short while more may be queued. */
  requestArrived(): void {
    this.#arrived = true;
  }

  /**
   * Asks for one step for the stream ranked `rank`: undefined when it may take it at once,
   * else a promise that resolves when it may. Either way the caller must call
   * {@link StreamTurns.done} once the step is taken (or given up), synchronously after it.
   */
  turn(rank: number): Promise<void> | undefined {
    const first = this.#waiting.peek();
    if (!this.#stepping && this.#left > 0 && (first === undefined || first.rank > rank)) {
      this.#stepping = true;
      return undefined;
    }
    return new Promise((admit) => {
      this.#waiting.push({ rank, admit });
      if (!this.#stepping) this.#next();
    });
  }

  /** Ends the step {@link StreamTurns.turn} granted, which wrote `bytes`; hands the next one on. */
  done(bytes: number): void {
    this.#stepping = false;
    this.#left -= bytes;
    this.#next();
  }

  /** Streams waiting for a step (for tests and metrics). */
  get waiting(): number {
    return this.#waiting.size;
  }

  /** Grants the next step to the oldest waiter while the slice lasts, else waits for the next. */
  #next(): void {
    if (this.#waiting.size === 0) return;
    if (this.#left <= 0) {
      this.#schedule();
      return;
    }
    this.#stepping = true;
    this.#waiting.pop()!.admit();
  }

  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(this.#slice);
  }

  /** Opens a slice: once per turn of the event loop while streams wait. */
  readonly #slice = (): void => {
    this.#scheduled = false;
    const busy = this.#arrived;
    this.#arrived = false;
    if (this.#stepping || this.#waiting.size === 0) return;
    if (busy) {
      // Connections may be queued behind the one that just came: one step, then back to them.
      this.#left = 0;
      this.#stepping = true;
      this.#waiting.pop()!.admit();
      return;
    }
    this.#left = this.#sliceBytes;
    this.#next();
  };
}

/** The process's stream turns, shared by every event stream: SSE and JSONL responses, WebSocket watches. */
export const streamTurns = new StreamTurns();
