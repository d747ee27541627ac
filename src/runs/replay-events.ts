/**
 * Reads a run's stored events from a cursor, page by page, up to `run.end` (or the end of
 * what is stored).
 */
import type { CrewEvent } from "../events/index.js";
import type { RunStore } from "../store/index.js";

const PAGE = 500;

/** The run's stored events with `seq > after`, in order; stops after `run.end` or when `signal` aborts. */
export async function* replayEvents(
  store: RunStore,
  runId: string,
  after: number,
  options: { signal?: AbortSignal } = {},
): AsyncGenerator<CrewEvent, void, undefined> {
  let cursor = after;
  for (;;) {
    const page = await store.readEvents(runId, cursor, PAGE);
    if (page.length === 0) return;
    for (const event of page) {
      if (options.signal?.aborted) return;
      cursor = event.seq;
      yield event;
      if (event.type === "run.end") return;
    }
  }
}
