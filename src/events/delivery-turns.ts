/**
 * Shares the event loop between the live fan-out of runs and everything else the process
 * serves: new connections, API requests, the runs themselves.
 *
 * Why it is needed: a batch published to a thousand live watchers wakes a thousand consumers,
 * and each wakes up to write to its socket within the same drain of the microtask queue. Done
 * at once, that is one turn of the event loop full of socket writes, tens of milliseconds long
 * for every batch, and Node (libuv) accepts and reads new connections only between turns: a
 * health check waited for as many of those turns as batches came in meanwhile.
 *
 * Contract:
 * - a waiting consumer is woken in a slice of at most {@link DeliveryTurnsOptions.perSlice}
 *   wakes handing over at most about {@link DeliveryTurnsOptions.eventsPerSlice} events (the
 *   last wake may pass it); a slice runs once per turn of the event loop, after I/O was polled
 *   (a `setImmediate`), so a turn holds at most about one slice of fan-out work. Slices are
 *   counted in wakes and events, not time, like the catch-up's stream turns;
 * - consumers are woken in the order they became ready (first in, first out): none waits for
 *   more than one round of everyone ready before it;
 * - a consumer that waits for its wake keeps collecting the batches published meanwhile and
 *   takes them all at once, so a run that publishes faster than the slices go round gets
 *   fewer, larger writes per watcher instead of a queue of small ones.
 */

/** Options of {@link DeliveryTurns}. */
export interface DeliveryTurnsOptions {
  /** Most consumers woken per turn of the event loop (default 64). */
  perSlice?: number;
  /** Most events handed over per turn, summed over the consumers woken (default 16,384). */
  eventsPerSlice?: number;
}

/** Wakes a consumer; returns how many events it is handed. */
export type Wake = () => number;

/** Wakes ready consumers in slices, one slice per turn of the event loop; see the file comment. */
export class DeliveryTurns {
  readonly #perSlice: number;
  readonly #eventsPerSlice: number;
  #ready: Wake[] = [];
  #head = 0;
  #scheduled = false;
  #slices = 0;

  constructor(options: DeliveryTurnsOptions = {}) {
    this.#perSlice = Math.max(1, options.perSlice ?? 128);
    this.#eventsPerSlice = Math.max(1, options.eventsPerSlice ?? 16_384);
  }

  /** Queues `wake` to be called in a coming slice, after everything queued before it. */
  add(wake: Wake): void {
    this.#ready.push(wake);
    if (!this.#scheduled) {
      this.#scheduled = true;
      setImmediate(this.#slice);
    }
  }

  /** Consumers queued and not woken yet (for tests and metrics). */
  get waiting(): number {
    return this.#ready.length - this.#head;
  }

  /** Slices run so far (for tests and metrics). */
  get slices(): number {
    return this.#slices;
  }

  readonly #slice = (): void => {
    // Still counted as scheduled while waking: a consumer queued meanwhile waits for the next.
    this.#slices += 1;
    const ready = this.#ready;
    const last = Math.min(this.#head + this.#perSlice, ready.length);
    let end = this.#head;
    let events = 0;
    // Woken consumers run (and write) in the microtask queue right after this callback.
    while (end < last && events < this.#eventsPerSlice) events += ready[end++]!();
    if (end === ready.length) {
      this.#ready = [];
      this.#head = 0;
      this.#scheduled = false;
      return;
    }
    this.#head = end;
    // The list only grows at its tail: drop the woken head once it is most of the array.
    if (this.#head > 1024 && this.#head * 2 > ready.length) {
      this.#ready = ready.slice(this.#head);
      this.#head = 0;
    }
    setImmediate(this.#slice);
  };
}

/** The process's delivery turns, shared by the event logs of every run. */
export const deliveryTurns = new DeliveryTurns();
