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
 * - while nobody is queued, a consumer is woken at once (inside `publish`) as long as this
 *   turn's slice is not used up: a run with a few watchers delivers each batch without waiting
 *   for a turn, and a burst parsed in one long chain of promise reactions (where no turn comes
 *   until it ends) still shows its first events at once;
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
  /**
   * Of a turn's wakes, how many may be made at once, inside `publish`, while nobody is queued
   * (default: all of them, `perSlice`; 0 queues every wake for a slice).
   */
  atOnce?: number;
}

/** Wakes a consumer; returns how many events it is handed. */
export type Wake = () => number;

/** Wakes ready consumers in slices, one slice per turn of the event loop; see the file comment. */
export class DeliveryTurns {
  readonly #perSlice: number;
  readonly #eventsPerSlice: number;
  readonly #atOnce: number;
  #ready: Wake[] = [];
  #head = 0;
  #scheduled = false;
  #slices = 0;
  /** Wakes made at once since the last slice, and the events they handed over. */
  #wokenAtOnce = 0;
  #eventsAtOnce = 0;

  constructor(options: DeliveryTurnsOptions = {}) {
    this.#perSlice = Math.max(1, options.perSlice ?? 128);
    this.#eventsPerSlice = Math.max(1, options.eventsPerSlice ?? 16_384);
    this.#atOnce = Math.min(this.#perSlice, Math.max(0, options.atOnce ?? this.#perSlice));
  }

  /**
   * Wakes `wake` at once while nobody waits before it and this turn's slice is not used up, else
   * queues it for a coming slice, after everything queued before it.
   */
  add(wake: Wake): void {
    if (
      this.#head === this.#ready.length &&
      this.#wokenAtOnce < this.#atOnce &&
      this.#eventsAtOnce < this.#eventsPerSlice
    ) {
      // A run's watchers see each batch as soon as it is published, even in a burst parsed in
      // one long chain of promise reactions, where no slice can run before the chain ends.
      this.#wokenAtOnce += 1;
      this.#eventsAtOnce += wake();
      this.#schedule();
      return;
    }
    this.#ready.push(wake);
    this.#schedule();
  }

  /** Consumers queued and not woken yet (for tests and metrics). */
  get waiting(): number {
    return this.#ready.length - this.#head;
  }

  /** Slices that woke consumers queued for them, so far (for tests and metrics). */
  get slices(): number {
    return this.#slices;
  }

  /** The next turn's slice: it wakes those queued and renews what may be woken at once. */
  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(this.#slice);
  }

  readonly #slice = (): void => {
    const ready = this.#ready;
    // What was woken at once since the last slice counts against this one.
    let wakes = this.#perSlice - this.#wokenAtOnce;
    let events = this.#eventsPerSlice - this.#eventsAtOnce;
    this.#wokenAtOnce = 0;
    this.#eventsAtOnce = 0;
    if (this.#head < ready.length) this.#slices += 1;
    // Consumers queued during the slice wait for the next one.
    const end = ready.length;
    // Woken consumers run (and write) in the microtask queue right after this callback.
    while (this.#head < end && wakes > 0 && events > 0) {
      wakes -= 1;
      events -= ready[this.#head++]!();
    }
    if (this.#head === ready.length) {
      this.#ready = [];
      this.#head = 0;
      this.#scheduled = false;
      return;
    }
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
