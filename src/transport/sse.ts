/**
 * Server-Sent Events framing of crew events. This is the only module that knows SSE syntax;
 * it also holds the pull-based pump that turns an event iterable into a byte stream, which the
 * JSONL transport reuses with its own line format.
 */
import { isAbortError } from "../events/index.js";
import type { CrewEvent } from "../events/index.js";

/** Headers of every SSE response: no caching, no proxy buffering, a long-lived connection. */
export const SSE_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  "content-type": "text/event-stream; charset=utf-8",
  "cache-control": "no-cache",
  "x-accel-buffering": "no",
  connection: "keep-alive",
});

/** Default interval between `: ping` comments that keep idle connections open. */
export const DEFAULT_PING_MS = 15_000;

/**
 * One event as an SSE frame: `id` is the event's `seq` (so `Last-Event-ID` is a resume cursor),
 * `event` its type, `data` the event as one line of JSON.
 */
export function toSseFrame(event: CrewEvent): string {
  return `id: ${event.seq}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
}

/** An SSE comment frame; clients ignore it. Line breaks in `text` become separate comment lines. */
export function sseComment(text: string): string {
  return `${text
    .split(/\r\n|\r|\n/)
    .map((line) => `: ${line}`)
    .join("\n")}\n\n`;
}

/** A source of events: an iterable, or a function that opens one bound to the stream's signal. */
export type EventSource =
  AsyncIterable<CrewEvent> | ((signal: AbortSignal) => AsyncIterable<CrewEvent>);

/** Options of {@link encodeEventStream}. */
export interface EncodeEventStreamOptions {
  /** Text of one event in the wire format. */
  encode: (event: CrewEvent) => string;
  /** Text sent when the source is idle for `heartbeatMs`; none when absent. */
  heartbeat?: string;
  /** Idle time before a heartbeat (default {@link DEFAULT_PING_MS}). */
  heartbeatMs?: number;
  /** Called with a failure of the source; the stream then errors (the client sees it cut). */
  onError?: (error: unknown) => void;
}

/**
 * Turns events into a pull-based byte stream.
 *
 * Contract: the source is pulled only when the reader wants more, so a slow reader slows only
 * itself; the stream closes right after a `run.end` event; when the reader cancels (the client
 * went away) the signal given to a source function aborts and the source iterator is returned,
 * so its `finally` blocks run.
 */
export function encodeEventStream(
  source: EventSource,
  options: EncodeEventStreamOptions,
): ReadableStream<Uint8Array> {
  const abort = new AbortController();
  const encoder = new TextEncoder();
  const heartbeatMs = options.heartbeatMs ?? DEFAULT_PING_MS;
  let iterator: AsyncIterator<CrewEvent> | undefined;
  let pending: Promise<IteratorResult<CrewEvent>> | undefined;
  let finished = false;

  const stop = (): void => {
    if (finished) return;
    finished = true;
    abort.abort();
    const it = iterator;
    iterator = undefined;
    // A next() still in flight settles after the abort; its failure is expected then, not news.
    pending?.catch((error: unknown) => {
      if (!isAbortError(error)) options.onError?.(error);
    });
    if (it?.return) it.return().catch((error: unknown) => options.onError?.(error));
  };

  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        if (finished) return;
        try {
          iterator ??= (typeof source === "function" ? source(abort.signal) : source)[
            Symbol.asyncIterator
          ]();
          pending ??= iterator.next();
          const next = await raceHeartbeat(
            pending,
            options.heartbeat === undefined ? undefined : heartbeatMs,
          );
          if (next === "heartbeat") {
            controller.enqueue(encoder.encode(options.heartbeat ?? ""));
            return;
          }
          pending = undefined;
          if (finished) return;
          if (next.done) {
            finished = true;
            controller.close();
            return;
          }
          controller.enqueue(encoder.encode(options.encode(next.value)));
          if (next.value.type === "run.end") {
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

/** Resolves with the next result, or "heartbeat" when it takes longer than `ms`. */
async function raceHeartbeat<T>(
  next: Promise<T>,
  ms: number | undefined,
): Promise<T | "heartbeat"> {
  if (ms === undefined) return next;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const tick = new Promise<"heartbeat">((resolve) => {
    timer = setTimeout(() => resolve("heartbeat"), ms);
  });
  try {
    return await Promise.race([next, tick]);
  } finally {
    clearTimeout(timer);
  }
}

/** Options of {@link toSseStream}. */
export interface SseStreamOptions {
  /** Interval of `: ping` comments while no event comes (default 15 s). */
  pingMs?: number;
  /** Called with a failure of the source before the stream errors. */
  onError?: (error: unknown) => void;
}

/** Events as an SSE byte stream with `: ping` comments, closed after `run.end`. */
export function toSseStream(
  source: EventSource,
  options: SseStreamOptions = {},
): ReadableStream<Uint8Array> {
  return encodeEventStream(source, {
    encode: toSseFrame,
    heartbeat: sseComment("ping"),
    heartbeatMs: options.pingMs ?? DEFAULT_PING_MS,
    ...(options.onError ? { onError: options.onError } : {}),
  });
}
