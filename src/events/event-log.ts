/**
 * Live fan-out of one run's events to any number of subscribers, each reading from its own
 * cursor.
 *
 * A subscriber first replays what is already durable (through `read`, usually the run store),
 * then switches to live delivery without a gap or a duplicate. Live events wait in a bounded
 * per-subscriber buffer; a subscriber whose buffer overflows is dropped (its iterator throws
 * {@link SlowConsumerError} carrying its cursor, so it can subscribe again from there).
 * `publish` never waits for a subscriber, so a slow one never slows the run or the others. A
 * subscriber still replaying reads the store at its own pace and buffers nothing.
 *
 * A subscriber waiting for live events is woken in its {@link DeliveryTurns} slice, not inside
 * `publish`, so a batch published to a thousand subscribers does not fill one turn of the event
 * loop; it then takes everything published since it last took, as one batch. That batch is the
 * same array for every subscriber that took the same batches, so a transport encodes it once.
 * Only a subscriber that is not waiting (its consumer is busy, e.g. its socket is full) counts
 * the live events that pile up against its buffer.
 *
 * Without `read`, the log keeps the events itself (`append`), for tests and in-memory use.
 */
import { CrewError, ErrorCode } from "./crew-error.js";
import { deliveryTurns, type DeliveryTurns } from "./delivery-turns.js";
import { joinBatchJson } from "./event-json.js";
import type { CrewEvent } from "./protocol.js";

/** Reads durable events with `seq > after`, in order, at most `limit`. */
export type ReadEvents = (after: number, limit: number) => Promise<CrewEvent[]>;

/** Options of {@link EventLog}. */
export interface EventLogOptions {
  /** The run whose events this log carries; checked on every event when set. */
  runId?: string;
  /** Where replays read from; absent for a log that holds its own events. */
  read?: ReadEvents;
  /** `seq` of the last event already durable when the log is created (default 0). */
  lastSeq?: number;
  /** Default most live events buffered per subscriber before it is dropped (default 1024). */
  highWaterMark?: number;
  /** Events per replay read (default 500); reads start at multiples of it. */
  pageSize?: number;
  /** Called each time a subscriber is dropped as too slow (for metrics). */
  onDrop?: () => void;
  /** Wakes waiting subscribers in slices (default: the process's {@link deliveryTurns}). */
  turns?: DeliveryTurns;
}

/** Options of {@link EventLog.subscribe}. */
export interface SubscribeOptions {
  /** Aborting ends the iteration quietly. */
  signal?: AbortSignal;
  /** Most live events buffered for this subscriber before it is dropped. */
  highWaterMark?: number;
}

/**
 * Thrown by a subscription that fell too far behind (code `slow_consumer`). Resume with
 * `subscribe(error.cursor)`.
 */
export class SlowConsumerError extends CrewError {
  constructor(readonly cursor: number) {
    super(
      ErrorCode.SLOW_CONSUMER,
      `Slow consumer: fell too far behind the live run and was dropped; resume after seq ${cursor}.`,
    );
  }
}

/** Joins batches published one after the other into one, the same array for every subscriber. */
type JoinBatches = (batches: ReadonlyArray<readonly CrewEvent[]>) => readonly CrewEvent[];

/** What the subscribers of one log share: its delivery turns and who waits for one. */
class Fanout {
  /** Subscribers of the log queued in the delivery turns. */
  queued = 0;
  #settled: Array<() => void> = [];

  constructor(
    readonly turns: DeliveryTurns,
    readonly onDrop?: () => void,
  ) {}

  /** A subscriber had its delivery turn. */
  granted(): void {
    this.queued -= 1;
    if (this.queued > 0) return;
    const settled = this.#settled;
    this.#settled = [];
    for (const resolve of settled) resolve();
  }

  /** Resolves once no subscriber waits for its delivery turn. */
  settled(): Promise<void> {
    if (this.queued === 0) return Promise.resolve();
    return new Promise((resolve) => this.#settled.push(resolve));
  }
}

class Subscriber {
  live = false;
  dropped = false;
  /** Live batches not yet taken, each shared with the other subscribers (never mutated). */
  batches: Array<readonly CrewEvent[]> = [];
  buffered = 0;
  #wake: (() => void) | undefined;
  /** Queued in the delivery turns to be woken. */
  #queued = false;
  /** Woken by its delivery turn: may take what was published. */
  #granted = false;

