/**
 * The pull-based pump that turns events into a byte stream; SSE and JSONL give it their
 * framing. It is the hot path of fan-out (one pump per watcher of a run), so:
 *
 * - it works on batches: a run's events reach every live watcher as the same batch objects
 *   (see `EventLog.subscribe`), and a batch is encoded once per wire format, then the
 *   same bytes go to every watcher;
 * - each event is framed once per wire format, whatever the number of watchers, so even a
 *   watcher whose batches were cut differently (a replay, a cursor inside a batch) only copies;
 * - a source of single events is grouped into batches of whatever is already available, so a
 *   watcher that fell a little behind catches up with one write instead of one per event;
 * - the keep-alive is one timer per stream, not one per event.
 */
import { isAbortError, madeBatchJson, type CrewEvent } from "../events/index.js";

/** A source of events: an iterable, or a function that opens one bound to the stream's signal. */
export type EventSource =
  AsyncIterable<CrewEvent> | ((signal: AbortSignal) => AsyncIterable<CrewEvent>);

/**
 * A source of event batches (never empty, never mutated once handed out), as run managers and
 * event logs provide them: an iterable, or a function that opens one bound to a signal.
 */
export interface EventBatchSource {
  batches:
    | AsyncIterable<readonly CrewEvent[]>
    | ((signal: AbortSignal) => AsyncIterable<readonly CrewEvent[]>);
}

/** Options of {@link encodeEventStream}. */
export interface EncodeEventStreamOptions {
  /**
   * Text of one event in the wire format, given the event's JSON when it was made already (see
   * `batchJson`). Must depend on the event only (it is cached).
   */
  encode: Encode;
  /** Text sent when nothing was sent for `heartbeatMs`; none when absent. */
  heartbeat?: string;
  /** Idle time before a heartbeat (default 15 s). */
  heartbeatMs?: number;
  /** Called with a failure of the source; the stream then errors (the client sees it cut). */
  onError?: (error: unknown) => void;
  /** Called once when the stream ends, however it ends (closed, errored or cancelled). */
  onClose?: () => void;
  /**
   * Aborted when the stream ends (its signal is the one a source function gets); a new one by
   * default. Passing the controller that already bounds the source saves one per stream.
   */
  abort?: AbortController;
}

/**
 * Text of one event in a wire format; `json` is the event's JSON when it was made already (see
 * `batchJson`).
 */
export type EventEncoder = (event: CrewEvent, json?: string) => string;

type Encode = EventEncoder;

const frameCaches = new WeakMap<Encode, WeakMap<CrewEvent, string>>();
const batchCaches = new WeakMap<Encode, WeakMap<readonly CrewEvent[], Buffer>>();

function cacheOf<K extends object, V>(
  caches: WeakMap<Encode, WeakMap<K, V>>,
  encode: Encode,
): WeakMap<K, V> {
  let cache = caches.get(encode);
  if (!cache) {
    cache = new WeakMap();
    caches.set(encode, cache);
  }
  return cache;
}

/**
 * `encode(event, json)`, computed once per event object and encode function; `json` is the
 * event's JSON when it was made already.
 */
export function frameOf(encode: Encode, event: CrewEvent, json?: string): string {
  const cache = cacheOf(frameCaches, encode);
  let frame = cache.get(event);
  if (frame === undefined) {
    frame = encode(event, json);
    cache.set(event, frame);
  }
  return frame;
}

/**
 * The UTF-8 bytes of a batch's frames, computed once per batch object and encode function:
 * every watcher handed the same batch writes the same bytes.
 */
export function encodeBatch(encode: Encode, batch: readonly CrewEvent[]): Buffer {
  const cache = cacheOf(batchCaches, encode);
  let bytes = cache.get(batch);
  if (bytes === undefined) {
    // The JSON the store made for this very batch, when it went through a writer.
    const json = madeBatchJson(batch);
    let text = "";
    for (let i = 0; i < batch.length; i++)
      text += frameOf(encode, batch[i] as CrewEvent, json?.[i]);
    bytes = Buffer.from(text, "utf8");
    cache.set(batch, bytes);
  }
  return bytes;
}

/** True when the batch holds a `run.end` (always its last event). */
export function endsRun(batch: readonly CrewEvent[]): boolean {
  return batch[batch.length - 1]?.type === "run.end";
}

const pings = new Map<string, Buffer>();

/** The bytes of a heartbeat text, shared by every stream that sends it. */
function pingBytes(text: string): Buffer {
  let bytes = pings.get(text);
  if (bytes === undefined) {
    bytes = Buffer.from(text, "utf8");
    pings.set(text, bytes);
  }
  return bytes;
}

const keepAlives = new Map<
  number,
  { timer: ReturnType<typeof setInterval>; checks: Set<() => void> }
>();

/**
 * Calls `check` every `everyMs` until the returned function is called. One timer serves every
 * stream with the same interval, so thousands of idle streams cost one timer, not thousands.
 */
function everyInterval(everyMs: number, check: () => void): () => void {
  let group = keepAlives.get(everyMs);
  if (group === undefined) {
    const checks = new Set<() => void>();
    const timer = setInterval(() => {
      for (const each of checks) each();
    }, everyMs);
    timer.unref?.();
    group = { timer, checks };
    keepAlives.set(everyMs, group);
  }
  const { checks } = group;
  checks.add(check);
  return () => {
    checks.delete(check);
    const current = keepAlives.get(everyMs);
    if (checks.size === 0 && current?.checks === checks) {
      clearInterval(current.timer);
      keepAlives.delete(everyMs);
    }
  };
}

