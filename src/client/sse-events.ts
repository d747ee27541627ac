/**
 * Reads a crewstream SSE response body into typed protocol events. Framing is parsed by
 * `eventsource-parser`; every `data` is validated with {@link parseEvent}. Event types this
 * client does not know are skipped, as the protocol requires.
 */
import { EventSourceParserStream } from "eventsource-parser/stream";
import { CrewError, ErrorCode, parseEvent } from "../events/index.js";
import type { CrewEvent } from "../events/index.js";

/**
 * Yields the events of an SSE body in order. Stops (and cancels the body) when the consumer
 * stops; throws the stream's error when the connection breaks, and a `bad_request` CrewError
 * when a frame is not a valid event.
 */
export async function* readSseEvents(body: ReadableStream<Uint8Array>): AsyncGenerator<CrewEvent> {
  const reader = body
    .pipeThrough(new TextDecoderStream() as unknown as ReadableWritablePair<string, Uint8Array>)
    .pipeThrough(new EventSourceParserStream())
    .getReader();
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      if (!value.data) continue;
      const parsed = parseEvent(parseJson(value.data));
      if (!parsed.ok) {
        throw new CrewError(
          ErrorCode.BAD_REQUEST,
          `The server sent an invalid event: ${parsed.error}`,
        );
      }
      if (parsed.event) yield parsed.event;
    }
  } finally {
    // Cancelling releases the connection; a body that already failed rejects here, which is
    // the error the caller is handling already.
    await reader.cancel().catch(() => undefined);
  }
}

function parseJson(data: string): unknown {
  try {
    return JSON.parse(data);
  } catch {
    throw new CrewError(
      ErrorCode.BAD_REQUEST,
      `The server sent an event that is not JSON: ${data.slice(0, 80)}`,
    );
  }
}
