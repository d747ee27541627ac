/**
 * Reads a run's stored events from a cursor, page by page, up to `run.end` (or the end of
 * what is stored).
 */
import { eventsAfter, type CrewEvent } from "../events/index.js";
import type { RunStore } from "../store/index.js";

const PAGE = 500;

/**
 * The run's stored events with `seq > after`, in pages (never empty); stops after `run.end`,
 * at the end of what is stored, or when `signal` aborts.
 */
export async function* replayEvents(
  store: RunStore,
  runId: string,
  after: number,
  options: { signal?: AbortSignal } = {},
): AsyncGenerator<readonly CrewEvent[], void, undefined> {
  let cursor = after;
  for (;;) {
    // Aligned to pages, as the stores cache them, whatever the cursor a reader resumes from.
    const page = await store.readEvents(runId, cursor, PAGE - (cursor % PAGE));
    if (options.signal?.aborted) return;
    const fresh = eventsAfter(page, cursor);
    if (fresh.length === 0) return;
    const last = fresh[fresh.length - 1]!;
    cursor = last.seq;
    yield fresh;
    if (last.type === "run.end") return;
  }
}
