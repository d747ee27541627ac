/**
 * JSON Lines (NDJSON) framing of crew events: one event per line, for HTTP clients that ask for
 * `application/x-ndjson` and for processes that talk over stdin/stdout.
 */
import { CrewError, ErrorCode, parseEvent } from "../events/index.js";
import type { CrewEvent } from "../events/index.js";
import { encodeEventStream } from "./event-stream.js";
import type { EventBatchSource, EventEncoder, EventSource } from "./event-stream.js";

/** Content type of a JSONL response. */
export const JSONL_CONTENT_TYPE = "application/x-ndjson";

/** Headers of a JSONL event stream response. */
export const JSONL_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  "content-type": `${JSONL_CONTENT_TYPE}; charset=utf-8`,
  "cache-control": "no-cache",
  "x-accel-buffering": "no",
  connection: "keep-alive",
});

/** One value as a JSON line (with its trailing newline). */
export function toJsonLine(value: unknown): string {
  return `${JSON.stringify(value)}\n`;
}

/** An event as a JSON line, as event streams encode it: with its JSON when made already. */
export const jsonlEncoder: EventEncoder = (event, json = JSON.stringify(event)) => `${json}\n`;

/** Options of {@link toJsonlStream}. */
export interface JsonlStreamOptions {
  /** Called with a failure of the source before the stream errors. */
  onError?: (error: unknown) => void;
  /** Called once when the stream ends, however it ends. */
  onClose?: () => void;
}

/**
 * Events as a JSONL byte stream, closed after `run.end`; pull-based like the SSE stream.
 * NDJSON has no comment syntax, so no keep-alive is sent.
 */
export function toJsonlStream(
  source: EventSource | EventBatchSource,
  options: JsonlStreamOptions = {},
): ReadableStream<Uint8Array> {
  return encodeEventStream(source, {
    encode: jsonlEncoder,
    ...(options.onError ? { onError: options.onError } : {}),
    ...(options.onClose ? { onClose: options.onClose } : {}),
  });
}

/**
 * Parses JSON lines from text chunks that may split lines anywhere (a stdout pipe, a fetch
 * body). Blank lines are skipped. A line that is not JSON throws a CrewError `bad_request`
 * naming its line number.
 */
export async function* parseJsonLines(
  chunks: AsyncIterable<string | Uint8Array>,
): AsyncGenerator<unknown> {
  const decoder = new TextDecoder();
  let buffered = "";
  let lineNumber = 0;
  const parseLine = (line: string): { value: unknown } | undefined => {
    lineNumber += 1;
    const text = line.endsWith("\r") ? line.slice(0, -1) : line;
    if (text.trim() === "") return undefined;
    try {
      return { value: JSON.parse(text) as unknown };
    } catch (error) {
      throw new CrewError(
        ErrorCode.BAD_REQUEST,
        `Line ${lineNumber} is not valid JSON: ${text.slice(0, 80)}`,
        {
          cause: error,
        },
      );
    }
  };
  for await (const chunk of chunks) {
    buffered += typeof chunk === "string" ? chunk : decoder.decode(chunk, { stream: true });
    let newline = buffered.indexOf("\n");
    while (newline !== -1) {
      const parsed = parseLine(buffered.slice(0, newline));
      buffered = buffered.slice(newline + 1);
      if (parsed) yield parsed.value;
      newline = buffered.indexOf("\n");
    }
  }
  buffered += decoder.decode();
  const last = parseLine(buffered);
  if (last) yield last.value;
}

/**
 * Parses protocol events from JSON lines. Events of types this version does not know are
 * skipped, as the protocol requires; a line that is not an event throws `bad_request`.
 */
export async function* parseEventLines(
  chunks: AsyncIterable<string | Uint8Array>,
): AsyncGenerator<CrewEvent> {
  let index = 0;
  for await (const value of parseJsonLines(chunks)) {
    index += 1;
    const parsed = parseEvent(value);
    if (!parsed.ok)
      throw new CrewError(
        ErrorCode.BAD_REQUEST,
        `JSON value ${index} is not a crew event: ${parsed.error}`,
      );
    if (parsed.event) yield parsed.event;
  }
}
