/**
 * Test support: an SSE client that follows one run across several servers behind "one URL":
 * when a connection fails or ends before `run.end`, it reconnects to the next server with
 * `Last-Event-ID`, as a browser behind a load balancer would.
 */
import { createParser, type EventSourceMessage } from "eventsource-parser";
import type { CrewEvent } from "../../events/index.js";

/** What a follower saw. */
export interface FollowResult {
  /** Every event received, in order of arrival (duplicates and gaps would show here). */
  events: CrewEvent[];
  /** Connections opened (1 when it never had to reconnect). */
  connections: number;
}

/** Follows `runId` through `run.end`, rotating through `servers` on failure. */
export async function followRunSse(
  servers: () => string[],
  runId: string,
  options: { signal?: AbortSignal; retryMs?: number; maxConnections?: number } = {},
): Promise<FollowResult> {
  const events: CrewEvent[] = [];
  let connections = 0;
  let lastId: string | undefined;
  for (let attempt = 0; ; attempt++) {
    if (options.signal?.aborted)
      throw new Error(`following ${runId} was aborted after ${events.length} events`);
    if (connections >= (options.maxConnections ?? 50))
      throw new Error(`gave up following ${runId}`);
    const list = servers();
    const base = list[attempt % list.length]!;
    connections += 1;
    try {
      const response = await fetch(`${base}/api/runs/${runId}/events`, {
        headers: lastId === undefined ? {} : { "last-event-id": lastId },
        ...(options.signal ? { signal: options.signal } : {}),
      });
      if (response.ok && response.body) {
        const ended = await readInto(response.body, events, (id) => (lastId = id));
        if (ended) return { events, connections };
      } else {
        await response.body?.cancel();
      }
    } catch {
      // The server went away mid-stream (or refused): resume on the next one from lastId.
    }
    await new Promise((resolve) => setTimeout(resolve, options.retryMs ?? 100));
  }
}

async function readInto(
  body: ReadableStream<Uint8Array>,
  events: CrewEvent[],
  onId: (id: string) => void,
): Promise<boolean> {
  const queue: EventSourceMessage[] = [];
  const parser = createParser({ onEvent: (message) => queue.push(message) });
  const reader = body.getReader();
  const decoder = new TextDecoder();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return false;
      parser.feed(decoder.decode(value, { stream: true }));
      for (let message = queue.shift(); message; message = queue.shift()) {
        const event = JSON.parse(message.data) as CrewEvent;
        events.push(event);
        if (message.id !== undefined) onId(message.id);
        if (event.type === "run.end") return true;
      }
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}

/** Checks a run's events are seq 1..n without gap or repeat, ending with exactly one run.end. */
export function gaplessProblems(events: readonly CrewEvent[]): string[] {
  const problems: string[] = [];
  events.forEach((event, i) => {
    if (event.seq !== i + 1) problems.push(`position ${i + 1} has seq ${event.seq}`);
  });
  const ends = events.filter((event) => event.type === "run.end").length;
  if (ends !== 1) problems.push(`${ends} run.end events`);
  if (events.at(-1)?.type !== "run.end") problems.push("the last event is not run.end");
  return problems;
}
