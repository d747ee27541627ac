/**
 * Test support: reads SSE responses with an independent parser (eventsource-parser), so the
 * server's framing is checked against a real client implementation.
 */
import { createParser } from "eventsource-parser";
import type { EventSourceMessage } from "eventsource-parser";
import { parseEvent } from "../../events/index.js";
import type { CrewEvent } from "../../events/index.js";

/** A parsed SSE message plus the event it carries. */
export interface SseMessage extends EventSourceMessage {
  crewEvent: CrewEvent;
}

/**
 * Yields each SSE message of a response body as it arrives, checking that `id` is the event's
 * seq and `event` its type. Comments (pings) are counted in `stats.comments`.
 */
export async function* readSse(
  body: ReadableStream<Uint8Array>,
  stats: { comments: number; raw: string } = { comments: 0, raw: "" },
): AsyncGenerator<SseMessage> {
  const queue: EventSourceMessage[] = [];
  const parser = createParser({
    onEvent: (message) => queue.push(message),
    onComment: () => (stats.comments += 1),
  });
  const reader = body.getReader();
  const decoder = new TextDecoder();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      const text = decoder.decode(value, { stream: true });
      stats.raw += text;
      parser.feed(text);
      while (queue.length > 0) {
        const message = queue.shift() as EventSourceMessage;
        const parsed = parseEvent(JSON.parse(message.data));
        if (!parsed.ok || !parsed.event)
          throw new Error(`SSE data is not a crew event: ${message.data}`);
        if (message.id !== String(parsed.event.seq))
          throw new Error(`SSE id ${message.id} is not seq ${parsed.event.seq}`);
        if (message.event !== parsed.event.type)
          throw new Error(`SSE event ${message.event} is not ${parsed.event.type}`);
        yield { ...message, crewEvent: parsed.event };
      }
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}

/** Reads a whole SSE response into its events. */
export async function collectSse(response: Response): Promise<CrewEvent[]> {
  if (!response.body) throw new Error("response has no body");
  const events: CrewEvent[] = [];
  for await (const message of readSse(response.body)) events.push(message.crewEvent);
  return events;
}

/** Reads a whole JSONL response into its events. */
export async function collectJsonl(response: Response): Promise<CrewEvent[]> {
  const text = await response.text();
  return text
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => {
      const parsed = parseEvent(JSON.parse(line));
      if (!parsed.ok || !parsed.event) throw new Error(`JSONL line is not a crew event: ${line}`);
      return parsed.event;
    });
}

/** Asserts events are one run's complete log: seq 1..n without gap or repeat, ending with run.end. */
export function assertCompleteRun(events: readonly CrewEvent[]): void {
  events.forEach((event, index) => {
    if (event.seq !== index + 1)
      throw new Error(`event ${index} has seq ${event.seq}, expected ${index + 1}`);
  });
  const last = events.at(-1);
  if (last?.type !== "run.end")
    throw new Error(`the run does not end with run.end (last: ${last?.type})`);
  if (events[0]?.type !== "run.start") throw new Error("the run does not start with run.start");
}
