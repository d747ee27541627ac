/** What a server learns about a run executing elsewhere, from its stored events. */
import type { CrewEvent } from "../events/index.js";
import type { RedisRunStore } from "./redis-store.js";

/** Ids of `input.request`s not yet answered by an `input.response`. */
export function openInputRequests(events: readonly CrewEvent[]): Set<string> {
  const open = new Set<string>();
  for (const event of events) {
    if (event.type === "input.request") open.add(event.requestId);
    if (event.type === "input.response") open.delete(event.requestId);
  }
  return open;
}

/** Resolves once the run's `run.end` is stored, or after `timeoutMs`, or when `signal` aborts. */
export async function waitForEnd(
  store: RedisRunStore,
  runId: string,
  after: number,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let cursor = after;
  while (!signal.aborted && Date.now() < deadline) {
    const page = await store.waitForEvents(runId, cursor, {
      blockMs: Math.max(1, Math.min(1000, deadline - Date.now())),
      signal,
    });
    for (const event of page) if (event.type === "run.end") return;
    cursor = page.at(-1)?.seq ?? cursor;
  }
}
