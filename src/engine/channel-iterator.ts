/**
 * The consumer side of a run: an `AsyncGenerator` over an {@link EventChannel}, written by hand
 * because an async generator function costs several promise jobs per item (its own request
 * queue, the `await` of the channel and the `yield`) and items come once per token.
 *
 * It behaves as the generator function it replaces: the run starts on the first `next()`
 * (never, when `return()` comes first); a buffered item is answered without waiting; requests
 * made while one waits are served in order after it; when the channel ends, or `return()` /
 * `throw()` come, the run is stopped and awaited before the iterator answers done.
 */
import type { EventChannel } from "./event-channel.js";

/** A started run, as its iterator sees it. */
export interface StartedChannel<T> {
  channel: EventChannel<T>;
  /**
   * Ends the run: `finished` when its last item was taken (then the producer is only
   * awaited), else the run is aborted first. Rejects when the producer failed.
   */
  stop(finished: boolean): Promise<void>;
}

const DONE: IteratorReturnResult<void> = Object.freeze({ done: true, value: undefined });

/** A promise rejected with `error`, whatever it is (a generator rethrows anything). */
async function rejection(error: unknown): Promise<never> {
  throw error;
}

/** See the file comment. `isLast` tells the item after which the run has finished. */
export class ChannelIterator<T> implements AsyncGenerator<T, void, undefined> {
  #start: (() => StartedChannel<T>) | undefined;
  #started: StartedChannel<T> | undefined;
  readonly #isLast: (item: T) => boolean;
  #finished = false;
  #done = false;
  /** The last request that has not settled: later ones are served after it. */
  #waiting: Promise<unknown> | undefined;

  constructor(start: () => StartedChannel<T>, isLast: (item: T) => boolean) {
    this.#start = start;
    this.#isLast = isLast;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<T, void>> {
    if (this.#waiting !== undefined) return this.#after(this.#waiting, () => this.next());
    if (this.#done) return Promise.resolve(DONE);
    let started = this.#started;
    if (started === undefined) {
      const start = this.#start as () => StartedChannel<T>;
      this.#start = undefined;
      try {
        started = this.#started = start();
      } catch (error) {
        this.#done = true;
        return rejection(error);
      }
    }
    const next = started.channel.next();
    if (next instanceof Promise) {
      const waiting = next.then((item) => {
        const taken = this.#take(item);
        if (taken instanceof Promise) return taken.finally(() => (this.#waiting = undefined));
        this.#waiting = undefined;
        return taken;
      });
      this.#waiting = waiting;
      return waiting;
    }
    const taken = this.#take(next);
    return taken instanceof Promise ? this.#track(taken) : Promise.resolve(taken);
  }

  return(): Promise<IteratorResult<T, void>> {
    if (this.#waiting !== undefined) return this.#after(this.#waiting, () => this.return());
    return this.#track(this.#stop().then(() => DONE));
  }

  throw(error: unknown): Promise<IteratorResult<T, void>> {
    if (this.#waiting !== undefined) return this.#after(this.#waiting, () => this.throw(error));
    return this.#track(this.#stop().then(() => rejection(error)));
  }

  #take(
    next: { value: T } | undefined,
  ): IteratorResult<T, void> | Promise<IteratorResult<T, void>> {
    if (next === undefined) return this.#stop().then(() => DONE);
    if (this.#isLast(next.value)) this.#finished = true;
    return { done: false, value: next.value };
  }

  /** Ends the iteration, stopping the run if it started; at once when it had ended already. */
  #stop(): Promise<void> {
    if (this.#done) return Promise.resolve();
    this.#done = true;
    this.#start = undefined;
    return this.#started?.stop(this.#finished) ?? Promise.resolve();
  }

  /** Makes later requests wait for `request`, which has not settled yet. */
  #track<R>(request: Promise<R>): Promise<R> {
    this.#waiting = request;
    const clear = (): void => {
      if (this.#waiting === request) this.#waiting = undefined;
    };
    request.then(clear, clear);
    return request;
  }

  #after<R>(waiting: Promise<unknown>, request: () => Promise<R>): Promise<R> {
    return waiting.then(request, request);
  }
}