  constructor(
    readonly highWaterMark: number,
    readonly fanout: Fanout,
  ) {}

  offer(batch: readonly CrewEvent[]): void {
    if (!this.live || this.dropped) return;
    if (
      this.#wake === undefined &&
      !this.#granted &&
      this.buffered + batch.length > this.highWaterMark
    ) {
      // Only a consumer that is not waiting can fall behind: what piles up for a waiting one
      // until its delivery turn comes is the fan-out's delay, taken at once when it comes, as
      // is what comes after its turn came and before it ran (a burst published meanwhile).
      this.dropped = true;
      this.batches = [];
      this.buffered = 0;
      this.fanout.onDrop?.();
      return;
    }
    this.batches.push(batch);
    this.buffered += batch.length;
    if (this.#wake !== undefined) this.#queue();
  }

  /**
   * Everything published since the last take, as one batch, once the subscriber's delivery
   * turn came; undefined before (then {@link Subscriber.wait} for it).
   */
  take(join: JoinBatches): readonly CrewEvent[] | undefined {
    const batches = this.batches;
    if (!this.#granted || batches.length === 0) return undefined;
    this.#granted = false;
    this.batches = [];
    this.buffered = 0;
    return batches.length === 1 ? batches[0] : join(batches);
  }

  /** Wakes the consumer now (an abort, a failure). */
  notify(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }

  #queue(): void {
    if (this.#queued) return;
    this.#queued = true;
    this.fanout.queued += 1;
    this.fanout.turns.add(this.#deliver);
  }

  readonly #deliver = (): number => {
    this.#queued = false;
    this.#granted = true;
    this.fanout.granted();
    this.notify();
    return this.buffered;
  };

  /**
   * Resolves at the subscriber's next delivery turn, asked for at once when batches are already
   * waiting to be taken, else by the next publish; or at a {@link Subscriber.notify}.
   */
  wait(): Promise<void> {
    return new Promise((resolve) => {
      this.#wake = resolve;
      if (this.batches.length > 0) this.#queue();
    });
  }
}

/**
 * The events of `batch` with `seq > cursor`, up to and including a `run.end`. The batch itself
 * when it needs no trimming, so every subscriber of a live run gets the same array (which lets
 * a transport encode it once for all of them).
 */
export function eventsAfter(batch: readonly CrewEvent[], cursor: number): readonly CrewEvent[] {
  let from = 0;
  while (from < batch.length && batch[from]!.seq <= cursor) from += 1;
  let to = from;
  while (to < batch.length && batch[to]!.type !== "run.end") to += 1;
  to = Math.min(to + 1, batch.length);
  return from === 0 && to === batch.length ? batch : batch.slice(from, to);
}

/** Batches handed to live subscribers as a run published them (not replay pages). */
const liveBatches = new WeakSet<readonly CrewEvent[]>();

/**
 * True for a batch an {@link EventLog} handed to its live subscribers as the run published it,
 * false for a replay page (or a batch trimmed to a cursor). A transport writes live batches at
 * once, to every watcher alike, and paces the catch-up of replayed ones.
 */
export function isLiveBatch(batch: readonly CrewEvent[]): boolean {
  return liveBatches.has(batch);
}

/** The events of every batch, one by one: the adapter for consumers of single events. */
export async function* flatten(
  batches: AsyncIterable<readonly CrewEvent[]>,
): AsyncGenerator<CrewEvent, void, undefined> {
  for await (const batch of batches) yield* batch;
}

/** One run's live event fan-out; see the file comment for the delivery contract. */
export class EventLog {
  readonly #runId: string | undefined;
  readonly #read: ReadEvents;
  readonly #own: CrewEvent[] | undefined;
  readonly #highWaterMark: number;
  readonly #pageSize: number;
  readonly #subscribers = new Set<Subscriber>();
  readonly #fanout: Fanout;
  /** The last join of batches made from each first batch, shared by the subscribers. */
  readonly #joins = new WeakMap<
    readonly CrewEvent[],
    { last: readonly CrewEvent[]; joined: readonly CrewEvent[] }
  >();
  #lastSeq: number;
  /** Every subscriber waiting for live events was handed the events up to this seq. */
  #handedSeq: number;
  #ended = false;
  #failure: CrewError | undefined;

  constructor(options: EventLogOptions = {}) {
    this.#runId = options.runId;
    this.#lastSeq = options.lastSeq ?? 0;
    this.#handedSeq = this.#lastSeq;
    this.#highWaterMark = options.highWaterMark ?? 1024;
    this.#pageSize = options.pageSize ?? 500;
    this.#fanout = new Fanout(options.turns ?? deliveryTurns, options.onDrop);
    if (options.read) {
      this.#read = options.read;
    } else {
      if (this.#lastSeq !== 0)
        throw new CrewError(
          ErrorCode.BAD_REQUEST,
          "A log without `read` starts empty (lastSeq 0).",
        );
      const own: CrewEvent[] = [];
      this.#own = own;
      this.#read = async (after, limit) => own.slice(after, after + limit);
    }
  }

  /** `seq` of the last published event. */
  get lastSeq(): number {
    return this.#lastSeq;
  }

  /** True once `run.end` was published. */
  get ended(): boolean {
    return this.#ended;
  }

  /**
   * Events published that a subscriber waiting for them was not handed yet, because its
   * delivery turn has not come (0 when none waits for its turn). A subscriber that is not
   * waiting (its consumer is busy) does not count: it may fall behind on its own account.
   */
  get undelivered(): number {
    return this.#fanout.queued === 0 ? 0 : this.#lastSeq - this.#handedSeq;
  }

  /**
   * Resolves once every subscriber that waited for its delivery turn has had it. A run waits
   * for it when its {@link EventLog.undelivered} events pile up, so that it does not publish
   * faster than the process can hand its events over.
   */
  delivered(): Promise<void> {
    return this.#fanout.settled();
  }

  /** Number of active subscriptions. */
  get subscriberCount(): number {
    return this.#subscribers.size;
  }

  /**
   * Stores events in the log itself and publishes them (only for a log created without
   * `read`). Throws `conflict` unless they continue the log gaplessly.
   */
  append(events: readonly CrewEvent[]): void {
    if (!this.#own)
      throw new CrewError(
        ErrorCode.CONFLICT,
        "This log reads from a store; append to the store, then publish.",
      );
    this.#check(events);
    this.#own.push(...events);
    this.#deliver(events);
  }

  /**
   * Hands durable events to live subscribers. Must be called in `seq` order, once the events
   * can be read back through `read`; throws `conflict` on a gap, a duplicate or after `run.end`.
   */
  publish(events: readonly CrewEvent[]): void {
    if (this.#own)
      throw new CrewError(ErrorCode.CONFLICT, "This log holds its own events; use append().");
    this.#check(events);
    this.#deliver(events);
  }

  /** Ends every subscription with `error` (e.g. the store failed); later ones throw it too. */
  fail(error: CrewError): void {
    this.#failure = error;
    for (const subscriber of this.#subscribers) subscriber.notify();
  }

  /**
   * Events with `seq > after`, in batches: replay pages, then live batches, each what was
   * published since the subscriber last took (a frozen array shared by every subscriber that
   * took the same, unless trimmed to a cursor), without gap or duplicate. Batches are never
   * empty and never mutated. Ends after `run.end` or when `signal` aborts; throws
   * {@link SlowConsumerError} if this subscriber overflows its buffer while not taking. Use
   * {@link flatten} for one event at a time.
   */
  subscribe(
    after = 0,
    options: SubscribeOptions = {},
  ): AsyncGenerator<readonly CrewEvent[], void, undefined> {
    if (!Number.isInteger(after) || after < 0) {
      throw new CrewError(ErrorCode.BAD_CURSOR, `Cursor ${after} is not a non-negative integer.`);
    }
    return this.#iterate(
      after,
      options.signal,
      new Subscriber(options.highWaterMark ?? this.#highWaterMark, this.#fanout),
    );
  }

  async *#iterate(
    after: number,
    signal: AbortSignal | undefined,
    sub: Subscriber,
  ): AsyncGenerator<readonly CrewEvent[], void, undefined> {
    let cursor = after;
    this.#subscribers.add(sub);
    // One listener for the whole subscription, not one per wait.
    const aborted = (): void => sub.notify();
    signal?.addEventListener("abort", aborted, { once: true });
    try {
      for (;;) {
        if (signal?.aborted) return;
        if (this.#failure) throw this.#failure;
        if (sub.dropped) throw new SlowConsumerError(cursor);
        if (sub.live) {
          const next = sub.take(this.#join);
          if (next === undefined) {
            if (this.#ended && cursor >= this.#lastSeq) return;
            await sub.wait();
            continue;
          }
          const fresh = eventsAfter(next, cursor);
          if (fresh.length === 0) continue;
          const last = fresh[fresh.length - 1]!;
          cursor = last.seq;
          yield fresh;
          if (last.type === "run.end") return;
          continue;
        }
        if (cursor >= this.#lastSeq) {
          if (this.#ended) return;
          // Nothing published since the check above can be missed: going live is synchronous.
          sub.live = true;
          continue;
        }
        // Reads stay aligned to pages (a resumed cursor first reads up to the next boundary),
        // so every reader of the run asks for the same pages, which a store can share.
        const page = await this.#read(cursor, this.#pageSize - (cursor % this.#pageSize));
        const fresh = eventsAfter(page, cursor);
        if (fresh.length === 0 || fresh[0]?.seq !== cursor + 1) {
          throw new CrewError(
            ErrorCode.INTERNAL,
            `Replay after seq ${cursor} found no next event though seq ${this.#lastSeq} was published.`,
          );
        }
        if (signal?.aborted) return;
        const last = fresh[fresh.length - 1]!;
        cursor = last.seq;
        yield fresh;
        if (last.type === "run.end") return;
      }
    } finally {
      signal?.removeEventListener("abort", aborted);
      this.#subscribers.delete(sub);
    }
  }

  /**
   * Batches published one after the other as one batch, made once for all the subscribers that
   * took the same ones (they went live before the first, so they hold the same batches).
   */
  readonly #join: JoinBatches = (batches) => {
    const first = batches[0]!;
    const last = batches[batches.length - 1]!;
    const made = this.#joins.get(first);
    if (made?.last === last) return made.joined;
    const events: CrewEvent[] = [];
    for (const batch of batches) for (const event of batch) events.push(event);
    joinBatchJson(events, batches);
    const joined = Object.freeze(events);
    liveBatches.add(joined);
    this.#joins.set(first, { last, joined });
    return joined;
  };

  #check(events: readonly CrewEvent[]): void {
    let expected = this.#lastSeq + 1;
    let ended = this.#ended;
    for (const event of events) {
      if (ended)
        throw new CrewError(ErrorCode.CONFLICT, `Event seq ${event.seq} cannot follow run.end.`);
      if (this.#runId !== undefined && event.runId !== this.#runId) {
        throw new CrewError(
          ErrorCode.CONFLICT,
          `Event of run "${event.runId}" published to the log of run "${this.#runId}".`,
        );
      }
      if (event.seq !== expected)
        throw new CrewError(
          ErrorCode.CONFLICT,
          `Expected seq ${expected} next but got ${event.seq}.`,
        );
      expected += 1;
      if (event.type === "run.end") ended = true;
    }
  }

  #deliver(events: readonly CrewEvent[]): void {
    if (events.length === 0) return;
    if (this.#fanout.queued === 0) this.#handedSeq = this.#lastSeq;
    this.#lastSeq = events[events.length - 1]!.seq;
    if (events.some((event) => event.type === "run.end")) this.#ended = true;
    // One frozen copy shared by every subscriber: the caller may reuse its array. It keeps the
    // JSON the store made, so the wire encoders do not serialise its events again.
    const batch = Object.freeze(events.slice());
    joinBatchJson(batch, [events]);
    liveBatches.add(batch);
    for (const subscriber of this.#subscribers) subscriber.offer(batch);
  }
}
