/**
 * Server-Sent Events framing of crew events. This is the only module that knows SSE syntax;
 * the pump that turns an event iterable into a byte stream is in event-stream.ts.
 */
import type { CrewEvent } from "../events/index.js";
import {
  encodeEventStream,
  type EventBatchSource,
  type EventEncoder,
  type EventSource,
} from "./event-stream.js";

export {
  encodeEventStream,
  frameOf,
  type EncodeEventStreamOptions,
  type EventBatchSource,
  type EventSource,
} from "./event-stream.js";

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
  return sseEncoder(event);
}

/** {@link toSseFrame} as event streams call it: with the event's JSON when it was made already. */
export const sseEncoder: EventEncoder = (event, json = JSON.stringify(event)) =>
  `id: ${event.seq}\nevent: ${event.type}\ndata: ${json}\n\n`;

/** An SSE comment frame; clients ignore it. Line breaks in `text` become separate comment lines. */
export function sseComment(text: string): string {
  return `${text
    .split(/\r\n|\r|\n/)
    .map((line) => `: ${line}`)
    .join("\n")}\n\n`;
}

/** Options of {@link toSseStream}. */
export interface SseStreamOptions {
  /** Interval of `: ping` comments while no event comes (default 15 s). */
  pingMs?: number;
  /** Called with a failure of the source before the stream errors. */
  onError?: (error: unknown) => void;
  /** Called once when the stream ends, however it ends. */
  onClose?: () => void;
}

/** Events as an SSE byte stream with `: ping` comments, closed after `run.end`. */
export function toSseStream(
  source: EventSource | EventBatchSource,
  options: SseStreamOptions = {},
): ReadableStream<Uint8Array> {
  return encodeEventStream(source, {
    encode: sseEncoder,
    heartbeat: sseComment("ping"),
    heartbeatMs: options.pingMs ?? DEFAULT_PING_MS,
    ...(options.onError ? { onError: options.onError } : {}),
    ...(options.onClose ? { onClose: options.onClose } : {}),
  });
}
