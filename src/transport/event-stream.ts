/**
 * The pull-based pump that turns an event iterable into a byte stream; SSE and JSONL give it
 * their framing. It is the hot path of fan-out (one pump per watcher of a run), so:
 *
 * - each event is framed and UTF-8 encoded once per wire format, whatever the number of
 *   watchers (the same event object reaches every watcher of a run);
 * - events that are already available are sent together as one chunk, so a watcher that
 *   fell a little behind catches up with one write instead of one per event;
 * - the keep-alive is one timer per stream, not one per event.
 */
import { isAbortError, type CrewEvent } from "../events/index.js";

/** A source of events: an iterable, or a function that opens one bound to the stream's signal. */
export type EventSource =
  AsyncIterable<CrewEvent> | ((signal: AbortSignal) => AsyncIterable<CrewEvent>);

/** Options of {@link encodeEventStream}. */
export interface EncodeEventStreamOptions {
  /** Text of one event in the wire format. Must depend on the event only (it is cached). */
  encode: (event: CrewEvent) => string;
  /** Text sent when nothing was sent for `heartbeatMs`; none when absent. */
  heartbeat?: string;
  /** Idle time before a heartbeat (default 15 s). */
  heartbeatMs?: number;
  /** Called with a failure of the source; the stream then errors (the client sees it cut). */
  onError?: (error: unknown) => void;
  /** Called once when the stream ends, however it ends (closed, errored or cancelled). */
  onClose?: () => void;
}

const encoder = new TextEncoder();
const frameCaches = new WeakMap<(event: CrewEvent) => string, WeakMap<CrewEvent, Uint8Array>>();

/** `encode(event)` as UTF-8, computed once per event object and encode function. */
function encodedFrame(encode: (event: CrewEvent) => string, event: CrewEvent): Uint8Array {
  let cache = frameCaches.get(encode);
  if (!cache) {
    cache = new WeakMap();
    frameCaches.set(encode, cache);
  }
  let bytes = cache.get(event);
  if (!bytes) {
    bytes = encoder.encode(encode(event));
    cache.set(event, bytes);
  }
  return bytes;
}

/** Most bytes sent as one chunk; a source that never pauses still yields to the reader. */
const MAX_CHUNK_BYTES = 64 * 1024;

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

function concat(chunks: Uint8Array[]): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  let length = 0;
  for (const chunk of chunks) length += chunk.byteLength;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
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
  source: EventSource,
  options: EncodeEventStreamOptions,
): ReadableStream<Uint8Array> {
  const abort = new AbortController();
  const { encode } = options;
  let iterator: AsyncIterator<CrewEvent> | undefined;
  let pending: Promise<IteratorResult<CrewEvent>> | undefined;
  let finished = false;
  let lastSent = Date.now();
  let heartbeat: ReturnType<typeof setInterval> | undefined;

  const stop = (): void => {
    if (finished) return;
    finished = true;
    if (heartbeat) clearInterval(heartbeat);
    abort.abort();
    const it = iterator;
    iterator = undefined;
    // A next() still in flight settles after the abort; its failure is expected then, not news.
    pending?.catch((error: unknown) => {
      if (!isAbortError(error)) options.onError?.(error);
    });
    if (it?.return) it.return().catch((error: unknown) => options.onError?.(error));
    options.onClose?.();
  };

  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        if (options.heartbeat === undefined) return;
        const ping = encoder.encode(options.heartbeat);
        const every = options.heartbeatMs ?? 15_000;
        heartbeat = setInterval(() => {
          // At most one ping waits in the queue, however long the reader does not read.
          if (finished || Date.now() - lastSent < every || (controller.desiredSize ?? 0) < 0)
            return;
          lastSent = Date.now();
          controller.enqueue(ping);
        }, every);
        heartbeat.unref?.();
      },
      async pull(controller) {
        if (finished) return;
        try {
          iterator ??= (typeof source === "function" ? source(abort.signal) : source)[
            Symbol.asyncIterator
          ]();
          const chunks: Uint8Array[] = [];
          let bytes = 0;
          let ended = false;
          let next = await (pending ??= iterator.next());
          for (;;) {
            pending = undefined;
            if (finished) return;
            if (next.done) {
              ended = true;
              break;
            }
            const frame = encodedFrame(encode, next.value);
            chunks.push(frame);
            bytes += frame.byteLength;
            if (next.value.type === "run.end") {
              ended = true;
              break;
            }
            if (bytes >= MAX_CHUNK_BYTES) break;
            // Take whatever else is ready now; leave the rest for the next pull.
            pending = iterator.next();
            const more = await Promise.race([pending, nextTurn()]);
            if (more === TICK) break;
            next = more;
          }
          if (chunks.length > 0) {
            lastSent = Date.now();
            controller.enqueue(concat(chunks));
          }
          if (ended) {
            stop();
            controller.close();
          }
        } catch (error) {
          pending = undefined;
          if (finished) return;
          stop();
          options.onError?.(error);
          controller.error(error);
        }
      },
      cancel() {
        stop();
      },
    },
    { highWaterMark: 0 },
  );
}
