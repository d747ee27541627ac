/**
 * A bounded single-consumer queue between a run's producer (model turns, tools, delegation) and
 * the pull-based `crew.stream()` generator.
 */

/** Thrown into a producer's `push` once the consumer has gone away. */
export class ChannelClosedError extends Error {
  override readonly name = "ChannelClosedError";
}

/**
 * A bounded async queue with backpressure: `push` resolves once the item fits in the buffer,
 * so a consumer that stops pulling stops the producer. `close()` ends iteration after the
 * buffered items; `cancel()` drops them and makes every pending and later `push` reject.
 */
export class EventChannel<T> {
  readonly #buffer: T[] = [];
  readonly #capacity: number;
  #closed = false;
  #cancelled = false;
  /** The consumer waiting in `next()` (the buffer is then empty): it is handed the next item. */
  #waiting: ((next: { value: T } | undefined) => void) | undefined;
  readonly #waitingProducers: Array<{ resolve: () => void; reject: (error: Error) => void }> = [];

  constructor(capacity = 256) {
    this.#capacity = capacity;
  }

  /** Whether an item pushed now would be buffered at once. */
  get writable(): boolean {
    return !this.#closed && this.#buffer.length < this.#capacity;
  }

  /**
   * Adds the item at once if the buffer has room and the channel is open; returns whether it
   * did. The fast path of a producer that emits many small items.
   */
  offer(item: T): boolean {
    if (!this.writable) return false;
    this.#deliver(item);
    return true;
  }

  /** Adds an item; waits while the buffer is full. Rejects with ChannelClosedError after cancel(). */
  async push(item: T): Promise<void> {
    while (this.#buffer.length >= this.#capacity && !this.#cancelled) {
      await new Promise<void>((resolve, reject) =>
        this.#waitingProducers.push({ resolve, reject }),
      );
    }
    if (this.#cancelled || this.#closed)
      throw new ChannelClosedError("The event consumer has gone away.");
    this.#deliver(item);
  }

  /** No more items will be pushed: iteration ends once the buffer is drained. */
  close(): void {
    this.#closed = true;
    this.#end();
  }

  /** The consumer has gone away: pending and later pushes reject, buffered items are dropped. */
  cancel(): void {
    this.#cancelled = true;
    this.#closed = true;
    this.#buffer.length = 0;
    for (const producer of this.#waitingProducers.splice(0)) {
      producer.reject(new ChannelClosedError("The event consumer has gone away."));
    }
    this.#end();
  }

  /**
   * Next item, or `undefined` once closed and drained. Returns synchronously when an item is
   * buffered (or the channel is done), a promise only when the consumer has to wait.
   */
  next(): { value: T } | undefined | Promise<{ value: T } | undefined> {
    if (this.#buffer.length > 0) {
      const value = this.#buffer.shift() as T;
      this.#waitingProducers.shift()?.resolve();
      return { value };
    }
    if (this.#closed) return undefined;
    return new Promise((resolve) => (this.#waiting = resolve));
  }

  /** Hands the item to the waiting consumer, or buffers it: one promise per wait, no re-check. */
  #deliver(item: T): void {
    const waiting = this.#waiting;
    if (waiting === undefined) {
      this.#buffer.push(item);
      return;
    }
    this.#waiting = undefined;
    waiting({ value: item });
  }

  /** Ends the wait of a consumer: the channel is closed and its buffer empty. */
  #end(): void {
    const waiting = this.#waiting;
    this.#waiting = undefined;
    waiting?.(undefined);
  }
}