/**
 * The keep-alive of one stream: sends `ping` when nothing was sent for a whole `everyMs` (so
 * after between one and two intervals of silence) and `canSend()` says the previous bytes
 * left. `sent()` records a write (a flag, not a clock read: it is called for every write of
 * every stream); `stop()` ends it.
 */
export function keepAlive(
  heartbeat: string | undefined,
  everyMs: number | undefined,
  send: (ping: Buffer) => void,
  canSend: () => boolean,
): { sent: () => void; stop: () => void } {
  if (heartbeat === undefined) return { sent: () => undefined, stop: () => undefined };
  const ping = pingBytes(heartbeat);
  const every = everyMs ?? 15_000;
  /** Something was sent since the last check (the stream's start counts). */
  let active = true;
  const stop = everyInterval(every, () => {
    if (active || !canSend()) {
      active = false;
      return;
    }
    send(ping);
  });
  return { sent: () => void (active = true), stop };
}

/** Most events grouped into one batch from a source of single events. */
const MAX_GROUP = 512;

const TICK = Symbol("tick");
let tick: Promise<typeof TICK> | undefined;

/**
 * Settles at the next turn of the event loop; shared by every stream, so checking "is more
 * already available?" costs one timer per loop turn, not one per stream.
 */
function nextTurn(): Promise<typeof TICK> {
  return (tick ??= new Promise((resolve) =>
    setImmediate(() => {
      tick = undefined;
      resolve(TICK);
    }),
  ));
}

/**
 * Single events grouped into batches of what is available without waiting for the next turn
 * of the event loop (up to {@link MAX_GROUP}); a batch ends with `run.end` when one comes.
 */
async function* groupReady(events: AsyncIterable<CrewEvent>): AsyncGenerator<CrewEvent[]> {
  const iterator = events[Symbol.asyncIterator]();
  let pending: Promise<IteratorResult<CrewEvent>> | undefined;
  let done = false;
  try {
    for (;;) {
      const first = await (pending ?? iterator.next());
      pending = undefined;
      if (first.done) {
        done = true;
        return;
      }
      const batch = [first.value];
      while (batch.length < MAX_GROUP && batch[batch.length - 1]!.type !== "run.end") {
        pending = iterator.next();
        const more = await Promise.race([pending, nextTurn()]);
        if (more === TICK) break;
        pending = undefined;
        if (more.done) {
          done = true;
          break;
        }
        batch.push(more.value);
      }
      yield batch;
      if (done) return;
    }
  } finally {
    if (!done && pending) {
      // A next() still in flight settles after the source's signal aborts; not awaited here.
      pending.catch(() => undefined);
      iterator.return?.()?.catch(() => undefined);
    } else if (!done) {
      await iterator.return?.();
    }
  }
}

/** Opens a source as batches, bound to `signal`. */
export function openBatches(
  source: EventSource | EventBatchSource,
  signal: AbortSignal,
): AsyncIterator<readonly CrewEvent[]> {
  if (typeof source === "object" && "batches" in source) {
    const batches = typeof source.batches === "function" ? source.batches(signal) : source.batches;
    return batches[Symbol.asyncIterator]();
  }
  return groupReady(typeof source === "function" ? source(signal) : source);
}

/**
 * Turns events into a pull-based byte stream.
 *
 * Contract: the source is pulled only when the reader wants more, so a slow reader slows only
 * itself; the stream closes right after a `run.end` event; when the reader cancels (the client
 * went away) the signal given to a source function aborts and the source iterator is returned,
 * so its `finally` blocks run. `onClose` is called exactly once.
 */
export function encodeEventStream(
  source: EventSource | EventBatchSource,
  options: EncodeEventStreamOptions,
): ReadableStream<Uint8Array> {
  const abort = options.abort ?? new AbortController();
  const { encode } = options;
  let iterator: AsyncIterator<readonly CrewEvent[]> | undefined;
  let pending: Promise<IteratorResult<readonly CrewEvent[]>> | undefined;
  let finished = false;
  let heartbeat: { sent: () => void; stop: () => void } | undefined;

  /** Ends the stream's work; resolves once the source iterator has returned. */
  const stop = async (): Promise<void> => {
    if (finished) return;
    finished = true;
    heartbeat?.stop();
    abort.abort();
    const it = iterator;
    iterator = undefined;
    // A next() still in flight settles after the abort; its failure is expected then, not news.
    pending?.catch((error: unknown) => {
      if (!isAbortError(error)) options.onError?.(error);
    });
    options.onClose?.();
    await it?.return?.()?.catch((error: unknown) => options.onError?.(error));
  };

  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        // At most one ping waits in the queue, however long the reader does not read.
        heartbeat = keepAlive(
          options.heartbeat,
          options.heartbeatMs,
          (ping) => controller.enqueue(ping),
          () => !finished && (controller.desiredSize ?? 0) >= 0,
        );
      },
      async pull(controller) {
        if (finished) return;
        try {
          iterator ??= openBatches(source, abort.signal);
          const next = await (pending ??= iterator.next());
          pending = undefined;
          if (finished) return;
          if (!next.done) {
            heartbeat?.sent();
            controller.enqueue(encodeBatch(encode, next.value));
          }
          if (next.done || endsRun(next.value)) {
            // The source's `finally` blocks have run when the reader sees the end.
            await stop();
            controller.close();
          }
        } catch (error) {
          pending = undefined;
          if (finished) return;
          void stop();
          options.onError?.(error);
          controller.error(error);
        }
      },
      cancel() {
        void stop();
      },
    },
    { highWaterMark: 0 },
  );
}
