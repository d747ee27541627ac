/**
 * A single-consumer async queue fed by callbacks (WebSocket messages): `push` never blocks,
 * the consumer pulls with `for await`. Stopping the iteration calls `onStop` once.
 */
export class PushQueue<T> implements AsyncIterable<T> {
  readonly #items: T[] = [];
  #waiter: (() => void) | undefined;
  #ended = false;
  #error: unknown;
  readonly #onStop: (() => void) | undefined;

  constructor(onStop?: () => void) {
    this.#onStop = onStop;
  }

  /** Adds an item for the consumer. Ignored after `end` or `fail`. */
  push(item: T): void {
    if (this.#ended) return;
    this.#items.push(item);
    this.#wake();
  }

  /** Ends the iteration after the queued items. */
  end(): void {
    this.#ended = true;
    this.#wake();
  }

  /** Ends the iteration with an error, after the queued items. */
  fail(error: unknown): void {
    if (this.#ended) return;
    this.#error = error;
    this.end();
  }

  #wake(): void {
    const waiter = this.#waiter;
    this.#waiter = undefined;
    waiter?.();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<T> {
    try {
      for (;;) {
        const item = this.#items.shift();
        if (item !== undefined) {
          yield item;
          continue;
        }
        if (this.#ended) {
          if (this.#error !== undefined) throw this.#error;
          return;
        }
        await new Promise<void>((resolve) => (this.#waiter = resolve));
      }
    } finally {
      if (!this.#ended) this.#onStop?.();
      this.#ended = true;
    }
  }
}
